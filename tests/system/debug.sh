#!/bin/bash
# SPDX-License-Identifier: MIT
# The DEBUG build (make DEBUG=1: poisoned frees, red zones, double-free
# checks) is built in its own folder and must pass every in-kernel test,
# including the heap-report tests that a release kernel skips: a red-zone
# overwrite and a double free reported with the code responsible. It runs
# on four CPUs, where the debug checks of races have something to catch.
. "$(dirname "$0")/lib.sh"

DEBUG_BUILD=$BUILD/debug
if ! make -s --no-print-directory BUILD="$DEBUG_BUILD" DEBUG=1 all > "$LOGDIR/debug-build.log" 2>&1; then
	fail "debug_build_compiles"
	show_log "$LOGDIR/debug-build.log"
	exit 0
fi
iso=$(BUILD=$DEBUG_BUILD make_iso ktest-debug "ktest debug_exit=0xf4") || exit 1
log=$LOGDIR/debug-ktest.log
qemu_boot "$log" 300 "" -machine pc -smp 4 -m 256M -cdrom "$iso"
read -r kp kf < <(count_ktap "$log")
clean=$(tr -d '\r' < "$log")
if [ "$QEMU_STATUS" = 33 ] && [ "$kf" = 0 ] && [ "$kp" -gt 0 ] &&
	grep -q "ok [0-9]* red_zone_overwrite_is_reported_with_allocating_code$" <<< "$clean" &&
	grep -q "ok [0-9]* double_free_is_reported$" <<< "$clean"; then
	pass "debug_build_ktests_pass_with_heap_reports"
else
	fail "debug_build_ktests_pass_with_heap_reports" \
		"QEMU status: $QEMU_STATUS (want 33), KTAP: $kp passed, $kf failed"
	show_log "$log"
fi
