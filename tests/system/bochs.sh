#!/bin/bash
# SPDX-License-Identifier: MIT
# A second emulator: Bochs, stricter than QEMU about what the hardware
# does. The ISO boots to "initialized" on one CPU (and on a VGA without
# VBE, to a text console), and the in-kernel tests run on four
# (BOCHS_KTEST_CPUS; about 30 s here). Bochs has no
# isa-debug-exit: the script reads the KTAP summary line from the serial
# log and ends Bochs itself (SIGKILL: Bochs's term display library catches
# SIGTERM and goes on), on success, when Bochs ends (a panic, such as a
# triple fault), or at the timeout. Bochs's debugger build stops at its
# prompt first: a command file with "c" lets it run. The bochsrc comes
# from tests/system/bochsrc.in.
. "$(dirname "$0")/lib.sh"

BOCHS_TIMEOUT=${BOCHS_TIMEOUT:-150}
BOCHS_KTEST_CPUS=${BOCHS_KTEST_CPUS:-4}
BOCHSRC_IN=$(dirname "$0")/bochsrc.in

if ! command -v bochs > /dev/null; then
	fail "bochs_installed" "no bochs: run tools/deps.sh"
	exit 0
fi

# bochs_boot NAME ISO CPUS PATTERN [BOCHSRC-LINE]: boot until PATTERN is in
# the serial log (or Bochs ends, or BOCHS_TIMEOUT passes). Sets
# BOCHS_STATUS (seen, exited, timeout), BOCHS_SECONDS and BOCHS_SERIAL;
# returns 0 if seen.
bochs_boot() {
	name=$1 iso=$2 cpus=$3 pattern=$4 extra=${5:-}
	dir=$LOGDIR/bochs-$name
	rm -rf "$dir" && mkdir -p "$dir"
	BOCHS_SERIAL=$dir/serial.log
	sed -e "s|@MEGS@|256|; s|@CPUS@|$cpus|; s|@ISO@|$iso|" \
		-e "s|@SERIAL@|$BOCHS_SERIAL|; s|@LOG@|$dir/bochs.log|" "$BOCHSRC_IN" > "$dir/bochsrc"
	[ -n "$extra" ] && echo "$extra" >> "$dir/bochsrc"
	echo c > "$dir/commands"
	bochs -f "$dir/bochsrc" -rc "$dir/commands" < /dev/null > "$dir/terminal.out" 2>&1 &
	bpid=$!
	start=$(date +%s)
	BOCHS_STATUS=timeout
	while [ $(($(date +%s) - start)) -lt "$BOCHS_TIMEOUT" ]; do
		if [ -f "$BOCHS_SERIAL" ] && tr -d '\r' < "$BOCHS_SERIAL" | grep -qaF -- "$pattern"; then
			BOCHS_STATUS=seen
			break
		fi
		if ! kill -0 "$bpid" 2> /dev/null; then
			BOCHS_STATUS=exited
			break
		fi
		sleep 0.5
	done
	BOCHS_SECONDS=$(($(date +%s) - start))
	kill -KILL "$bpid" 2> /dev/null
	wait "$bpid" 2> /dev/null
	[ "$BOCHS_STATUS" = seen ]
}

bochs_fail() { # NAME MESSAGE
	fail "$1" "$2" "Bochs: $BOCHS_STATUS after $BOCHS_SECONDS s"
	show_log "$BOCHS_SERIAL"
	grep -a "PANIC\|>>" "$(dirname "$BOCHS_SERIAL")/bochs.log" | tail -n 5 | sed 's/^/#   bochs: /'
}

if bochs_boot initialized "$ISO" 1 "$INITIALIZED"; then
	pass "bochs_1_cpu_reaches_initialized"
	echo "# Bochs, 1 CPU: initialized after $BOCHS_SECONDS s"
else
	bochs_fail "bochs_1_cpu_reaches_initialized" "no '$INITIALIZED'"
fi

# A VGA without VBE (old cards): GRUB finds no 32-bpp mode and leaves
# text mode, handing over no framebuffer information; the kernel must ask
# the VGA and draw its console there, not go without a screen.
if bochs_boot vga-no-vbe "$ISO" 1 "$INITIALIZED" "vga: extension=none"; then
	clean=$(tr -d '\r' < "$BOCHS_SERIAL")
	if grep -q "the VGA is in 80x25 text mode" <<< "$clean" &&
		grep -q "boot: 2 consoles" <<< "$clean"; then
		pass "bochs_vga_without_vbe_boots_to_a_text_console"
	else
		bochs_fail "bochs_vga_without_vbe_boots_to_a_text_console" "no text console found"
	fi
else
	bochs_fail "bochs_vga_without_vbe_boots_to_a_text_console" "no '$INITIALIZED'"
fi

iso=$(make_iso ktest-bochs "ktest") || exit 1
if bochs_boot ktest "$iso" "$BOCHS_KTEST_CPUS" "# ktest: "; then
	summary=$(tr -d '\r' < "$BOCHS_SERIAL" | grep -a "# ktest: " | sed 's/^\[[ 0-9.]*\] //')
	read -r kp kf < <(count_ktap "$BOCHS_SERIAL")
	report_ktap "$BOCHS_SERIAL" "bochs_ktest"
	if [ "$kf" = 0 ] && [ "$kp" -gt 0 ] &&
		tr -d '\r' < "$BOCHS_SERIAL" | grep -q "CPUs: $BOCHS_KTEST_CPUS online"; then
		pass "bochs_${BOCHS_KTEST_CPUS}_cpus_ktests_pass"
	else
		bochs_fail "bochs_${BOCHS_KTEST_CPUS}_cpus_ktests_pass" "$summary"
	fi
	echo "# Bochs, $BOCHS_KTEST_CPUS CPUs: $summary after $BOCHS_SECONDS s"
else
	bochs_fail "bochs_${BOCHS_KTEST_CPUS}_cpus_ktests_pass" "no KTAP summary"
fi
