; SPDX-License-Identifier: MIT
;
; call_on_stack(stack_top, fn): run fn() on another stack, then come back.
; The tests use it to overflow a guarded kernel stack on purpose; the
; scheduler issue's first switch to a new thread works the same way.

global call_on_stack

section .text
bits 64
call_on_stack:
	push rbp
	mov rbp, rsp
	mov rsp, rdi
	call rsi
	mov rsp, rbp
	pop rbp
	ret
