/*
 * stdlib.c - number conversion (strtol family, atoi), abs and getenv.
 *
 * The strto* functions follow C: leading white space, an optional sign,
 * "0x" for base 16 (or 0), a leading 0 meaning octal for base 0. On
 * overflow the result saturates and errno is ERANGE; when no digits are
 * found *end is s and the result 0.
 */
#include "kite.h"

/* The magnitude and sign of a number in s; returns false on overflow of
 * the 64-bit magnitude (which is then saturated). */
static bool parse(const char *s, char **end, int base, uint64_t *mag,
		  bool *neg)
{
	const char *p = s, *digits;
	uint64_t v = 0;
	bool ok = true;

	*neg = false;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '+' || *p == '-')
		*neg = *p++ == '-';
	if ((base == 0 || base == 16) && p[0] == '0' &&
	    (p[1] == 'x' || p[1] == 'X') && isxdigit((unsigned char)p[2])) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = *p == '0' ? 8 : 10;
	}
	if (base < 2 || base > 36) {
		errno = EINVAL;
		base = 0; /* no digit is valid */
	}

	digits = p;
	for (;; p++) {
		int c = (unsigned char)*p, d;

		if (isdigit(c))
			d = c - '0';
		else if (isalpha(c))
			d = tolower(c) - 'a' + 10;
		else
			break;
		if (d >= base)
			break;
		if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base) {
			ok = false;
			v = UINT64_MAX;
		} else if (ok) {
			v = v * (uint64_t)base + (uint64_t)d;
		}
	}
	if (p == digits) { /* no number at all */
		p = s;
		*neg = false;
	}
	if (end)
		*end = (char *)p;
	*mag = v;
	return ok;
}

long long strtoll(const char *s, char **end, int base)
{
	uint64_t mag;
	bool neg;
	bool ok = parse(s, end, base, &mag, &neg);

	if (!neg && (!ok || mag > (uint64_t)INT64_MAX)) {
		errno = ERANGE;
		return INT64_MAX;
	}
	if (neg && (!ok || mag > (uint64_t)INT64_MAX + 1)) {
		errno = ERANGE;
		return INT64_MIN;
	}
	return neg ? (long long)(0 - mag) : (long long)mag;
}

unsigned long long strtoull(const char *s, char **end, int base)
{
	uint64_t mag;
	bool neg;

	if (!parse(s, end, base, &mag, &neg)) {
		errno = ERANGE;
		return UINT64_MAX;
	}
	return neg ? 0 - mag : mag; /* C: "-1" is ULLONG_MAX */
}

/* long is 64 bits (LP64), so these are the same functions */
long strtol(const char *s, char **end, int base)
{
	return strtoll(s, end, base);
}

unsigned long strtoul(const char *s, char **end, int base)
{
	return strtoull(s, end, base);
}

int atoi(const char *s)
{
	return (int)strtol(s, NULL, 10);
}

long atol(const char *s)
{
	return strtol(s, NULL, 10);
}

int abs(int v)
{
	return v < 0 ? -v : v;
}

long labs(long v)
{
	return v < 0 ? -v : v;
}

char *getenv(const char *name)
{
	size_t n = strlen(name);
	char **e;

	if (!environ || !n || strchr(name, '='))
		return NULL;
	for (e = environ; *e; e++) {
		if (!strncmp(*e, name, n) && (*e)[n] == '=')
			return *e + n + 1;
	}
	return NULL;
}
