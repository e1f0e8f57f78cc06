/*
 * Unicode facts the scorer needs, with Python's semantics: which code points
 * are whitespace for str.split(), which are word characters for re's \w
 * (letters, numbers, underscore), and UTF-8 decoding that never fails.
 */
#ifndef MR_UNICODE_H
#define MR_UNICODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Decodes one code point at S (N > 0 bytes available).  Stores the number
 * of bytes used in *USED (>= 1).  A malformed, overlong, surrogate or
 * truncated sequence decodes as one invalid unit: returns MR_UNI_INVALID and
 * uses one byte, as Python's surrogateescape counts one code point per byte.
 */
#define MR_UNI_INVALID 0xFFFFFFFFu
uint32_t mr_utf8_decode(const unsigned char *s, size_t n, size_t *used);

/* Python str.isspace() for a non-ASCII code point. */
bool	 mr_uni_is_space(uint32_t cp);

/*
 * Python re \w for a non-ASCII code point (\p{L}, \p{N}; PCRE2 with UTF and
 * UCP answers, and the answer is cached).  Thread-safe.
 */
bool	 mr_uni_is_word(uint32_t cp);

/* Frees the PCRE2 objects (for leak checkers); safe to call once at exit. */
void	 mr_uni_cleanup(void);

#endif
