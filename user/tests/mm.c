// SPDX-License-Identifier: MIT
/*
 * Address-space tests: anonymous mmap is zeroed and page aligned; mmap's
 * argument errors; munmap of a middle page; mprotect; mremap grow, shrink
 * and move; MAP_FIXED and MAP_FIXED_NOREPLACE; madvise(MADV_DONTNEED);
 * a file mapping sees write()s and write() sees stores through a shared
 * mapping, not through a private one; brk growth and shrink. Every bad
 * access (write to a read-only page, read of a kernel address, NULL, an
 * unmapped page, memory above a shrunk brk) runs in a child that must end
 * by signal 11 while this process carries on.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../lib/ktap.h"
#include "../lib/util.h"

#define PG 4096UL

static const char *scratch;
static volatile char *target; /* what the faulting child touches */
static volatile char sink;

static int touch_read(void)
{
	sink = *target;
	return 0; /* reaching here is the failure: exit 0, not signal 11 */
}

static int touch_write(void)
{
	*target = 1;
	return 0;
}

/* Run a read or write of ADDR in a child; true if it ended by SIGSEGV. */
static int faults(volatile void *addr, int write)
{
	int status;

	target = addr;
	status = util_run_child(write ? touch_write : touch_read);
	if (!util_killed_by(status, SIGSEGV))
		ktap_diag("%s of %p: status %#x, want SIGSEGV", write ? "write" : "read", addr,
			  status);
	return util_killed_by(status, SIGSEGV);
}

static void *map_anon(size_t len, int prot)
{
	return mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static int mmap_anon_zeroed_aligned_writable(void)
{
	size_t len = 64 * PG;
	unsigned char *p = map_anon(len, PROT_READ | PROT_WRITE);

	KTAP_CHECK(p != MAP_FAILED);
	KTAP_CHECK(((uintptr_t)p & (PG - 1)) == 0);
	for (size_t i = 0; i < len; i += 512)
		KTAP_CHECK_EQ(p[i], 0);
	for (size_t i = 0; i < len; i += PG)
		p[i] = (unsigned char)(i / PG);
	for (size_t i = 0; i < len; i += PG)
		KTAP_CHECK_EQ(p[i], (unsigned char)(i / PG));
	KTAP_CHECK_EQ(munmap(p, len), 0);
	return 1;
}

static int mmap_bad_arguments_fail_linux_errnos(void)
{
	int fd;
	char path[600];

	KTAP_CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED &&
		   errno == EINVAL);
	KTAP_CHECK(mmap(NULL, PG, PROT_READ, MAP_ANONYMOUS, -1, 0) == MAP_FAILED &&
		   errno == EINVAL);
	KTAP_CHECK(mmap((void *)0x10000001, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
			-1, 0) == MAP_FAILED && errno == EINVAL);
	KTAP_CHECK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, 12345, 0) == MAP_FAILED &&
		   errno == EBADF);
	snprintf(path, sizeof(path), "%s/ro", scratch);
	fd = open(path, O_RDWR | O_CREAT, 0644);
	KTAP_CHECK(fd >= 0);
	KTAP_CHECK_EQ(ftruncate(fd, PG), 0);
	close(fd);
	fd = open(path, O_RDONLY);
	KTAP_CHECK(fd >= 0);
	KTAP_CHECK(mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED &&
		   errno == EACCES);
	KTAP_CHECK(mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 1) == MAP_FAILED && errno == EINVAL);
	close(fd);
	fd = open(path, O_WRONLY);
	KTAP_CHECK(fd >= 0);
	KTAP_CHECK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED && errno == EACCES);
	close(fd);
	KTAP_CHECK_ERR(munmap((void *)0x10000001, PG), EINVAL);
	KTAP_CHECK_ERR(munmap(NULL, 0), EINVAL);
	return 1;
}

static int munmap_middle_page_faults_neighbours_stay(void)
{
	char *p = map_anon(3 * PG, PROT_READ | PROT_WRITE);

	KTAP_CHECK(p != MAP_FAILED);
	memset(p, 'x', 3 * PG);
	KTAP_CHECK_EQ(munmap(p + PG, PG), 0);
	KTAP_CHECK(faults(p + PG, 0));
	KTAP_CHECK_EQ(p[0], 'x');
	KTAP_CHECK_EQ(p[3 * PG - 1], 'x');
	/* Unmapping what is not mapped is not an error. */
	KTAP_CHECK_EQ(munmap(p + PG, PG), 0);
	KTAP_CHECK_EQ(munmap(p, 3 * PG), 0);
	KTAP_CHECK(faults(p, 0));
	return 1;
}

static int mprotect_read_only_write_kills_child_only(void)
{
	char *p = map_anon(2 * PG, PROT_READ | PROT_WRITE);

	KTAP_CHECK(p != MAP_FAILED);
	strcpy(p, "kept");
	KTAP_CHECK_EQ(mprotect(p, PG, PROT_READ), 0);
	KTAP_CHECK(faults(p, 1));
	KTAP_CHECK_EQ(strcmp(p, "kept"), 0);
	p[PG] = 'w'; /* the second page is still writable */
	KTAP_CHECK_EQ(mprotect(p, PG, PROT_NONE), 0);
	KTAP_CHECK(faults(p, 0));
	KTAP_CHECK_EQ(mprotect(p, PG, PROT_READ | PROT_WRITE), 0);
	p[1] = 'i';
	KTAP_CHECK_EQ(strcmp(p, "kipt"), 0);
	/* syscall: musl rounds mprotect's start down itself */
	KTAP_CHECK_ERR(syscall(SYS_mprotect, p + 1, PG, PROT_READ), EINVAL);
	KTAP_CHECK_EQ(munmap(p, 2 * PG), 0);
	KTAP_CHECK_ERR(mprotect(p, PG, PROT_READ), ENOMEM);
	return 1;
}

static int read_only_file_mapping_write_kills_child(void)
{
	int fd;
	char path[600], *p;

	snprintf(path, sizeof(path), "%s/rofile", scratch);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	KTAP_CHECK(fd >= 0);
	KTAP_CHECK_EQ(write(fd, "abc", 3), 3);
	p = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
	KTAP_CHECK(p != MAP_FAILED);
	KTAP_CHECK(faults(p, 1));
	KTAP_CHECK_EQ(p[0], 'a');
	munmap(p, PG);
	close(fd);
	return 1;
}

static int kernel_and_null_reads_kill_child_only(void)
{
	KTAP_CHECK(faults((void *)0xffffffff80000000UL, 0));
	KTAP_CHECK(faults((void *)0xffff800000000000UL, 0));
	KTAP_CHECK(faults((void *)0xffffffff80000000UL, 1));
	KTAP_CHECK(faults(NULL, 0));
	KTAP_CHECK(faults((void *)16, 1));
	return 1;
}

static int mremap_grow_shrink_move_keep_contents(void)
{
	char *p = map_anon(2 * PG, PROT_READ | PROT_WRITE), *q, *r;
	char *fixed;

	KTAP_CHECK(p != MAP_FAILED);
	p[0] = 'a';
	p[PG] = 'b';
	q = mremap(p, 2 * PG, 64 * PG, MREMAP_MAYMOVE);
	KTAP_CHECK(q != MAP_FAILED);
	KTAP_CHECK_EQ(q[0], 'a');
	KTAP_CHECK_EQ(q[PG], 'b');
	KTAP_CHECK_EQ(q[63 * PG], 0);
	q[63 * PG] = 'z';
	r = mremap(q, 64 * PG, PG, 0);
	KTAP_CHECK(r == q);
	KTAP_CHECK_EQ(r[0], 'a');
	KTAP_CHECK(faults(q + PG, 0));
	/* Growing in place over a neighbour without MREMAP_MAYMOVE: ENOMEM. */
	fixed = mmap(r + PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	KTAP_CHECK(fixed == r + PG);
	KTAP_CHECK(mremap(r, PG, 2 * PG, 0) == MAP_FAILED && errno == ENOMEM);
	KTAP_CHECK(mremap(r, PG, 2 * PG, 0x80) == MAP_FAILED && errno == EINVAL);
	KTAP_CHECK(mremap(r + 1, PG, 2 * PG, MREMAP_MAYMOVE) == MAP_FAILED && errno == EINVAL);
	/* MREMAP_FIXED moves to a chosen place. */
	char *dest = map_anon(4 * PG, PROT_NONE);
	KTAP_CHECK(dest != MAP_FAILED);
	q = mremap(r, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, dest + 2 * PG);
	KTAP_CHECK(q == dest + 2 * PG);
	KTAP_CHECK_EQ(q[0], 'a');
	KTAP_CHECK(faults(r, 0));
	munmap(dest, 4 * PG);
	munmap(fixed, PG);
	return 1;
}

static int mmap_fixed_replaces_noreplace_fails_eexist(void)
{
	char *p = map_anon(4 * PG, PROT_READ | PROT_WRITE), *q;

	KTAP_CHECK(p != MAP_FAILED);
	memset(p, 'x', 4 * PG);
	q = mmap(p + PG, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	KTAP_CHECK(q == p + PG);
	KTAP_CHECK_EQ(q[0], 0);
	KTAP_CHECK_EQ(p[0], 'x');
	KTAP_CHECK_EQ(p[2 * PG], 'x');
	q = mmap(p + 2 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	KTAP_CHECK(q == MAP_FAILED && errno == EEXIST);
	KTAP_CHECK_EQ(munmap(p + 3 * PG, PG), 0);
	q = mmap(p + 3 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	KTAP_CHECK(q == p + 3 * PG);
	KTAP_CHECK_EQ(munmap(p, 4 * PG), 0);
	return 1;
}

static int mmap_free_hint_is_used(void)
{
	void *hint = (void *)0x300000000000UL;
	char *p = mmap(hint, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	KTAP_CHECK(p == hint);
	p[0] = 1;
	munmap(p, PG);
	return 1;
}

static int madvise_dontneed_private_anon_reads_zero(void)
{
	char *p = map_anon(4 * PG, PROT_READ | PROT_WRITE);

	KTAP_CHECK(p != MAP_FAILED);
	memset(p, 'q', 4 * PG);
	KTAP_CHECK_EQ(madvise(p + PG, 2 * PG, MADV_DONTNEED), 0);
	KTAP_CHECK_EQ(p[0], 'q');
	KTAP_CHECK_EQ(p[PG], 0);
	KTAP_CHECK_EQ(p[3 * PG - 1], 0);
	KTAP_CHECK_EQ(p[3 * PG], 'q');
	KTAP_CHECK_ERR(madvise(p + 1, PG, MADV_DONTNEED), EINVAL);
	munmap(p, 4 * PG);
	return 1;
}

static int file_mapping_sees_write_and_write_sees_store(void)
{
	char path[600], buf[16];
	char *shared, *priv;
	int fd;

	snprintf(path, sizeof(path), "%s/mapped", scratch);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	KTAP_CHECK(fd >= 0);
	KTAP_CHECK_EQ(ftruncate(fd, 2 * PG), 0);
	KTAP_CHECK_EQ(pwrite(fd, "hello", 5, 0), 5);
	shared = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	priv = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	KTAP_CHECK(shared != MAP_FAILED && priv != MAP_FAILED);
	KTAP_CHECK(memcmp(shared, "hello", 5) == 0);
	KTAP_CHECK(memcmp(priv, "hello", 5) == 0);
	/* write() after mapping: both mappings see it (private: not yet copied) */
	KTAP_CHECK_EQ(pwrite(fd, "WORLD", 5, PG), 5);
	KTAP_CHECK(memcmp(shared + PG, "WORLD", 5) == 0);
	KTAP_CHECK(memcmp(priv + PG, "WORLD", 5) == 0);
	/* store through the shared mapping: read() sees it */
	memcpy(shared + 100, "store", 5);
	KTAP_CHECK_EQ(pread(fd, buf, 5, 100), 5);
	KTAP_CHECK(memcmp(buf, "store", 5) == 0);
	KTAP_CHECK_EQ(msync(shared, 2 * PG, MS_SYNC), 0);
	/* store through the private mapping: the file and the shared view don't */
	memcpy(priv, "PRIVY", 5);
	KTAP_CHECK_EQ(pread(fd, buf, 5, 0), 5);
	KTAP_CHECK(memcmp(buf, "hello", 5) == 0);
	KTAP_CHECK(memcmp(shared, "hello", 5) == 0);
	/* and the copied private page no longer follows the file */
	KTAP_CHECK_EQ(pwrite(fd, "again", 5, 0), 5);
	KTAP_CHECK(memcmp(priv, "PRIVY", 5) == 0);
	KTAP_CHECK(memcmp(shared, "again", 5) == 0);
	/* a shared mapping survives close() of its descriptor */
	close(fd);
	KTAP_CHECK(memcmp(shared + 100, "store", 5) == 0);
	munmap(shared, 2 * PG);
	munmap(priv, 2 * PG);
	return 1;
}

static int shared_anon_mapping_shared_with_child(void)
{
	volatile int *p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int status;
	pid_t pid;

	KTAP_CHECK(p != MAP_FAILED);
	*p = 1;
	pid = fork();
	KTAP_CHECK(pid >= 0);
	if (pid == 0) {
		*p = 2;
		_exit(0);
	}
	KTAP_CHECK_EQ(waitpid(pid, &status, 0), pid);
	KTAP_CHECK_EQ(*p, 2);
	munmap((void *)p, PG);
	return 1;
}

static int brk_grows_and_shrinks(void)
{
	char *start = (char *)syscall(SYS_brk, 0), *end;

	KTAP_CHECK(start != NULL);
	end = (char *)syscall(SYS_brk, start + 256 * PG);
	KTAP_CHECK(end == start + 256 * PG);
	memset(start, 'b', 256 * PG);
	KTAP_CHECK_EQ(start[256 * PG - 1], 'b');
	end = (char *)syscall(SYS_brk, start + PG);
	KTAP_CHECK(end == start + PG);
	KTAP_CHECK_EQ(start[0], 'b');
	/* the freed pages are gone... */
	KTAP_CHECK(faults(start + 128 * PG, 0));
	/* ...and come back zeroed */
	end = (char *)syscall(SYS_brk, start + 256 * PG);
	KTAP_CHECK(end == start + 256 * PG);
	KTAP_CHECK_EQ(start[128 * PG], 0);
	/* an impossible request leaves the break where it was */
	end = (char *)syscall(SYS_brk, (char *)0xffff800000000000UL);
	KTAP_CHECK(end == start + 256 * PG);
	KTAP_CHECK((char *)syscall(SYS_brk, start) == start);
	return 1;
}

static int anon_4mib_touch_every_page(void)
{
	size_t len = 4UL << 20;
	unsigned char *p = map_anon(len, PROT_READ | PROT_WRITE);
	unsigned long sum = 0;

	KTAP_CHECK(p != MAP_FAILED);
	for (size_t i = 0; i < len; i += PG)
		p[i] = (unsigned char)(i >> 12);
	for (size_t i = 0; i < len; i += PG)
		sum += p[i];
	/* pages 0..1023 hold (page & 255): four times 0 + 1 + ... + 255 */
	KTAP_CHECK_EQ(sum, 4UL * (255 * 256 / 2));
	KTAP_CHECK_EQ(munmap(p, len), 0);
	return 1;
}

static const struct ktap_case cases[] = {
	KTAP_CASE(mmap_anon_zeroed_aligned_writable),
	KTAP_CASE(mmap_bad_arguments_fail_linux_errnos),
	KTAP_CASE(munmap_middle_page_faults_neighbours_stay),
	KTAP_CASE(mprotect_read_only_write_kills_child_only),
	KTAP_CASE(read_only_file_mapping_write_kills_child),
	KTAP_CASE(kernel_and_null_reads_kill_child_only),
	KTAP_CASE(mremap_grow_shrink_move_keep_contents),
	KTAP_CASE(mmap_fixed_replaces_noreplace_fails_eexist),
	KTAP_CASE(mmap_free_hint_is_used),
	KTAP_CASE(madvise_dontneed_private_anon_reads_zero),
	KTAP_CASE(file_mapping_sees_write_and_write_sees_store),
	KTAP_CASE(shared_anon_mapping_shared_with_child),
	KTAP_CASE(brk_grows_and_shrinks),
	KTAP_CASE(anon_4mib_touch_every_page),
};

int main(void)
{
	int status;

	scratch = util_scratch_dir("mm");
	status = ktap_run(cases, KTAP_COUNT(cases));
	util_scratch_remove();
	return status;
}
