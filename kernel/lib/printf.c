/*
 * lib/printf.c - formatted output into a bounded buffer.
 *
 * Output goes through a "sink" holding the buffer, its size and a count of
 * the characters produced. Every character is counted but only the first
 * size-1 are stored; the buffer is then terminated after the last stored
 * one, and the count is returned, as C's vsnprintf does.
 *
 * Each conversion is parsed into a struct spec (flags, width, precision,
 * length, conversion). Integers are widened to 64 bits, split into sign and
 * magnitude, turned into digits and laid out by emit_number() as
 *
 *	[spaces] [sign or "0x"] [zeros] digits [spaces]
 *
 * with C's rules: precision is the minimum number of digits; '0' pads after
 * the sign, and only without '-' or a precision. Unknown conversions are
 * copied out as written. No floating point anywhere.
 */
#include "kernel/types.h"
#include "lib/printf.h"

#define WIDTH_MAX 100000 /* saturate silly widths instead of overflowing */

struct sink {
	char *buf;
	size_t size;
	size_t pos; /* characters produced, stored or not */
};

struct spec {
	bool left;  /* '-' */
	bool zero;  /* '0' */
	bool plus;  /* '+' */
	bool space; /* ' ' */
	int width;  /* 0 when none */
	int prec;   /* -1 when none */
	int length; /* 0 int, 1 long, 2 long long, 3 size_t, -1 short, -2 char */
	char conv;
};

static void put(struct sink *s, char c)
{
	if (s->size && s->pos < s->size - 1)
		s->buf[s->pos] = c;
	s->pos++;
}

static void put_n(struct sink *s, char c, int n)
{
	while (n-- > 0)
		put(s, c);
}

static void emit_text(struct sink *s, const struct spec *sp, const char *str,
		      size_t len)
{
	int pad = len < (size_t)sp->width ? sp->width - (int)len : 0;

	if (!sp->left)
		put_n(s, ' ', pad);
	while (len--)
		put(s, *str++);
	if (sp->left)
		put_n(s, ' ', pad);
}

static void emit_number(struct sink *s, const struct spec *sp, uint64_t mag,
			bool neg, unsigned int base, const char *prefix)
{
	const char *digits = sp->conv == 'X' ? "0123456789ABCDEF" :
					       "0123456789abcdef";
	char tmp[24]; /* 22 octal digits hold 64 bits */
	int ndig = 0, nzero = 0, npre = 0, pad;

	while (mag) {
		/* base is 8, 10 or 16, never 0: cppcheck cannot see that */
		// cppcheck-suppress zerodivcond
		tmp[ndig++] = digits[mag % base];
		mag /= base;
	}
	if (ndig == 0 && sp->prec != 0)
		tmp[ndig++] = '0'; /* but "%.0d" of 0 prints no digits */
	if (sp->prec > ndig)
		nzero = sp->prec - ndig;

	if (neg)
		prefix = "-";
	else if (!prefix && sp->plus)
		prefix = "+";
	else if (!prefix && sp->space)
		prefix = " ";
	while (prefix && prefix[npre])
		npre++;

	pad = sp->width - (npre + nzero + ndig);
	if (pad > 0 && sp->zero && !sp->left && sp->prec < 0) {
		nzero += pad;
		pad = 0;
	}

	if (!sp->left)
		put_n(s, ' ', pad);
	while (npre--)
		put(s, *prefix++);
	put_n(s, '0', nzero);
	while (ndig--)
		put(s, tmp[ndig]);
	if (sp->left)
		put_n(s, ' ', pad);
}

static int64_t fetch_signed(const struct spec *sp, va_list *ap)
{
	switch (sp->length) {
	case -2: return (signed char)va_arg(*ap, int);
	case -1: return (short)va_arg(*ap, int);
	case 1: return va_arg(*ap, long);
	case 2: return va_arg(*ap, long long);
	case 3: return (int64_t)va_arg(*ap, size_t);
	default: return va_arg(*ap, int);
	}
}

static uint64_t fetch_unsigned(const struct spec *sp, va_list *ap)
{
	switch (sp->length) {
	case -2: return (unsigned char)va_arg(*ap, unsigned int);
	case -1: return (unsigned short)va_arg(*ap, unsigned int);
	case 1: return va_arg(*ap, unsigned long);
	case 2: return va_arg(*ap, unsigned long long);
	case 3: return va_arg(*ap, size_t);
	default: return va_arg(*ap, unsigned int);
	}
}

/* Parse digits at *fmt into a non-negative int, saturating. */
static int parse_num(const char **fmt)
{
	int n = 0;

	while (**fmt >= '0' && **fmt <= '9') {
		if (n < WIDTH_MAX)
			n = n * 10 + (**fmt - '0');
		(*fmt)++;
	}
	return n;
}

/* Parse one conversion after its '%'; returns false if fmt ran out. */
static bool parse_spec(const char **fmt, struct spec *sp, va_list *ap)
{
	const char *p = *fmt;

	*sp = (struct spec){ .prec = -1 };
	for (;; p++) {
		if (*p == '-')
			sp->left = true;
		else if (*p == '0')
			sp->zero = true;
		else if (*p == '+')
			sp->plus = true;
		else if (*p == ' ')
			sp->space = true;
		else
			break;
	}

	if (*p == '*') {
		int w = va_arg(*ap, int);

		p++;
		if (w < 0) {
			sp->left = true;
			w = w < -WIDTH_MAX ? WIDTH_MAX : -w;
		}
		sp->width = MIN(w, WIDTH_MAX);
	} else {
		sp->width = parse_num(&p);
	}

	if (*p == '.') {
		p++;
		if (*p == '*') {
			int pr = va_arg(*ap, int);

			p++;
			sp->prec = pr < 0 ? -1 : MIN(pr, WIDTH_MAX);
		} else {
			sp->prec = parse_num(&p);
		}
	}

	if (*p == 'h') {
		sp->length = -1;
		if (*++p == 'h') {
			sp->length = -2;
			p++;
		}
	} else if (*p == 'l') {
		sp->length = 1;
		if (*++p == 'l') {
			sp->length = 2;
			p++;
		}
	} else if (*p == 'z') {
		sp->length = 3;
		p++;
	}

	*fmt = p;
	if (!*p)
		return false;
	sp->conv = *p;
	*fmt = p + 1;
	return true;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = { .buf = buf, .size = size, .pos = 0 };
	struct spec sp;
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		const char *start = fmt;
		const char *str;
		int64_t v;
		char c;

		if (*fmt != '%') {
			put(&s, *fmt++);
			continue;
		}
		fmt++;
		if (!parse_spec(&fmt, &sp, &args)) {
			while (start < fmt) /* a dangling spec is printed as is */
				put(&s, *start++);
			break;
		}

		switch (sp.conv) {
		case 'd':
		case 'i':
			v = fetch_signed(&sp, &args);
			emit_number(&s, &sp, v < 0 ? -(uint64_t)v : (uint64_t)v,
				    v < 0, 10, NULL);
			break;
		case 'u':
			emit_number(&s, &sp, fetch_unsigned(&sp, &args), false,
				    10, "");
			break;
		case 'x':
		case 'X':
			emit_number(&s, &sp, fetch_unsigned(&sp, &args), false,
				    16, "");
			break;
		case 'o':
			emit_number(&s, &sp, fetch_unsigned(&sp, &args), false,
				    8, "");
			break;
		case 'p':
			sp.conv = 'x';
			sp.prec = 16;
			emit_number(&s, &sp,
				    (uint64_t)(uintptr_t)va_arg(args, void *),
				    false, 16, "0x");
			break;
		case 'c':
			c = (char)va_arg(args, int);
			emit_text(&s, &sp, &c, 1);
			break;
		case 's': {
			size_t len = 0;

			str = va_arg(args, const char *);
			if (!str)
				str = "(null)";
			while (str[len] &&
			       (sp.prec < 0 || len < (size_t)sp.prec))
				len++;
			emit_text(&s, &sp, str, len);
			break;
		}
		case '%':
			put(&s, '%');
			break;
		default: /* unknown: copy the whole spec literally */
			while (start < fmt)
				put(&s, *start++);
			break;
		}
	}
	va_end(args);

	if (size)
		buf[MIN(s.pos, size - 1)] = '\0';
	return (int)s.pos;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
