// SPDX-License-Identifier: MIT
/*
 * Output check: malloc-heavy code. A hash table of 20,000 keys with
 * chained nodes, a growing realloc buffer, many small and some large
 * (mmap-sized) blocks freed in a scrambled order, calloc zeroing; prints
 * checksums.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct node {
	struct node *next;
	char *key;
	int value;
};

#define BUCKETS 4099

static unsigned hash(const char *s)
{
	unsigned h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

int main(void)
{
	static struct node *table[BUCKETS];
	enum { KEYS = 20000, BLOCKS = 5000 };
	char key[32];
	unsigned long sum = 0;
	int found = 0;

	for (int i = 0; i < KEYS; i++) {
		struct node *n = malloc(sizeof(*n));

		snprintf(key, sizeof(key), "key-%d", i * 7);
		n->key = strdup(key);
		n->value = i;
		n->next = table[hash(key) % BUCKETS];
		table[hash(key) % BUCKETS] = n;
	}
	for (int i = 0; i < KEYS * 7; i += 3) {
		snprintf(key, sizeof(key), "key-%d", i);
		for (struct node *n = table[hash(key) % BUCKETS]; n; n = n->next)
			if (strcmp(n->key, key) == 0) {
				found++;
				sum += (unsigned)n->value;
			}
	}
	printf("hash table: %d found, value sum %lu\n", found, sum);
	int longest = 0;
	for (int b = 0; b < BUCKETS; b++) {
		int len = 0;
		for (struct node *n = table[b]; n; n = n->next)
			len++;
		if (len > longest)
			longest = len;
	}
	printf("longest chain %d\n", longest);
	for (int b = 0; b < BUCKETS; b++) {
		while (table[b]) {
			struct node *n = table[b];
			table[b] = n->next;
			free(n->key);
			free(n);
		}
	}

	char *buf = NULL;
	size_t len = 0;
	for (int i = 0; i < 3000; i++) {
		char piece[16];
		int n = snprintf(piece, sizeof(piece), "%d,", i);
		char *grown = realloc(buf, len + (size_t)n + 1);
		if (!grown)
			return 1;
		buf = grown;
		memcpy(buf + len, piece, (size_t)n + 1);
		len += (size_t)n;
	}
	unsigned long h = 0;
	for (size_t i = 0; i < len; i++)
		h = h * 131 + (unsigned char)buf[i];
	printf("realloc buffer: %zu bytes, hash %lu, tail %s\n", len, h, buf + len - 10);
	free(buf);

	static unsigned char *blocks[BLOCKS];
	static size_t sizes[BLOCKS];
	unsigned seed = 1;
	for (int i = 0; i < BLOCKS; i++) {
		seed = seed * 1664525u + 1013904223u;
		sizes[i] = (i % 500 == 0) ? 300000 + seed % 100000 : 1 + seed % 2000;
		blocks[i] = malloc(sizes[i]);
		memset(blocks[i], i & 0xff, sizes[i]);
	}
	unsigned long total = 0, check = 0;
	for (int step = 0; step < BLOCKS; step++) {
		int i = (int)((step * 2654435761u) % BLOCKS);
		if (!blocks[i])
			continue;
		for (size_t j = 0; j < sizes[i]; j += 97)
			check += blocks[i][j];
		total += sizes[i];
		free(blocks[i]);
		blocks[i] = NULL;
	}
	for (int i = 0; i < BLOCKS; i++)
		if (blocks[i]) {
			total += sizes[i];
			free(blocks[i]);
		}
	printf("blocks: %lu bytes, check %lu\n", total, check);
	int *z = calloc(100000, sizeof(int));
	long nonzero = 0;
	for (int i = 0; i < 100000; i++)
		nonzero += z[i] != 0;
	printf("calloc: %ld nonzero\n", nonzero);
	free(z);
	return 0;
}
