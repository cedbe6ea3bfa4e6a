// SPDX-License-Identifier: MIT
/*
 * gen_cpio: write a newc (070701) cpio archive to stdout from a list in
 * the format of Linux's usr/gen_init_cpio, so that the initramfs holds
 * root-owned files and device nodes without root on the build host:
 *
 *   file  NAME SRC MODE UID GID [HARDLINK...]
 *   dir   NAME MODE UID GID
 *   slink NAME TARGET MODE UID GID
 *   nod   NAME MODE UID GID c|b MAJ MIN
 *   pipe  NAME MODE UID GID
 *   sock  NAME MODE UID GID
 *
 * MODE is octal permission bits; '#' starts a comment. Names lose their
 * leading '/'. Files keep their source's mtime; other entries get the -t
 * time (default: SOURCE_DATE_EPOCH, else now). -c writes 070702 (crc)
 * entries with checksums. A host tool, built with HOSTCC.
 *
 * Usage: gen_cpio [-c] [-t TIMESTAMP] LIST > out.cpio
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static unsigned long next_ino = 721;
static unsigned long long offset;
static long default_mtime;
static int with_crc;
static const char *list_name;
static unsigned line_no;

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "gen_cpio: %s:%u: ", list_name, line_no);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(1);
}

static void put(const void *buf, size_t len)
{
	if (len && fwrite(buf, 1, len, stdout) != len) {
		perror("gen_cpio: write");
		exit(1);
	}
	offset += len;
}

static void pad4(void)
{
	static const char zeros[4];

	put(zeros, (4 - offset % 4) % 4);
}

struct entry {
	const char *name;
	unsigned long ino, mode, uid, gid, nlink, mtime, size;
	unsigned long rmaj, rmin;
	const unsigned char *data;
};

static void put_entry(const struct entry *e)
{
	const char *name = e->name;
	unsigned long sum = 0;
	char hdr[200];
	int n;

	while (*name == '/')
		name++;
	if (!*name)
		name = ".";
	for (unsigned long i = 0; with_crc && (e->mode & S_IFMT) == S_IFREG && i < e->size; i++)
		sum += e->data[i];
	n = snprintf(hdr, sizeof(hdr),
		 "%s%08lX%08lX%08lX%08lX%08lX%08lX%08lX%08X%08X%08lX%08lX%08lX%08lX",
		 with_crc ? "070702" : "070701", e->ino, e->mode, e->uid, e->gid, e->nlink,
		 e->mtime, e->size, 0u, 0u, e->rmaj, e->rmin, (unsigned long)strlen(name) + 1,
		 sum & 0xffffffffUL);
	if (n != 110)
		die("a field of %s does not fit in 8 hex digits", name);
	put(hdr, 110);
	put(name, strlen(name) + 1);
	pad4();
	put(e->data, e->size);
	pad4();
}

static unsigned long parse_num(const char *s, int base, const char *what)
{
	char *end;
	unsigned long v;

	if (!s)
		die("missing %s", what);
	errno = 0;
	v = strtoul(s, &end, base);
	if (errno || *end || end == s || v > 0xffffffffUL)
		die("bad %s", what);
	return v;
}

/* Read NAME? MODE UID GID from the tokens, in that order. */
static void common(struct entry *e, char **tok, unsigned long type)
{
	e->mode = type | parse_num(tok[0], 8, "mode");
	e->uid = parse_num(tok[1], 10, "uid");
	e->gid = parse_num(tok[2], 10, "gid");
	e->nlink = 1;
	e->mtime = (unsigned long)default_mtime;
	e->ino = next_ino++;
}

static unsigned char *read_source(const char *path, unsigned long *size, long *mtime)
{
	struct stat st;
	unsigned char *buf;
	FILE *f = fopen(path, "rb");

	if (!f || fstat(fileno(f), &st) || !S_ISREG(st.st_mode))
		die("cannot read regular file %s", path);
	if ((unsigned long long)st.st_size > 0xffffffffULL)
		die("%s is over 4 GiB", path);
	buf = malloc(st.st_size ? st.st_size : 1);
	if (!buf || fread(buf, 1, st.st_size, f) != (size_t)st.st_size)
		die("cannot read %s", path);
	fclose(f);
	*size = st.st_size;
	*mtime = st.st_mtime;
	return buf;
}

static void do_line(char **tok, int n)
{
	struct entry e = { 0 };
	const char *kind = tok[0];

	if (!strcmp(kind, "dir") && n == 5) {
		e.name = tok[1];
		common(&e, tok + 2, S_IFDIR);
		e.nlink = 2;
		put_entry(&e);
	} else if (!strcmp(kind, "pipe") && n == 5) {
		e.name = tok[1];
		common(&e, tok + 2, S_IFIFO);
		put_entry(&e);
	} else if (!strcmp(kind, "sock") && n == 5) {
		e.name = tok[1];
		common(&e, tok + 2, S_IFSOCK);
		put_entry(&e);
	} else if (!strcmp(kind, "slink") && n == 6) {
		e.name = tok[1];
		common(&e, tok + 3, S_IFLNK);
		e.data = (const unsigned char *)tok[2];
		e.size = strlen(tok[2]);
		put_entry(&e);
	} else if (!strcmp(kind, "nod") && n == 8) {
		e.name = tok[1];
		if (strcmp(tok[5], "c") && strcmp(tok[5], "b"))
			die("device type %s is not c or b", tok[5]);
		common(&e, tok + 2, tok[5][0] == 'c' ? S_IFCHR : S_IFBLK);
		e.rmaj = parse_num(tok[6], 10, "major");
		e.rmin = parse_num(tok[7], 10, "minor");
		put_entry(&e);
	} else if (!strcmp(kind, "file") && n >= 6) {
		long mtime;
		unsigned long size;
		unsigned char *data = read_source(tok[2], &size, &mtime);
		int links = n - 5; /* the name and the extra hard links */

		common(&e, tok + 3, S_IFREG);
		e.nlink = links;
		e.mtime = mtime;
		/* As GNU cpio and gen_init_cpio: the data goes with the last name. */
		for (int i = 0; i < links; i++) {
			e.name = i == 0 ? tok[1] : tok[5 + i];
			e.size = i == links - 1 ? size : 0;
			e.data = data;
			put_entry(&e);
		}
		free(data);
	} else {
		die("bad line starting with '%s'", kind);
	}
}

int main(int argc, char **argv)
{
	const char *env = getenv("SOURCE_DATE_EPOCH");
	char line[8192];
	FILE *list;
	int opt;

	default_mtime = env ? atol(env) : (long)time(NULL);
	while ((opt = getopt(argc, argv, "ct:")) != -1) {
		if (opt == 'c')
			with_crc = 1;
		else if (opt == 't')
			default_mtime = atol(optarg);
		else
			goto usage;
	}
	if (optind + 1 != argc)
		goto usage;
	list_name = argv[optind];
	list = strcmp(list_name, "-") ? fopen(list_name, "r") : stdin;
	if (!list) {
		perror(list_name);
		return 1;
	}
	while (fgets(line, sizeof(line), list)) {
		char *tok[64], *save, *t;
		int n = 0;

		line_no++;
		if (!strchr(line, '\n') && !feof(list))
			die("line too long%s", "");
		line[strcspn(line, "#\n")] = '\0';
		for (t = strtok_r(line, " \t", &save); t && n < 64; t = strtok_r(NULL, " \t", &save))
			tok[n++] = t;
		if (n)
			do_line(tok, n);
	}
	struct entry trailer = { .name = "TRAILER!!!", .nlink = 1 };
	put_entry(&trailer);
	/* Pad to 512 bytes as cpio does; the kernel skips the zeros. */
	while (offset % 512)
		put("", 1);
	if (fflush(stdout)) {
		perror("gen_cpio: stdout");
		return 1;
	}
	return 0;
usage:
	fprintf(stderr, "usage: gen_cpio [-c] [-t TIMESTAMP] LIST > out.cpio\n");
	return 2;
}
