/* SPDX-License-Identifier: MIT */
/*
 * What the boot loader told us: the Multiboot2 information block, parsed and
 * validated once into struct boot_info (boot/multiboot2.c), so no other part
 * of the kernel ever reads the loader's raw tags.
 *
 * The parser is pure logic (no printing, no globals) so host unit tests can
 * feed it good and malformed blocks; problems it finds are recorded in
 * boot_info.warnings and printed later by boot_info_print().
 */
#pragma once

#include <xdv/types.h>

#define MULTIBOOT2_BOOTLOADER_MAGIC 0x36d76289u

#define BOOT_CMDLINE_MAX     2048
#define BOOT_LOADER_NAME_MAX 64
#define BOOT_MMAP_MAX        128
#define BOOT_MODULES_MAX     16
#define BOOT_MODULE_STR_MAX  128
#define BOOT_WARNINGS_MAX    16
#define BOOT_INFO_MAX_SIZE   (1u << 20) /* refuse a block claiming more */

/* Memory map entry types, as Multiboot2 (and the BIOS E820 map) number them. */
enum boot_mmap_type {
	BOOT_MMAP_AVAILABLE = 1,
	BOOT_MMAP_RESERVED = 2,
	BOOT_MMAP_ACPI_RECLAIMABLE = 3,
	BOOT_MMAP_ACPI_NVS = 4,
	BOOT_MMAP_BAD = 5,
};

struct boot_mmap_entry {
	uint64_t base;
	uint64_t length;
	uint32_t type; /* enum boot_mmap_type; other values mean reserved */
};

struct boot_module {
	paddr_t start;
	paddr_t end; /* exclusive */
	char string[BOOT_MODULE_STR_MAX];
};

enum boot_fb_type {
	BOOT_FB_NONE = 0,     /* the loader handed over no framebuffer */
	BOOT_FB_RGB,          /* linear framebuffer, direct colour */
	BOOT_FB_EGA_TEXT,     /* 80x25-style text mode, 2 bytes a cell */
	BOOT_FB_INDEXED,      /* palette framebuffer: not drawn on */
};

struct boot_framebuffer {
	enum boot_fb_type type;
	paddr_t addr;
	uint32_t pitch;  /* bytes per line (text mode: bytes per row of cells) */
	uint32_t width;  /* pixels (text mode: columns) */
	uint32_t height; /* pixels (text mode: rows) */
	uint8_t bpp;     /* bits per pixel (text mode: 16) */
	/* RGB framebuffers: bit position and width of each colour field. */
	uint8_t red_pos, red_size;
	uint8_t green_pos, green_size;
	uint8_t blue_pos, blue_size;
};

struct boot_info {
	char cmdline[BOOT_CMDLINE_MAX];
	char loader_name[BOOT_LOADER_NAME_MAX];

	bool has_basic_meminfo;
	uint32_t mem_lower_kib, mem_upper_kib;

	struct boot_mmap_entry mmap[BOOT_MMAP_MAX];
	unsigned mmap_count;

	struct boot_module modules[BOOT_MODULES_MAX];
	unsigned module_count;

	struct boot_framebuffer fb;

	/* ACPI: a copy of the RSDP the loader found (v1: 20 bytes, v2: 36). */
	bool has_rsdp_v1, has_rsdp_v2;
	uint8_t rsdp_v1[20];
	uint8_t rsdp_v2[36];

	/* EFI: present when booted from UEFI firmware. */
	bool has_efi64_systab;
	uint64_t efi64_systab;
	bool has_efi64_image_handle;
	uint64_t efi64_image_handle;
	bool efi_boot_services_active; /* tag 18: the loader did not exit them */
	bool has_efi_mmap;

	paddr_t info_phys;  /* where the raw block was, and its size, */
	uint32_t info_size; /* so the memory manager can keep it */

	/* Problems found while parsing: static strings, oldest first. */
	const char *warnings[BOOT_WARNINGS_MAX];
	unsigned warning_count;
	bool warnings_truncated;
};

/*
 * Parse the Multiboot2 information block at info (which the caller has
 * mapped for at least avail bytes; info_phys is only recorded) into out.
 * Every tag is bounds-checked against both the block's own total_size and
 * avail. Tags that are malformed are skipped with a warning; the rest are
 * still used.
 * Return: 0, or -EINVAL when the block as a whole is unusable (out then
 * holds no data besides the warnings).
 */
int __must_check mb2_parse(const void *info, size_t avail, paddr_t info_phys,
			   struct boot_info *out);

/* Print the parsed information (loader, command line, memory map...). */
void boot_info_print(const struct boot_info *bi);

/* The boot information of this boot, filled in by kernel_main. */
extern struct boot_info boot_info;
