// SPDX-License-Identifier: MIT
/*
 * The boot CPU's feature table: cpu_features_init() executes CPUID once,
 * cpu/cpufeature_decode.c turns the registers into a struct cpu_info, and
 * the rest of the kernel asks cpu_has(X86_FEATURE_...) instead of running
 * CPUID itself. XDV assumes all CPUs of a machine have the same features
 * (as Linux does for its boot_cpu_data).
 *
 * Locks: none. The table is written at boot before other CPUs run and is
 * read-only afterwards, except for cpu_feature_set() of flags that only
 * turn on (OSXSAVE), where a racing reader sees either value.
 */
#define pr_fmt(fmt) "cpu: " fmt
#include <xdv/cpufeature.h>
#include <xdv/printk.h>
#include <xdv/arch/x86.h>

static struct cpu_info boot_cpu_info;

static void cpuid_regs(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r)
{
	cpuid(leaf, subleaf, &r->eax, &r->ebx, &r->ecx, &r->edx);
}

void cpu_cpuid_read(struct cpuid_raw *raw)
{
	*raw = (struct cpuid_raw){ 0 };
	cpuid_regs(0, 0, &raw->leaf_0);
	uint32_t max = raw->leaf_0.eax;

	if (max >= 1)
		cpuid_regs(1, 0, &raw->leaf_1);
	if (max >= 7)
		cpuid_regs(7, 0, &raw->leaf_7);
	if (max >= 0xd)
		cpuid_regs(0xd, 0, &raw->leaf_d);
	if (max >= 0x15)
		cpuid_regs(0x15, 0, &raw->leaf_15);
	if (max >= 0x16)
		cpuid_regs(0x16, 0, &raw->leaf_16);
	/* The hypervisor range exists only when CPUID.1:ECX[31] says so. */
	if (max >= 1 && (raw->leaf_1.ecx & (1u << 31)))
		cpuid_regs(0x40000000, 0, &raw->hv_0);

	cpuid_regs(0x80000000, 0, &raw->ext_0);
	uint32_t ext = raw->ext_0.eax;

	if ((ext & 0xffff0000u) != 0x80000000u)
		ext = 0;
	if (ext >= 0x80000001)
		cpuid_regs(0x80000001, 0, &raw->ext_1);
	if (ext >= 0x80000004)
		for (unsigned i = 0; i < 3; i++)
			cpuid_regs(0x80000002 + i, 0, &raw->ext_brand[i]);
	if (ext >= 0x80000007)
		cpuid_regs(0x80000007, 0, &raw->ext_7);
	if (ext >= 0x80000008)
		cpuid_regs(0x80000008, 0, &raw->ext_8);
}

void cpu_features_init(void)
{
	struct cpuid_raw raw;

	cpu_cpuid_read(&raw);
	cpu_features_decode(&raw, &boot_cpu_info);
}

bool cpu_has(enum cpu_feature f)
{
	return cpu_info_has(&boot_cpu_info, f);
}

void cpu_feature_set(enum cpu_feature f)
{
	if ((unsigned)f < X86_FEATURE_COUNT)
		boot_cpu_info.features[f / 64] |= 1ULL << (f % 64);
}

const struct cpu_info *cpu_info(void)
{
	return &boot_cpu_info;
}

void cpu_features_print(void)
{
	const struct cpu_info *ci = &boot_cpu_info;
	char line[512];
	size_t len = 0;

	len += snprintf(line + len, sizeof(line) - len, "%s family %u model %u stepping %u",
			ci->vendor, ci->family, ci->model, ci->stepping);
	if (ci->brand[0])
		len += snprintf(line + len, sizeof(line) - len, " '%s'", ci->brand);
	if (len < sizeof(line) && ci->hypervisor[0])
		len += snprintf(line + len, sizeof(line) - len, " on %s", ci->hypervisor);
	if (len < sizeof(line))
		len += snprintf(line + len, sizeof(line) - len, ", %u/%u-bit phys/virt",
				ci->phys_addr_bits, ci->virt_addr_bits);
	if (len < sizeof(line) && ci->tsc_hz)
		len += snprintf(line + len, sizeof(line) - len, ", TSC %lu kHz (CPUID 15h)",
				(unsigned long)(ci->tsc_hz / 1000));
	else if (len < sizeof(line) && ci->base_mhz)
		len += snprintf(line + len, sizeof(line) - len, ", base %u MHz", ci->base_mhz);
	pr_info("%s\n", line);

	len = 0;
	line[0] = '\0';
	for (unsigned f = 0; f < X86_FEATURE_COUNT && len < sizeof(line); f++)
		if (cpu_info_has(ci, f))
			len += snprintf(line + len, sizeof(line) - len, " %s",
					cpu_feature_name(f));
	pr_info("features:%s\n", line);
}
