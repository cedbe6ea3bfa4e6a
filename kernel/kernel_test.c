// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of kernel/ in the booted kernel: the symbol table linked
 * into the image, printk's log ring and timestamps, the parsed boot
 * information and command line of this very boot, and the clock.
 */
#include <xdv/boot.h>
#include <xdv/cmdline.h>
#include <xdv/cpu.h>
#include <xdv/ktest.h>
#include <xdv/panic.h>
#include <xdv/printk.h>
#include <xdv/string.h>
#include <xdv/time.h>

void kernel_main(paddr_t boot_info_phys);

KTEST(ksyms, lookup_names_function_and_offset)
{
	uintptr_t off = 99;
	const char *name = ksym_lookup((uintptr_t)&kernel_main, &off);

	KTEST_EXPECT_STREQ(t, name, "kernel_main");
	KTEST_EXPECT_EQ(t, off, 0);
	name = ksym_lookup((uintptr_t)&ksym_lookup + 5, &off);
	KTEST_EXPECT_STREQ(t, name, "ksym_lookup");
	KTEST_EXPECT_EQ(t, off, 5);
}

KTEST(ksyms, lookup_outside_text_finds_nothing)
{
	uintptr_t off;
	static int data_object;

	KTEST_EXPECT(t, ksym_lookup((uintptr_t)&data_object, &off) == NULL);
	KTEST_EXPECT(t, ksym_lookup(0, &off) == NULL);
}

KTEST(printk, message_lands_in_log_with_timestamp)
{
	static char log[65536];
	char marker[48];

	snprintf(marker, sizeof(marker), "ktest-marker-%lx", (unsigned long)time_since_boot_ns());
	pr_debug("%s\n", marker);
	size_t n = printk_log_read(log, sizeof(log));
	const char *hit = NULL;

	KTEST_EXPECT(t, n > 0 && n < sizeof(log));
	for (const char *p = log; *p; p++)
		if (!strncmp(p, marker, strlen(marker)))
			hit = p;
	if (!KTEST_EXPECT(t, hit != NULL))
		return;
	/* "[    1.234567] " precedes it on its line. */
	KTEST_EXPECT(t, hit - log >= 15 && hit[-1] == ' ' && hit[-2] == ']');
}

KTEST(printk, snprintf_formats_like_c)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%5d|%-4s|%08lx|%p", -42, "ab", 0xbeefUL, (void *)0x1000);
	KTEST_EXPECT_STREQ(t, buf, "  -42|ab  |0000beef|0x0000000000001000");
}

KTEST(boot_info, grub_handed_over_a_sane_memory_map)
{
	uint64_t usable = 0;

	KTEST_EXPECT(t, !strncmp(boot_info.loader_name, "GRUB", 4));
	KTEST_EXPECT(t, boot_info.mmap_count >= 2);
	for (unsigned i = 0; i < boot_info.mmap_count; i++)
		if (boot_info.mmap[i].type == BOOT_MMAP_AVAILABLE)
			usable += boot_info.mmap[i].length;
	/* GRUB's basic meminfo counts the RAM from 1 MiB up to the first hole:
	 * the memory map must hold at least that much. */
	KTEST_EXPECT(t, boot_info.has_basic_meminfo);
	KTEST_EXPECT(t, usable >= (uint64_t)boot_info.mem_upper_kib << 10);
	KTEST_EXPECT(t, usable >= (16ULL << 20));
	KTEST_EXPECT_EQ(t, boot_info.warning_count, 0);
}

KTEST(boot_info, command_line_of_this_boot_was_parsed)
{
	KTEST_EXPECT(t, cmdline_has(&kernel_cmdline, "ktest"));
	KTEST_EXPECT_STREQ(t, boot_info.cmdline[0] ? "set" : "empty", "set");
}

KTEST(boot_info, acpi_rsdp_was_handed_over)
{
	/* Firmware without ACPI (-machine pc,acpi=off, old PCs): GRUB has no
	 * RSDP to hand over, and the kernel's own scan found none either. */
	if (!boot_info.has_rsdp_v1 && !boot_info.has_rsdp_v2 && !acpi_get()) {
		KTEST_SKIP(t, "no ACPI RSDP");
		return;
	}
	KTEST_EXPECT(t, boot_info.has_rsdp_v1 || boot_info.has_rsdp_v2);
	KTEST_EXPECT(t, !memcmp(boot_info.has_rsdp_v2 ? boot_info.rsdp_v2 : boot_info.rsdp_v1,
				"RSD PTR ", 8));
}

KTEST(time, clock_is_calibrated_and_monotonic)
{
	if (!time_tsc_khz()) {
		KTEST_SKIP(t, "no PIT to calibrate against");
		return;
	}
	uint64_t a = time_since_boot_ns();
	uint64_t b = time_since_boot_ns();

	KTEST_EXPECT(t, a > 0);
	KTEST_EXPECT(t, b >= a);
	/* The TSC of any x86-64 CPU runs between 100 MHz and 10 GHz, both
	 * included: Bochs's runs at exactly its 100 MHz "ips" setting. */
	KTEST_EXPECT(t, time_tsc_khz() >= 100000 && time_tsc_khz() <= 10000000);
}
