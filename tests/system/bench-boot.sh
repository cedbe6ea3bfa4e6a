#!/bin/bash
# SPDX-License-Identifier: MIT
# make bench-boot: boot the ISO RUNS times (default 5) under BIOS and print
# the median milliseconds from QEMU's start to the serial line "XDV Kernel
# v0.2 initialized" (host clock: includes SeaBIOS and GRUB, with GRUB's
# menu timeout set to 0), then the kernel's own entry-to-initialized time
# from its summary line, in boots whose guest time runs on QEMU's
# instruction counter (-icount), so that figure repeats between runs.
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-5}
iso=$(make_iso bench "") || exit 1

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# Host figure: a normal boot (no -icount), wall-clock from QEMU's start.
host=()
for i in $(seq "$RUNS"); do
	log=$LOGDIR/bench-boot-host-$i.log
	t0=$(date +%s%N)
	qemu_boot "$log" "$BIOS_TIMEOUT" "$INITIALIZED" -machine pc -m 256M -cdrom "$iso" || {
		echo "bench-boot: run $i did not reach '$INITIALIZED'"; show_log "$log"; exit 1; }
	host+=($(( ($(date +%s%N) - t0) / 1000000 )))
done

# Kernel figure: guest time counts instructions, so it repeats exactly.
kernel=()
for i in 1 2 3; do
	log=$LOGDIR/bench-boot-icount-$i.log
	qemu_boot "$log" "$BIOS_TIMEOUT" "$INITIALIZED" -machine pc -m 256M -cdrom "$iso" \
		-icount shift=0,sleep=off -rtc base=2024-01-01T00:00:00,clock=vm || {
		echo "bench-boot: icount run $i did not reach '$INITIALIZED'"; show_log "$log"; exit 1; }
	kernel+=("$(tr -d '\r' < "$log" | sed -n 's/.*boot: \([0-9.]*\) ms.*/\1/p' | head -n1)")
done
echo "bench-boot: BIOS boots, -machine pc -m 256M, GRUB timeout 0"
echo "  QEMU start to initialized (host clock, $RUNS runs): median $(printf '%s\n' "${host[@]}" | median) ms (runs: ${host[*]})"
echo "  kernel entry to initialized (-icount shift=0, 3 runs): median $(printf '%s\n' "${kernel[@]}" | median) ms (runs: ${kernel[*]})"
