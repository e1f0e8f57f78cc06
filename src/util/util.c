/*
 * Allocation, buffers, string lists and errors.
 */
#include "mr/util.h"
#include "mr/embedded.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char mr_buf_empty[1];

static void
oom(size_t n)
{
	/* The one message printed below the CLI. */
	fprintf(stderr, "model-router: out of memory (%zu bytes)\n", /* lint: allow */
	    n);
	abort();
}

void *
mr_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom(n);
	return p;
}

void *
mr_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		oom(n * size);
	return p;
}

void *
mr_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		oom(n);
	return q;
}

char *
mr_xstrdup(const char *s)
{
	return mr_xstrndup(s, strlen(s));
}

char *
mr_xstrndup(const char *s, size_t n)
{
	char *p = mr_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
mr_xasprintf(const char *fmt, ...)
{
	struct mr_buf b = MR_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	mr_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return mr_buf_detach(&b);
}

void
mr_buf_init(struct mr_buf *b)
{
	b->buf = mr_buf_empty;
	b->len = 0;
	b->alloc = 0;
}

void
mr_buf_release(struct mr_buf *b)
{
	if (b->alloc)
		free(b->buf);
	mr_buf_init(b);
}

void
mr_buf_reset(struct mr_buf *b)
{
	b->len = 0;
	if (b->alloc)
		b->buf[0] = '\0';
}

void
mr_buf_grow(struct mr_buf *b, size_t extra)
{
	size_t want;

	if (extra > SIZE_MAX - b->len - 1)
		oom(SIZE_MAX);
	want = b->len + extra + 1;
	if (want <= b->alloc)
		return;
	if (want < b->alloc * 2)
		want = b->alloc * 2;
	if (want < 64)
		want = 64;
	if (b->alloc == 0) {
		b->buf = mr_xmalloc(want);
		b->buf[0] = '\0';
	} else
		b->buf = mr_xrealloc(b->buf, want);
	b->alloc = want;
}

void
mr_buf_add(struct mr_buf *b, const void *data, size_t n)
{
	if (n == 0)
		return;
	mr_buf_grow(b, n);
	memcpy(b->buf + b->len, data, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

void
mr_buf_addstr(struct mr_buf *b, const char *s)
{
	mr_buf_add(b, s, strlen(s));
}

void
mr_buf_addch(struct mr_buf *b, int c)
{
	char ch = (char)c;

	mr_buf_add(b, &ch, 1);
}

void
mr_buf_vprintf(struct mr_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	mr_buf_grow(b, (size_t)n);
	vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
mr_buf_printf(struct mr_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mr_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

char *
mr_buf_detach(struct mr_buf *b)
{
	char *s;

	if (b->alloc == 0)
		s = mr_xstrdup("");
	else
		s = b->buf;
	mr_buf_init(b);
	return s;
}

void
mr_strlist_push_take(struct mr_strlist *l, char *s)
{
	if (l->n == l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 8;
		l->v = mr_xrealloc(l->v, l->alloc * sizeof(*l->v));
	}
	l->v[l->n++] = s;
}

void
mr_strlist_push(struct mr_strlist *l, const char *s)
{
	mr_strlist_push_take(l, mr_xstrdup(s));
}

bool
mr_strlist_has(const struct mr_strlist *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return true;
	return false;
}

void
mr_strlist_push_unique(struct mr_strlist *l, const char *s)
{
	if (!mr_strlist_has(l, s))
		mr_strlist_push(l, s);
}

void
mr_strlist_clear(struct mr_strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->alloc = 0;
}

void
mr_strlist_copy(struct mr_strlist *dst, const struct mr_strlist *src)
{
	size_t i;

	for (i = 0; i < src->n; i++)
		mr_strlist_push(dst, src->v[i]);
}

void
mr_strlist_join(const struct mr_strlist *l, const char *sep, struct mr_buf *b)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (i)
			mr_buf_addstr(b, sep);
		mr_buf_addstr(b, l->v[i]);
	}
}

void
mr_error_set(struct mr_error *e, const char *file, int line, int col,
    const char *fmt, ...)
{
	struct mr_buf b = MR_BUF_INIT;
	va_list ap;

	if (e == NULL)
		return;
	mr_error_clear(e);
	va_start(ap, fmt);
	mr_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	e->msg = mr_buf_detach(&b);
	e->file = file ? mr_xstrdup(file) : NULL;
	e->line = line;
	e->col = col;
}

void
mr_error_clear(struct mr_error *e)
{
	if (e == NULL)
		return;
	free(e->file);
	free(e->msg);
	e->file = e->msg = NULL;
	e->line = e->col = 0;
}

char *
mr_error_format(const struct mr_error *e)
{
	struct mr_buf b = MR_BUF_INIT;

	if (e->file) {
		mr_buf_addstr(&b, e->file);
		if (e->line > 0) {
			mr_buf_printf(&b, ":%d", e->line);
			if (e->col > 0)
				mr_buf_printf(&b, ":%d", e->col);
		}
		mr_buf_addstr(&b, ": ");
	}
	mr_buf_addstr(&b, e->msg ? e->msg : "unknown error");
	return mr_buf_detach(&b);
}

bool
mr_streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

void
mr_strlcpy(char *dst, size_t n, const char *src)
{
	size_t l = strlen(src);

	if (l >= n)
		l = n - 1;
	memcpy(dst, src, l);
	dst[l] = '\0';
}

bool
mr_is_blank(const char *s)
{
	if (s == NULL)
		return true;
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r' &&
		    *s != '\f' && *s != '\v')
			return false;
	return true;
}

size_t
mr_edit_distance(const char *a, const char *b, size_t cap)
{
	size_t la = strlen(a), lb = strlen(b), i, j, best;
	size_t row[64], prev, tmp;

	if (la > 60 || lb > 60)
		return cap;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		best = row[0];
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			row[j] = prev + (a[i - 1] != b[j - 1]);
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			if (tmp + 1 < row[j])
				row[j] = tmp + 1;
			prev = tmp;
			if (row[j] < best)
				best = row[j];
		}
		if (best >= cap)
			return cap;
	}
	return row[lb] < cap ? row[lb] : cap;
}

const char *
mr_did_you_mean(const char *word, const char *const *cands, size_t n)
{
	const char *best = NULL;
	size_t i, d, bestd, limit;

	limit = strlen(word) <= 4 ? 2 : 3;
	bestd = limit;
	for (i = 0; i < n; i++) {
		d = mr_edit_distance(word, cands[i], limit);
		if (d < bestd) {
			bestd = d;
			best = cands[i];
		}
	}
	return best;
}

int
mr_read_fd(int fd, size_t max, struct mr_buf *b)
{
	ssize_t r;

	for (;;) {
		mr_buf_grow(b, 8192);
		r = read(fd, b->buf + b->len, b->alloc - b->len - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		b->len += (size_t)r;
		b->buf[b->len] = '\0';
		if (b->len > max) {
			errno = EFBIG;
			return -1;
		}
	}
	return 0;
}

int
mr_read_file(const char *path, size_t max, struct mr_buf *b)
{
	struct stat st;
	int fd, rc, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		errno = EISDIR;
		return -1;
	}
	rc = mr_read_fd(fd, max, b);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

char *
mr_expand_home(const char *path)
{
	const char *home;

	if (path[0] != '~' || (path[1] != '\0' && path[1] != '/'))
		return mr_xstrdup(path);
	home = getenv("HOME");
	if (home == NULL || *home == '\0')
		return mr_xstrdup(path);
	return mr_xasprintf("%s%s", home, path + 1);
}

const struct mr_embedded_file *
mr_embedded_find(const char *path)
{
	const struct mr_embedded_file *f;

	for (f = mr_embedded; f->path != NULL; f++)
		if (strcmp(f->path, path) == 0)
			return f;
	return NULL;
}
