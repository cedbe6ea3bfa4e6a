// SPDX-License-Identifier: MIT
/*
 * Output check: string handling (strlen, strcpy/strcat, strcmp, strchr,
 * strstr, strtok_r, toupper, reversing, a word count, snprintf truncation,
 * strtol in several bases). Deterministic output, compared byte for byte
 * between the host and XDV.
 */
/* Truncation is what this program prints on purpose. */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#pragma GCC diagnostic ignored "-Wstringop-truncation"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void reverse(char *s)
{
	for (size_t i = 0, j = strlen(s); i + 1 < j; i++, j--) {
		char t = s[i];
		s[i] = s[j - 1];
		s[j - 1] = t;
	}
}

int main(void)
{
	const char *text = "the quick brown fox jumps over the lazy dog";
	char buf[128], copy[128], *save, *tok;
	int words = 0, counts[26] = { 0 };

	printf("text: \"%s\" (%zu chars)\n", text, strlen(text));
	strcpy(buf, "abc");
	strcat(buf, "-def");
	strncat(buf, text + 3, 4);
	printf("concat: %s\n", buf);
	printf("strcmp: %d %d %d\n", strcmp("a", "b") < 0, strcmp("b", "a") > 0, strcmp("x", "x"));
	printf("strchr: %s\n", strchr(text, 'j'));
	printf("strrchr: %s\n", strrchr(text, 't'));
	printf("strstr: %s\n", strstr(text, "over"));
	printf("strspn: %zu strcspn: %zu\n", strspn("aaabbc", "ab"), strcspn(text, "xyz"));
	strcpy(copy, text);
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char up[32];
		size_t i;

		for (i = 0; tok[i] && i < sizeof(up) - 1; i++)
			up[i] = (char)toupper((unsigned char)tok[i]);
		up[i] = '\0';
		printf("word %d: %s %s\n", ++words, tok, up);
	}
	for (const char *p = text; *p; p++)
		if (islower((unsigned char)*p))
			counts[*p - 'a']++;
	printf("letters:");
	for (int i = 0; i < 26; i++)
		printf(" %c%d", 'a' + i, counts[i]);
	printf("\n");
	strcpy(copy, text);
	reverse(copy);
	printf("reversed: %s\n", copy);
	int n = snprintf(buf, 10, "%s", text);
	printf("snprintf: %d \"%s\"\n", n, buf);
	printf("strtol: %ld %ld %ld %ld\n", strtol("  -1234xyz", NULL, 10), strtol("ff", NULL, 16),
	       strtol("0777", NULL, 0), strtol("z", NULL, 36));
	memset(buf, '*', 20);
	buf[20] = '\0';
	printf("memset: %s memcmp: %d\n", buf, memcmp("abc", "abd", 3) < 0);
	return 0;
}
