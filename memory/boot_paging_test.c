// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of the boot page tables, read from the live tables
 * (CR3) and proven with real accesses: each segment of the kernel image
 * has exactly its rights (W^X), the identity map is gone, and writes to
 * read-only kernel pages and reads of unmapped low memory fault and are
 * recovered through the exception table.
 */
#include <xdv/ktest.h>
#include <xdv/mm.h>
#include <xdv/cpu.h>
#include <xdv/arch/x86.h>

extern const char _text_start[], _text_end[], _rodata_start[], _rodata_end[];
extern char _data_start[], _kernel_end[];

#define CR0_WP (1UL << 16)

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

KTEST(boot_paging, direct_map_covers_low_4_gib_without_execute)
{
	int level = 0;
	uint64_t pte = paging_lookup((vaddr_t)phys_to_virt(0x200000), &level);

	KTEST_EXPECT(t, pte & PTE_P);
	KTEST_EXPECT_EQ(t, pte & PTE_ADDR_MASK & ~0x1FFFFFULL, 0x200000);
	if (paging_nx_enabled())
		KTEST_EXPECT(t, pte & PTE_NX);
	KTEST_EXPECT(t, paging_lookup((vaddr_t)phys_to_virt(0xFFE00000ULL), &level) & PTE_P);
	KTEST_EXPECT_EQ(t, paging_lookup((vaddr_t)phys_to_virt(4ULL << 30), &level), 0);
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
