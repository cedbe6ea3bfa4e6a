// SPDX-License-Identifier: MIT
/*
 * Output check: a file round trip. Writes a text file with stdio and a
 * binary file with write(2) in odd-sized pieces, reads both back (fgets,
 * fread, pread, lseek), renames and removes them. Works under $TMPDIR
 * (default /tmp); prints only what does not depend on the directory.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
	const char *base = getenv("TMPDIR");
	char dir[256], text[300], bin[300], moved[300], line[128];
	unsigned char block[10000];
	struct stat st;
	FILE *f;
	int fd;

	snprintf(dir, sizeof(dir), "%s/xdv-fileio-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(text, sizeof(text), "%s/text.txt", dir);
	snprintf(bin, sizeof(bin), "%s/data.bin", dir);
	snprintf(moved, sizeof(moved), "%s/moved.bin", dir);

	f = fopen(text, "w");
	for (int i = 1; i <= 50; i++)
		fprintf(f, "line %d: %s %d\n", i, i % 2 ? "odd" : "even", i * i);
	fclose(f);
	f = fopen(text, "r");
	int lines = 0;
	long squares = 0;
	while (fgets(line, sizeof(line), f)) {
		int n, sq;
		char kind[8];
		if (sscanf(line, "line %d: %7s %d", &n, kind, &sq) == 3) {
			lines++;
			squares += sq;
			if (n % 10 == 0)
				printf("read back: %s", line);
		}
	}
	fclose(f);
	printf("text: %d lines, sum of squares %ld\n", lines, squares);
	f = fopen(text, "a");
	fputs("appended\n", f);
	fclose(f);
	stat(text, &st);
	printf("text size after append: %lld\n", (long long)st.st_size);

	for (size_t i = 0; i < sizeof(block); i++)
		block[i] = (unsigned char)(i * 7 + 3);
	fd = open(bin, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	size_t off = 0, piece = 1;
	while (off < sizeof(block)) {
		size_t n = piece < sizeof(block) - off ? piece : sizeof(block) - off;
		if (write(fd, block + off, n) != (ssize_t)n)
			return 2;
		off += n;
		piece = piece * 3 + 1;
	}
	close(fd);
	rename(bin, moved);
	printf("old name exists: %s\n", access(bin, F_OK) == 0 ? "yes" : "no");
	fd = open(moved, O_RDONLY);
	unsigned char back[10000];
	ssize_t got = 0, n;
	while ((n = read(fd, back + got, 333)) > 0)
		got += n;
	printf("binary: wrote %zu, read %zd, equal %s\n", sizeof(block), got,
	       memcmp(block, back, sizeof(block)) == 0 ? "yes" : "no");
	unsigned char b4[4];
	pread(fd, b4, 4, 5000);
	printf("pread at 5000: %02x %02x %02x %02x\n", b4[0], b4[1], b4[2], b4[3]);
	printf("lseek end: %lld\n", (long long)lseek(fd, 0, SEEK_END));
	close(fd);
	fstatat(AT_FDCWD, moved, &st, 0);
	printf("mode %o size %lld\n", st.st_mode & 0777, (long long)st.st_size);
	unlink(moved);
	unlink(text);
	printf("rmdir: %d\n", rmdir(dir));
	return 0;
}
