#!/bin/bash
# SPDX-License-Identifier: MIT
# Make the archives the cpio parser's host tests read (test_cpio.c), with
# the host's GNU cpio, into OUTDIR: newc.cpio (-H newc) and crc.cpio
# (-H crc) of one known tree, owned by 1000:100 in the archive (cpio -R,
# so no root is needed), with fixed mtimes. test_cpio.c knows the tree.
set -eu
out=$1
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
mkdir -p "$out"
cd "$tree"
mkdir dir
printf 'hello, world\n' > dir/hello.txt
: > dir/empty
# 100000 bytes whose sum and content the test recomputes: byte i is i % 251.
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "%c", i % 251 }' LC_ALL=C > dir/big
printf 'linked\n' > dir/link1
ln dir/link1 dir/link2
ln -s hello.txt dir/sym
mkfifo dir/fifo
chmod 0644 dir/hello.txt
chmod 0600 dir/empty
chmod 0755 dir/big
chmod 0640 dir/link1
chmod 0600 dir/fifo
for f in dir/hello.txt dir/empty dir/big dir/link1 dir/fifo; do
	touch -d '2001-02-03 04:05:06 UTC' "$f"
done
touch -h -d '2001-02-03 04:05:06 UTC' dir/sym
chmod 0750 dir
touch -d '2002-03-04 05:06:07 UTC' dir
LC_ALL=C find dir | LC_ALL=C sort | cpio --quiet -o -H newc -R 1000:100 > "$out/newc.cpio"
LC_ALL=C find dir | LC_ALL=C sort | cpio --quiet -o -H crc -R 1000:100 > "$out/crc.cpio"
