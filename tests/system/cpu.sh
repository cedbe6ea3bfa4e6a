#!/bin/bash
# SPDX-License-Identifier: MIT
# CPUs: the in-kernel tests (IPIs to every CPU, TLB shootdown, per-CPU
# data, spinlock contention, timers) on -smp 1, 2, 4 and 8, -machine pc
# and q35, -cpu qemu64 (no SMEP/RDRAND) and max (SMEP/SMAP/UMIP,
# XSAVE/AVX, 1 GiB pages); every CPU must come online. Both run the local
# APIC in xAPIC mode: QEMU 7.2's TCG offers no x2APIC, not even with max
# (the x2APIC IPI sequence has a host unit test, tests/unit/cpu).
# And a 32-bit-only CPU: GRUB (BIOS) still loads the kernel, which must
# explain that it needs x86-64 and halt, rather than reset or hang.
. "$(dirname "$0")/lib.sh"

log=$LOGDIR/cpu-no-long-mode.log
if qemu_boot "$log" "$BIOS_TIMEOUT" "this CPU cannot run 64-bit code (no long mode)" \
	-machine pc -cpu qemu32 -m 128M -cdrom "$ISO"; then
	pass "cpu_without_long_mode_explains_and_halts"
else
	fail "cpu_without_long_mode_explains_and_halts" "QEMU status: $QEMU_STATUS"
	show_log "$log"
fi

iso=$(make_iso ktest-smp "ktest debug_exit=0xf4") || exit 1
for combo in "pc 1 qemu64" "pc 2 max" "pc 4 qemu64" "pc 8 max" \
	"q35 1 max" "q35 2 qemu64" "q35 4 max" "q35 8 qemu64"; do
	read -r machine cpus model <<< "$combo"
	name="smp_${machine}_${cpus}_cpu_${model}"
	log=$LOGDIR/cpu-$name.log
	# shellcheck disable=SC2046
	if ktest_boot "$log" "$(machine_timeout "$machine")" $(machine_args "$machine") \
		-smp "$cpus" -cpu "$model" -m 256M -cdrom "$iso" &&
		grep -q "CPUs: $cpus online" <<< "$CLEAN"; then
		pass "${name}_all_online_and_ktests_pass"
	else
		ktest_fail "${name}_all_online_and_ktests_pass" "$log"
	fi
done

# Power: ACPI S5 switches QEMU off (status 0, no isa-debug-exit). A reboot
# resets it (-no-reboot: QEMU exits): on q35 through the FADT's reset
# register; QEMU's i440fx (pc) FADT has none, so there the keyboard
# controller, the first fallback, must do it (never the triple fault).
poweroff_iso=$(make_iso poweroff "after_init=poweroff") || exit 1
reboot_iso=$(make_iso reboot "after_init=reboot") || exit 1
for combo in "pc keyboard_controller" "q35 acpi_reset_register"; do
	read -r machine via <<< "$combo"
	want=${via//_/ }; want=${want/acpi/ACPI}
	log=$LOGDIR/power-off-$machine.log
	# shellcheck disable=SC2046
	qemu_boot "$log" "$BIOS_TIMEOUT" "" $(machine_args "$machine") -smp 2 -m 128M -cdrom "$poweroff_iso"
	clean=$(tr -d '\r' < "$log")
	if [ "$QEMU_STATUS" = 0 ] && grep -q "power: powering off (ACPI S5)" <<< "$clean" &&
		! grep -q "cannot power off" <<< "$clean"; then
		pass "poweroff_${machine}_through_acpi_s5"
	else
		fail "poweroff_${machine}_through_acpi_s5" "QEMU status: $QEMU_STATUS (want 0)"
		show_log "$log"
	fi
	# shellcheck disable=SC2046
	check_reboot "reboot_${machine}_through_${via}" "$want" "$reboot_iso" \
		$(machine_args "$machine") -smp 2 -m 128M
done
