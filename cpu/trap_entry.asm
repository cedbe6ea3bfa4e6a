; SPDX-License-Identifier: MIT
;
; One entry stub per IDT vector. Each makes the stack look the same (an
; error code slot, filled with 0 by the vectors whose exception pushes
; none, then the vector number), saves every general register into a
; struct trap_frame (include/xdv/cpu.h) and calls trap_dispatch(frame).
;
; GS: in the kernel, the GS base is this CPU's per-CPU area and
; KERNEL_GS_BASE holds the user's GS base; user mode has them the other
; way round, and an entry from user mode swaps them (SWAPGS) first thing.
;
;   Ordinary vectors decide by the interrupted CS: they cannot arrive
;   between SYSCALL and its SWAPGS (interrupts are off there).
;
;   NMI, #MC, #DB and #DF ("paranoid") can arrive anywhere, also between
;   SYSCALL and SWAPGS (kernel CS, user GS) or between SWAPGS and SYSRET
;   (the reverse). They read MSR_GS_BASE instead: the kernel's value is a
;   higher-half address, negative as a signed number; anything else is the
;   user's (Linux's paranoid_entry, for CPUs without FSGSBASE in use: XDV
;   leaves CR4.FSGSBASE off, so user code cannot load a kernel-half GS
;   base; a future arch_prctl(ARCH_SET_GS) must refuse one). They swap on
;   entry only if needed and, on exit, swap back only if they swapped
;   (ebx, callee-saved, remembers it across trap_dispatch).
;
; Nested NMIs: the NMI gate uses an IST stack, so every NMI starts at the
; same stack top. The CPU blocks further NMIs until the next IRET, but
; that can be the IRET of an exception taken inside the NMI handler (a
; page-fault fixup, a breakpoint): a second NMI then lands on the IST top
; and would overwrite the first one's frame. The scheme is Linux's
; (arch/x86/entry/entry_64.S), with this layout from the IST top T down:
;
;   T-8  .. T-40   the hardware's frame (SS, RSP, RFLAGS, CS, RIP): each
;                  NMI overwrites it, so the first one copies it away
;   T-48           scratch for rdx (the nesting check needs a register)
;   T-56           "NMI executing": 1 while the handler runs
;   T-64 .. T-96   the "iret" frame: the outer NMI returns through it
;   T-104.. T-136  the "outermost" frame: a copy of the hardware frame
;   below          vector, error code, registers (struct trap_frame), and
;                  the handler's own stack
;
; A first NMI copies the hardware frame to "outermost", sets "executing",
; copies "outermost" to "iret" and runs the handler. A nested NMI sees
; "executing" (or finds that it interrupted the outer one's exit, which
; runs with DF set and RSP inside this stack) and only rewrites the
; "iret" frame to return to repeat_nmi, then IRETs straight back into
; the outer handler. When the outer one returns through "iret" it lands
; at repeat_nmi, which copies "outermost" to "iret" again and runs the
; handler once more: NMIs are never lost, never run recursively, and the
; frames the outer NMI needs are never overwritten. An NMI that arrives
; while repeat_nmi copies (between repeat_nmi and end_repeat_nmi) just
; returns: the handler is about to run anyway. The handler gets the
; "outermost" copy as its frame; changes to it are not seen on return.

;
; SMAP: every entry clears RFLAGS.AC (CLAC) once SMAP is on (trap_entry_clac,
; set with CR4.SMAP by memory/protect.c), as Linux's ASM_CLAC: the handler
; must not inherit an open user-access window, whether from a copy_*_user
; it interrupted or from user mode, which can set AC itself. IRETQ gives
; the interrupted code its AC back.

global trap_stubs
global trap_stub_size
global repeat_nmi
global end_repeat_nmi
extern trap_dispatch
extern trap_entry_clac

TRAP_STUB_SIZE equ 16
MSR_GS_BASE    equ 0xC0000101
KERNEL_CS      equ 0x08
KERNEL_DS      equ 0x10
RFLAGS_DF      equ 1 << 10
NMI_STACK_SIZE equ 8192                 ; IST_STACK_SIZE, include/xdv/percpu.h

section .text
bits 64

; Vectors whose exception pushes an error code.
%define HAS_ERROR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)
; Vectors that may interrupt any instruction, SWAPGS windows included.
%define PARANOID(v) ((v) == 1 || (v) == 8 || (v) == 18)

%macro CLAC_IF_SMAP 0
	cmp byte [rel trap_entry_clac], 0
	je %%no_smap
	clac
%%no_smap:
%endmacro

%macro PUSH_REGS 0
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
%endmacro

%macro POP_REGS 0
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
%endmacro

; ebx = 1: the GS base was the kernel's already; 0: swapped here.
%macro PARANOID_GS_ENTRY 0
	mov ecx, MSR_GS_BASE
	rdmsr
	mov ebx, 1
	test edx, edx
	js %%kernel_gs
	swapgs
	xor ebx, ebx
%%kernel_gs:
%endmacro

%macro PARANOID_GS_EXIT 0
	test ebx, ebx
	jnz %%no_swapgs
	swapgs
%%no_swapgs:
%endmacro

align TRAP_STUB_SIZE
trap_stubs:
%assign v 0
%rep 256
%if v == 2
	jmp nmi_entry                   ; nothing pushed: see the layout above
%else
%if !HAS_ERROR(v)
	push qword 0
%endif
	push qword v
%if PARANOID(v)
	jmp paranoid_common
%else
	jmp trap_common
%endif
%endif
	align TRAP_STUB_SIZE, db 0xCC
%assign v v + 1
%endrep

trap_common:
	test byte [rsp + 24], 3         ; CS (above vector, error code, RIP)
	jz .from_kernel
	swapgs
.from_kernel:
	PUSH_REGS
	cld
	CLAC_IF_SMAP
	mov rdi, rsp
	call trap_dispatch
	POP_REGS
	add rsp, 16                     ; vector and error code
	test byte [rsp + 8], 3          ; CS
	jz .to_kernel
	swapgs
.to_kernel:
	iretq

paranoid_common:
	PUSH_REGS
	cld
	CLAC_IF_SMAP
	PARANOID_GS_ENTRY
	mov rdi, rsp
	call trap_dispatch
	PARANOID_GS_EXIT
	POP_REGS
	add rsp, 16
	iretq

; rsp = T-40, the hardware frame: RIP at [rsp], CS +8, RFLAGS +16, RSP +24.
nmi_entry:
	push rdx                        ; T-48; now RIP +8, CS +16, RFLAGS +24, RSP +32
	test byte [rsp + 16], 3
	jnz .first_nmi                  ; from user mode: cannot be nested

	; Interrupted repeat_nmi's copying: the handler runs next anyway.
	mov rdx, repeat_nmi
	cmp rdx, [rsp + 8]
	ja .not_in_repeat
	mov rdx, end_repeat_nmi
	cmp rdx, [rsp + 8]
	ja .nested_out
.not_in_repeat:
	cmp qword [rsp - 8], 1          ; "NMI executing"
	je .nested
	; Or the outer NMI's exit: "executing" already cleared, not yet IRET.
	; It runs on this stack with DF set (kernel code never leaves DF set;
	; a user RSP that merely points here came in through CS 3, above).
	lea rdx, [rsp + 6 * 8]          ; T
	cmp [rsp + 4 * 8], rdx
	ja .first_nmi
	sub rdx, NMI_STACK_SIZE
	cmp [rsp + 4 * 8], rdx
	jb .first_nmi
	test byte [rsp + 3 * 8 + 1], RFLAGS_DF >> 8
	jz .first_nmi

.nested:
	; Make the outer NMI return to repeat_nmi, on its stack at "outermost".
	sub rsp, 8                      ; T-56
	lea rdx, [rsp - 10 * 8]         ; T-136
	push qword KERNEL_DS            ; the "iret" frame, T-64 .. T-96
	push rdx
	pushfq
	push qword KERNEL_CS
	mov rdx, repeat_nmi
	push rdx
	add rsp, 6 * 8                  ; back to T-48
.nested_out:
	pop rdx
	iretq                           ; into the outer NMI, which goes on

.first_nmi:
	mov rdx, [rsp]
	push qword 0                    ; "NMI executing" (T-56), set below
	sub rsp, 5 * 8                  ; room for the "iret" frame
%rep 5
	push qword [rsp + 11 * 8]       ; hardware frame -> "outermost"
%endrep
	; Safe from nested NMIs from here on (rsp = T-136).
repeat_nmi:
	mov qword [rsp + 10 * 8], 1     ; "NMI executing"
	add rsp, 10 * 8                 ; T-56
%rep 5
	push qword [rsp - 6 * 8]        ; "outermost" -> "iret"
%endrep
	sub rsp, 5 * 8                  ; T-136
end_repeat_nmi:
	push qword 0                    ; error code
	push qword 2                    ; vector
	PUSH_REGS
	cld
	CLAC_IF_SMAP
	PARANOID_GS_ENTRY
	mov rdi, rsp
	call trap_dispatch
	PARANOID_GS_EXIT
	POP_REGS
	add rsp, 7 * 8                  ; vector, error code, "outermost": T-96
	; Clear "executing", with DF set so that an NMI landing before the
	; IRET still recognizes this exit as nested (see above).
	std
	mov qword [rsp + 5 * 8], 0
	iretq                           ; the "iret" frame: restores DF, leaves the stack

section .rodata
trap_stub_size: dq TRAP_STUB_SIZE
