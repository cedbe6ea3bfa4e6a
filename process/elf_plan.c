// SPDX-License-Identifier: MIT
/*
 * ELF layout: turn an image elf_check() accepted into a plan of mappings
 * the exec syscall carries out. The second half of the ELF loader.
 *
 * ET_EXEC goes where its headers say. ET_DYN without PT_INTERP (a static
 * PIE) goes at EXEC_ET_DYN_BASE (Linux's ELF_ET_DYN_BASE, 2/3 of
 * TASK_SIZE) plus up to 2^28 random pages (arch_mmap_rnd()), aligned to
 * the largest power-of-two p_align, its first segment at that base (Linux
 * does this for programs with an interpreter; for static PIEs newer Linux
 * does the same). The random numbers are inputs, so tests can pin them.
 *
 * Each PT_LOAD becomes: file pages [start, file_end) at file_offset, a
 * zero range for the tail of the last file page past p_filesz (the ELF
 * rule: bytes up to p_memsz read as zero; Linux clears it only in writable
 * segments, XDV in all), and anonymous pages [file_end, end). The rights
 * are p_flags exactly: x86-64 Linux has no READ_IMPLIES_EXEC for 64-bit
 * programs. The brk starts at the page-aligned end of the highest segment
 * plus up to 32 MiB (x86's arch_randomize_brk()).
 *
 * Locking: none; pure computation on the caller's structures.
 */
#include <xdv/errno.h>
#include <xdv/exec.h>
#include <xdv/mm.h>
#include <xdv/string.h>

static uint32_t elf_prot(uint32_t p_flags)
{
	return ((p_flags & PF_R) ? EXEC_PROT_READ : 0) | ((p_flags & PF_W) ? EXEC_PROT_WRITE : 0) |
	       ((p_flags & PF_X) ? EXEC_PROT_EXEC : 0);
}

/* Linux's maximum_alignment(): the largest power-of-two p_align, at least a page. */
static uint64_t elf_max_align(const struct elf_image *img)
{
	uint64_t align = PAGE_SIZE;

	for (unsigned i = 0; i < img->nr_loads; i++)
		align = MAX(align, img->load[i].p_align);
	return align;
}

static uint64_t elf_load_bias(const struct elf_image *img, const struct elf_random *rnd)
{
	uint64_t base = EXEC_ET_DYN_BASE;

	if (img->ehdr.e_type != ET_DYN)
		return 0;
	if (rnd)
		base += (rnd->load & ((1ULL << EXEC_MMAP_RND_BITS) - 1)) << PAGE_SHIFT;
	base &= ~(elf_max_align(img) - 1);
	/* Wraps for a first vaddr above base: caught by elf_plan()'s checks. */
	return ALIGN_DOWN(base - img->load[0].p_vaddr, PAGE_SIZE);
}

static void elf_plan_segment(const struct elf64_phdr *ph, uint64_t bias, struct elf_segment *s)
{
	uint64_t v = ph->p_vaddr + bias;

	s->vaddr = v;
	s->filesz = ph->p_filesz;
	s->memsz = ph->p_memsz;
	s->prot = elf_prot(ph->p_flags);
	s->start = ALIGN_DOWN(v, PAGE_SIZE);
	s->file_offset = ph->p_offset - (v - s->start); /* congruent: page aligned */
	s->file_end = ph->p_filesz ? ALIGN_UP(v + ph->p_filesz, PAGE_SIZE) : s->start;
	s->end = ALIGN_UP(v + ph->p_memsz, PAGE_SIZE);
	s->zero_start = v + ph->p_filesz;
	s->zero_end = MAX(s->zero_start, MIN(s->file_end, v + ph->p_memsz));
}

/* AT_PHDR: PT_PHDR when the table it names is in a load's file bytes, else
 * the load whose file bytes hold e_phoff (Linux 6.1), else the bias. */
static uint64_t elf_phdr_addr(const struct elf_image *img, uint64_t bias)
{
	uint64_t size = (uint64_t)img->ehdr.e_phnum * sizeof(struct elf64_phdr);
	uint64_t off = img->ehdr.e_phoff;

	for (unsigned i = 0; img->has_phdr && i < img->nr_loads; i++) {
		const struct elf64_phdr *ph = &img->load[i];
		uint64_t va = img->phdr.p_vaddr;

		if (va >= ph->p_vaddr && va - ph->p_vaddr <= ph->p_filesz &&
		    size <= ph->p_filesz - (va - ph->p_vaddr))
			return va + bias;
	}
	for (unsigned i = 0; i < img->nr_loads; i++) {
		const struct elf64_phdr *ph = &img->load[i];

		if (off >= ph->p_offset && off - ph->p_offset <= ph->p_filesz &&
		    size <= ph->p_filesz - (off - ph->p_offset))
			return off - ph->p_offset + ph->p_vaddr + bias;
	}
	return bias;
}

/*
 * elf_plan - see include/xdv/exec.h.
 * Context: any; pure. Locks: none.
 */
int elf_plan(const struct elf_image *img, const struct elf_random *rnd, struct elf_plan *out)
{
	uint64_t bias, range;

	memset(out, 0, sizeof(*out));
	if (img->nr_loads == 0)
		return -EINVAL; /* elf_check() cannot pass one: no text for the entry */
	bias = elf_load_bias(img, rnd);
	if (bias > EXEC_TASK_SIZE)
		return -EINVAL;
	for (unsigned i = 0; i < img->nr_loads; i++) {
		const struct elf64_phdr *ph = &img->load[i];

		/* vaddr + memsz <= TASK_SIZE (elf_check) and bias <= TASK_SIZE: no wrap */
		if (ph->p_vaddr + ph->p_memsz + bias > EXEC_TASK_SIZE)
			return -EINVAL;
		if (ALIGN_DOWN(ph->p_vaddr + bias, PAGE_SIZE) < EXEC_MMAP_MIN_ADDR)
			return -EPERM;
		elf_plan_segment(ph, bias, &out->seg[i]);
	}
	out->nr_segments = img->nr_loads;
	out->type = img->ehdr.e_type;
	out->load_bias = bias;
	out->entry = img->ehdr.e_entry + bias;
	out->phdr_addr = elf_phdr_addr(img, bias);
	out->phnum = img->ehdr.e_phnum;
	out->phent = sizeof(struct elf64_phdr);
	out->exec_stack = img->exec_stack;
	out->has_tls = img->has_tls;
	out->image_end = out->seg[out->nr_segments - 1].end; /* loads are sorted */
	out->brk_start = out->image_end;
	/* randomize_page(): the range shrinks rather than leave user space */
	range = MIN(EXEC_BRK_RND_RANGE, EXEC_TASK_SIZE - out->image_end) >> PAGE_SHIFT;
	if (rnd && range)
		out->brk_start += (rnd->brk % range) << PAGE_SHIFT;
	return 0;
}

/*
 * elf_check_and_plan - see include/xdv/exec.h.
 * Context: as elf_check(). Locks: none.
 */
int elf_check_and_plan(const struct elf_source *src, const struct elf_random *rnd,
		       struct elf_image *img, struct elf_plan *out)
{
	int ret = elf_check(src, img);

	if (ret)
		return ret;
	return elf_plan(img, rnd, out);
}
