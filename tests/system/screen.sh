#!/bin/bash
# SPDX-License-Identifier: MIT
# The screen, not just the serial port, shows the kernel's messages:
# screen-check.sh reads a QEMU screendump back as text with the kernel's
# own font. Three screens: the RGB framebuffer GRUB sets under BIOS, the
# GOP framebuffer under UEFI, and EGA text mode, which GRUB leaves when the
# kernel does not ask for a framebuffer: for that, a copy of kernel.elf
# has its framebuffer request tag turned into an unknown optional tag,
# which a Multiboot2 loader must ignore.
. "$(dirname "$0")/lib.sh"
check=$(dirname "$0")/screen-check.sh

run_check() { # NAME ISO QEMU-ARGS...
	name=$1 iso=$2
	shift 2
	log=$LOGDIR/screen-$name.log
	if BOOT_TIMEOUT=$BIOS_TIMEOUT bash "$check" "$iso" "$@" > "$log" 2>&1; then
		pass "screen_${name}_shows_kernel_messages"
	else
		fail "screen_${name}_shows_kernel_messages"
		show_log "$log"
	fi
}

run_check bios_framebuffer "$ISO" -machine pc
BIOS_TIMEOUT=$UEFI_TIMEOUT run_check uefi_framebuffer "$ISO" -machine q35 -bios "$OVMF"

# The text-mode kernel: same image, framebuffer tag type 5 -> 0x7ff5.
elf=$BUILD/test/kernel-textmode.elf
mkdir -p "$BUILD/test"
cp "$BUILD/kernel.elf" "$elf"
tag=$(nm "$elf" | awk '$3 == "mb2_tag_framebuffer" { print $1 }')
read -r boot_vaddr boot_off < <(readelf -SW "$elf" |
	sed -n 's/.*\.boot *PROGBITS *\([0-9a-f]*\) \([0-9a-f]*\) .*/\1 \2/p')
off=$((0x$tag - 0x$boot_vaddr + 0x$boot_off))
if [ "$(od -An -tx2 -j "$off" -N2 "$elf" | tr -d ' ')" != 0005 ]; then
	fail "screen_ega_text_shows_kernel_messages" "no framebuffer tag at offset $off"
else
	printf '\xf5\x7f' | dd of="$elf" bs=1 seek="$off" conv=notrunc status=none
	dir=$BUILD/test/textmode
	rm -rf "$dir" && mkdir -p "$dir/boot/grub"
	cp "$elf" "$dir/boot/kernel.elf"
	sed 's/^set timeout=.*/set timeout=0/' iso/grub.cfg > "$dir/boot/grub/grub.cfg"
	grub-mkrescue -o "$BUILD/test/textmode.iso" "$dir" > "$BUILD/test/textmode.mkrescue.log" 2>&1
	run_check ega_text "$BUILD/test/textmode.iso" -machine pc
fi
