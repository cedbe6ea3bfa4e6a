// SPDX-License-Identifier: MIT
/*
 * Host unit tests for the ELF checker and planner (process/elf_check.c,
 * elf_plan.c). Real executables built at test-build time by
 * make-elf-fixtures.sh (musl-gcc -static, a static PIE, a dynamic one) are
 * planned and the plan is checked field by field against their `readelf
 * -hlW` output; broken images made by elf_builder.c (truncated at every
 * length, overlapping or unsorted segments, kernel addresses, 2^63 sizes,
 * p_filesz > p_memsz, offsets past the file, wrong machine/class/byte
 * order/type, bad e_phentsize, e_phnum 0 or huge, misaligned segments,
 * entry outside the text, PT_INTERP) each give Linux's errno; and a fuzz
 * loop mutates images at random under ASan, checking every accepted plan
 * against the invariants exec relies on.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xdv/errno.h>
#include <xdv/exec.h>
#include "elf_builder.h"
#include "xorshift.h"

#ifndef ELF_FIXTURES
#error "ELF_FIXTURES must name the directory make-elf-fixtures.sh filled"
#endif

static struct elf_fake F;
static struct elf_plan plan;
static struct elf_image img;

static void setup(void)
{
	elf_fake_init(&F);
}

TestSuite(elf, .init = setup);

/* ---- real executables against readelf --------------------------------- */

struct readelf_load {
	uint64_t offset, vaddr, filesz, memsz, align;
	uint32_t flags;
};

struct readelf_facts {
	int type;
	uint64_t entry, phoff;
	unsigned phnum, nloads;
	bool gnu_stack_x, has_interp;
	struct readelf_load load[32];
};

/* The "Flg" column (3 characters before the last field, the alignment). */
static uint32_t readelf_flags(const char *line)
{
	const char *p = strstr(line, "0x"), *q;

	while ((q = strstr(p + 2, "0x")))
		p = q;
	return (p[-4] == 'R' ? PF_R : 0) | (p[-3] == 'W' ? PF_W : 0) | (p[-2] == 'E' ? PF_X : 0);
}

static void readelf_parse(const char *name, struct readelf_facts *rf)
{
	char path[512], line[512];
	FILE *f;

	memset(rf, 0, sizeof(*rf));
	snprintf(path, sizeof(path), "%s/%s.readelf", ELF_FIXTURES, name);
	f = fopen(path, "r");
	cr_assert_not_null(f, "%s", path);
	while (fgets(line, sizeof(line), f)) {
		unsigned long long a, b, c, d, e;
		char *p;

		if (strstr(line, "  Type:"))
			rf->type = strstr(line, "DYN") ? ET_DYN : strstr(line, "EXEC") ? ET_EXEC : -1;
		else if ((p = strstr(line, "Entry point address:")))
			rf->entry = strtoull(p + 20, NULL, 16);
		else if ((p = strstr(line, "Start of program headers:")))
			rf->phoff = strtoull(p + 25, NULL, 10);
		else if ((p = strstr(line, "Number of program headers:")))
			rf->phnum = strtoul(p + 26, NULL, 10);
		else if (strncmp(line, "  INTERP ", 9) == 0)
			rf->has_interp = true;
		else if (strncmp(line, "  GNU_STACK ", 12) == 0)
			rf->gnu_stack_x = readelf_flags(line) & PF_X;
		else if (sscanf(line, " LOAD %llx %llx %*x %llx %llx", &a, &b, &c, &d) == 4) {
			struct readelf_load *l = &rf->load[rf->nloads++];
			char *q;

			p = strstr(line, "0x");
			while ((q = strstr(p + 2, "0x")))
				p = q;
			e = strtoull(p, NULL, 16);
			*l = (struct readelf_load){ a, b, c, d, e, readelf_flags(line) };
		}
	}
	fclose(f);
	cr_assert(rf->nloads > 0, "no LOAD in %s", path);
}

static uint8_t *file_read(const char *name, size_t *size)
{
	char path[512];
	uint8_t *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", ELF_FIXTURES, name);
	f = fopen(path, "rb");
	cr_assert_not_null(f, "%s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n);
	cr_assert(fread(buf, 1, n, f) == (size_t)n);
	fclose(f);
	*size = n;
	return buf;
}

static int plan_file(const char *name, const struct elf_random *rnd, struct elf_plan *p)
{
	size_t size;
	uint8_t *data = file_read(name, &size);
	struct elf_mem m = { .data = data, .size = size };
	struct elf_source src;
	int ret;

	elf_mem_source(&m, &src);
	ret = elf_check_and_plan(&src, rnd, &img, p);
	free(data);
	return ret;
}

/* Every field of the plan against readelf, for a given bias. */
static void check_against_readelf(const struct readelf_facts *rf, const struct elf_plan *p,
				  uint64_t bias)
{
	uint64_t end = 0;

	cr_assert_eq(p->type, rf->type);
	cr_assert_eq(p->load_bias, bias);
	cr_assert_eq(p->entry, rf->entry + bias);
	cr_assert_eq(p->phnum, rf->phnum);
	cr_assert_eq(p->phent, 56);
	cr_assert_eq(p->exec_stack, rf->gnu_stack_x);
	cr_assert_eq(p->nr_segments, rf->nloads);
	for (unsigned i = 0; i < rf->nloads; i++) {
		const struct readelf_load *l = &rf->load[i];
		const struct elf_segment *s = &p->seg[i];
		uint64_t v = l->vaddr + bias;
		uint32_t prot = ((l->flags & PF_R) ? EXEC_PROT_READ : 0) |
				((l->flags & PF_W) ? EXEC_PROT_WRITE : 0) |
				((l->flags & PF_X) ? EXEC_PROT_EXEC : 0);

		cr_assert_eq(s->vaddr, v, "segment %u", i);
		cr_assert_eq(s->prot, prot, "segment %u", i);
		cr_assert_eq(s->filesz, l->filesz);
		cr_assert_eq(s->memsz, l->memsz);
		cr_assert_eq(s->start, v & ~0xfffULL);
		cr_assert_eq(s->file_offset, l->offset & ~0xfffULL);
		cr_assert_eq(s->file_end, (v + l->filesz + 0xfff) & ~0xfffULL);
		cr_assert_eq(s->end, (v + l->memsz + 0xfff) & ~0xfffULL);
		cr_assert_eq(s->zero_start, v + l->filesz);
		if (l->memsz > l->filesz)
			cr_assert_eq(s->zero_end, MIN(s->file_end, v + l->memsz));
		else
			cr_assert_eq(s->zero_end, s->zero_start);
		end = MAX(end, s->end);
		/* the load holding the program headers gives AT_PHDR */
		if (rf->phoff >= l->offset && rf->phoff < l->offset + l->filesz)
			cr_assert_eq(p->phdr_addr, rf->phoff - l->offset + v);
	}
	cr_assert_eq(p->image_end, end);
}

Test(elf, plan_musl_static_matches_readelf)
{
	struct readelf_facts rf;
	struct elf_random rnd = { 0, 0 };

	readelf_parse("static", &rf);
	cr_assert_eq(rf.type, ET_EXEC);
	cr_assert_eq(plan_file("static", &rnd, &plan), 0);
	check_against_readelf(&rf, &plan, 0);
	cr_assert_eq(plan.brk_start, plan.image_end);
	cr_assert_eq(plan.phdr_addr, 0x400040, "musl's ld puts the headers at 0x400040");
}

Test(elf, plan_musl_static_brk_random_page_offset)
{
	struct elf_random rnd = { .load = 12345, .brk = 7 };

	cr_assert_eq(plan_file("static", &rnd, &plan), 0);
	cr_assert_eq(plan.load_bias, 0, "ET_EXEC never moves");
	cr_assert_eq(plan.brk_start, plan.image_end + 7 * 4096);
	rnd.brk = 8192 + 3; /* 32 MiB = 8192 pages: taken modulo */
	cr_assert_eq(plan_file("static", &rnd, &plan), 0);
	cr_assert_eq(plan.brk_start, plan.image_end + 3 * 4096);
}

Test(elf, plan_static_pie_no_random_at_et_dyn_base)
{
	struct readelf_facts rf;

	readelf_parse("static-pie", &rf);
	cr_assert_eq(rf.type, ET_DYN);
	cr_assert_not(rf.has_interp);
	cr_assert_eq(EXEC_ET_DYN_BASE, 0x555555554000ULL, "Linux's x86-64 ELF_ET_DYN_BASE");
	cr_assert_eq(plan_file("static-pie", NULL, &plan), 0);
	check_against_readelf(&rf, &plan, EXEC_ET_DYN_BASE - (rf.load[0].vaddr & ~0xfffULL));
}

Test(elf, plan_static_pie_random_bias_masked_to_28_bits)
{
	struct readelf_facts rf;
	struct elf_random rnd = { .load = (1ULL << 28) + 5, .brk = 0 };

	readelf_parse("static-pie", &rf);
	cr_assert_eq(plan_file("static-pie", &rnd, &plan), 0);
	check_against_readelf(&rf, &plan, EXEC_ET_DYN_BASE + 5 * 4096);
	rnd.load = ~0ULL; /* the highest base: still below TASK_SIZE */
	cr_assert_eq(plan_file("static-pie", &rnd, &plan), 0);
	check_against_readelf(&rf, &plan, EXEC_ET_DYN_BASE + (((1ULL << 28) - 1) << 12));
	cr_assert(plan.brk_start <= EXEC_TASK_SIZE);
}

Test(elf, check_dynamic_executable_enotsup)
{
	struct readelf_facts rf;

	readelf_parse("dynamic", &rf);
	cr_assert(rf.has_interp);
	cr_assert_eq(plan_file("dynamic", NULL, &plan), -ENOTSUP);
}

/* ---- the built image and its mutations -------------------------------- */

Test(elf, plan_fake_exec_layout_exact)
{
	cr_assert_eq(elf_fake_plan(&F, &plan), 0);
	cr_assert_eq(plan.nr_segments, 2);
	cr_assert_eq(plan.entry, 0x400100);
	cr_assert_eq(plan.phdr_addr, 0x400040);
	cr_assert_eq(plan.seg[0].prot, EXEC_PROT_READ | EXEC_PROT_EXEC);
	cr_assert_eq(plan.seg[0].start, 0x400000);
	cr_assert_eq(plan.seg[0].file_end, 0x401000);
	cr_assert_eq(plan.seg[0].end, 0x401000);
	cr_assert_eq(plan.seg[0].zero_start, plan.seg[0].zero_end);
	cr_assert_eq(plan.seg[1].prot, EXEC_PROT_READ | EXEC_PROT_WRITE);
	cr_assert_eq(plan.seg[1].file_offset, 0x1000);
	cr_assert_eq(plan.seg[1].file_end, 0x402000);
	cr_assert_eq(plan.seg[1].zero_start, 0x401100);
	cr_assert_eq(plan.seg[1].zero_end, 0x402000);
	cr_assert_eq(plan.seg[1].end, 0x404000);
	cr_assert_eq(plan.image_end, 0x404000);
	cr_assert_eq(plan.brk_start, 0x404000);
	cr_assert_not(plan.exec_stack);
	cr_assert_not(plan.has_tls);
}

Test(elf, check_truncated_every_length_fails)
{
	uint8_t *bytes = elf_fake_bytes(&F);

	for (size_t len = 0; len < F.size; len++) {
		struct elf_mem m = { .data = bytes, .size = len };
		struct elf_source src;
		int want = len < 64 + 3 * 56 ? -ENOEXEC : -EINVAL;

		elf_mem_source(&m, &src);
		cr_assert_eq(elf_check_and_plan(&src, NULL, &img, &plan), want, "length %zu", len);
	}
	free(bytes);
}

Test(elf, check_bad_magic_enoexec)
{
	F.eh.e_ident[1] = 'e';
	cr_assert_eq(elf_fake_plan(&F, &plan), -ENOEXEC);
}

Test(elf, check_class32_enoexec)
{
	F.eh.e_ident[EI_CLASS] = ELFCLASS32;
	cr_assert_eq(elf_fake_plan(&F, &plan), -ENOEXEC);
}

Test(elf, check_big_endian_enoexec)
{
	F.eh.e_ident[EI_DATA] = ELFDATA2MSB;
	cr_assert_eq(elf_fake_plan(&F, &plan), -ENOEXEC);
}

Test(elf, check_bad_version_enoexec)
{
	F.eh.e_ident[EI_VERSION] = 0;
	cr_assert_eq(elf_fake_plan(&F, &plan), -ENOEXEC);
}

Test(elf, check_wrong_machine_enoexec)
{
	F.eh.e_machine = EM_386;
	cr_assert_eq(elf_fake_plan(&F, &plan), -ENOEXEC);
}

Test(elf, check_relocatable_or_core_enoexec)
{
	F.eh.e_type = ET_REL;
	cr_assert_eq(elf_fake_plan(&F, &plan), -ENOEXEC);
	F.eh.e_type = ET_CORE;
	cr_assert_eq(elf_fake_plan(&F, &plan), -ENOEXEC);
}

Test(elf, check_bad_phentsize_enoexec)
{
	F.eh.e_phentsize = 32;
	cr_assert_eq(elf_fake_plan(&F, &plan), -ENOEXEC);
	F.eh.e_phentsize = 64;
	cr_assert_eq(elf_fake_plan(&F, &plan), -ENOEXEC);
}

Test(elf, check_phnum_zero_enoexec)
{
	F.eh.e_phnum = 0;
	cr_assert_eq(elf_fake_plan(&F, &plan), -ENOEXEC);
}

Test(elf, check_phnum_huge_enoexec)
{
	F.eh.e_phnum = 0xffff;
	F.size = 4 << 20; /* the headers are in the file: only 64 KiB refuses */
	cr_assert_eq(elf_fake_plan(&F, &plan), -ENOEXEC);
	F.eh.e_phnum = 65536 / 56 + 1; /* 1171: 65576 bytes */
	cr_assert_eq(elf_fake_plan(&F, &plan), -ENOEXEC);
}

Test(elf, check_phnum_at_64k_limit_accepted)
{
	F.eh.e_phnum = 65536 / 56; /* 1170: 65520 bytes, the rest PT_NULL */
	F.nph = F.eh.e_phnum;
	F.size = 0x20000;
	F.eh.e_phoff = 0x10000;
	cr_assert_eq(elf_fake_plan(&F, &plan), 0);
	cr_assert_eq(plan.phnum, 1170);
}

Test(elf, check_phoff_past_file_enoexec)
{
	F.eh.e_phoff = 0x10f0;
	cr_assert_eq(elf_fake_plan(&F, &plan), -ENOEXEC);
	F.eh.e_phoff = ~0ULL - 8;
	cr_assert_eq(elf_fake_plan(&F, &plan), -ENOEXEC);
}

Test(elf, check_overlapping_segments_einval)
{
	F.ph[1].p_vaddr = 0x400800;
	F.ph[1].p_offset = 0x800;
	cr_assert_eq(elf_fake_plan(&F, &plan), -EINVAL);
}

Test(elf, check_segments_sharing_a_page_einval)
{
	F.ph[0].p_filesz = F.ph[0].p_memsz = 0x800;
	F.ph[1].p_vaddr = 0x400c00;
	F.ph[1].p_offset = 0xc00;
	cr_assert_eq(elf_fake_plan(&F, &plan), -EINVAL);
}

Test(elf, check_unsorted_segments_einval)
{
	struct elf64_phdr t = F.ph[0];

	F.ph[0] = F.ph[1];
	F.ph[1] = t;
	cr_assert_eq(elf_fake_plan(&F, &plan), -EINVAL);
}

Test(elf, check_segment_at_kernel_address_einval)
{
	F.ph[1].p_vaddr = 0xffffffff80001000ULL;
	cr_assert_eq(elf_fake_plan(&F, &plan), -EINVAL);
}

Test(elf, check_segment_straddling_task_size_einval)
{
	F.ph[1].p_vaddr = EXEC_TASK_SIZE - 0x1000;
	cr_assert_eq(elf_fake_plan(&F, &plan), -EINVAL); /* memsz 0x3000 */
	F.ph[1].p_memsz = 0x1000;                         /* ends exactly at TASK_SIZE */
	cr_assert_eq(elf_fake_plan(&F, &plan), 0);
	cr_assert_eq(plan.brk_start, EXEC_TASK_SIZE, "brk right after the image");
}

Test(elf, check_sizes_2_63_einval)
{
	F.ph[1].p_memsz = 1ULL << 63;
	cr_assert_eq(elf_fake_plan(&F, &plan), -EINVAL);
	F.ph[1].p_filesz = 1ULL << 63;
	cr_assert_eq(elf_fake_plan(&F, &plan), -EINVAL);
	elf_fake_init(&F);
	F.ph[1].p_memsz = ~0ULL;
	cr_assert_eq(elf_fake_plan(&F, &plan), -EINVAL);
}

Test(elf, check_filesz_over_memsz_einval)
{
	F.ph[1].p_memsz = 0x80;
	cr_assert_eq(elf_fake_plan(&F, &plan), -EINVAL);
}

Test(elf, check_offset_past_file_einval)
{
	F.ph[1].p_filesz = 0x101; /* one byte past the end */
	cr_assert_eq(elf_fake_plan(&F, &plan), -EINVAL);
	elf_fake_init(&F);
	F.ph[1].p_offset = ~0ULL & ~0xfffULL; /* offset + filesz wraps */
	F.ph[1].p_vaddr = 0x401000;
	cr_assert_eq(elf_fake_plan(&F, &plan), -EINVAL);
}

Test(elf, check_misaligned_offset_vaddr_einval)
{
	F.ph[1].p_vaddr = 0x401010;
	cr_assert_eq(elf_fake_plan(&F, &plan), -EINVAL);
}

Test(elf, check_align_not_power_of_two_einval)
{
	F.ph[1].p_align = 0x3000;
	cr_assert_eq(elf_fake_plan(&F, &plan), -EINVAL);
	F.ph[1].p_align = 0; /* "no alignment": fine */
	cr_assert_eq(elf_fake_plan(&F, &plan), 0);
}

Test(elf, check_entry_outside_text_einval)
{
	F.eh.e_entry = 0x401010; /* in the RW- data */
	cr_assert_eq(elf_fake_plan(&F, &plan), -EINVAL);
	F.eh.e_entry = 0x400000 + 0x1000; /* one past the text */
	cr_assert_eq(elf_fake_plan(&F, &plan), -EINVAL);
	F.eh.e_entry = 0xffffffff80000000ULL;
	cr_assert_eq(elf_fake_plan(&F, &plan), -EINVAL);
	F.eh.e_entry = 0x400fff; /* last text byte */
	cr_assert_eq(elf_fake_plan(&F, &plan), 0);
}

Test(elf, check_no_load_einval)
{
	F.ph[0].p_type = PT_NULL;
	F.ph[1].p_type = PT_NOTE;
	cr_assert_eq(elf_fake_plan(&F, &plan), -EINVAL);
}

Test(elf, check_below_mmap_min_addr_eperm)
{
	F.ph[0].p_vaddr = 0x1000;
	F.ph[1].p_vaddr = 0x2000;
	F.eh.e_entry = 0x1100;
	cr_assert_eq(elf_fake_plan(&F, &plan), -EPERM);
}

Test(elf, check_too_many_loads_enoexec)
{
	F.nph = F.eh.e_phnum = ELF_PLAN_MAX_SEGMENTS + 1;
	F.size = 0x100000;
	for (unsigned i = 1; i < F.nph; i++)
		F.ph[i] = (struct elf64_phdr){ .p_type = PT_LOAD, .p_flags = PF_R,
			.p_offset = i * 0x1000, .p_vaddr = 0x400000 + i * 0x1000,
			.p_filesz = 0x10, .p_memsz = 0x10, .p_align = 0x1000 };
	cr_assert_eq(elf_fake_plan(&F, &plan), -ENOEXEC);
	F.nph = F.eh.e_phnum = ELF_PLAN_MAX_SEGMENTS; /* exactly the cap: fine */
	cr_assert_eq(elf_fake_plan(&F, &plan), 0);
	cr_assert_eq(plan.nr_segments, ELF_PLAN_MAX_SEGMENTS);
}

Test(elf, check_empty_load_skipped)
{
	F.nph = F.eh.e_phnum = 4;
	F.ph[3] = (struct elf64_phdr){ .p_type = PT_LOAD, .p_vaddr = 0x500000,
		.p_offset = 0, .p_align = 0x1000 };
	cr_assert_eq(elf_fake_plan(&F, &plan), 0);
	cr_assert_eq(plan.nr_segments, 2);
}

Test(elf, check_interp_valid_enotsup_malformed_enoexec)
{
	static const char name[] = "/lib/ld-musl-x86_64.so.1";

	F.nph = F.eh.e_phnum = 4;
	F.ph[3] = F.ph[2];
	F.ph[2] = (struct elf64_phdr){ .p_type = PT_INTERP, .p_flags = PF_R,
		.p_offset = 0x200, .p_filesz = sizeof(name) };
	F.interp = name;
	F.interp_len = sizeof(name);
	cr_assert_eq(elf_fake_plan(&F, &plan), -ENOTSUP);
	F.interp_len = sizeof(name) - 1; /* no NUL: the file's own byte is there */
	cr_assert_eq(elf_fake_plan(&F, &plan), -ENOEXEC);
	F.ph[2].p_filesz = 1;
	cr_assert_eq(elf_fake_plan(&F, &plan), -ENOEXEC);
	F.ph[2].p_filesz = 4097;
	cr_assert_eq(elf_fake_plan(&F, &plan), -ENOEXEC);
	F.ph[2].p_filesz = sizeof(name);
	F.ph[2].p_offset = 0x1100 - 4; /* past the end */
	cr_assert_eq(elf_fake_plan(&F, &plan), -ENOEXEC);
}

Test(elf, check_gnu_stack_x_and_tls_reported)
{
	F.ph[2].p_flags = PF_R | PF_W | PF_X;
	cr_assert_eq(elf_fake_plan(&F, &plan), 0);
	cr_assert(plan.exec_stack);
	F.ph[2].p_type = PT_TLS;
	cr_assert_eq(elf_fake_plan(&F, &plan), 0);
	cr_assert_not(plan.exec_stack, "no PT_GNU_STACK: not executable on x86-64");
	cr_assert(plan.has_tls);
}

Test(elf, plan_pt_phdr_gives_at_phdr)
{
	F.nph = F.eh.e_phnum = 4;
	F.eh.e_phoff = 0x800; /* the table elsewhere in the text... */
	F.ph[3] = (struct elf64_phdr){ .p_type = PT_PHDR, .p_flags = PF_R,
		.p_offset = 0x800, .p_vaddr = 0x400800, .p_filesz = 4 * 56, .p_memsz = 4 * 56 };
	cr_assert_eq(elf_fake_plan(&F, &plan), 0);
	cr_assert_eq(plan.phdr_addr, 0x400800);
	F.ph[3].p_vaddr = 0x400900; /* PT_PHDR wins when it lies in a load */
	cr_assert_eq(elf_fake_plan(&F, &plan), 0);
	cr_assert_eq(plan.phdr_addr, 0x400900);
}

Test(elf, check_read_error_passed_back)
{
	uint8_t *bytes = elf_fake_bytes(&F);

	for (int n = 1; n <= 4; n++) {
		struct elf_mem m = { .data = bytes, .size = F.size, .fail_at_read = n };
		struct elf_source src;

		elf_mem_source(&m, &src);
		cr_assert_eq(elf_check_and_plan(&src, NULL, &img, &plan), -EIO, "read %d", n);
	}
	free(bytes);
}

Test(elf, plan_dyn_huge_align_or_span_refused)
{
	F.eh.e_type = ET_DYN;
	F.ph[0].p_vaddr = 0;
	F.ph[1].p_vaddr = 0x1000;
	F.eh.e_entry = 0x100;
	cr_assert_eq(elf_fake_plan(&F, &plan), 0);
	cr_assert_eq(plan.load_bias, EXEC_ET_DYN_BASE);
	cr_assert_eq(plan.entry, EXEC_ET_DYN_BASE + 0x100);
	F.ph[0].p_align = 1ULL << 62; /* the base masks down to 0 */
	cr_assert_eq(elf_fake_plan(&F, &plan), -EPERM);
	F.ph[0].p_align = 0x200000; /* 2 MiB: honoured */
	cr_assert_eq(elf_fake_plan(&F, &plan), 0);
	cr_assert_eq(plan.load_bias % 0x200000, 0);
	F.ph[1].p_memsz = 0x400000000000ULL; /* fits unrelocated, not at the base */
	cr_assert_eq(elf_fake_plan(&F, &plan), -EINVAL);
}

/* ---- fuzz -------------------------------------------------------------- */

static void check_plan_invariants(const struct elf_plan *p, size_t file_size)
{
	bool entry_ok = false;

	cr_assert(p->nr_segments >= 1 && p->nr_segments <= ELF_PLAN_MAX_SEGMENTS);
	for (unsigned i = 0; i < p->nr_segments; i++) {
		const struct elf_segment *s = &p->seg[i];

		cr_assert(s->start >= EXEC_MMAP_MIN_ADDR && s->end <= EXEC_TASK_SIZE);
		cr_assert(s->start <= s->file_end && s->file_end <= s->end && s->start < s->end);
		cr_assert(s->start % 4096 == 0 && s->file_end % 4096 == 0 && s->end % 4096 == 0);
		cr_assert(s->file_offset % 4096 == 0);
		if (s->filesz)
			cr_assert(s->file_offset + (s->vaddr + s->filesz - s->start) <= file_size);
		cr_assert(s->zero_start == s->zero_end ||
			  (s->zero_start < s->zero_end && s->zero_end <= s->file_end &&
			   s->zero_start >= s->start));
		cr_assert((s->prot & ~7u) == 0);
		if (i)
			cr_assert(s->start >= p->seg[i - 1].end);
		if ((s->prot & EXEC_PROT_EXEC) && p->entry >= s->vaddr &&
		    p->entry < s->vaddr + s->memsz)
			entry_ok = true;
	}
	cr_assert(entry_ok);
	cr_assert(p->brk_start >= p->image_end && p->brk_start <= EXEC_TASK_SIZE);
}

static void fuzz_one(uint8_t *buf, size_t size, uint64_t *seed)
{
	size_t hdr = MIN(size, (size_t)(64 + 16 * 56));
	unsigned n = 1 + xorshift64star(seed) % 8;
	struct elf_random rnd = { xorshift64star(seed), xorshift64star(seed) };
	struct elf_mem m = { .data = buf, .size = size };
	struct elf_source src;
	int ret;

	for (unsigned i = 0; i < n; i++) {
		size_t at = xorshift64star(seed) % hdr;
		uint64_t r = xorshift64star(seed);

		switch (r % 4) {
		case 0: buf[at] ^= 1u << (r >> 8) % 8; break;
		case 1: buf[at] = r >> 8; break;
		case 2: /* a whole 8-byte field to an edge value */
			if (at + 8 <= hdr) {
				static const uint64_t edge[] = { 0, 1, 0xfff, 0x1000, 1ULL << 63,
					~0ULL, EXEC_TASK_SIZE, EXEC_TASK_SIZE - 0x1000 };
				memcpy(buf + at, &edge[(r >> 8) % ARRAY_SIZE(edge)], 8);
			}
			break;
		default: m.size = xorshift64star(seed) % (size + 1); break;
		}
	}
	elf_mem_source(&m, &src);
	ret = elf_check_and_plan(&src, &rnd, &img, &plan);
	cr_assert(ret == 0 || ret == -ENOEXEC || ret == -EINVAL || ret == -EPERM ||
		  ret == -ENOTSUP, "unexpected %d", ret);
	if (ret == 0)
		check_plan_invariants(&plan, m.size);
}

Test(elf, fuzz_random_mutations_safe)
{
	const char *names[] = { "static", "static-pie", "dynamic" };
	uint64_t seed = 0x5eed0e1f;
	unsigned accepted = 0;

	for (unsigned f = 0; f < 4; f++) {
		size_t size;
		uint8_t *orig = f < 3 ? file_read(names[f], &size) : elf_fake_bytes(&F);
		uint8_t *buf;

		if (f == 3)
			size = F.size;
		buf = malloc(size);
		for (int it = 0; it < 5000; it++) {
			/* an exact-size heap copy: ASan sees any read past the file */
			memcpy(buf, orig, size);
			plan.nr_segments = 0;
			fuzz_one(buf, size, &seed);
			accepted += plan.nr_segments != 0;
		}
		free(buf);
		free(orig);
	}
	cr_assert(accepted > 100, "the mutations must leave some images valid (%u)", accepted);
}
