// SPDX-License-Identifier: MIT
/*
 * Output check: qsort and bsearch on integers (from a fixed linear
 * congruential generator), strings and structs with a two-key compare.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct person {
	const char *name;
	int age;
};

static unsigned lcg_state = 12345;

static unsigned lcg(void)
{
	lcg_state = lcg_state * 1103515245u + 12345u;
	return (lcg_state >> 16) & 0x7fff;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_person(const void *a, const void *b)
{
	const struct person *p = a, *q = b;

	if (p->age != q->age)
		return p->age - q->age;
	return strcmp(p->name, q->name);
}

int main(void)
{
	enum { N = 2000 };
	static int v[N];
	unsigned long sum = 0;
	const char *words[] = { "pear", "apple", "fig", "banana", "cherry", "date", "kiwi",
				"grape", "lemon", "mango", "apple", "elderberry" };
	struct person people[] = { { "eve", 31 }, { "bob", 25 }, { "alice", 31 },
				   { "dan", 19 }, { "carol", 25 }, { "frank", 40 } };
	size_t nw = sizeof(words) / sizeof(words[0]), np = sizeof(people) / sizeof(people[0]);

	for (int i = 0; i < N; i++)
		v[i] = (int)lcg() - 16384;
	qsort(v, N, sizeof(v[0]), cmp_int);
	for (int i = 1; i < N; i++)
		if (v[i - 1] > v[i])
			printf("NOT SORTED at %d\n", i);
	for (int i = 0; i < N; i++)
		sum = sum * 31 + (unsigned)v[i];
	printf("ints: min %d max %d median %d hash %lu\n", v[0], v[N - 1], v[N / 2], sum);
	for (int i = 0; i < N; i += 250)
		printf("v[%d] = %d\n", i, v[i]);
	int key = v[777];
	int *hit = bsearch(&key, v, N, sizeof(v[0]), cmp_int);
	printf("bsearch %d: %s\n", key, hit && *hit == key ? "found" : "missing");
	key = 99999;
	printf("bsearch %d: %s\n", key, bsearch(&key, v, N, sizeof(v[0]), cmp_int) ? "found" : "missing");
	qsort(words, nw, sizeof(words[0]), cmp_str);
	for (size_t i = 0; i < nw; i++)
		printf("word %zu: %s\n", i, words[i]);
	qsort(people, np, sizeof(people[0]), cmp_person);
	for (size_t i = 0; i < np; i++)
		printf("person %zu: %s %d\n", i, people[i].name, people[i].age);
	return 0;
}
