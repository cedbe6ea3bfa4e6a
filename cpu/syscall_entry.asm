; SPDX-License-Identifier: MIT
;
; The SYSCALL entry and the way back to user mode (include/xdv/syscall.h).
;
; SYSCALL leaves RSP as the user's, puts the return RIP in RCX and RFLAGS
; in R11, and clears the flags in SFMASK (IF among them: nothing can
; interrupt until we are on a kernel stack, except NMI/#MC, which use IST
; stacks and find the kernel GS base by reading MSR_GS_BASE, see
; cpu/trap_entry.asm). The entry swaps to the kernel GS base, parks the
; user RSP in the per-CPU area, loads the thread's kernel stack top
; (tss.rsp[0], which the scheduler sets at every switch, also used by the
; CPU for interrupts from ring 3), and builds a struct pt_regs there that
; looks like an interrupt frame, so either SYSRET or IRET can return.
;
; Return: syscall_dispatch() comes back with interrupts off and the work
; before user mode done. SYSRET is used only when it restores exactly what
; the frame says: RCX = RIP, R11 = RFLAGS, RIP canonical (Intel's SYSRET
; faults in ring 0 on a non-canonical RCX, with the user's RSP and GS:
; the "SYSRET hazard"; the C side never lets a non-canonical RIP reach
; here, and this check is the second line), RF and TF clear, user CS/SS.
; Otherwise IRETQ. Either way SWAPGS is the last thing before the return
; instruction, with interrupts off; an NMI in that window reads the GS
; base MSR and copes (paranoid entry).
;
; user_enter_frame(rip, rsp) builds a fresh frame at the stack top and
; leaves through the same return path: how a kernel thread first enters
; ring 3.

global syscall_entry
global user_enter_frame
global syscall_iret_returns
extern syscall_dispatch

USER_CS        equ 0x2B                 ; GDT_USER_CS, include/xdv/percpu.h
USER_DS        equ 0x23                 ; GDT_USER_DS
PERCPU_USER_RSP equ 96                  ; offsetof(struct percpu, user_rsp_scratch)
PERCPU_RSP0    equ 180                  ; offsetof(struct percpu, tss.rsp[0])
ENOSYS         equ 38
RFLAGS_TF      equ 1 << 8
RFLAGS_IF      equ 1 << 9
RFLAGS_RF      equ 1 << 16

; struct pt_regs offsets
PT_R11         equ 6 * 8
PT_RCX         equ 11 * 8
PT_RIP         equ 16 * 8
PT_CS          equ 17 * 8
PT_RFLAGS      equ 18 * 8
PT_SS          equ 20 * 8

;; Restore the registers struct pt_regs saved, r15 first (both exits).
%macro POP_PT_REGS 0
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbp
	pop rbx
	pop r11
	pop r10
	pop r9
	pop r8
	pop rax
	pop rcx
	pop rdx
	pop rsi
	pop rdi
%endmacro

section .text
bits 64

syscall_entry:
	swapgs
	mov [gs:PERCPU_USER_RSP], rsp
	mov rsp, [gs:PERCPU_RSP0]
	push qword USER_DS                  ; ss
	push qword [gs:PERCPU_USER_RSP]     ; rsp
	push r11                            ; rflags
	push qword USER_CS                  ; cs
	push rcx                            ; rip
	push rax                            ; orig_rax
	push rdi
	push rsi
	push rdx
	push rcx
	push qword -ENOSYS                  ; rax
	push r8
	push r9
	push r10
	push r11
	push rbx
	push rbp
	push r12
	push r13
	push r14
	push r15
	mov rdi, rsp
	sub rsp, 8                          ; 21 words: realign for the call
	sti
	call syscall_dispatch               ; returns with interrupts off
	add rsp, 8
	jmp syscall_return

; rsp = the struct pt_regs, interrupts off, kernel GS base.
syscall_return:
	mov rcx, [rsp + PT_RIP]
	cmp rcx, [rsp + PT_RCX]
	jne .iret
	mov r11, rcx                        ; canonical: bits 63..47 all equal
	shl r11, 16
	sar r11, 16
	cmp r11, rcx
	jne .iret
	mov r11, [rsp + PT_RFLAGS]
	cmp r11, [rsp + PT_R11]
	jne .iret
	test r11, RFLAGS_TF | RFLAGS_RF
	jnz .iret
	cmp qword [rsp + PT_CS], USER_CS
	jne .iret
	cmp qword [rsp + PT_SS], USER_DS
	jne .iret

	POP_PT_REGS
	mov rsp, [rsp + 4 * 8]              ; past orig_rax, rip, cs, rflags: rsp
	swapgs
	o64 sysret

.iret:
	lock inc qword [rel syscall_iret_returns]
	POP_PT_REGS
	add rsp, 8                          ; orig_rax
	swapgs
	iretq

; user_enter_frame(rip = rdi, rsp = rsi): never returns.
user_enter_frame:
	cli
	mov rsp, [gs:PERCPU_RSP0]
	push qword USER_DS                  ; ss
	push rsi                            ; rsp
	push qword RFLAGS_IF | 2            ; rflags: IF and the reserved bit 1
	push qword USER_CS                  ; cs
	push rdi                            ; rip
	push qword -1                       ; orig_rax: no syscall
	xor eax, eax
	mov ecx, 15                         ; rdi .. r15, all zero ...
.zero:
	push rax
	loop .zero
	mov [rsp + PT_RCX], rdi             ; ... but rcx/r11 as SYSRET wants them
	mov qword [rsp + PT_R11], RFLAGS_IF | 2
	jmp syscall_return

section .data
align 8
syscall_iret_returns: dq 0              ; returns that could not use SYSRET
