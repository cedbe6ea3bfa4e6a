// SPDX-License-Identifier: MIT
/*
 * For memory/'s in-kernel tests of misuse reports (heap_report_test.c,
 * page_poison_test.c): search the kept kernel log for the line a report
 * printed. Locks: none of memory/'s; printk_log_read takes the log's own.
 * The copy buffer is static: tests run one at a time.
 */
#include <xdv/printk.h>
#include <xdv/string.h>
#include "internal.h"

static char log_copy[64 * 1024];

static bool line_has(const char *line, const char *needle)
{
	size_t n = strlen(needle);

	for (const char *p = line; *p; p++)
		if (!strncmp(p, needle, n))
			return true;
	return false;
}

bool mm_test_log_has(const char *needle, const char *needle2)
{
	size_t n = printk_log_read(log_copy, sizeof(log_copy));

	for (char *line = log_copy; line < log_copy + n;) {
		char *eol = strchr(line, '\n');

		if (eol)
			*eol = '\0';
		if (line_has(line, needle) && line_has(line, needle2))
			return true;
		if (!eol)
			break;
		line = eol + 1;
	}
	return false;
}
