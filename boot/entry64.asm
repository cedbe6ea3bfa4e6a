; SPDX-License-Identifier: MIT
;
; First code in the higher half. Loads the GDT at its higher-half address,
; switches to the boot stack, installs the C kernel's IDT (trap_init needs
; nothing else initialized, so from here on every exception is reported by
; cpu/traps.c) and calls kernel_main with the boot information's physical
; address. An outermost frame of zeros ends backtraces at kernel_main.

%include "boot/boot.inc"

global long_mode_entry64
global boot_stack_top, boot_stack_bottom
extern boot_mb_info
extern early_gdtr64
extern trap_init
extern kernel_main

BOOT_STACK_SIZE equ 16384

section .text.entry
bits 64
long_mode_entry64:
	lgdt [early_gdtr64]
	mov rsp, boot_stack_top
	; An outermost frame of zeros (return address 0, saved RBP 0) ends
	; every backtrace here, ours and gdb's, and keeps RSP 16-byte aligned.
	xor ebp, ebp
	push rbp
	push rbp
	call trap_init
	mov edi, [boot_mb_info]         ; zero-extends: a 32-bit physical address
	call kernel_main
	; kernel_main does not return; if it ever did, stop here.
	cli
.halt:
	hlt
	jmp .halt

section .bss
align 4096
boot_stack_bottom:
	resb BOOT_STACK_SIZE
boot_stack_top:
