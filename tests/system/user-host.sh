#!/bin/bash
# SPDX-License-Identifier: MIT
# The user programs (user/) on THIS Linux host, no QEMU: Linux is the
# oracle. Every user test ($BUILD/user/tests/*, KTAP) must report its full
# plan with every case "ok" and exit 0; each case counts as one
# "ok - user_host_<test>.<case>" line. Then every output-check program
# ($BUILD/user/progs/*) must exit 0, print something, and print the same
# bytes twice (its output must not depend on time, addresses or the
# directory), which is what lets the XDV test compare XDV's output with a
# host run made during that test. The static-PIE exec helper must really be
# static-PIE (ELF type DYN, no PT_INTERP). The XDV boots of these programs
# come once XDV can exec; nothing here boots.
. "$(dirname "$0")/lib.sh"

# Absolute paths: the programs run with the work directory as their cwd.
case "$BUILD" in /*) build_dir=$BUILD ;; *) build_dir=$PWD/$BUILD ;; esac
work=$build_dir/test/user-host
rm -rf "$work" && mkdir -p "$work/tmp" "$work/progs"
ubin=$build_dir/user

if [ ! -d "$ubin/tests" ] || [ ! -d "$ubin/progs" ]; then
	fail user_host_built "no $ubin/tests or $ubin/progs (make user)"
	exit 0
fi

# ---- the KTAP tests ----------------------------------------------------------
for t in "$ubin"/tests/*; do
	name=$(basename "$t")
	case "$name" in exec_helper*) continue ;; esac
	out=$work/$name.ktap
	TMPDIR=$work/tmp timeout 120 "$t" > "$out" 2>&1
	status=$?
	plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$out" | head -n1)
	awk -v p="user_host_$name" '
		/^ok [0-9]+ /     { sub(/^ok [0-9]+ /, "");     print "ok - " p "." $0 }
		/^not ok [0-9]+ / { sub(/^not ok [0-9]+ /, ""); print "not ok - " p "." $0 }' "$out"
	results=$(grep -cE '^(not )?ok [0-9]+ ' "$out")
	if [ "$status" -eq 0 ] && [ -n "$plan" ] && [ "$results" = "$plan" ] &&
		! grep -q '^not ok ' "$out"; then
		pass "user_host_${name}_complete"
	else
		fail "user_host_${name}_complete" "exit status $status, plan ${plan:-none}, $results results"
		show_log "$out"
	fi
done

# ---- the output-check programs -----------------------------------------------
for p in "$ubin"/progs/*; do
	name=$(basename "$p")
	a=$work/progs/$name.out b=$work/progs/$name.again
	(cd "$work" && TMPDIR=$work/tmp timeout 60 "$p" > "$a" 2>&1)
	sa=$?
	(cd "$work" && TMPDIR=$work/tmp timeout 60 "$p" > "$b" 2>&1)
	sb=$?
	if [ "$sa" -ne 0 ] || [ "$sb" -ne 0 ]; then
		fail "user_host_prog_$name" "exit status $sa then $sb"
		show_log "$a"
	elif [ "$name" != true ] && [ ! -s "$a" ]; then
		fail "user_host_prog_$name" "no output"
	elif ! cmp -s "$a" "$b"; then
		fail "user_host_prog_$name" "two runs printed different output"
		diff "$a" "$b" | head -n 10 | sed 's/^/#   /'
	else
		pass "user_host_prog_$name"
	fi
done

# ---- the static-PIE helper is what its name says --------------------------------
pie=$ubin/tests/exec_helper_pie
hdr=$(readelf -lh "$pie" 2>&1)
if grep -q 'Type:.*DYN' <<< "$hdr" && ! grep -q INTERP <<< "$hdr"; then
	pass user_host_exec_helper_pie_is_static_pie
else
	fail user_host_exec_helper_pie_is_static_pie "want ET_DYN without PT_INTERP"
fi
rm -rf "$work/tmp"
