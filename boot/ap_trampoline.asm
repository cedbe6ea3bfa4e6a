; SPDX-License-Identifier: MIT
;
; The application-processor (AP) trampoline. An AP starts, after INIT and
; a STARTUP IPI, in 16-bit real mode at CS:IP = page:0, so this code is
; copied by cpu/smp.c to a free page below 1 MiB and runs from there. It
; never runs where it is linked: every address below is computed as an
; offset from ap_trampoline_start plus the page it was copied to, which
; the boot CPU writes into the parameter block at the end (together with
; the kernel's CR3, whether to set EFER.NXE, the AP's stack and the C
; entry point). The kernel's page tables identity-map that page while APs
; start, so the code keeps running once paging is on.
;
;   real mode -> GDT -> 32-bit protected mode -> PAE, CR3, EFER.LME(+NXE),
;   paging and WP -> 64-bit -> jump to ap_entry(cpu) on the AP's stack

global ap_trampoline_start, ap_trampoline_end
global ap_tramp_page, ap_tramp_cr3, ap_tramp_efer, ap_tramp_stack
global ap_tramp_entry, ap_tramp_cpu

%define OFF(label) ((label) - ap_trampoline_start)

section .rodata
align 16
bits 16
ap_trampoline_start:
	cli
	cld
	; CS = the page's segment; address the parameter block through it.
	mov ax, cs
	mov ds, ax
	; Linear address of the page (the BSP stored it: cs << 4).
	mov ebx, [OFF(ap_tramp_page)]
	; Patch the GDT pointer and the far-jump targets with it.
	lea eax, [ebx + OFF(ap_gdt)]
	mov [OFF(ap_gdt_ptr) + 2], eax
	lea eax, [ebx + OFF(ap_pm32)]
	mov [OFF(ap_jump32) + 2], eax
	lea eax, [ebx + OFF(ap_lm64)]
	mov [OFF(ap_jump64) + 1], eax
	lgdt [OFF(ap_gdt_ptr)]
	mov eax, cr0
	or eax, 1
	mov cr0, eax
	; o32 jmp far 0x18:ap_pm32 (target patched above)
ap_jump32:
	db 0x66, 0xEA
	dd 0
	dw 0x18

bits 32
ap_pm32:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	; PAE and global pages, the kernel's tables, long mode, paging.
	mov eax, cr4
	or eax, (1 << 5) | (1 << 7)
	mov cr4, eax
	mov eax, [ebx + OFF(ap_tramp_cr3)]
	mov cr3, eax
	mov ecx, 0xC0000080
	rdmsr
	or eax, [ebx + OFF(ap_tramp_efer)]
	wrmsr
	mov eax, cr0
	or eax, (1 << 31) | (1 << 16)
	mov cr0, eax
	; jmp far 0x08:ap_lm64 (target patched above)
ap_jump64:
	db 0xEA
	dd 0
	dw 0x08

bits 64
ap_lm64:
	mov ebx, ebx                    ; upper halves are undefined after the switch
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	xor eax, eax
	mov fs, ax
	mov gs, ax
	mov rsp, [rbx + OFF(ap_tramp_stack)]
	; An outermost frame of zeros ends backtraces here.
	xor ebp, ebp
	push rbp
	push rbp
	mov edi, [rbx + OFF(ap_tramp_cpu)]
	mov rax, [rbx + OFF(ap_tramp_entry)]
	call rax
.halt:
	cli
	hlt
	jmp .halt

; 64-bit code is 0x08 and data 0x10, as in the kernel's GDT: the AP keeps
; these selectors when it loads its own GDT, and the first iretq checks CS.
align 8
ap_gdt:
	dq 0
	dq 0x00AF9A000000FFFF           ; 0x08: code, 64-bit
	dq 0x00CF92000000FFFF           ; 0x10: data
	dq 0x00CF9A000000FFFF           ; 0x18: code, 32-bit (this trampoline only)
ap_gdt_end:
ap_gdt_ptr:
	dw ap_gdt_end - ap_gdt - 1
	dd 0                            ; patched: linear address of ap_gdt

; Parameter block, written by the boot CPU into the copy.
align 8
ap_tramp_page:  dd 0   ; linear address of the copy (page << 12)
ap_tramp_cr3:   dd 0   ; the kernel's PML4 (below 4 GiB)
ap_tramp_efer:  dd 0   ; EFER bits to set: LME, and NXE if the BSP has it
ap_tramp_cpu:   dd 0   ; the AP's CPU number
ap_tramp_stack: dq 0   ; top of the AP's kernel stack
ap_tramp_entry: dq 0   ; ap_entry(unsigned cpu)
ap_trampoline_end:
