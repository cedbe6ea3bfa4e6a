// SPDX-License-Identifier: MIT
/*
 * ELF64 checking: is this a file XDV can run, and are its program headers
 * sane? The first half of the ELF loader (elf_plan.c lays the image out;
 * the exec syscall maps it). Everything comes through a read callback and
 * every number read from the file is hostile: sums are checked with
 * subtractions so that none can wrap, and the file is never read past its
 * size.
 *
 * The answers follow Linux's binfmt_elf.c: -ENOEXEC when the header says
 * "not an ELF we run" (magic, class, byte order, machine, type, program
 * header size and count; Linux also gives -ENOEXEC when the headers cannot
 * be read whole), -EINVAL for malformed segments (Linux's answer for a
 * segment whose size or address overflows user space, and what its mmap
 * answers for incongruent offsets). Stricter than Linux, on purpose:
 * segments must be sorted, must not share a page, must lie inside the
 * file, p_align must be 0 or a power of two and the entry must be inside
 * an executable segment (Linux maps such files and lets them fault).
 *
 * PT_INTERP (a dynamic executable) is refused with -ENOTSUP ("Operation
 * not supported") and one log line naming the interpreter: the file is a
 * valid program, so -ENOEXEC would send a shell looking for a script, and
 * -ENOENT (what Linux answers when the interpreter is missing) would hide
 * the reason. A malformed PT_INTERP is -ENOEXEC, as in Linux.
 *
 * Locking: none; the caller owns img and src.
 */
#define pr_fmt(fmt) "elf: " fmt
#include <xdv/errno.h>
#include <xdv/exec.h>
#include <xdv/mm.h>
#include <xdv/printk.h>
#include <xdv/string.h>

#define ELF_PATH_MAX 4096 /* PATH_MAX: the longest PT_INTERP Linux reads */

static bool elf_range_in_file(uint64_t off, uint64_t len, uint64_t size)
{
	return len <= size && off <= size - len;
}

static int elf_check_header(const struct elf64_ehdr *eh, uint64_t size)
{
	uint64_t phsize;

	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		return -ENOEXEC;
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_ident[EI_VERSION] != EV_CURRENT)
		return -ENOEXEC;
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return -ENOEXEC;
	if (eh->e_machine != EM_X86_64)
		return -ENOEXEC;
	if (eh->e_phentsize != sizeof(struct elf64_phdr))
		return -ENOEXEC;
	phsize = (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr);
	if (phsize == 0 || phsize > ELF_PHDRS_MAX_BYTES)
		return -ENOEXEC;
	if (!elf_range_in_file(eh->e_phoff, phsize, size))
		return -ENOEXEC; /* Linux: the short read of the headers */
	return 0;
}

/* PT_INTERP: Linux's checks (2..PATH_MAX bytes, NUL-terminated), then no. */
static int elf_check_interp(const struct elf_source *src, const struct elf64_phdr *ph)
{
	char name[64];
	size_t n;
	int ret;

	if (ph->p_filesz < 2 || ph->p_filesz > ELF_PATH_MAX)
		return -ENOEXEC;
	if (!elf_range_in_file(ph->p_offset, ph->p_filesz, src->size))
		return -ENOEXEC;
	n = MIN(ph->p_filesz, sizeof(name));
	/* Read the tail byte (the NUL) and a prefix for the log line. */
	ret = src->read(src->priv, ph->p_offset + ph->p_filesz - 1, name, 1);
	if (ret)
		return ret;
	if (name[0] != '\0')
		return -ENOEXEC;
	ret = src->read(src->priv, ph->p_offset, name, n);
	if (ret)
		return ret;
	name[n - 1] = '\0';
	pr_info("dynamic executable (interpreter %s%s): not supported yet\n", name,
		ph->p_filesz > sizeof(name) ? "..." : "");
	return -ENOTSUP;
}

static int elf_check_load(const struct elf64_ehdr *eh, const struct elf64_phdr *ph,
			  uint64_t size)
{
	if (ph->p_filesz > ph->p_memsz)
		return -EINVAL;
	if (ph->p_align && (ph->p_align & (ph->p_align - 1)))
		return -EINVAL;
	if ((ph->p_vaddr - ph->p_offset) % PAGE_SIZE)
		return -EINVAL;
	if (!elf_range_in_file(ph->p_offset, ph->p_filesz, size))
		return -EINVAL;
	/* Linux: BAD_ADDR(k) || p_memsz > TASK_SIZE || TASK_SIZE - p_memsz < k */
	if (ph->p_memsz > EXEC_TASK_SIZE || ph->p_vaddr > EXEC_TASK_SIZE - ph->p_memsz)
		return -EINVAL;
	if (eh->e_type == ET_EXEC && ph->p_memsz &&
	    ALIGN_DOWN(ph->p_vaddr, PAGE_SIZE) < EXEC_MMAP_MIN_ADDR)
		return -EPERM;
	return 0;
}

/* Loads sorted by address, none sharing a page with the one before. */
static int elf_check_order(const struct elf64_phdr *prev, const struct elf64_phdr *ph)
{
	uint64_t prev_end = prev->p_vaddr + prev->p_memsz; /* checked: no wrap */

	if (ph->p_vaddr < prev_end)
		return -EINVAL;
	if (ALIGN_DOWN(ph->p_vaddr, PAGE_SIZE) < ALIGN_UP(prev_end, PAGE_SIZE))
		return -EINVAL;
	return 0;
}

static bool elf_entry_in_text(const struct elf_image *img)
{
	uint64_t entry = img->ehdr.e_entry;

	for (unsigned i = 0; i < img->nr_loads; i++) {
		const struct elf64_phdr *ph = &img->load[i];

		if ((ph->p_flags & PF_X) && entry >= ph->p_vaddr &&
		    entry - ph->p_vaddr < ph->p_memsz)
			return true;
	}
	return false;
}

/*
 * elf_check - see include/xdv/exec.h.
 * Context: may sleep if src->read does. Locks: none.
 */
int elf_check(const struct elf_source *src, struct elf_image *img)
{
	struct elf64_ehdr *eh = &img->ehdr;
	struct elf64_phdr ph;
	int ret;

	memset(img, 0, sizeof(*img));
	if (src->size < sizeof(*eh))
		return -ENOEXEC;
	ret = src->read(src->priv, 0, eh, sizeof(*eh));
	if (ret)
		return ret;
	ret = elf_check_header(eh, src->size);
	if (ret)
		return ret;

	for (unsigned i = 0; i < eh->e_phnum; i++) {
		ret = src->read(src->priv, eh->e_phoff + (uint64_t)i * sizeof(ph), &ph, sizeof(ph));
		if (ret)
			return ret;
		switch (ph.p_type) {
		case PT_INTERP:
			return elf_check_interp(src, &ph);
		case PT_GNU_STACK:
			img->exec_stack = ph.p_flags & PF_X;
			break;
		case PT_TLS:
			img->has_tls = true;
			break;
		case PT_PHDR:
			img->has_phdr = true;
			img->phdr = ph;
			break;
		case PT_LOAD:
			ret = elf_check_load(eh, &ph, src->size);
			if (ret)
				return ret;
			if (img->nr_loads && (ret = elf_check_order(&img->load[img->nr_loads - 1], &ph)))
				return ret;
			if (ph.p_memsz == 0)
				break; /* nothing to map; Linux maps nothing either */
			if (img->nr_loads == ELF_PLAN_MAX_SEGMENTS) {
				pr_info("more than %u PT_LOAD segments\n", ELF_PLAN_MAX_SEGMENTS);
				return -ENOEXEC;
			}
			img->load[img->nr_loads++] = ph;
			break;
		default:
			break;
		}
	}
	if (!elf_entry_in_text(img))
		return -EINVAL;
	return 0;
}
