// SPDX-License-Identifier: MIT
/*
 * Output check: printf of integers (every size, sign, base, width,
 * precision and flag) and floating point (%f %e %g %a, rounding, huge,
 * tiny, negative zero, infinities and NaN), the kind of output that
 * exercises the SSE state a kernel must save and restore.
 */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <stdio.h>

int main(void)
{
	printf("[%d] [%i] [%u] [%x] [%X] [%o]\n", -42, 42, 42u, 0xbeef, 0xbeef, 8);
	printf("[%5d] [%-5d] [%05d] [%+d] [% d] [%.3d]\n", 42, 42, 42, 42, 42, 7);
	printf("[%#x] [%#o] [%#X] [%x]\n", 255, 8, 255, 0);
	printf("[%hhd] [%hd] [%ld] [%lld]\n", (signed char)-1, (short)-32768, LONG_MIN, LLONG_MAX);
	printf("[%hhu] [%hu] [%lu] [%llu]\n", (unsigned char)255, (unsigned short)65535, ULONG_MAX,
	       0ULL);
	printf("[%zu] [%zd] [%jd] [%td]\n", (size_t)123456789, (ssize_t)-5, (intmax_t)INT64_MIN,
	       (ptrdiff_t)-1);
	printf("[%c] [%s] [%.2s] [%10s] [%-10s] [%%]\n", 'x', "str", "string", "right", "left");
	printf("[%*d] [%-*d] [%.*f]\n", 6, 1, 6, 2, 3, 3.14159);
	printf("[%f] [%.0f] [%.1f] [%.10f]\n", 3.14159265358979, 2.5, 0.05, 1.0 / 3.0);
	printf("[%e] [%.3e] [%E]\n", 12345.6789, 0.000123456, 1e300);
	printf("[%g] [%g] [%g] [%g] [%G]\n", 100000.0, 1000000.0, 0.0001, 0.00001, 1e-10);
	printf("[%a] [%A]\n", 1.0, -0.5);
	printf("[%f] [%e] [%g]\n", -0.0, 0.0, -1.5);
	printf("[%f] [%f] [%F]\n", INFINITY, -INFINITY, NAN);
	printf("[%.20g] [%.17g]\n", DBL_MAX, DBL_MIN);
	printf("[%.3f] [%.2f] [%.2f]\n", 1.0005, 2.675, 1.005);
	printf("[%10.4f] [%-10.2e] [%+.3g]\n", M_PI, M_E, 12345.678);
	printf("[%Lf]\n", (long double)1 / 7);
	double acc = 0;
	for (int i = 1; i <= 1000; i++)
		acc += 1.0 / ((double)i * i);
	printf("basel sum %.15f sqrt(6*sum) %.12f\n", acc, sqrt(6 * acc));
	float f = 16777216.0f;
	printf("float %.1f %.1f %d\n", f, f + 1.0f, (int)(0.1f + 0.2f == 0.3f));
	long long fact = 1;
	for (int i = 1; i <= 20; i++) {
		fact *= i;
		if (i % 5 == 0)
			printf("%d! = %lld (%.6e)\n", i, fact, (double)fact);
	}
	return 0;
}
