; SPDX-License-Identifier: MIT
;
; The context switch (struct cpu_context, include/xdv/cpu.h).
;
; cpu_context_switch(prev, next) saves what the C calling convention says
; a callee must keep (rbx, rbp, r12-r15) on prev's stack and the stack
; pointer in prev; for a context with an FPU area it also saves the FS
; base, the user GS base (in KERNEL_GS_BASE while the kernel runs) and the
; x87/SSE/AVX state with XSAVE, or FXSAVE on CPUs without it. It then loads
; the same from next and returns on next's stack, with rax = prev, so the
; scheduler can finish with the thread it left.
;
; A new context starts in cpu_context_first_entry (cpu_context_init puts
; it there): it calls the C entry kept in r12 with prev as its argument.

global cpu_context_switch
global cpu_context_first_entry
extern fpu_xsave

MSR_FS_BASE        equ 0xC0000100
MSR_KERNEL_GS_BASE equ 0xC0000102

CTX_RSP     equ 0
CTX_FS_BASE equ 8
CTX_GS_BASE equ 16
CTX_FPU     equ 24

section .text
bits 64

cpu_context_switch:
	push rbx
	push rbp
	push r12
	push r13
	push r14
	push r15
	mov r9, rdi                     ; prev
	mov r10, rsi                    ; next

	mov r8, [r9 + CTX_FPU]
	test r8, r8
	jz .prev_saved
	mov ecx, MSR_FS_BASE
	rdmsr
	mov [r9 + CTX_FS_BASE], eax
	mov [r9 + CTX_FS_BASE + 4], edx
	mov ecx, MSR_KERNEL_GS_BASE
	rdmsr
	mov [r9 + CTX_GS_BASE], eax
	mov [r9 + CTX_GS_BASE + 4], edx
	mov eax, -1                     ; every component XCR0 enables
	mov edx, -1
	cmp byte [rel fpu_xsave], 0
	je .fxsave
	xsave64 [r8]
	jmp .prev_saved
.fxsave:
	fxsave64 [r8]
.prev_saved:
	mov [r9 + CTX_RSP], rsp

	mov rsp, [r10 + CTX_RSP]
	mov r8, [r10 + CTX_FPU]
	test r8, r8
	jz .next_loaded
	mov ecx, MSR_FS_BASE
	mov eax, [r10 + CTX_FS_BASE]
	mov edx, [r10 + CTX_FS_BASE + 4]
	wrmsr
	mov ecx, MSR_KERNEL_GS_BASE
	mov eax, [r10 + CTX_GS_BASE]
	mov edx, [r10 + CTX_GS_BASE + 4]
	wrmsr
	mov eax, -1
	mov edx, -1
	cmp byte [rel fpu_xsave], 0
	je .fxrstor
	xrstor64 [r8]
	jmp .next_loaded
.fxrstor:
	fxrstor64 [r8]
.next_loaded:
	mov rax, r9
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbp
	pop rbx
	ret

; First return of a new context: rax = prev, r12 = the C entry.
cpu_context_first_entry:
	mov rdi, rax
	call r12
	ud2                             ; the entry never returns
