/* SPDX-License-Identifier: MIT */
/*
 * Makes ELF64 images in memory for the loader's tests: a valid little
 * static executable to start from, which a test then breaks one field at
 * a time (elf_builder.c). Also the read callback over a memory buffer.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <xdv/exec.h>

#define ELF_FAKE_MAX_PH 1200

struct elf_fake {
	struct elf64_ehdr eh;
	unsigned nph;                        /* phdrs written at eh.e_phoff */
	struct elf64_phdr ph[ELF_FAKE_MAX_PH];
	size_t size;                         /* file size */
	const char *interp;                  /* bytes written at the PT_INTERP offset */
	size_t interp_len;
};

/* A valid ET_EXEC: text R-X at 0x400000 (file 0..0x1000, the headers in it),
 * data RW- at 0x401000 (0x100 file bytes, 0x3000 in memory), PT_GNU_STACK
 * RW-; entry 0x400100; file size 0x1100. */
void elf_fake_init(struct elf_fake *f);

/* Serialize f into a new malloc'ed buffer of f->size bytes. */
uint8_t *elf_fake_bytes(const struct elf_fake *f);

/* A memory image for struct elf_source; reads past size fail the test. */
struct elf_mem {
	const uint8_t *data;
	size_t size;
	int fail_at_read; /* >0: that read (1-based) returns -EIO */
	int reads;
};
void elf_mem_source(struct elf_mem *m, struct elf_source *src);

/* Check and plan f (no randomization). Return: elf_check_and_plan()'s answer. */
int elf_fake_plan(const struct elf_fake *f, struct elf_plan *plan);
