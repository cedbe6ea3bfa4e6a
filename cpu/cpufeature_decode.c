// SPDX-License-Identifier: MIT
/*
 * Decoding of CPUID: raw register values in, a struct cpu_info out. This
 * file is pure (no CPUID instruction, no kernel state), so host unit tests
 * run it on the values of real CPUs; cpu/cpufeature.c executes CPUID and
 * keeps the boot CPU's table.
 *
 * Each feature is one bit of one register of one leaf, listed in a table
 * (the Intel SDM vol. 2A "CPUID" and AMD APM vol. 3 appendix E give the
 * bits). A leaf above the maximum the CPU reports is never looked at: Intel
 * CPUs answer such a leaf with the highest basic leaf's data, not zeros.
 *
 * Locks: none (pure).
 */
#include <xdv/cpufeature.h>
#include <xdv/string.h>

enum cpuid_leaf_id {
	LEAF_1,
	LEAF_7,
	LEAF_EXT_1,
	LEAF_EXT_7,
};

enum cpuid_reg_id { REG_EAX, REG_EBX, REG_ECX, REG_EDX };

struct feature_bit {
	const char *name;
	uint8_t leaf;  /* enum cpuid_leaf_id */
	uint8_t reg;   /* enum cpuid_reg_id */
	uint8_t bit;
};

#define FEATURE(f, n, l, r, b) [X86_FEATURE_##f] = { n, LEAF_##l, REG_##r, b }

static const struct feature_bit feature_bits[X86_FEATURE_COUNT] = {
	FEATURE(FPU, "fpu", 1, EDX, 0),
	FEATURE(PSE, "pse", 1, EDX, 3),
	FEATURE(TSC, "tsc", 1, EDX, 4),
	FEATURE(MSR, "msr", 1, EDX, 5),
	FEATURE(PAE, "pae", 1, EDX, 6),
	FEATURE(APIC, "apic", 1, EDX, 9),
	FEATURE(PGE, "pge", 1, EDX, 13),
	FEATURE(PAT, "pat", 1, EDX, 16),
	FEATURE(FXSR, "fxsr", 1, EDX, 24),
	FEATURE(SSE, "sse", 1, EDX, 25),
	FEATURE(SSE2, "sse2", 1, EDX, 26),
	FEATURE(SSE3, "sse3", 1, ECX, 0),
	FEATURE(SSSE3, "ssse3", 1, ECX, 9),
	FEATURE(SSE4_1, "sse4_1", 1, ECX, 19),
	FEATURE(SSE4_2, "sse4_2", 1, ECX, 20),
	FEATURE(PCID, "pcid", 1, ECX, 17),
	FEATURE(X2APIC, "x2apic", 1, ECX, 21),
	FEATURE(TSC_DEADLINE, "tsc_deadline", 1, ECX, 24),
	FEATURE(XSAVE, "xsave", 1, ECX, 26),
	FEATURE(OSXSAVE, "osxsave", 1, ECX, 27),
	FEATURE(AVX, "avx", 1, ECX, 28),
	FEATURE(RDRAND, "rdrand", 1, ECX, 30),
	FEATURE(HYPERVISOR, "hypervisor", 1, ECX, 31),
	FEATURE(FSGSBASE, "fsgsbase", 7, EBX, 0),
	FEATURE(AVX2, "avx2", 7, EBX, 5),
	FEATURE(SMEP, "smep", 7, EBX, 7),
	FEATURE(INVPCID, "invpcid", 7, EBX, 10),
	FEATURE(AVX512F, "avx512f", 7, EBX, 16),
	FEATURE(RDSEED, "rdseed", 7, EBX, 18),
	FEATURE(SMAP, "smap", 7, EBX, 20),
	FEATURE(UMIP, "umip", 7, ECX, 2),
	FEATURE(NX, "nx", EXT_1, EDX, 20),
	FEATURE(PDPE1GB, "pdpe1gb", EXT_1, EDX, 26),
	FEATURE(LM, "lm", EXT_1, EDX, 29),
	FEATURE(INVARIANT_TSC, "invariant_tsc", EXT_7, EDX, 8),
};

static uint32_t reg_of(const struct cpuid_regs *r, unsigned reg)
{
	switch (reg) {
	case REG_EAX: return r->eax;
	case REG_EBX: return r->ebx;
	case REG_ECX: return r->ecx;
	default:      return r->edx;
	}
}

/* The registers of a leaf, or NULL when the CPU does not have that leaf. */
static const struct cpuid_regs *leaf_of(const struct cpuid_raw *raw,
					const struct cpu_info *info, unsigned leaf)
{
	switch (leaf) {
	case LEAF_1:
		return info->max_leaf >= 1 ? &raw->leaf_1 : NULL;
	case LEAF_7:
		return info->max_leaf >= 7 ? &raw->leaf_7 : NULL;
	case LEAF_EXT_1:
		return info->max_ext_leaf >= 0x80000001 ? &raw->ext_1 : NULL;
	case LEAF_EXT_7:
		return info->max_ext_leaf >= 0x80000007 ? &raw->ext_7 : NULL;
	}
	return NULL;
}

/* Copy the 4 bytes of v, lowest first, to dst (CPUID strings are little-endian). */
static void put_le32(char *dst, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		dst[i] = (char)(v >> (8 * i));
}

/* Remove leading and trailing spaces (Intel pads brand strings with them). */
static void trim_spaces(char *s)
{
	size_t len = strlen(s), start = 0;

	while (start < len && s[start] == ' ')
		start++;
	while (len > start && s[len - 1] == ' ')
		len--;
	memmove(s, s + start, len - start);
	s[len - start] = '\0';
}

/* Replace bytes that are not printable ASCII, so a bad string prints safely. */
static void sanitize(char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			*s = '?';
}

static void decode_ident(const struct cpuid_raw *raw, struct cpu_info *out)
{
	out->max_leaf = raw->leaf_0.eax;
	put_le32(out->vendor, raw->leaf_0.ebx);
	put_le32(out->vendor + 4, raw->leaf_0.edx);
	put_le32(out->vendor + 8, raw->leaf_0.ecx);
	out->vendor[12] = '\0';
	sanitize(out->vendor);

	if (out->max_leaf >= 1) {
		uint32_t sig = raw->leaf_1.eax;
		unsigned base_family = (sig >> 8) & 0xf;

		out->family = base_family;
		if (base_family == 0xf)
			out->family += (sig >> 20) & 0xff;
		out->model = (sig >> 4) & 0xf;
		if (base_family == 0x6 || base_family == 0xf)
			out->model |= ((sig >> 16) & 0xf) << 4;
		out->stepping = sig & 0xf;
	}

	/* Without the extended range, leaf 80000000h echoes a basic leaf. */
	if ((raw->ext_0.eax & 0xffff0000u) == 0x80000000u)
		out->max_ext_leaf = raw->ext_0.eax;

	if (out->max_ext_leaf >= 0x80000004) {
		for (unsigned i = 0; i < 3; i++) {
			put_le32(out->brand + 16 * i, raw->ext_brand[i].eax);
			put_le32(out->brand + 16 * i + 4, raw->ext_brand[i].ebx);
			put_le32(out->brand + 16 * i + 8, raw->ext_brand[i].ecx);
			put_le32(out->brand + 16 * i + 12, raw->ext_brand[i].edx);
		}
		out->brand[48] = '\0';
		trim_spaces(out->brand);
		sanitize(out->brand);
	}

	out->phys_addr_bits = 36;
	out->virt_addr_bits = 48;
	if (out->max_ext_leaf >= 0x80000008) {
		unsigned phys = raw->ext_8.eax & 0xff;
		unsigned virt = (raw->ext_8.eax >> 8) & 0xff;

		/* Architectural limits: 52 physical and 57 virtual bits. */
		if (phys >= 32 && phys <= 52)
			out->phys_addr_bits = phys;
		if (virt >= 48 && virt <= 57)
			out->virt_addr_bits = virt;
	}
}

static void decode_clocks(const struct cpuid_raw *raw, struct cpu_info *out)
{
	if (out->max_leaf >= 0x15) {
		out->tsc_ratio_den = raw->leaf_15.eax;
		out->tsc_ratio_num = raw->leaf_15.ebx;
		out->crystal_hz = raw->leaf_15.ecx;
		if (out->tsc_ratio_den && out->tsc_ratio_num && out->crystal_hz)
			out->tsc_hz = (uint64_t)out->crystal_hz * out->tsc_ratio_num /
				      out->tsc_ratio_den;
	}
	if (out->max_leaf >= 0x16) {
		out->base_mhz = raw->leaf_16.eax & 0xffff;
		out->max_mhz = raw->leaf_16.ebx & 0xffff;
		out->bus_mhz = raw->leaf_16.ecx & 0xffff;
	}
}

static void decode_hypervisor(const struct cpuid_raw *raw, struct cpu_info *out)
{
	/* Leaf 40000000h means something only with the hypervisor bit. */
	if (!cpu_info_has(out, X86_FEATURE_HYPERVISOR) || raw->hv_0.eax < 0x40000000u)
		return;
	put_le32(out->hypervisor, raw->hv_0.ebx);
	put_le32(out->hypervisor + 4, raw->hv_0.ecx);
	put_le32(out->hypervisor + 8, raw->hv_0.edx);
	out->hypervisor[12] = '\0';
	trim_spaces(out->hypervisor);
	sanitize(out->hypervisor);
}

void cpu_features_decode(const struct cpuid_raw *raw, struct cpu_info *out)
{
	memset(out, 0, sizeof(*out));
	decode_ident(raw, out);

	for (unsigned f = 0; f < X86_FEATURE_COUNT; f++) {
		const struct feature_bit *fb = &feature_bits[f];
		const struct cpuid_regs *regs = leaf_of(raw, out, fb->leaf);

		if (regs && (reg_of(regs, fb->reg) >> fb->bit) & 1)
			out->features[f / 64] |= 1ULL << (f % 64);
	}

	decode_clocks(raw, out);
	decode_hypervisor(raw, out);

	if (cpu_info_has(out, X86_FEATURE_XSAVE) && out->max_leaf >= 0xd) {
		out->xstate_supported = ((uint64_t)raw->leaf_d.edx << 32) | raw->leaf_d.eax;
		out->xsave_max_size = raw->leaf_d.ecx;
	}
}

bool cpu_info_has(const struct cpu_info *info, enum cpu_feature f)
{
	if ((unsigned)f >= X86_FEATURE_COUNT)
		return false;
	return (info->features[f / 64] >> (f % 64)) & 1;
}

const char *cpu_feature_name(enum cpu_feature f)
{
	if ((unsigned)f >= X86_FEATURE_COUNT || !feature_bits[f].name)
		return "?";
	return feature_bits[f].name;
}

uint64_t cpu_xstate_mask(const struct cpu_info *info)
{
	uint64_t supported = info->xstate_supported;
	uint64_t mask = XFEATURE_X87 | XFEATURE_SSE;

	if (!cpu_info_has(info, X86_FEATURE_XSAVE) || (supported & mask) != mask)
		return 0;
	if (cpu_info_has(info, X86_FEATURE_AVX) && (supported & XFEATURE_AVX))
		mask |= XFEATURE_AVX;
	/* AVX-512 state needs AVX state too, and all three parts together. */
	if ((mask & XFEATURE_AVX) && cpu_info_has(info, X86_FEATURE_AVX512F) &&
	    (supported & XFEATURE_AVX512) == XFEATURE_AVX512)
		mask |= XFEATURE_AVX512;
	return mask;
}
