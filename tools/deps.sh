#!/bin/sh
# SPDX-License-Identifier: MIT
# Install the Debian/Ubuntu packages XDV needs to build, run and test, if
# any is missing. Does nothing (and needs no network) when all are there.
set -eu

PACKAGES="gcc make binutils nasm grub-pc-bin grub-efi-amd64-bin grub-common
xorriso mtools qemu-system-x86 ovmf musl-tools busybox-static cpio gdb
libcriterion-dev bochs bochs-term bochsbios vgabios"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "deps: installing:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
