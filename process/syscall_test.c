// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of user mode (suite syscall): machine code in a
 * hand-mapped user page (process/user_test_util.h) runs in ring 3, makes
 * real SYSCALLs, and leaves its results in the page's data area, where
 * the test reads them after the process has exited:
 * getpid/getppid/gettid, an unknown number twice (-ENOSYS, logged once),
 * write to a tmpfs file on a descriptor the test opened, write from NULL
 * and from a kernel address (-EFAULT), uname and getrandom into user
 * memory, callee-saved registers kept across syscalls, exit_group(42).
 * A second program reads an unmapped address: only it ends (signal 11)
 * and the kernel goes on.
 *
 * Data area (USER_TEST_DATA): +0 fd (set by the test), +8 getpid,
 * +16/+24 the unknown syscall's results, +32 write, +40 write(NULL),
 * +48 write(kernel address), +56 getppid, +64 gettid, +72 uname,
 * +80 getrandom, +88 message length (set by the test), +96 and +104 two
 * descriptors of a file holding "abcdef" (set by the test), +112 read of
 * 16 bytes, +120 read of 6 into the page's last 3 bytes (short: 3),
 * +128 read(NULL) on the second descriptor (3 bytes left), +136
 * sched_yield, +144 read(kernel address), +152 getpid called with junk in
 * RAX's high half (Linux uses the low 32 bits),
 * +0x100 the struct new_utsname, +0x300 32 random bytes, +0x380 the
 * message, +0x400 the read buffer.
 *
 * The byte arrays are NASM output (bits 64, org USER_TEST_VA, assembled
 * with -f bin); each line's comment is its source line.
 */
#include <xdv/errno.h>
#include <xdv/ktest.h>
#include <xdv/string.h>
#include <xdv/syscall.h>
#include <xdv/utsname.h>
#include <xdv/vfs.h>
#include <uapi/xdv/utsname.h>
#include "user_test_util.h"

#define UNKNOWN_NR 400 /* unassigned on x86-64 (335-423 are) */
#define TEST_FD    10
#define TEST_FILE  "/syscall_test_write"
#define READ_FILE  "/syscall_test_read"
static const char test_msg[] = "hello from ring 3\n";

/* With org 0x10000000, DATA = 0x10000800, MSG = DATA + 0x380. */
static const uint8_t basic_code[] = {
	0x48, 0xbb, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, /* mov rbx, 0x1122334455667788 */
	0x11,
	0x49, 0x89, 0xdc,                        /* mov r12, rbx */
	0xb8, 0x27, 0x00, 0x00, 0x00,            /* mov eax, 39 */
	0x0f, 0x05,                              /* syscall */
	0x48, 0x89, 0x04, 0x25, 0x08, 0x08, 0x00, 0x10, /* mov [DATA+8], rax */
	0xb8, 0x90, 0x01, 0x00, 0x00,            /* mov eax, 400 */
	0x0f, 0x05,                              /* syscall */
	0x48, 0x89, 0x04, 0x25, 0x10, 0x08, 0x00, 0x10, /* mov [DATA+16], rax */
	0xb8, 0x90, 0x01, 0x00, 0x00,            /* mov eax, 400 */
	0x0f, 0x05,                              /* syscall */
	0x48, 0x89, 0x04, 0x25, 0x18, 0x08, 0x00, 0x10, /* mov [DATA+24], rax */
	0x48, 0x83, 0xf8, 0xda,                  /* cmp rax, -38 */
	0x0f, 0x85, 0x7a, 0x01, 0x00, 0x00,      /* jne fail */
	0x48, 0x8b, 0x3c, 0x25, 0x00, 0x08, 0x00, 0x10, /* mov rdi, [DATA] */
	0xbe, 0x80, 0x0b, 0x00, 0x10,            /* mov esi, MSG */
	0x8b, 0x14, 0x25, 0x58, 0x08, 0x00, 0x10, /* mov edx, [DATA+88] */
	0xb8, 0x01, 0x00, 0x00, 0x00,            /* mov eax, 1 */
	0x0f, 0x05,                              /* syscall */
	0x48, 0x89, 0x04, 0x25, 0x20, 0x08, 0x00, 0x10, /* mov [DATA+32], rax */
	0x48, 0x8b, 0x3c, 0x25, 0x00, 0x08, 0x00, 0x10, /* mov rdi, [DATA] */
	0x31, 0xf6,                              /* xor esi, esi */
	0xba, 0x05, 0x00, 0x00, 0x00,            /* mov edx, 5 */
	0xb8, 0x01, 0x00, 0x00, 0x00,            /* mov eax, 1 */
	0x0f, 0x05,                              /* syscall */
	0x48, 0x89, 0x04, 0x25, 0x28, 0x08, 0x00, 0x10, /* mov [DATA+40], rax */
	0x48, 0x8b, 0x3c, 0x25, 0x00, 0x08, 0x00, 0x10, /* mov rdi, [DATA] */
	0x48, 0xc7, 0xc6, 0x00, 0x00, 0x10, 0x80, /* mov rsi, 0xffffffff80100000 */
	0xba, 0x05, 0x00, 0x00, 0x00,            /* mov edx, 5 */
	0xb8, 0x01, 0x00, 0x00, 0x00,            /* mov eax, 1 */
	0x0f, 0x05,                              /* syscall */
	0x48, 0x89, 0x04, 0x25, 0x30, 0x08, 0x00, 0x10, /* mov [DATA+48], rax */
	0xb8, 0x6e, 0x00, 0x00, 0x00,            /* mov eax, 110 */
	0x0f, 0x05,                              /* syscall */
	0x48, 0x89, 0x04, 0x25, 0x38, 0x08, 0x00, 0x10, /* mov [DATA+56], rax */
	0xb8, 0xba, 0x00, 0x00, 0x00,            /* mov eax, 186 */
	0x0f, 0x05,                              /* syscall */
	0x48, 0x89, 0x04, 0x25, 0x40, 0x08, 0x00, 0x10, /* mov [DATA+64], rax */
	0xbf, 0x00, 0x09, 0x00, 0x10,            /* mov edi, DATA+0x100 */
	0xb8, 0x3f, 0x00, 0x00, 0x00,            /* mov eax, 63 */
	0x0f, 0x05,                              /* syscall */
	0x48, 0x89, 0x04, 0x25, 0x48, 0x08, 0x00, 0x10, /* mov [DATA+72], rax */
	0xbf, 0x00, 0x0b, 0x00, 0x10,            /* mov edi, DATA+0x300 */
	0xbe, 0x20, 0x00, 0x00, 0x00,            /* mov esi, 32 */
	0x31, 0xd2,                              /* xor edx, edx */
	0xb8, 0x3e, 0x01, 0x00, 0x00,            /* mov eax, 318 */
	0x0f, 0x05,                              /* syscall */
	0x48, 0x89, 0x04, 0x25, 0x50, 0x08, 0x00, 0x10, /* mov [DATA+80], rax */
	0x48, 0x8b, 0x3c, 0x25, 0x60, 0x08, 0x00, 0x10, /* mov rdi, [DATA+96] */
	0xbe, 0x00, 0x0c, 0x00, 0x10,            /* mov esi, DATA+0x400 */
	0xba, 0x10, 0x00, 0x00, 0x00,            /* mov edx, 16 */
	0xb8, 0x00, 0x00, 0x00, 0x00,            /* mov eax, 0 */
	0x0f, 0x05,                              /* syscall */
	0x48, 0x89, 0x04, 0x25, 0x70, 0x08, 0x00, 0x10, /* mov [DATA+112], rax */
	0x48, 0x8b, 0x3c, 0x25, 0x68, 0x08, 0x00, 0x10, /* mov rdi, [DATA+104] */
	0xbe, 0xfd, 0x0f, 0x00, 0x10,            /* mov esi, 0x10000ffd */
	0xba, 0x06, 0x00, 0x00, 0x00,            /* mov edx, 6 */
	0xb8, 0x00, 0x00, 0x00, 0x00,            /* mov eax, 0 */
	0x0f, 0x05,                              /* syscall */
	0x48, 0x89, 0x04, 0x25, 0x78, 0x08, 0x00, 0x10, /* mov [DATA+120], rax */
	0x48, 0x8b, 0x3c, 0x25, 0x68, 0x08, 0x00, 0x10, /* mov rdi, [DATA+104] */
	0x31, 0xf6,                              /* xor esi, esi */
	0xba, 0x05, 0x00, 0x00, 0x00,            /* mov edx, 5 */
	0xb8, 0x00, 0x00, 0x00, 0x00,            /* mov eax, 0 */
	0x0f, 0x05,                              /* syscall */
	0x48, 0x89, 0x04, 0x25, 0x80, 0x08, 0x00, 0x10, /* mov [DATA+128], rax */
	0x48, 0x8b, 0x3c, 0x25, 0x60, 0x08, 0x00, 0x10, /* mov rdi, [DATA+96] */
	0x48, 0xbe, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0xff, /* mov rsi, 0xffff800000000000 */
	0xff,
	0xba, 0x05, 0x00, 0x00, 0x00,            /* mov edx, 5 */
	0xb8, 0x00, 0x00, 0x00, 0x00,            /* mov eax, 0 */
	0x0f, 0x05,                              /* syscall */
	0x48, 0x89, 0x04, 0x25, 0x90, 0x08, 0x00, 0x10, /* mov [DATA+144], rax */
	0xb8, 0x18, 0x00, 0x00, 0x00,            /* mov eax, 24 */
	0x0f, 0x05,                              /* syscall */
	0x48, 0x89, 0x04, 0x25, 0x88, 0x08, 0x00, 0x10, /* mov [DATA+136], rax */
	0x48, 0xb8, 0x27, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, /* mov rax, 0x100000027 */
	0x00,
	0x0f, 0x05,                              /* syscall */
	0x48, 0x89, 0x04, 0x25, 0x98, 0x08, 0x00, 0x10, /* mov [DATA+152], rax */
	0x4c, 0x39, 0xe3,                        /* cmp rbx, r12 */
	0x75, 0x1b,                              /* jne fail */
	0x48, 0xb8, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, /* mov rax, 0x1122334455667788 */
	0x11,
	0x48, 0x39, 0xc3,                        /* cmp rbx, rax */
	0x75, 0x0c,                              /* jne fail */
	0xbf, 0x2a, 0x00, 0x00, 0x00,            /* mov edi, 42 */
	0xb8, 0xe7, 0x00, 0x00, 0x00,            /* mov eax, 231 */
	0x0f, 0x05,                              /* syscall */
	/* fail: */
	0xbf, 0x01, 0x00, 0x00, 0x00,            /* mov edi, 1 */
	0xb8, 0xe7, 0x00, 0x00, 0x00,            /* mov eax, 231 */
	0x0f, 0x05,                              /* syscall */
	0x0f, 0x0b,                              /* ud2 */
};

/* Reads an address no page maps. */
static const uint8_t fault_code[] = {
	0x48, 0x8b, 0x04, 0x25, 0x00, 0x00, 0x00, 0x20, /* mov rax, [0x20000000] */
	0xbf, 0x03, 0x00, 0x00, 0x00,            /* mov edi, 3 */
	0xb8, 0xe7, 0x00, 0x00, 0x00,            /* mov eax, 231 */
	0x0f, 0x05,                              /* syscall */
};

/*
 * A syscall made with the trap flag set: R11 then holds TF, so the return
 * takes the IRET path (SYSRET is only for "plain" flags; the entry code
 * counts those returns). It returns to the right place with the result, and the
 * single-step trap after the next user instruction ends the program with
 * SIGTRAP; no #DB is taken in the kernel.
 */
static const uint8_t trap_flag_code[] = {
	0xbc, 0x00, 0x10, 0x00, 0x10,            /* mov rsp, 0x10001000 */
	0xb8, 0x27, 0x00, 0x00, 0x00,            /* mov eax, 39 */
	0x9c,                                    /* pushfq */
	0x48, 0x81, 0x0c, 0x24, 0x00, 0x01, 0x00, 0x00, /* or qword [rsp], 0x100 */
	0x9d,                                    /* popfq */
	0x0f, 0x05,                              /* syscall */
	0x48, 0x89, 0x04, 0x25, 0x08, 0x08, 0x00, 0x10, /* mov [DATA+8], rax */
	0x48, 0xc7, 0x04, 0x25, 0x10, 0x08, 0x00, 0x10, 0x01, /* mov qword [DATA+16], 1 */
	0x00, 0x00, 0x00,
	0xbf, 0x09, 0x00, 0x00, 0x00,            /* mov edi, 9 */
	0xb8, 0xe7, 0x00, 0x00, 0x00,            /* mov eax, 231 */
	0x0f, 0x05,                              /* syscall */
};

static uint64_t data_u64(const uint8_t *data, unsigned off)
{
	uint64_t v;

	memcpy(&v, data + off, sizeof(v));
	return v;
}

static void data_put_u64(uint8_t *data, unsigned off, uint64_t v)
{
	memcpy(data + off, &v, sizeof(v));
}

KTEST(syscall, user_program_syscalls_return_linux_results_and_exit_status)
{
	uint8_t *data;
	struct file *f;
	int status = -1;
	pid_t pid = 0;
	unsigned long logged_before = syscall_unknown_logged();
	bool was_logged = syscall_unknown_was_logged(UNKNOWN_NR);

	if (!KTEST_EXPECT_EQ(t, user_test_map(basic_code, sizeof(basic_code), &data), 0))
		return;
	if (!KTEST_EXPECT_EQ(t, vfs_open(TEST_FILE, O_CREAT | O_RDWR | O_TRUNC, 0644, &f), 0))
		goto out_unmap;

	int fd = fd_install(fd_table_current(), file_get(f), TEST_FD, false);

	KTEST_EXPECT_EQ(t, fd, TEST_FD);
	data_put_u64(data, 0, (uint64_t)fd);

	struct file *r;
	loff_t rpos = 0;

	if (!KTEST_EXPECT_EQ(t, vfs_open(READ_FILE, O_CREAT | O_RDWR | O_TRUNC, 0644, &r), 0))
		goto out_unmap;
	KTEST_EXPECT_EQ(t, kernel_write(r, "abcdef", 6, &rpos), 6);

	int rfd1 = fd_install(fd_table_current(), r, TEST_FD + 1, false);
	int rfd2 = -1;

	if (vfs_open(READ_FILE, O_RDONLY, 0, &r) == 0)
		rfd2 = fd_install(fd_table_current(), r, TEST_FD + 2, false);
	KTEST_EXPECT(t, rfd1 > 0 && rfd2 > 0);
	data_put_u64(data, 96, (uint64_t)rfd1);
	data_put_u64(data, 104, (uint64_t)rfd2);
	data_put_u64(data, 88, sizeof(test_msg) - 1);
	memcpy(data + 0x380, test_msg, sizeof(test_msg) - 1);

	uint64_t irets = __atomic_load_n(&syscall_iret_returns, __ATOMIC_RELAXED);

	KTEST_EXPECT_EQ(t, user_test_run("usertest", &status, &pid), 0);
	/* Ordinary returns all took SYSRET (no other user code runs now). */
	KTEST_EXPECT_EQ(t, __atomic_load_n(&syscall_iret_returns, __ATOMIC_RELAXED), irets);
	fd_close(fd_table_current(), fd);
	fd_close(fd_table_current(), rfd1);
	if (rfd2 >= 0)
		fd_close(fd_table_current(), rfd2);

	/* The program got to exit_group(42), not to its failure exit. */
	KTEST_EXPECT_EQ(t, status, WAIT_STATUS_EXITED(42));
	KTEST_EXPECT_EQ(t, data_u64(data, 8), (uint64_t)pid);
	KTEST_EXPECT_EQ(t, data_u64(data, 16), (uint64_t)-ENOSYS);
	KTEST_EXPECT_EQ(t, data_u64(data, 24), (uint64_t)-ENOSYS);
	KTEST_EXPECT_EQ(t, data_u64(data, 32), sizeof(test_msg) - 1);
	KTEST_EXPECT_EQ(t, data_u64(data, 40), (uint64_t)-EFAULT);
	KTEST_EXPECT_EQ(t, data_u64(data, 48), (uint64_t)-EFAULT);
	KTEST_EXPECT_EQ(t, data_u64(data, 56), 0); /* a child of the kernel */
	KTEST_EXPECT_EQ(t, data_u64(data, 64), (uint64_t)pid); /* its first thread */
	KTEST_EXPECT_EQ(t, data_u64(data, 72), 0);
	KTEST_EXPECT_EQ(t, data_u64(data, 80), 32);
	KTEST_EXPECT_EQ(t, data_u64(data, 112), 6);
	KTEST_EXPECT(t, memcmp(data + 0x400, "abcdef", 6) == 0);
	KTEST_EXPECT_EQ(t, data_u64(data, 120), 3); /* a fault after 3 bytes: short */
	KTEST_EXPECT(t, memcmp(data + 0x7FD, "abc", 3) == 0);
	KTEST_EXPECT_EQ(t, data_u64(data, 128), (uint64_t)-EFAULT);
	KTEST_EXPECT_EQ(t, data_u64(data, 136), 0);
	KTEST_EXPECT_EQ(t, data_u64(data, 144), (uint64_t)-EFAULT);
	KTEST_EXPECT_EQ(t, data_u64(data, 152), (uint64_t)pid);

	/* Logged once although called twice (once in all if a run before
	 * this one already logged it). */
	KTEST_EXPECT(t, syscall_unknown_was_logged(UNKNOWN_NR));
	KTEST_EXPECT_EQ(t, syscall_unknown_logged() - logged_before, was_logged ? 0 : 1);

	const struct new_utsname *u = (const void *)(data + 0x100);

	KTEST_EXPECT_STREQ(t, u->sysname, "Linux");
	KTEST_EXPECT_STREQ(t, u->release, UTS_RELEASE);
	KTEST_EXPECT_STREQ(t, u->machine, "x86_64");
	KTEST_EXPECT(t, strncmp(u->version, "XDV Kernel v0.2", 15) == 0);

	uint8_t zero[32] = { 0 };

	KTEST_EXPECT(t, memcmp(data + 0x300, zero, sizeof(zero)) != 0);

	/* What it wrote is in the file. */
	char buf[64] = { 0 };
	loff_t pos = 0;

	KTEST_EXPECT_EQ(t, kernel_read(f, buf, sizeof(buf), &pos), sizeof(test_msg) - 1);
	KTEST_EXPECT_STREQ(t, buf, test_msg);
	file_put(f);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, TEST_FILE, 0), 0);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, READ_FILE, 0), 0);
out_unmap:
	user_test_unmap();
}

KTEST(syscall, user_page_fault_ends_only_that_process_with_signal_11)
{
	uint8_t *data;
	int status = -1;
	pid_t pid;

	if (!KTEST_EXPECT_EQ(t, user_test_map(fault_code, sizeof(fault_code), &data), 0))
		return;
	KTEST_EXPECT_EQ(t, user_test_run("userfault", &status, &pid), 0);
	KTEST_EXPECT_EQ(t, status, WAIT_STATUS_SIGNALED(SIGSEGV));
	user_test_unmap();

	/* The kernel goes on: the same program shape runs again. */
	if (!KTEST_EXPECT_EQ(t, user_test_map(fault_code, sizeof(fault_code), &data), 0))
		return;
	KTEST_EXPECT_EQ(t, user_test_run("userfault2", &status, &pid), 0);
	KTEST_EXPECT_EQ(t, status, WAIT_STATUS_SIGNALED(SIGSEGV));
	user_test_unmap();
}

/* Handlers called directly with a made-up register frame: argument checks. */
KTEST(syscall, handlers_reject_bad_arguments_with_linux_errors)
{
	struct pt_regs regs;
	char kbuf[8];

	memset(&regs, 0, sizeof(regs));
	regs.rdi = USER_TEST_VA; /* nothing mapped there now */
	regs.rsi = 16;
	regs.rdx = 0x8; /* not a getrandom flag */
	KTEST_EXPECT_EQ(t, sys_getrandom(&regs), (uint64_t)-EINVAL);
	regs.rdx = 0x2 | 0x4; /* GRND_RANDOM | GRND_INSECURE */
	KTEST_EXPECT_EQ(t, sys_getrandom(&regs), (uint64_t)-EINVAL);
	regs.rdx = 0;
	KTEST_EXPECT_EQ(t, sys_getrandom(&regs), (uint64_t)-EFAULT); /* unmapped */
	regs.rdi = (uintptr_t)kbuf; /* a kernel buffer is not user memory */
	KTEST_EXPECT_EQ(t, sys_getrandom(&regs), (uint64_t)-EFAULT);
	regs.rsi = 0;
	KTEST_EXPECT_EQ(t, sys_getrandom(&regs), 0);

	memset(&regs, 0, sizeof(regs));
	regs.rdi = (uintptr_t)kbuf;
	KTEST_EXPECT_EQ(t, sys_uname(&regs), (uint64_t)-EFAULT);
	regs.rdi = 0;
	KTEST_EXPECT_EQ(t, sys_uname(&regs), (uint64_t)-EFAULT);

	memset(&regs, 0, sizeof(regs));
	regs.rdi = 999; /* no such descriptor */
	regs.rsi = USER_TEST_VA;
	regs.rdx = 1;
	KTEST_EXPECT_EQ(t, sys_write(&regs), (uint64_t)-EBADF);
	KTEST_EXPECT_EQ(t, sys_read(&regs), (uint64_t)-EBADF);
	regs.rdi = (uint64_t)-1;
	KTEST_EXPECT_EQ(t, sys_write(&regs), (uint64_t)-EBADF);
}

KTEST(syscall, syscall_with_trap_flag_returns_result_then_traps_after_next_instruction)
{
	uint8_t *data;
	int status = -1;
	pid_t pid = 0;

	uint64_t irets = __atomic_load_n(&syscall_iret_returns, __ATOMIC_RELAXED);

	if (!KTEST_EXPECT_EQ(t, user_test_map(trap_flag_code, sizeof(trap_flag_code), &data), 0))
		return;
	KTEST_EXPECT_EQ(t, user_test_run("usertf", &status, &pid), 0);
	KTEST_EXPECT(t, __atomic_load_n(&syscall_iret_returns, __ATOMIC_RELAXED) > irets);
	KTEST_EXPECT_EQ(t, status, WAIT_STATUS_SIGNALED(SIGTRAP));
	KTEST_EXPECT_EQ(t, data_u64(data, 8), (uint64_t)pid); /* the result, stored */
	KTEST_EXPECT_EQ(t, data_u64(data, 16), 0);            /* trapped before this */
	user_test_unmap();
}
