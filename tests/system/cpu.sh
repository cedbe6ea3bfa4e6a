#!/bin/bash
# SPDX-License-Identifier: MIT
# A 32-bit-only CPU: GRUB (BIOS) still loads the kernel, which must explain
# that it needs x86-64 and halt, rather than reset or hang silently.
. "$(dirname "$0")/lib.sh"

log=$LOGDIR/cpu-no-long-mode.log
if qemu_boot "$log" "$BIOS_TIMEOUT" "this CPU cannot run 64-bit code (no long mode)" \
	-machine pc -cpu qemu32 -m 128M -cdrom "$ISO"; then
	pass "cpu_without_long_mode_explains_and_halts"
else
	fail "cpu_without_long_mode_explains_and_halts" "QEMU status: $QEMU_STATUS"
	show_log "$log"
fi
