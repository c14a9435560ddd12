/*
 * parse.c - a command line into words, as a Unix shell splits it.
 *
 *   blanks (spaces, tabs)  separate words
 *   '...'                  everything inside as it is
 *   "..."                  everything inside, but \" \\ \$ stand for
 *                          " \ $, and $? for the last status
 *   \c (outside quotes)    the character c itself (a blank, a quote, &)
 *   $?                     the last command's status (outside '...')
 *   & at the end           run in the background (anywhere else, and
 *                          not quoted, an error: one command a line)
 *
 * Quotes join what touches them into one word: a'b c'"d" is "ab cd".
 * An open quote at the end of the line is an error, as are more than
 * SH_ARGS_MAX - 1 words: a line is run whole or not at all, never cut.
 */
#include "sh.h"

/* The parser's state: where it reads and where the words go. */
struct parse {
	const char *in;
	char *out;
	char **argv;
	int argc, max;
	bool in_word;
};

/* End the word being built, if any. */
static bool end_word(struct parse *p)
{
	if (!p->in_word)
		return true;
	*p->out++ = '\0';
	p->in_word = false;
	return true;
}

/* Start a word at out if none is being built; false if there are too
 * many. */
static bool start_word(struct parse *p)
{
	if (p->in_word)
		return true;
	if (p->argc + 1 >= p->max)
		return false;
	p->argv[p->argc++] = p->out;
	p->in_word = true;
	return true;
}

/* Append $? (the last status) at out. */
static void put_status(struct parse *p)
{
	p->out += snprintf(p->out, 12, "%d", last_status);
}

int parse_line(const char *line, char *buf, char **argv, int max,
	       bool *background, const char **err)
{
	struct parse p = { line, buf, argv, 0, max, false };
	const char *s = line;

	*background = false;
	*err = NULL;
	while (*s) {
		char c = *s++;

		if (c == ' ' || c == '\t') {
			end_word(&p);
			continue;
		}
		if (c == '&') {
			while (*s == ' ' || *s == '\t')
				s++;
			if (*s) {
				*err = "& must end the line (one command a line)";
				return -1;
			}
			end_word(&p);
			*background = true;
			break;
		}
		if (!start_word(&p)) {
			*err = "too many words (at most 127)";
			return -1;
		}
		if (c == '\\') {
			if (*s)
				*p.out++ = *s++;
		} else if (c == '\'') {
			while (*s && *s != '\'')
				*p.out++ = *s++;
			if (!*s) {
				*err = "unterminated ' quote";
				return -1;
			}
			s++;
		} else if (c == '"') {
			while (*s && *s != '"') {
				if (*s == '\\' && (s[1] == '"' || s[1] == '\\' ||
						   s[1] == '$')) {
					*p.out++ = s[1];
					s += 2;
				} else if (s[0] == '$' && s[1] == '?') {
					put_status(&p);
					s += 2;
				} else {
					*p.out++ = *s++;
				}
			}
			if (!*s) {
				*err = "unterminated \" quote";
				return -1;
			}
			s++;
		} else if (c == '$' && *s == '?') {
			put_status(&p);
			s++;
		} else {
			*p.out++ = c;
		}
	}
	end_word(&p);
	argv[p.argc] = NULL;
	return p.argc;
}
