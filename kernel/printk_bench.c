// SPDX-License-Identifier: MIT
/*
 * Benchmarks of the console path (make bench): formatting alone, and one
 * full printk line written to every console (serial, and the framebuffer
 * or text screen, which scrolls on every line once full).
 */
#include <xdv/kbench.h>
#include <xdv/printk.h>

KBENCH(snprintf_mixed_format, 100000)
{
	char buf[128];

	for (uint64_t i = 0; i < n; i++)
		snprintf(buf, sizeof(buf), "%s %5d %08lx %p", "bench", (int)i, i, (void *)buf);
	return n;
}

KBENCH(printk_line_to_all_consoles, 2000)
{
	for (uint64_t i = 0; i < n; i++)
		pr_notice("bench: a scrolling console line, number %lu of this run\n", i);
	return n;
}
