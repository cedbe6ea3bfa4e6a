// SPDX-License-Identifier: MIT
/*
 * procfs: /proc/cpuinfo in Linux's x86 format, one block per online CPU,
 * and its "flags" line decoded from the raw CPUID bits under Linux's
 * flag names and in Linux's order (its cpufeature words: 1:EDX,
 * 80000001h:EDX, the Linux-defined word, 1:ECX, 80000001h:ECX, 7:EBX,
 * 0Dh.1:EAX, 6:EAX, 7:ECX, 7:EDX), so that programs that look for "avx2"
 * or "sse4_2" there find what the CPU has. Flags Linux derives from its
 * own decisions (rep_good, nopl, pti, ...) are not shown.
 *
 * Locks: none (CPUID and the boot-time cpu_info table).
 */
#include <xdv/arch/x86.h>
#include <xdv/cpufeature.h>
#include <xdv/percpu.h>
#include <xdv/time.h>
#include "internal.h"
#include "procfs.h"

/* Where a flag's bit is: which register of which leaf. */
enum cpu_word {
	W_1_EDX, W_E1_EDX, W_LINUX, W_1_ECX, W_E1_ECX, W_7_EBX, W_D1_EAX, W_6_EAX, W_7_ECX,
	W_7_EDX, W_COUNT
};

static_assert(W_COUNT == ARRAY_SIZE(((struct procfs_cpu_words *)0)->word), "one slot per word");

/* The Linux-defined word: bits XDV computes (numbering its own). */
#define LX_CONSTANT_TSC  0
#define LX_NONSTOP_TSC   1
#define LX_CPUID         2
#define LX_TSC_KNOWN_FREQ 3

static const struct cpu_flag {
	uint8_t word, bit;
	const char *name;
} cpu_flags[] = {
	{ W_1_EDX, 0, "fpu" },       { W_1_EDX, 1, "vme" },      { W_1_EDX, 2, "de" },
	{ W_1_EDX, 3, "pse" },       { W_1_EDX, 4, "tsc" },      { W_1_EDX, 5, "msr" },
	{ W_1_EDX, 6, "pae" },       { W_1_EDX, 7, "mce" },      { W_1_EDX, 8, "cx8" },
	{ W_1_EDX, 9, "apic" },      { W_1_EDX, 11, "sep" },     { W_1_EDX, 12, "mtrr" },
	{ W_1_EDX, 13, "pge" },      { W_1_EDX, 14, "mca" },     { W_1_EDX, 15, "cmov" },
	{ W_1_EDX, 16, "pat" },      { W_1_EDX, 17, "pse36" },   { W_1_EDX, 18, "pn" },
	{ W_1_EDX, 19, "clflush" },  { W_1_EDX, 21, "dts" },     { W_1_EDX, 22, "acpi" },
	{ W_1_EDX, 23, "mmx" },      { W_1_EDX, 24, "fxsr" },    { W_1_EDX, 25, "sse" },
	{ W_1_EDX, 26, "sse2" },     { W_1_EDX, 27, "ss" },      { W_1_EDX, 28, "ht" },
	{ W_1_EDX, 29, "tm" },       { W_1_EDX, 30, "ia64" },    { W_1_EDX, 31, "pbe" },

	{ W_E1_EDX, 11, "syscall" }, { W_E1_EDX, 19, "mp" },     { W_E1_EDX, 20, "nx" },
	{ W_E1_EDX, 22, "mmxext" },  { W_E1_EDX, 25, "fxsr_opt" }, { W_E1_EDX, 26, "pdpe1gb" },
	{ W_E1_EDX, 27, "rdtscp" },  { W_E1_EDX, 29, "lm" },     { W_E1_EDX, 30, "3dnowext" },
	{ W_E1_EDX, 31, "3dnow" },

	{ W_LINUX, LX_CONSTANT_TSC, "constant_tsc" }, { W_LINUX, LX_NONSTOP_TSC, "nonstop_tsc" },
	{ W_LINUX, LX_CPUID, "cpuid" }, { W_LINUX, LX_TSC_KNOWN_FREQ, "tsc_known_freq" },

	{ W_1_ECX, 0, "pni" },       { W_1_ECX, 1, "pclmulqdq" }, { W_1_ECX, 2, "dtes64" },
	{ W_1_ECX, 3, "monitor" },   { W_1_ECX, 4, "ds_cpl" },   { W_1_ECX, 5, "vmx" },
	{ W_1_ECX, 6, "smx" },       { W_1_ECX, 7, "est" },      { W_1_ECX, 8, "tm2" },
	{ W_1_ECX, 9, "ssse3" },     { W_1_ECX, 10, "cid" },     { W_1_ECX, 11, "sdbg" },
	{ W_1_ECX, 12, "fma" },      { W_1_ECX, 13, "cx16" },    { W_1_ECX, 14, "xtpr" },
	{ W_1_ECX, 15, "pdcm" },     { W_1_ECX, 17, "pcid" },    { W_1_ECX, 18, "dca" },
	{ W_1_ECX, 19, "sse4_1" },   { W_1_ECX, 20, "sse4_2" },  { W_1_ECX, 21, "x2apic" },
	{ W_1_ECX, 22, "movbe" },    { W_1_ECX, 23, "popcnt" },
	{ W_1_ECX, 24, "tsc_deadline_timer" }, { W_1_ECX, 25, "aes" },
	{ W_1_ECX, 26, "xsave" },    /* 27 OSXSAVE: no name in Linux's list */
	{ W_1_ECX, 28, "avx" },      { W_1_ECX, 29, "f16c" },    { W_1_ECX, 30, "rdrand" },
	{ W_1_ECX, 31, "hypervisor" },

	{ W_E1_ECX, 0, "lahf_lm" },  { W_E1_ECX, 1, "cmp_legacy" }, { W_E1_ECX, 2, "svm" },
	{ W_E1_ECX, 3, "extapic" },  { W_E1_ECX, 4, "cr8_legacy" }, { W_E1_ECX, 5, "abm" },
	{ W_E1_ECX, 6, "sse4a" },    { W_E1_ECX, 7, "misalignsse" },
	{ W_E1_ECX, 8, "3dnowprefetch" }, { W_E1_ECX, 9, "osvw" }, { W_E1_ECX, 10, "ibs" },
	{ W_E1_ECX, 11, "xop" },     { W_E1_ECX, 12, "skinit" }, { W_E1_ECX, 13, "wdt" },
	{ W_E1_ECX, 15, "lwp" },     { W_E1_ECX, 16, "fma4" },   { W_E1_ECX, 17, "tce" },
	{ W_E1_ECX, 19, "nodeid_msr" }, { W_E1_ECX, 21, "tbm" }, { W_E1_ECX, 22, "topoext" },
	{ W_E1_ECX, 23, "perfctr_core" }, { W_E1_ECX, 24, "perfctr_nb" },
	{ W_E1_ECX, 26, "bpext" },   { W_E1_ECX, 27, "ptsc" },   { W_E1_ECX, 28, "perfctr_llc" },
	{ W_E1_ECX, 29, "mwaitx" },

	{ W_7_EBX, 0, "fsgsbase" },  { W_7_EBX, 1, "tsc_adjust" }, { W_7_EBX, 2, "sgx" },
	{ W_7_EBX, 3, "bmi1" },      { W_7_EBX, 4, "hle" },      { W_7_EBX, 5, "avx2" },
	{ W_7_EBX, 7, "smep" },      { W_7_EBX, 8, "bmi2" },     { W_7_EBX, 9, "erms" },
	{ W_7_EBX, 10, "invpcid" },  { W_7_EBX, 11, "rtm" },     { W_7_EBX, 12, "cqm" },
	{ W_7_EBX, 14, "mpx" },      { W_7_EBX, 15, "rdt_a" },   { W_7_EBX, 16, "avx512f" },
	{ W_7_EBX, 17, "avx512dq" }, { W_7_EBX, 18, "rdseed" },  { W_7_EBX, 19, "adx" },
	{ W_7_EBX, 20, "smap" },     { W_7_EBX, 21, "avx512ifma" }, { W_7_EBX, 23, "clflushopt" },
	{ W_7_EBX, 24, "clwb" },     { W_7_EBX, 25, "intel_pt" }, { W_7_EBX, 26, "avx512pf" },
	{ W_7_EBX, 27, "avx512er" }, { W_7_EBX, 28, "avx512cd" }, { W_7_EBX, 29, "sha_ni" },
	{ W_7_EBX, 30, "avx512bw" }, { W_7_EBX, 31, "avx512vl" },

	{ W_D1_EAX, 0, "xsaveopt" }, { W_D1_EAX, 1, "xsavec" },  { W_D1_EAX, 2, "xgetbv1" },
	{ W_D1_EAX, 3, "xsaves" },

	{ W_6_EAX, 0, "dtherm" },    { W_6_EAX, 1, "ida" },      { W_6_EAX, 2, "arat" },
	{ W_6_EAX, 4, "pln" },       { W_6_EAX, 6, "pts" },

	{ W_7_ECX, 1, "avx512vbmi" }, { W_7_ECX, 2, "umip" },    { W_7_ECX, 3, "pku" },
	{ W_7_ECX, 4, "ospke" },     { W_7_ECX, 5, "waitpkg" },  { W_7_ECX, 6, "avx512_vbmi2" },
	{ W_7_ECX, 8, "gfni" },      { W_7_ECX, 9, "vaes" },     { W_7_ECX, 10, "vpclmulqdq" },
	{ W_7_ECX, 11, "avx512_vnni" }, { W_7_ECX, 12, "avx512_bitalg" }, { W_7_ECX, 13, "tme" },
	{ W_7_ECX, 14, "avx512_vpopcntdq" }, { W_7_ECX, 16, "la57" }, { W_7_ECX, 22, "rdpid" },
	{ W_7_ECX, 24, "bus_lock_detect" }, { W_7_ECX, 25, "cldemote" },
	{ W_7_ECX, 27, "movdiri" },  { W_7_ECX, 28, "movdir64b" }, { W_7_ECX, 29, "enqcmd" },
	{ W_7_ECX, 30, "sgx_lc" },

	{ W_7_EDX, 2, "avx512_4vnniw" }, { W_7_EDX, 3, "avx512_4fmaps" }, { W_7_EDX, 4, "fsrm" },
	{ W_7_EDX, 8, "avx512_vp2intersect" }, { W_7_EDX, 10, "md_clear" },
	{ W_7_EDX, 14, "serialize" }, { W_7_EDX, 16, "tsxldtrk" }, { W_7_EDX, 18, "pconfig" },
	{ W_7_EDX, 19, "arch_lbr" }, { W_7_EDX, 22, "amx_bf16" }, { W_7_EDX, 23, "avx512_fp16" },
	{ W_7_EDX, 24, "amx_tile" }, { W_7_EDX, 25, "amx_int8" }, { W_7_EDX, 28, "flush_l1d" },
	{ W_7_EDX, 29, "arch_capabilities" },
};

void procfs_cpu_flags(struct seq_buf *m, const struct procfs_cpu_words *w)
{
	for (size_t i = 0; i < ARRAY_SIZE(cpu_flags); i++) {
		if (w->word[cpu_flags[i].word] & (1u << cpu_flags[i].bit))
			seq_printf(m, " %s", cpu_flags[i].name);
	}
}

/* The words of the boot CPU (CPUID executed now, on this CPU). */
static void cpu_words_read(const struct cpu_info *info, struct procfs_cpu_words *w)
{
	struct cpuid_raw raw;
	uint32_t a, b, c, d;

	cpu_cpuid_read(&raw);
	*w = (struct procfs_cpu_words){ 0 };
	w->word[W_1_EDX] = raw.leaf_1.edx;
	w->word[W_1_ECX] = raw.leaf_1.ecx;
	w->word[W_E1_EDX] = raw.ext_1.edx;
	w->word[W_E1_ECX] = raw.ext_1.ecx;
	w->word[W_7_EBX] = raw.leaf_7.ebx;
	w->word[W_7_ECX] = raw.leaf_7.ecx;
	w->word[W_7_EDX] = raw.leaf_7.edx;
	if (info->max_leaf >= 0xd) {
		cpuid(0xd, 1, &a, &b, &c, &d);
		w->word[W_D1_EAX] = a;
	}
	if (info->max_leaf >= 6) {
		cpuid(6, 0, &a, &b, &c, &d);
		w->word[W_6_EAX] = a;
	}
	w->word[W_LINUX] = 1u << LX_CPUID;
	if (cpu_info_has(info, X86_FEATURE_INVARIANT_TSC))
		w->word[W_LINUX] |= 1u << LX_CONSTANT_TSC | 1u << LX_NONSTOP_TSC;
	if (info->tsc_hz)
		w->word[W_LINUX] |= 1u << LX_TSC_KNOWN_FREQ;
}

/* The cache size Linux shows: L2 from CPUID 80000006h (its fallback on
 * every vendor), in KB; 0 when the CPU does not say. */
static unsigned cpu_cache_kb(const struct cpu_info *info)
{
	uint32_t a, b, c, d;

	if (info->max_ext_leaf < 0x80000006u)
		return 0;
	cpuid(0x80000006u, 0, &a, &b, &c, &d);
	return c >> 16;
}

int procfs_show_cpuinfo(struct seq_buf *m, struct process *p)
{
	const struct cpu_info *info = cpu_info();
	uint64_t khz = time_tsc_khz();
	/* BogoMIPS as Linux computes it from the TSC: 2 * MHz. */
	uint64_t bogo = khz * 2 / 10; /* hundredths */
	unsigned cache_kb = cpu_cache_kb(info);
	struct procfs_cpu_words words;
	/* CLFLUSH line size: CPUID 1 EBX[15:8] in 8-byte units (64 if unset). */
	unsigned clflush;

	cpu_words_read(info, &words);
	{
		uint32_t a, b, c, d;

		cpuid(1, 0, &a, &b, &c, &d);
		clflush = ((b >> 8) & 0xFF) ? ((b >> 8) & 0xFF) * 8 : 64;
	}
	for (unsigned cpu = 0; cpu < nr_cpus; cpu++) {
		const struct percpu *pc = cpu_areas[cpu];

		if (!pc || !pc->online)
			continue;
		seq_printf(m, "processor\t: %u\n", cpu);
		seq_printf(m, "vendor_id\t: %s\n", info->vendor[0] ? info->vendor : "unknown");
		seq_printf(m, "cpu family\t: %u\n", info->family);
		seq_printf(m, "model\t\t: %u\n", info->model);
		seq_printf(m, "model name\t: %s\n", info->brand[0] ? info->brand : "unknown");
		seq_printf(m, "stepping\t: %u\n", info->stepping);
		if (khz)
			seq_printf(m, "cpu MHz\t\t: %llu.%03llu\n", (unsigned long long)(khz / 1000),
				   (unsigned long long)(khz % 1000));
		if (cache_kb)
			seq_printf(m, "cache size\t: %u KB\n", cache_kb);
		seq_printf(m, "physical id\t: 0\n");
		seq_printf(m, "siblings\t: %u\n", nr_cpus);
		seq_printf(m, "core id\t\t: %u\n", cpu);
		seq_printf(m, "cpu cores\t: %u\n", nr_cpus);
		seq_printf(m, "apicid\t\t: %u\n", pc->apic_id);
		seq_printf(m, "initial apicid\t: %u\n", pc->apic_id);
		seq_printf(m, "fpu\t\t: %s\n", cpu_info_has(info, X86_FEATURE_FPU) ? "yes" : "no");
		seq_printf(m, "fpu_exception\t: %s\n",
			   cpu_info_has(info, X86_FEATURE_FPU) ? "yes" : "no");
		seq_printf(m, "cpuid level\t: %u\n", info->max_leaf);
		seq_printf(m, "wp\t\t: yes\n");
		seq_puts(m, "flags\t\t:");
		procfs_cpu_flags(m, &words);
		seq_putc(m, '\n');
		seq_printf(m, "bogomips\t: %llu.%02llu\n", (unsigned long long)(bogo / 100),
			   (unsigned long long)(bogo % 100));
		seq_printf(m, "clflush size\t: %u\n", clflush);
		seq_printf(m, "cache_alignment\t: %u\n", clflush);
		seq_printf(m, "address sizes\t: %u bits physical, %u bits virtual\n",
			   info->phys_addr_bits, info->virt_addr_bits);
		seq_puts(m, "power management:\n\n");
	}
	return 0;
}
