#!/bin/bash
# SPDX-License-Identifier: MIT
# make bench-linux: the very same user/bench binary on Debian 12's own
# Linux kernel and on XDV, in the same QEMU configuration (-machine q35
# -m 512M, -icount shift=0,sleep=off so that 1 ns = 1 guest instruction,
# a fixed virtual RTC), and their figures side by side with the ratio.
#
# The Linux kernel is the linux-image-*-amd64 package that Debian's
# linux-image-amd64 depends on (resolved with apt-cache), fetched once with
# `apt-get download` into $BUILD/linux/ and its vmlinuz taken out with
# dpkg-deb. Both kernels boot the same initramfs ($BUILD/linux/bench.cpio,
# made with tools/gen_cpio): /init = user/bench_init (mounts proc and a
# tmpfs on /tmp, runs /bin/bench /tmp /bin/true, powers off), /bin/bench,
# /bin/true, /dev/console. XDV boots it as its only initramfs with
# rdinit=/init; until XDV can run user programs (no sys_execve in its
# kernel.elf) its column says so and it is not booted.
#
# `tests/system/bench-linux.sh tests` instead boots the same Linux with the
# user tests ($BUILD/user/tests, KTAP) in the initramfs and reports each KTAP case as "ok - user_linux_<test>.<case>":
# the tests checked on the very kernel XDV is compared with, by hand (a
# minute or two), not in make test.
. "$(dirname "$0")/lib.sh"
mode=${1:-bench}

cache=$BUILD/linux
mkdir -p "$cache"
QEMU_SAME=(-machine q35 -m 512M -icount shift=0,sleep=off
	-rtc base=2024-01-01T00:00:00,clock=vm)
LINUX_TIMEOUT=${LINUX_TIMEOUT:-900}
XDV_TIMEOUT=${XDV_TIMEOUT:-900}
die() { echo "bench-linux: $*" >&2; exit 1; }

for f in "$BUILD/user/bench" "$BUILD/user/bench_init" "$BUILD/user/progs/true" \
	"$BUILD/tools/gen_cpio"; do
	[ -x "$f" ] || die "missing $f (make BUILD=$BUILD user $BUILD/tools/gen_cpio)"
done

# ---- Debian's kernel ----------------------------------------------------------
pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-[^ ]*-amd64\)$/\1/p' | head -n1)
if [ -z "$pkg" ]; then
	# No apt metadata (offline?): use a package already in the cache.
	deb=$(ls "$cache"/linux-image-*-amd64_*.deb 2>/dev/null | tail -n1)
	[ -n "$deb" ] || die "apt-cache cannot resolve linux-image-amd64 and $cache has no .deb"
else
	deb=$(ls "$cache/${pkg}"_*.deb 2>/dev/null | tail -n1)
	if [ -z "$deb" ]; then
		echo "bench-linux: downloading $pkg into $cache"
		(cd "$cache" && apt-get download "$pkg") > "$cache/download.log" 2>&1 ||
			{ cat "$cache/download.log"; die "apt-get download $pkg failed"; }
		deb=$(ls "$cache/${pkg}"_*.deb 2>/dev/null | tail -n1)
		[ -n "$deb" ] || die "apt-get download left no ${pkg}_*.deb in $cache"
	fi
fi
version=$(dpkg-deb -f "$deb" Package)_$(dpkg-deb -f "$deb" Version)
vmlinuz=$cache/vmlinuz-$version
if [ ! -s "$vmlinuz" ]; then
	rm -rf "$cache/extract" && mkdir -p "$cache/extract"
	dpkg-deb --fsys-tarfile "$deb" | tar -xf - -C "$cache/extract" --wildcards './boot/vmlinuz-*' ||
		die "cannot extract vmlinuz from $deb"
	mv "$cache"/extract/boot/vmlinuz-* "$vmlinuz" && rm -rf "$cache/extract"
fi

# ---- the benchmark initramfs, the same for both kernels ----------------------------
cpio=$cache/bench.cpio
{
	echo "dir /bin 0755 0 0"
	echo "dir /dev 0755 0 0"
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "dir /proc 0555 0 0"
	echo "dir /tmp 1777 0 0"
	echo "file /init $BUILD/user/bench_init 0755 0 0"
	echo "file /bin/bench $BUILD/user/bench 0755 0 0"
	echo "file /bin/true $BUILD/user/progs/true 0755 0 0"
	if [ "$mode" = tests ]; then
		echo "dir /tests 0755 0 0"
		for f in "$BUILD"/user/tests/*; do echo "file /tests/${f##*/} $f 0755 0 0"; done
	fi
} > "$cache/$mode.list"
[ "$mode" = tests ] && cpio=$cache/tests.cpio
"$BUILD/tools/gen_cpio" "$cache/$mode.list" > "$cpio" || die "gen_cpio failed"

# ---- tests mode: the user tests on Linux ---------------------------------------------
if [ "$mode" = tests ]; then
	tests=$(cd "$BUILD/user/tests" && ls | grep -v '^exec_helper' | sed 's|^|/tests/|')
	log=$LOGDIR/user-linux.log
	echo "# booting $(basename "$vmlinuz") with the user tests (timeout ${LINUX_TIMEOUT}s)"
	qemu_boot "$log" "$LINUX_TIMEOUT" "" -machine q35 -m 512M \
		-kernel "$vmlinuz" -initrd "$cpio" -append "console=ttyS0 quiet -- $(echo $tests)"
	# Results come before the "exited" line of their program: attribute them in order.
	tr -d '\r' < "$log" | awk '
		/^(not )?ok [0-9]+ / { buf[n++] = $0; next }
		/^bench-init: \/tests\/[^ ]* exited with status / {
			t = $2; sub(/^\/tests\//, "", t)
			for (i = 0; i < n; i++) {
				line = buf[i]
				bad = line ~ /^not /
				sub(/^(not )?ok [0-9]+ /, "", line)
				print (bad ? "not ok - " : "ok - ") "user_linux_" t "." line
			}
			n = 0
			print ($NF == 0 ? "ok - " : "not ok - ") "user_linux_" t "_exit_status_0"
		}'
	want=$(wc -w <<< "$tests")
	ran=$(tr -d '\r' < "$log" | grep -cE '^bench-init: /tests/[^ ]* exited with status ')
	if [ "$ran" -eq "$want" ]; then
		pass user_linux_every_test_ran
	else
		fail user_linux_every_test_ran "$ran of $want tests ran (QEMU status $QEMU_STATUS)"
		show_log "$log"
	fi
	exit 0
fi

# bench_lines LOG: the "bench: NAME NS ns/op..." lines of a serial log.
bench_lines() {
	tr -d '\r' < "$1" | sed -n 's/^\(\[[ 0-9.]*\] \)\{0,1\}\(bench: [a-z_0-9]* [0-9]* ns\/op.*\)$/\2/p'
}

# ---- Linux ------------------------------------------------------------------------
linux_log=$LOGDIR/bench-linux.log
echo "bench-linux: booting $(basename "$vmlinuz") (timeout ${LINUX_TIMEOUT}s)"
qemu_boot "$linux_log" "$LINUX_TIMEOUT" "" "${QEMU_SAME[@]}" \
	-kernel "$vmlinuz" -initrd "$cpio" -append "console=ttyS0 quiet"
linux_figs=$(bench_lines "$linux_log")
if [ -z "$linux_figs" ] || ! tr -d '\r' < "$linux_log" | grep -q "bench: done (0 errors)"; then
	echo "bench-linux: Linux did not finish the benchmark (QEMU status $QEMU_STATUS)"
	show_log "$linux_log"
	exit 1
fi

# ---- XDV --------------------------------------------------------------------------
xdv_figs=
xdv_note="n/a (XDV cannot run user programs yet)"
if [ -f "$BUILD/kernel.elf" ] && nm "$BUILD/kernel.elf" | grep -qE ' [Tt] sys_execve$'; then
	xdv_log=$LOGDIR/bench-xdv-user.log
	iso=$(INITRAMFS="$cpio" make_iso bench-xdv-user "rdinit=/init console=ttyS0 debug_exit=0xf4") ||
		die "cannot make the XDV ISO"
	echo "bench-linux: booting XDV with the same initramfs (timeout ${XDV_TIMEOUT}s)"
	qemu_boot "$xdv_log" "$XDV_TIMEOUT" "" "${QEMU_SAME[@]}" -cdrom "$iso"
	xdv_figs=$(bench_lines "$xdv_log")
	[ -z "$xdv_figs" ] && xdv_note="n/a (no figures from XDV: see $xdv_log)"
fi

# ---- the table --------------------------------------------------------------------
echo "Linux: $version; XDV: $BUILD/kernel.elf. ns/op = guest instructions per operation"
echo "(-icount shift=0); the tmpfs rows count one op per MiB and add MB/s."
figure() { # LINES NAME FIELD: field 3 = ns/op, 5 = MB/s
	awk -v n="$2" -v f="$3" '$2 == n { print $f; exit }' <<< "$1"
}
printf '%-20s %14s %14s %10s\n' benchmark "Linux ns/op" "XDV ns/op" XDV/Linux
for name in $(awk '{ print $2 }' <<< "$linux_figs"); do
	l=$(figure "$linux_figs" "$name" 3)
	x=$(figure "$xdv_figs" "$name" 3)
	lr=$(figure "$linux_figs" "$name" 5)
	xr=$(figure "$xdv_figs" "$name" 5)
	if [ -n "$x" ] && [ "$l" -gt 0 ]; then
		ratio=$(awk -v x="$x" -v l="$l" 'BEGIN { printf "%.2f", x / l }')
		printf '%-20s %14s %14s %10s' "$name" "$l" "$x" "$ratio"
	elif [ -n "$xdv_figs" ]; then
		printf '%-20s %14s %14s' "$name" "$l" "n/a (XDV printed no figure)"
	else
		printf '%-20s %14s %14s' "$name" "$l" "$xdv_note"
	fi
	[ -n "$lr" ] && printf '   (Linux %s MB/s%s)' "$lr" "${xr:+, XDV $xr MB/s}"
	printf '\n'
done
