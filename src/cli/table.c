/*
 * Plain-text tables for command output: a header row, columns as wide as
 * their widest cell (counted in characters, not bytes), two spaces apart,
 * numbers right-aligned where asked.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli-int.h"

void
mr_table_init(struct mr_table *t, size_t ncols, const char *const *heads,
    unsigned right)
{
	size_t i;

	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	t->right = right;
	for (i = 0; i < ncols; i++)
		mr_strlist_push(&t->cells, heads[i]);
}

void
mr_table_row(struct mr_table *t, ...)
{
	va_list ap;
	const char *s;
	size_t i;

	va_start(ap, t);
	for (i = 0; i < t->ncols; i++) {
		s = va_arg(ap, const char *);
		mr_strlist_push(&t->cells, s != NULL ? s : "");
	}
	va_end(ap);
}

/* Characters in S: UTF-8 continuation bytes do not count. */
static size_t
width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

void
mr_table_print(const struct mr_table *t, const char *indent,
    struct mr_buf *out)
{
	size_t *w = mr_xcalloc(t->ncols, sizeof(*w));
	size_t r, c, rows = t->cells.n / t->ncols, cw, pad;
	const char *s;

	for (r = 0; r < rows; r++)
		for (c = 0; c < t->ncols; c++)
			if ((cw = width(t->cells.v[r * t->ncols + c])) > w[c])
				w[c] = cw;
	for (r = 0; r < rows; r++) {
		mr_buf_addstr(out, indent);
		for (c = 0; c < t->ncols; c++) {
			s = t->cells.v[r * t->ncols + c];
			pad = w[c] - width(s);
			if (t->right & (1u << c))
				mr_buf_printf(out, "%*s%s", (int)pad, "", s);
			else if (c + 1 < t->ncols)
				mr_buf_printf(out, "%s%*s", s, (int)pad, "");
			else
				mr_buf_addstr(out, s);
			if (c + 1 < t->ncols)
				mr_buf_addstr(out, "  ");
		}
		/* no trailing blanks */
		while (out->len > 0 && out->buf[out->len - 1] == ' ')
			out->buf[--out->len] = '\0';
		mr_buf_addch(out, '\n');
	}
	free(w);
}

void
mr_table_release(struct mr_table *t)
{
	mr_strlist_clear(&t->cells);
}

const char *
mr_fmt_bytes(uint64_t n, char *buf, size_t len)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	size_t u = 0;

	if (n < 1024) {
		snprintf(buf, len, "%llu B", (unsigned long long)n);
		return buf;
	}
	v /= 1024;
	while (v >= 1024 && u + 1 < MR_NELEM(units)) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
	return buf;
}
