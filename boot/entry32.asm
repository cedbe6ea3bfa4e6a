; SPDX-License-Identifier: MIT
;
; 32-bit entry from GRUB (Multiboot2): protected mode, paging off,
; EAX = magic, EBX = physical address of the boot information.
;
; This stub runs at its physical load address. It records the TSC (for the
; boot-time figure), installs its own GDT and an early IDT that reports any
; exception instead of triple-faulting, checks the magic and that the CPU
; can run 64-bit code (each failure explained on serial and screen), then
; builds the first page tables and enters long mode:
;
;   PML4[0]   -> identity map of the first 1 GiB (2 MiB pages), so this
;                code survives paging being switched on; C removes it.
;   PML4[256] -> direct map of the first 4 GiB at 0xFFFF800000000000 (NX).
;   PML4[511] -> the kernel image at 0xFFFFFFFF80000000 + physical, in 4 KiB
;                pages with the rights of each ELF segment (W^X).
;
; Symbols of the higher-half kernel are reached here as (symbol - KERNEL_VMA).

%include "boot/boot.inc"

global _start
global boot_pml4
global boot_tsc_start
global boot_nx_enabled
global boot_mb_magic, boot_mb_info
extern long_mode_entry64
global early_gdtr64
extern _text_start, _text_end, _rodata_start, _rodata_end
extern _data_start, _kernel_end, _bss_start, _bss_end
extern boot_stack_top
extern early_puts32, early_put_hex32, early_console_init32, early_halt32

section .boot.text progbits alloc exec nowrite align=16
bits 32

_start:
	cli
	cld
	; Time zero of the boot: the first thing the kernel does.
	mov [boot_mb_magic - KERNEL_VMA], eax
	mov [boot_mb_info - KERNEL_VMA], ebx
	rdtsc
	mov [boot_tsc_start - KERNEL_VMA], eax
	mov [boot_tsc_start - KERNEL_VMA + 4], edx

	; .bss is not in the file; zero it ourselves rather than trust the
	; loader to (the page tables and the stack live there).
	mov edi, _bss_start - KERNEL_VMA
	mov ecx, _bss_end - KERNEL_VMA
	sub ecx, edi
	shr ecx, 2
	xor eax, eax
	rep stosd

	mov esp, boot_stack_top - KERNEL_VMA

	; Our own GDT, so exceptions have a code selector we know.
	lgdt [early_gdtr32]
	jmp GDT_KERNEL_CODE32:.reload_cs
.reload_cs:
	mov ax, GDT_KERNEL_DATA
	mov ds, ax
	mov es, ax
	mov ss, ax
	xor ax, ax
	mov fs, ax
	mov gs, ax

	call early_idt32_init
	call early_console_init32

	cmp dword [boot_mb_magic - KERNEL_VMA], MULTIBOOT2_MAGIC
	jne .bad_magic
	call check_long_mode
	call build_page_tables

	; PAE and global pages, then the page tables, then long mode.
	mov eax, cr4
	or eax, CR4_PAE | CR4_PGE
	mov cr4, eax
	mov eax, boot_pml4 - KERNEL_VMA
	mov cr3, eax
	mov ecx, MSR_EFER
	rdmsr
	or eax, EFER_LME
	cmp dword [boot_nx_enabled - KERNEL_VMA], 0
	je .no_nx
	or eax, EFER_NXE
.no_nx:
	wrmsr
	mov eax, cr0
	or eax, CR0_PG | CR0_WP | CR0_PE
	mov cr0, eax

	; The loaded IDT holds 32-bit gates, which mean nothing in long mode:
	; from here to the 64-bit early IDT, interrupts are off and nothing faults.
	jmp GDT_KERNEL_CODE64:long_mode_low

.bad_magic:
	mov eax, msg_bad_magic
	call early_puts32
	mov eax, [boot_mb_magic - KERNEL_VMA]
	call early_put_hex32
	mov eax, msg_halting
	call early_puts32
	jmp early_halt32

; CPUID must exist (EFLAGS.ID can be toggled), must have leaf 0x80000001,
; and that leaf must report long mode. Also note whether NX exists.
check_long_mode:
	pushfd
	pop eax
	mov ecx, eax
	xor eax, EFLAGS_ID
	push eax
	popfd
	pushfd
	pop eax
	push ecx
	popfd
	cmp eax, ecx
	je .no_long_mode
	mov eax, 0x80000000
	cpuid
	cmp eax, 0x80000001
	jb .no_long_mode
	mov eax, 0x80000001
	cpuid
	test edx, CPUID_EXT_LM
	jz .no_long_mode
	test edx, CPUID_EXT_NX
	jz .done
	mov dword [boot_nx_enabled - KERNEL_VMA], 1
.done:
	ret
.no_long_mode:
	mov eax, msg_no_long_mode
	call early_puts32
	jmp early_halt32

; Fill the boot page tables described at the top of this file.
build_page_tables:
	; NX bit (63) for non-executable entries, in the high dword, if the
	; CPU has it; setting it without NX support would be a reserved-bit fault.
	xor ebp, ebp
	cmp dword [boot_nx_enabled - KERNEL_VMA], 0
	je .nx_known
	mov ebp, 0x80000000
.nx_known:
	; PML4
	mov eax, boot_pdpt_low - KERNEL_VMA
	or eax, PTE_P | PTE_W
	mov [boot_pml4 - KERNEL_VMA], eax
	mov eax, boot_pdpt_direct - KERNEL_VMA
	or eax, PTE_P | PTE_W
	mov [boot_pml4 - KERNEL_VMA + 256 * 8], eax
	mov eax, boot_pdpt_kernel - KERNEL_VMA
	or eax, PTE_P | PTE_W
	mov [boot_pml4 - KERNEL_VMA + 511 * 8], eax

	; Identity map, first 1 GiB: PDPT_low[0] -> PD_low of 2 MiB pages.
	mov eax, boot_pd_low - KERNEL_VMA
	or eax, PTE_P | PTE_W
	mov [boot_pdpt_low - KERNEL_VMA], eax
	mov edi, boot_pd_low - KERNEL_VMA
	mov eax, PTE_P | PTE_W | PTE_PS
	mov ecx, 512
.identity:
	mov [edi], eax
	add eax, 0x200000
	add edi, 8
	loop .identity

	; Direct map, first 4 GiB: four page directories of 2 MiB NX pages.
	mov edi, boot_pdpt_direct - KERNEL_VMA
	mov eax, boot_pd_direct - KERNEL_VMA
	or eax, PTE_P | PTE_W
	mov ecx, 4
.direct_pdpt:
	mov [edi], eax
	add eax, 4096
	add edi, 8
	loop .direct_pdpt
	mov edi, boot_pd_direct - KERNEL_VMA
	mov eax, PTE_P | PTE_W | PTE_PS | PTE_G
	xor edx, edx                    ; bits 32+ of the physical address
	mov ecx, 4 * 512
.direct_pd:
	mov [edi], eax
	mov [edi + 4], edx
	or [edi + 4], ebp
	add eax, 0x200000
	adc edx, 0
	add edi, 8
	loop .direct_pd

	; Kernel image: PDPT_kernel[510] covers 0xFFFFFFFF80000000 + 1 GiB.
	mov eax, boot_pd_kernel - KERNEL_VMA
	or eax, PTE_P | PTE_W
	mov [boot_pdpt_kernel - KERNEL_VMA + 510 * 8], eax
	mov edi, boot_pd_kernel - KERNEL_VMA
	mov eax, boot_pt_kernel - KERNEL_VMA
	or eax, PTE_P | PTE_W
	mov ecx, KERNEL_PT_COUNT
.kernel_pd:
	mov [edi], eax
	add eax, 4096
	add edi, 8
	loop .kernel_pd

	; One 4 KiB entry per page of the image, with its segment's rights.
	; text: R-X; rodata: R-- NX; data and bss: RW- NX.
	mov eax, _text_start - KERNEL_VMA
	mov ebx, _text_end - KERNEL_VMA
	mov edx, PTE_P | PTE_G
	xor ecx, ecx
	call map_kernel_range
	mov eax, _rodata_start - KERNEL_VMA
	mov ebx, _rodata_end - KERNEL_VMA
	mov edx, PTE_P | PTE_G
	mov ecx, ebp
	call map_kernel_range
	mov eax, _data_start - KERNEL_VMA
	mov ebx, _kernel_end - KERNEL_VMA
	mov edx, PTE_P | PTE_W | PTE_G
	mov ecx, ebp
	call map_kernel_range
	ret

; Map physical [eax, ebx) at KERNEL_VMA + physical with low flags edx and
; high flags ecx. The kernel PTs are one array indexed by physical page.
map_kernel_range:
.next:
	cmp eax, ebx
	jae .out
	mov edi, eax
	shr edi, 12
	shl edi, 3
	add edi, boot_pt_kernel - KERNEL_VMA
	push eax
	or eax, edx
	mov [edi], eax
	mov [edi + 4], ecx
	pop eax
	add eax, 4096
	jmp .next
.out:
	ret

; 32 interrupt gates, one per exception vector, each to a stub that pushes
; its vector number and reports it.
early_idt32_init:
	mov edi, early_idt32
	mov ebx, early_isr32_stubs
	xor ecx, ecx
.gate:
	mov eax, ebx
	mov [edi], ax                   ; offset 15:0
	mov word [edi + 2], GDT_KERNEL_CODE32
	mov byte [edi + 4], 0
	mov byte [edi + 5], 0x8E        ; present, DPL0, 32-bit interrupt gate
	shr eax, 16
	mov [edi + 6], ax               ; offset 31:16
	add edi, 8
	add ebx, EARLY_ISR32_STUB_SIZE
	inc ecx
	cmp ecx, 32
	jb .gate
	lidt [early_idtr32]
	ret

EARLY_ISR32_STUB_SIZE equ 16
	align EARLY_ISR32_STUB_SIZE
early_isr32_stubs:
%assign v 0
%rep 32
	push dword v
	jmp early_isr32_common
	align EARLY_ISR32_STUB_SIZE, db 0xCC
%assign v v + 1
%endrep

; Stack: vector, [error code], EIP, CS, EFLAGS. Vectors 8, 10-14, 17, 21,
; 29, 30 push an error code; the EIP is one slot further up for them.
early_isr32_common:
	mov eax, msg_early_exception
	call early_puts32
	mov eax, [esp]
	call early_put_hex32
	mov ebx, [esp]
	mov ecx, 1
	bt dword [early_err_code_vectors], ebx
	adc ecx, 0
	mov eax, msg_at_eip
	call early_puts32
	mov eax, [esp + ecx * 4]
	call early_put_hex32
	mov eax, msg_halting
	call early_puts32
	jmp early_halt32

	align 4
early_err_code_vectors:
	dd (1 << 8) | (1 << 10) | (1 << 11) | (1 << 12) | (1 << 13) | (1 << 14) | (1 << 17) | (1 << 21) | (1 << 29) | (1 << 30)

early_idtr32:
	dw 32 * 8 - 1
	dd early_idt32

early_gdtr32:
	dw early_gdt_end - early_gdt - 1
	dd early_gdt - KERNEL_VMA

msg_bad_magic:
	db "XDV: not started by a Multiboot2 boot loader (EAX=", 0
msg_halting:
	db "); halting.", 13, 10, 0
msg_no_long_mode:
	db "XDV: this CPU cannot run 64-bit code (no long mode); XDV needs an x86-64 processor. Halting.", 13, 10, 0
msg_early_exception:
	db "XDV: CPU exception 0x", 0
msg_at_eip:
	db " during early boot (EIP=0x", 0

; First 64-bit code, still at its physical address: load flat data
; segments and jump to the higher half.
bits 64
long_mode_low:
	mov ax, GDT_KERNEL_DATA
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov rax, long_mode_entry64
	jmp rax

section .rodata
align 16
; Flat segments. Accessed bits are preset: the CPU would otherwise write
; them, and this table sits in read-only pages once paging is on.
early_gdt:
	dq 0                            ; null
	dq 0x00AF9B000000FFFF           ; 0x08: kernel code, 64-bit
	dq 0x00CF93000000FFFF           ; 0x10: kernel data
	dq 0x00CF9B000000FFFF           ; 0x18: kernel code, 32-bit (boot stub)
early_gdt_end:

; The same table seen from the higher half, for entry64.asm.
early_gdtr64:
	dw early_gdt_end - early_gdt - 1
	dq early_gdt

section .bss
align 4096
boot_pml4:        resb 4096
boot_pdpt_low:    resb 4096
boot_pd_low:      resb 4096
boot_pdpt_direct: resb 4096
boot_pd_direct:   resb 4 * 4096
boot_pdpt_kernel: resb 4096
boot_pd_kernel:   resb 4096
boot_pt_kernel:   resb KERNEL_PT_COUNT * 4096

section .data
align 8
boot_tsc_start:  dq 0    ; TSC at the first instruction (not in .bss: set before it is zeroed)
boot_nx_enabled: dd 0    ; 1 if the CPU has NX and EFER.NXE was set
boot_mb_magic:   dd 0    ; EAX and EBX as the loader left them
boot_mb_info:    dd 0

; The 32-bit early IDT: written only before paging, so it can sit here.
section .boot.text
align 8
early_idt32: times 32 * 8 db 0
