#!/bin/bash
# SPDX-License-Identifier: MIT
# Boot tests: the real ISO reaches "XDV Kernel v0.2 initialized" under BIOS
# (-machine pc and q35) and UEFI (OVMF, q35); a PC without a serial port
# still boots; under UEFI with no video driver in GRUB (so no framebuffer
# and no text mode) the kernel still boots on serial alone; under BIOS GRUB
# sets the 32-bpp mode grub.cfg asks for.
. "$(dirname "$0")/lib.sh"

for m in pc q35 uefi; do
	log=$LOGDIR/boot-$m.log
	# shellcheck disable=SC2046
	if qemu_boot "$log" "$(machine_timeout "$m")" "$INITIALIZED" \
		$(machine_args "$m") -m 256M -cdrom "$ISO"; then
		pass "boot_${m}_reaches_initialized"
	else
		fail "boot_${m}_reaches_initialized" "QEMU status: $QEMU_STATUS"
		show_log "$log"
	fi
done

# The initialized summary must account for the memory QEMU was given
# (-m 256M): free + used is the RAM, a little under 256 MiB, never more.
log=$LOGDIR/boot-pc.log
read -r free used < <(tr -d '\r' < "$log" |
	sed -n 's/.*memory: \([0-9]*\) MiB free, \([0-9]*\) MiB used.*/\1 \2/p' | head -n1)
if [ -n "$free" ] && [ -n "$used" ] && [ $((free + used)) -le 256 ] &&
	[ $((free + used)) -ge 250 ] && [ "$used" -lt 16 ]; then
	pass "boot_pc_summary_accounts_for_m_256M"
else
	fail "boot_pc_summary_accounts_for_m_256M" "reported: free '$free' MiB, used '$used' MiB"
	show_log "$log"
fi

# GRUB's video mode under BIOS comes from iso/grub.cfg's xdv_video, set
# after the multiboot2 line: the first of its 32-bpp modes that QEMU's VGA
# offers (1024x768), not GRUB's own "auto" pick (800x600, 24 bpp here),
# which on a VBE BIOS with only palette modes is an 8-bpp mode that GRUB
# 2.06 crashes on before the kernel runs.
if tr -d '\r' < "$log" | grep -q "boot: framebuffer: RGB 1024x768 32 bpp"; then
	pass "grub_bios_sets_a_32bpp_mode_from_xdv_video"
else
	fail "grub_bios_sets_a_32bpp_mode_from_xdv_video" \
		"$(tr -d '\r' < "$log" | grep -a "boot: framebuffer" | head -n1)"
fi

# No UART: the kernel must boot anyway. With no serial port there is no
# log to read, so the ktest ISO proves it: the tests run and QEMU exits
# through isa-debug-exit with the pass status.
iso=$(make_iso ktest-noserial "ktest debug_exit=0xf4") || exit 1
log=$LOGDIR/boot-noserial.log
qemu_boot "$log" "$BIOS_TIMEOUT" "" -machine pc -m 128M -cdrom "$iso" -serial none
# -serial none replaces our file: the log stays empty; the status speaks.
if [ "$QEMU_STATUS" = 33 ]; then
	pass "boot_without_serial_port_runs_ktests_and_passes"
else
	fail "boot_without_serial_port_runs_ktests_and_passes" "QEMU status: $QEMU_STATUS (want 33)"
fi

# UEFI with GRUB's video drivers left out: no framebuffer tag at all.
iso=$(make_iso novideo "" "insmod all_video") || exit 1
log=$LOGDIR/boot-uefi-novideo.log
if qemu_boot "$log" "$UEFI_TIMEOUT" "$INITIALIZED" -machine q35 -bios "$OVMF" -m 128M -cdrom "$iso" &&
	tr -d '\r' < "$log" | grep -q "framebuffer: none"; then
	pass "boot_uefi_without_framebuffer_uses_serial_only"
else
	fail "boot_uefi_without_framebuffer_uses_serial_only" "QEMU status: $QEMU_STATUS"
	show_log "$log"
fi

# loglevel=6: notices (level 5, "initialized") still shown, info (level 6,
# the boot information) kept in the log only.
iso=$(make_iso loglevel6 "loglevel=6") || exit 1
log=$LOGDIR/boot-loglevel6.log
if qemu_boot "$log" "$BIOS_TIMEOUT" "$INITIALIZED" -machine pc -m 128M -cdrom "$iso" &&
	! tr -d '\r' < "$log" | grep -q "boot: loader:"; then
	pass "boot_loglevel_6_hides_info_and_shows_notices"
else
	fail "boot_loglevel_6_hides_info_and_shows_notices" "QEMU status: $QEMU_STATUS"
	show_log "$log"
fi

# quiet: nothing below a warning reaches the console, not even the
# "initialized" notice; the ktest exit status shows the boot went on.
iso=$(make_iso quiet "quiet ktest=ktest.* debug_exit=0xf4") || exit 1
log=$LOGDIR/boot-quiet.log
qemu_boot "$log" "$BIOS_TIMEOUT" "" -machine pc -m 128M -cdrom "$iso"
if [ "$QEMU_STATUS" = 33 ] && ! tr -d '\r' < "$log" | grep -qE "initialized|boot: loader:|KTAP"; then
	pass "boot_quiet_shows_no_messages_below_warning"
else
	fail "boot_quiet_shows_no_messages_below_warning" "QEMU status: $QEMU_STATUS (want 33)"
	show_log "$log"
fi
