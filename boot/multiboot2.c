// SPDX-License-Identifier: MIT
/*
 * Multiboot2 information parsing: turns the boot loader's raw tag list into
 * struct boot_info (include/xdv/boot.h), once, so nothing else in the kernel
 * reads loader memory.
 *
 * The block comes from outside the kernel and is treated as hostile: every
 * read is bounds-checked against both the block's own total_size and the
 * number of bytes the caller has mapped (avail), fields are read with memcpy
 * because a crafted block need not be aligned, and strings are only used once
 * a NUL has been found inside their tag. A malformed tag is skipped with a
 * warning; a tag whose size cannot be trusted ends the walk (there is no way
 * to find the next tag), keeping what was parsed before it.
 *
 * Layout (Multiboot2 specification, "Boot information format"): an 8-byte
 * header {u32 total_size; u32 reserved}, then tags {u32 type; u32 size; ...},
 * each starting 8-byte aligned (size excludes the padding), ending with a
 * tag of type 0 and size 8.
 *
 * Pure logic: no printing, no globals, no assembly; built for host unit
 * tests too. Warnings are static strings; boot_info_print() shows them.
 * Locking: none; the caller owns *out.
 */
#include <xdv/boot.h>
#include <xdv/errno.h>
#include <xdv/string.h>
#include <xdv/unaligned.h>

enum mb2_tag_type {
	MB2_TAG_END = 0,
	MB2_TAG_CMDLINE = 1,
	MB2_TAG_LOADER_NAME = 2,
	MB2_TAG_MODULE = 3,
	MB2_TAG_BASIC_MEMINFO = 4,
	MB2_TAG_BOOTDEV = 5,
	MB2_TAG_MMAP = 6,
	MB2_TAG_FRAMEBUFFER = 8,
	MB2_TAG_EFI64 = 12, /* 11 is the 32-bit EFI system table */
	MB2_TAG_ACPI_OLD = 14,
	MB2_TAG_ACPI_NEW = 15,
	MB2_TAG_EFI_MMAP = 17,
	MB2_TAG_EFI_BS = 18,
	MB2_TAG_EFI64_IH = 20, /* 19 is the 32-bit image handle */
};

#define MB2_HEADER_SIZE    8u  /* total_size + reserved */
#define MB2_TAG_HDR_SIZE   8u  /* type + size */
#define MB2_MIN_TOTAL_SIZE 16u /* header + end tag */
#define MB2_MMAP_ENTRY_MIN 24u /* u64 base, u64 length, u32 type, u32 rsvd */

/* Framebuffer tag: offsets from the start of the tag. */
#define MB2_FB_COMMON_SIZE 32u /* up to and including the u16 reserved */
#define MB2_FB_RGB_SIZE    38u /* plus six u8 colour field bytes */

enum mb2_fb_type {
	MB2_FB_INDEXED = 0,
	MB2_FB_RGB = 1,
	MB2_FB_EGA_TEXT = 2,
};

/*
 * Record a warning once: the same problem repeated (1000 zero-length memory
 * map entries) must not crowd out the others.
 */
static void mb2_warn(struct boot_info *out, const char *msg)
{
	for (unsigned i = 0; i < out->warning_count; i++)
		if (out->warnings[i] == msg)
			return;
	if (out->warning_count < BOOT_WARNINGS_MAX)
		out->warnings[out->warning_count++] = msg;
	else
		out->warnings_truncated = true;
}

/*
 * Copy a string that lives in len bytes at src (which need not contain a NUL)
 * into dst[dst_size]. Always NUL-terminates dst; warns when the source had no
 * terminator inside its tag or did not fit.
 */
static void mb2_copy_string(struct boot_info *out, char *dst, size_t dst_size,
			    const uint8_t *src, size_t len,
			    const char *warn_unterminated, const char *warn_long)
{
	size_t n = strnlen((const char *)src, len);

	if (n == len)
		mb2_warn(out, warn_unterminated);
	if (n >= dst_size) {
		mb2_warn(out, warn_long);
		n = dst_size - 1;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void mb2_parse_cmdline(struct boot_info *out, const uint8_t *p,
			      uint32_t len)
{
	mb2_copy_string(out, out->cmdline, sizeof(out->cmdline), p, len,
			"mb2: command line not NUL-terminated; truncated",
			"mb2: command line too long; truncated");
}

static void mb2_parse_loader_name(struct boot_info *out, const uint8_t *p,
				  uint32_t len)
{
	mb2_copy_string(out, out->loader_name, sizeof(out->loader_name), p, len,
			"mb2: boot loader name not NUL-terminated; truncated",
			"mb2: boot loader name too long; truncated");
}

static void mb2_parse_module(struct boot_info *out, const uint8_t *p,
			     uint32_t len)
{
	struct boot_module *mod;
	uint32_t start, end;

	if (len < 8) {
		mb2_warn(out, "mb2: module tag too short; module ignored");
		return;
	}
	start = load_le32(p);
	end = load_le32(p + 4);
	if (start >= end) {
		mb2_warn(out, "mb2: module with start >= end; module ignored");
		return;
	}
	if (out->module_count >= BOOT_MODULES_MAX) {
		mb2_warn(out, "mb2: too many modules; extra modules ignored");
		return;
	}
	mod = &out->modules[out->module_count++];
	mod->start = start;
	mod->end = end;
	mb2_copy_string(out, mod->string, sizeof(mod->string), p + 8, len - 8,
			"mb2: module string not NUL-terminated; truncated",
			"mb2: module string too long; truncated");
}

static void mb2_parse_meminfo(struct boot_info *out, const uint8_t *p,
			      uint32_t len)
{
	if (len < 8) {
		mb2_warn(out, "mb2: basic meminfo tag too short; ignored");
		return;
	}
	out->has_basic_meminfo = true;
	out->mem_lower_kib = load_le32(p);
	out->mem_upper_kib = load_le32(p + 4);
}

/*
 * Memory map: keep the entries in the loader's order (sorting and merging
 * are the memory manager's job), dropping the ones that cannot be right.
 * An entry must end at or below 2^64 - 1 so that base + length (exclusive
 * end) stays representable.
 */
static void mb2_parse_mmap(struct boot_info *out, const uint8_t *p,
			   uint32_t len)
{
	uint32_t entry_size, entry_version, count;

	if (out->mmap_count) {
		mb2_warn(out, "mb2: more than one memory map tag; extra ignored");
		return;
	}
	if (len < 8) {
		mb2_warn(out, "mb2: memory map tag too short; ignored");
		return;
	}
	entry_size = load_le32(p);
	entry_version = load_le32(p + 4);
	if (entry_size < MB2_MMAP_ENTRY_MIN || entry_size % 8) {
		mb2_warn(out, "mb2: memory map entry_size invalid; map ignored");
		return;
	}
	if (entry_version != 0)
		mb2_warn(out, "mb2: memory map entry_version not 0; read as 0");
	p += 8;
	len -= 8;
	if (len % entry_size)
		mb2_warn(out, "mb2: memory map ends in a partial entry; ignored");
	count = len / entry_size;

	for (uint32_t i = 0; i < count; i++, p += entry_size) {
		struct boot_mmap_entry *e;
		uint64_t base = load_le64(p);
		uint64_t length = load_le64(p + 8);

		if (length == 0) {
			mb2_warn(out, "mb2: zero-length memory map entry dropped");
			continue;
		}
		if (length > UINT64_MAX - base) {
			mb2_warn(out, "mb2: memory map entry past 2^64 dropped");
			continue;
		}
		if (out->mmap_count >= BOOT_MMAP_MAX) {
			mb2_warn(out, "mb2: too many memory map entries; extra ignored");
			break;
		}
		e = &out->mmap[out->mmap_count++];
		e->base = base;
		e->length = length;
		e->type = load_le32(p + 16);
	}
}

static bool mb2_fb_rgb_field_ok(uint8_t pos, uint8_t size, uint8_t bpp)
{
	return size != 0 && (unsigned)pos + size <= bpp;
}

/*
 * Framebuffer: fill fb only when the whole description is sane, so the
 * console never draws through a bad pitch or past the address space.
 */
static void mb2_parse_framebuffer(struct boot_info *out, const uint8_t *tag,
				  uint32_t size)
{
	struct boot_framebuffer fb = { 0 };
	uint8_t fb_type;
	uint64_t min_pitch;

	if (out->fb.type != BOOT_FB_NONE) {
		mb2_warn(out, "mb2: more than one framebuffer tag; extra ignored");
		return;
	}
	if (size < MB2_FB_COMMON_SIZE) {
		mb2_warn(out, "mb2: framebuffer tag too short; no framebuffer");
		return;
	}
	fb.addr = load_le64(tag + 8);
	fb.pitch = load_le32(tag + 16);
	fb.width = load_le32(tag + 20);
	fb.height = load_le32(tag + 24);
	fb.bpp = tag[28];
	fb_type = tag[29];

	if (!fb.width || !fb.height || !fb.pitch || !fb.bpp) {
		mb2_warn(out, "mb2: framebuffer with a zero dimension; no framebuffer");
		return;
	}
	min_pitch = ((uint64_t)fb.width * fb.bpp + 7) / 8;
	if (fb.pitch < min_pitch) {
		mb2_warn(out, "mb2: framebuffer pitch below width*bpp/8; no framebuffer");
		return;
	}
	if ((uint64_t)fb.pitch * fb.height > UINT64_MAX - fb.addr) {
		mb2_warn(out, "mb2: framebuffer address range overflows; no framebuffer");
		return;
	}

	switch (fb_type) {
	case MB2_FB_INDEXED:
		fb.type = BOOT_FB_INDEXED;
		break;
	case MB2_FB_EGA_TEXT:
		fb.type = BOOT_FB_EGA_TEXT;
		break;
	case MB2_FB_RGB:
		if (size < MB2_FB_RGB_SIZE) {
			mb2_warn(out, "mb2: RGB framebuffer tag too short; no framebuffer");
			return;
		}
		if (fb.bpp != 8 && fb.bpp != 15 && fb.bpp != 16 && fb.bpp != 24 &&
		    fb.bpp != 32) {
			mb2_warn(out, "mb2: RGB framebuffer bpp unsupported; no framebuffer");
			return;
		}
		fb.red_pos = tag[32];
		fb.red_size = tag[33];
		fb.green_pos = tag[34];
		fb.green_size = tag[35];
		fb.blue_pos = tag[36];
		fb.blue_size = tag[37];
		if (!mb2_fb_rgb_field_ok(fb.red_pos, fb.red_size, fb.bpp) ||
		    !mb2_fb_rgb_field_ok(fb.green_pos, fb.green_size, fb.bpp) ||
		    !mb2_fb_rgb_field_ok(fb.blue_pos, fb.blue_size, fb.bpp)) {
			mb2_warn(out, "mb2: RGB colour field outside the pixel; no framebuffer");
			return;
		}
		fb.type = BOOT_FB_RGB;
		break;
	default:
		mb2_warn(out, "mb2: unknown framebuffer type; no framebuffer");
		return;
	}
	out->fb = fb;
}

/* Read a u64 payload (EFI pointers); false, with a warning, if too short. */
static bool mb2_parse_u64(struct boot_info *out, const uint8_t *p, uint32_t len,
			  uint64_t *val, const char *warn_short)
{
	if (len < 8) {
		mb2_warn(out, warn_short);
		return false;
	}
	*val = load_le64(p);
	return true;
}

/* Dispatch one tag whose header and size have already been checked. */
static void mb2_parse_tag(struct boot_info *out, uint32_t type,
			  const uint8_t *tag, uint32_t size)
{
	const uint8_t *p = tag + MB2_TAG_HDR_SIZE;
	uint32_t len = size - MB2_TAG_HDR_SIZE;

	switch (type) {
	case MB2_TAG_CMDLINE:
		mb2_parse_cmdline(out, p, len);
		break;
	case MB2_TAG_LOADER_NAME:
		mb2_parse_loader_name(out, p, len);
		break;
	case MB2_TAG_MODULE:
		mb2_parse_module(out, p, len);
		break;
	case MB2_TAG_BASIC_MEMINFO:
		mb2_parse_meminfo(out, p, len);
		break;
	case MB2_TAG_MMAP:
		mb2_parse_mmap(out, p, len);
		break;
	case MB2_TAG_FRAMEBUFFER:
		mb2_parse_framebuffer(out, tag, size);
		break;
	case MB2_TAG_ACPI_OLD:
		if (len < sizeof(out->rsdp_v1)) {
			mb2_warn(out, "mb2: ACPI v1 RSDP tag too short; ignored");
			break;
		}
		memcpy(out->rsdp_v1, p, sizeof(out->rsdp_v1));
		out->has_rsdp_v1 = true;
		break;
	case MB2_TAG_ACPI_NEW:
		if (len < sizeof(out->rsdp_v2)) {
			mb2_warn(out, "mb2: ACPI v2 RSDP tag too short; ignored");
			break;
		}
		memcpy(out->rsdp_v2, p, sizeof(out->rsdp_v2));
		out->has_rsdp_v2 = true;
		break;
	case MB2_TAG_EFI64:
		out->has_efi64_systab =
			mb2_parse_u64(out, p, len, &out->efi64_systab,
				      "mb2: EFI64 system table tag too short; ignored");
		break;
	case MB2_TAG_EFI64_IH:
		out->has_efi64_image_handle =
			mb2_parse_u64(out, p, len, &out->efi64_image_handle,
				      "mb2: EFI64 image handle tag too short; ignored");
		break;
	case MB2_TAG_EFI_BS:
		out->efi_boot_services_active = true;
		break;
	case MB2_TAG_EFI_MMAP:
		out->has_efi_mmap = true;
		break;
	case MB2_TAG_BOOTDEV:
	default:
		break; /* not needed, or unknown: skipped silently */
	}
}

/* Start over with only a warning: the block as a whole is unusable. */
static int mb2_reject(struct boot_info *out, const char *msg)
{
	memset(out, 0, sizeof(*out));
	mb2_warn(out, msg);
	return -EINVAL;
}

/*
 * Parse the Multiboot2 information block at info into out (see boot.h for
 * the contract).
 * Context: early boot or host tests; pure, no side effects beyond *out.
 * Return: 0 (possibly with warnings), or -EINVAL when the block's header is
 * unusable: fewer than 8 readable bytes, total_size below 16, above
 * BOOT_INFO_MAX_SIZE or above avail.
 */
int mb2_parse(const void *info, size_t avail, paddr_t info_phys,
	      struct boot_info *out)
{
	const uint8_t *base = info;
	uint32_t total, off;
	bool found_end = false;

	memset(out, 0, sizeof(*out));
	if (!info || avail < MB2_HEADER_SIZE)
		return mb2_reject(out, "mb2: no information block");
	total = load_le32(base);
	if (total < MB2_MIN_TOTAL_SIZE)
		return mb2_reject(out, "mb2: total_size below 16; block ignored");
	if (total > BOOT_INFO_MAX_SIZE)
		return mb2_reject(out, "mb2: total_size above limit; block ignored");
	if (total > avail)
		return mb2_reject(out, "mb2: total_size beyond mapped bytes; block ignored");

	out->info_phys = info_phys;
	out->info_size = total;

	/*
	 * total <= 1 MiB, so off + ALIGN_UP(size, 8) cannot overflow, but the
	 * padding of the last tag may take off past total: test off first.
	 */
	for (off = MB2_HEADER_SIZE;
	     off <= total && total - off >= MB2_TAG_HDR_SIZE;) {
		uint32_t type = load_le32(base + off);
		uint32_t size = load_le32(base + off + 4);

		if (size < MB2_TAG_HDR_SIZE) {
			mb2_warn(out, "mb2: tag size below 8; rest of block ignored");
			return 0;
		}
		if (size > total - off) {
			mb2_warn(out, "mb2: tag runs past end of block; rest ignored");
			return 0;
		}
		if (type == MB2_TAG_END) {
			if (size != MB2_TAG_HDR_SIZE)
				mb2_warn(out, "mb2: end tag size is not 8");
			found_end = true;
			break;
		}
		mb2_parse_tag(out, type, base + off, size);
		off += ALIGN_UP(size, 8u);
	}
	if (!found_end)
		mb2_warn(out, "mb2: no end tag; using the tags before it");
	return 0;
}
