// SPDX-License-Identifier: MIT
/*
 * Host unit tests for the initial user stack (process/user_stack.c): the
 * layout read back word by word from the buffer as the program would see
 * it at the user addresses (argc, argv and envp pointers to the right
 * strings, NULL ends, every auxv pair in Linux's order, AT_RANDOM,
 * AT_PLATFORM and AT_EXECFN pointing at their bytes, rsp 16-byte aligned)
 * for every parity of argc and envc and several random gaps; argc 0; and
 * Linux's E2BIG limits at their exact boundaries.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <xdv/errno.h>
#include <xdv/exec.h>

#define TOP 0x7ffffffde000ULL

static uint8_t *buf;
static size_t buf_size;
static struct user_stack_layout L;

static void setup(void)
{
	buf_size = user_stack_buf_size(STK_LIM);
	buf = malloc(buf_size);
	cr_assert_not_null(buf);
	memset(buf, 0xa5, buf_size);
}

static void teardown(void)
{
	free(buf);
}

TestSuite(user_stack, .init = setup, .fini = teardown);

static const uint8_t *at(uint64_t uaddr)
{
	cr_assert(uaddr < TOP && TOP - uaddr <= buf_size, "address %#llx outside the image",
		  (unsigned long long)uaddr);
	return buf + buf_size - (TOP - uaddr);
}

static uint64_t word(uint64_t uaddr)
{
	uint64_t v;

	memcpy(&v, at(uaddr), 8);
	return v;
}

static const char *str(uint64_t uaddr)
{
	return (const char *)at(uaddr);
}

static struct user_stack_args base_args(void)
{
	struct user_stack_args a = {
		.execfn = "/bin/prog", .stack_rlimit = STK_LIM,
		.phdr = 0x400040, .phent = 56, .phnum = 6, .entry = 0x40105a, .base = 0,
		.flags = 0, .uid = 1000, .euid = 1001, .gid = 100, .egid = 101, .secure = 0,
		.hwcap = 0x178bfbff, .hwcap2 = 2, .minsigstksz = 3632,
	};

	for (int i = 0; i < USER_STACK_RANDOM_BYTES; i++)
		a.random[i] = 0x10 + i;
	return a;
}

static void check_layout(const struct user_stack_args *a)
{
	size_t argc = a->argc ? a->argc : 1;
	uint64_t p, aux;
	static const uint64_t tags[] = { AT_MINSIGSTKSZ, AT_HWCAP, AT_PAGESZ, AT_CLKTCK, AT_PHDR,
		AT_PHENT, AT_PHNUM, AT_BASE, AT_FLAGS, AT_ENTRY, AT_UID, AT_EUID, AT_GID, AT_EGID,
		AT_SECURE, AT_RANDOM, AT_HWCAP2, AT_EXECFN, AT_PLATFORM, AT_NULL };
	const uint64_t vals[] = { a->minsigstksz, a->hwcap, 4096, 100, a->phdr, a->phent,
		a->phnum, a->base, a->flags, a->entry, a->uid, a->euid, a->gid, a->egid, a->secure,
		L.random, a->hwcap2, L.execfn, L.platform, 0 };

	cr_assert_eq(L.sp % 16, 0, "rsp must be 16-byte aligned at argc");
	cr_assert_eq(L.used, TOP - L.sp);
	cr_assert_eq(word(L.sp), argc);
	cr_assert_eq(L.argv, L.sp + 8);
	/* the strings: contiguous, ascending from argv[0], ending 8 bytes below the top */
	p = L.strings;
	for (size_t i = 0; i < argc; i++) {
		const char *want = a->argc ? a->argv[i] : "";

		cr_assert_eq(word(L.argv + 8 * i), p, "argv[%zu]", i);
		cr_assert_str_eq(str(p), want);
		p += strlen(want) + 1;
	}
	cr_assert_eq(word(L.argv + 8 * argc), 0);
	cr_assert_eq(L.envp, L.argv + 8 * (argc + 1));
	for (size_t i = 0; i < a->envc; i++) {
		cr_assert_eq(word(L.envp + 8 * i), p, "envp[%zu]", i);
		cr_assert_str_eq(str(p), a->envp[i]);
		p += strlen(a->envp[i]) + 1;
	}
	cr_assert_eq(word(L.envp + 8 * a->envc), 0);
	cr_assert_eq(L.execfn, p);
	cr_assert_str_eq(str(p), a->execfn);
	p += strlen(a->execfn) + 1;
	cr_assert_eq(p, TOP - 8);
	cr_assert_eq(word(TOP - 8), 0, "8 zero bytes at the very top");
	/* auxv */
	cr_assert_eq(L.auxv, L.envp + 8 * (a->envc + 1));
	aux = L.auxv;
	for (size_t i = 0; i < ARRAY_SIZE(tags); i++, aux += 16) {
		cr_assert_eq(word(aux), tags[i], "auxv[%zu] tag", i);
		cr_assert_eq(word(aux + 8), vals[i], "auxv[%zu] value (tag %llu)", i,
			     (unsigned long long)tags[i]);
	}
	cr_assert(aux <= L.random, "auxv below the random bytes");
	cr_assert_eq(memcmp(at(L.random), a->random, 16), 0);
	cr_assert_eq(L.platform, L.random + 16);
	cr_assert_str_eq(str(L.platform), "x86_64");
	/* arch_align_stack(): the gap, then 16-byte alignment, then the platform */
	cr_assert_eq(L.platform + 7, (L.strings - a->align_rnd % 8192) & ~15ULL);
}

Test(user_stack, build_every_argc_envc_parity_layout_exact)
{
	static const char *argv[] = { "prog", "-v", "a longer argument", "x" };
	static const char *envp[] = { "HOME=/", "PATH=/bin:/sbin", "TERM=vt100" };
	static const uint32_t gaps[] = { 0, 1, 8, 15, 8191, 8192 + 24, 123456 };

	for (size_t argc = 0; argc <= 4; argc++)
		for (size_t envc = 0; envc <= 3; envc++)
			for (size_t g = 0; g < ARRAY_SIZE(gaps); g++) {
				struct user_stack_args a = base_args();

				a.argv = argv;
				a.argc = argc;
				a.envp = envp;
				a.envc = envc;
				a.align_rnd = gaps[g];
				cr_assert_eq(user_stack_build(&a, TOP, buf, buf_size, &L), 0);
				check_layout(&a);
			}
}

Test(user_stack, build_argc_zero_passes_empty_argv0)
{
	struct user_stack_args a = base_args();

	cr_assert_eq(user_stack_build(&a, TOP, buf, buf_size, &L), 0);
	cr_assert_eq(L.argc, 1);
	cr_assert_eq(word(L.sp), 1);
	cr_assert_str_eq(str(word(L.argv)), "");
	cr_assert_eq(word(L.argv + 8), 0);
}

Test(user_stack, limit_quarter_of_rlimit_bounded)
{
	cr_assert_eq(user_stack_limit(8 << 20), 2 << 20);
	cr_assert_eq(user_stack_limit(64 << 10), 128 << 10, "at least 32 pages");
	cr_assert_eq(user_stack_limit(1ULL << 30), 6 << 20, "at most 3/4 of _STK_LIM");
	cr_assert_eq(user_stack_limit(~0ULL), 6 << 20, "RLIM_INFINITY");
}

Test(user_stack, build_string_over_max_arg_strlen_e2big)
{
	struct user_stack_args a = base_args();
	char *s = malloc(MAX_ARG_STRLEN + 1);
	const char *argv[] = { s };

	memset(s, 'x', MAX_ARG_STRLEN);
	s[MAX_ARG_STRLEN - 1] = '\0'; /* 131071 + NUL: the longest allowed */
	a.argv = argv;
	a.argc = 1;
	cr_assert_eq(user_stack_build(&a, TOP, buf, buf_size, &L), 0);
	cr_assert_eq(strlen(str(word(L.argv))), MAX_ARG_STRLEN - 1);
	s[MAX_ARG_STRLEN - 1] = 'x';
	s[MAX_ARG_STRLEN] = '\0';
	cr_assert_eq(user_stack_build(&a, TOP, buf, buf_size, &L), -E2BIG);
	a.argc = 0;
	a.envp = argv;
	a.envc = 1;
	cr_assert_eq(user_stack_build(&a, TOP, buf, buf_size, &L), -E2BIG);
	a.envc = 0;
	a.execfn = s;
	cr_assert_eq(user_stack_build(&a, TOP, buf, buf_size, &L), -E2BIG);
	free(s);
}

Test(user_stack, build_total_at_limit_ok_one_more_byte_e2big)
{
	struct user_stack_args a = base_args();
	const char *argv[] = { "a" };
	const char *envp[16];
	char *big = malloc(MAX_ARG_STRLEN), *last = malloc(MAX_ARG_STRLEN);
	/* 2 MiB - 17 pointers; minus "a", "/x" and 15 strings of 128 KiB */
	size_t room = (2 << 20) - 17 * 8 - 2 - 3 - 15 * (size_t)MAX_ARG_STRLEN;

	memset(big, 'e', MAX_ARG_STRLEN);
	big[MAX_ARG_STRLEN - 1] = '\0';
	memset(last, 'f', room);
	last[room - 1] = '\0';
	for (int i = 0; i < 15; i++)
		envp[i] = big;
	envp[15] = last;
	a.argv = argv;
	a.argc = 1;
	a.envp = envp;
	a.envc = 16;
	a.execfn = "/x";
	cr_assert_eq(user_stack_build(&a, TOP, buf, buf_size, &L), 0);
	check_layout(&a);
	last[room - 1] = 'f';
	last[room] = '\0';
	cr_assert_eq(user_stack_build(&a, TOP, buf, buf_size, &L), -E2BIG);
	/* a bigger rlimit lifts the limit (the buffer still holds this much) */
	a.stack_rlimit = 16 << 20;
	cr_assert_eq(user_stack_build(&a, TOP, buf, buf_size, &L), 0);
	check_layout(&a);
	free(big);
	free(last);
}

Test(user_stack, build_pointers_alone_over_limit_e2big_before_reading)
{
	struct user_stack_args a = base_args();

	a.argv = NULL; /* never read: the pointer count fails first */
	a.argc = (2 << 20) / 8;
	cr_assert_eq(user_stack_build(&a, TOP, buf, buf_size, &L), -E2BIG);
	a.argc = (size_t)MAX_ARG_STRINGS + 1;
	cr_assert_eq(user_stack_build(&a, TOP, buf, buf_size, &L), -E2BIG);
	a.argc = 0;
	a.envp = NULL;
	a.envc = (size_t)MAX_ARG_STRINGS + 1;
	cr_assert_eq(user_stack_build(&a, TOP, buf, buf_size, &L), -E2BIG);
}

Test(user_stack, build_small_buffer_enospc)
{
	struct user_stack_args a = base_args();
	const char *argv[] = { "prog" };

	a.argv = argv;
	a.argc = 1;
	cr_assert_eq(user_stack_build(&a, TOP, buf, 256, &L), -ENOSPC);
	cr_assert_eq(user_stack_build(&a, TOP, buf, buf_size, &L), 0);
	cr_assert(L.used < 1024);
}
