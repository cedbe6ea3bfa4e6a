#!/bin/bash
# SPDX-License-Identifier: MIT
# make test: the host unit tests, then every system test script under
# tests/system/ (which boot the real ISO in QEMU, run the in-kernel tests
# and drive gdb). Each check prints "ok - name" or "not ok - name"; the
# unit tests count one per Criterion test. Ends with the line
# "N passed, N failed" and a non-zero status on any failure. user-host
# boots nothing: it runs the user programs (user/) on this Linux host.
set -u
cd "$(dirname "$0")/.." || exit 1

BUILD=${BUILD:-build}
export BUILD
passed=0
failed=0

tally() { # read result lines on stdin, echo them, count them
	while IFS= read -r line; do
		echo "$line"
		case "$line" in
		"ok - "*) passed=$((passed + 1)) ;;
		"not ok - "*) failed=$((failed + 1)) ;;
		esac
	done
}

echo "# host unit tests ($BUILD/unit/xdv-unit)"
unit_log=$BUILD/unit/xdv-unit.log
"$BUILD/unit/xdv-unit" --jobs=2 > "$unit_log" 2>&1
unit_status=$?
synth=$(grep -a "Synthesis:" "$unit_log" | tail -n1)
tested=$(sed -n 's/.*Tested: \([0-9]*\).*/\1/p' <<< "$synth")
upass=$(sed -n 's/.*Passing: \([0-9]*\).*/\1/p' <<< "$synth")
if [ -z "$tested" ] || [ -z "$upass" ]; then
	echo "not ok - unit_tests_ran (no Criterion summary; status $unit_status)"
	cat "$unit_log"
	failed=$((failed + 1))
else
	ufail=$((tested - upass))
	[ "$unit_status" -ne 0 ] && [ "$ufail" -eq 0 ] && ufail=1
	grep -a -E "\[(FAIL|ERR )\]|CRASH|failed:" "$unit_log" | head -n 40
	echo "# $synth"
	passed=$((passed + upass))
	failed=$((failed + ufail))
fi

# The system tests, cheapest first. (lib.sh and screen-check.sh are used
# by these, not run on their own.)
for t in docs user-host boot cpu no-acpi ktest sched memory fs debug gdb screen bochs; do
	echo "# tests/system/$t.sh"
	tally < <(bash "tests/system/$t.sh" 2>&1)
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
