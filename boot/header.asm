; SPDX-License-Identifier: MIT
;
; The Multiboot2 header GRUB looks for in the first 32 KiB of the image.
; Tags are 8-byte aligned, and the four header fields sum to 0 mod 2^32.
; The kernel is an ELF64 file, so GRUB takes the load addresses and the
; entry point from the ELF program headers; no address tag is needed.

MB2_MAGIC        equ 0xE85250D6
MB2_ARCH_I386    equ 0          ; 32-bit protected mode entry
MB2_TAG_END      equ 0
MB2_TAG_CONSOLE  equ 4
MB2_TAG_FB       equ 5
MB2_TAG_OPTIONAL equ 1

section .multiboot2 progbits alloc noexec nowrite align=8
mb2_header_start:
	dd MB2_MAGIC
	dd MB2_ARCH_I386
	dd mb2_header_end - mb2_header_start
	dd -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header_start))

	; Console flags: bit 1 says the kernel can drive EGA text mode, so GRUB
	; may leave the PC in text mode (grub.cfg asks for that on BIOS).
	align 8
	dw MB2_TAG_CONSOLE, MB2_TAG_OPTIONAL
	dd 12
	dd 2

	; Framebuffer: any mode the loader likes (0 = no preference). Optional,
	; so a loader that cannot set one still boots us. (The system tests
	; find this tag by its symbol to boot a copy without it: EGA text.)
	align 8
global mb2_tag_framebuffer
mb2_tag_framebuffer:
	dw MB2_TAG_FB, MB2_TAG_OPTIONAL
	dd 20
	dd 0                ; width
	dd 0                ; height
	dd 32               ; depth: prefer 32 bpp

	align 8
	dw MB2_TAG_END, 0
	dd 8
mb2_header_end:
