/*
 * Unicode classification for the scorer.
 *
 * Whitespace is the fixed set Python's str.split() uses.  Word characters
 * come from PCRE2 (compiled with UTF and UCP, so \w is \p{L}, \p{N} or
 * underscore, the same classes as Python's str.isalnum()).  Each answer is
 * cached in a byte table indexed by code point, so a code point costs one
 * PCRE2 call per process; untouched parts of the table stay in BSS.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <pthread.h>
#include <stdatomic.h>

#include "mr/unicode.h"

#define UNI_MAX 0x110000u

/* 0 unknown, 1 not a word character, 2 word character. */
static _Atomic unsigned char word_cache[UNI_MAX];

static pthread_mutex_t pcre_lock = PTHREAD_MUTEX_INITIALIZER;
static pcre2_code *word_re;
static pcre2_match_data *word_md;

uint32_t
mr_utf8_decode(const unsigned char *s, size_t n, size_t *used)
{
	uint32_t cp, min;
	size_t len, i;
	unsigned char c = s[0];

	*used = 1;
	if (c < 0x80)
		return c;
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		cp = c & 0x1F;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		cp = c & 0x0F;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		cp = c & 0x07;
		min = 0x10000;
	} else
		return MR_UNI_INVALID;
	if (len > n)
		return MR_UNI_INVALID;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return MR_UNI_INVALID;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp < min || cp >= UNI_MAX || (cp >= 0xD800 && cp <= 0xDFFF))
		return MR_UNI_INVALID;
	*used = len;
	return cp;
}

bool
mr_uni_is_space(uint32_t cp)
{
	switch (cp) {
	case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D:
	case 0x1C: case 0x1D: case 0x1E: case 0x1F: case 0x20:
	case 0x85: case 0xA0: case 0x1680:
	case 0x2000: case 0x2001: case 0x2002: case 0x2003: case 0x2004:
	case 0x2005: case 0x2006: case 0x2007: case 0x2008: case 0x2009:
	case 0x200A: case 0x2028: case 0x2029: case 0x202F: case 0x205F:
	case 0x3000:
		return true;
	}
	return false;
}

static size_t
utf8_encode(uint32_t cp, unsigned char *out)
{
	if (cp < 0x80) {
		out[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (unsigned char)(0xC0 | (cp >> 6));
		out[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (unsigned char)(0xE0 | (cp >> 12));
		out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (unsigned char)(0xF0 | (cp >> 18));
	out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Asks PCRE2; called with pcre_lock held. */
static bool
pcre_is_word(uint32_t cp)
{
	unsigned char buf[4];
	size_t n;
	int errcode;
	PCRE2_SIZE erroff;

	if (word_re == NULL) {
		word_re = pcre2_compile((PCRE2_SPTR)"\\w", PCRE2_ZERO_TERMINATED,
		    PCRE2_UTF | PCRE2_UCP | PCRE2_ANCHORED | PCRE2_NO_UTF_CHECK,
		    &errcode, &erroff, NULL);
		if (word_re == NULL)
			return false;
		word_md = pcre2_match_data_create_from_pattern(word_re, NULL);
		if (word_md == NULL)
			return false;
	}
	n = utf8_encode(cp, buf);
	return pcre2_match(word_re, buf, n, 0, PCRE2_NO_UTF_CHECK, word_md,
	    NULL) >= 0;
}

bool
mr_uni_is_word(uint32_t cp)
{
	unsigned char v;
	bool w;

	if (cp < 0x80)
		return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
		    (cp >= 'A' && cp <= 'Z') || cp == '_';
	if (cp >= UNI_MAX || (cp >= 0xD800 && cp <= 0xDFFF))
		return false;
	v = atomic_load_explicit(&word_cache[cp], memory_order_relaxed);
	if (v != 0)
		return v == 2;
	pthread_mutex_lock(&pcre_lock);
	w = pcre_is_word(cp);
	pthread_mutex_unlock(&pcre_lock);
	atomic_store_explicit(&word_cache[cp], w ? 2 : 1,
	    memory_order_relaxed);
	return w;
}

void
mr_uni_cleanup(void)
{
	pthread_mutex_lock(&pcre_lock);
	pcre2_match_data_free(word_md);
	pcre2_code_free(word_re);
	word_md = NULL;
	word_re = NULL;
	pthread_mutex_unlock(&pcre_lock);
}
