// SPDX-License-Identifier: MIT
/*
 * In-memory ELF images for tests/unit/process/test_elf.c: one valid static
 * executable that each test mutates, serialized with its program headers
 * wherever e_phoff says (bytes that fall outside the file are dropped, so
 * a test can point the headers past the end), and an elf_source over a
 * memory buffer that fails the test on any read outside the file.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <xdv/errno.h>
#include "elf_builder.h"

void elf_fake_init(struct elf_fake *f)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->eh.e_ident, ELFMAG, SELFMAG);
	f->eh.e_ident[EI_CLASS] = ELFCLASS64;
	f->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	f->eh.e_ident[EI_VERSION] = EV_CURRENT;
	f->eh.e_type = ET_EXEC;
	f->eh.e_machine = EM_X86_64;
	f->eh.e_version = EV_CURRENT;
	f->eh.e_entry = 0x400100;
	f->eh.e_phoff = sizeof(struct elf64_ehdr);
	f->eh.e_ehsize = sizeof(struct elf64_ehdr);
	f->eh.e_phentsize = sizeof(struct elf64_phdr);
	f->eh.e_phnum = 3;
	f->nph = 3;
	f->ph[0] = (struct elf64_phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X,
		.p_offset = 0, .p_vaddr = 0x400000, .p_paddr = 0x400000,
		.p_filesz = 0x1000, .p_memsz = 0x1000, .p_align = 0x1000 };
	f->ph[1] = (struct elf64_phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W,
		.p_offset = 0x1000, .p_vaddr = 0x401000, .p_paddr = 0x401000,
		.p_filesz = 0x100, .p_memsz = 0x3000, .p_align = 0x1000 };
	f->ph[2] = (struct elf64_phdr){ .p_type = PT_GNU_STACK, .p_flags = PF_R | PF_W,
		.p_align = 0x10 };
	f->size = 0x1100;
}

static void put(uint8_t *buf, size_t size, uint64_t off, const void *src, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (off + i >= off && off + i < size)
			buf[off + i] = ((const uint8_t *)src)[i];
}

uint8_t *elf_fake_bytes(const struct elf_fake *f)
{
	uint8_t *buf = calloc(1, f->size ? f->size : 1);

	cr_assert_not_null(buf);
	for (size_t i = 0; i < f->size; i++)
		buf[i] = (uint8_t)(i * 7 + 3); /* not zero: zero ranges must come from the plan */
	put(buf, f->size, 0, &f->eh, sizeof(f->eh));
	for (unsigned i = 0; i < f->nph; i++)
		put(buf, f->size, f->eh.e_phoff + (uint64_t)i * sizeof(f->ph[0]), &f->ph[i],
		    sizeof(f->ph[i]));
	for (unsigned i = 0; i < f->nph && f->interp; i++)
		if (f->ph[i].p_type == PT_INTERP)
			put(buf, f->size, f->ph[i].p_offset, f->interp, f->interp_len);
	return buf;
}

static int elf_mem_read(void *priv, uint64_t off, void *buf, size_t len)
{
	struct elf_mem *m = priv;

	cr_assert(len <= m->size && off <= m->size - len,
		  "read of %zu bytes at %#llx outside a %zu-byte file", len,
		  (unsigned long long)off, m->size);
	if (++m->reads == m->fail_at_read)
		return -EIO;
	memcpy(buf, m->data + off, len);
	return 0;
}

void elf_mem_source(struct elf_mem *m, struct elf_source *src)
{
	src->size = m->size;
	src->read = elf_mem_read;
	src->priv = m;
}

int elf_fake_plan(const struct elf_fake *f, struct elf_plan *plan)
{
	uint8_t *bytes = elf_fake_bytes(f);
	struct elf_mem m = { .data = bytes, .size = f->size };
	struct elf_image *img = malloc(sizeof(*img));
	struct elf_source src;
	int ret;

	cr_assert_not_null(img);
	elf_mem_source(&m, &src);
	ret = elf_check_and_plan(&src, NULL, img, plan);
	free(img);
	free(bytes);
	return ret;
}
