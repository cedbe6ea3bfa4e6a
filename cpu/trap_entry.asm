; SPDX-License-Identifier: MIT
;
; One entry stub per IDT vector. Each makes the stack look the same (an
; error code slot, filled with 0 by the vectors whose exception pushes
; none, then the vector number), saves every general register into a
; struct trap_frame (include/xdv/cpu.h) and calls trap_dispatch(frame).

global trap_stubs
global trap_stub_size
extern trap_dispatch

TRAP_STUB_SIZE equ 16

section .text
bits 64

; Vectors whose exception pushes an error code.
%define HAS_ERROR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

align TRAP_STUB_SIZE
trap_stubs:
%assign v 0
%rep 256
%if HAS_ERROR(v)
	push qword v
%else
	push qword 0
	push qword v
%endif
	jmp trap_common
	align TRAP_STUB_SIZE, db 0xCC
%assign v v + 1
%endrep

trap_common:
	push rax
	push rbx
	push rcx
	push rdx
	push rsi
	push rdi
	push rbp
	push r8
	push r9
	push r10
	push r11
	push r12
	push r13
	push r14
	push r15
	cld
	mov rdi, rsp
	call trap_dispatch
	pop r15
	pop r14
	pop r13
	pop r12
	pop r11
	pop r10
	pop r9
	pop r8
	pop rbp
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rbx
	pop rax
	add rsp, 16                     ; vector and error code
	iretq

section .rodata
trap_stub_size: dq TRAP_STUB_SIZE
