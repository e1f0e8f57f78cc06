/*
 * Small shared utilities: allocation that never returns NULL, a growable
 * string buffer, a string list and a located error.
 *
 * Ownership rule: a function returning `char *` hands the string over (the
 * caller frees it); one returning `const char *` lends it.
 */
#ifndef MR_UTIL_H
#define MR_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#if defined(__GNUC__) || defined(__clang__)
#define MR_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define MR_PRINTF(f, a)
#endif

#define MR_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation: abort with a message on exhaustion, never return NULL. */
void	*mr_xmalloc(size_t n);
void	*mr_xcalloc(size_t n, size_t size);
void	*mr_xrealloc(void *p, size_t n);
char	*mr_xstrdup(const char *s);
char	*mr_xstrndup(const char *s, size_t n);
char	*mr_xasprintf(const char *fmt, ...) MR_PRINTF(1, 2);

/*
 * A growable byte buffer.  Invariants: `buf` is never NULL and is always
 * NUL-terminated; `len` excludes the terminator.  MR_BUF_INIT is a valid
 * empty buffer that owns no memory.
 */
struct mr_buf {
	char	*buf;
	size_t	 len;
	size_t	 alloc;
};
extern char mr_buf_empty[];
#define MR_BUF_INIT { mr_buf_empty, 0, 0 }

void	 mr_buf_init(struct mr_buf *b);
void	 mr_buf_release(struct mr_buf *b);
void	 mr_buf_reset(struct mr_buf *b);
void	 mr_buf_grow(struct mr_buf *b, size_t extra);
void	 mr_buf_add(struct mr_buf *b, const void *data, size_t n);
void	 mr_buf_addstr(struct mr_buf *b, const char *s);
void	 mr_buf_addch(struct mr_buf *b, int c);
void	 mr_buf_printf(struct mr_buf *b, const char *fmt, ...) MR_PRINTF(2, 3);
void	 mr_buf_vprintf(struct mr_buf *b, const char *fmt, va_list ap);
char	*mr_buf_detach(struct mr_buf *b);

/* A list of owned strings. */
struct mr_strlist {
	char	**v;
	size_t	  n;
	size_t	  alloc;
};
#define MR_STRLIST_INIT { NULL, 0, 0 }

void	 mr_strlist_push(struct mr_strlist *l, const char *s);
void	 mr_strlist_push_take(struct mr_strlist *l, char *s);
/* Push only when not already present. */
void	 mr_strlist_push_unique(struct mr_strlist *l, const char *s);
bool	 mr_strlist_has(const struct mr_strlist *l, const char *s);
void	 mr_strlist_clear(struct mr_strlist *l);
void	 mr_strlist_copy(struct mr_strlist *dst, const struct mr_strlist *src);
/* Joins with SEP into B. */
void	 mr_strlist_join(const struct mr_strlist *l, const char *sep,
	    struct mr_buf *b);

/*
 * An error with an optional location in a file.  line/col are 1-based;
 * 0 means unknown.  Functions that can fail take a `struct mr_error *` that
 * may be NULL, fill it on failure and return -1 or NULL.
 */
struct mr_error {
	char	*file;
	int	 line;
	int	 col;
	char	*msg;
};
#define MR_ERROR_INIT { NULL, 0, 0, NULL }

void	 mr_error_set(struct mr_error *e, const char *file, int line, int col,
	    const char *fmt, ...) MR_PRINTF(5, 6);
void	 mr_error_clear(struct mr_error *e);
/* "file:line:col: msg" (or as much of it as is known).  Caller frees. */
char	*mr_error_format(const struct mr_error *e);

/* String helpers. */
bool	 mr_streq(const char *a, const char *b);
/* Copies SRC into DST of N (> 0) bytes, truncating, always terminated. */
void	 mr_strlcpy(char *dst, size_t n, const char *src);
bool	 mr_is_blank(const char *s);
/* Levenshtein distance, capped at CAP (returns CAP when larger). */
size_t	 mr_edit_distance(const char *a, const char *b, size_t cap);
/* Best candidate within a small distance of WORD, or NULL. */
const char *mr_did_you_mean(const char *word, const char *const *cands,
	    size_t n);

/* Reads a whole file (up to MAX bytes) into B.  -1 and errno on failure. */
int	 mr_read_file(const char *path, size_t max, struct mr_buf *b);
/* Reads a whole stream (up to MAX bytes). */
int	 mr_read_fd(int fd, size_t max, struct mr_buf *b);

/*
 * Removes the secrets we can recognise from text (IN, LEN) into OUT: the
 * values of secret-named keys, Bearer credentials, sk-/hf_/ghp_ keys, URL
 * passwords, e-mail addresses.  -1 when the text is not valid UTF-8
 * (then nothing is added: better nothing than a leak).
 */
int	 mr_redact(const char *in, size_t len, struct mr_buf *out);

/* An environment lookup, so that code reading variables is testable. */
typedef const char *(*mr_getenv_fn)(const char *);

/* Expands a leading "~" or "~/" with $HOME.  Caller frees. */
char	*mr_expand_home(const char *path);

#endif
