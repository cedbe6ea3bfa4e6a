// SPDX-License-Identifier: MIT
/*
 * String formatting: vsnprintf() and snprintf(), the one printf engine of the
 * kernel. printk, panic and every "%s: %d" in the tree end up here, so it is
 * kept small, iterative (no recursion, never calls printk) and allocation
 * free; it uses only its arguments and the stack, and so needs no lock and is
 * safe in any context, including a panic or a nested exception.
 *
 * What it does follows C99 for the conversions listed in <xdv/printk.h>:
 * d i u x X o c s p %, the flags "-+ 0#", width and precision (also '*'),
 * and the length modifiers hh h l ll z t j. Kernel-specific choices:
 *   - %p prints "0x" and all 16 hex digits (0xffffffff80200000), so
 *     addresses line up in tables and NULL is 0x0000000000000000;
 *   - %s of NULL prints "(null)" (cut by a precision like any string);
 *   - there is no floating point (the kernel is built without SSE), no %n
 *     and no wide characters: an 'l' before c or s is ignored;
 *   - an unknown conversion is copied to the output as it was written,
 *     e.g. "%y" stays "%y", and consumes no argument.
 *
 * This file also builds for the host unit tests (tests/unit/kernel/).
 */
#include <limits.h>
#include <xdv/printk.h>

/* Where the output goes: buf[0..size-1) gets text, pos counts everything. */
struct fmt_out {
	char *buf;
	size_t size;
	size_t pos;
};

/* Conversion flags, from the characters between '%' and the width. */
#define FMT_LEFT  0x01 /* '-': pad on the right */
#define FMT_PLUS  0x02 /* '+': always a sign */
#define FMT_SPACE 0x04 /* ' ': a space where '+' would go */
#define FMT_ZERO  0x08 /* '0': pad numbers with zeros */
#define FMT_ALT   0x10 /* '#': 0x prefix, or a leading 0 for octal */
#define FMT_UPPER 0x20 /* %X */
#define FMT_SIGNED 0x40 /* %d %i: '+' and ' ' apply */

/* Length modifiers. */
enum fmt_length {
	FMT_LEN_INT,
	FMT_LEN_CHAR,  /* hh */
	FMT_LEN_SHORT, /* h */
	FMT_LEN_LONG,  /* l */
	FMT_LEN_LLONG, /* ll */
	FMT_LEN_SIZE,  /* z */
	FMT_LEN_PTRDIFF, /* t */
	FMT_LEN_INTMAX,  /* j */
};

struct fmt_spec {
	unsigned flags;
	int width;     /* 0: none */
	int precision; /* -1: none */
	enum fmt_length length;
};

static const char fmt_digits_lower[] = "0123456789abcdef";
static const char fmt_digits_upper[] = "0123456789ABCDEF";

static inline void fmt_putc(struct fmt_out *out, char c)
{
	if (out->pos + 1 < out->size)
		out->buf[out->pos] = c;
	out->pos++;
}

static void fmt_puts(struct fmt_out *out, const char *s, size_t len)
{
	size_t room = 0;

	if (out->pos + 1 < out->size)
		room = out->size - 1 - out->pos;
	for (size_t i = 0; i < len && i < room; i++)
		out->buf[out->pos + i] = s[i];
	out->pos += len;
}

static void fmt_pad(struct fmt_out *out, char c, size_t n)
{
	while (n--)
		fmt_putc(out, c);
}

/*
 * Write digits of v in base 8, 10 or 16 to the end of tmp (which holds 22
 * characters, enough for a 64-bit octal number). Return: the digit count;
 * zero for v == 0, as the caller decides whether a zero is printed.
 */
static int fmt_digits(char *end, uint64_t v, unsigned base, bool upper)
{
	const char *digits = upper ? fmt_digits_upper : fmt_digits_lower;
	char *p = end;

	/* Constant divisors, so the compiler turns them into shifts and multiplies. */
	switch (base) {
	case 16:
		for (; v; v >>= 4)
			*--p = digits[v & 15];
		break;
	case 8:
		for (; v; v >>= 3)
			*--p = (char)('0' + (v & 7));
		break;
	default:
		for (; v; v /= 10)
			*--p = (char)('0' + v % 10);
		break;
	}
	return (int)(end - p);
}

/* Print an integer: magnitude v, negative says whether a '-' goes first. */
static void fmt_integer(struct fmt_out *out, const struct fmt_spec *spec,
			uint64_t v, bool negative, unsigned base)
{
	char tmp[24];
	char *end = tmp + sizeof(tmp);
	char sign = 0;
	const char *prefix = "";
	size_t prefix_len = 0;
	int ndigits, zeros, body, pad;

	ndigits = fmt_digits(end, v, base, spec->flags & FMT_UPPER);

	/* C99: the default precision is 1; a zero value with precision 0 prints nothing. */
	int precision = spec->precision < 0 ? 1 : spec->precision;
	zeros = precision > ndigits ? precision - ndigits : 0;

	if (negative)
		sign = '-';
	else if ((spec->flags & (FMT_SIGNED | FMT_PLUS)) == (FMT_SIGNED | FMT_PLUS))
		sign = '+';
	else if ((spec->flags & (FMT_SIGNED | FMT_SPACE)) == (FMT_SIGNED | FMT_SPACE))
		sign = ' ';

	if (spec->flags & FMT_ALT) {
		if (base == 16 && v != 0) {
			prefix = (spec->flags & FMT_UPPER) ? "0X" : "0x";
			prefix_len = 2;
		} else if (base == 8 && zeros == 0) {
			zeros = 1; /* '#' makes the first octal digit a 0 */
		}
	}

	body = (sign ? 1 : 0) + (int)prefix_len + zeros + ndigits;
	pad = spec->width > body ? spec->width - body : 0;

	/* '0' pads between sign and digits, unless '-' or a precision says otherwise. */
	if (pad && (spec->flags & FMT_ZERO) && !(spec->flags & FMT_LEFT) &&
	    spec->precision < 0) {
		zeros += pad;
		pad = 0;
	}

	if (!(spec->flags & FMT_LEFT))
		fmt_pad(out, ' ', (size_t)pad);
	if (sign)
		fmt_putc(out, sign);
	fmt_puts(out, prefix, prefix_len);
	fmt_pad(out, '0', (size_t)zeros);
	fmt_puts(out, end - ndigits, (size_t)ndigits);
	if (spec->flags & FMT_LEFT)
		fmt_pad(out, ' ', (size_t)pad);
}

/* Print len bytes of s inside the field width (spaces only, as glibc does). */
static void fmt_field(struct fmt_out *out, const struct fmt_spec *spec,
		      const char *s, size_t len)
{
	size_t pad = spec->width > 0 && (size_t)spec->width > len ?
			     (size_t)spec->width - len : 0;

	if (!(spec->flags & FMT_LEFT))
		fmt_pad(out, ' ', pad);
	fmt_puts(out, s, len);
	if (spec->flags & FMT_LEFT)
		fmt_pad(out, ' ', pad);
}

static void fmt_string(struct fmt_out *out, const struct fmt_spec *spec,
		       const char *s)
{
	size_t len = 0;

	if (!s)
		s = "(null)";
	/* With a precision, s need not be NUL-terminated: read no further. */
	if (spec->precision >= 0) {
		while (len < (size_t)spec->precision && s[len])
			len++;
	} else {
		while (s[len])
			len++;
	}
	fmt_field(out, spec, s, len);
}

static void fmt_pointer(struct fmt_out *out, const struct fmt_spec *spec,
			const void *p)
{
	char tmp[18];
	uint64_t v = (uintptr_t)p;

	tmp[0] = '0';
	tmp[1] = 'x';
	for (int i = 17; i >= 2; i--, v >>= 4)
		tmp[i] = fmt_digits_lower[v & 15];
	fmt_field(out, spec, tmp, sizeof(tmp));
}

/* Read a decimal number at *fmt, saturating at INT_MAX. */
static int fmt_atoi(const char **fmt)
{
	int n = 0;

	while (**fmt >= '0' && **fmt <= '9') {
		int d = **fmt - '0';

		n = n > (INT_MAX - d) / 10 ? INT_MAX : n * 10 + d;
		(*fmt)++;
	}
	return n;
}

/* Signed argument of the given length, widened to 64 bits. */
static int64_t fmt_arg_signed(enum fmt_length length, va_list *ap)
{
	switch (length) {
	case FMT_LEN_CHAR:
		return (signed char)va_arg(*ap, int);
	case FMT_LEN_SHORT:
		return (short)va_arg(*ap, int);
	case FMT_LEN_LONG:
		return va_arg(*ap, long);
	case FMT_LEN_LLONG:
		return va_arg(*ap, long long);
	case FMT_LEN_SIZE:
		return va_arg(*ap, long); /* the signed type of size_t */
	case FMT_LEN_PTRDIFF:
		return va_arg(*ap, ptrdiff_t);
	case FMT_LEN_INTMAX:
		return va_arg(*ap, intmax_t);
	default:
		return va_arg(*ap, int);
	}
}

static uint64_t fmt_arg_unsigned(enum fmt_length length, va_list *ap)
{
	switch (length) {
	case FMT_LEN_CHAR:
		return (unsigned char)va_arg(*ap, unsigned int);
	case FMT_LEN_SHORT:
		return (unsigned short)va_arg(*ap, unsigned int);
	case FMT_LEN_LONG:
		return va_arg(*ap, unsigned long);
	case FMT_LEN_LLONG:
		return va_arg(*ap, unsigned long long);
	case FMT_LEN_SIZE:
		return va_arg(*ap, size_t);
	case FMT_LEN_PTRDIFF:
		return (uint64_t)va_arg(*ap, ptrdiff_t);
	case FMT_LEN_INTMAX:
		return va_arg(*ap, uintmax_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

/* Parse flags, width, precision and length after a '%'; *fmt ends on the conversion. */
static void fmt_parse_spec(const char **fmt, struct fmt_spec *spec, va_list *ap)
{
	const char *p = *fmt;

	spec->flags = 0;
	spec->width = 0;
	spec->precision = -1;
	spec->length = FMT_LEN_INT;

	for (;; p++) {
		if (*p == '-')
			spec->flags |= FMT_LEFT;
		else if (*p == '+')
			spec->flags |= FMT_PLUS;
		else if (*p == ' ')
			spec->flags |= FMT_SPACE;
		else if (*p == '0')
			spec->flags |= FMT_ZERO;
		else if (*p == '#')
			spec->flags |= FMT_ALT;
		else
			break;
	}

	if (*p == '*') {
		int w = va_arg(*ap, int);

		p++;
		/* A negative width from '*' means '-' and its magnitude. */
		if (w < 0) {
			spec->flags |= FMT_LEFT;
			w = w == INT_MIN ? INT_MAX : -w;
		}
		spec->width = w;
	} else {
		spec->width = fmt_atoi(&p);
	}

	if (*p == '.') {
		p++;
		if (*p == '*') {
			int prec = va_arg(*ap, int);

			p++;
			spec->precision = prec < 0 ? -1 : prec; /* negative: as if omitted */
		} else {
			spec->precision = fmt_atoi(&p);
		}
	}

	switch (*p) {
	case 'h':
		p++;
		spec->length = FMT_LEN_SHORT;
		if (*p == 'h') {
			p++;
			spec->length = FMT_LEN_CHAR;
		}
		break;
	case 'l':
		p++;
		spec->length = FMT_LEN_LONG;
		if (*p == 'l') {
			p++;
			spec->length = FMT_LEN_LLONG;
		}
		break;
	case 'z':
		p++;
		spec->length = FMT_LEN_SIZE;
		break;
	case 't':
		p++;
		spec->length = FMT_LEN_PTRDIFF;
		break;
	case 'j':
		p++;
		spec->length = FMT_LEN_INTMAX;
		break;
	}
	*fmt = p;
}

/*
 * Format fmt with ap into buf. Context: any (no locks, no allocation).
 * Return: the length the whole output would have had, without the NUL.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_out out = { .buf = buf, .size = size, .pos = 0 };
	struct fmt_spec spec;
	va_list args;

	/* A copy, so helpers can take a pointer to it (portable for va_list). */
	va_copy(args, ap);

	while (*fmt) {
		const char *start = fmt;

		/* Copy the literal text up to the next '%' in one go. */
		while (*fmt && *fmt != '%')
			fmt++;
		fmt_puts(&out, start, (size_t)(fmt - start));
		if (!*fmt)
			break;

		start = fmt++; /* at the '%' */
		fmt_parse_spec(&fmt, &spec, &args);

		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t v = fmt_arg_signed(spec.length, &args);
			uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

			spec.flags |= FMT_SIGNED;
			fmt_integer(&out, &spec, mag, v < 0, 10);
			break;
		}
		case 'u':
			fmt_integer(&out, &spec, fmt_arg_unsigned(spec.length, &args),
				    false, 10);
			break;
		case 'X':
			spec.flags |= FMT_UPPER;
			/* fallthrough */
		case 'x':
			fmt_integer(&out, &spec, fmt_arg_unsigned(spec.length, &args),
				    false, 16);
			break;
		case 'o':
			fmt_integer(&out, &spec, fmt_arg_unsigned(spec.length, &args),
				    false, 8);
			break;
		case 'c': {
			char c = (char)(unsigned char)va_arg(args, int);

			fmt_field(&out, &spec, &c, 1);
			break;
		}
		case 's':
			fmt_string(&out, &spec, va_arg(args, const char *));
			break;
		case 'p':
			fmt_pointer(&out, &spec, va_arg(args, const void *));
			break;
		case '%':
			fmt_putc(&out, '%');
			break;
		case '\0':
			/* The format ends inside a conversion: show what there was. */
			fmt_puts(&out, start, (size_t)(fmt - start));
			continue;
		default:
			/* Unknown: copy it as written, and take no argument. */
			fmt_puts(&out, start, (size_t)(fmt + 1 - start));
			break;
		}
		fmt++;
	}
	va_end(args);

	if (size)
		buf[out.pos < size ? out.pos : size - 1] = '\0';
	return out.pos > INT_MAX ? INT_MAX : (int)out.pos;
}

/* snprintf: vsnprintf with the arguments inline. Context: any. */
int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
