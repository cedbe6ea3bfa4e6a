#!/bin/bash
# SPDX-License-Identifier: MIT
# Print the gen_cpio list (tools/gen_cpio.c) of the initramfs: the entries
# of LIST (directories with their modes, device nodes), then every
# directory, file and symlink under ROOTDIR (owned 0:0; files 0755 if
# executable, else 0644; directories 0755 unless LIST names them), then
# each extra DEST=SRC as an executable file (the user programs).
#
# Usage: gen-initramfs-list.sh ROOTDIR LIST [DEST=SRC...]
set -eu
root=${1%/}
list=$2
shift 2

cat "$list"
listed=$(awk '$1 == "dir" { print $2 }' "$list")
(cd "$root" && LC_ALL=C find . -mindepth 1 | LC_ALL=C sort) | while IFS= read -r rel; do
	name=${rel#.}
	src=$root$name
	case "$name" in *[[:space:]]*)
		echo "gen-initramfs-list.sh: names with spaces are not supported: $src" >&2
		exit 1 ;;
	esac
	if [ -L "$src" ]; then
		echo "slink $name $(readlink "$src") 0777 0 0"
	elif [ -d "$src" ]; then
		grep -qxF -- "$name" <<< "$listed" || echo "dir $name 0755 0 0"
	elif [ -f "$src" ]; then
		mode=0644
		[ -x "$src" ] && mode=0755
		echo "file $name $src $mode 0 0"
	else
		echo "gen-initramfs-list.sh: not a file, directory or symlink: $src" >&2
		exit 1
	fi
done
for extra in "$@"; do
	echo "file ${extra%%=*} ${extra#*=} 0755 0 0"
done
