/* SPDX-License-Identifier: MIT */
/*
 * What execve() needs before it touches an address space: checking an ELF
 * image and planning its mappings (process/elf_check.c, elf_plan.c),
 * building the Linux initial stack (process/user_stack.c) and parsing a
 * "#!" line (process/shebang.c). All of it is pure logic over kernel
 * buffers and a read callback, so it also runs in the host unit tests
 * (tests/unit/process/); the exec syscall maps what the plan says, copies
 * the stack image to the top of the new stack and jumps to plan.entry.
 *
 * Linux is the reference: errno values are binfmt_elf.c's, binfmt_script.c's
 * and exec.c's, the layout of the stack is create_elf_tables()'s.
 */
#pragma once

#include <xdv/compiler.h>
#include <uapi/xdv/elf.h>

/* ---- limits (Linux's) ---------------------------------------------------- */

/* TASK_SIZE on x86-64 with 4-level paging: the first address above user space. */
#define EXEC_TASK_SIZE      0x00007FFFFFFFF000ULL
/* Linux's default vm.mmap_min_addr: nothing of an image may sit below it. */
#define EXEC_MMAP_MIN_ADDR  0x10000ULL
/* ELF_ET_DYN_BASE: where a static PIE goes, 2/3 of TASK_SIZE, page aligned. */
#define EXEC_ET_DYN_BASE    ((EXEC_TASK_SIZE / 3 * 2) & ~0xFFFULL)
/* mmap_rnd_bits: random pages added to EXEC_ET_DYN_BASE (2^28 pages = 1 TiB). */
#define EXEC_MMAP_RND_BITS  28
/* x86's arch_randomize_brk() range: brk starts up to 32 MiB above the image. */
#define EXEC_BRK_RND_RANGE  0x02000000ULL
/* The program headers must fit in 64 KiB (load_elf_phdrs()). */
#define ELF_PHDRS_MAX_BYTES 65536
/* PT_LOAD segments a plan holds; more is refused with -ENOEXEC (Linux has no cap). */
#define ELF_PLAN_MAX_SEGMENTS 16

/* mmap protection bits, Linux's PROT_* values, for the plan's rights. */
#define EXEC_PROT_READ  0x1
#define EXEC_PROT_WRITE 0x2
#define EXEC_PROT_EXEC  0x4

/*
 * Where the image's bytes come from: size is the file size; read fills buf
 * with exactly len bytes at off (the checker never asks past size) and
 * returns 0, or a negative errno that is passed back unchanged.
 */
struct elf_source {
	uint64_t size;
	int (*read)(void *priv, uint64_t off, void *buf, size_t len);
	void *priv;
};

/* The random inputs of a plan (Linux: arch_mmap_rnd(), arch_randomize_brk()). */
struct elf_random {
	uint64_t load; /* low EXEC_MMAP_RND_BITS bits used: pages above ET_DYN_BASE */
	uint64_t brk;  /* modulo EXEC_BRK_RND_RANGE / PAGE: pages above the image */
};

/*
 * One PT_LOAD after relocation. The exec side maps, in this order:
 * [start, file_end) private from the file at file_offset, with prot;
 * clears [zero_start, zero_end) (the tail of the last file page, inside
 * [start, file_end)); maps [file_end, end) anonymous zero pages with prot.
 * All bounds are page aligned except zero_start/zero_end.
 */
struct elf_segment {
	uint64_t start;
	uint64_t file_end;
	uint64_t end;
	uint64_t file_offset;
	uint64_t zero_start;
	uint64_t zero_end;
	uint32_t prot;       /* EXEC_PROT_* from p_flags, exactly */
	uint64_t vaddr;      /* p_vaddr + load_bias */
	uint64_t filesz;     /* p_filesz */
	uint64_t memsz;      /* p_memsz */
};

struct elf_plan {
	uint16_t type;          /* ET_EXEC or ET_DYN */
	uint64_t load_bias;     /* 0 for ET_EXEC */
	uint64_t entry;         /* e_entry + load_bias: AT_ENTRY and the first RIP */
	uint64_t phdr_addr;     /* AT_PHDR */
	uint16_t phnum;         /* AT_PHNUM */
	uint16_t phent;         /* AT_PHENT */
	uint64_t image_end;     /* page-aligned end of the highest segment */
	uint64_t brk_start;     /* image_end + the brk random offset */
	bool exec_stack;        /* PT_GNU_STACK with PF_X (none: not executable, as x86-64 Linux) */
	bool has_tls;           /* PT_TLS present (libc sets it up) */
	unsigned nr_segments;
	struct elf_segment seg[ELF_PLAN_MAX_SEGMENTS];
};

/* What elf_check() learnt from the headers, before any address is chosen. */
struct elf_image {
	struct elf64_ehdr ehdr;
	unsigned nr_loads;
	struct elf64_phdr load[ELF_PLAN_MAX_SEGMENTS]; /* PT_LOADs in file order */
	bool has_phdr;                /* PT_PHDR present */
	struct elf64_phdr phdr;       /* the PT_PHDR entry when has_phdr */
	bool exec_stack;
	bool has_tls;
};

/*
 * elf_check - validate an ELF64 image read through src.
 * Checks the header (magic, class, data, version, machine, type,
 * e_phentsize, e_phnum), then every program header: PT_LOADs sorted, not
 * sharing a page, p_filesz <= p_memsz, inside the file and below
 * EXEC_TASK_SIZE (ET_EXEC: at their own address; ET_DYN: the span must
 * fit), p_align a power of two (or 0), p_vaddr and p_offset congruent
 * modulo the page, the entry point inside an executable segment.
 * Return: 0 and *img filled; -ENOEXEC when it is not an ELF we run (bad
 * magic, class, byte order, version, machine, type, e_phentsize, e_phnum
 * 0 or the headers over 64 KiB or past the end of the file, a malformed
 * PT_INTERP, more than ELF_PLAN_MAX_SEGMENTS loads), -EINVAL for a
 * malformed image (what Linux answers for bad segment sizes and
 * addresses), -EPERM for a segment below EXEC_MMAP_MIN_ADDR (Linux's
 * mmap_min_addr answer), -ENOTSUP for a valid dynamic executable
 * (PT_INTERP: not loaded yet, logged once per call), or src's read error.
 * Context: may sleep if src->read does.
 */
int __must_check elf_check(const struct elf_source *src, struct elf_image *img);

/*
 * elf_plan - lay out a checked image: the load bias (ET_DYN: at
 * EXEC_ET_DYN_BASE plus rnd->load pages, aligned to the largest p_align),
 * the mappings with their rights, file ranges and zero ranges, the entry,
 * AT_PHDR (PT_PHDR if it lies in a load's file bytes, else the load whose
 * file bytes hold e_phoff) and the brk start. rnd NULL: no randomization.
 * Return: 0, or -EINVAL when the relocated image leaves user space.
 * Context: any; pure.
 */
int __must_check elf_plan(const struct elf_image *img, const struct elf_random *rnd,
			  struct elf_plan *out);

/*
 * elf_check_and_plan - elf_check() then elf_plan(); what execve calls.
 * Return: as those two. Context: as elf_check(). img is caller scratch
 * (about 1 KiB: keep it off small stacks).
 */
int __must_check elf_check_and_plan(const struct elf_source *src, const struct elf_random *rnd,
				    struct elf_image *img, struct elf_plan *out);

/* ---- the initial stack (process/user_stack.c) ----------------------------- */

#define MAX_ARG_STRLEN  (32 * 4096)  /* one string, NUL included */
#define MAX_ARG_STRINGS 0x7FFFFFFF   /* argv or envp entries */
#define ARG_MAX_MIN     (32 * 4096)  /* strings always allowed, even with a small stack */
#define STK_LIM         (8ULL << 20) /* _STK_LIM: the default RLIMIT_STACK */
#define USER_STACK_RANDOM_BYTES 16   /* AT_RANDOM */
#define USER_STACK_ALIGN_RND    8192 /* arch_align_stack(): up to this many bytes lower */
#define USER_STACK_PLATFORM     "x86_64"
#define USER_STACK_CLKTCK       100
#define USER_STACK_AUXV_WORDS   (2 * 20) /* the auxv pairs written, AT_NULL included */

struct user_stack_args {
	const char *const *argv;
	size_t argc;            /* 0 is allowed: Linux then passes argv = {""} */
	const char *const *envp;
	size_t envc;
	const char *execfn;     /* the path given to execve: AT_EXECFN */
	uint64_t stack_rlimit;  /* RLIMIT_STACK soft limit in bytes */
	uint8_t random[USER_STACK_RANDOM_BYTES]; /* AT_RANDOM's bytes (CRNG) */
	uint32_t align_rnd;     /* taken modulo USER_STACK_ALIGN_RND; 0 = none */
	/* auxv values */
	uint64_t phdr, phent, phnum, entry, base, flags;
	uint64_t uid, euid, gid, egid, secure;
	uint64_t hwcap, hwcap2, minsigstksz;
};

/* Where things landed, as user addresses. */
struct user_stack_layout {
	uint64_t sp;        /* the first RSP: points at argc, 16-byte aligned */
	size_t used;        /* stack_top - sp: copy buf's last `used` bytes to sp */
	uint64_t argv;      /* &argv[0] */
	uint64_t envp;      /* &envp[0] */
	uint64_t auxv;      /* &auxv[0] */
	uint64_t random;    /* AT_RANDOM */
	uint64_t platform;  /* AT_PLATFORM */
	uint64_t execfn;    /* AT_EXECFN */
	uint64_t strings;   /* lowest byte of the argv/envp/execfn strings */
	size_t argc;        /* as written (1 when args->argc was 0) */
};

/*
 * user_stack_limit - the bytes of strings plus pointers execve accepts
 * with this RLIMIT_STACK: min(rlimit / 4, 3/4 of STK_LIM), at least
 * ARG_MAX_MIN (exec.c's bprm_stack_limits()). Context: any; pure.
 */
uint64_t user_stack_limit(uint64_t stack_rlimit);

/*
 * user_stack_build - write the Linux initial stack into buf, whose last
 * byte is the byte below stack_top (a user address, 16-byte aligned).
 * From the top down: 8 zero bytes, the AT_EXECFN string, envp strings,
 * argv strings, align_rnd bytes of gap, 16-byte alignment, "x86_64", the
 * 16 AT_RANDOM bytes, then (16-byte aligned at argc) argc, argv[], NULL,
 * envp[], NULL, the auxv pairs ending in AT_NULL.
 * Return: 0 and *out; -E2BIG when a string is longer than MAX_ARG_STRLEN,
 * a count above MAX_ARG_STRINGS, or strings and pointers together over
 * user_stack_limit() (checked in Linux's order, before anything is
 * written out of bounds); -ENOSPC when buf_size is too small for a stack
 * within the limits (a caller error: user_stack_buf_size() is enough).
 * Context: any; pure. The strings are kernel copies.
 */
int __must_check user_stack_build(const struct user_stack_args *args, uint64_t stack_top,
				  void *buf, size_t buf_size, struct user_stack_layout *out);

/* user_stack_buf_size - a buffer size always enough for this rlimit. Context: any. */
size_t user_stack_buf_size(uint64_t stack_rlimit);

/* ---- "#!" scripts (process/shebang.c) ------------------------------------ */

#define BINPRM_BUF_SIZE 256   /* the bytes of the file a binfmt looks at */
/* exec_binprm(): more than this many rewrites (script -> interpreter) is -ELOOP. */
#define EXEC_MAX_REWRITES 5

struct shebang {
	char buf[BINPRM_BUF_SIZE + 1]; /* the parsed copy; interp and arg point in it */
	const char *interp;            /* interpreter path, never NULL after success */
	const char *arg;               /* the one optional argument, or NULL */
};

/*
 * shebang_parse - read the "#!" line at the head of a file, with Linux's
 * rules (binfmt_script.c): head holds the first len bytes of the file (the
 * rest of BINPRM_BUF_SIZE counts as NUL). Spaces and tabs after "#!" are
 * skipped, the path runs to the first space, tab or NUL, the rest of the
 * line with its ends trimmed is one argument. Without a newline in the
 * first 256 bytes the path must end inside them (else -ENOEXEC) and the
 * argument is cut at byte 255.
 * Return: 0; -ENOEXEC when head does not start with "#!" or names no
 * interpreter. Context: any; pure.
 */
int __must_check shebang_parse(const void *head, size_t len, struct shebang *out);

/*
 * shebang_argv - the interpreter's argv: interp, [arg], script_path,
 * argv[1..argc-1] (argv[0] is dropped, as remove_arg_zero() does). The
 * pointers are stored in new_argv (room for max entries); strings are not
 * copied. Return: 0 and *new_argc; -E2BIG when max is too small.
 * Context: any; pure.
 */
int __must_check shebang_argv(const struct shebang *sb, const char *script_path,
			      const char *const *argv, size_t argc,
			      const char **new_argv, size_t max, size_t *new_argc);

/*
 * exec_check_rewrites - call before handling the file reached after
 * `rewrites` interpreter substitutions (0 for the file execve named).
 * Return: 0, or -ELOOP past EXEC_MAX_REWRITES. Context: any; pure.
 */
int __must_check exec_check_rewrites(unsigned rewrites);
