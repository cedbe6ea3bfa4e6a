// SPDX-License-Identifier: MIT
/*
 * Boot information report: prints what mb2_parse() (boot/multiboot2.c) made
 * of the loader's Multiboot2 block — loader, command line, memory map,
 * modules, framebuffer, ACPI and EFI hand-over — and every warning the
 * parser recorded, so a bad or unusual loader shows up in the boot log.
 * Also home of the boot_info global that kernel_main fills.
 *
 * Kernel only (printk). Locking: none; runs once on the boot CPU.
 */
#define pr_fmt(fmt) "boot: " fmt

#include <xdv/boot.h>
#include <xdv/printk.h>
#include <xdv/string.h>

struct boot_info boot_info;

#define MIB (1024ull * 1024ull)

static const char *boot_mmap_type_name(uint32_t type)
{
	switch (type) {
	case BOOT_MMAP_AVAILABLE:
		return "available";
	case BOOT_MMAP_RESERVED:
		return "reserved";
	case BOOT_MMAP_ACPI_RECLAIMABLE:
		return "ACPI data";
	case BOOT_MMAP_ACPI_NVS:
		return "ACPI NVS";
	case BOOT_MMAP_BAD:
		return "bad RAM";
	default:
		return "reserved (unknown type)";
	}
}

static void boot_print_mmap(const struct boot_info *bi)
{
	uint64_t usable = 0;

	if (!bi->mmap_count) {
		pr_warn("no memory map from the loader\n");
		return;
	}
	pr_info("memory map (%u entries):\n", bi->mmap_count);
	for (unsigned i = 0; i < bi->mmap_count; i++) {
		const struct boot_mmap_entry *e = &bi->mmap[i];

		/* mb2_parse() guarantees length > 0 and no wrap-around. */
		pr_info("  [mem 0x%016llx-0x%016llx] %s\n",
			(unsigned long long)e->base,
			(unsigned long long)(e->base + e->length - 1),
			boot_mmap_type_name(e->type));
		if (e->type == BOOT_MMAP_AVAILABLE)
			usable = e->length > UINT64_MAX - usable ? UINT64_MAX
								  : usable + e->length;
	}
	pr_info("usable memory: %llu MiB\n", (unsigned long long)(usable / MIB));
}

static void boot_print_modules(const struct boot_info *bi)
{
	for (unsigned i = 0; i < bi->module_count; i++) {
		const struct boot_module *m = &bi->modules[i];

		pr_info("module %u: [0x%08llx-0x%08llx) %llu KiB '%s'\n", i,
			(unsigned long long)m->start, (unsigned long long)m->end,
			(unsigned long long)((m->end - m->start + 1023) / 1024),
			m->string);
	}
}

static void boot_print_fb(const struct boot_framebuffer *fb)
{
	switch (fb->type) {
	case BOOT_FB_NONE:
		pr_info("framebuffer: none\n");
		return;
	case BOOT_FB_EGA_TEXT:
		pr_info("framebuffer: EGA text %ux%u, pitch %u, at 0x%llx\n",
			fb->width, fb->height, fb->pitch,
			(unsigned long long)fb->addr);
		return;
	case BOOT_FB_INDEXED:
		pr_info("framebuffer: indexed %ux%u %u bpp, pitch %u, at 0x%llx (not used)\n",
			fb->width, fb->height, fb->bpp, fb->pitch,
			(unsigned long long)fb->addr);
		return;
	case BOOT_FB_RGB:
		pr_info("framebuffer: RGB %ux%u %u bpp, pitch %u, at 0x%llx"
			" (r %u:%u g %u:%u b %u:%u)\n",
			fb->width, fb->height, fb->bpp, fb->pitch,
			(unsigned long long)fb->addr, fb->red_pos, fb->red_size,
			fb->green_pos, fb->green_size, fb->blue_pos,
			fb->blue_size);
		return;
	}
}

/* The RSDP's OEM ID (bytes 9..14), with anything unprintable as '?'. */
static void boot_rsdp_oem(const uint8_t *rsdp, char oem[7])
{
	for (int i = 0; i < 6; i++) {
		uint8_t c = rsdp[9 + i];

		oem[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	oem[6] = '\0';
}

static void boot_print_firmware(const struct boot_info *bi)
{
	char oem[7];

	if (bi->has_rsdp_v2) {
		boot_rsdp_oem(bi->rsdp_v2, oem);
		pr_info("ACPI: RSDP v2 from the loader, OEM '%s'\n", oem);
	}
	if (bi->has_rsdp_v1) {
		boot_rsdp_oem(bi->rsdp_v1, oem);
		pr_info("ACPI: RSDP v1 from the loader, OEM '%s'\n", oem);
	}
	if (!bi->has_rsdp_v1 && !bi->has_rsdp_v2)
		pr_info("ACPI: no RSDP from the loader\n");

	if (bi->has_efi64_systab)
		pr_info("EFI: 64-bit system table at 0x%llx\n",
			(unsigned long long)bi->efi64_systab);
	if (bi->has_efi64_image_handle)
		pr_info("EFI: 64-bit image handle 0x%llx\n",
			(unsigned long long)bi->efi64_image_handle);
	if (bi->efi_boot_services_active)
		pr_info("EFI: boot services were not exited by the loader\n");
	if (bi->has_efi_mmap)
		pr_info("EFI: memory map tag present\n");
}

/*
 * Print the parsed boot information and every parser warning.
 * Context: boot CPU, after the console is up (printk also keeps it for
 * consoles that register later).
 */
void boot_info_print(const struct boot_info *bi)
{
	pr_info("Multiboot2 info at 0x%llx, %u bytes\n",
		(unsigned long long)bi->info_phys, bi->info_size);
	pr_info("loader: %s\n", bi->loader_name[0] ? bi->loader_name : "(unknown)");
	pr_info("command line: %s\n", bi->cmdline);
	if (bi->has_basic_meminfo)
		pr_info("basic meminfo: lower %u KiB, upper %u KiB\n",
			bi->mem_lower_kib, bi->mem_upper_kib);
	boot_print_mmap(bi);
	boot_print_modules(bi);
	boot_print_fb(&bi->fb);
	boot_print_firmware(bi);

	for (unsigned i = 0; i < bi->warning_count && i < BOOT_WARNINGS_MAX; i++)
		pr_warn("%s\n", bi->warnings[i]);
	if (bi->warnings_truncated)
		pr_warn("more boot information warnings were dropped\n");
}
