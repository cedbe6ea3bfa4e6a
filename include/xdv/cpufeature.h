/* SPDX-License-Identifier: MIT */
/*
 * CPU identification: what CPUID says about the processor, read once at
 * boot into a table (cpu/cpufeature.c) and asked with cpu_has().
 *
 * The decoding of raw CPUID register values (cpu/cpufeature_decode.c) is a
 * pure function, so host unit tests feed it the values of real CPUs; only
 * cpu_features_init() executes the instruction.
 */
#pragma once

#include <xdv/compiler.h>

/* Features XDV asks about; most names are the flags of Linux /proc/cpuinfo. */
enum cpu_feature {
	X86_FEATURE_FPU,
	X86_FEATURE_PSE,
	X86_FEATURE_TSC,
	X86_FEATURE_MSR,
	X86_FEATURE_PAE,
	X86_FEATURE_APIC,
	X86_FEATURE_PGE,
	X86_FEATURE_PAT,
	X86_FEATURE_FXSR,
	X86_FEATURE_SSE,
	X86_FEATURE_SSE2,
	X86_FEATURE_SSE3,
	X86_FEATURE_SSSE3,
	X86_FEATURE_SSE4_1,
	X86_FEATURE_SSE4_2,
	X86_FEATURE_PCID,
	X86_FEATURE_X2APIC,
	X86_FEATURE_TSC_DEADLINE,
	X86_FEATURE_XSAVE,
	X86_FEATURE_OSXSAVE, /* CR4.OSXSAVE is set (changes when fpu_init runs) */
	X86_FEATURE_AVX,
	X86_FEATURE_RDRAND,
	X86_FEATURE_HYPERVISOR, /* running under a hypervisor (CPUID.1:ECX[31]) */
	X86_FEATURE_FSGSBASE,
	X86_FEATURE_AVX2,
	X86_FEATURE_SMEP,
	X86_FEATURE_INVPCID,
	X86_FEATURE_AVX512F,
	X86_FEATURE_RDSEED,
	X86_FEATURE_SMAP,
	X86_FEATURE_UMIP,
	X86_FEATURE_NX,
	X86_FEATURE_PDPE1GB,
	X86_FEATURE_LM,
	X86_FEATURE_INVARIANT_TSC, /* CPUID.80000007h:EDX[8] */
	X86_FEATURE_COUNT
};

/* XSAVE state components (bits of XCR0). */
#define XFEATURE_X87       (1ULL << 0)
#define XFEATURE_SSE       (1ULL << 1)
#define XFEATURE_AVX       (1ULL << 2)
#define XFEATURE_OPMASK    (1ULL << 5) /* AVX-512 k0-k7 */
#define XFEATURE_ZMM_HI256 (1ULL << 6) /* AVX-512 upper halves of zmm0-15 */
#define XFEATURE_HI16_ZMM  (1ULL << 7) /* AVX-512 zmm16-31 */
#define XFEATURE_AVX512    (XFEATURE_OPMASK | XFEATURE_ZMM_HI256 | XFEATURE_HI16_ZMM)

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

/*
 * The CPUID leaves the decoder reads, as the instruction returned them.
 * Leaves above the maximum that leaf 0 (or 80000000h) reports are ignored
 * by the decoder whatever they hold: leave them zero.
 */
struct cpuid_raw {
	struct cpuid_regs leaf_0;        /* max basic leaf, vendor */
	struct cpuid_regs leaf_1;        /* family/model, feature flags */
	struct cpuid_regs leaf_7;        /* subleaf 0: structured extended flags */
	struct cpuid_regs leaf_d;        /* subleaf 0: XSAVE components */
	struct cpuid_regs leaf_15;       /* TSC / crystal clock ratio */
	struct cpuid_regs leaf_16;       /* processor frequencies (MHz) */
	struct cpuid_regs hv_0;          /* 40000000h: hypervisor vendor */
	struct cpuid_regs ext_0;         /* 80000000h: max extended leaf */
	struct cpuid_regs ext_1;         /* 80000001h: NX, LM, 1 GiB pages */
	struct cpuid_regs ext_brand[3];  /* 80000002h-80000004h: brand string */
	struct cpuid_regs ext_7;         /* 80000007h: invariant TSC */
	struct cpuid_regs ext_8;         /* 80000008h: address sizes */
};

#define CPU_FEATURE_WORDS ((X86_FEATURE_COUNT + 63) / 64)

struct cpu_info {
	char vendor[13];            /* "GenuineIntel", "AuthenticAMD", ... */
	char brand[49];             /* trimmed brand string, "" if none */
	char hypervisor[13];        /* "KVMKVMKVM", "TCGTCGTCGTCG", "" if none */
	uint32_t max_leaf;          /* highest basic leaf */
	uint32_t max_ext_leaf;      /* highest extended leaf (0 if none) */
	unsigned family, model, stepping; /* with the extended fields added in */
	unsigned phys_addr_bits;    /* 36 when the CPU does not say */
	unsigned virt_addr_bits;    /* 48 when the CPU does not say */
	/* Leaf 15h: TSC = crystal * tsc_ratio_num / tsc_ratio_den. */
	uint32_t tsc_ratio_num, tsc_ratio_den;
	uint32_t crystal_hz;        /* 0: the CPU does not say */
	uint64_t tsc_hz;            /* from leaf 15h, 0 if it cannot tell */
	/* Leaf 16h, 0 where not reported. */
	unsigned base_mhz, max_mhz, bus_mhz;
	/* Leaf 0Dh subleaf 0: XCR0 bits the CPU supports, largest area. */
	uint64_t xstate_supported;
	uint32_t xsave_max_size;
	uint64_t features[CPU_FEATURE_WORDS];
};

/*
 * Decode raw CPUID values into out (which is cleared first).
 * Context: any; pure (host unit tests use it).
 */
void cpu_features_decode(const struct cpuid_raw *raw, struct cpu_info *out);

/* True when info has feature f. Context: any; pure. */
bool cpu_info_has(const struct cpu_info *info, enum cpu_feature f);

/* Lower-case name of f ("sse4_2"), or "?" for a value out of range. */
const char *cpu_feature_name(enum cpu_feature f);

/*
 * The XCR0 value XDV enables for info: x87 and SSE, plus AVX when the CPU
 * has it, plus the three AVX-512 components when it has AVX-512F and
 * supports all three; always a subset of info->xstate_supported. 0 when
 * the CPU has no XSAVE (or does not support x87|SSE state through it).
 * Context: any; pure.
 */
uint64_t cpu_xstate_mask(const struct cpu_info *info);

/*
 * Execute CPUID for every leaf struct cpuid_raw holds, on this CPU (leaves
 * beyond the reported maximum are left zero). Context: any.
 */
void cpu_cpuid_read(struct cpuid_raw *raw);

/*
 * Read CPUID into the boot CPU's feature table.
 * Context: boot CPU, once, early (before fpu_init and random_init).
 */
void cpu_features_init(void);

/* Whether the boot CPU has feature f. Context: any, after cpu_features_init. */
bool cpu_has(enum cpu_feature f);

/*
 * Mark f present: for flags CPUID shows only once the kernel has switched
 * them on (OSXSAVE). Context: boot.
 */
void cpu_feature_set(enum cpu_feature f);

/* The boot CPU's table. Context: any, after cpu_features_init. */
const struct cpu_info *cpu_info(void);

/* Print the boot summary (vendor, model, brand; the feature list). */
void cpu_features_print(void);
