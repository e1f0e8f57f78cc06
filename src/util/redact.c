/*
 * Removing the secrets we can recognise from text that leaves the
 * machine or lands in a log: the values of keys that name a secret,
 * Bearer credentials, API-key shapes (sk-, hf_, ghp_, github_pat_), URL
 * passwords and e-mail addresses.  PCRE2 does the matching.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "mr/util.h"

/* Patterns, each with the replacement of what it matches. */
static const struct {
	const char	*re;
	const char	*with;
} patterns[] = {
	/* first the credential after "Bearer": a key rule alone would take
	 * the word "Bearer" for the value and leave the token */
	{ "(?i)(bearer\\s+)[A-Za-z0-9._~+/=-]+", "$1[REDACTED]" },
	/* the credential of any other scheme in an Authorization header */
	{ "(?i)(authorization\"?\\s*[:=]\\s*\"?(?!bearer\\s)[A-Za-z]+\\s+)"
	    "(?!\\[REDACTED\\])[^\\s\",}]+", "$1[REDACTED]" },
	/* key: value, key=value, "key": "value" for secret-looking keys;
	 * a scheme word followed by a credential was handled above */
	{ "(?i)((?:api[_-]?key|apikey|token|secret|password|passwd|"
	    "authorization|credential)[A-Za-z0-9_-]*\"?\\s*[:=]\\s*\"?)"
	    "(?!\\s*(?:null|~|\"?\\s*$))(?![A-Za-z]+\\s+\\[REDACTED\\])"
	    "(?!\\[REDACTED\\])[^\\s\",}#]+", "$1[REDACTED]" },
	{ "\\bsk-[A-Za-z0-9_-]{6,}", "sk-[REDACTED]" },
	{ "\\bhf_[A-Za-z0-9]{6,}", "hf_[REDACTED]" },
	{ "\\b(gh[pousr]_|github_pat_)[A-Za-z0-9_]{6,}", "$1[REDACTED]" },
	/* e-mail addresses are personal data */
	{ "[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}", "[EMAIL]" },
	/* a password in a URL's user info */
	{ "(://[^/@:\\s]*:)[^/@\\s]+@", "$1[REDACTED]@" },
};

/* Compiled once, shared by every thread: matching does not change a
 * compiled pattern. */
static pcre2_code *compiled[MR_NELEM(patterns)];
static pthread_once_t compile_once = PTHREAD_ONCE_INIT;

static void
compile_patterns(void)
{
	PCRE2_SIZE erroff;
	size_t i;
	int errcode;

	for (i = 0; i < MR_NELEM(patterns); i++)
		compiled[i] = pcre2_compile((PCRE2_SPTR)patterns[i].re,
		    PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_MULTILINE,
		    &errcode, &erroff, NULL);
}

int
mr_redact(const char *in, size_t len, struct mr_buf *out)
{
	struct mr_buf cur = MR_BUF_INIT;
	PCRE2_SIZE outlen;
	pcre2_code *re;
	char *tmp;
	size_t i;
	int rc;

	pthread_once(&compile_once, compile_patterns);
	mr_buf_add(&cur, in, len);
	for (i = 0; i < MR_NELEM(patterns); i++) {
		if ((re = compiled[i]) == NULL) {
			mr_buf_release(&cur);
			return -1;	/* cannot happen with these patterns */
		}
		outlen = cur.len * 2 + 256;
		for (;;) {
			tmp = mr_xmalloc(outlen);
			rc = pcre2_substitute(re, (PCRE2_SPTR)cur.buf, cur.len,
			    0, PCRE2_SUBSTITUTE_GLOBAL |
			    PCRE2_SUBSTITUTE_OVERFLOW_LENGTH, NULL, NULL,
			    (PCRE2_SPTR)patterns[i].with, PCRE2_ZERO_TERMINATED,
			    (PCRE2_UCHAR *)tmp, &outlen);
			if (rc != PCRE2_ERROR_NOMEMORY)
				break;
			free(tmp);	/* OUTLEN now says what it needs */
		}
		if (rc < 0) {
			free(tmp);
			mr_buf_release(&cur);
			return -1;	/* e.g. not UTF-8: drop it, do not leak */
		}
		mr_buf_reset(&cur);
		mr_buf_add(&cur, tmp, outlen);
		free(tmp);
	}
	mr_buf_add(out, cur.buf, cur.len);
	mr_buf_release(&cur);
	return 0;
}

