#!/bin/bash
# SPDX-License-Identifier: MIT
# A PC without ACPI (-machine pc,acpi=off: SeaBIOS then builds only the MP
# specification's tables): every in-kernel test passes (the ACPI hand-over
# check says SKIP), the CPUs and the I/O APIC come from the MP table,
# including the three cores SeaBIOS leaves out of a one-package "-smp 4"
# (added from CPUID's topology), and two packages of two cores of two
# threads. Power-off has no ACPI S5 to use: it must say so at once and
# halt (QEMU is stopped by the test once the message is there); reboot
# goes through the keyboard controller.
. "$(dirname "$0")/lib.sh"

# -smp 4 runs every in-kernel test; the 8-CPU topology only the mptable
# suite (every CPU it lists is online), to keep the boot cheap.
iso4=$(make_iso ktest-noacpi "ktest debug_exit=0xf4") || exit 1
iso8=$(make_iso ktest-noacpi-mptable "ktest=mptable* debug_exit=0xf4") || exit 1
for combo in "4 $iso4" "8,sockets=2,cores=2,threads=2 $iso8"; do
	read -r smp iso <<< "$combo"
	cpus=${smp%%,*}
	name="noacpi_pc_smp_${smp//[,=]/_}"
	log=$LOGDIR/$name.log
	if ktest_boot "$log" "$BIOS_TIMEOUT" -machine pc,acpi=off -smp "$smp" -m 256M -cdrom "$iso" &&
		grep -q "CPUs: $cpus online" <<< "$CLEAN" &&
		grep -q "mptable: MP 1.4 table at .*1 I/O APICs" <<< "$CLEAN" &&
		grep -q "every_cpu_it_lists_is_online$" <<< "$CLEAN"; then
		pass "${name}_mp_table_gives_all_cpus_and_ktests_pass"
	else
		ktest_fail "${name}_mp_table_gives_all_cpus_and_ktests_pass" "$log"
	fi
done
if grep -q "acpi_rsdp_was_handed_over # SKIP no ACPI RSDP" < <(tr -d '\r' < "$LOGDIR/noacpi_pc_smp_4.log"); then
	pass "noacpi_acpi_handover_test_skips_without_rsdp"
else
	fail "noacpi_acpi_handover_test_skips_without_rsdp"
fi

iso=$(make_iso poweroff-noacpi "after_init=poweroff") || exit 1
log=$LOGDIR/noacpi-poweroff.log
if qemu_boot "$log" "$BIOS_TIMEOUT" "power: cannot power off" \
	-machine pc,acpi=off -smp 2 -m 128M -cdrom "$iso" &&
	! tr -d '\r' < "$log" | grep -q "powering off (ACPI S5)"; then
	pass "poweroff_without_acpi_says_it_cannot"
else
	fail "poweroff_without_acpi_says_it_cannot" "QEMU status: $QEMU_STATUS"
	show_log "$log"
fi

iso=$(make_iso reboot-noacpi "after_init=reboot") || exit 1
check_reboot reboot_without_acpi_through_keyboard_controller "keyboard controller" "$iso" \
	-machine pc,acpi=off -smp 2 -m 128M
