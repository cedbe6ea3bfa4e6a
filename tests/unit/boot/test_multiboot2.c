// SPDX-License-Identifier: MIT
/*
 * Host unit tests for mb2_parse() (boot/multiboot2.c). A small builder
 * assembles information blocks tag by tag the way GRUB lays them out; each
 * block is then copied into a heap buffer of exactly the size handed to the
 * parser, so AddressSanitizer catches any read past `avail`. Good blocks
 * (QEMU/SeaBIOS and UEFI-like) must parse completely with no warning;
 * malformed ones must give a clean result and the expected warning.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <xdv/boot.h>
#include <xdv/errno.h>

#define MB_BUF_SIZE (64 * 1024)
#define INFO_PHYS   0x10000ull

struct mb_builder {
	uint8_t buf[MB_BUF_SIZE];
	size_t len;
	size_t tag; /* offset of the open tag */
};

static struct mb_builder mb;
static struct boot_info bi;

static void mb_put(const void *p, size_t n)
{
	cr_assert(mb.len + n <= MB_BUF_SIZE);
	memcpy(mb.buf + mb.len, p, n);
	mb.len += n;
}

static void mb_put8(uint8_t v) { mb_put(&v, 1); }
static void mb_put16(uint16_t v) { mb_put(&v, 2); }
static void mb_put32(uint32_t v) { mb_put(&v, 4); }
static void mb_put64(uint64_t v) { mb_put(&v, 8); }
static void mb_puts(const char *s) { mb_put(s, strlen(s) + 1); }

static void mb_init(void)
{
	memset(&mb, 0, sizeof(mb));
	mb.len = 8; /* total_size and reserved, filled by mb_finish() */
}

static void mb_pad(void)
{
	while (mb.len % 8)
		mb_put8(0);
}

/* Open a tag: pad to 8, then type and a size fixed up by mb_close(). */
static void mb_open(uint32_t type)
{
	mb_pad();
	mb.tag = mb.len;
	mb_put32(type);
	mb_put32(0);
}

static void mb_close(void)
{
	uint32_t size = (uint32_t)(mb.len - mb.tag);

	memcpy(mb.buf + mb.tag + 4, &size, 4);
}

/* A tag whose size field says `size` whatever its contents. */
static void mb_set_size(uint32_t size)
{
	memcpy(mb.buf + mb.tag + 4, &size, 4);
}

static void mb_set_total(uint32_t total)
{
	memcpy(mb.buf, &total, 4);
}

/* Append the end tag and write total_size; returns the block's length. */
static size_t mb_finish(void)
{
	mb_open(0);
	mb_close();
	mb_set_total((uint32_t)mb.len);
	return mb.len;
}

/* Parse the first len bytes of the block, from an exact-size heap copy. */
static int mb_parse_len(size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	int ret;

	cr_assert_not_null(copy);
	memcpy(copy, mb.buf, len);
	ret = mb2_parse(copy, len, INFO_PHYS, &bi);
	free(copy);
	return ret;
}

static int mb_parse(void)
{
	return mb_parse_len(mb.len);
}

static bool has_warning(const char *needle)
{
	for (unsigned i = 0; i < bi.warning_count; i++)
		if (strstr(bi.warnings[i], needle))
			return true;
	return false;
}

static void tag_string(uint32_t type, const char *s)
{
	mb_open(type);
	mb_puts(s);
	mb_close();
}

static void tag_module(uint32_t start, uint32_t end, const char *s)
{
	mb_open(3);
	mb_put32(start);
	mb_put32(end);
	mb_puts(s);
	mb_close();
}

/* Memory map tag header; entries follow with mmap_entry(). */
static void tag_mmap_open(uint32_t entry_size, uint32_t version)
{
	mb_open(6);
	mb_put32(entry_size);
	mb_put32(version);
}

static void mmap_entry(uint64_t base, uint64_t len, uint32_t type)
{
	mb_put64(base);
	mb_put64(len);
	mb_put32(type);
	mb_put32(0);
}

/* Framebuffer common part; the caller appends colour info and closes. */
static void tag_fb_open(uint64_t addr, uint32_t pitch, uint32_t w, uint32_t h,
			uint8_t bpp, uint8_t type)
{
	mb_open(8);
	mb_put64(addr);
	mb_put32(pitch);
	mb_put32(w);
	mb_put32(h);
	mb_put8(bpp);
	mb_put8(type);
	mb_put16(0);
}

static void tag_fb_rgb(uint64_t addr, uint32_t pitch, uint32_t w, uint32_t h,
		       uint8_t bpp)
{
	static const uint8_t fields[6] = { 16, 8, 8, 8, 0, 8 };

	tag_fb_open(addr, pitch, w, h, bpp, 1);
	mb_put(fields, sizeof(fields));
	mb_close();
}

static void rsdp_bytes(uint8_t *r, size_t n, uint8_t rev)
{
	memset(r, 0, n);
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, "BOCHS ", 6);
	r[15] = rev;
	r[16] = 0x42;
}

static void tag_u64(uint32_t type, uint64_t v)
{
	mb_open(type);
	mb_put64(v);
	mb_close();
}

/* The memory map QEMU's SeaBIOS gives a 256 MiB guest, through GRUB. */
static const struct boot_mmap_entry qemu_mmap[6] = {
	{ 0x0, 0x9fc00, 1 },          { 0x9fc00, 0x400, 2 },
	{ 0xf0000, 0x10000, 2 },      { 0x100000, 0xfee0000, 1 },
	{ 0xffe0000, 0x20000, 2 },    { 0xfffc0000, 0x40000, 2 },
};

/* A block like GRUB 2.06 builds; text mode (BIOS) or RGB with EFI tags. */
static void build_realistic(bool uefi)
{
	uint8_t r1[20], r2[36];

	mb_init();
	tag_string(1, "console=serial,vga loglevel=7 init=/sbin/init");
	tag_string(2, "GRUB 2.06-13+deb12u1");
	tag_module(0x10b000, 0x2a3400, "/boot/initramfs.cpio initrd");
	mb_open(4);
	mb_put32(639);
	mb_put32(261120);
	mb_close();
	mb_open(5); /* bootdev: ignored */
	mb_put32(0xe0);
	mb_put32(0xffffffff);
	mb_put32(0xffffffff);
	mb_close();
	tag_mmap_open(24, 0);
	for (int i = 0; i < 6; i++)
		mmap_entry(qemu_mmap[i].base, qemu_mmap[i].length,
			   qemu_mmap[i].type);
	mb_close();
	if (uefi) {
		tag_fb_rgb(0x80000000, 4096, 1024, 768, 32);
	} else {
		tag_fb_open(0xb8000, 160, 80, 25, 16, 2);
		mb_close();
	}
	mb_open(9); /* ELF sections: skipped silently */
	mb_put32(0);
	mb_put32(64);
	mb_put32(0);
	mb_close();
	rsdp_bytes(r1, sizeof(r1), 0);
	mb_open(14);
	mb_put(r1, sizeof(r1));
	mb_close();
	rsdp_bytes(r2, sizeof(r2), 2);
	mb_open(15);
	mb_put(r2, sizeof(r2));
	mb_close();
	if (uefi) {
		tag_u64(12, 0x7f9ee018);
		tag_u64(20, 0x7e2f3a98);
		mb_open(18);
		mb_close();
		mb_open(17);
		mb_put32(48);
		mb_put32(1);
		mb_close();
	}
	mb_open(0x7777); /* unknown: skipped silently */
	mb_put32(1);
	mb_close();
	mb_finish();
}

Test(multiboot2, mb2_parse_realistic_bios_block_parses_everything)
{
	uint8_t r1[20], r2[36];

	build_realistic(false);
	cr_assert_eq(mb_parse(), 0);
	cr_expect_eq(bi.warning_count, 0, "first warning: %s",
		     bi.warning_count ? bi.warnings[0] : "");
	cr_expect_str_eq(bi.cmdline,
			 "console=serial,vga loglevel=7 init=/sbin/init");
	cr_expect_str_eq(bi.loader_name, "GRUB 2.06-13+deb12u1");
	cr_expect(bi.has_basic_meminfo);
	cr_expect_eq(bi.mem_lower_kib, 639);
	cr_expect_eq(bi.mem_upper_kib, 261120);
	cr_assert_eq(bi.mmap_count, 6);
	for (int i = 0; i < 6; i++) {
		cr_expect_eq(bi.mmap[i].base, qemu_mmap[i].base);
		cr_expect_eq(bi.mmap[i].length, qemu_mmap[i].length);
		cr_expect_eq(bi.mmap[i].type, qemu_mmap[i].type);
	}
	cr_assert_eq(bi.module_count, 1);
	cr_expect_eq(bi.modules[0].start, 0x10b000);
	cr_expect_eq(bi.modules[0].end, 0x2a3400);
	cr_expect_str_eq(bi.modules[0].string, "/boot/initramfs.cpio initrd");
	cr_expect_eq(bi.fb.type, BOOT_FB_EGA_TEXT);
	cr_expect_eq(bi.fb.addr, 0xb8000);
	cr_expect_eq(bi.fb.width, 80);
	cr_expect_eq(bi.fb.height, 25);
	cr_expect_eq(bi.fb.pitch, 160);
	cr_expect_eq(bi.fb.bpp, 16);
	rsdp_bytes(r1, sizeof(r1), 0);
	rsdp_bytes(r2, sizeof(r2), 2);
	cr_expect(bi.has_rsdp_v1 && bi.has_rsdp_v2);
	cr_expect_arr_eq(bi.rsdp_v1, r1, sizeof(r1));
	cr_expect_arr_eq(bi.rsdp_v2, r2, sizeof(r2));
	cr_expect(!bi.has_efi64_systab && !bi.has_efi64_image_handle);
	cr_expect(!bi.efi_boot_services_active && !bi.has_efi_mmap);
	cr_expect_eq(bi.info_phys, INFO_PHYS);
	cr_expect_eq(bi.info_size, mb.len);
}

Test(multiboot2, mb2_parse_realistic_uefi_block_parses_fb_and_efi)
{
	build_realistic(true);
	cr_assert_eq(mb_parse(), 0);
	cr_expect_eq(bi.warning_count, 0);
	cr_expect_eq(bi.mmap_count, 6);
	cr_expect_eq(bi.fb.type, BOOT_FB_RGB);
	cr_expect_eq(bi.fb.addr, 0x80000000);
	cr_expect_eq(bi.fb.width, 1024);
	cr_expect_eq(bi.fb.height, 768);
	cr_expect_eq(bi.fb.pitch, 4096);
	cr_expect_eq(bi.fb.bpp, 32);
	cr_expect_eq(bi.fb.red_pos, 16);
	cr_expect_eq(bi.fb.red_size, 8);
	cr_expect_eq(bi.fb.green_pos, 8);
	cr_expect_eq(bi.fb.green_size, 8);
	cr_expect_eq(bi.fb.blue_pos, 0);
	cr_expect_eq(bi.fb.blue_size, 8);
	cr_expect(bi.has_efi64_systab);
	cr_expect_eq(bi.efi64_systab, 0x7f9ee018);
	cr_expect(bi.has_efi64_image_handle);
	cr_expect_eq(bi.efi64_image_handle, 0x7e2f3a98);
	cr_expect(bi.efi_boot_services_active);
	cr_expect(bi.has_efi_mmap);
	cr_expect(bi.has_rsdp_v1 && bi.has_rsdp_v2);
}

Test(multiboot2, mb2_parse_misaligned_input_pointer_parses_same)
{
	uint8_t *copy;

	build_realistic(true);
	copy = malloc(mb.len + 1);
	memcpy(copy + 1, mb.buf, mb.len);
	cr_assert_eq(mb2_parse(copy + 1, mb.len, INFO_PHYS, &bi), 0);
	free(copy);
	cr_expect_eq(bi.warning_count, 0);
	cr_expect_eq(bi.mmap_count, 6);
	cr_expect_eq(bi.mmap[3].length, 0xfee0000);
	cr_expect_eq(bi.efi64_systab, 0x7f9ee018);
}

Test(multiboot2, mb2_parse_only_end_tag_returns_empty_info)
{
	mb_init();
	mb_finish();
	cr_assert_eq(mb_parse(), 0);
	cr_expect_eq(bi.warning_count, 0);
	cr_expect_eq(bi.mmap_count, 0);
	cr_expect_eq(bi.fb.type, BOOT_FB_NONE);
	cr_expect_str_eq(bi.cmdline, "");
}

/* ---- whole-block rejects ------------------------------------------------ */

static void expect_rejected(const char *warning)
{
	cr_expect(has_warning(warning), "missing warning '%s'", warning);
	cr_expect_eq(bi.warning_count, 1);
	cr_expect_eq(bi.mmap_count, 0);
	cr_expect_eq(bi.module_count, 0);
	cr_expect_eq(bi.info_size, 0);
	cr_expect_str_eq(bi.cmdline, "");
}

Test(multiboot2, mb2_parse_total_size_zero_returns_einval)
{
	build_realistic(false);
	mb_set_total(0);
	cr_assert_eq(mb_parse(), -EINVAL);
	expect_rejected("below 16");
}

Test(multiboot2, mb2_parse_total_size_below_16_returns_einval)
{
	mb_init();
	mb_open(0);
	mb_close();
	mb_set_total(12);
	cr_assert_eq(mb_parse(), -EINVAL);
	expect_rejected("below 16");
}

Test(multiboot2, mb2_parse_total_size_above_avail_returns_einval)
{
	build_realistic(false);
	cr_assert_eq(mb_parse_len(mb.len - 8), -EINVAL);
	expect_rejected("beyond mapped");
}

Test(multiboot2, mb2_parse_total_size_above_max_returns_einval)
{
	build_realistic(false);
	mb_set_total(BOOT_INFO_MAX_SIZE + 8);
	/* Only the header may be read before the size is refused. */
	cr_assert_eq(mb2_parse(mb.buf, BOOT_INFO_MAX_SIZE + 8, 0, &bi), -EINVAL);
	expect_rejected("above limit");
}

Test(multiboot2, mb2_parse_avail_below_header_returns_einval)
{
	mb_init();
	mb_finish();
	cr_assert_eq(mb_parse_len(4), -EINVAL);
	expect_rejected("no information block");
	cr_assert_eq(mb2_parse(NULL, 4096, 0, &bi), -EINVAL);
}

/* ---- broken tag walk ---------------------------------------------------- */

Test(multiboot2, mb2_parse_tag_size_below_8_stops_with_warning)
{
	mb_init();
	tag_string(1, "quiet");
	mb_open(2);
	mb_set_size(4);
	mb_put32(0);
	mb_finish();
	cr_assert_eq(mb_parse(), 0);
	cr_expect(has_warning("tag size below 8"));
	cr_expect_str_eq(bi.cmdline, "quiet");
	cr_expect_eq(bi.info_size, mb.len);
}

Test(multiboot2, mb2_parse_tag_past_end_stops_with_warning)
{
	mb_init();
	tag_string(1, "quiet");
	tag_mmap_open(24, 0);
	mmap_entry(0, 0x9fc00, 1);
	mb_close();
	mb_set_size(24 * 100);
	mb_finish();
	cr_assert_eq(mb_parse(), 0);
	cr_expect(has_warning("runs past end"));
	cr_expect_str_eq(bi.cmdline, "quiet");
	cr_expect_eq(bi.mmap_count, 0);
}

Test(multiboot2, mb2_parse_unpadded_tags_warns_no_end_tag)
{
	/* A loader that forgets the padding: the end tag is at offset 21. */
	mb_init();
	tag_string(1, "abcd"); /* size 13 */
	mb_put32(0);
	mb_put32(8);
	mb_set_total((uint32_t)mb.len);
	cr_assert_eq(mb_parse(), 0);
	cr_expect_str_eq(bi.cmdline, "abcd");
	cr_expect(has_warning("no end tag"));
}

Test(multiboot2, mb2_parse_last_tag_padding_past_total_warns_no_end_tag)
{
	mb_init();
	tag_string(1, "abcd");
	mb_set_total((uint32_t)mb.len); /* 21: padding would pass the end */
	cr_assert_eq(mb_parse(), 0);
	cr_expect_str_eq(bi.cmdline, "abcd");
	cr_expect(has_warning("no end tag"));
}

Test(multiboot2, mb2_parse_missing_end_tag_keeps_tags_with_warning)
{
	build_realistic(true);
	mb_set_total((uint32_t)mb.len - 8);
	cr_assert_eq(mb_parse_len(mb.len - 8), 0);
	cr_expect(has_warning("no end tag"));
	cr_expect_eq(bi.warning_count, 1);
	cr_expect_eq(bi.mmap_count, 6);
	cr_expect_eq(bi.fb.type, BOOT_FB_RGB);
}

Test(multiboot2, mb2_parse_end_tag_size_16_warns)
{
	mb_init();
	tag_string(1, "x");
	mb_open(0);
	mb_put64(0);
	mb_close();
	mb_set_total((uint32_t)mb.len);
	cr_assert_eq(mb_parse(), 0);
	cr_expect(has_warning("end tag size"));
	cr_expect_str_eq(bi.cmdline, "x");
}

/* ---- strings ------------------------------------------------------------ */

Test(multiboot2, mb2_parse_cmdline_without_nul_truncates_with_warning)
{
	mb_init();
	mb_open(1);
	mb_put("abc", 3);
	mb_close();
	tag_string(2, "GRUB");
	mb_finish();
	cr_assert_eq(mb_parse(), 0);
	cr_expect_str_eq(bi.cmdline, "abc");
	cr_expect(has_warning("command line not NUL-terminated"));
	cr_expect_str_eq(bi.loader_name, "GRUB");
}

Test(multiboot2, mb2_parse_cmdline_too_long_truncates_with_warning)
{
	static char s[3000];

	memset(s, 'a', sizeof(s) - 1);
	mb_init();
	tag_string(1, s);
	mb_finish();
	cr_assert_eq(mb_parse(), 0);
	cr_expect_eq(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
	cr_expect(has_warning("command line too long"));
}

Test(multiboot2, mb2_parse_loader_name_without_nul_truncates_with_warning)
{
	mb_init();
	mb_open(2);
	mb_close(); /* empty payload: not even a NUL */
	mb_finish();
	cr_assert_eq(mb_parse(), 0);
	cr_expect_str_eq(bi.loader_name, "");
	cr_expect(has_warning("loader name not NUL-terminated"));
}

/* ---- memory map --------------------------------------------------------- */

static void expect_mmap_entry_size_rejected(uint32_t entry_size)
{
	mb_init();
	tag_mmap_open(entry_size, 0);
	mmap_entry(0, 0x9fc00, 1);
	mmap_entry(0x100000, 0x1000000, 1);
	mb_close();
	mb_finish();
	cr_assert_eq(mb_parse(), 0);
	cr_expect_eq(bi.mmap_count, 0, "entry_size %u", entry_size);
	cr_expect(has_warning("entry_size invalid"), "entry_size %u", entry_size);
}

Test(multiboot2, mb2_parse_mmap_entry_size_0_ignores_map)
{
	expect_mmap_entry_size_rejected(0);
}

Test(multiboot2, mb2_parse_mmap_entry_size_4_ignores_map)
{
	expect_mmap_entry_size_rejected(4);
}

Test(multiboot2, mb2_parse_mmap_entry_size_20_ignores_map)
{
	expect_mmap_entry_size_rejected(20);
}

Test(multiboot2, mb2_parse_mmap_entry_size_not_multiple_of_8_ignores_map)
{
	expect_mmap_entry_size_rejected(28);
}

Test(multiboot2, mb2_parse_mmap_entry_size_32_reads_with_stride)
{
	mb_init();
	tag_mmap_open(32, 0);
	mmap_entry(0, 0x9fc00, 1);
	mb_put64(0xdeadbeef); /* the 8 extra bytes of a future entry */
	mmap_entry(0x100000, 0x1000000, 3);
	mb_put64(0xdeadbeef);
	mb_close();
	mb_finish();
	cr_assert_eq(mb_parse(), 0);
	cr_expect_eq(bi.warning_count, 0);
	cr_assert_eq(bi.mmap_count, 2);
	cr_expect_eq(bi.mmap[1].base, 0x100000);
	cr_expect_eq(bi.mmap[1].type, 3);
}

Test(multiboot2, mb2_parse_mmap_version_1_warns_and_reads)
{
	mb_init();
	tag_mmap_open(24, 1);
	mmap_entry(0, 0x9fc00, 1);
	mb_close();
	mb_finish();
	cr_assert_eq(mb_parse(), 0);
	cr_expect(has_warning("entry_version"));
	cr_expect_eq(bi.mmap_count, 1);
}

Test(multiboot2, mb2_parse_mmap_partial_entry_keeps_whole_ones)
{
	mb_init();
	tag_mmap_open(24, 0);
	mmap_entry(0, 0x9fc00, 1);
	mmap_entry(0x100000, 0x1000000, 1);
	mb_put64(0x2000000); /* 10 bytes of a third entry */
	mb_put16(1);
	mb_close();
	mb_finish();
	cr_assert_eq(mb_parse(), 0);
	cr_expect_eq(bi.mmap_count, 2);
	cr_expect(has_warning("partial entry"));
}

Test(multiboot2, mb2_parse_mmap_1000_entries_keeps_max_with_warning)
{
	mb_init();
	tag_mmap_open(24, 0);
	for (uint64_t i = 0; i < 1000; i++)
		mmap_entry(i * 0x1000, 0x1000, 1 + i % 5);
	mb_close();
	mb_finish();
	cr_assert_eq(mb_parse(), 0);
	cr_expect_eq(bi.mmap_count, BOOT_MMAP_MAX);
	cr_expect_eq(bi.mmap[BOOT_MMAP_MAX - 1].base, (BOOT_MMAP_MAX - 1) * 0x1000);
	cr_expect(has_warning("too many memory map entries"));
	cr_expect_eq(bi.warning_count, 1);
}

Test(multiboot2, mb2_parse_mmap_zero_length_and_overflow_dropped_in_order)
{
	mb_init();
	tag_mmap_open(24, 0);
	mmap_entry(0x0, 0x9fc00, 1);
	mmap_entry(0x9fc00, 0, 2);                          /* zero length */
	mmap_entry(0xfffffffffffff000ull, 0x2000, 2);       /* wraps */
	mmap_entry(0xfffffffffffff000ull, 0x1000, 2);       /* ends at 2^64 */
	mmap_entry(0xffffffffffffe000ull, 0x1000, 2);       /* fine */
	for (int i = 0; i < 500; i++)
		mmap_entry(0x1000, 0, 1); /* warned about once, not 500 times */
	mmap_entry(0x100000, 0x1000000, 1);
	mb_close();
	mb_finish();
	cr_assert_eq(mb_parse(), 0);
	cr_assert_eq(bi.mmap_count, 3);
	cr_expect_eq(bi.mmap[0].base, 0);
	cr_expect_eq(bi.mmap[1].base, 0xffffffffffffe000ull);
	cr_expect_eq(bi.mmap[2].base, 0x100000);
	cr_expect(has_warning("zero-length"));
	cr_expect(has_warning("past 2^64"));
	cr_expect_eq(bi.warning_count, 2);
}

Test(multiboot2, mb2_parse_second_mmap_tag_ignored_with_warning)
{
	mb_init();
	tag_mmap_open(24, 0);
	mmap_entry(0, 0x9fc00, 1);
	mb_close();
	tag_mmap_open(24, 0);
	mmap_entry(0x100000, 0x1000, 1);
	mb_close();
	mb_finish();
	cr_assert_eq(mb_parse(), 0);
	cr_expect_eq(bi.mmap_count, 1);
	cr_expect_eq(bi.mmap[0].base, 0);
	cr_expect(has_warning("more than one memory map"));
}

/* ---- framebuffer -------------------------------------------------------- */

static void expect_fb_rejected(const char *warning)
{
	mb_finish();
	cr_assert_eq(mb_parse(), 0);
	cr_expect_eq(bi.fb.type, BOOT_FB_NONE);
	cr_expect_eq(bi.fb.addr, 0);
	cr_expect(has_warning(warning), "missing warning '%s'", warning);
}

Test(multiboot2, mb2_parse_fb_pitch_0_gives_no_fb)
{
	mb_init();
	tag_fb_rgb(0xfd000000, 0, 1024, 768, 32);
	expect_fb_rejected("zero dimension");
}

Test(multiboot2, mb2_parse_fb_bpp_0_gives_no_fb)
{
	mb_init();
	tag_fb_rgb(0xfd000000, 4096, 1024, 768, 0);
	expect_fb_rejected("zero dimension");
}

Test(multiboot2, mb2_parse_fb_width_0_gives_no_fb)
{
	mb_init();
	tag_fb_rgb(0xfd000000, 4096, 0, 768, 32);
	expect_fb_rejected("zero dimension");
}

Test(multiboot2, mb2_parse_fb_pitch_below_width_gives_no_fb)
{
	mb_init();
	tag_fb_rgb(0xfd000000, 4095, 1024, 768, 32);
	expect_fb_rejected("pitch below");
}

Test(multiboot2, mb2_parse_fb_address_overflow_gives_no_fb)
{
	mb_init();
	tag_fb_rgb(0xffffffffffff0000ull, 4096, 1024, 768, 32);
	expect_fb_rejected("overflows");
}

Test(multiboot2, mb2_parse_fb_rgb_bpp_12_gives_no_fb)
{
	mb_init();
	tag_fb_rgb(0xfd000000, 4096, 1024, 768, 12);
	expect_fb_rejected("bpp unsupported");
}

Test(multiboot2, mb2_parse_fb_rgb_without_colour_info_gives_no_fb)
{
	mb_init();
	tag_fb_open(0xfd000000, 4096, 1024, 768, 32, 1);
	mb_close();
	expect_fb_rejected("RGB framebuffer tag too short");
}

Test(multiboot2, mb2_parse_fb_colour_field_outside_pixel_gives_no_fb)
{
	static const uint8_t fields[6] = { 11, 5, 5, 6, 0, 5 };

	mb_init();
	tag_fb_open(0xfd000000, 2048, 1024, 768, 15, 1); /* 11+5 > 15 */
	mb_put(fields, sizeof(fields));
	mb_close();
	expect_fb_rejected("colour field");
}

Test(multiboot2, mb2_parse_fb_tag_too_short_gives_no_fb)
{
	mb_init();
	mb_open(8);
	mb_put64(0xfd000000);
	mb_close();
	expect_fb_rejected("framebuffer tag too short");
}

Test(multiboot2, mb2_parse_fb_unknown_type_gives_no_fb)
{
	mb_init();
	tag_fb_open(0xfd000000, 4096, 1024, 768, 32, 7);
	mb_close();
	expect_fb_rejected("unknown framebuffer type");
}

Test(multiboot2, mb2_parse_fb_indexed_is_recorded)
{
	mb_init();
	tag_fb_open(0xa0000, 320, 320, 200, 8, 0);
	mb_put16(0); /* no palette colours */
	mb_close();
	mb_finish();
	cr_assert_eq(mb_parse(), 0);
	cr_expect_eq(bi.warning_count, 0);
	cr_expect_eq(bi.fb.type, BOOT_FB_INDEXED);
	cr_expect_eq(bi.fb.width, 320);
}

/* ---- modules, ACPI, EFI ------------------------------------------------- */

Test(multiboot2, mb2_parse_module_start_after_end_is_dropped)
{
	mb_init();
	tag_module(0x300000, 0x200000, "bad");
	tag_module(0x200000, 0x200000, "empty");
	tag_module(0x400000, 0x500000, "good");
	mb_finish();
	cr_assert_eq(mb_parse(), 0);
	cr_assert_eq(bi.module_count, 1);
	cr_expect_str_eq(bi.modules[0].string, "good");
	cr_expect(has_warning("start >= end"));
}

Test(multiboot2, mb2_parse_17_modules_keeps_max_with_warning)
{
	mb_init();
	for (uint32_t i = 0; i < BOOT_MODULES_MAX + 1; i++)
		tag_module(0x200000 + i * 0x1000, 0x200800 + i * 0x1000, "m");
	mb_finish();
	cr_assert_eq(mb_parse(), 0);
	cr_expect_eq(bi.module_count, BOOT_MODULES_MAX);
	cr_expect(has_warning("too many modules"));
}

Test(multiboot2, mb2_parse_module_tag_too_short_is_dropped)
{
	mb_init();
	mb_open(3);
	mb_put32(0x200000);
	mb_close();
	mb_finish();
	cr_assert_eq(mb_parse(), 0);
	cr_expect_eq(bi.module_count, 0);
	cr_expect(has_warning("module tag too short"));
}

Test(multiboot2, mb2_parse_rsdp_tags_too_short_are_ignored)
{
	uint8_t r[36];

	rsdp_bytes(r, sizeof(r), 2);
	mb_init();
	mb_open(14);
	mb_put(r, 19);
	mb_close();
	mb_open(15);
	mb_put(r, 20); /* a v1-sized RSDP in the v2 tag */
	mb_close();
	mb_finish();
	cr_assert_eq(mb_parse(), 0);
	cr_expect(!bi.has_rsdp_v1 && !bi.has_rsdp_v2);
	cr_expect(has_warning("ACPI v1 RSDP tag too short"));
	cr_expect(has_warning("ACPI v2 RSDP tag too short"));
}

Test(multiboot2, mb2_parse_efi64_tags_too_short_are_ignored)
{
	mb_init();
	mb_open(12);
	mb_put32(0x7f9ee018);
	mb_close();
	mb_open(20);
	mb_close();
	tag_u64(11, 0x1234); /* EFI32 system table: skipped silently */
	mb_finish();
	cr_assert_eq(mb_parse(), 0);
	cr_expect(!bi.has_efi64_systab && !bi.has_efi64_image_handle);
	cr_expect(has_warning("EFI64 system table tag too short"));
	cr_expect(has_warning("EFI64 image handle tag too short"));
	cr_expect_eq(bi.warning_count, 2);
}

Test(multiboot2, mb2_parse_many_problems_sets_warnings_truncated)
{
	mb_init();
	mb_open(1);
	mb_put("x", 1);
	mb_close();                         /* 1 cmdline no NUL */
	mb_open(2);
	mb_close();                         /* 2 loader no NUL */
	mb_open(3);
	mb_close();                         /* 3 module too short */
	tag_module(2, 1, "");               /* 4 start >= end */
	mb_open(3);
	mb_put32(1);
	mb_put32(2);
	mb_close();                         /* 5 module string no NUL */
	mb_open(4);
	mb_close();                         /* 6 meminfo short */
	mb_open(6);
	mb_close();                         /* 7 mmap short */
	tag_mmap_open(4, 0);
	mb_close();                         /* 8 entry_size */
	mb_open(8);
	mb_close();                         /* 9 fb short */
	tag_fb_rgb(0, 0, 0, 0, 0);          /* 10 fb zero dimension */
	mb_open(14);
	mb_close();                         /* 11 RSDP v1 */
	mb_open(15);
	mb_close();                         /* 12 RSDP v2 */
	mb_open(12);
	mb_close();                         /* 13 EFI64 */
	mb_open(20);
	mb_close();                         /* 14 EFI64 IH */
	tag_mmap_open(24, 1);               /* 15 version */
	mmap_entry(0, 0, 1);                /* 16 zero length */
	mmap_entry(~0ull, 2, 1);            /* 17 overflow */
	mb_close();
	mb_finish();
	cr_assert_eq(mb_parse(), 0);
	cr_expect_eq(bi.warning_count, BOOT_WARNINGS_MAX);
	cr_expect(bi.warnings_truncated);
	for (unsigned i = 0; i < BOOT_WARNINGS_MAX; i++)
		cr_expect_not_null(bi.warnings[i]);
}

/* ---- random input ------------------------------------------------------- */

static uint64_t rng_state;

static uint32_t rng(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng_state >> 33);
}

static void check_result_in_bounds(int ret)
{
	cr_assert(ret == 0 || ret == -EINVAL);
	cr_assert_leq(bi.warning_count, BOOT_WARNINGS_MAX);
	for (unsigned i = 0; i < bi.warning_count; i++)
		cr_assert_not_null(bi.warnings[i]);
	cr_assert_lt(strnlen(bi.cmdline, sizeof(bi.cmdline)), sizeof(bi.cmdline));
	cr_assert_lt(strnlen(bi.loader_name, sizeof(bi.loader_name)),
		     sizeof(bi.loader_name));
	cr_assert_leq(bi.mmap_count, BOOT_MMAP_MAX);
	for (unsigned i = 0; i < bi.mmap_count; i++) {
		cr_assert_neq(bi.mmap[i].length, 0);
		cr_assert_leq(bi.mmap[i].length, UINT64_MAX - bi.mmap[i].base);
	}
	cr_assert_leq(bi.module_count, BOOT_MODULES_MAX);
	for (unsigned i = 0; i < bi.module_count; i++) {
		const struct boot_module *m = &bi.modules[i];

		cr_assert_lt(m->start, m->end);
		cr_assert_lt(strnlen(m->string, sizeof(m->string)),
			     sizeof(m->string));
	}
	if (bi.fb.type != BOOT_FB_NONE) {
		cr_assert(bi.fb.width && bi.fb.height && bi.fb.bpp);
		cr_assert_geq((uint64_t)bi.fb.pitch * 8,
			      (uint64_t)bi.fb.width * bi.fb.bpp);
		cr_assert_leq((uint64_t)bi.fb.pitch * bi.fb.height,
			      UINT64_MAX - bi.fb.addr);
	}
	if (ret)
		cr_assert_eq(bi.info_size, 0);
}

Test(multiboot2, mb2_parse_random_bytes_stay_in_bounds)
{
	static uint8_t good[MB_BUF_SIZE];
	size_t good_len;

	build_realistic(true);
	good_len = mb.len;
	memcpy(good, mb.buf, good_len);
	rng_state = 0x5eed;

	for (int iter = 0; iter < 10000; iter++) {
		size_t len;
		uint8_t *buf;

		if (iter % 2) {
			/* Random bytes, usually with a believable total_size. */
			len = rng() % 1024;
			buf = malloc(len ? len : 1);
			for (size_t i = 0; i < len; i++)
				buf[i] = (uint8_t)rng();
			for (size_t off = 8; off + 8 <= len; off += 8 * (1 + rng() % 4))
				if (rng() % 2) {
					uint32_t t = rng() % 22, s = rng() % 96;

					memcpy(buf + off, &t, 4);
					memcpy(buf + off + 4, &s, 4);
				}
			if (len >= 4 && rng() % 4) {
				uint32_t total = (uint32_t)(len - rng() % 9);

				memcpy(buf, &total, 4);
			}
		} else {
			/* A good block with a few bytes flipped. */
			len = good_len;
			buf = malloc(len);
			memcpy(buf, good, len);
			for (int n = 1 + rng() % 8; n > 0; n--)
				buf[rng() % len] ^= (uint8_t)(1u << (rng() % 8));
		}
		check_result_in_bounds(mb2_parse(buf, len, INFO_PHYS, &bi));
		free(buf);
	}
}
