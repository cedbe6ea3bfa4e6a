// SPDX-License-Identifier: MIT
/*
 * Output check: recursion. Ackermann, naive Fibonacci, the Towers of
 * Hanoi, all permutations of 6, N-queens up to 8 and a deep (100,000
 * frames) recursion that needs a real stack.
 */
#include <stdio.h>
#include <string.h>

static unsigned long ackermann(unsigned long m, unsigned long n)
{
	if (m == 0)
		return n + 1;
	if (n == 0)
		return ackermann(m - 1, 1);
	return ackermann(m - 1, ackermann(m, n - 1));
}

static unsigned long fib(unsigned n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static unsigned long moves;
static void hanoi(int n, int from, int to, int via)
{
	if (n == 0)
		return;
	hanoi(n - 1, from, via, to);
	moves++;
	if (n == 10 || moves <= 3)
		printf("hanoi move %lu: disk %d %d->%d\n", moves, n, from, to);
	hanoi(n - 1, via, to, from);
}

static int perm_count;
static void permute(char *s, int k, int n)
{
	if (k == n) {
		if (++perm_count % 120 == 1)
			printf("perm %d: %s\n", perm_count, s);
		return;
	}
	for (int i = k; i < n; i++) {
		char t = s[k]; s[k] = s[i]; s[i] = t;
		permute(s, k + 1, n);
		t = s[k]; s[k] = s[i]; s[i] = t;
	}
}

static int queens(int n, int row, int cols, int d1, int d2)
{
	int count = 0;

	if (row == n)
		return 1;
	for (int c = 0; c < n; c++) {
		if ((cols >> c & 1) || (d1 >> (row + c) & 1) || (d2 >> (row - c + n) & 1))
			continue;
		count += queens(n, row + 1, cols | 1 << c, d1 | 1 << (row + c), d2 | 1 << (row - c + n));
	}
	return count;
}

static unsigned long deep(unsigned long n, volatile char *prev)
{
	volatile char frame[64];

	frame[0] = (char)n;
	frame[63] = prev ? prev[0] : 0;
	if (n == 0)
		return 0;
	return deep(n - 1, frame) + (unsigned char)frame[0];
}

int main(void)
{
	char s[] = "abcdef";

	printf("ackermann(2,3) = %lu, ackermann(3,5) = %lu\n", ackermann(2, 3), ackermann(3, 5));
	for (unsigned i = 0; i <= 30; i += 5)
		printf("fib(%u) = %lu\n", i, fib(i));
	hanoi(12, 1, 3, 2);
	printf("hanoi total moves: %lu\n", moves);
	permute(s, 0, (int)strlen(s));
	printf("permutations: %d\n", perm_count);
	for (int n = 1; n <= 8; n++)
		printf("queens(%d) = %d\n", n, queens(n, 0, 0, 0, 0));
	printf("deep recursion sum: %lu\n", deep(100000, NULL));
	return 0;
}
