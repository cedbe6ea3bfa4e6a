// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of the kernel's page tables, read from the live tables
 * (CR3) and proven with real accesses: each segment of the kernel image
 * has exactly its rights (W^X), the identity map is gone, the direct map
 * covers RAM without execute rights, writes to read-only kernel pages and
 * reads of unmapped low memory fault and are recovered through the
 * exception table; and the map/unmap/protect/translate API round-trips
 * for 4 KiB and 2 MiB pages, frees emptied tables, and refuses bad input.
 */
#include <xdv/ktest.h>
#include <xdv/mm.h>
#include <xdv/cpu.h>
#include <xdv/arch/x86.h>
#include <xdv/boot.h>
#include <xdv/errno.h>
#include "internal.h"

extern const char _text_start[], _text_end[], _rodata_start[], _rodata_end[];
extern char _data_start[], _kernel_end[];


/* Check every page of [start, end) for the wanted W and NX bits. */
static void expect_range_rights(struct ktest *t, const void *start, const void *end,
				bool writable, bool executable)
{
	unsigned wrong = 0, pages = 0;

	for (uintptr_t va = (uintptr_t)start; va < (uintptr_t)end; va += PAGE_SIZE) {
		int level = 0;
		uint64_t pte = paging_lookup(va, &level);
		bool nx = pte & PTE_NX;

		pages++;
		if (!pte || level != 1 || !!(pte & PTE_W) != writable ||
		    (paging_nx_enabled() && nx == executable) || (pte & PTE_U))
			wrong++;
	}
	KTEST_EXPECT(t, pages > 0);
	KTEST_EXPECT_EQ(t, wrong, 0);
}

KTEST(boot_paging, text_is_read_execute_only)
{
	expect_range_rights(t, _text_start, _text_end, false, true);
}

KTEST(boot_paging, rodata_is_read_only_and_not_executable)
{
	expect_range_rights(t, _rodata_start, _rodata_end, false, false);
}

KTEST(boot_paging, data_and_bss_are_writable_and_not_executable)
{
	expect_range_rights(t, _data_start, _kernel_end, true, false);
}

KTEST(boot_paging, identity_map_and_page_zero_are_gone)
{
	int level;

	KTEST_EXPECT_EQ(t, paging_lookup(0, &level), 0);
	KTEST_EXPECT_EQ(t, paging_lookup(0x200000, &level), 0);  /* the kernel's load address */
	KTEST_EXPECT_EQ(t, paging_lookup(0xB8000, &level), 0);
}

KTEST(boot_paging, direct_map_covers_ram_without_execute)
{
	paddr_t pa;
	unsigned flags;

	for (unsigned i = 0; i < boot_info.mmap_count; i++) {
		const struct boot_mmap_entry *m = &boot_info.mmap[i];
		paddr_t first = ALIGN_UP(m->base, PAGE_SIZE);
		paddr_t last = ALIGN_DOWN(m->base + m->length, PAGE_SIZE) - PAGE_SIZE;

		if (m->type != BOOT_MMAP_AVAILABLE || last < first)
			continue;
		KTEST_EXPECT_EQ(t, paging_translate((vaddr_t)phys_to_virt(first), &pa, &flags), 0);
		KTEST_EXPECT_EQ(t, pa, first);
		KTEST_EXPECT(t, (flags & VM_WRITE) && !(flags & VM_USER));
		if (paging_nx_enabled())
			KTEST_EXPECT(t, !(flags & VM_EXEC));
		KTEST_EXPECT_EQ(t, paging_translate((vaddr_t)phys_to_virt(last), &pa, &flags), 0);
		KTEST_EXPECT_EQ(t, pa, last);
	}
	/* Nothing is mapped far beyond RAM (the tests boot with <= 8 GiB). */
	KTEST_EXPECT_EQ(t, paging_translate((vaddr_t)phys_to_virt(64ULL << 30), &pa, &flags),
			-ENOENT);
}

KTEST(boot_paging, cr3_holds_the_kernel_tables)
{
	KTEST_EXPECT_EQ(t, read_cr3() & PTE_ADDR_MASK, kernel_root);
}

KTEST(boot_paging, write_protect_is_on)
{
	KTEST_EXPECT(t, read_cr0() & CR0_WP);
}

KTEST(boot_paging, write_to_rodata_faults_and_is_recovered)
{
	static const uint8_t constant = 0x42;
	unsigned long before = trap_fixups_taken;

	KTEST_EXPECT(t, !probe_write_u8((volatile void *)&constant, 0x99));
	KTEST_EXPECT_EQ(t, trap_fixups_taken, before + 1);
	KTEST_EXPECT_EQ(t, trap_last_fixup_vector, X86_EXC_PF);
	KTEST_EXPECT_EQ(t, constant, 0x42);
}

KTEST(boot_paging, write_to_text_faults_and_is_recovered)
{
	volatile uint8_t *code = (volatile uint8_t *)(uintptr_t)_text_start;
	uint8_t first = *code;

	KTEST_EXPECT(t, !probe_write_u8(code, 0xCC));
	KTEST_EXPECT_EQ(t, trap_last_fixup_vector, X86_EXC_PF);
	KTEST_EXPECT_EQ(t, *code, first);
}

KTEST(boot_paging, read_of_unmapped_low_memory_faults_and_is_recovered)
{
	uint8_t v = 0x77;

	KTEST_EXPECT(t, !probe_read_u8((const volatile void *)0x1000, &v));
	KTEST_EXPECT_EQ(t, trap_last_fixup_vector, X86_EXC_PF);
}

KTEST(boot_paging, writable_data_probe_succeeds)
{
	static uint8_t scratch;

	KTEST_EXPECT(t, probe_write_u8(&scratch, 0x5A));
	KTEST_EXPECT_EQ(t, scratch, 0x5A);
}

/* A test address range in the vmalloc area, far above where vmalloc starts. */
#define TEST_VA (VMALLOC_END - (64ULL << 20))

KTEST(paging, map_4k_translate_protect_unmap_round_trip)
{
	paddr_t pa = pmm_alloc_pages(0, GFP_ZERO), got;
	uint64_t tables_before = paging_table_pages();
	unsigned flags;
	uint8_t v;

	if (!KTEST_EXPECT(t, pa != 0))
		return;
	KTEST_EXPECT_EQ(t, paging_map(TEST_VA, pa, PAGE_SIZE, VM_WRITE), 0);
	KTEST_EXPECT_EQ(t, paging_translate(TEST_VA + 0x123, &got, &flags), 0);
	KTEST_EXPECT_EQ(t, got, pa + 0x123);
	/* Execute rights: map_4k_without_vm_exec_is_not_executable. */
	KTEST_EXPECT_EQ(t, flags & (VM_WRITE | VM_LARGE), VM_WRITE);
	/* The same memory through both mappings. */
	KTEST_EXPECT(t, probe_write_u8((void *)(TEST_VA + 7), 0xA7));
	KTEST_EXPECT_EQ(t, ((uint8_t *)phys_to_virt(pa))[7], 0xA7);
	/* Read-only: the write faults; writable again: it works. */
	KTEST_EXPECT_EQ(t, paging_protect(TEST_VA, PAGE_SIZE, 0), 0);
	KTEST_EXPECT(t, !probe_write_u8((void *)(TEST_VA + 7), 0x11));
	KTEST_EXPECT(t, probe_read_u8((void *)(TEST_VA + 7), &v) && v == 0xA7);
	KTEST_EXPECT_EQ(t, paging_protect(TEST_VA, PAGE_SIZE, VM_WRITE), 0);
	KTEST_EXPECT(t, probe_write_u8((void *)(TEST_VA + 7), 0x22));
	/* Unmapped: reads fault, and the tables made for it are freed. */
	KTEST_EXPECT_EQ(t, paging_unmap(TEST_VA, PAGE_SIZE), 0);
	KTEST_EXPECT(t, !probe_read_u8((void *)(TEST_VA + 7), &v));
	KTEST_EXPECT_EQ(t, paging_translate(TEST_VA, &got, &flags), -ENOENT);
	KTEST_EXPECT_EQ(t, paging_table_pages(), tables_before);
	pmm_free_pages(pa, 0);
}

KTEST(paging, map_4k_without_vm_exec_is_not_executable)
{
	paddr_t pa = pmm_alloc_pages(0, 0), got;
	unsigned flags;
	int level;

	if (!paging_nx_enabled()) {
		KTEST_SKIP(t, "CPU without NX: no page can be made non-executable");
		return;
	}
	if (!KTEST_EXPECT(t, pa != 0))
		return;
	KTEST_EXPECT_EQ(t, paging_map(TEST_VA, pa, PAGE_SIZE, VM_WRITE), 0);
	KTEST_EXPECT(t, paging_lookup(TEST_VA, &level) & PTE_NX);
	KTEST_EXPECT_EQ(t, paging_translate(TEST_VA, &got, &flags), 0);
	KTEST_EXPECT(t, !(flags & VM_EXEC));
	KTEST_EXPECT_EQ(t, paging_protect(TEST_VA, PAGE_SIZE, VM_EXEC), 0);
	KTEST_EXPECT(t, !(paging_lookup(TEST_VA, &level) & PTE_NX));
	KTEST_EXPECT_EQ(t, paging_translate(TEST_VA, &got, &flags), 0);
	KTEST_EXPECT(t, flags & VM_EXEC);
	KTEST_EXPECT_EQ(t, paging_unmap(TEST_VA, PAGE_SIZE), 0);
	pmm_free_pages(pa, 0);
}

KTEST(paging, map_2m_then_protect_4k_inside_splits_it)
{
	paddr_t pa = pmm_alloc_pages(9, 0), got;
	uint64_t tables_before = paging_table_pages();
	unsigned flags;

	if (!KTEST_EXPECT(t, pa != 0))
		return;
	KTEST_EXPECT_EQ(t, paging_map(TEST_VA, pa, 2 << 20, VM_WRITE | VM_LARGE), 0);
	KTEST_EXPECT_EQ(t, paging_translate(TEST_VA + 0x12345, &got, &flags), 0);
	KTEST_EXPECT_EQ(t, got, pa + 0x12345);
	KTEST_EXPECT(t, flags & VM_LARGE);
	/* One 4 KiB page read-only in the middle: the 2 MiB page is split. */
	KTEST_EXPECT_EQ(t, paging_protect(TEST_VA + 0x10000, PAGE_SIZE, 0), 0);
	KTEST_EXPECT_EQ(t, paging_translate(TEST_VA + 0x10000, &got, &flags), 0);
	KTEST_EXPECT(t, !(flags & (VM_WRITE | VM_LARGE)));
	KTEST_EXPECT_EQ(t, got, pa + 0x10000);
	KTEST_EXPECT(t, !probe_write_u8((void *)(TEST_VA + 0x10000), 1));
	KTEST_EXPECT(t, probe_write_u8((void *)(TEST_VA + 0x11000), 1));
	KTEST_EXPECT_EQ(t, paging_translate(TEST_VA + 0x1FF000, &got, &flags), 0);
	KTEST_EXPECT_EQ(t, got, pa + 0x1FF000);
	KTEST_EXPECT(t, flags & VM_WRITE);
	/* Unmap half, then the rest: all tables go away again. */
	KTEST_EXPECT_EQ(t, paging_unmap(TEST_VA, 1 << 20), 0);
	KTEST_EXPECT_EQ(t, paging_translate(TEST_VA + 0x100000, &got, &flags), 0);
	KTEST_EXPECT_EQ(t, paging_unmap(TEST_VA + (1 << 20), 1 << 20), 0);
	KTEST_EXPECT_EQ(t, paging_table_pages(), tables_before);
	pmm_free_pages(pa, 9);
}

KTEST(paging, bad_requests_are_refused)
{
	paddr_t pa = pmm_alloc_pages(0, 0);

	if (!KTEST_EXPECT(t, pa != 0))
		return;
	KTEST_EXPECT_EQ(t, paging_map(TEST_VA + 1, pa, PAGE_SIZE, 0), -EINVAL);
	KTEST_EXPECT_EQ(t, paging_map(TEST_VA, pa, 0, 0), -EINVAL);
	KTEST_EXPECT_EQ(t, paging_map(0x0000800000000000ULL, pa, PAGE_SIZE, 0), -EINVAL);
	KTEST_EXPECT_EQ(t, paging_map(TEST_VA, pa, PAGE_SIZE, VM_LARGE), -EINVAL);
	KTEST_EXPECT_EQ(t, paging_map(TEST_VA, pa, PAGE_SIZE, VM_WRITE), 0);
	KTEST_EXPECT_EQ(t, paging_map(TEST_VA, pa, PAGE_SIZE, VM_WRITE), -EEXIST);
	KTEST_EXPECT_EQ(t, paging_protect(TEST_VA, 2 * PAGE_SIZE, 0), -ENOENT);
	KTEST_EXPECT_EQ(t, paging_unmap(TEST_VA, PAGE_SIZE), 0);
	/* The kernel image cannot be mapped over. */
	KTEST_EXPECT_EQ(t, paging_map((vaddr_t)_text_start, pa, PAGE_SIZE, 0), -EEXIST);
	pmm_free_pages(pa, 0);
}

KTEST(paging, jump_into_nx_page_faults_and_is_recovered)
{
	uint8_t *page = vmalloc(PAGE_SIZE);

	if (!KTEST_EXPECT(t, page != NULL))
		return;
	page[0] = 0xC3; /* ret */
	if (paging_nx_enabled())
		KTEST_EXPECT(t, !probe_exec((void (*)(void))page));
	else
		KTEST_SKIP(t, "CPU without NX");
	KTEST_EXPECT_EQ(t, paging_protect((vaddr_t)page, PAGE_SIZE, VM_EXEC), 0);
	KTEST_EXPECT(t, probe_exec((void (*)(void))page));
	vfree(page);
}

KTEST(paging, cpu_protection_matches_cpuid)
{
	uint32_t max, a, b = 0, c = 0, d;

	cpuid(0, 0, &max, &a, &c, &d);
	c = 0;
	if (max >= 7)
		cpuid(7, 0, &a, &b, &c, &d);
	KTEST_EXPECT_EQ(t, !!(read_cr4() & CR4_SMEP), !!(b & (1u << 7)));
	KTEST_EXPECT_EQ(t, !!(read_cr4() & CR4_SMAP), !!(b & (1u << 20)));
	KTEST_EXPECT_EQ(t, !!(read_cr4() & CR4_UMIP), !!(c & (1u << 2)));
}
