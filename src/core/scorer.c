/*
 * The prompt scorer (router-core.md §2): one linear pass over the prompt.
 *
 * The reference lower-cases the prompt, collapses whitespace and runs about
 * thirty regular expressions of whole words over it.  Here a lexer walks the
 * raw bytes once and cuts them into words (Python's \w runs) and the
 * separators between them; each word is folded (ASCII lower case plus the
 * case-insensitive folds that reach ASCII: ſ, ı, the Kelvin sign, İ), looked
 * up in the lexicon, and fed to a handful of small rules that need the words
 * around it (phrases, "book a flight", "email <object>", "order of", ...).
 * Nothing is allocated, so the hot path can call it directly.
 */
#include <math.h>
#include <string.h>

#if defined(__SSE2__) && !defined(MR_NO_SSE2)
#include <emmintrin.h>
#endif

#include "core-int.h"
#include "mr/unicode.h"

#define WRING	64	/* folded bytes kept of a word: a ring */

/* ASCII classes: 0 other, 1 word, 2 whitespace (Python str.split()). */
static const unsigned char ascii_class[128] = {
	['\t'] = 2, ['\n'] = 2, ['\v'] = 2, ['\f'] = 2, ['\r'] = 2,
	[0x1c] = 2, [0x1d] = 2, [0x1e] = 2, [0x1f] = 2, [' '] = 2,
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1,
	['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
	['_'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
	['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
	['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
	['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
	['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
	['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
	['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1,
};

/* ASCII word characters folded to lower case; 0 for everything else. */
static const unsigned char word_fold[256] = {
	['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
	['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
	['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e',
	['F'] = 'f', ['G'] = 'g', ['H'] = 'h', ['I'] = 'i', ['J'] = 'j',
	['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n', ['O'] = 'o',
	['P'] = 'p', ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't',
	['U'] = 'u', ['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y',
	['Z'] = 'z', ['_'] = '_', ['a'] = 'a', ['b'] = 'b', ['c'] = 'c',
	['d'] = 'd', ['e'] = 'e', ['f'] = 'f', ['g'] = 'g', ['h'] = 'h',
	['i'] = 'i', ['j'] = 'j', ['k'] = 'k', ['l'] = 'l', ['m'] = 'm',
	['n'] = 'n', ['o'] = 'o', ['p'] = 'p', ['q'] = 'q', ['r'] = 'r',
	['s'] = 's', ['t'] = 't', ['u'] = 'u', ['v'] = 'v', ['w'] = 'w',
	['x'] = 'x', ['y'] = 'y', ['z'] = 'z',
};

/* A folded word as the rules see it. */
struct word {
	/* Byte k of the folded word is ring[k % WRING]: the whole word when
	 * len <= WRING (zero beyond len up to 32 bytes, for lookups), always
	 * its last bytes.  raw is where the word starts in the prompt. */
	_Alignas(8) char ring[WRING];
	const unsigned char *raw;
	size_t		 rawmax;
	size_t		 len;		/* folded length (1 byte per code point) */
	uint16_t	 id;
	uint64_t	 feat;
	uint32_t	 role;
};

/* What is known about the separator before a word. */
struct sep {
	uint8_t		 type;		/* MR_SEP_*, set by sep_finish() */
	bool		 first_space;	/* starts with whitespace */
	bool		 has_assign;	/* contains '=' or '>' */
	bool		 sentence;	/* a stop (.!?;:) then whitespace, or a
					   line break: a new sentence starts */
	bool		 stop;
	uint32_t	 nspace, ndash, nother;	/* saturating counts */
	uint32_t	 last;
};

/* whitespace, then one or two dashes, nothing else ("rm -rf") */
static inline bool
sep_space_dashes(const struct sep *sp)
{
	return sp->nother == 0 && sp->nspace > 0 && sp->first_space &&
	    sp->ndash >= 1 && sp->ndash <= 2 && sp->last == '-';
}

static inline bool
sep_only_slash(const struct sep *sp)
{
	return sp->nspace == 0 && sp->ndash == 0 && sp->nother == 1 &&
	    sp->last == '/';
}

#define RING 4

struct scan {
	const struct mr_lexicon *lex;
	uint64_t	 feat;
	size_t		 nwords;
	/* ids and separators of the last RING words */
	uint16_t	 ids[RING];
	uint8_t		 seps[RING];
	/* previous word */
	uint32_t	 prev_role;
	const struct word *prev;	/* the previous word, NULL at first */
	bool		 prev_look_at;
	bool		 prev_dev_device;	/* "=/dev" or ">/dev" seen */
	/* multi-word rule states */
	int		 book;		/* 1 after "book", 2 after "book a" */
	bool		 code_verb2;	/* after <verb> a|an|the */
	bool		 across2;	/* after <across-word> the */
	int		 img_chain;	/* words since an image verb, -1 none */
	bool		 edit_open, describe_open, look_open;
	bool		 email_mention;
	bool		 order_seen, order_other;
	/* topic-only requests (ours) */
	int		 lead;		/* 0 looking, 1 found, -1 none */
	bool		 disq;		/* something makes it a real request */
	bool		 in_quote;	/* inside `...`, "...", '...' */
	bool		 rule_action;	/* an action found by a multi-word rule */
	bool		 after_how;	/* after "how" or "what" */
	bool		 how_blocked;	/* a conjunction after a pending word */
	size_t		 first_pending;	/* word index of the first pending */
	bool		 last_risky_open;	/* last word risky and unmarked */
	bool		 last_risky_how;	/* ... counted in pending_how */
	size_t		 intro_dist;	/* words since a topic introducer */
	bool		 intro_between;	/* ... and it was "between" */
	size_t		 nrisky, unmarked, pending_how;
};

#define ACTION_BITS (MR_FBIT(DESTRUCTIVE_ACTION) | MR_FBIT(SEND_ACTION) | \
	MR_FBIT(PURCHASE_ACTION) | MR_FBIT(HIGH_IMPACT_EXTERNAL_ACTION))

static unsigned char fold_nonascii(uint32_t cp);

static inline bool
ends_with(const struct word *w, const char *suf, size_t n)
{
	size_t i, at;

	if (w->len < n)
		return false;
	at = (w->len - n) % WRING;
	if (at + n <= WRING)		/* not wrapped: one compare */
		return memcmp(w->ring + at, suf, n) == 0;
	for (i = 0; i < n; i++)
		if (w->ring[(w->len - n + i) % WRING] != suf[i])
			return false;
	return true;
}

/*
 * The first N folded bytes of W into OUT (N <= 16).  A word longer than
 * the ring has lost its start, so it is folded again from the prompt.
 */
static const char *
word_head(const struct word *w, char *out, size_t n)
{
	const unsigned char *s = w->raw;
	size_t avail = w->rawmax, k = 0, used;
	uint32_t cp;

	if (w->len <= WRING)
		return w->ring;
	while (k < n && avail > 0) {
		if (*s < 0x80) {
			out[k++] = (char)word_fold[*s];
			s++;
			avail--;
			continue;
		}
		cp = mr_utf8_decode(s, avail, &used);
		out[k++] = (char)(cp == 0x0130 ? 'i' : fold_nonascii(cp));
		s += used;
		avail -= used;
	}
	return out;
}

static bool
starts_with(const struct word *w, const char *pre, size_t n)
{
	char buf[16];
	const char *h;
	size_t i;

	if (w->len < n || n > sizeof(buf))
		return false;
	h = word_head(w, buf, n);
	for (i = 0; i < n; i++)
		if (h[i] != pre[i])
			return false;
	return true;
}

#define ENDS(w, s) ends_with((w), (s), sizeof(s) - 1)
#define STARTS(w, s) starts_with((w), (s), sizeof(s) - 1)

/* The 16 objects after "email"/"message" that do not make a send action. */
static bool
benign_message_object(const struct word *w)
{
	static const char *const benign[] = {
		"format", "marketing", "draft", "summary", "template", "copy",
		"ideas", "address", "board", "body", "subject", "header",
		"content", "notification", "settings", "preferences"
	};
	size_t i;

	for (i = 0; i < MR_NELEM(benign); i++)
		if (starts_with(w, benign[i], strlen(benign[i])))
			return true;
	return false;
}

static char
last_byte(const struct word *w)
{
	return w->ring[(w->len - 1) % WRING];
}

static bool
verb_suffix(const struct word *w)
{
	switch (last_byte(w)) {
	case 'e':
		return ENDS(w, "write") || ENDS(w, "create");
	case 't':
		return ENDS(w, "implement");
	case 'g':
		return ENDS(w, "debug");
	case 'r':
		return ENDS(w, "refactor");
	case 'x':
		return ENDS(w, "fix");
	}
	return false;
}

static bool
across_suffix(const struct word *w)
{
	switch (last_byte(w)) {
	case 's':
		return ENDS(w, "across");
	case 't':
		return ENDS(w, "throughout");
	case 'l':
		return ENDS(w, "all");
	case 'y':
		return ENDS(w, "many");
	case 'e':
		return ENDS(w, "multiple");
	}
	return false;
}

/* rm flags: -rf, -fr, -r, -R, --recursive, --force, ... */
static bool
rm_flags(const struct word *w)
{
	size_t i;
	bool rf = false;

	if (STARTS(w, "recursive") || STARTS(w, "force") ||
	    STARTS(w, "no_preserve"))
		return true;
	if (w->len > 6)
		return false;
	for (i = 0; i < w->len; i++) {
		switch (w->ring[i]) {
		case 'r': case 'f':
			rf = true;
			break;
		case 'v': case 'i': case 'd':
			break;
		default:
			return false;
		}
	}
	return rf;
}

static bool
block_device(const struct word *w)
{
	return STARTS(w, "sd") || STARTS(w, "hd") || STARTS(w, "vd") ||
	    STARTS(w, "xvd") || STARTS(w, "nvme") || STARTS(w, "mmcblk") ||
	    STARTS(w, "disk");
}

static void
check_phrases(struct scan *sc, const struct word *w, const struct sep *sp)
{
	const struct mr_lexicon *lex = sc->lex;
	const struct mr_lex_phrase *p;
	uint16_t pi;
	size_t k, back;
	bool ok;

	for (pi = lex->words[w->id].phrases; pi != 0; pi = p->next) {
		p = &lex->phrases[pi - 1];
		if ((size_t)p->n - 1 > sc->nwords)
			continue;
		/* word n-1 is the current one; compare words n-2..0 */
		ok = p->seps[p->n - 1] == sp->type;
		for (k = 0; ok && k + 1 < p->n; k++) {
			back = p->n - 2 - k;	/* 0 = previous word */
			ok = sc->ids[(sc->nwords - 1 - back) % RING] ==
			    p->ids[k] &&
			    (k == 0 || sc->seps[(sc->nwords - 1 - back) %
			    RING] == p->seps[k]);
		}
		if (ok) {
			sc->feat |= p->feat;
			if (p->feat & ACTION_BITS)
				sc->rule_action = true;
			if (p->role & MR_R_LOOK_AT)
				sc->prev_look_at = true;
		}
	}
}

/*
 * Ours: is the request only *about* its risky words?  "Explain how `git
 * push` works", "Summarize the plot of the film The Purge".  It is when the
 * prompt is one sentence that opens with a question or an explanation
 * verb, has no sequencing or possessive word, and every risky word is
 * quoted, part of a title, the name of a command or algorithm, or the
 * subject of "how ... works".  Anything else keeps the confirmation.
 */
static void
topic_word(struct scan *sc, const struct word *w, const struct sep *sp)
{
	bool risky, marked;

	/* Once the request cannot be topic-only, nothing here matters. */
	if (sc->lead < 0 || sc->disq)
		return;
	if (sp->sentence)
		sc->disq = true;
	if (sc->lead == 0) {
		if (w->role & MR_R_TOPIC_LEAD)
			sc->lead = 1;
		else if (!(w->role & MR_R_TOPIC_SKIP))
			sc->lead = -1;
	} else if (w->role & MR_R_TOPIC_DISQ)
		sc->disq = true;

	/* A topic noun right after a risky word names a thing. */
	if (sc->last_risky_open && (w->role & MR_R_TOPIC_NOUN) &&
	    (sp->type == MR_SEP_SPACE || sp->type == MR_SEP_HYPHEN)) {
		if (sc->last_risky_how)
			sc->pending_how--;
		else
			sc->unmarked--;
	}
	sc->last_risky_open = false;
	if ((w->role & MR_R_TOPIC_CONJ) && sc->pending_how > 0)
		sc->how_blocked = true;

	risky = (w->feat & ACTION_BITS) != 0;
	if (risky) {
		sc->nrisky++;
		marked = sc->in_quote || sc->intro_dist <= 3;
		if ((sc->prev_role & MR_R_TO) && sp->type == MR_SEP_SPACE &&
		    !sc->in_quote)
			marked = false, sc->disq = true;
		if (!marked) {
			sc->last_risky_open = true;
			sc->last_risky_how = sc->after_how;
			if (sc->after_how && sc->pending_how++ == 0)
				sc->first_pending = sc->nwords;
			else
				sc->unmarked++;
		}
	}
	if (w->role & MR_R_HOW)
		sc->after_how = true;
	if (w->role & MR_R_TOPIC_INTRO) {
		sc->intro_dist = 0;
		sc->intro_between = (w->role & MR_R_BETWEEN) != 0;
	} else if ((w->role & MR_R_TOPIC_CONJ) &&
	    !(sc->intro_between && sc->intro_dist < 2))
		sc->intro_dist = 100;	/* a conjunction ends a title */
	else if (sc->intro_dist < 100)
		sc->intro_dist++;
}

/*
 * Roles that only topic_word() reads (MR_R_WORKS also at the end, from
 * prev_role): a word with no others takes the quiet path.
 */
#define TOPIC_ROLES (MR_R_TOPIC_LEAD | MR_R_TOPIC_SKIP | MR_R_TOPIC_INTRO | \
	MR_R_TOPIC_NOUN | MR_R_TOPIC_DISQ | MR_R_HOW | MR_R_WORKS | \
	MR_R_TOPIC_CONJ | MR_R_BETWEEN)

/* Roles of the previous word that any next word can complete. */
#define PREV_NEEDS_NEXT (MR_R_MSG | MR_R_RM | MR_R_RESET | MR_R_EDIT | \
	MR_R_DESCRIBE | MR_R_TO)

/*
 * True when a word with no role of its own cannot complete or continue any
 * multi-word rule.  (Chains that need a role word next, such as "book a",
 * "write a" or "across the", simply end.)
 */
static inline bool
quiet(const struct scan *sc)
{
	return (sc->prev_role & PREV_NEEDS_NEXT) == 0 &&
	    !sc->prev_dev_device && sc->img_chain < 0 && !sc->edit_open &&
	    !sc->describe_open && !sc->look_open && !sc->prev_look_at;
}

#if defined(__GNUC__) || defined(__clang__)
#define MR_HOT_INLINE	inline __attribute__((always_inline))
#define MR_NOINLINE	__attribute__((noinline))
#else
#define MR_HOT_INLINE	inline
#define MR_NOINLINE
#endif

/* The rules for a word that has a role or follows one (out of line). */
static MR_NOINLINE void
on_word_rules(struct scan *sc, struct word *w, const struct sep *sp)
{
	bool space = sp->type == MR_SEP_SPACE;
	bool look_at_before = sc->prev_look_at;
	uint32_t prev = sc->prev_role;
	bool pv, pa;
	topic_word(sc, w, sp);
	sc->feat |= w->feat;
	if (w->role & MR_R_EMAIL_MENTION)
		sc->email_mention = true;
	sc->prev_look_at = false;
	if (w->id && sc->lex->words[w->id].phrases)
		check_phrases(sc, w, sp);

	/* email/message followed by an object that is not a benign noun */
	if ((prev & MR_R_MSG) && space && !benign_message_object(w)) {
		sc->feat |= MR_FBIT(SEND_ACTION);
		sc->rule_action = true;
	}

	/*
	 * Each group below is entered only when its rule could change
	 * something: the guards are cheap supersets of the rules' conditions.
	 */

	/* book [a|an|the|my|our] flight */
	if (sc->book || (w->role & MR_R_BOOK)) {
		if (sc->book && space && (w->role & MR_R_BOOK_OBJ)) {
			sc->feat |= MR_FBIT(PURCHASE_ACTION);
			sc->rule_action = true;
		}
		sc->book = (sc->book == 1 && space &&
		    (w->role & MR_R_BOOK_DET)) ? 2 : 0;
		if (w->role & MR_R_BOOK)
			sc->book = 1;
	}

	/* "order" is a purchase unless a non-purchase usage appears */
	if ((w->role | prev) & MR_R_ORDER) {
		if (w->role & MR_R_ORDER) {
			sc->order_seen = true;
			if ((prev & MR_R_ORDER_PRE) && space)
				sc->order_other = true;
		}
		if ((prev & MR_R_ORDER) && space &&
		    (w->role & MR_R_ORDER_POST))
			sc->order_other = true;
	}

	/*
	 * write|create|implement|debug|refactor|fix [a|an|the] function and
	 * across|throughout|all|many|multiple [the] files.  The suffix of the
	 * word before is only looked at when this word could complete a rule.
	 */
	if ((w->role & (MR_R_CODE_NOUN | MR_R_ARTICLE | MR_R_REPO_NOUN |
	    MR_R_THE)) || sc->code_verb2 || sc->across2) {
		pv = pa = false;
		if (space && sc->prev != NULL) {
			if (w->role & (MR_R_CODE_NOUN | MR_R_ARTICLE))
				pv = verb_suffix(sc->prev);
			if (w->role & (MR_R_REPO_NOUN | MR_R_THE))
				pa = across_suffix(sc->prev);
		}
		if ((pv || sc->code_verb2) && space &&
		    (w->role & MR_R_CODE_NOUN))
			sc->feat |= MR_FBIT(CODING_INTENT);
		sc->code_verb2 = pv && space && (w->role & MR_R_ARTICLE);
		if ((pa || sc->across2) && space && (w->role & MR_R_REPO_NOUN))
			sc->feat |= MR_FBIT(MECHANICAL_WORK_INTENT) |
			    MR_FBIT(REPO_WIDE_INTENT);
		sc->across2 = pa && space && (w->role & MR_R_THE);
	}

	/* edit .*file, describe .*image, look at .*screenshot */
	if ((prev & (MR_R_EDIT | MR_R_DESCRIBE)) || look_at_before ||
	    sc->edit_open || sc->describe_open || sc->look_open) {
		if ((prev & MR_R_EDIT) && sp->first_space)
			sc->edit_open = true;
		if ((prev & MR_R_DESCRIBE) && sp->first_space)
			sc->describe_open = true;
		if (look_at_before && sp->first_space)
			sc->look_open = true;
		if (sc->edit_open && ENDS(w, "file"))
			sc->feat |= MR_FBIT(CODING_INTENT);
		if (sc->describe_open && ENDS(w, "image"))
			sc->feat |= MR_FBIT(VISION_INTENT);
		if (sc->look_open && ENDS(w, "screenshot"))
			sc->feat |= MR_FBIT(VISION_INTENT);
	}

	/* generate|create|... (0-2 words) image(s)|picture(s)|... */
	if (sc->img_chain >= 0) {
		if (!space)
			sc->img_chain = -1;
		else if (w->role & MR_R_IMG_NOUN)
			sc->feat |= MR_FBIT(IMAGE_GENERATION_INTENT);
		if (sc->img_chain >= 0 && ++sc->img_chain > 2)
			sc->img_chain = -1;
	}
	if (w->role & MR_R_IMG_VERB)
		sc->img_chain = 0;

	/* Ours: rm -rf, reset --hard, writes to a raw block device. */
	if ((prev & (MR_R_RM | MR_R_RESET)) || sc->prev_dev_device ||
	    (w->role & MR_R_DEV)) {
		if ((prev & MR_R_RM) && sep_space_dashes(sp) && rm_flags(w))
			sc->feat |= MR_FBIT(DESTRUCTIVE_COMMAND);
		if ((prev & MR_R_RESET) && sep_space_dashes(sp) &&
		    STARTS(w, "hard") && w->len == 4)
			sc->feat |= MR_FBIT(DESTRUCTIVE_COMMAND);
		if (sc->prev_dev_device && sep_only_slash(sp) &&
		    block_device(w))
			sc->feat |= MR_FBIT(DESTRUCTIVE_COMMAND);
		sc->prev_dev_device = (w->role & MR_R_DEV) && sp->has_assign &&
		    sp->last == '/';
	}

	sc->prev_role = w->role;
	sc->ids[sc->nwords % RING] = w->id;
	sc->seps[sc->nwords % RING] = sp->type;
	sc->nwords++;
}

/* Feeds one complete word to every rule. */
static MR_HOT_INLINE void
on_word(struct scan *sc, struct word *w, const struct sep *sp)
{
	const struct mr_lex_word *lw;

	/* words[0], "not a known word", is all zeros */
	w->id = w->len <= MR_LEX_MAXLEN ?
	    mr_lex_lookup(sc->lex, w->ring, w->len) : 0;
	lw = &sc->lex->words[w->id];
	w->feat = lw->feat;
	w->role = lw->role;
	if ((w->role & ~TOPIC_ROLES) == 0 && quiet(sc)) {
		/*
		 * No rule waits for this word and it starts none (its roles,
		 * if any, only matter to topic_word()).
		 */
		if (w->role == 0 && sc->lead == 0)
			sc->lead = -1;
		else if (sc->lead >= 0)
			topic_word(sc, w, sp);
		sc->feat |= w->feat;
		if (lw->phrases)
			check_phrases(sc, w, sp);
		sc->book = 0;
		sc->code_verb2 = false;
		sc->across2 = false;
		sc->prev_role = w->role;
		sc->ids[sc->nwords % RING] = w->id;
		sc->seps[sc->nwords % RING] = sp->type;
		sc->nwords++;
		return;
	}
	on_word_rules(sc, w, sp);
}

static inline void
sep_reset(struct sep *sp)
{
	static const struct sep zero;

	*sp = zero;
}

static inline void
sep_char(struct sep *sp, uint32_t cp, bool space)
{
	if (sp->nspace + sp->ndash + sp->nother == 0)
		sp->first_space = space;
	if (space) {
		sp->nspace += sp->nspace < UINT32_MAX;
		if (sp->stop || (cp != ' ' && (cp == '\n' || cp == '\r' ||
		    cp == 0x2028 || cp == 0x2029)))
			sp->sentence = true;
	} else if (cp == '-')
		sp->ndash += sp->ndash < UINT32_MAX;
	else {
		sp->nother += sp->nother < UINT32_MAX;
		switch (cp) {
		case '=': case '>':
			sp->has_assign = true;
			break;
		case '.': case '!': case '?': case ';': case ':':
			sp->stop = true;
			break;
		}
	}
	sp->last = cp;
}

static inline void
sep_finish(struct sep *sp, bool first_word)
{
	if (first_word)
		sp->type = MR_SEP_START;
	else if (sp->ndash == 0 && sp->nother == 0)
		sp->type = MR_SEP_SPACE;
	else if (sp->ndash == 1 && sp->nother == 0 && sp->nspace == 0)
		sp->type = MR_SEP_HYPHEN;
	else
		sp->type = MR_SEP_OTHER;
}

static void
word_reset(struct word *w)
{
	memset(w->ring, 0, 32);
	w->len = 0;
}

static inline void
word_add(struct word *w, unsigned char c)
{
	w->ring[w->len % WRING] = (char)c;
	w->len++;
}

/*
 * Eight bytes at a time (SWAR) on little-endian machines: which bytes are
 * ASCII word characters, and the bytes folded to lower case.  Every lane
 * is computed exactly on its own 7 bits, so no carry crosses a lane.
 */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && \
    (defined(__GNUC__) || defined(__clang__))
#define MR_SWAR 1
#define L8(c)	((uint64_t)(c) * 0x0101010101010101ULL)
#define H8	L8(0x80)

/* high bit of each lane set where the (7-bit) byte is >= C */
#define GE(x7, c) (((x7) + L8(0x80 - (c))) & H8)

static inline uint64_t
swar_word(uint64_t x, uint64_t *upper)
{
	uint64_t x7 = x & L8(0x7f), y, digit, up, low, under;

	digit = GE(x7, '0') & ~GE(x7, '9' + 1);
	up = GE(x7, 'A') & ~GE(x7, 'Z' + 1);
	low = GE(x7, 'a') & ~GE(x7, 'z' + 1);
	y = x7 ^ L8('_');
	under = ~(((y & L8(0x7f)) + L8(0x7f)) | y) & H8;
	*upper = up & ~x;
	return (digit | up | low | under) & ~x & H8;
}
#endif

#if defined(__SSE2__) && !defined(MR_NO_SSE2)
/*
 * Sixteen bytes at a time where SSE2 is there (every x86-64): which bytes
 * are ASCII word characters (a bit each), and the bytes with A-Z folded.
 * Signed compares only: a byte B is in [LO, LO + N) when B + 0x80 - LO,
 * read as signed, is below N - 128.  MR_NO_SSE2 builds the portable path
 * alone, so that the tests can hold one against the other.
 */
#define IN_RANGE(x, lo, n) _mm_cmplt_epi8(_mm_add_epi8((x), \
	_mm_set1_epi8((char)(0x80 - (lo)))), _mm_set1_epi8((char)((n) - 128)))

/* 16 bytes of ones then 16 of zeros: keep_first + 16 - K keeps K bytes */
static const unsigned char keep_first[32] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
};

static inline unsigned
sse_word(__m128i x, __m128i *folded)
{
	__m128i alpha = IN_RANGE(_mm_or_si128(x, _mm_set1_epi8(0x20)), 'a', 26);
	__m128i word = _mm_or_si128(_mm_or_si128(alpha, IN_RANGE(x, '0', 10)),
	    _mm_cmpeq_epi8(x, _mm_set1_epi8('_')));

	*folded = _mm_or_si128(x, _mm_and_si128(alpha, _mm_set1_epi8(0x20)));
	return (unsigned)_mm_movemask_epi8(word);
}
#endif

/*
 * Consumes the run of ASCII word characters at S[*I] (the first one is
 * known to be one) into W.
 */
static inline void
word_run(struct word *w, const unsigned char *s, size_t len, size_t *ip)
{
	size_t i = *ip;
	unsigned char fb;
#if defined(__SSE2__) && !defined(MR_NO_SSE2)
	__m128i v, folded;
	unsigned run16;

	while (i + 16 <= len && w->len + 16 <= WRING) {
		v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		run16 = (unsigned)__builtin_ctz(~sse_word(v, &folded));
		folded = _mm_and_si128(folded, _mm_loadu_si128(
		    (const __m128i *)(const void *)(keep_first + 16 - run16)));
		_mm_storeu_si128((__m128i *)(void *)(w->ring + w->len), folded);
		w->len += run16;
		i += run16;
		if (run16 < 16) {
			*ip = i;
			return;
		}
	}
#endif
#ifdef MR_SWAR
	uint64_t x, wm, up, keep;
	unsigned run;

	while (i + 8 <= len && w->len + 8 <= WRING) {
		memcpy(&x, s + i, 8);
		wm = swar_word(x, &up);
		run = wm == H8 ? 8 : (unsigned)__builtin_ctzll(~wm & H8) >> 3;
		keep = x | (up >> 2);
		if (run < 8)
			keep &= ((uint64_t)1 << (8 * run)) - 1;
		memcpy(w->ring + w->len, &keep, 8);
		w->len += run;
		i += run;
		if (run < 8) {
			*ip = i;
			return;
		}
	}
#endif
	while (i < len && (fb = word_fold[s[i]]) != 0) {
		word_add(w, fb);
		i++;
	}
	*ip = i;
}

/* Maps a non-ASCII word character to the byte it matches as, or 0x80. */
static unsigned char
fold_nonascii(uint32_t cp)
{
	switch (cp) {
	case 0x017F:		/* LATIN SMALL LETTER LONG S */
		return 's';
	case 0x0131:		/* LATIN SMALL LETTER DOTLESS I */
		return 'i';
	case 0x212A:		/* KELVIN SIGN */
		return 'k';
	}
	return 0x80;
}

int
mr_saturate(long total, int k)
{
	double v;

	if (total <= 0)
		return 0;
	v = (double)total / (double)(total + k) * 100.0;
	/* half to even, as Python's round(); one instruction with
	 * -fno-math-errno (nearbyint() is a call into libm) */
	return (int)lrint(v);
}

static bool
next_is_word(const unsigned char *s, size_t n)
{
	size_t used;
	uint32_t cp;

	if (n == 0)
		return false;
	if (s[0] < 0x80)
		return ascii_class[s[0]] == 1;
	cp = mr_utf8_decode(s, n, &used);
	return cp != MR_UNI_INVALID && mr_uni_is_word(cp);
}

/* Tracks quoted spans; an apostrophe inside a word is not a quote. */
static void
quote_char(struct scan *sc, uint32_t cp, bool prev_word,
    const unsigned char *next, size_t n)
{
	switch (cp) {
	case '\'':
	case 0x2019:
		if (prev_word && next_is_word(next, n))
			return;
		sc->in_quote = cp == 0x2019 ? false : !sc->in_quote;
		return;
	case '`':
	case '"':
		sc->in_quote = !sc->in_quote;
		return;
	case 0x201C:
	case 0x2018:
		sc->in_quote = true;
		return;
	case 0x201D:
		sc->in_quote = false;
		return;
	}
}

/* Hands the word to the rules and makes the other buffer current. */
#define END_WORD() do { \
	on_word(sc, w, &sp); \
	sc->prev = w; \
	w = (w == &words[0]) ? &words[1] : &words[0]; \
} while (0)

static void
lex_prompt(struct scan *sc, const char *prompt, size_t len, size_t *ncp)
{
	static const struct sep one_space = { .type = MR_SEP_SPACE,
		.first_space = true, .nspace = 1, .last = ' ' };
	const unsigned char *s = (const unsigned char *)prompt;
	struct word words[2], *w = &words[0];
	struct sep sp;
	size_t i = 0, used, cps = 0, start;
	uint32_t cp;
	int cls;
	bool in_word = false, end_after = false, prev_word;
	unsigned char fb;

	word_reset(w);
	sep_reset(&sp);
	while (i < len) {
		if ((fb = word_fold[s[i]]) != 0) {
			/* A run of ASCII word characters: the common case. */
			if (!in_word) {
				sep_finish(&sp, sc->nwords == 0);
				word_reset(w);
				w->raw = s + i;
				w->rawmax = len - i;
				in_word = true;
			}
			start = i;
			word_run(w, s, len, &i);
			cps += i - start;
			if (i + 1 < len && s[i] == ' ' && word_fold[s[i + 1]]) {
				/* one space between two words: the usual case */
				END_WORD();
				sp = one_space;
				word_reset(w);
				w->raw = s + i + 1;
				w->rawmax = len - i - 1;
				i++;
				cps++;
			}
			continue;
		}
		if (s[i] < 0x80) {
			cp = s[i];
			used = 1;
			cls = ascii_class[cp];
			fb = 0;
		} else {
			cp = mr_utf8_decode(s + i, len - i, &used);
			if (cp == MR_UNI_INVALID)
				cls = 0;
			else if (mr_uni_is_space(cp))
				cls = 2;
			else if (cp == 0x0130) {
				/* İ lower-cases to i + U+0307, which ends
				 * the word. */
				cls = 1;
				end_after = true;
			} else
				cls = mr_uni_is_word(cp) ? 1 : 0;
			fb = cp == 0x0130 ? 'i' : fold_nonascii(cp);
		}
		i += used;
		cps++;
		if (cls == 1) {
			if (!in_word) {
				sep_finish(&sp, sc->nwords == 0);
				word_reset(w);
				w->raw = s + i - used;
				w->rawmax = len - (i - used);
				in_word = true;
			}
			word_add(w, fb);
			if (end_after) {
				END_WORD();
				sep_reset(&sp);
				sep_char(&sp, 0x0307, false);
				in_word = false;
				end_after = false;
				continue;
			}
			continue;
		}
		prev_word = in_word;
		if (in_word) {
			END_WORD();
			sep_reset(&sp);
			in_word = false;
		}
		if (cls == 0)
			quote_char(sc, cp, prev_word, s + i, len - i);
		sep_char(&sp, cp, cls == 2);
	}
	if (in_word)
		END_WORD();
	*ncp = cps;
}

static int
weight(const struct mr_scoring *s, int id)
{
	return id < 0 ? 0 : s->w[id];
}

void
mr_score(const struct mr_scoring *s, const char *prompt, size_t len,
    struct mr_analysis *out)
{
	struct scan sc;
	uint64_t f;
	uint32_t sig = 0;
	long ctotal = 0, rtotal = 0;
	size_t tokens, ncp;
	int risk, conf, i;
	bool destructive, send, purchase, high, external, clear, amb, conf_req;

	memset(&sc, 0, sizeof(sc));
	sc.lex = mr_lexicon();
	sc.img_chain = -1;
	sc.intro_dist = 100;	/* no title word seen */
	if (prompt == NULL)
		len = 0;
	lex_prompt(&sc, prompt, len, &ncp);
	f = sc.feat;

	/* Ours: destructive shell commands are destructive actions. */
	if (f & MR_FBIT(DESTRUCTIVE_COMMAND))
		f |= MR_FBIT(DESTRUCTIVE_ACTION);
	if (sc.order_seen && !sc.order_other) {
		f |= MR_FBIT(PURCHASE_ACTION);
		sc.rule_action = true;
	}
	/*
	 * "how git push works", "what git merge does": the risky words after
	 * how/what are the subject when the prompt ends with such a verb
	 * within two words of them, with no conjunction in between.
	 */
	if (sc.pending_how > 0 && (sc.prev_role & MR_R_WORKS) &&
	    !sc.how_blocked && sc.nwords - 1 - sc.first_pending <= 2)
		sc.pending_how = 0;
	/* Ours: a request only about a risky word is not that action. */
	if (sc.lead == 1 && !sc.disq && !sc.in_quote && !sc.rule_action &&
	    sc.nrisky > 0 && sc.unmarked == 0 && sc.pending_how == 0 &&
	    !(f & MR_FBIT(DESTRUCTIVE_COMMAND))) {
		f &= ~ACTION_BITS;
		f |= MR_FBIT(TOPIC_ONLY);
	}

	memset(out, 0, sizeof(*out));
	out->prompt_length = ncp;
	out->estimated_tokens = tokens = (ncp + 3) / 4;
	out->word_count = sc.nwords;

#define HAS(x) ((f & MR_FBIT(x)) != 0)
#define SET(x, v) do { if (v) f |= MR_FBIT(x); } while (0)
	SET(SENSITIVE_DOMAIN, HAS(LEGAL_DOMAIN) || HAS(MEDICAL_DOMAIN) ||
	    HAS(FINANCIAL_DOMAIN));
	destructive = HAS(DESTRUCTIVE_ACTION);
	send = HAS(SEND_ACTION);
	purchase = HAS(PURCHASE_ACTION);
	high = HAS(HIGH_IMPACT_EXTERNAL_ACTION);
	external = destructive || send || purchase || high;
	SET(EXTERNAL_ACTION, external);
	if (send && sc.email_mention)
		f |= MR_FBIT(EMAIL_INTENT);
	clear = HAS(CLEAR_GENERAL);
	amb = !HAS(SIMPLE_TRANSFORM) && !clear && sc.nwords <= 4 &&
	    HAS(AMBIGUOUS_WORD);
	SET(AMBIGUOUS, amb);
	SET(LONG_CONTEXT, tokens >= 1000 || ncp >= 4000);
	SET(REQUIRES_FRESHNESS, HAS(CURRENT_INFO_INTENT) &&
	    (HAS(RESEARCH_INTENT) || HAS(FRESHNESS_OBJECT)));
	SET(REQUIRES_CODE_EXECUTION, HAS(CODING_INTENT) &&
	    (HAS(SHELL_INTENT) || HAS(FILE_INTENT)));
	SET(REQUIRES_VISION, HAS(VISION_INTENT) &&
	    !HAS(IMAGE_GENERATION_INTENT));
	SET(REQUIRES_IMAGE_GENERATION, HAS(IMAGE_GENERATION_INTENT));
	SET(REQUIRES_TOOLS, HAS(TOOL_INTENT) || HAS(FILE_INTENT) ||
	    HAS(EMAIL_INTENT) || HAS(CALENDAR_INTENT) || HAS(SHELL_INTENT) ||
	    HAS(GITHUB_INTENT) || send || purchase ||
	    HAS(REQUIRES_FRESHNESS) || HAS(REQUIRES_CODE_EXECUTION) ||
	    HAS(REQUIRES_VISION) || HAS(REQUIRES_IMAGE_GENERATION));

	/* Complexity signals, in the reference's order (§2.5). */
	out->research_weight_id = HAS(CURRENT_INFO_INTENT) ?
	    MR_W_C_CURRENT_INFO_INTENT : MR_W_C_RESEARCH_INTENT;
#define SIG(id, cond) do { if (cond) sig |= 1u << MR_S_##id; } while (0)
	SIG(SIMPLE, HAS(SIMPLE_TRANSFORM));
	SIG(MEDIUM_PROMPT, tokens > 200);
	SIG(LONG_PROMPT, tokens > 800);
	SIG(VERY_LONG_PROMPT, tokens > 1600);
	SIG(CODING, HAS(CODING_INTENT));
	SIG(RESEARCH, HAS(RESEARCH_INTENT) || HAS(CURRENT_INFO_INTENT));
	SIG(MULTI_STEP, HAS(MULTI_STEP_REASONING));
	SIG(ARCHITECTURE, HAS(ARCHITECTURE));
	SIG(TOOLS, HAS(REQUIRES_TOOLS));
	SIG(STRUCTURED, HAS(STRUCTURED_OUTPUT));
	SIG(AMBIGUOUS, amb);
	SIG(LONG_CONTEXT, HAS(LONG_CONTEXT));
	SIG(SENSITIVE, HAS(SENSITIVE_DOMAIN));
	SIG(VISION, HAS(REQUIRES_VISION));
	SIG(IMAGE_GEN, HAS(REQUIRES_IMAGE_GENERATION));
	/* Risk signals (§2.6). */
	SIG(DESTRUCTIVE, destructive);
	SIG(SEND, send);
	SIG(PURCHASE, purchase);
	SIG(EXTERNAL, external && !destructive && !send && !purchase);
	SIG(FILE_SHELL_GITHUB, HAS(FILE_INTENT) || HAS(SHELL_INTENT) ||
	    HAS(GITHUB_INTENT));
	SIG(SENSITIVE_RISK, HAS(SENSITIVE_DOMAIN));
	SIG(LEGAL, HAS(LEGAL_DOMAIN));
	SIG(MEDICAL, HAS(MEDICAL_DOMAIN));
	SIG(FINANCIAL, HAS(FINANCIAL_DOMAIN));
	SIG(PRODUCTION, HAS(PRODUCTION));
	SIG(SECURITY, HAS(SECURITY));
	SIG(PII, HAS(PII));
	SIG(AMBIGUOUS_HIGH_IMPACT, amb && (HAS(SENSITIVE_DOMAIN) || external));
#undef SIG

	for (i = 0; i < MR_S_COUNT; i++) {
		if (!(sig & (1u << i)))
			continue;
		if (i == MR_S_RESEARCH) {
			ctotal += s->w[out->research_weight_id];
			continue;
		}
		if (mr_signal_info[i].dim == MR_DIM_COMPLEXITY)
			ctotal += weight(s, mr_signal_info[i].weight);
		else
			rtotal += weight(s, mr_signal_info[i].weight);
	}
	out->complexity = 10 + mr_saturate(ctotal, s->saturation_k);
	if (out->complexity > 100)
		out->complexity = 100;
	risk = mr_saturate(rtotal, s->saturation_k);
	if (destructive && risk < 70)
		risk = 70;
	if (high && risk < 70)
		risk = 70;
	if ((send || purchase) && risk < 60)
		risk = 60;
	out->risk = risk;

	conf_req = risk >= 70 || external;
	SET(REQUIRES_CONFIRMATION, conf_req);

	/* Confidence (§2.8). */
	conf = 90;
	if (amb)
		conf -= s->w[MR_W_K_AMBIGUOUS];
	if (conf_req && ncp < 80)
		conf -= s->w[MR_W_K_SHORT_HIGH_RISK];
	if (!(HAS(SIMPLE_TRANSFORM) || HAS(CODING_INTENT) ||
	    HAS(RESEARCH_INTENT) || HAS(MULTI_STEP_REASONING) ||
	    HAS(REQUIRES_TOOLS) || HAS(REQUIRES_VISION) ||
	    HAS(REQUIRES_IMAGE_GENERATION) || HAS(SENSITIVE_DOMAIN) ||
	    external || HAS(STRUCTURED_OUTPUT)))
		conf -= s->w[MR_W_K_WEAK_FEATURE_MATCH];
	if (ncp == 0)
		conf -= s->w[MR_W_K_EMPTY_PROMPT];
	if (conf < 0)
		conf = 0;
	if (conf > 100)
		conf = 100;
	out->confidence = conf;
	out->features = f;
	out->signals = sig;
#undef HAS
#undef SET
}
