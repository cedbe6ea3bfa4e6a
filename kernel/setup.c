// SPDX-License-Identifier: MIT
/*
 * The steps of kernel_main (kernel/main.c) that are more than one call:
 * reading the boot information safely, applying the command line, choosing
 * the consoles, and the messages that open and close the boot.
 *
 * Locks: none; boot CPU only, interrupts off.
 */
#include <xdv/boot.h>
#include <xdv/cmdline.h>
#include <xdv/console.h>
#include <xdv/cpu.h>
#include <xdv/string.h>
#include <xdv/drivers.h>
#include <xdv/errno.h>
#include <xdv/mm.h>
#include <xdv/panic.h>
#include <xdv/percpu.h>
#include <xdv/printk.h>
#include <xdv/time.h>
#include <xdv/arch/x86.h>
#include "internal.h"

#define XDV_VERSION "0.2"

/*
 * Parse the Multiboot2 block. Its first word is its size, which is
 * outside input like the rest: only what the direct map covers is read,
 * and a block that fails validation leaves boot_info empty (no command
 * line, no memory map, no framebuffer) rather than stopping the boot.
 */
void boot_info_load(paddr_t phys)
{
	size_t avail = 0;

	if (phys && phys_range_is_mapped(phys, 8))
		avail = MIN((uint64_t)BOOT_INFO_MAX_SIZE, BOOT_DIRECT_MAP_SIZE - phys);
	if (!avail || mb2_parse(phys_to_virt(phys), avail, phys, &boot_info) < 0)
		pr_err("boot: the Multiboot2 information at 0x%lx is unusable; "
		       "booting without it\n", phys);
}

void cmdline_setup(void)
{
	long level;

	if (cmdline_parse(&kernel_cmdline, boot_info.cmdline) == -E2BIG)
		pr_warn("cmdline: too long; parameters past the limit are ignored\n");
	if (cmdline_has(&kernel_cmdline, "quiet"))
		printk_set_console_level(LOG_LEVEL_QUIET);

	/* As Linux: loglevel=N shows messages of level below N; emergencies
	 * are always shown. */
	int err = cmdline_get_int(&kernel_cmdline, "loglevel", 0, 8, &level);

	if (err == 0)
		printk_set_console_level(MAX((int)level, 1));
	else if (err != -ENOENT)
		pr_warn("cmdline: loglevel= wants a number from 0 to 8\n");
}

void consoles_init(void)
{
	const struct boot_framebuffer *fb = &boot_info.fb;
	struct boot_framebuffer text;
	int err = 0;

	if (serial_init() < 0)
		pr_info("serial: no UART on COM1\n");
	/* No word from the loader on a BIOS PC: ask the VGA whether the screen
	 * was left in text mode (GRUB's gfxpayload=text fallback says nothing). */
	if (fb->type == BOOT_FB_NONE && !boot_info.has_efi64_systab && vga_text_probe(&text) == 0) {
		pr_info("console: no framebuffer from the loader; the VGA is in %ux%u text mode\n",
			text.width, text.height);
		fb = &text;
	}
	if (fb->type == BOOT_FB_EGA_TEXT)
		err = vga_text_init(fb);
	else if (fb->type == BOOT_FB_RGB)
		err = fbcon_init(fb);
	else if (fb->type == BOOT_FB_INDEXED)
		pr_warn("console: palette framebuffer not supported; no screen output\n");
	if (err)
		pr_warn("console: cannot use the screen the loader set up (error %d)\n", err);

	const char *wanted = cmdline_get(&kernel_cmdline, "console");

	if (wanted)
		console_select(wanted);
}

void banner_print(void)
{
	pr_notice("XDV Kernel v" XDV_VERSION " (built with gcc " __VERSION__ ")\n");
	pr_info("boot: %u console%s\n", console_count(), console_count() == 1 ? "" : "s");
}

/* Once the vmalloc area exists, draw on the framebuffer write-combining. */
void consoles_remap(void)
{
	int err = fbcon_remap();

	if (err && err != -ENODEV)
		pr_warn("console: framebuffer stays uncached-mapped (error %d)\n", err);
}

void initialized_print(void)
{
	uint64_t ns = time_since_boot_ns();
	struct pmm_stats st;

	pmm_get_stats(&st);
	pr_notice("XDV Kernel v" XDV_VERSION " initialized\n");
	pr_notice("  memory: %lu MiB free, %lu MiB used; CPUs: %u online; boot: %lu.%03lu ms\n",
		  (st.free_pages << PAGE_SHIFT) >> 20, (st.kernel_pages << PAGE_SHIFT) >> 20,
		  nr_cpus, ns / 1000000, (ns / 1000) % 1000);
}

/*
 * after_init=poweroff or after_init=reboot: do that once the kernel is up
 * (the tests use it to exercise power control on the real paths).
 */
void after_init_action(void)
{
	const char *what = cmdline_get(&kernel_cmdline, "after_init");

	if (!what)
		return;
	if (!strcmp(what, "poweroff"))
		machine_poweroff();
	if (!strcmp(what, "reboot"))
		machine_reboot();
	pr_warn("after_init=%s: unknown action (poweroff or reboot)\n", what);
}
