// SPDX-License-Identifier: MIT
/*
 * The Linux initial stack of a new program, built in a kernel buffer that
 * exec copies to the top of the user stack. The layout is Linux's (exec.c
 * copies the strings, binfmt_elf.c's create_elf_tables() the rest), from
 * the top down:
 *
 *   8 zero bytes | AT_EXECFN string | envp strings | argv strings
 *   | random gap (arch_align_stack(): < 8 KiB, then 16-byte aligned)
 *   | "x86_64" (AT_PLATFORM) | 16 AT_RANDOM bytes | padding
 *   | auxv pairs ... AT_NULL | NULL | envp[] | NULL | argv[] | argc  <- rsp
 *
 * rsp is 16-byte aligned where argc is, as the x86-64 ABI wants at process
 * entry. The strings are in ascending order (argv[0] lowest). The limits
 * are Linux's, checked in its order before anything is written: each
 * count at most MAX_ARG_STRINGS, each string (NUL included) at most
 * MAX_ARG_STRLEN, strings plus the argv/envp pointers within
 * user_stack_limit(); any miss is -E2BIG. With argc 0 the program gets
 * argv = { "" }, as Linux does since 5.18.
 *
 * Locking: none; the caller owns the arguments and the buffer.
 */
#include <xdv/errno.h>
#include <xdv/exec.h>
#include <xdv/string.h>

/*
 * user_stack_limit - see include/xdv/exec.h.
 * Context: any; pure.
 */
uint64_t user_stack_limit(uint64_t stack_rlimit)
{
	uint64_t limit = STK_LIM / 4 * 3;

	limit = MIN(limit, stack_rlimit / 4);
	return MAX(limit, (uint64_t)ARG_MAX_MIN);
}

/*
 * user_stack_buf_size - see include/xdv/exec.h.
 * Context: any; pure.
 */
size_t user_stack_buf_size(uint64_t stack_rlimit)
{
	uint64_t n = 8 + user_stack_limit(stack_rlimit) + 3 * 8 + USER_STACK_ALIGN_RND + 16 +
		     sizeof(USER_STACK_PLATFORM) + USER_STACK_RANDOM_BYTES +
		     USER_STACK_AUXV_WORDS * 8 + 16;

	return ALIGN_UP(n, 4096);
}

/* Bytes of all strings (NUL included), or -E2BIG as Linux's copy_strings(). */
static int user_stack_strings(const struct user_stack_args *a, uint64_t limit, uint64_t *total)
{
	uint64_t sum = 0;
	size_t len;

	len = strnlen(a->execfn, MAX_ARG_STRLEN) + 1;
	if (len > MAX_ARG_STRLEN || (sum += len) > limit)
		return -E2BIG;
	for (size_t i = a->envc; i-- > 0;) {
		len = strnlen(a->envp[i], MAX_ARG_STRLEN) + 1;
		if (len > MAX_ARG_STRLEN || (sum += len) > limit)
			return -E2BIG;
	}
	for (size_t i = a->argc; i-- > 0;) {
		len = strnlen(a->argv[i], MAX_ARG_STRLEN) + 1;
		if (len > MAX_ARG_STRLEN || (sum += len) > limit)
			return -E2BIG;
	}
	if (a->argc == 0 && (sum += 1) > limit)
		return -E2BIG; /* the "" Linux passes as argv[0] */
	*total = sum;
	return 0;
}

struct user_stack_writer {
	uint8_t *buf;
	size_t size;
	uint64_t top;
};

static void *user_stack_at(const struct user_stack_writer *w, uint64_t uaddr)
{
	return w->buf + (w->size - (w->top - uaddr));
}

static void user_stack_put(const struct user_stack_writer *w, uint64_t uaddr, uint64_t v)
{
	memcpy(user_stack_at(w, uaddr), &v, sizeof(v));
}

/* Copy one string at *pos (ascending); store its address at *slot. */
static void user_stack_string(const struct user_stack_writer *w, const char *s, uint64_t *pos,
			      uint64_t slot)
{
	size_t len = strlen(s) + 1; /* bounded by user_stack_strings() */

	memcpy(user_stack_at(w, *pos), s, len);
	if (slot)
		user_stack_put(w, slot, *pos);
	*pos += len;
}

/*
 * user_stack_build - see include/xdv/exec.h.
 * Context: any; pure. Locks: none.
 */
int user_stack_build(const struct user_stack_args *a, uint64_t stack_top, void *buf,
		     size_t buf_size, struct user_stack_layout *out)
{
	struct user_stack_writer w = { .buf = buf, .size = buf_size, .top = stack_top };
	uint64_t limit, ptrs, strings, p, sp, pos, slot, auxv;
	size_t argc = a->argc ? a->argc : 1;
	size_t items;
	int ret;

	memset(out, 0, sizeof(*out));
	if (a->argc > MAX_ARG_STRINGS || a->envc > MAX_ARG_STRINGS)
		return -E2BIG;
	/* bprm_stack_limits(): room for the pointers first, then the strings */
	limit = user_stack_limit(a->stack_rlimit);
	ptrs = ((uint64_t)argc + a->envc) * sizeof(uint64_t);
	if (limit <= ptrs)
		return -E2BIG;
	ret = user_stack_strings(a, limit - ptrs, &strings);
	if (ret)
		return ret;

	/* create_elf_tables(): addresses from the top down */
	p = stack_top - 8 - strings;
	out->strings = p;
	p -= a->align_rnd % USER_STACK_ALIGN_RND;
	p &= ~15ULL;
	p -= sizeof(USER_STACK_PLATFORM);
	out->platform = p;
	p -= USER_STACK_RANDOM_BYTES;
	out->random = p;
	items = (argc + 1) + (a->envc + 1) + 1;
	sp = (p - USER_STACK_AUXV_WORDS * 8 - items * 8) & ~15ULL;
	if (stack_top - sp > buf_size)
		return -ENOSPC;

	out->sp = sp;
	out->used = stack_top - sp;
	out->argc = argc;
	out->argv = sp + 8;
	out->envp = out->argv + (argc + 1) * 8;
	out->auxv = out->envp + (a->envc + 1) * 8;
	memset(user_stack_at(&w, sp), 0, out->used);

	/* strings, ascending: argv, envp, execfn; then the 8 zero bytes */
	pos = out->strings;
	user_stack_put(&w, sp, argc);
	slot = out->argv;
	if (a->argc == 0)
		user_stack_string(&w, "", &pos, slot);
	for (size_t i = 0; i < a->argc; i++, slot += 8)
		user_stack_string(&w, a->argv[i], &pos, slot);
	slot = out->envp;
	for (size_t i = 0; i < a->envc; i++, slot += 8)
		user_stack_string(&w, a->envp[i], &pos, slot);
	out->execfn = pos;
	user_stack_string(&w, a->execfn, &pos, 0);
	memcpy(user_stack_at(&w, out->platform), USER_STACK_PLATFORM, sizeof(USER_STACK_PLATFORM));
	memcpy(user_stack_at(&w, out->random), a->random, USER_STACK_RANDOM_BYTES);

	/* auxv in create_elf_tables()'s order (ARCH_DLINFO first; no vDSO yet) */
	const uint64_t pairs[USER_STACK_AUXV_WORDS] = {
		AT_MINSIGSTKSZ, a->minsigstksz,
		AT_HWCAP, a->hwcap,
		AT_PAGESZ, 4096,
		AT_CLKTCK, USER_STACK_CLKTCK,
		AT_PHDR, a->phdr,
		AT_PHENT, a->phent,
		AT_PHNUM, a->phnum,
		AT_BASE, a->base,
		AT_FLAGS, a->flags,
		AT_ENTRY, a->entry,
		AT_UID, a->uid,
		AT_EUID, a->euid,
		AT_GID, a->gid,
		AT_EGID, a->egid,
		AT_SECURE, a->secure,
		AT_RANDOM, out->random,
		AT_HWCAP2, a->hwcap2,
		AT_EXECFN, out->execfn,
		AT_PLATFORM, out->platform,
		AT_NULL, 0,
	};
	auxv = out->auxv;
	for (size_t i = 0; i < ARRAY_SIZE(pairs); i++, auxv += 8)
		user_stack_put(&w, auxv, pairs[i]);
	return 0;
}
