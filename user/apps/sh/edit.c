/*
 * edit.c - the shell's line editor and history.
 *
 * The console is in raw mode while the shell reads (main.c), so every
 * key comes as it is typed and the editor echoes what it does itself:
 *
 *   printable keys        insert at the cursor (a bell, and nothing
 *                         inserted, once the line is full: it is never
 *                         cut silently)
 *   Backspace             delete before the cursor
 *   Delete, Ctrl-D        delete under the cursor (Ctrl-D on an empty
 *                         line: end of input)
 *   Left, Right           move the cursor
 *   Home, Ctrl-A          to the start; End, Ctrl-E: to the end
 *   Up, Down              through the history (HISTORY lines)
 *   Ctrl-U                erase the line
 *   Ctrl-C                drop the line
 *
 * Terminals send Home and End as ESC [ H / ESC [ F, ESC O H / ESC O F or
 * ESC [ 1 ~ / ESC [ 4 ~ (also 7 ~ and 8 ~), Delete as ESC [ 3 ~; all are
 * understood, and an escape sequence the editor does not know is skipped
 * whole.
 */
#include "sh.h"

#define HISTORY 32
#define KEY_CTRL(c) ((c) & 0x1f)
#define KEY_DEL 0x7f
#define KEY_ESC 0x1b

static char history[HISTORY][SH_LINE_MAX];
static int nhistory;

/* The editor's state: the line, its length and the cursor. */
struct ed {
	char *line;
	size_t size;
	int len, pos;
};

static void out(const char *s, size_t n)
{
	write(1, s, n);
}

static void back(int n)
{
	for (int i = 0; i < n; i++)
		out("\b", 1);
}

/* Redraw from the cursor to the end, blank `erase` cells after it, and
 * put the cursor back. */
static void redraw_tail(const struct ed *e, int erase)
{
	out(e->line + e->pos, (size_t)(e->len - e->pos));
	for (int i = 0; i < erase; i++)
		out(" ", 1);
	back(e->len - e->pos + erase);
}

static void move_to(struct ed *e, int pos)
{
	if (pos < e->pos)
		back(e->pos - pos);
	else
		out(e->line + e->pos, (size_t)(pos - e->pos));
	e->pos = pos;
}

/* Replace the whole line with s (a history entry, or ""). */
static void replace(struct ed *e, const char *s)
{
	int old = e->len;

	move_to(e, 0);
	strlcpy(e->line, s, e->size);
	e->len = (int)strlen(e->line);
	e->pos = 0;
	out(e->line, (size_t)e->len);
	e->pos = e->len;
	for (int i = e->len; i < old; i++)
		out(" ", 1);
	back(old > e->len ? old - e->len : 0);
}

static void insert(struct ed *e, char c)
{
	if (e->len + 1 >= (int)e->size) {
		out("\a", 1); /* full: refused, and the user hears it */
		return;
	}
	memmove(e->line + e->pos + 1, e->line + e->pos, (size_t)(e->len - e->pos));
	e->line[e->pos++] = c;
	e->len++;
	out(&c, 1);
	redraw_tail(e, 0);
}

/* Delete the character at `at` (the cursor, or the one before it). */
static void delete_at(struct ed *e, int at)
{
	if (at < 0 || at >= e->len)
		return;
	if (at < e->pos)
		move_to(e, at);
	memmove(e->line + at, e->line + at + 1, (size_t)(e->len - at - 1));
	e->len--;
	redraw_tail(e, 1);
}

/* The rest of an escape sequence: its final byte, with *num the number
 * of an ESC [ n ~ form (0 if none); -1 at end of input. */
static int read_escape(int *num)
{
	char c;

	*num = 0;
	if (read(0, &c, 1) != 1)
		return -1;
	if (c != '[' && c != 'O')
		return 0; /* ESC and a key: not a sequence we know */
	for (;;) {
		if (read(0, &c, 1) != 1)
			return -1;
		if (c >= '0' && c <= '9')
			*num = *num * 10 + (c - '0');
		else if (c != ';')
			return (unsigned char)c;
	}
}

/* An escape sequence's action; false at end of input. */
static bool escape(struct ed *e, int *hist)
{
	int num, key = read_escape(&num);

	if (key < 0)
		return false;
	if (key == '~') /* ESC [ n ~ */
		key = num == 1 || num == 7 ? 'H' : num == 4 || num == 8 ? 'F'
		      : num == 3 ? KEY_DEL : 0;
	switch (key) {
	case 'D':
		if (e->pos > 0)
			move_to(e, e->pos - 1);
		break;
	case 'C':
		if (e->pos < e->len)
			move_to(e, e->pos + 1);
		break;
	case 'H':
		move_to(e, 0);
		break;
	case 'F':
		move_to(e, e->len);
		break;
	case KEY_DEL:
		delete_at(e, e->pos);
		break;
	case 'A':
		if (*hist > 0)
			replace(e, history[--*hist]);
		break;
	case 'B':
		if (*hist < nhistory) {
			++*hist;
			replace(e, *hist < nhistory ? history[*hist] : "");
		}
		break;
	}
	return true;
}

int edit_line(char *line, size_t size)
{
	struct ed e = { line, size, 0, 0 };
	int hist = nhistory;
	char c;

	if (size < 2)
		return EDIT_EOF;
	line[0] = '\0';
	for (;;) {
		if (read(0, &c, 1) != 1)
			return EDIT_EOF;
		switch (c) {
		case '\r':
		case '\n':
			out("\n", 1);
			line[e.len] = '\0';
			return e.len;
		case KEY_CTRL('D'):
			if (e.len == 0)
				return EDIT_EOF;
			delete_at(&e, e.pos);
			break;
		case KEY_CTRL('C'):
			out("^C\n", 3);
			line[0] = '\0';
			return 0;
		case KEY_DEL:
		case '\b':
			delete_at(&e, e.pos - 1);
			break;
		case KEY_CTRL('U'):
			replace(&e, "");
			break;
		case KEY_CTRL('A'):
			move_to(&e, 0);
			break;
		case KEY_CTRL('E'):
			move_to(&e, e.len);
			break;
		case KEY_ESC:
			if (!escape(&e, &hist))
				return EDIT_EOF;
			break;
		default:
			if (isprint((unsigned char)c))
				insert(&e, c);
		}
		line[e.len] = '\0';
	}
}

void history_add(const char *line)
{
	if (!line[0] || (nhistory && !strcmp(history[nhistory - 1], line)))
		return;
	if (nhistory == HISTORY) {
		memmove(history[0], history[1], sizeof(history[0]) * (HISTORY - 1));
		nhistory--;
	}
	strlcpy(history[nhistory++], line, SH_LINE_MAX);
}
