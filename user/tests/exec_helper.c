// SPDX-License-Identifier: MIT
/*
 * The program user/tests/exec.c executes (built twice: static, and
 * static-PIE as exec_helper_pie). Modes, by argv[1]:
 *   report      print argc, argv, the XDV_* environment and the auxiliary
 *               vector as "key=value" lines, after checking the auxv
 *               against the program itself ("auxcheck ok" or
 *               "auxcheck fail ..." lines)
 *   fds N...    exit with bit i set when descriptor N_i is open
 *   cat         copy standard input to standard output
 *   exit N      exit with status N
 * When run through a #! script argv[1] is the script's argument, so the
 * mode is looked for at argv[1] only; anything else is "report".
 */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

extern char **environ;
extern const Elf64_Ehdr __ehdr_start;
extern char _start[];

static int fails;

static void check(int cond, const char *what)
{
	if (!cond) {
		printf("auxcheck fail %s\n", what);
		fails++;
	}
}

static int report(int argc, char **argv)
{
	const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
	const char *execfn = (const char *)getauxval(AT_EXECFN);
	const char *platform = (const char *)getauxval(AT_PLATFORM);
	unsigned long phdr = getauxval(AT_PHDR);
	unsigned long base = (unsigned long)&__ehdr_start;

	printf("argc=%d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	check(argv[argc] == NULL, "argv not NULL-terminated");
	for (char **e = environ; *e; e++)
		if (strncmp(*e, "XDV_", 4) == 0)
			printf("env=%s\n", *e);
	printf("AT_PAGESZ=%lu\n", getauxval(AT_PAGESZ));
	printf("AT_UID=%lu AT_EUID=%lu AT_GID=%lu AT_EGID=%lu\n", getauxval(AT_UID),
	       getauxval(AT_EUID), getauxval(AT_GID), getauxval(AT_EGID));
	printf("AT_SECURE=%lu\n", getauxval(AT_SECURE));
	printf("AT_CLKTCK=%lu\n", getauxval(AT_CLKTCK));
	printf("AT_BASE=%lu\n", getauxval(AT_BASE));
	printf("AT_FLAGS=%lu\n", getauxval(AT_FLAGS));
	printf("AT_PLATFORM=%s\n", platform ? platform : "(none)");
	printf("AT_EXECFN=%s\n", execfn ? execfn : "(none)");
	printf("AT_RANDOM=");
	for (int i = 0; rnd && i < 16; i++)
		printf("%02x", rnd[i]);
	printf("\n");
	printf("type=%s\n", __ehdr_start.e_type == ET_DYN ? "ET_DYN" : "ET_EXEC");
	printf("base=%#lx\n", base);

	check(rnd != NULL, "AT_RANDOM missing");
	check(getauxval(AT_PAGESZ) == 4096, "AT_PAGESZ");
	check(getauxval(AT_PHENT) == sizeof(Elf64_Phdr), "AT_PHENT");
	check(getauxval(AT_PHNUM) == __ehdr_start.e_phnum, "AT_PHNUM");
	check(phdr == base + __ehdr_start.e_phoff, "AT_PHDR");
	check(getauxval(AT_ENTRY) == (unsigned long)_start, "AT_ENTRY");
	check(getauxval(AT_UID) == getuid() && getauxval(AT_EUID) == geteuid(), "AT_UID");
	check(getauxval(AT_GID) == getgid() && getauxval(AT_EGID) == getegid(), "AT_GID");
	check(getauxval(AT_HWCAP) != 0, "AT_HWCAP");
	check(getauxval(AT_MINSIGSTKSZ) != 0, "AT_MINSIGSTKSZ");
	check(execfn != NULL, "AT_EXECFN missing");
	check(platform && strcmp(platform, "x86_64") == 0, "AT_PLATFORM");
	/* The program headers are where AT_PHDR says, and name a PT_LOAD. */
	{
		const Elf64_Phdr *ph = (const Elf64_Phdr *)phdr;
		int loads = 0;

		for (unsigned i = 0; ph && i < getauxval(AT_PHNUM); i++)
			loads += ph[i].p_type == PT_LOAD;
		check(loads > 0, "no PT_LOAD at AT_PHDR");
	}
	if (!fails)
		printf("auxcheck ok\n");
	fflush(stdout);
	return fails ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "fds") == 0) {
		int mask = 0;

		for (int i = 2; i < argc && i < 9; i++)
			if (fcntl(atoi(argv[i]), F_GETFD) != -1)
				mask |= 1 << (i - 2);
		return mask;
	}
	if (argc >= 2 && strcmp(argv[1], "cat") == 0) {
		char buf[4096];
		ssize_t n;

		while ((n = read(0, buf, sizeof(buf))) > 0)
			if (write(1, buf, (size_t)n) != n)
				return 2;
		return n < 0 ? 3 : 0;
	}
	if (argc >= 3 && strcmp(argv[1], "exit") == 0)
		return atoi(argv[2]);
	return report(argc, argv);
}
