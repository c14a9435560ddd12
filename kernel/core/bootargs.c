/*
 * bootargs.c - the kernel command line from /chosen/bootargs.
 *
 * Copied into a static buffer at boot, then only read. Words are
 * separated by spaces; each is "key" or "key=value".
 */
#include "kernel/bootargs.h"
#include "kernel/param.h"
#include "lib/string.h"

static char cmdline[BOOTARGS_MAX]; /* [boot] */

void bootargs_init(const char *line)
{
	kstrlcpy(cmdline, line ? line : "", sizeof(cmdline));
}

const char *bootargs_line(void)
{
	return cmdline;
}

/* Find key; set *val to its value (or NULL for a bare key) and *len. */
static bool bootarg_find(const char *key, const char **val, size_t *len)
{
	size_t klen = strlen(key);
	const char *p = cmdline;

	while (*p) {
		const char *w = p;
		size_t wlen = 0;

		while (*p == ' ')
			p++;
		w = p;
		while (*p && *p != ' ')
			p++;
		wlen = (size_t)(p - w);
		if (wlen >= klen && strncmp(w, key, klen) == 0) {
			if (wlen == klen) {
				*val = NULL;
				*len = 0;
				return true;
			}
			if (w[klen] == '=') {
				*val = w + klen + 1;
				*len = wlen - klen - 1;
				return true;
			}
		}
	}
	return false;
}

bool bootarg_get(const char *key, char *buf, size_t size)
{
	const char *val;
	size_t len;

	if (!bootarg_find(key, &val, &len))
		return false;
	if (size) {
		size_t n = MIN(len, size - 1);

		if (n)
			memcpy(buf, val, n);
		buf[n] = '\0';
	}
	return true;
}

bool bootarg_has(const char *key)
{
	const char *val;
	size_t len;

	return bootarg_find(key, &val, &len);
}

long bootarg_long(const char *key, long def)
{
	char buf[24];
	long v = 0;

	if (!bootarg_get(key, buf, sizeof(buf)) || !buf[0])
		return def;
	for (char *p = buf; *p; p++) {
		if (*p < '0' || *p > '9')
			return def;
		v = v * 10 + (*p - '0');
	}
	return v;
}
