// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of cpu/cpufeature.c and cpu/fpu.c on the CPU the kernel
 * runs on: the feature table against a fresh CPUID and against what the
 * boot stub and mm already switched on, the FPU control registers and XCR0
 * against what fpu_init() reports, and RDRAND/RDSEED where advertised.
 */
#include <xdv/cpufeature.h>
#include <xdv/fpu.h>
#include <xdv/ktest.h>
#include <xdv/string.h>
#include <xdv/arch/x86.h>

#define MSR_EFER  0xc0000080
#define EFER_NXE  (1ULL << 11)

KTEST(cpufeature, table_matches_fresh_cpuid)
{
	struct cpuid_raw raw;
	static struct cpu_info fresh;
	const struct cpu_info *ci = cpu_info();

	cpu_cpuid_read(&raw);
	cpu_features_decode(&raw, &fresh);
	KTEST_EXPECT_STREQ(t, ci->vendor, fresh.vendor);
	KTEST_EXPECT_STREQ(t, ci->brand, fresh.brand);
	KTEST_EXPECT_EQ(t, ci->family, fresh.family);
	KTEST_EXPECT_EQ(t, ci->model, fresh.model);
	KTEST_EXPECT_EQ(t, ci->max_leaf, fresh.max_leaf);
	KTEST_EXPECT_EQ(t, ci->phys_addr_bits, fresh.phys_addr_bits);
	/* Bit n of a word is enum cpu_feature 64 * word + n. */
	for (unsigned w = 0; w < CPU_FEATURE_WORDS; w++)
		KTEST_EXPECT_EQ(t, ci->features[w], fresh.features[w]);
}

KTEST(cpufeature, table_agrees_with_cpu_state)
{
	uint32_t a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	KTEST_EXPECT_EQ(t, cpu_has(X86_FEATURE_SSE2), (d >> 26) & 1);
	KTEST_EXPECT_EQ(t, cpu_has(X86_FEATURE_XSAVE), (c >> 26) & 1);
	/* Every x86-64 CPU has these; the kernel runs in long mode. */
	KTEST_EXPECT(t, cpu_has(X86_FEATURE_LM));
	KTEST_EXPECT(t, cpu_has(X86_FEATURE_FPU) && cpu_has(X86_FEATURE_FXSR));
	KTEST_EXPECT(t, cpu_has(X86_FEATURE_PAE) && cpu_has(X86_FEATURE_APIC));
	/* The boot stub sets EFER.NXE exactly when CPUID has NX. */
	KTEST_EXPECT_EQ(t, cpu_has(X86_FEATURE_NX), !!(rdmsr(MSR_EFER) & EFER_NXE));
	/* mm's protection setup sets CR4.SMEP/SMAP exactly when CPUID has them. */
	KTEST_EXPECT_EQ(t, cpu_has(X86_FEATURE_SMEP), !!(read_cr4() & CR4_SMEP));
	KTEST_EXPECT_EQ(t, cpu_has(X86_FEATURE_SMAP), !!(read_cr4() & CR4_SMAP));
	KTEST_EXPECT(t, cpu_info()->vendor[0] != '\0');
	KTEST_EXPECT(t, cpu_info()->virt_addr_bits >= 48);
}

KTEST(fpu, control_registers_allow_sse)
{
	uint64_t cr0 = read_cr0(), cr4 = read_cr4();

	KTEST_EXPECT(t, cr0 & CR0_MP);
	KTEST_EXPECT(t, cr0 & CR0_NE);
	KTEST_EXPECT(t, !(cr0 & CR0_EM));
	KTEST_EXPECT(t, !(cr0 & CR0_TS));
	KTEST_EXPECT(t, cr4 & CR4_OSFXSR);
	KTEST_EXPECT(t, cr4 & CR4_OSXMMEXCPT);
}

KTEST(fpu, xcr0_and_state_size_match_report)
{
	uint64_t want = cpu_xstate_mask(cpu_info());
	uint32_t a, b, c, d;

	KTEST_EXPECT_EQ(t, fpu_uses_xsave(), want != 0);
	if (!fpu_uses_xsave()) {
		KTEST_EXPECT(t, !(read_cr4() & CR4_OSXSAVE));
		KTEST_EXPECT_EQ(t, fpu_state_size(), 512);
		return;
	}
	KTEST_EXPECT(t, read_cr4() & CR4_OSXSAVE);
	KTEST_EXPECT(t, cpu_has(X86_FEATURE_OSXSAVE));
	KTEST_EXPECT_EQ(t, xgetbv(0), fpu_xcr0());
	KTEST_EXPECT_EQ(t, fpu_xcr0(), want);
	KTEST_EXPECT_EQ(t, fpu_xcr0() & ~cpu_info()->xstate_supported, 0);
	KTEST_EXPECT_EQ(t, fpu_xcr0() & (XFEATURE_X87 | XFEATURE_SSE),
			XFEATURE_X87 | XFEATURE_SSE);
	KTEST_EXPECT_EQ(t, !!(fpu_xcr0() & XFEATURE_AVX), cpu_has(X86_FEATURE_AVX));
	cpuid(0xd, 0, &a, &b, &c, &d);
	KTEST_EXPECT_EQ(t, fpu_state_size(), b);
	KTEST_EXPECT(t, fpu_state_size() >= 576 && fpu_state_size() <= c);
}

/* Read n values from a hardware RNG with Intel's 10 retries each. */
static bool hw_rng_read(bool (*read)(uint64_t *v), uint64_t *buf, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		unsigned try = 0;

		while (!read(&buf[i]))
			if (++try == 10)
				return false;
	}
	return true;
}

KTEST(cpufeature, rdrand_works_when_advertised)
{
	uint64_t v[8];

	if (!cpu_has(X86_FEATURE_RDRAND)) {
		KTEST_SKIP(t, "no RDRAND");
		return;
	}
	if (!KTEST_EXPECT(t, hw_rng_read(rdrand64, v, 8)))
		return;
	/* Eight equal 64-bit values from a working RNG: about 2^-448. */
	bool all_equal = true;

	for (unsigned i = 1; i < 8; i++)
		all_equal &= v[i] == v[0];
	KTEST_EXPECT(t, !all_equal);
}

KTEST(cpufeature, rdseed_works_when_advertised)
{
	uint64_t v[2];

	if (!cpu_has(X86_FEATURE_RDSEED)) {
		KTEST_SKIP(t, "no RDSEED");
		return;
	}
	/* RDSEED may run dry for a while: allow many tries in all. */
	bool ok = false;

	for (unsigned i = 0; i < 100 && !ok; i++)
		ok = hw_rng_read(rdseed64, v, 2);
	KTEST_EXPECT(t, ok);
	KTEST_EXPECT(t, !ok || v[0] != v[1]);
}
