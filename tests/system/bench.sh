#!/bin/bash
# SPDX-License-Identifier: MIT
# make bench: boot the ISO with `bench` on the command line under QEMU's
# -icount (guest time counts instructions: 1 ns per instruction with
# shift=0), so the figures repeat exactly between runs; print them.
. "$(dirname "$0")/lib.sh"

iso=$(make_iso bench-kernel "bench debug_exit=0xf4") || exit 1
log=$LOGDIR/bench.log
qemu_boot "$log" 600 "" -machine pc -smp 2 -m 512M -cdrom "$iso" \
	-icount shift=0,sleep=off -rtc base=2024-01-01T00:00:00,clock=vm
tr -d '\r' < "$log" | sed -n 's/^\[[ 0-9.]*\] bench: /bench: /p'
if [ "$QEMU_STATUS" != 33 ]; then
	echo "bench: the benchmark run did not finish (QEMU status $QEMU_STATUS)"
	show_log "$log"
	exit 1
fi
