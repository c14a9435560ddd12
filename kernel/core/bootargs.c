/*
 * bootargs.c - the kernel command line from /chosen/bootargs.
 *
 * Words are separated by spaces; each is "key" or "key=value", and a
 * value may be quoted to hold spaces: init="fact 10". The line is split
 * once at boot into a table and only read afterwards. When a key comes
 * twice, the last word counts.
 */
#include "kernel/bootargs.h"
#include "kernel/param.h"
#include "lib/string.h"

#define MAX_WORDS 32

static char cmdline[BOOTARGS_MAX];  /* [boot] as given */
static char words[BOOTARGS_MAX];    /* [boot] split copy: key\0value\0 ... */
static const char *keys[MAX_WORDS]; /* [boot] */
static const char *vals[MAX_WORDS]; /* [boot] NULL for a bare key */
static int nwords;                  /* [boot] */

void bootargs_init(const char *line)
{
	const char *p;
	char *out = words;

	kstrlcpy(cmdline, line ? line : "", sizeof(cmdline));
	nwords = 0;
	for (p = cmdline; *p && nwords < MAX_WORDS;) {
		bool quoted = false;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		keys[nwords] = out;
		vals[nwords] = NULL;
		while (*p && (quoted || *p != ' ')) {
			if (*p == '"') {
				quoted = !quoted;
			} else if (*p == '=' && !vals[nwords] && !quoted) {
				*out++ = '\0';
				vals[nwords] = out;
			} else {
				*out++ = *p;
			}
			p++;
		}
		*out++ = '\0';
		nwords++;
	}
}

const char *bootargs_line(void)
{
	return cmdline;
}

/* The last word with this key: a later word overrides an earlier one,
 * as on Linux's command line (make ktest BOOTARGS=ktest=pid adds a
 * ktest=pid after the Makefile's own ktest). */
static int bootarg_index(const char *key)
{
	for (int i = nwords - 1; i >= 0; i--)
		if (strcmp(keys[i], key) == 0)
			return i;
	return -1;
}

bool bootarg_get(const char *key, char *buf, size_t size)
{
	int i = bootarg_index(key);

	if (i < 0)
		return false;
	if (size)
		kstrlcpy(buf, vals[i] ? vals[i] : "", size);
	return true;
}

bool bootarg_has(const char *key)
{
	return bootarg_index(key) >= 0;
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
