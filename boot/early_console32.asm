; SPDX-License-Identifier: MIT
;
; The boot stub's last-resort output, for the errors it finds before the C
; kernel exists (wrong boot magic, no long mode, early exceptions): COM1 at
; 115200 8N1 and the VGA text screen at 0xB8000, white on red. A PC without
; a UART reads 0xFF from its ports, which the waits below treat as "ready",
; so a missing serial port costs nothing.
;
; All routines preserve every register but EAX.

%include "boot/boot.inc"

global early_console_init32, early_puts32, early_put_hex32, early_halt32

section .boot.text
bits 32

early_console_init32:
	push edx
	mov dx, COM1 + 1
	xor al, al
	out dx, al              ; no UART interrupts
	mov dx, COM1 + 3
	mov al, 0x80
	out dx, al              ; DLAB on
	mov dx, COM1 + 0
	mov al, 1
	out dx, al              ; divisor 1: 115200 baud
	mov dx, COM1 + 1
	xor al, al
	out dx, al
	mov dx, COM1 + 3
	mov al, 0x03
	out dx, al              ; 8N1, DLAB off
	mov dx, COM1 + 2
	mov al, 0xC7
	out dx, al              ; FIFOs on and cleared
	pop edx
	mov dword [vga_cursor], 0
	ret

; Print the NUL-terminated string at EAX.
early_puts32:
	push esi
	mov esi, eax
.next:
	lodsb
	test al, al
	jz .done
	call early_putc32
	jmp .next
.done:
	pop esi
	ret

; Print EAX as eight hex digits.
early_put_hex32:
	push ecx
	push edx
	mov edx, eax
	mov ecx, 8
.digit:
	rol edx, 4
	mov eax, edx
	and eax, 0xF
	mov al, [hex_digits + eax]
	call early_putc32
	loop .digit
	pop edx
	pop ecx
	ret

; Print the character in AL on both outputs.
early_putc32:
	push ecx
	push edx
	push edi
	mov ah, al
	mov dx, COM1 + 5
	mov ecx, 100000         ; bounded: a stuck UART must not hang us
.wait:
	in al, dx
	test al, 0x20
	jnz .send
	loop .wait
.send:
	mov dx, COM1
	mov al, ah
	out dx, al
	cmp al, 13
	je .out
	cmp al, 10
	jne .cell
	; newline: move to the next 80-column row
	mov eax, [vga_cursor]
	add eax, 80
	xor edx, edx
	mov ecx, 80
	div ecx
	mul ecx
	mov [vga_cursor], eax
	jmp .out
.cell:
	mov edi, [vga_cursor]
	cmp edi, 80 * 25
	jae .out
	mov byte [VGA_TEXT_PHYS + edi * 2], ah
	mov byte [VGA_TEXT_PHYS + edi * 2 + 1], 0x4F    ; white on red
	inc dword [vga_cursor]
.out:
	pop edi
	pop edx
	pop ecx
	ret

early_halt32:
	cli
.forever:
	hlt
	jmp .forever

hex_digits: db "0123456789abcdef"
align 4
vga_cursor: dd 0       ; written only before paging: fine in the boot section
