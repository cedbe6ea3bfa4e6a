#!/bin/bash
# SPDX-License-Identifier: MIT
# File systems from the initramfs. First tools/gen_cpio: every kind of
# list line, read back by GNU cpio (with its crc check). Then a known tree
# is built on the host (directories with odd modes, empty, small and
# 150 KiB files, a hard link pair, absolute, relative, dangling and
# directory symlinks, a FIFO, set-id bits, fixed mtimes) and archived
# with the host's GNU cpio (owner 1234:567 through cpio -R); the kernel
# unpacks it as its initramfs and prints it with vfs_list=/fstest, which
# must equal the host's listing of the tree (find -printf plus cksum)
# line for line: modes, owners, sizes, contents, link counts, link
# targets and mtimes. Then: the same as a crc (070702) archive; an
# archive truncated inside the last entry and one with a garbage byte in
# a header, which boot to "initialized" with the module, offset and
# reason, keeping the entries before the bad one; two archives in module
# order (the second overrides) plus a module that is not cpio; the
# default initramfs (/dev/console, /tmp 1777); the init program chosen
# as Linux does (rdinit=, /init, init=); and the big tmpfs KTAP suite
# with 1 GiB of RAM (FS_SKIP_BIG=1 leaves it out, for a quick run).
. "$(dirname "$0")/lib.sh"

work=$BUILD/test/fs
rm -rf "$work" && mkdir -p "$work"
tree=$work/tree
mkdir -p "$tree/fstest"

# ---- the tree ----------------------------------------------------------------
build_tree() { # DIR: make fstest/ under DIR
	local t=$1/fstest
	mkdir -p "$t/a_dir" "$t/b_secret" "$t/c_sticky" "$t/d_setgid/sub"
	printf 'a note\n' > "$t/a_dir/note"
	: > "$t/a_dir/empty"
	printf 'secret\n' > "$t/b_secret/key"
	printf 'deep inside\n' > "$t/d_setgid/sub/deep.txt"
	printf 'linked twice\n' > "$t/h_link1"
	ln "$t/h_link1" "$t/h_link2"
	mkfifo "$t/m_fifo"
	ln -s /etc/passwd "$t/s_abs"
	ln -s nowhere/file "$t/s_dangling"
	ln -s a_dir/note "$t/s_rel"
	ln -s d_setgid/sub "$t/s_dir"
	printf '#!/bin/sh\n' > "$t/x_setuid"
	head -c 150000 /dev/urandom > "$t/zbig"
	chmod 0644 "$t/a_dir/note"
	chmod 0600 "$t/a_dir/empty"
	chmod 0400 "$t/b_secret/key"
	chmod 0444 "$t/d_setgid/sub/deep.txt"
	chmod 0640 "$t/h_link1"
	chmod 0620 "$t/m_fifo"
	chmod 4755 "$t/x_setuid"
	chmod 0755 "$t/zbig"
	local f
	while IFS= read -r f; do
		touch -h -d '2001-02-03 04:05:06 UTC' "$f"
	done < <(find "$t" -mindepth 1 ! -type d)
	touch -d '1999-12-31 23:59:59 UTC' "$t/zbig"
	chmod 0751 "$t/a_dir"
	chmod 0700 "$t/b_secret"
	chmod 1777 "$t/c_sticky"
	chmod 0755 "$t/d_setgid/sub"
	chmod 2755 "$t/d_setgid"
	touch -d '2002-03-04 05:06:07 UTC' "$t/a_dir" "$t/b_secret" "$t/c_sticky"
	touch -d '2003-04-05 06:07:08 UTC' "$t/d_setgid/sub" "$t/d_setgid"
}

# archive DIR FORMAT > out: every entry under DIR/fstest, owner 1234:567.
archive() {
	(cd "$1" && LC_ALL=C find fstest | LC_ALL=C sort |
		cpio --quiet -o -H "$2" -R 1234:567)
}

# The host's listing of DIR/fstest in vfs_list's format (fs/vfs_list.c),
# owners as the archive says (1234:567), sorted by name.
host_list() {
	(cd "$1/fstest" && find . -mindepth 1 -printf '%P %y %m %s %T@ %n %l\n') |
		while read -r name type perm size mtime nlink target; do
			local sum=- ln=- sz=- t
			case $type in
			f) t=0100000 sz=$size ln=$nlink sum=$(cksum < "$1/fstest/$name" | cut -d' ' -f1) ;;
			d) t=0040000 ;;
			l) t=0120000 sz=$size ;;
			p) t=0010000 ;;
			s) t=0140000 ;;
			*) t=0 ;;
			esac
			printf '%s %o 1234 567 %s %s %s %s' "$name" $((t + 8#$perm)) "$sz" \
				"${mtime%%.*}" "$ln" "$sum"
			[ "$type" = l ] && printf ' -> %s' "$target"
			printf '\n'
		done | LC_ALL=C sort -t' ' -k1,1
}

# kernel_list LOG: the vfs_list lines of a boot log, without the prefix.
kernel_list() {
	tr -d '\r' < "$1" | sed 's/^\[[ 0-9.]*\] //' | sed -n 's/^vfs_list: //p' |
		grep -v -e '^begin ' -e '^end '
}

# boot_list NAME "MODULES" [CMDLINE]: boot with those initramfs modules and
# vfs_list=/fstest up to "initialized"; LOG is its log.
boot_list() {
	local name=$1 iso
	LOG=$LOGDIR/fs-$name.log
	iso=$(INITRAMFS=$2 make_iso "fs-$name" "vfs_list=/fstest after_init=poweroff ${3:-}") ||
		return 1
	qemu_boot "$LOG" "$BIOS_TIMEOUT" "$INITIALIZED" -machine pc -smp 2 -m 256M -cdrom "$iso"
}

# compare NAME EXPECTED-FILE: the kernel's listing in LOG equals the file.
compare() {
	local name=$1 want=$2
	kernel_list "$LOG" > "$work/$name.kernel"
	if [ -s "$want" ] && diff -u "$want" "$work/$name.kernel" > "$work/$name.diff" &&
		grep -q "vfs_list: end $(wc -l < "$want") entries" <<< "$(tr -d '\r' < "$LOG")"; then
		return 0
	fi
	sed 's/^/#   /' "$work/$name.diff" | head -n 40
	return 1
}

# ---- tools/gen_cpio: what it writes, GNU cpio reads back ----------------------
gen=$BUILD/tools/gen_cpio
printf 'data\n' > "$work/gen.src"
cat > "$work/gen.list" <<EOF
# every kind of line
dir /d 0750 1 2
file /d/f $work/gen.src 0640 3 4 /d/hard
slink /d/s f 0777 5 6
nod /d/console 0600 0 0 c 5 1
nod /d/sda 0660 0 6 b 8 0
pipe /d/p 0600 7 8
sock /d/k 0755 9 10
EOF
cat > "$work/gen.want" <<'EOF'
drwxr-x--- 2 1 2 0 d
-rw-r----- 2 3 4 0 d/f
-rw-r----- 2 3 4 5 d/hard
lrwxrwxrwx 1 5 6 1 d/s -> f
crw------- 1 0 0 5, 1 d/console
brw-rw---- 1 0 6 8, 0 d/sda
prw------- 1 7 8 0 d/p
srwxr-xr-x 1 9 10 0 d/k
EOF
if "$gen" -c -t 1000000000 "$work/gen.list" > "$work/gen.cpio" &&
	(cd "$work" && cpio --quiet -i --only-verify-crc < gen.cpio) &&
	cpio --quiet -tv --numeric-uid-gid < "$work/gen.cpio" |
		sed -E 's/ [A-Z][a-z]{2} +[0-9]+ +([0-9]{4}|[0-9]{2}:[0-9]{2}) / /' |
		tr -s ' ' > "$work/gen.tv" &&
	diff -u "$work/gen.want" "$work/gen.tv" > "$work/gen.diff" &&
	! echo "nod /x 0600 0 0 q 1 2" | "$gen" - > /dev/null 2>&1 &&
	! echo "bogus /x" | "$gen" - > /dev/null 2>&1; then
	pass "fs_gen_cpio_every_line_kind_read_back_by_gnu_cpio"
else
	fail "fs_gen_cpio_every_line_kind_read_back_by_gnu_cpio"
	sed 's/^/#   /' "$work/gen.diff"
fi

build_tree "$tree"
host_list "$tree" > "$work/host.list"
archive "$tree" newc > "$work/newc.cpio"
archive "$tree" crc > "$work/crc.cpio"
n_entries=$(wc -l < "$work/host.list")

# ---- newc and crc: the listing matches the host's ---------------------------
for fmt in newc crc; do
	if boot_list "$fmt" "$work/$fmt.cpio" && compare "$fmt" "$work/host.list" &&
		grep -q "initramfs: $((n_entries + 1)) entries (.*, 0 errors) from module 0" \
			<<< "$(tr -d '\r' < "$LOG")" &&
		grep -qF "initramfs: init: none found (/init, /sbin/init" <<< "$(tr -d '\r' < "$LOG")"; then
		pass "fs_initramfs_${fmt}_listing_matches_host"
	else
		fail "fs_initramfs_${fmt}_listing_matches_host" "QEMU: $QEMU_STATUS"
		show_log "$LOG"
	fi
done

# The offset of the header of entry NAME in ARCHIVE.
entry_offset() {
	local at
	at=$(grep -obUaF -- "$2" "$1" | head -n1 | cut -d: -f1)
	echo $((at - 110))
}

# The host listing of the entries that come before NAME in ARCHIVE.
listing_before() { # ARCHIVE NAME
	cpio --quiet -t < "$1" | awk -v n="$2" '$0 == n { exit } { print }' |
		sed -n 's|^fstest/||p' > "$work/before.names"
	awk 'NR == FNR { keep[$0] = 1; next } ($1 in keep)' "$work/before.names" "$work/host.list"
}

# ---- a truncated archive: the entries before the cut stay -------------------
at=$(entry_offset "$work/newc.cpio" "fstest/zbig")
head -c $((at + 110 + 16 + 5000)) "$work/newc.cpio" > "$work/truncated.cpio"
listing_before "$work/newc.cpio" fstest/zbig > "$work/truncated.want"
msg="initramfs: module 0 (initramfs0): bad archive at offset $at:"
msg+=" file size past the end of the archive"
if boot_list truncated "$work/truncated.cpio" && grep -qF "$msg" <<< "$(tr -d '\r' < "$LOG")" &&
	compare truncated "$work/truncated.want"; then
	pass "fs_initramfs_truncated_reports_offset_and_keeps_earlier_entries"
else
	fail "fs_initramfs_truncated_reports_offset_and_keeps_earlier_entries" \
		"QEMU: $QEMU_STATUS; want '$msg'"
	show_log "$LOG"
fi

# ---- a garbage byte in a header ----------------------------------------------
at=$(entry_offset "$work/newc.cpio" "fstest/m_fifo")
cp "$work/newc.cpio" "$work/garbage.cpio"
printf 'Z' | dd of="$work/garbage.cpio" bs=1 seek=$((at + 6 + 8 * 6 + 3)) conv=notrunc status=none
listing_before "$work/newc.cpio" fstest/m_fifo > "$work/garbage.want"
msg="initramfs: module 0 (initramfs0): bad archive at offset $at: header field is not 8 hex digits"
# init= names a file that is there but not executable: a warning.
if boot_list garbage "$work/garbage.cpio" "init=/fstest/a_dir/note" &&
	grep -qF "$msg" <<< "$(tr -d '\r' < "$LOG")" && compare garbage "$work/garbage.want" &&
	grep -qF "initramfs: init: /fstest/a_dir/note (init=) is not an executable file" \
		<<< "$(tr -d '\r' < "$LOG")"; then
	pass "fs_initramfs_garbage_header_reports_offset_and_keeps_earlier_entries"
else
	fail "fs_initramfs_garbage_header_reports_offset_and_keeps_earlier_entries" \
		"QEMU: $QEMU_STATUS; want '$msg'"
	show_log "$LOG"
fi

# ---- two archives in module order, and a module that is not cpio ------------
# The second replaces a file (new size, mode, content), turns a symlink
# into a file and adds one; directory mtimes stay those of the first.
over=$work/over
merged=$work/merged
mkdir -p "$over/fstest/a_dir" "$merged"
printf 'the second archive wins\n' > "$over/fstest/a_dir/note"
printf 'was a symlink\n' > "$over/fstest/s_rel"
printf 'new\n' > "$over/fstest/n_new"
chmod 0600 "$over/fstest/a_dir/note"
chmod 0644 "$over/fstest/s_rel" "$over/fstest/n_new"
touch -d '2010-01-01 00:00:00 UTC' "$over/fstest/a_dir/note" "$over/fstest/s_rel" \
	"$over/fstest/n_new"
(cd "$over" && printf 'fstest/a_dir/note\nfstest/n_new\nfstest/s_rel\n' |
	cpio --quiet -o -H newc -R 1234:567) > "$work/over.cpio"
cp -a "$tree/fstest" "$merged/"
rm "$merged/fstest/s_rel"
for f in a_dir/note s_rel n_new; do
	cp -a "$over/fstest/$f" "$merged/fstest/$f"
done
touch -d '2002-03-04 05:06:07 UTC' "$merged/fstest/a_dir"
host_list "$merged" > "$work/two.want"
printf 'this is not a cpio archive\n' > "$work/notcpio.bin"
if boot_list two "$work/newc.cpio $work/notcpio.bin $work/over.cpio" \
	"rdinit=/fstest/x_setuid init=/fstest/zbig" &&
	tr -d '\r' < "$LOG" | grep -qF "initramfs: init: /fstest/x_setuid (rdinit=)" &&
	compare two "$work/two.want" &&
	tr -d '\r' < "$LOG" |
	grep -qF "initramfs: module 1 (initramfs1, 27 bytes) is not a cpio archive: skipped" &&
	tr -d '\r' < "$LOG" | grep -q "initramfs: 3 entries (.*, 0 errors) from module 2"; then
	pass "fs_initramfs_two_modules_unpack_in_order_and_non_cpio_is_skipped"
else
	fail "fs_initramfs_two_modules_unpack_in_order_and_non_cpio_is_skipped" "QEMU: $QEMU_STATUS"
	show_log "$LOG"
fi

# ---- the default initramfs: the skeleton, root-owned, with /dev/console -----
# With a second module holding /init, that is the init program (rdinit's
# default), ahead of init=.
mkdir -p "$work/initdir"
printf '#!/bin/sh\n' > "$work/initdir/init"
chmod 0755 "$work/initdir/init"
(cd "$work/initdir" && echo init | cpio --quiet -o -H newc) > "$work/init.cpio"
LOG=$LOGDIR/fs-default.log
iso=$(INITRAMFS="$BUILD/initramfs.cpio $work/init.cpio" make_iso fs-default \
	"vfs_list=/ init=/etc/passwd after_init=poweroff") || exit 1
qemu_boot "$LOG" "$BIOS_TIMEOUT" "$INITIALIZED" -machine pc -smp 2 -m 256M -cdrom "$iso"
text=$(kernel_list "$LOG")
# /dev/console is under the devtmpfs mount by now: count what was made.
list=$BUILD/initramfs.list
summary="initramfs: $(grep -cE '^(file|dir|nod|slink|pipe|sock) ' "$list") entries"
summary+=" ($(grep -c '^file ' "$list") files, $(grep -c '^dir ' "$list") dirs,"
summary+=" $(grep -c '^slink ' "$list") symlinks,"
summary+=" $(grep -cE '^(nod|pipe|sock) ' "$list") nodes, 0 hard links, 0 errors) from module 0"
passwd="etc/passwd 100644 0 0 $(wc -c < iso/rootfs/etc/passwd) [0-9]* 1"
passwd+=" $(cksum < iso/rootfs/etc/passwd | cut -d' ' -f1)"
if grep -qF "$summary" <<< "$(tr -d '\r' < "$LOG")" &&
	grep -q "^nod /dev/console 0600 0 0 c 5 1$" "$list" &&
	grep -qx "tmp 41777 0 0 - [0-9]* - -" <<< "$text" &&
	grep -qF "initramfs: init: /init (rdinit default)" <<< "$(tr -d '\r' < "$LOG")" &&
	grep -qx "$passwd" <<< "$text"; then
	pass "fs_default_initramfs_has_console_tmp_and_etc"
else
	fail "fs_default_initramfs_has_console_tmp_and_etc" "QEMU: $QEMU_STATUS; want '$summary'"
	show_log "$LOG"
fi

if [ -n "${FS_SKIP_BIG:-}" ]; then exit 0; fi # (for a quick run by hand)
# ---- the big tmpfs suite (256 MiB files) with 1 GiB of RAM ------------------
log=$LOGDIR/fs-tmpfs-big.log
iso=$(make_iso fs-tmpfs-big "ktest=tmpfs_big.* debug_exit=0xf4") || exit 1
if ktest_boot "$log" 600 -machine pc -smp 2 -m 1G -cdrom "$iso"; then
	report_ktap "$log" fs
	pass "fs_tmpfs_big_ktests_pass"
else
	report_ktap "$log" fs
	ktest_fail "fs_tmpfs_big_ktests_pass" "$log"
fi
