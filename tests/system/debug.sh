#!/bin/bash
# SPDX-License-Identifier: MIT
# The DEBUG build (make DEBUG=1: poisoned frees, red zones, double-free
# checks, the lock validator) is built in its own folder and must pass every
# in-kernel test, including the heap-report tests that a release kernel
# skips: a red-zone overwrite and a double free reported with the code
# responsible, and the validator's own tests. It runs on four CPUs, where
# the debug checks of races have something to catch; the validator must
# report nothing ("lockdep: WARNING" in the log is a lock-order or
# interrupt-safety bug). A second, short boot sleeps with a spinlock held
# on purpose: the panic must name the lock.
. "$(dirname "$0")/lib.sh"

DEBUG_BUILD=$BUILD/debug
if ! make -s --no-print-directory BUILD="$DEBUG_BUILD" DEBUG=1 all > "$LOGDIR/debug-build.log" 2>&1; then
	fail "debug_build_compiles"
	show_log "$LOGDIR/debug-build.log"
	exit 0
fi
iso=$(BUILD=$DEBUG_BUILD make_iso ktest-debug "ktest debug_exit=0xf4") || exit 1
log=$LOGDIR/debug-ktest.log
if ktest_boot "$log" 300 -machine pc -smp 4 -m 256M -cdrom "$iso" &&
	grep -q "ok [0-9]* red_zone_overwrite_is_reported_with_allocating_code$" <<< "$CLEAN" &&
	grep -q "ok [0-9]* double_free_is_reported$" <<< "$CLEAN" &&
	grep -q "ok [0-9]* spin_lock_c_then_a_after_chain_a_b_c_reports_inversion$" <<< "$CLEAN" &&
	grep -q "ok [0-9]* spin_lock_in_interrupt_after_use_with_irqs_on_reports_irq_unsafe$" <<< "$CLEAN"; then
	pass "debug_build_ktests_pass_with_heap_and_lockdep_reports"
else
	ktest_fail "debug_build_ktests_pass_with_heap_and_lockdep_reports" "$log"
fi

# Any report the tests did not ask for is a bug in the kernel's locking.
if [ -s "$log" ] && ! grep -q "lockdep: WARNING" <<< "$CLEAN"; then
	pass "debug_build_lockdep_reports_nothing_on_four_cpus"
else
	fail "debug_build_lockdep_reports_nothing_on_four_cpus" \
		"$(grep -c "lockdep: WARNING" <<< "$CLEAN") lockdep warning(s)"
	grep -A40 "lockdep: WARNING" <<< "$CLEAN" | head -200
fi

iso=$(BUILD=$DEBUG_BUILD make_iso ktest-debug-sleep \
	"ktest=ktest_must_panic_sleep debug_exit=0xf4") || exit 1
log=$LOGDIR/debug-sleep-locked.log
qemu_boot "$log" "$BIOS_TIMEOUT" "" -machine pc -m 128M -cdrom "$iso"
clean=$(tr -d '\r' < "$log")
if [ "$QEMU_STATUS" = 35 ] &&
	grep -q "lockdep:   #0 \"ktest_ld_sleeper\", context 0, taken at ktest_fn_" <<< "$clean" &&
	grep -q "Kernel panic: sleeping where it may not" <<< "$clean"; then
	pass "debug_build_sleep_with_spinlock_held_names_the_lock"
else
	fail "debug_build_sleep_with_spinlock_held_names_the_lock" \
		"QEMU status: $QEMU_STATUS (want 35)"
	show_log "$log"
fi
