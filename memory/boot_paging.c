// SPDX-License-Identifier: MIT
/*
 * The page tables the boot stub built (boot/entry32.asm): kernel image in
 * 4 KiB pages with W^X rights, a 4 GiB direct map, and a 1 GiB identity map
 * that exists only to survive the switch to paging. This file removes that
 * identity map and can walk the live tables; the memory issue replaces it
 * with the full page-table code (map/unmap/protect) and a direct map of all
 * RAM.
 *
 * Locks: none; boot only, one CPU.
 */
#include <xdv/mm.h>
#include <xdv/arch/x86.h>

extern uint64_t boot_pml4[512];
extern uint32_t boot_nx_enabled;

bool paging_nx_enabled(void)
{
	return boot_nx_enabled != 0;
}

/* Flush every non-global TLB entry by reloading CR3. */
static void tlb_flush_local(void)
{
	write_cr3(read_cr3());
}

void paging_drop_identity(void)
{
	WRITE_ONCE(boot_pml4[0], 0);
	tlb_flush_local();
}

uint64_t paging_lookup(vaddr_t va, int *level)
{
	const uint64_t *table = phys_to_virt(read_cr3() & PTE_ADDR_MASK);

	for (int lvl = 4; lvl >= 1; lvl--) {
		unsigned index = (va >> (PAGE_SHIFT + 9 * (lvl - 1))) & 511;
		uint64_t entry = table[index];

		if (!(entry & PTE_P))
			return 0;
		if (lvl == 1 || ((lvl == 2 || lvl == 3) && (entry & PTE_PS))) {
			*level = lvl;
			return entry;
		}
		table = phys_to_virt(entry & PTE_ADDR_MASK);
	}
	return 0;
}
