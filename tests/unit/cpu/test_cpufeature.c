// SPDX-License-Identifier: MIT
/*
 * Host unit tests for cpu/cpufeature_decode.c: CPUID register values as
 * real (virtual) CPUs return them, decoded into vendor, family/model,
 * brand, feature flags, address sizes, clock leaves and the XCR0 that
 * fpu_init() would enable.
 *
 * The register values of the QEMU models were printed by XDV itself
 * (cpu_cpuid_read) under QEMU 7.2 TCG; the "Turin" ones by a user program
 * on an AMD Zen 5 virtual machine (bhyve). The Intel clock-leaf case is
 * made up, with values of the shape recent Intel CPUs report.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <xdv/cpufeature.h>

/* QEMU -cpu qemu64 (TCG). */
static const struct cpuid_raw qemu64 = {
	.leaf_0 = { 0x0000000d, 0x68747541, 0x444d4163, 0x69746e65 },
	.leaf_1 = { 0x00060fb1, 0x00000800, 0x80002001, 0x078bfbfd },
	.hv_0 = { 0x40000001, 0x54474354, 0x43544743, 0x47435447 },
	.ext_0 = { 0x8000000a, 0x68747541, 0x444d4163, 0x69746e65 },
	.ext_1 = { 0x00060fb1, 0x00000000, 0x00000005, 0x2193fbfd },
	.ext_brand = {
		{ 0x554d4551, 0x72695620, 0x6c617574, 0x55504320 },
		{ 0x72657620, 0x6e6f6973, 0x352e3220, 0x0000002b },
	},
	.ext_8 = { 0x00003028, 0x00000000, 0x00000000, 0x00000000 },
};

/* QEMU -cpu Skylake-Server-v1 (TCG, so without AVX-512). */
static const struct cpuid_raw skylake_server = {
	.leaf_0 = { 0x0000000d, 0x756e6547, 0x6c65746e, 0x49656e69 },
	.leaf_1 = { 0x00050654, 0x00000800, 0xfed83203, 0x078bfbfd },
	.leaf_7 = { 0x00000000, 0x019803a9, 0x00000008, 0x00000000 },
	.leaf_d = { 0x000002e7, 0x00000340, 0x00000a88, 0x00000000 },
	.hv_0 = { 0x40000001, 0x54474354, 0x43544743, 0x47435447 },
	.ext_0 = { 0x80000008, 0x756e6547, 0x6c65746e, 0x49656e69 },
	.ext_1 = { 0x00050654, 0x00000000, 0x00000021, 0x2c100800 },
	.ext_brand = {
		{ 0x65746e49, 0x6558206c, 0x50206e6f, 0x65636f72 },
		{ 0x726f7373, 0x6b532820, 0x6b616c79, 0x00002965 },
	},
	.ext_8 = { 0x00003028, 0x00000000, 0x00000000, 0x00000000 },
};

/* AMD Zen 5 ("Turin") virtual machine under bhyve, with AVX-512. */
static const struct cpuid_raw turin_vm = {
	.leaf_0 = { 0x0000000d, 0x68747541, 0x444d4163, 0x69746e65 },
	.leaf_1 = { 0x00b00f21, 0xfdfe0800, 0xfed83203, 0x178bfbff },
	.leaf_7 = { 0x00000001, 0xf1bb03a9, 0x18005f42, 0x00000110 },
	.leaf_d = { 0x000000e7, 0x00000980, 0x00000980, 0x00000000 },
	.hv_0 = { 0x40000000, 0x76796862, 0x68622065, 0x20657679 },
	.ext_0 = { 0x80000021, 0x68747541, 0x444d4163, 0x69746e65 },
	.ext_1 = { 0x00b00f21, 0x40000000, 0x440001f1, 0x25d3fbff },
	.ext_brand = {
		{ 0x6469784f, 0x69562065, 0x61757472, 0x7554206c },
		{ 0x2d6e6972, 0x656b696c, 0x6f725020, 0x73736563 },
		{ 0x2020726f, 0x20202020, 0x20202020, 0x00202020 },
	},
	.ext_7 = { 0x00000000, 0x00000000, 0x00000000, 0x00000100 },
	.ext_8 = { 0x00003030, 0x20000005, 0x00000000, 0x00000000 },
};

/* The names of all features info has, space-separated, in enum order. */
static const char *feature_list(const struct cpu_info *info)
{
	static char buf[1024];
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned f = 0; f < X86_FEATURE_COUNT; f++)
		if (cpu_info_has(info, f))
			len += snprintf(buf + len, sizeof(buf) - len, "%s%s",
					len ? " " : "", cpu_feature_name(f));
	return buf;
}

Test(cpufeature, decode_qemu64_identity)
{
	struct cpu_info ci;

	cpu_features_decode(&qemu64, &ci);
	cr_expect_str_eq(ci.vendor, "AuthenticAMD");
	cr_expect_str_eq(ci.brand, "QEMU Virtual CPU version 2.5+");
	cr_expect_str_eq(ci.hypervisor, "TCGTCGTCGTCG");
	cr_expect_eq(ci.family, 15);
	cr_expect_eq(ci.model, 107);
	cr_expect_eq(ci.stepping, 1);
	cr_expect_eq(ci.max_leaf, 0xd);
	cr_expect_eq(ci.max_ext_leaf, 0x8000000a);
	cr_expect_eq(ci.phys_addr_bits, 40);
	cr_expect_eq(ci.virt_addr_bits, 48);
}

Test(cpufeature, decode_qemu64_features_without_xsave)
{
	struct cpu_info ci;

	cpu_features_decode(&qemu64, &ci);
	cr_expect_str_eq(feature_list(&ci),
			 "fpu pse tsc msr pae apic pge pat fxsr sse sse2 sse3 hypervisor nx lm");
	cr_expect_eq(ci.xstate_supported, 0);
	cr_expect_eq(cpu_xstate_mask(&ci), 0, "no XSAVE: FXSAVE only");
	cr_expect_eq(ci.tsc_hz, 0);
}

Test(cpufeature, decode_intel_skylake)
{
	struct cpu_info ci;

	cpu_features_decode(&skylake_server, &ci);
	cr_expect_str_eq(ci.vendor, "GenuineIntel");
	cr_expect_str_eq(ci.brand, "Intel Xeon Processor (Skylake)");
	cr_expect_eq(ci.family, 6);
	cr_expect_eq(ci.model, 85);
	cr_expect_eq(ci.stepping, 4);
	cr_expect_str_eq(feature_list(&ci),
			 "fpu pse tsc msr pae apic pge pat fxsr sse sse2 sse3 ssse3 sse4_1 "
			 "sse4_2 xsave osxsave avx rdrand hypervisor fsgsbase avx2 smep "
			 "smap nx pdpe1gb lm");
	cr_expect_eq(ci.xsave_max_size, 2696);
}

Test(cpufeature, xstate_mask_skips_avx512_state_without_avx512f)
{
	struct cpu_info ci;

	cpu_features_decode(&skylake_server, &ci);
	/* The CPU supports the AVX-512 components in XCR0, but has no AVX-512F. */
	cr_expect_eq(ci.xstate_supported, 0x2e7);
	cr_expect_eq(cpu_xstate_mask(&ci), XFEATURE_X87 | XFEATURE_SSE | XFEATURE_AVX);
}

Test(cpufeature, decode_amd_turin_vm)
{
	struct cpu_info ci;

	cpu_features_decode(&turin_vm, &ci);
	cr_expect_str_eq(ci.vendor, "AuthenticAMD");
	cr_expect_str_eq(ci.brand, "Oxide Virtual Turin-like Processor", "trailing spaces trimmed");
	cr_expect_str_eq(ci.hypervisor, "bhyve bhyve");
	cr_expect_eq(ci.family, 26, "0xf + extended family 0xb");
	cr_expect_eq(ci.model, 2);
	cr_expect_eq(ci.stepping, 1);
	cr_expect_eq(ci.phys_addr_bits, 48);
	cr_expect_eq(ci.virt_addr_bits, 48);
	cr_expect_str_eq(feature_list(&ci),
			 "fpu pse tsc msr pae apic pge pat fxsr sse sse2 sse3 ssse3 sse4_1 "
			 "sse4_2 xsave osxsave avx rdrand hypervisor fsgsbase avx2 smep "
			 "avx512f smap nx pdpe1gb lm invariant_tsc");
}

Test(cpufeature, xstate_mask_enables_avx512_when_all_parts_supported)
{
	struct cpu_info ci;

	cpu_features_decode(&turin_vm, &ci);
	cr_expect_eq(ci.xstate_supported, 0xe7);
	cr_expect_eq(ci.xsave_max_size, 2432);
	cr_expect_eq(cpu_xstate_mask(&ci), 0xe7);
}

Test(cpufeature, xstate_mask_needs_all_three_avx512_parts)
{
	struct cpuid_raw raw = turin_vm;
	struct cpu_info ci;

	raw.leaf_d.eax = 0x67; /* Hi16_ZMM (bit 7) missing */
	cpu_features_decode(&raw, &ci);
	cr_expect_eq(cpu_xstate_mask(&ci), 0x07);
}

Test(cpufeature, xstate_mask_is_subset_of_supported)
{
	struct cpuid_raw raw = turin_vm;
	struct cpu_info ci;

	raw.leaf_d.eax = 0x03; /* AVX flag set, but no AVX state in XCR0 */
	cpu_features_decode(&raw, &ci);
	cr_expect(cpu_info_has(&ci, X86_FEATURE_AVX));
	cr_expect_eq(cpu_xstate_mask(&ci), 0x03);
	raw.leaf_d.eax = 0x01; /* not even SSE state: do not use XSAVE */
	cpu_features_decode(&raw, &ci);
	cr_expect_eq(cpu_xstate_mask(&ci), 0);
}

Test(cpufeature, leaves_above_max_are_ignored)
{
	struct cpuid_raw raw = turin_vm;
	struct cpu_info ci;

	raw.leaf_0.eax = 1; /* Intel echoes the highest leaf for higher ones */
	raw.ext_0.eax = 0x80000001;
	cpu_features_decode(&raw, &ci);
	cr_expect(!cpu_info_has(&ci, X86_FEATURE_SMEP));
	cr_expect(!cpu_info_has(&ci, X86_FEATURE_AVX2));
	cr_expect(!cpu_info_has(&ci, X86_FEATURE_INVARIANT_TSC));
	cr_expect(cpu_info_has(&ci, X86_FEATURE_NX));
	cr_expect_str_eq(ci.brand, "");
	cr_expect_eq(ci.phys_addr_bits, 36, "default without leaf 80000008h");
	cr_expect_eq(ci.xstate_supported, 0);
}

Test(cpufeature, no_extended_range_when_leaf_echoes_basic)
{
	struct cpuid_raw raw = qemu64;
	struct cpu_info ci;

	raw.ext_0.eax = 0x0000000d; /* an old CPU answering with basic data */
	cpu_features_decode(&raw, &ci);
	cr_expect_eq(ci.max_ext_leaf, 0);
	cr_expect(!cpu_info_has(&ci, X86_FEATURE_LM));
	cr_expect(!cpu_info_has(&ci, X86_FEATURE_NX));
}

Test(cpufeature, hypervisor_vendor_needs_hypervisor_bit)
{
	struct cpuid_raw raw = qemu64;
	struct cpu_info ci;

	raw.leaf_1.ecx &= ~(1u << 31);
	cpu_features_decode(&raw, &ci);
	cr_expect(!cpu_info_has(&ci, X86_FEATURE_HYPERVISOR));
	cr_expect_str_eq(ci.hypervisor, "");
}

Test(cpufeature, clock_leaves_give_tsc_frequency)
{
	struct cpuid_raw raw = skylake_server;
	struct cpu_info ci;

	raw.leaf_0.eax = 0x16;
	raw.leaf_15 = (struct cpuid_regs){ 2, 200, 38400000, 0 };
	raw.leaf_16 = (struct cpuid_regs){ 3800, 4700, 100, 0 };
	cpu_features_decode(&raw, &ci);
	cr_expect_eq(ci.tsc_ratio_den, 2);
	cr_expect_eq(ci.tsc_ratio_num, 200);
	cr_expect_eq(ci.crystal_hz, 38400000);
	cr_expect_eq(ci.tsc_hz, 3840000000ULL);
	cr_expect_eq(ci.base_mhz, 3800);
	cr_expect_eq(ci.max_mhz, 4700);
	cr_expect_eq(ci.bus_mhz, 100);
}

Test(cpufeature, clock_leaf_without_crystal_gives_no_tsc_hz)
{
	struct cpuid_raw raw = skylake_server;
	struct cpu_info ci;

	raw.leaf_0.eax = 0x15;
	raw.leaf_15 = (struct cpuid_regs){ 2, 176, 0, 0 }; /* Skylake clients: no crystal */
	cpu_features_decode(&raw, &ci);
	cr_expect_eq(ci.tsc_ratio_num, 176);
	cr_expect_eq(ci.tsc_hz, 0);
	cr_expect_eq(ci.base_mhz, 0, "leaf 16h is above the maximum");
}

Test(cpufeature, garbage_strings_print_safely)
{
	struct cpuid_raw raw = qemu64;
	struct cpu_info ci;

	raw.leaf_0.ebx = 0x01ff4142; /* "BA", 0xff, 0x01 (lowest byte first) */
	raw.ext_brand[0].eax = 0x0a0d2020;
	cpu_features_decode(&raw, &ci);
	cr_expect_str_eq(ci.vendor, "BA??enticAMD");
	cr_expect_eq(strlen(ci.vendor), 12);
	for (const char *p = ci.brand; *p; p++)
		cr_expect(*p >= 0x20 && *p <= 0x7e);
}

Test(cpufeature, feature_names_are_complete)
{
	for (unsigned f = 0; f < X86_FEATURE_COUNT; f++)
		cr_expect_str_neq(cpu_feature_name(f), "?", "feature %u has no name", f);
	cr_expect_str_eq(cpu_feature_name(X86_FEATURE_COUNT), "?");
	cr_expect_str_eq(cpu_feature_name(X86_FEATURE_SSE4_2), "sse4_2");
	cr_expect_str_eq(cpu_feature_name(X86_FEATURE_PDPE1GB), "pdpe1gb");
}

Test(cpufeature, out_of_range_feature_is_absent)
{
	struct cpu_info ci;

	cpu_features_decode(&turin_vm, &ci);
	cr_expect(!cpu_info_has(&ci, X86_FEATURE_COUNT));
	cr_expect(!cpu_info_has(&ci, (enum cpu_feature)-1));
}
