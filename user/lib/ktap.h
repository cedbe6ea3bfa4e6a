/* SPDX-License-Identifier: MIT */
/*
 * A tiny header-only KTAP reporter for XDV's user-space tests (user/tests/).
 *
 * A test program lists its cases in a table of struct ktap_case and ends
 * main with `return ktap_run(cases, KTAP_COUNT(cases));`. The output is
 * KTAP version 1: "KTAP version 1", the plan "1..N", one "ok N name" or
 * "not ok N name" per case, and "# ..." diagnostics. The exit status is 0
 * when every case passed, 1 otherwise, so the same binary is checked on the
 * Linux host (tests/system/user-host.sh) and, booted as init, on XDV.
 *
 * Output goes straight to descriptor 1 with write(2) (dprintf), never
 * through stdio's buffer, so a fork() never prints a line twice. A case
 * returns 1 for pass and 0 for fail; the KTAP_CHECK* macros print the
 * failing expression with its file, line and errno and return 0.
 */
#pragma once

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct ktap_case {
	const char *name;
	int (*fn)(void);
};

#define KTAP_COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define KTAP_CASE(f) { #f, f }

/* "# message": a diagnostic line. */
static inline void ktap_diag(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	dprintf(1, "# %.*s\n", n, buf);
}

#define KTAP_CHECK(cond)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			ktap_diag("%s:%d: check failed: %s (errno %d: %s)",    \
				  __FILE__, __LINE__, #cond, errno,            \
				  strerror(errno));                            \
			return 0;                                              \
		}                                                              \
	} while (0)

#define KTAP_CHECK_EQ(a, b)                                                    \
	do {                                                                   \
		long long ktap_a_ = (long long)(a), ktap_b_ = (long long)(b);  \
		if (ktap_a_ != ktap_b_) {                                      \
			ktap_diag("%s:%d: %s == %s failed: %lld != %lld "      \
				  "(errno %d)",                                \
				  __FILE__, __LINE__, #a, #b, ktap_a_,         \
				  ktap_b_, errno);                             \
			return 0;                                              \
		}                                                              \
	} while (0)

/* A call that must fail with errno E: KTAP_CHECK_ERR(open(...), ENOENT). */
#define KTAP_CHECK_ERR(call, e)                                                \
	do {                                                                   \
		errno = 0;                                                     \
		long ktap_r_ = (long)(call);                                   \
		int ktap_e_ = errno;                                           \
		if (ktap_r_ != -1 || ktap_e_ != (e)) {                         \
			ktap_diag("%s:%d: %s: want -1 errno %d (%s), got "     \
				  "%ld errno %d (%s)",                         \
				  __FILE__, __LINE__, #call, (e),              \
				  strerror(e), ktap_r_, ktap_e_,               \
				  strerror(ktap_e_));                          \
			return 0;                                              \
		}                                                              \
	} while (0)

static inline void ktap_plan(int n)
{
	dprintf(1, "KTAP version 1\n1..%d\n", n);
}

static inline void ktap_result(int number, int passed, const char *name)
{
	dprintf(1, "%sok %d %s\n", passed ? "" : "not ", number, name);
}

/*
 * Run every case in order, print the KTAP report and a closing
 * "# name: N passed, N failed" line. Return: the exit status (0 all passed).
 */
static inline int ktap_run_named(const char *suite, const struct ktap_case *cases, int n)
{
	int failed = 0;

	ktap_plan(n);
	for (int i = 0; i < n; i++) {
		int ok;

		errno = 0;
		ok = cases[i].fn();
		if (!ok)
			failed++;
		ktap_result(i + 1, ok, cases[i].name);
	}
	ktap_diag("%s: %d passed, %d failed", suite, n - failed, failed);
	return failed ? 1 : 0;
}

#define ktap_run(cases, n) ktap_run_named(__FILE__, (cases), (n))
