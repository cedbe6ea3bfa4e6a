#!/bin/sh
# SPDX-License-Identifier: MIT
# make debug: start QEMU halted at its first instruction with a gdb server,
# then gdb with kernel.elf's symbols, a breakpoint on kernel_main, and
# continue. Quitting gdb stops QEMU.
#   tools/debug.sh ISO KERNEL_ELF PORT "EXTRA QEMU FLAGS" [more gdb arguments]
# The extra gdb arguments run after the breakpoint is hit (the gdb test
# passes -batch and commands here).
set -eu
iso=$1 elf=$2 port=$3 extra=${4:-}
shift 3
[ $# -gt 0 ] && shift
mkdir -p build

# shellcheck disable=SC2086
qemu-system-x86_64 -machine pc -cdrom "$iso" -serial file:build/debug-serial.log \
	-display none -no-reboot -S -gdb tcp:127.0.0.1:"$port" $extra &
qemu=$!
trap 'kill $qemu 2>/dev/null || true' EXIT INT TERM
echo "debug: QEMU pid $qemu halted; serial output goes to build/debug-serial.log"

gdb -q -x tools/gdbinit \
	-ex "target remote 127.0.0.1:$port" \
	-ex "hbreak kernel_main" \
	-ex "continue" \
	"$@" "$elf"
