// SPDX-License-Identifier: MIT
/*
 * The CPU's memory protection switches. The boot stub turned on NX (when
 * CPUID has it) and CR0.WP; here the kernel adds, where CPUID reports them:
 *   SMEP  the kernel faults when it executes a user page,
 *   SMAP  the kernel faults when it touches a user page outside
 *         copy_from_user/copy_to_user (which will bracket access with
 *         stac/clac),
 *   UMIP  user code cannot read descriptor-table registers (sgdt, sidt...).
 * The boot log says which are on. A CPU without NX (old 64-bit CPUs, or
 * firmware that switched XD off) cannot mark pages non-executable, so W^X
 * cannot be enforced there: one warning line at boot says so, and every
 * other protection (read-only text and rodata, WP, SMEP/SMAP/UMIP, guard
 * pages) stays.
 *
 * Locks: none; boot CPU (each AP repeats this with the SMP issue).
 */
#define pr_fmt(fmt) "mm: " fmt
#include <xdv/cpu.h>
#include <xdv/cpufeature.h>
#include <xdv/printk.h>
#include <xdv/arch/x86.h>
#include "internal.h"

static const char *on_off(bool supported)
{
	return supported ? "on" : "not supported";
}

static uint64_t protection_cr4; /* SMEP/SMAP/UMIP bits the boot CPU set */

void mm_init_ap(void)
{
	paging_pat_init();
	write_cr4(read_cr4() | protection_cr4);
}

void cpu_protection_init(void)
{
	bool smep = cpu_has(X86_FEATURE_SMEP), smap = cpu_has(X86_FEATURE_SMAP);
	bool umip = cpu_has(X86_FEATURE_UMIP);
	uint64_t cr4 = read_cr4();

	if (smep)
		cr4 |= CR4_SMEP;
	if (smap)
		cr4 |= CR4_SMAP;
	if (umip)
		cr4 |= CR4_UMIP;
	write_cr4(cr4);
	trap_entry_clac = smap; /* trap entries close user access (CLAC) */
	protection_cr4 = cr4 & (CR4_SMEP | CR4_SMAP | CR4_UMIP);
	if (!paging_nx_enabled())
		pr_warn("protection: the CPU has no NX (execute disable): W^X is not enforced, "
			"data, stacks and the heap are executable\n");
	pr_info("protection: NX %s, WP %s, SMEP %s, SMAP %s, UMIP %s\n",
		on_off(paging_nx_enabled()), (read_cr0() & CR0_WP) ? "on" : "off",
		on_off(smep), on_off(smap), on_off(umip));
}
