# SPDX-License-Identifier: MIT
# Shared by the system tests: boot an ISO in QEMU with a timeout, watch the
# serial log, build ISO variants with other command lines, and report
# results as "ok - name" / "not ok - name" lines that tests/run.sh counts.
# Sourced, not run.

BUILD=${BUILD:-build}
ISO=${ISO:-$BUILD/xdv.iso}
OVMF=${OVMF:-/usr/share/ovmf/OVMF.fd}
LOGDIR=${LOGDIR:-$BUILD/test-logs}
mkdir -p "$LOGDIR"

# Timeouts in seconds. Software emulation on a loaded 2-core machine is
# slow; these are ceilings, not expectations (a BIOS boot takes ~3 s here).
BIOS_TIMEOUT=${BIOS_TIMEOUT:-90}
UEFI_TIMEOUT=${UEFI_TIMEOUT:-180}

INITIALIZED="XDV Kernel v0.2 initialized"

pass() { echo "ok - $1"; }
fail() {
	echo "not ok - $1"
	shift
	for msg in "$@"; do echo "#   $msg"; done
}

# Print a log file indented, for a failing test's report.
show_log() {
	echo "#   ---- $1 ----"
	if [ -f "$1" ]; then
		tail -n 60 "$1" | tr -d '\r' | sed 's/^/#   | /'
	fi
}

# Machine options by name.
machine_args() {
	case "$1" in
	pc) echo "-machine pc" ;;
	q35) echo "-machine q35" ;;
	uefi) echo "-machine q35 -bios $OVMF" ;;
	*) echo "unknown machine $1" >&2; return 1 ;;
	esac
}

machine_timeout() {
	case "$1" in
	uefi) echo "$UEFI_TIMEOUT" ;;
	*) echo "$BIOS_TIMEOUT" ;;
	esac
}

# qemu_boot LOG TIMEOUT PATTERN QEMU-ARGS...
# Boot with the serial port written to LOG until PATTERN appears in it
# (then QEMU is stopped), QEMU exits by itself, or TIMEOUT seconds pass.
# PATTERN "" waits for QEMU to exit. Sets QEMU_STATUS (exit status, or
# "timeout", or "killed" when stopped after PATTERN) and returns 0 if the
# pattern was seen (or, for "", QEMU exited before the timeout).
qemu_boot() {
	log=$1 limit=$2 pattern=$3
	shift 3
	rm -f "$log"
	qemu-system-x86_64 -display none -no-reboot -serial "file:$log" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 "$@" \
		> "$log.qemu" 2>&1 &
	qpid=$!
	start=$(date +%s)
	QEMU_STATUS=timeout
	seen=1
	while :; do
		if [ -n "$pattern" ] && [ -f "$log" ] && tr -d '\r' < "$log" | grep -qF -- "$pattern"; then
			seen=0
			kill "$qpid" 2>/dev/null
			wait "$qpid" 2>/dev/null
			QEMU_STATUS=killed
			break
		fi
		if ! kill -0 "$qpid" 2>/dev/null; then
			wait "$qpid"
			QEMU_STATUS=$?
			[ -z "$pattern" ] && seen=0
			# The pattern may have been written just before the exit.
			if [ -n "$pattern" ] && tr -d '\r' < "$log" | grep -qF -- "$pattern"; then
				seen=0
			fi
			break
		fi
		if [ $(($(date +%s) - start)) -ge "$limit" ]; then
			kill "$qpid" 2>/dev/null
			wait "$qpid" 2>/dev/null
			break
		fi
		sleep 0.2
	done
	return $seen
}

# make_iso NAME "KERNEL COMMAND LINE" [grub lines to leave out (regex)]
# Build $BUILD/test/NAME.iso booting kernel.elf at once with that command
# line, with iso/grub.cfg's settings and its video mode (xdv_video), and
# the initramfs as Multiboot2 modules: $BUILD/initramfs.cpio, or the files
# listed in INITRAMFS ("a.cpio b.cpio", loaded in that order; INITRAMFS=""
# for none). Prints the ISO's path.
make_iso() {
	local name=$1 cmdline=$2 drop=${3:-^$}
	local dir=$BUILD/test/$name modules=${INITRAMFS-$BUILD/initramfs.cpio} m i=0
	rm -rf "$dir" && mkdir -p "$dir/boot/grub"
	cp "$BUILD/kernel.elf" "$dir/boot/kernel.elf"
	for m in $modules; do
		cp "$m" "$dir/boot/initramfs$i.cpio" || return 1
		i=$((i + 1))
	done
	{
		grep -vE "$drop" iso/grub.cfg | sed -n '/^menuentry/q;p' |
			sed 's/^set timeout=.*/set timeout=0/'
		echo "menuentry \"XDV test $name\" {"
		echo "	multiboot2 /boot/kernel.elf $cmdline"
		for ((m = 0; m < i; m++)); do
			echo "	module2 /boot/initramfs$m.cpio initramfs$m"
		done
		echo "	xdv_video"
		echo "	boot"
		echo "}"
	} > "$dir/boot/grub/grub.cfg"
	grub-mkrescue -o "$BUILD/test/$name.iso" "$dir" > "$BUILD/test/$name.mkrescue.log" 2>&1 ||
		{ cat "$BUILD/test/$name.mkrescue.log" >&2; return 1; }
	echo "$BUILD/test/$name.iso"
}

# report_ktap LOG PREFIX: one "ok - PREFIX_suite.test" line per KTAP leaf
# result of LOG, so that `make test` counts in-kernel tests one by one.
report_ktap() {
	tr -d '\r' < "$1" | sed 's/^\[[ 0-9.]*\] //' | awk -v p="$2" '
		/^  KTAP version/ { next }
		/^  # Subtest: / { suite = $3 }
		/^  ok [0-9]+ /     { sub(/^  ok [0-9]+ /, ""); print "ok - " p "_" suite "." $0 }
		/^  not ok [0-9]+ / { sub(/^  not ok [0-9]+ /, ""); print "not ok - " p "_" suite "." $0 }'
}

# count_ktap LOG: print "PASSED FAILED" for the leaf test lines of a KTAP log.
count_ktap() {
	tr -d '\r' < "$1" | sed 's/^\[[ 0-9.]*\] //' | awk '
		/^  ok [0-9]+ /     { p++ }
		/^  not ok [0-9]+ / { f++ }
		END { printf "%d %d\n", p, f }'
}

# ktest_boot LOG TIMEOUT QEMU-ARGS...: boot an ISO whose command line runs
# in-kernel tests and ends QEMU through isa-debug-exit. Sets KP and KF (the
# KTAP leaf results passed and failed) and CLEAN (the log without CRs);
# returns 0 when QEMU ended with the pass status (33), some test passed and
# none failed.
ktest_boot() {
	local ktlog=$1 limit=$2
	shift 2
	qemu_boot "$ktlog" "$limit" "" "$@"
	read -r KP KF < <(count_ktap "$ktlog")
	CLEAN=$(tr -d '\r' < "$ktlog")
	[ "$QEMU_STATUS" = 33 ] && [ "$KF" = 0 ] && [ "$KP" -gt 0 ]
}

# ktest_fail NAME LOG [MESSAGE...]: report NAME as failed after ktest_boot,
# with QEMU's status, the KTAP counts, the messages and the end of LOG.
ktest_fail() {
	local name=$1 ktlog=$2
	shift 2
	fail "$name" "QEMU status: $QEMU_STATUS (want 33), KTAP: $KP passed, $KF failed" "$@"
	show_log "$ktlog"
}

# check_reboot NAME VIA ISO QEMU-ARGS...: boot ISO (made with
# after_init=reboot); NAME passes if QEMU ends by the reset (status 0 under
# -no-reboot) after "power: rebooting (VIA)", never having fallen back to
# the triple fault.
check_reboot() {
	local name=$1 via=$2 image=$3
	shift 3
	local rlog=$LOGDIR/$name.log text
	qemu_boot "$rlog" "$BIOS_TIMEOUT" "" "$@" -cdrom "$image"
	text=$(tr -d '\r' < "$rlog")
	if [ "$QEMU_STATUS" = 0 ] && grep -q "power: rebooting ($via)" <<< "$text" &&
		! grep -q "rebooting (triple fault)" <<< "$text"; then
		pass "$name"
	else
		fail "$name" "QEMU status: $QEMU_STATUS (want 0)"
		show_log "$rlog"
	fi
}
