// SPDX-License-Identifier: MIT
/*
 * Host unit tests for memmap_usable() (memory/memmap.c): the QEMU/SeaBIOS
 * memory map with the kernel and boot information reserved, maps that lie
 * (the kernel's pages claimed free, overlapping entries of every
 * arrangement, unsorted, repeated, zero-length, overflowing lengths), the
 * max_phys limit, pieces smaller than a page, -E2BIG, and a fuzz loop that
 * compares the result with a brute-force model painting bytes of a small
 * address space and reading it back page by page.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <xdv/boot.h>
#include <xdv/errno.h>
#include "../../../memory/page.h"

#define AVAIL BOOT_MMAP_AVAILABLE
#define RES   BOOT_MMAP_RESERVED
#define ACPI  BOOT_MMAP_ACPI_RECLAIMABLE
#define NVS   BOOT_MMAP_ACPI_NVS
#define BAD   BOOT_MMAP_BAD

#define PG        0x1000ull
#define MAX_OUT   64
#define PHYS_36   (1ull << 36)

static struct phys_range out[MAX_OUT + 1];

/* An entry [start, end). */
static struct boot_mmap_entry E(uint64_t start, uint64_t end, uint32_t type)
{
	return (struct boot_mmap_entry){ start, end - start, type };
}

static int usable(const struct boot_mmap_entry *map, unsigned n, const struct phys_range *res,
		  unsigned nres, uint64_t max_phys)
{
	/* A canary past max_out catches writes beyond it. */
	memset(out, 0xa5, sizeof(out));
	int r = memmap_usable(map, n, res, nres, max_phys, out, MAX_OUT);

	cr_assert_eq(out[MAX_OUT].start, 0xa5a5a5a5a5a5a5a5ull);
	return r;
}

static void expect(int got, const struct phys_range *want, unsigned nwant)
{
	cr_assert_eq(got, (int)nwant, "%d ranges, expected %u", got, nwant);
	for (unsigned i = 0; i < nwant; i++) {
		cr_assert_eq(out[i].start, want[i].start, "range %u starts 0x%lx, expected 0x%lx", i,
			     (unsigned long)out[i].start, (unsigned long)want[i].start);
		cr_assert_eq(out[i].end, want[i].end, "range %u ends 0x%lx, expected 0x%lx", i,
			     (unsigned long)out[i].end, (unsigned long)want[i].end);
	}
}

#define EXPECT(got, ...)                                                    \
	do {                                                                \
		static const struct phys_range want_[] = { __VA_ARGS__ };   \
		expect((got), want_, ARRAY_SIZE(want_));                    \
	} while (0)

/* What QEMU's SeaBIOS reports for -m 256M (plus the high reserved windows). */
static const struct boot_mmap_entry qemu_map[] = {
	{ 0x0, 0x9fc00, AVAIL },
	{ 0x9fc00, 0x400, RES },
	{ 0xf0000, 0x10000, RES },
	{ 0x100000, 0xfee0000, AVAIL },
	{ 0xffe0000, 0x20000, RES },
	{ 0xfffc0000, 0x40000, RES },
	{ 0xfd00000000, 0x300000000, RES },
};

#define KERNEL_START 0x200000ull
#define KERNEL_END   0x2b1000ull
#define INFO_START   0x2b1a08ull /* the boot information, not page aligned */
#define INFO_END     0x2b2c50ull

static const struct phys_range kernel_res[] = {
	{ KERNEL_START, KERNEL_END },
	{ INFO_START, INFO_END },
};

TestSuite(memmap);

Test(memmap, qemu_map_without_reservations)
{
	EXPECT(usable(qemu_map, ARRAY_SIZE(qemu_map), NULL, 0, PHYS_36),
	       { 0, 0x9f000 }, { 0x100000, 0xffe0000 });
}

Test(memmap, qemu_map_kernel_and_info_reserved)
{
	EXPECT(usable(qemu_map, ARRAY_SIZE(qemu_map), kernel_res, ARRAY_SIZE(kernel_res), PHYS_36),
	       { 0, 0x9f000 }, { 0x100000, KERNEL_START }, { 0x2b3000, 0xffe0000 });
}

Test(memmap, qemu_map_pmm_reservations)
{
	/* As memory/pmm.c calls it: the first MiB, the image (with the page
	 * before it), the information block. */
	static const struct phys_range res[] = {
		{ 0, 0x100000 }, { KERNEL_START - PG, KERNEL_END }, { 0x10000, 0x10b48 },
	};

	EXPECT(usable(qemu_map, ARRAY_SIZE(qemu_map), res, ARRAY_SIZE(res), PHYS_36),
	       { 0x100000, KERNEL_START - PG }, { KERNEL_END, 0xffe0000 });
}

Test(memmap, map_claiming_kernel_free_reserved_still_wins)
{
	static const struct boot_mmap_entry map[] = {
		{ 0x100000, 0x7f00000, AVAIL },
		{ KERNEL_START, KERNEL_END - KERNEL_START, AVAIL }, /* lies, twice */
	};

	EXPECT(usable(map, 2, kernel_res, 2, PHYS_36),
	       { 0x100000, KERNEL_START }, { 0x2b3000, 0x8000000 });
}

/* One AVAILABLE [a0, a1) and one RESERVED [r0, r1), in both entry orders. */
static void overlap_case(uint64_t a0, uint64_t a1, uint64_t r0, uint64_t r1,
			 const struct phys_range *want, unsigned nwant)
{
	struct boot_mmap_entry map[2] = { E(a0, a1, AVAIL), E(r0, r1, RES) };
	struct boot_mmap_entry rev[2] = { map[1], map[0] };
	struct boot_mmap_entry acpi[2] = { map[0], E(r0, r1, ACPI) };
	struct phys_range res = { r0, r1 };

	expect(usable(map, 2, NULL, 0, PHYS_36), want, nwant);
	expect(usable(rev, 2, NULL, 0, PHYS_36), want, nwant);
	expect(usable(acpi, 2, NULL, 0, PHYS_36), want, nwant);
	/* The same hole made by a reserved[] range instead of an entry. */
	expect(usable(map, 1, &res, 1, PHYS_36), want, nwant);
}

Test(memmap, overlap_reserved_inside_available_splits_it)
{
	static const struct phys_range want[] = { { 0x10000, 0x14000 }, { 0x16000, 0x20000 } };

	overlap_case(0x10000, 0x20000, 0x14800, 0x15800, want, 2);
}

Test(memmap, overlap_reserved_contains_available_removes_it)
{
	overlap_case(0x10000, 0x20000, 0x8000, 0x28000, NULL, 0);
}

Test(memmap, overlap_identical_ranges_reserved_wins)
{
	overlap_case(0x10000, 0x20000, 0x10000, 0x20000, NULL, 0);
}

Test(memmap, overlap_left_and_right)
{
	static const struct phys_range right[] = { { 0x10000, 0x18000 } };
	static const struct phys_range left[] = { { 0x19000, 0x20000 } };

	overlap_case(0x10000, 0x20000, 0x18001, 0x30000, right, 1);
	overlap_case(0x10000, 0x20000, 0x0, 0x18fff, left, 1);
}

Test(memmap, overlap_touching_without_overlap)
{
	static const struct phys_range want[] = { { 0x10000, 0x20000 } };

	overlap_case(0x10000, 0x20000, 0x20000, 0x30000, want, 1);
	overlap_case(0x10000, 0x20000, 0x0, 0x10000, want, 1);
}

Test(memmap, unsorted_duplicated_and_zero_length_entries)
{
	static const struct boot_mmap_entry map[] = {
		{ 0x100000, 0x7f00000, AVAIL },
		{ 0x400000, 0, RES },          /* zero length: removes nothing */
		{ 0x0, 0x9fc00, AVAIL },
		{ 0x9fc00, 0x400, RES },
		{ 0x100000, 0x7f00000, AVAIL },
		{ 0x0, 0x9fc00, AVAIL },
		{ 0x9000000, 0, AVAIL },       /* zero length: adds nothing */
		{ 0xf0000, 0x10000, RES },
		{ 0x9fc00, 0x400, RES },
	};

	EXPECT(usable(map, ARRAY_SIZE(map), NULL, 0, PHYS_36),
	       { 0, 0x9f000 }, { 0x100000, 0x8000000 });
}

Test(memmap, adjacent_available_entries_merge_inside_a_page)
{
	static const struct boot_mmap_entry map[] = {
		{ 0x1800, 0x1800, AVAIL },
		{ 0x0, 0x1800, AVAIL },
		{ 0x3000, 0x5000, AVAIL },
	};

	EXPECT(usable(map, ARRAY_SIZE(map), NULL, 0, PHYS_36), { 0, 0x8000 });
}

Test(memmap, unknown_types_count_as_reserved)
{
	static const struct boot_mmap_entry map[] = {
		{ 0x0, 0x100000, AVAIL },
		{ 0x10000, 0x1000, 0 },
		{ 0x20000, 0x1000, NVS },
		{ 0x30000, 0x1000, BAD },
		{ 0x40000, 0x1000, 0xffffffff },
	};

	EXPECT(usable(map, ARRAY_SIZE(map), NULL, 0, PHYS_36),
	       { 0, 0x10000 }, { 0x11000, 0x20000 }, { 0x21000, 0x30000 },
	       { 0x31000, 0x40000 }, { 0x41000, 0x100000 });
}

Test(memmap, pieces_smaller_than_a_page_vanish)
{
	static const struct boot_mmap_entry map[] = {
		{ 0x1001, 0xffe, AVAIL },   /* inside one page */
		{ 0x5800, 0x1000, AVAIL },  /* straddles two pages, covers neither */
		{ 0x9000, 0xfff, AVAIL },   /* one byte short */
		{ 0xa001, 0x1000, AVAIL },  /* one byte late */
		{ 0x20000, 0x1000, AVAIL }, /* exactly one page: stays */
	};

	EXPECT(usable(map, ARRAY_SIZE(map), NULL, 0, PHYS_36), { 0x20000, 0x21000 });
}

Test(memmap, overflowing_length_clipped)
{
	static const struct boot_mmap_entry map[] = {
		{ 0x100000, UINT64_MAX, AVAIL },
		{ 0xfffffffffffff800ull, 0x10000, RES },
	};

	EXPECT(usable(map, 1, NULL, 0, PHYS_36), { 0x100000, PHYS_36 });
	EXPECT(usable(map, 1, NULL, 0, UINT64_MAX), { 0x100000, 0xfffffffffffff000ull });
	EXPECT(usable(map, 2, NULL, 0, UINT64_MAX), { 0x100000, 0xfffffffffffff000ull });
	EXPECT(usable(map, 2, NULL, 0, 0xfffffffffffff900ull), { 0x100000, 0xfffffffffffff000ull });
}

Test(memmap, available_at_the_very_top_of_memory)
{
	static const struct boot_mmap_entry map[] = {
		{ 0xffffffffffff0000ull, 0x10000, AVAIL }, /* ends exactly at 2^64 */
	};

	EXPECT(usable(map, 1, NULL, 0, UINT64_MAX), { 0xffffffffffff0000ull, 0xfffffffffffff000ull });
}

Test(memmap, max_phys_clips)
{
	static const struct boot_mmap_entry map[] = {
		{ 0x0, 0x9fc00, AVAIL },
		{ 0x100000, 1ull << 40, AVAIL },
		{ 1ull << 37, 1ull << 30, AVAIL }, /* wholly above 36 bits */
	};

	EXPECT(usable(map, ARRAY_SIZE(map), NULL, 0, PHYS_36), { 0, 0x9f000 }, { 0x100000, PHYS_36 });
	EXPECT(usable(map, ARRAY_SIZE(map), NULL, 0, 0x123456), { 0, 0x9f000 }, { 0x100000, 0x123000 });
	EXPECT(usable(map, ARRAY_SIZE(map), NULL, 0, 0x100fff), { 0, 0x9f000 });
	cr_assert_eq(usable(map, ARRAY_SIZE(map), NULL, 0, 0), 0);
	cr_assert_eq(usable(map, ARRAY_SIZE(map), NULL, 0, 0xfff), 0);
}

Test(memmap, reserved_unsorted_overlapping_and_outside)
{
	static const struct boot_mmap_entry map[] = { { 0x0, 0x100000, AVAIL } };
	static const struct phys_range res[] = {
		{ 0x50000, 0x60000 },
		{ 0x10000, 0x20000 },
		{ 0x18000, 0x30000 },         /* overlaps the one before */
		{ 0x55000, 0x56000 },         /* inside the first */
		{ 0x200000, 0x300000 },       /* outside the map */
		{ PHYS_36 + 1, UINT64_MAX },  /* above max_phys */
		{ 0x70000, 0x70000 },         /* empty */
	};

	EXPECT(usable(map, 1, res, ARRAY_SIZE(res), PHYS_36),
	       { 0, 0x10000 }, { 0x30000, 0x50000 }, { 0x60000, 0x100000 });
}

Test(memmap, reserved_inverted_range_reserves_to_the_top)
{
	static const struct boot_mmap_entry map[] = { { 0x0, 0x100000, AVAIL } };
	static const struct phys_range res[] = { { 0x80000, 0x1000 } };

	EXPECT(usable(map, 1, res, 1, PHYS_36), { 0, 0x80000 });
}

Test(memmap, many_overlapping_entries)
{
	struct boot_mmap_entry map[BOOT_MMAP_MAX];
	struct phys_range res[BOOT_MODULES_MAX];

	/* 128 AVAILABLE entries, all covering [0x800000, 0x1000000). */
	for (unsigned i = 0; i < BOOT_MMAP_MAX; i++)
		map[i] = E(0x800000 - i * 0x1000 - 7 * i, 0x1000000 + i * 0x3000, AVAIL);
	for (unsigned i = 0; i < BOOT_MODULES_MAX; i++)
		res[i] = (struct phys_range){ 0x900000 + i * 0x20000, 0x900000 + i * 0x20000 + 0x1001 };
	int n = usable(map, BOOT_MMAP_MAX, res, BOOT_MODULES_MAX, PHYS_36);

	cr_assert_eq(n, BOOT_MODULES_MAX + 1);
	cr_assert_eq(out[0].start, ALIGN_UP(0x800000 - 127 * 0x1000 - 7 * 127, PG));
	cr_assert_eq(out[0].end, 0x900000);
	for (unsigned i = 1; i < BOOT_MODULES_MAX; i++) {
		cr_assert_eq(out[i].start, 0x900000 + (i - 1) * 0x20000 + 0x2000);
		cr_assert_eq(out[i].end, 0x900000 + i * 0x20000);
	}
	cr_assert_eq(out[BOOT_MODULES_MAX].end, 0x1000000 + 127 * 0x3000);

	/* The same with one RESERVED entry over everything, last. */
	map[BOOT_MMAP_MAX - 1] = E(0, 0x10000000, RES);
	cr_assert_eq(usable(map, BOOT_MMAP_MAX, res, BOOT_MODULES_MAX, PHYS_36), 0);
}

Test(memmap, too_many_ranges_e2big_keeps_the_first)
{
	struct boot_mmap_entry map[10];
	struct phys_range small[4];

	for (unsigned i = 0; i < 10; i++)
		map[9 - i] = E(i * 0x10000, i * 0x10000 + 0x8000, AVAIL);
	cr_assert_eq(usable(map, 10, NULL, 0, PHYS_36), 10);
	memset(small, 0, sizeof(small));
	cr_assert_eq(memmap_usable(map, 10, NULL, 0, PHYS_36, small, 3), -E2BIG);
	for (unsigned i = 0; i < 3; i++) {
		cr_assert_eq(small[i].start, i * 0x10000);
		cr_assert_eq(small[i].end, i * 0x10000 + 0x8000);
	}
	cr_assert_eq(small[3].end, 0, "wrote past max_out");
	cr_assert_eq(memmap_usable(map, 10, NULL, 0, PHYS_36, small, 0), -E2BIG);
	cr_assert_eq(memmap_usable(map, 0, NULL, 0, PHYS_36, NULL, 0), 0);
	cr_assert_eq(memmap_usable(NULL, 5, NULL, 3, PHYS_36, NULL, 0), 0);
}

Test(memmap, exactly_max_out_ranges_fit)
{
	struct boot_mmap_entry map[4];
	struct phys_range small[4];

	for (unsigned i = 0; i < 4; i++)
		map[i] = E(i * 0x10000, i * 0x10000 + 0x8000, AVAIL);
	cr_assert_eq(memmap_usable(map, 4, NULL, 0, PHYS_36, small, 4), 4);
	cr_assert_eq(small[3].start, 0x30000);
}

/* ---- fuzz against a byte-painting model ------------------------------------ */

#define FUZZ_SPACE (0x140000ull) /* 1.25 MiB: 320 pages */
#define FUZZ_PAGES (FUZZ_SPACE / PG)

static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void paint(uint8_t *bytes, uint64_t start, uint64_t end, uint8_t v)
{
	if (end > FUZZ_SPACE)
		end = FUZZ_SPACE;
	if (start < end)
		memset(bytes + start, v, end - start);
}

static uint64_t fuzz_len(void)
{
	switch (rng() % 8) {
	case 0:
		return 0;
	case 1:
		return UINT64_MAX - rng() % 0x10000; /* overflows */
	case 2:
		return rng() % 0x2000;
	default:
		return rng() % 0x60000;
	}
}

Test(memmap, fuzz_against_per_page_model, .timeout = 120)
{
	static uint8_t avail[FUZZ_SPACE], unusable[FUZZ_SPACE];
	struct boot_mmap_entry map[24];
	struct phys_range res[6], want[FUZZ_PAGES], small[MAX_OUT];

	rng_state = 0x1234567887654321ull;
	for (unsigned iter = 0; iter < 3000; iter++) {
		unsigned n = rng() % 25, nres = rng() % 7, nwant = 0;
		uint64_t max_phys;

		memset(avail, 0, sizeof(avail));
		memset(unusable, 0, sizeof(unusable));
		for (unsigned i = 0; i < n; i++) {
			uint64_t base = rng() % FUZZ_SPACE;
			uint32_t type = rng() % 3 ? AVAIL : (uint32_t)(rng() % 7);

			if (rng() % 4 == 0)
				base &= ~(PG - 1);
			map[i] = (struct boot_mmap_entry){ base, fuzz_len(), type };
		}
		for (unsigned i = 0; i < nres; i++) {
			uint64_t s = rng() % FUZZ_SPACE, len = rng() % 0x20000;

			res[i] = (struct phys_range){ s, rng() % 16 ? s + len : s - len };
		}
		switch (rng() % 3) {
		case 0:
			max_phys = FUZZ_SPACE;
			break;
		case 1:
			max_phys = rng() % FUZZ_SPACE;
			break;
		default:
			max_phys = (rng() % FUZZ_PAGES) * PG;
		}

		/* The model: paint bytes, then read whole pages. */
		for (unsigned i = 0; i < n; i++) {
			uint64_t end = map[i].length > UINT64_MAX - map[i].base ?
					       UINT64_MAX : map[i].base + map[i].length;

			paint(map[i].type == AVAIL ? avail : unusable, map[i].base, end, 1);
		}
		for (unsigned i = 0; i < nres; i++)
			paint(unusable, res[i].start,
			      res[i].end < res[i].start ? UINT64_MAX : res[i].end, 1);
		paint(unusable, max_phys, FUZZ_SPACE, 1);
		for (uint64_t pg = 0; pg < FUZZ_PAGES; pg++) {
			/* Usable when every byte is available and none unusable. */
			if (memchr(avail + pg * PG, 0, PG) || memchr(unusable + pg * PG, 1, PG))
				continue;
			if (nwant && want[nwant - 1].end == pg * PG)
				want[nwant - 1].end += PG;
			else
				want[nwant++] = (struct phys_range){ pg * PG, (pg + 1) * PG };
		}

		int got = usable(map, n, res, nres, max_phys);

		cr_assert_leq(nwant, MAX_OUT);
		cr_assert_eq(got, (int)nwant, "iteration %u: %d ranges, model %u", iter, got, nwant);
		for (unsigned i = 0; i < nwant; i++)
			cr_assert(out[i].start == want[i].start && out[i].end == want[i].end,
				  "iteration %u range %u: [0x%lx, 0x%lx), model [0x%lx, 0x%lx)", iter,
				  i, (unsigned long)out[i].start, (unsigned long)out[i].end,
				  (unsigned long)want[i].start, (unsigned long)want[i].end);

		/* A random max_out: either all fit, or -E2BIG with the prefix. */
		unsigned max_out = rng() % (nwant + 2);
		int r = memmap_usable(map, n, res, nres, max_phys, small, max_out);

		if (max_out >= nwant) {
			cr_assert_eq(r, (int)nwant);
		} else {
			cr_assert_eq(r, -E2BIG);
			cr_assert_eq(memcmp(small, want, max_out * sizeof(*small)), 0);
		}
	}
}
