/* Private to src/core: the scorer's lexicon. */
#ifndef MR_CORE_INT_H
#define MR_CORE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mr/router.h"

/* Rule roles a word can play beyond setting features directly. */
enum {
	MR_R_IMG_VERB = 1u << 0,	/* generate, create, make, ... */
	MR_R_IMG_NOUN = 1u << 1,	/* image(s), picture(s), ... */
	MR_R_MSG = 1u << 2,		/* message, email (+ object) */
	MR_R_EMAIL_MENTION = 1u << 3,	/* email, message, mail, inbox */
	MR_R_BOOK = 1u << 4,
	MR_R_BOOK_DET = 1u << 5,	/* a an the my our */
	MR_R_BOOK_OBJ = 1u << 6,	/* flight hotel ... */
	MR_R_ORDER = 1u << 7,
	MR_R_ORDER_PRE = 1u << 8,	/* in/alphabetical/... order */
	MR_R_ORDER_POST = 1u << 9,	/* order of/to/by/in */
	MR_R_CODE_NOUN = 1u << 10,	/* function class module script */
	MR_R_ARTICLE = 1u << 11,	/* a an the */
	MR_R_THE = 1u << 12,
	MR_R_REPO_NOUN = 1u << 13,	/* repo, files, modules, ... */
	MR_R_EDIT = 1u << 14,		/* edit .*file */
	MR_R_DESCRIBE = 1u << 15,	/* describe .*image */
	MR_R_LOOK_AT = 1u << 16,	/* look at .*screenshot */
	MR_R_RM = 1u << 17,		/* rm -rf */
	MR_R_DEV = 1u << 18,		/* of=/dev/sda, > /dev/sda */
	MR_R_RESET = 1u << 19,		/* reset --hard */
	/* Topic-only requests ("Explain how `git push` works"). */
	MR_R_TOPIC_LEAD = 1u << 20,	/* explain, what, how, ... */
	MR_R_TOPIC_SKIP = 1u << 21,	/* please, can, could, would, you */
	MR_R_TOPIC_INTRO = 1u << 22,	/* the film/book/word ... X */
	MR_R_TOPIC_NOUN = 1u << 23,	/* X command/function/sort ... */
	MR_R_TOPIC_DISQ = 1u << 24,	/* and, then, my, run, ... */
	MR_R_HOW = 1u << 25,
	MR_R_WORKS = 1u << 26,
	MR_R_TO = 1u << 27,
	MR_R_TOPIC_CONJ = 1u << 28,	/* and, or, but, plus: end a title */
	MR_R_BETWEEN = 1u << 29		/* between X and Y */
};

/* Separator before a word. */
enum {
	MR_SEP_START,	/* first word */
	MR_SEP_SPACE,	/* only whitespace: one space once normalised */
	MR_SEP_HYPHEN,	/* exactly "-" */
	MR_SEP_OTHER
};

#define MR_LEX_MAXLEN		24
#define MR_LEX_MAXWORDS		1024
#define MR_LEX_SLOTS		2048
#define MR_LEX_MAXPHRASES	128
#define MR_LEX_PHRASE_WORDS	4


struct mr_lex_word {
	/* zero-padded, so three 8-byte loads compare a whole word */
	_Alignas(8) char text[MR_LEX_MAXLEN];
	uint8_t		 len;
	uint64_t	 feat;
	uint32_t	 role;
	uint16_t	 phrases;	/* 1-based index of the first phrase
					   ending with this word, 0: none */
};

struct mr_lex_phrase {
	uint64_t	 feat;
	uint32_t	 role;
	uint16_t	 ids[MR_LEX_PHRASE_WORDS];
	uint8_t		 seps[MR_LEX_PHRASE_WORDS];
	uint8_t		 n;
	uint16_t	 next;		/* next phrase with the same last word */
};

struct mr_lexicon {
	uint16_t	 slot[MR_LEX_SLOTS];
	struct mr_lex_word words[MR_LEX_MAXWORDS];
	size_t		 nwords;
	struct mr_lex_phrase phrases[MR_LEX_MAXPHRASES];
	size_t		 nphrases;
};

/* The lexicon, built once per process (thread-safe). */
const struct mr_lexicon *mr_lexicon(void);
/*
 * Hash of a folded word S of N bytes, S being MR_LEX_MAXLEN bytes, zero
 * beyond N and 8-byte aligned: three independent multiplies of the
 * word's 8-byte lanes, no per-byte work and no branch.
 */
static inline uint32_t
mr_lex_hash(const char *s, size_t n)
{
	const uint64_t *a = (const uint64_t *)(const void *)s;
	uint64_t h;

	(void)n;	/* implied: a word has no NUL, and the padding is zero */
	h = a[0] * 0x9E3779B97F4A7C15ULL ^ a[1] * 0xC2B2AE3D27D4EB4FULL ^
	    a[2] * 0x165667B19E3779F9ULL;
	return (uint32_t)(h >> 40);	/* the best-mixed bits */
}
/*
 * Word id for the folded word S of N bytes (0 when not a known word).  S
 * must be MR_LEX_MAXLEN bytes, zero beyond N, and 8-byte aligned.
 */
static inline uint16_t
mr_lex_lookup(const struct mr_lexicon *l, const char *s, size_t n)
{
	uint32_t h = mr_lex_hash(s, n) & (MR_LEX_SLOTS - 1);
	const uint64_t *a = (const uint64_t *)(const void *)s, *b;
	const struct mr_lex_word *w;

	while (l->slot[h] != 0) {
		w = &l->words[l->slot[h]];
		b = (const uint64_t *)(const void *)w->text;
		if (((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2])) == 0)
			return l->slot[h];
		h = (h + 1) & (MR_LEX_SLOTS - 1);
	}
	return 0;
}

#endif
