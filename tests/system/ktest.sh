#!/bin/bash
# SPDX-License-Identifier: MIT
# In-kernel tests: boot with `ktest debug_exit=0xf4` on BIOS pc, BIOS q35
# and UEFI; every KTAP leaf result counts as a test here, and QEMU must end
# with the pass status (33). Then prove that failure is seen: the
# ktest_must_fail suite must end QEMU with the fail status (35) and print
# its diagnostics, and an unhandled exception inside a test must give a
# panic report with a symbolized backtrace.
. "$(dirname "$0")/lib.sh"

iso=$(make_iso ktest "ktest debug_exit=0xf4") || exit 1

for m in pc q35 uefi; do
	log=$LOGDIR/ktest-$m.log
	# shellcheck disable=SC2046
	ktest_boot "$log" "$(machine_timeout "$m")" $(machine_args "$m") -m 256M -cdrom "$iso"
	ok=$?
	report_ktap "$log" "ktest_$m"
	if [ "$ok" = 0 ]; then
		pass "ktest_${m}_run_exits_with_pass_status"
	else
		ktest_fail "ktest_${m}_run_exits_with_pass_status" "$log"
	fi
done

# A failing test must be reported as failing, with its diagnostics.
iso=$(make_iso ktest-must-fail "ktest=ktest_must_fail.* debug_exit=0xf4") || exit 1
log=$LOGDIR/ktest-must-fail.log
qemu_boot "$log" "$BIOS_TIMEOUT" "" -machine pc -m 128M -cdrom "$iso"
clean=$(tr -d '\r' < "$log")
if [ "$QEMU_STATUS" = 35 ] &&
	grep -q "not ok 1 expect_eq_reports_both_values" <<< "$clean" &&
	grep -q "#   2 + 2 = 4 (0x4)" <<< "$clean" &&
	grep -q "not ok 1 ktest_must_fail" <<< "$clean"; then
	pass "ktest_failing_test_is_reported_and_exits_with_fail_status"
else
	fail "ktest_failing_test_is_reported_and_exits_with_fail_status" "QEMU status: $QEMU_STATUS (want 35)"
	show_log "$log"
fi

# An exception nothing handles: a panic report naming the exception, the
# registers and a backtrace through the test function, then the fail exit.
iso=$(make_iso ktest-must-panic "ktest=ktest_must_panic.invalid_opcode debug_exit=0xf4") || exit 1
log=$LOGDIR/ktest-must-panic.log
qemu_boot "$log" "$BIOS_TIMEOUT" "" -machine pc -m 128M -cdrom "$iso"
clean=$(tr -d '\r' < "$log")
if [ "$QEMU_STATUS" = 35 ] &&
	grep -q "Kernel panic: CPU exception 6 (invalid opcode) in kernel mode" <<< "$clean" &&
	grep -q "^RIP: 0xffffffff8[0-9a-f]* ktest_fn_ktest_must_panic_invalid_opcode+0x" <<< "$clean" &&
	grep -q "RAX=" <<< "$clean" &&
	grep -qE "^  (\? )?0xffffffff8[0-9a-f]* ktest_run_(suite|requested)\+0x" <<< "$clean" &&
	grep -q "^  0xffffffff8[0-9a-f]* kernel_main+0x" <<< "$clean"; then
	pass "panic_on_exception_prints_registers_and_symbolized_backtrace"
else
	fail "panic_on_exception_prints_registers_and_symbolized_backtrace" "QEMU status: $QEMU_STATUS (want 35)"
	show_log "$log"
fi

# A kernel stack overflow: the double fault lands on its IST stack and is
# reported, naming the guard page; QEMU then ends with the fail status.
iso=$(make_iso ktest-stack-overflow "ktest=ktest_must_panic.kernel_stack_overflow debug_exit=0xf4") || exit 1
log=$LOGDIR/ktest-stack-overflow.log
qemu_boot "$log" "$BIOS_TIMEOUT" "" -machine pc -m 128M -cdrom "$iso"
clean=$(tr -d '\r' < "$log")
if [ "$QEMU_STATUS" = 35 ] &&
	grep -q "Kernel panic: CPU exception 8 (double fault) in kernel mode" <<< "$clean" &&
	grep -q "is a guard page: a kernel stack overflowed" <<< "$clean" &&
	grep -qE "^  0xffffffff8[0-9a-f]* recurse_deeper[.a-z0-9]*\+0x" <<< "$clean"; then
	pass "kernel_stack_overflow_ends_in_double_fault_report_on_ist_stack"
else
	fail "kernel_stack_overflow_ends_in_double_fault_report_on_ist_stack" "QEMU status: $QEMU_STATUS (want 35)"
	show_log "$log"
fi
