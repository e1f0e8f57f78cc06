/*
 * YAML loading for the router config.
 *
 * libyaml's event parser feeds a small composer that builds a node graph
 * (anchors and aliases become shared nodes), then a constructor turns the
 * graph into a tree of values the way PyYAML's safe_load would: plain
 * scalars are resolved with the YAML 1.1 implicit types, "<<" merge keys
 * are flattened and the last of duplicate keys wins (at the position of the
 * first).  The event parser is used instead of yaml_parser_load because the
 * loader forgets which scalars were plain and which carried an explicit tag.
 *
 * Hostile input is bounded: nesting (counting aliases) stops at
 * YN_MAX_DEPTH and the number of nodes (counting alias expansion) at
 * YN_MAX_NODES, which defuses alias bombs and recursive aliases.
 */
#include "config-int.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#define TAG_PREFIX	"tag:yaml.org,2002:"

enum rkind {
	RN_SCALAR,
	RN_SEQ,
	RN_MAP
};

/* A composed node; aliases share them. */
struct rnode {
	enum rkind	 kind;
	bool		 implicit;	/* resolve implicit types */
	char		*tag;		/* explicit tag or NULL */
	char		*val;		/* scalar value */
	size_t		 len;
	int		 line;
	int		 col;
	struct rnode	**kids;		/* items; key, value, ... */
	size_t		 nkids;
	size_t		 akids;
};

struct anchor {
	char		*name;
	struct rnode	*node;
};

struct composer {
	struct ydoc	*doc;
	struct mr_error	*err;
	struct anchor	*tab;		/* open addressing */
	size_t		 tabsize;
	size_t		 tabused;
	struct rnode	*stack[YN_MAX_DEPTH + 1];
	int		 depth;
	bool		 seen_doc;
	struct rnode	*root;
};

struct builder {
	struct ydoc	*doc;
	struct mr_error	*err;
	size_t		 budget;
};

static struct yv *construct(struct builder *, struct rnode *, int);

static void
perr(struct mr_error *err, int line, int col, const char *fmt, ...)
    MR_PRINTF(4, 5);

static void
perr(struct mr_error *err, int line, int col, const char *fmt, ...)
{
	struct mr_buf b = MR_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	mr_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	mr_error_set(err, NULL, line, col, "%s", b.buf);
	mr_buf_release(&b);
}

/* FNV-1a over a NUL-terminated string. */
static uint64_t
hash_str(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/*
 * Anchor table.
 */

static struct anchor *
anchor_slot(struct composer *c, const char *name)
{
	size_t mask = c->tabsize - 1, i;

	i = (size_t)hash_str(name, strlen(name)) & mask;
	while (c->tab[i].name != NULL && strcmp(c->tab[i].name, name) != 0)
		i = (i + 1) & mask;
	return &c->tab[i];
}

static struct rnode *
anchor_find(struct composer *c, const char *name)
{
	if (c->tabsize == 0)
		return NULL;
	return anchor_slot(c, name)->node;
}

static void
anchor_grow(struct composer *c)
{
	struct anchor *old = c->tab;
	size_t oldsize = c->tabsize, i;
	struct anchor *slot;

	c->tabsize = oldsize ? oldsize * 2 : 64;
	c->tab = mr_xcalloc(c->tabsize, sizeof(*c->tab));
	for (i = 0; i < oldsize; i++) {
		if (old[i].name == NULL)
			continue;
		slot = anchor_slot(c, old[i].name);
		*slot = old[i];
	}
	free(old);
}

static int
anchor_add(struct composer *c, const char *name, struct rnode *n)
{
	struct anchor *slot;

	if ((c->tabused + 1) * 2 > c->tabsize)
		anchor_grow(c);
	slot = anchor_slot(c, name);
	if (slot->name != NULL) {
		perr(c->err, n->line, n->col, "found duplicate anchor '%s' "
		    "(first occurrence at line %d, column %d)", name,
		    slot->node->line, slot->node->col);
		return -1;
	}
	slot->name = mr_xstrdup(name);
	slot->node = n;
	c->tabused++;
	return 0;
}

static void
anchors_free(struct composer *c)
{
	size_t i;

	for (i = 0; i < c->tabsize; i++)
		free(c->tab[i].name);
	free(c->tab);
	c->tab = NULL;
	c->tabsize = c->tabused = 0;
}

/*
 * Composition: events to nodes.
 */

static struct rnode *
rnode_new(struct composer *c, enum rkind kind, const yaml_mark_t *m,
    const yaml_char_t *tag)
{
	struct ydoc *d = c->doc;
	struct rnode *n;

	if (d->nrn >= YN_MAX_NODES) {
		perr(c->err, (int)m->line + 1, (int)m->column + 1,
		    "document too large (more than %d nodes)", YN_MAX_NODES);
		return NULL;
	}
	n = mr_xcalloc(1, sizeof(*n));
	n->kind = kind;
	n->line = (int)m->line + 1;
	n->col = (int)m->column + 1;
	/* "!" is the non-specific tag: PyYAML resolves it like no tag. */
	if (tag != NULL && strcmp((const char *)tag, "!") != 0)
		n->tag = mr_xstrdup((const char *)tag);
	if (d->nrn == d->arn) {
		d->arn = d->arn ? d->arn * 2 : 64;
		d->rn = mr_xrealloc(d->rn, d->arn * sizeof(*d->rn));
	}
	d->rn[d->nrn++] = n;
	return n;
}

static void
rnode_addkid(struct rnode *p, struct rnode *k)
{
	if (p->nkids == p->akids) {
		p->akids = p->akids ? p->akids * 2 : 4;
		p->kids = mr_xrealloc(p->kids, p->akids * sizeof(*p->kids));
	}
	p->kids[p->nkids++] = k;
}

static void
attach(struct composer *c, struct rnode *n)
{
	if (c->depth == 0)
		c->root = n;
	else
		rnode_addkid(c->stack[c->depth - 1], n);
}

static int
start_node(struct composer *c, const yaml_event_t *ev, enum rkind kind,
    struct rnode **out)
{
	const yaml_char_t *tag = NULL, *anchor = NULL;
	struct rnode *n;

	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		tag = ev->data.scalar.tag;
		anchor = ev->data.scalar.anchor;
		break;
	case YAML_SEQUENCE_START_EVENT:
		tag = ev->data.sequence_start.tag;
		anchor = ev->data.sequence_start.anchor;
		break;
	case YAML_MAPPING_START_EVENT:
		tag = ev->data.mapping_start.tag;
		anchor = ev->data.mapping_start.anchor;
		break;
	default:
		break;
	}
	if ((n = rnode_new(c, kind, &ev->start_mark, tag)) == NULL)
		return -1;
	if (anchor != NULL && anchor_add(c, (const char *)anchor, n) < 0)
		return -1;
	attach(c, n);
	*out = n;
	return 0;
}

/* Handles one event: -1 on error, 1 at the end of the stream, else 0. */
static int
compose_event(struct composer *c, const yaml_event_t *ev)
{
	const yaml_mark_t *m = &ev->start_mark;
	struct rnode *n;

	switch (ev->type) {
	case YAML_STREAM_END_EVENT:
		return 1;
	case YAML_DOCUMENT_START_EVENT:
		if (c->seen_doc) {
			perr(c->err, (int)m->line + 1, (int)m->column + 1,
			    "expected a single document in the stream, "
			    "but found another document");
			return -1;
		}
		c->seen_doc = true;
		return 0;
	case YAML_ALIAS_EVENT:
		n = anchor_find(c, (const char *)ev->data.alias.anchor);
		if (n == NULL) {
			perr(c->err, (int)m->line + 1, (int)m->column + 1,
			    "found undefined alias '%s'",
			    (const char *)ev->data.alias.anchor);
			return -1;
		}
		attach(c, n);
		return 0;
	case YAML_SCALAR_EVENT:
		if (memchr(ev->data.scalar.value, '\0',
		    ev->data.scalar.length) != NULL) {
			perr(c->err, (int)m->line + 1, (int)m->column + 1,
			    "NUL characters in scalars are not supported");
			return -1;
		}
		if (start_node(c, ev, RN_SCALAR, &n) < 0)
			return -1;
		n->val = mr_xstrndup((const char *)ev->data.scalar.value,
		    ev->data.scalar.length);
		n->len = ev->data.scalar.length;
		n->implicit = ev->data.scalar.plain_implicit;
		return 0;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (c->depth >= YN_MAX_DEPTH) {
			perr(c->err, (int)m->line + 1, (int)m->column + 1,
			    "nesting deeper than %d levels", YN_MAX_DEPTH);
			return -1;
		}
		if (start_node(c, ev, ev->type == YAML_SEQUENCE_START_EVENT ?
		    RN_SEQ : RN_MAP, &n) < 0)
			return -1;
		c->stack[c->depth++] = n;
		return 0;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (c->depth > 0)
			c->depth--;
		return 0;
	default:
		return 0;
	}
}

/* Line and column of byte OFF, counting characters like libyaml. */
static void
offset_position(const char *data, size_t len, size_t off, int *line,
    int *col)
{
	size_t i;
	int l = 1, k = 1;

	if (off > len)
		off = len;
	for (i = 0; i < off; i++) {
		unsigned char ch = (unsigned char)data[i];

		if (ch == '\n' || (ch == '\r' && (i + 1 >= len ||
		    data[i + 1] != '\n'))) {
			l++;
			k = 1;
		} else if ((ch & 0xc0) != 0x80 && ch != '\r')
			k++;
	}
	*line = l;
	*col = k;
}

static void
parser_error(const yaml_parser_t *p, const char *data, size_t len,
    struct mr_error *err)
{
	const char *problem = p->problem ? p->problem : "unknown error";
	int line = 0, col = 0;

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		problem = "out of memory";
		break;
	case YAML_READER_ERROR:
		offset_position(data, len, p->problem_offset, &line, &col);
		if (p->problem_value != -1) {
			perr(err, line, col, "%s (#x%X)", problem,
			    (unsigned)p->problem_value);
			return;
		}
		break;
	default:
		line = (int)p->problem_mark.line + 1;
		col = (int)p->problem_mark.column + 1;
		break;
	}
	if (p->context != NULL)
		perr(err, line, col, "%s %s", problem, p->context);
	else
		perr(err, line, col, "%s", problem);
}

static int
compose(struct ydoc *d, const char *data, size_t len, struct rnode **root,
    struct mr_error *err)
{
	struct composer c;
	yaml_parser_t p;
	yaml_event_t ev;
	int rc = -1, r;

	memset(&c, 0, sizeof(c));
	c.doc = d;
	c.err = err;
	if (!yaml_parser_initialize(&p)) {
		perr(err, 0, 0, "out of memory");
		return -1;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)data, len);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	for (;;) {
		if (!yaml_parser_parse(&p, &ev)) {
			parser_error(&p, data, len, err);
			goto out;
		}
		r = compose_event(&c, &ev);
		yaml_event_delete(&ev);
		if (r < 0)
			goto out;
		if (r > 0)
			break;
	}
	rc = 0;
out:
	*root = c.root;
	anchors_free(&c);
	yaml_parser_delete(&p);
	return rc;
}

/*
 * Implicit scalar types (PyYAML's YAML 1.1 resolver).
 */

static bool
is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

static bool
word_in(const char *s, const char *const *words)
{
	for (; *words != NULL; words++)
		if (strcmp(s, *words) == 0)
			return true;
	return false;
}

static const char *const null_words[] = { "~", "null", "Null", "NULL", NULL };
static const char *const true_words[] = {
	"yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", NULL
};
static const char *const false_words[] = {
	"no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", NULL
};

/* Skips a run of characters in SET; returns how many. */
static size_t
span(const char **p, const char *set)
{
	const char *s = *p;

	while (*s != '\0' && strchr(set, *s) != NULL)
		s++;
	set = *p;
	*p = s;
	return (size_t)(s - set);
}

#define DIGITS		"0123456789"
#define DIGITS_		"0123456789_"

/* Matches (":" [0-5]?[0-9])+ and advances past it. */
static bool
sexagesimal_tail(const char **pp)
{
	const char *p = *pp;
	int groups = 0;
	size_t n;

	while (*p == ':') {
		p++;
		n = span(&p, DIGITS);
		if (n == 0 || n > 2 || (n == 2 && p[-2] > '5'))
			return false;
		groups++;
	}
	*pp = p;
	return groups > 0;
}

static bool
match_int(const char *s)
{
	const char *p = s;

	if (*p == '-' || *p == '+')
		p++;
	if (p[0] == '0' && p[1] == 'b')
		return (p += 2, span(&p, "01_") > 0 && *p == '\0');
	if (p[0] == '0' && p[1] == 'x')
		return (p += 2, span(&p, "0123456789abcdefABCDEF_") > 0 &&
		    *p == '\0');
	if (p[0] == '0')
		return p[1] == '\0' || (p++, span(&p, "01234567_") > 0 &&
		    *p == '\0');
	if (*p < '1' || *p > '9')
		return false;
	span(&p, DIGITS_);
	if (*p == '\0')
		return true;
	return sexagesimal_tail(&p) && *p == '\0';
}

static bool
exponent_tail(const char *p)
{
	if (*p == '\0')
		return true;
	if (*p != 'e' && *p != 'E')
		return false;
	p++;
	if (*p != '-' && *p != '+')
		return false;
	p++;
	return span(&p, DIGITS) > 0 && *p == '\0';
}

static bool
match_float(const char *s)
{
	const char *p = s;
	bool sexa;

	if (strcmp(s, ".nan") == 0 || strcmp(s, ".NaN") == 0 ||
	    strcmp(s, ".NAN") == 0)
		return true;
	if (p[0] == '.' && is_digit(p[1])) {
		p++;
		span(&p, DIGITS_);
		return exponent_tail(p);
	}
	if (*p == '-' || *p == '+')
		p++;
	if (strcmp(p, ".inf") == 0 || strcmp(p, ".Inf") == 0 ||
	    strcmp(p, ".INF") == 0)
		return true;
	if (!is_digit(*p))
		return false;
	span(&p, DIGITS_);
	sexa = *p == ':';
	if (sexa && !sexagesimal_tail(&p))
		return false;
	if (*p != '.')
		return false;
	p++;
	span(&p, DIGITS_);
	if (sexa)	/* sexagesimal floats have no exponent */
		return *p == '\0';
	return exponent_tail(p);
}

/* 1 or 2 digits. */
static bool
digits12(const char **pp)
{
	size_t n = span(pp, DIGITS);

	return n == 1 || n == 2;
}

static bool
digits_exact(const char **pp, size_t want)
{
	const char *p = *pp;
	size_t i;

	for (i = 0; i < want; i++)
		if (!is_digit(p[i]))
			return false;
	*pp = p + want;
	return true;
}

static bool
match_timestamp(const char *s)
{
	const char *p = s;
	size_t nm, nd;

	if (!digits_exact(&p, 4) || *p++ != '-')
		return false;
	nm = span(&p, DIGITS);
	if (nm < 1 || nm > 2 || *p++ != '-')
		return false;
	nd = span(&p, DIGITS);
	if (nd < 1 || nd > 2)
		return false;
	if (*p == '\0')
		return nm == 2 && nd == 2;
	if (*p == 'T' || *p == 't')
		p++;
	else if (span(&p, " \t") == 0)
		return false;
	if (!digits12(&p) || *p++ != ':' || !digits_exact(&p, 2) ||
	    *p++ != ':' || !digits_exact(&p, 2))
		return false;
	if (*p == '.') {
		p++;
		span(&p, DIGITS);
	}
	span(&p, " \t");
	if (*p == '\0')
		return p[-1] != ' ' && p[-1] != '\t';
	if (*p == 'Z')
		return p[1] == '\0';
	if (*p != '-' && *p != '+')
		return false;
	p++;
	if (!digits12(&p))
		return false;
	if (*p == ':') {
		p++;
		if (!digits_exact(&p, 2))
			return false;
	}
	return *p == '\0';
}

/*
 * Scalar construction.
 */

/* A copy of S with ASCII letters lowercased. */
static char *
ascii_lower(const char *s)
{
	char *t = mr_xstrdup(s), *q;

	for (q = t; *q; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q - 'A' + 'a');
	return t;
}

/* Copies S without '_' (PyYAML strips them from numbers). */
static char *
strip_underscores(const char *s)
{
	char *t = mr_xmalloc(strlen(s) + 1), *q = t;

	for (; *s; s++)
		if (*s != '_')
			*q++ = *s;
	*q = '\0';
	return t;
}

/* Accumulates DIGIT in BASE into *V; *BIG latches on overflow. */
static void
acc_digit(long long *v, int *big, int base, int digit)
{
	if (*big)
		return;
	if (*v > (LLONG_MAX - digit) / base) {
		*big = 1;
		return;
	}
	*v = *v * base + digit;
}

static int
digit_value(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return 99;
}

static int
parse_base(const char *p, int base, long long *v, int *big)
{
	if (*p == '\0')
		return -1;
	for (; *p; p++) {
		int dv = digit_value(*p);

		if (dv >= base)
			return -1;
		acc_digit(v, big, base, dv);
	}
	return 0;
}

/* PyYAML's construct_yaml_int.  -1 when the text is not an int. */
static int
construct_int(const char *text, struct yv *v)
{
	char *t = strip_underscores(text), *p = t;
	long long val = 0, part, mult;
	int sign = 1, big = 0, rc = -1, pbig;

	if (*p == '-')
		sign = -1;
	if (*p == '-' || *p == '+')
		p++;
	if (*p == '\0')
		goto out;
	if (strcmp(p, "0") == 0)
		val = 0;
	else if (p[0] == '0' && p[1] == 'b') {
		if (parse_base(p + 2, 2, &val, &big) < 0)
			goto out;
	} else if (p[0] == '0' && p[1] == 'x') {
		if (parse_base(p + 2, 16, &val, &big) < 0)
			goto out;
	} else if (p[0] == '0') {
		if (parse_base(p, 8, &val, &big) < 0)
			goto out;
	} else if (strchr(p, ':') != NULL) {
		/* Base 60, most significant part first. */
		char *q = p, *colon;

		for (;;) {
			colon = strchr(q, ':');
			if (colon != NULL)
				*colon = '\0';
			part = 0;
			pbig = 0;
			if (parse_base(q, 10, &part, &pbig) < 0)
				goto out;
			mult = val;
			val = 0;
			if (pbig)
				big = 1;
			else if (!big) {
				if (mult > (LLONG_MAX - part) / 60)
					big = 1;
				else
					val = mult * 60 + part;
			}
			if (colon == NULL)
				break;
			q = colon + 1;
		}
	} else if (parse_base(p, 10, &val, &big) < 0)
		goto out;
	v->type = YV_INT;
	v->i = big ? 0 : sign * val;
	v->ibig = big ? sign : 0;
	rc = 0;
out:
	free(t);
	return rc;
}

/*
 * A locale-independent decimal parser, enough for PyYAML floats: the value
 * only matters for type checks, "version: 1.0" and key equality.
 */
static int
parse_decimal(const char *p, double *out)
{
	long double m = 0, scale = 1;
	int exp = 0, esign = 1, ndig = 0;

	for (; is_digit(*p); p++, ndig++)
		m = m * 10 + (*p - '0');
	if (*p == '.')
		for (p++; is_digit(*p); p++, ndig++) {
			m = m * 10 + (*p - '0');
			scale *= 10;
		}
	if (ndig == 0)
		return -1;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '-' || *p == '+')
			esign = *p++ == '-' ? -1 : 1;
		if (!is_digit(*p))
			return -1;
		for (; is_digit(*p); p++)
			if (exp < 100000)
				exp = exp * 10 + (*p - '0');
	}
	if (*p != '\0')
		return -1;
	for (; exp > 0; exp--) {
		if (esign > 0)
			m *= 10;
		else
			scale *= 10;
		if (m > 1e300L || scale > 1e300L)
			break;
	}
	*out = (double)(m / scale);
	return 0;
}

/* PyYAML's construct_yaml_float.  -1 when the text is not a float. */
static int
construct_float(const char *text, struct yv *v)
{
	char *t = strip_underscores(text), *p = t, *q;
	double d = 0, part;
	int sign = 1, rc = -1;

	for (q = t; *q; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q - 'A' + 'a');
	if (*p == '-')
		sign = -1;
	if (*p == '-' || *p == '+')
		p++;
	if (strcmp(p, ".inf") == 0 || strcmp(p, "inf") == 0 ||
	    strcmp(p, "infinity") == 0)
		d = HUGE_VAL;
	else if (strcmp(p, ".nan") == 0 || strcmp(p, "nan") == 0)
		d = NAN;
	else if (strchr(p, ':') != NULL) {
		char *colon;

		for (;;) {
			if ((colon = strchr(p, ':')) != NULL)
				*colon = '\0';
			if (parse_decimal(p, &part) < 0)
				goto out;
			d = d * 60 + part;
			if (colon == NULL)
				break;
			p = colon + 1;
		}
	} else if (parse_decimal(p, &d) < 0)
		goto out;
	v->type = YV_FLOAT;
	v->f = sign * d;
	rc = 0;
out:
	free(t);
	return rc;
}

static const char *
kind_name(enum rkind k)
{
	return k == RN_SCALAR ? "scalar" : k == RN_SEQ ? "sequence" :
	    "mapping";
}

static struct yv *
yv_new(struct builder *b, const struct rnode *n, enum yv_type type)
{
	struct ydoc *d = b->doc;
	struct yv *v;

	if (b->budget == 0) {
		perr(b->err, n->line, n->col, "document too complex (more "
		    "than %d nodes after expanding aliases)", YN_MAX_NODES);
		return NULL;
	}
	b->budget--;
	v = mr_xcalloc(1, sizeof(*v));
	v->type = type;
	v->line = n->line;
	v->col = n->col;
	if (n->kind == RN_SCALAR) {
		v->s = n->val;
		v->len = n->len;
	} else
		v->s = "";
	if (d->nyv == d->ayv) {
		d->ayv = d->ayv ? d->ayv * 2 : 64;
		d->yv = mr_xrealloc(d->yv, d->ayv * sizeof(*d->yv));
	}
	d->yv[d->nyv++] = v;
	return v;
}

static bool
is_merge_key(const struct rnode *k)
{
	if (k->kind != RN_SCALAR)
		return false;
	if (k->tag != NULL)
		return strcmp(k->tag, TAG_PREFIX "merge") == 0;
	return k->implicit && strcmp(k->val, "<<") == 0;
}

static bool
is_value_key(const struct rnode *k)
{
	if (k->kind != RN_SCALAR)
		return false;
	if (k->tag != NULL)
		return strcmp(k->tag, TAG_PREFIX "value") == 0;
	return k->implicit && strcmp(k->val, "=") == 0;
}

static int
undefined_tag(struct builder *b, const struct rnode *n)
{
	perr(b->err, n->line, n->col,
	    "could not determine a constructor for the tag '%s'", n->tag);
	return -1;
}

/* Resolves a plain scalar without a tag. */
static int
resolve_implicit(struct builder *b, const struct rnode *n, struct yv *v)
{
	const char *s = n->val;

	if (n->len == 0 || word_in(s, null_words))
		v->type = YV_NULL;
	else if (word_in(s, true_words)) {
		v->type = YV_BOOL;
		v->b = true;
	} else if (word_in(s, false_words))
		v->type = YV_BOOL;
	else if (match_int(s)) {
		if (construct_int(s, v) < 0) {
			perr(b->err, n->line, n->col,
			    "invalid integer '%s'", s);
			return -1;
		}
	} else if (match_float(s))
		(void)construct_float(s, v);
	else if (match_timestamp(s)) {
		v->type = YV_OTHER;
		v->what = "timestamp";
	} else if (strcmp(s, "<<") == 0) {
		perr(b->err, n->line, n->col, "could not determine a "
		    "constructor for the tag '" TAG_PREFIX "merge'");
		return -1;
	} else if (strcmp(s, "=") == 0) {
		perr(b->err, n->line, n->col, "could not determine a "
		    "constructor for the tag '" TAG_PREFIX "value'");
		return -1;
	} else
		v->type = YV_STR;
	return 0;
}

static int
construct_scalar(struct builder *b, const struct rnode *n, struct yv *v)
{
	const char *t = n->tag, *s = n->val;
	char *low;
	bool ok = true;

	if (t == NULL) {
		if (n->implicit)
			return resolve_implicit(b, n, v);
		v->type = YV_STR;
		return 0;
	}
	t += sizeof(TAG_PREFIX) - 1;	/* checked by tag_kind() */
	if (strcmp(t, "str") == 0)
		v->type = YV_STR;
	else if (strcmp(t, "null") == 0)
		v->type = YV_NULL;
	else if (strcmp(t, "bool") == 0) {
		low = ascii_lower(s);
		v->type = YV_BOOL;
		if (strcmp(low, "yes") == 0 || strcmp(low, "true") == 0 ||
		    strcmp(low, "on") == 0)
			v->b = true;
		else if (strcmp(low, "no") != 0 && strcmp(low, "false") != 0 &&
		    strcmp(low, "off") != 0)
			ok = false;
		free(low);
		if (!ok) {
			perr(b->err, n->line, n->col,
			    "invalid boolean '%s'", s);
			return -1;
		}
	} else if (strcmp(t, "int") == 0) {
		if (construct_int(s, v) < 0) {
			perr(b->err, n->line, n->col,
			    "invalid integer '%s'", s);
			return -1;
		}
	} else if (strcmp(t, "float") == 0) {
		if (construct_float(s, v) < 0) {
			perr(b->err, n->line, n->col,
			    "invalid float '%s'", s);
			return -1;
		}
	} else {
		/* timestamp or binary: valid YAML, never a valid value here */
		v->type = YV_OTHER;
		v->what = t;
	}
	return 0;
}

/*
 * Canonical key text, so that keys compare like Python dict keys: 1, 1.0
 * and true are one key; a string never equals a number.  NULL for NaN,
 * which equals nothing.
 */
static char *
key_canon(const struct yv *k)
{
	switch (k->type) {
	case YV_NULL:
		return mr_xstrdup("n");
	case YV_BOOL:
		return mr_xstrdup(k->b ? "i1" : "i0");
	case YV_INT:
		if (k->ibig)
			return mr_xasprintf("I%d%s", k->ibig, k->s);
		return mr_xasprintf("i%lld", k->i);
	case YV_FLOAT:
		if (k->f != k->f)
			return NULL;
		if (k->f >= -9e18 && k->f <= 9e18 &&
		    k->f == (double)(long long)k->f)
			return mr_xasprintf("i%lld", (long long)k->f);
		return mr_xasprintf("f%.17g", k->f);
	case YV_STR:
		return mr_xasprintf("s%s", k->s);
	default:
		return mr_xasprintf("o%s:%s", k->what ? k->what : "", k->s);
	}
}

struct kslot {
	char	*canon;
	size_t	 idx;
};

/*
 * Inserts ALL[0..N) into V in order: the first position of a key is kept,
 * with the last value.  Entries from FIRST_EXPLICIT on were written in the
 * mapping itself; a repeat among those is worth a warning.
 */
static void
map_insert_all(struct builder *b, struct yv *v, const struct yent *all,
    size_t n, size_t first_explicit)
{
	struct kslot *tab;
	bool *explicit_seen;
	size_t size = 16, mask, i, h;
	char *canon;

	while (size < n * 2)
		size *= 2;
	mask = size - 1;
	tab = mr_xcalloc(size, sizeof(*tab));
	explicit_seen = mr_xcalloc(n ? n : 1, sizeof(*explicit_seen));
	v->ents = mr_xcalloc(n ? n : 1, sizeof(*v->ents));
	v->n = 0;
	for (i = 0; i < n; i++) {
		canon = key_canon(all[i].key);
		if (canon == NULL)
			goto append;
		h = (size_t)hash_str(canon, strlen(canon)) & mask;
		while (tab[h].canon != NULL && strcmp(tab[h].canon, canon) != 0)
			h = (h + 1) & mask;
		if (tab[h].canon != NULL) {
			free(canon);
			v->ents[tab[h].idx].val = all[i].val;
			if (i >= first_explicit) {
				if (explicit_seen[tab[h].idx])
					ydoc_warn(b->doc, all[i].key->line,
					    all[i].key->col, "duplicate key "
					    "'%s' (the last one wins)",
					    yv_text(all[i].key));
				explicit_seen[tab[h].idx] = true;
			}
			continue;
		}
		tab[h].canon = canon;
		tab[h].idx = v->n;
append:
		explicit_seen[v->n] = i >= first_explicit;
		v->ents[v->n++] = all[i];
	}
	for (i = 0; i < size; i++)
		free(tab[i].canon);
	free(tab);
	free(explicit_seen);
}

static void
ents_append(struct yent **all, size_t *n, size_t *alloc,
    const struct yent *src, size_t count)
{
	if (count == 0)
		return;
	if (*n + count > *alloc) {
		while (*n + count > *alloc)
			*alloc = *alloc ? *alloc * 2 : 16;
		*all = mr_xrealloc(*all, *alloc * sizeof(**all));
	}
	memcpy(*all + *n, src, count * sizeof(*src));
	*n += count;
}

static struct yv *build_map(struct builder *, struct rnode *, int);

/* The mappings a "<<" value brings, in merge order (later ones win). */
static int
collect_merge(struct builder *b, struct rnode *val, int depth,
    struct yent **all, size_t *n, size_t *alloc)
{
	struct yv **subs = NULL, *sub;
	size_t i, nsub = 0;
	int rc = -1;

	if (val->kind == RN_MAP) {
		if ((sub = build_map(b, val, depth + 1)) == NULL)
			return -1;
		ents_append(all, n, alloc, sub->ents, sub->n);
		return 0;
	}
	if (val->kind != RN_SEQ) {
		perr(b->err, val->line, val->col, "expected a mapping or list "
		    "of mappings for merging, but found %s",
		    kind_name(val->kind));
		return -1;
	}
	subs = mr_xcalloc(val->nkids ? val->nkids : 1, sizeof(*subs));
	for (i = 0; i < val->nkids; i++) {
		if (val->kids[i]->kind != RN_MAP) {
			perr(b->err, val->kids[i]->line, val->kids[i]->col,
			    "expected a mapping for merging, but found %s",
			    kind_name(val->kids[i]->kind));
			goto out;
		}
		if ((subs[nsub++] = build_map(b, val->kids[i],
		    depth + 1)) == NULL)
			goto out;
	}
	/* The first mapping in the list wins, so it goes last. */
	for (i = nsub; i-- > 0;)
		ents_append(all, n, alloc, subs[i]->ents, subs[i]->n);
	rc = 0;
out:
	free(subs);
	return rc;
}

/* A mapping node as a YV_MAP, whatever its tag (merges see no tags). */
static struct yv *
build_map(struct builder *b, struct rnode *n, int depth)
{
	struct yent *all = NULL, e;
	size_t nall = 0, aall = 0, nmerged, i;
	struct yv *v;

	if (depth > YN_MAX_DEPTH) {
		perr(b->err, n->line, n->col, "nesting deeper than %d levels "
		    "(counting aliases)", YN_MAX_DEPTH);
		return NULL;
	}
	if ((v = yv_new(b, n, YV_MAP)) == NULL)
		return NULL;
	for (i = 0; i + 1 < n->nkids; i += 2)
		if (is_merge_key(n->kids[i]) &&
		    collect_merge(b, n->kids[i + 1], depth, &all, &nall,
		    &aall) < 0)
			goto fail;
	nmerged = nall;
	for (i = 0; i + 1 < n->nkids; i += 2) {
		if (is_merge_key(n->kids[i]))
			continue;
		/* PyYAML's flatten_mapping turns a "=" key into a str. */
		if (is_value_key(n->kids[i]))
			e.key = yv_new(b, n->kids[i], YV_STR);
		else
			e.key = construct(b, n->kids[i], depth + 1);
		if (e.key == NULL)
			goto fail;
		if (e.key->type == YV_SEQ || e.key->type == YV_MAP ||
		    (e.key->type == YV_OTHER &&
		    strcmp(e.key->what, "set") == 0)) {
			perr(b->err, e.key->line, e.key->col, "found "
			    "unhashable key while constructing a mapping");
			goto fail;
		}
		if ((e.val = construct(b, n->kids[i + 1], depth + 1)) == NULL)
			goto fail;
		ents_append(&all, &nall, &aall, &e, 1);
	}
	map_insert_all(b, v, all, nall, nmerged);
	free(all);
	return v;
fail:
	free(all);
	return NULL;
}

static struct yv *
build_seq(struct builder *b, struct rnode *n, int depth, bool pairs)
{
	struct yv *v, *item;
	struct rnode *k;
	size_t i;

	if ((v = yv_new(b, n, YV_SEQ)) == NULL)
		return NULL;
	v->items = mr_xcalloc(n->nkids ? n->nkids : 1, sizeof(*v->items));
	for (i = 0; i < n->nkids; i++) {
		k = n->kids[i];
		if (!pairs) {
			if ((item = construct(b, k, depth + 1)) == NULL)
				return NULL;
		} else {
			/* !!omap / !!pairs: a list of one-pair mappings. */
			if (k->kind != RN_MAP || k->nkids != 2) {
				perr(b->err, k->line, k->col, "expected a "
				    "mapping of length 1, but found %s",
				    kind_name(k->kind));
				return NULL;
			}
			if (construct(b, k->kids[0], depth + 2) == NULL ||
			    construct(b, k->kids[1], depth + 2) == NULL ||
			    (item = yv_new(b, k, YV_OTHER)) == NULL)
				return NULL;
			item->what = "pair";
		}
		v->items[v->n++] = item;
	}
	return v;
}

/*
 * The node kind a standard tag constructs, -1 for tags safe_load has no
 * constructor for (including merge and value outside their key use).
 */
static int
tag_kind(const char *tag)
{
	static const struct {
		const char	*name;
		enum rkind	 kind;
	} tags[] = {
		{ "str", RN_SCALAR }, { "int", RN_SCALAR },
		{ "float", RN_SCALAR }, { "bool", RN_SCALAR },
		{ "null", RN_SCALAR }, { "binary", RN_SCALAR },
		{ "timestamp", RN_SCALAR }, { "seq", RN_SEQ },
		{ "omap", RN_SEQ }, { "pairs", RN_SEQ }, { "map", RN_MAP },
		{ "set", RN_MAP },
	};
	size_t i;

	if (strncmp(tag, TAG_PREFIX, sizeof(TAG_PREFIX) - 1) != 0)
		return -1;
	tag += sizeof(TAG_PREFIX) - 1;
	for (i = 0; i < MR_NELEM(tags); i++)
		if (strcmp(tag, tags[i].name) == 0)
			return (int)tags[i].kind;
	return -1;
}

static struct yv *
construct(struct builder *b, struct rnode *n, int depth)
{
	const char *t = NULL;
	struct yv *v;
	int kind;

	if (depth > YN_MAX_DEPTH) {
		perr(b->err, n->line, n->col, "nesting deeper than %d levels "
		    "(counting aliases)", YN_MAX_DEPTH);
		return NULL;
	}
	if (n->tag != NULL) {
		if ((kind = tag_kind(n->tag)) < 0) {
			undefined_tag(b, n);
			return NULL;
		}
		if (kind != (int)n->kind) {
			perr(b->err, n->line, n->col, "expected a %s node, but "
			    "found %s", kind_name((enum rkind)kind),
			    kind_name(n->kind));
			return NULL;
		}
		t = n->tag + sizeof(TAG_PREFIX) - 1;
	}
	switch (n->kind) {
	case RN_SCALAR:
		if ((v = yv_new(b, n, YV_STR)) == NULL ||
		    construct_scalar(b, n, v) < 0)
			return NULL;
		return v;
	case RN_SEQ:
		return build_seq(b, n, depth, t != NULL &&
		    (strcmp(t, "omap") == 0 || strcmp(t, "pairs") == 0));
	case RN_MAP:
		v = build_map(b, n, depth);
		if (v != NULL && t != NULL && strcmp(t, "set") == 0) {
			v->type = YV_OTHER;
			v->what = "set";
		}
		return v;
	}
	return NULL;
}

int
ydoc_load(struct ydoc *d, const char *data, size_t len,
    struct mr_error *err)
{
	struct builder b;
	struct rnode *root = NULL;

	memset(d, 0, sizeof(*d));
	if (compose(d, data, len, &root, err) < 0)
		return -1;
	if (root == NULL)
		return 0;
	b.doc = d;
	b.err = err;
	b.budget = YN_MAX_NODES;
	if ((d->root = construct(&b, root, 0)) == NULL)
		return -1;
	return 0;
}

void
ydoc_free(struct ydoc *d)
{
	size_t i;

	for (i = 0; i < d->nrn; i++) {
		free(d->rn[i]->tag);
		free(d->rn[i]->val);
		free(d->rn[i]->kids);
		free(d->rn[i]);
	}
	free(d->rn);
	for (i = 0; i < d->nyv; i++) {
		free(d->yv[i]->items);
		free(d->yv[i]->ents);
		free(d->yv[i]);
	}
	free(d->yv);
	for (i = 0; i < d->nwarn; i++)
		free(d->warn[i].msg);
	free(d->warn);
	memset(d, 0, sizeof(*d));
}

void
ydoc_warn(struct ydoc *d, int line, int col, const char *fmt, ...)
{
	struct mr_buf b = MR_BUF_INIT;
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	mr_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	/* An aliased node is visited once per alias; say things once. */
	for (i = 0; i < d->nwarn; i++)
		if (d->warn[i].line == line && d->warn[i].col == col &&
		    strcmp(d->warn[i].msg, b.buf) == 0) {
			mr_buf_release(&b);
			return;
		}
	if (d->nwarn >= YN_MAX_WARNINGS) {
		d->nwarn_dropped++;
		mr_buf_release(&b);
		return;
	}
	if (d->nwarn == d->awarn) {
		d->awarn = d->awarn ? d->awarn * 2 : 8;
		d->warn = mr_xrealloc(d->warn, d->awarn * sizeof(*d->warn));
	}
	d->warn[d->nwarn].line = line;
	d->warn[d->nwarn].col = col;
	d->warn[d->nwarn].msg = mr_buf_detach(&b);
	d->nwarn++;
}

const struct yent *
yv_find(const struct yv *map, const char *key)
{
	size_t i;

	if (map == NULL || map->type != YV_MAP)
		return NULL;
	for (i = 0; i < map->n; i++)
		if (map->ents[i].key->type == YV_STR &&
		    strcmp(map->ents[i].key->s, key) == 0)
			return &map->ents[i];
	return NULL;
}

const struct yv *
yv_get(const struct yv *map, const char *key)
{
	const struct yent *e = yv_find(map, key);

	return e ? e->val : NULL;
}

const char *
yv_text(const struct yv *v)
{
	return v->s ? v->s : "";
}

/*
 * Python's str.isspace() code points, for strip() and "blank" checks.
 */
static bool
py_space(uint32_t c)
{
	return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) ||
	    c == 0x85 || c == 0xa0 || c == 0x1680 ||
	    (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 ||
	    c == 0x202f || c == 0x205f || c == 0x3000;
}

/* Decodes one UTF-8 sequence (already validated by libyaml). */
static size_t
utf8_next(const char *s, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;

	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if ((u[0] & 0xe0) == 0xc0 && (u[1] & 0xc0) == 0x80) {
		*cp = ((uint32_t)(u[0] & 0x1f) << 6) | (u[1] & 0x3f);
		return 2;
	}
	if ((u[0] & 0xf0) == 0xe0 && (u[1] & 0xc0) == 0x80 &&
	    (u[2] & 0xc0) == 0x80) {
		*cp = ((uint32_t)(u[0] & 0x0f) << 12) |
		    ((uint32_t)(u[1] & 0x3f) << 6) | (u[2] & 0x3f);
		return 3;
	}
	if ((u[0] & 0xf8) == 0xf0 && (u[1] & 0xc0) == 0x80 &&
	    (u[2] & 0xc0) == 0x80 && (u[3] & 0xc0) == 0x80) {
		*cp = ((uint32_t)(u[0] & 0x07) << 18) |
		    ((uint32_t)(u[1] & 0x3f) << 12) |
		    ((uint32_t)(u[2] & 0x3f) << 6) | (u[3] & 0x3f);
		return 4;
	}
	*cp = u[0];
	return 1;
}

bool
py_blank(const char *s)
{
	uint32_t cp;

	while (*s != '\0') {
		s += utf8_next(s, &cp);
		if (!py_space(cp))
			return false;
	}
	return true;
}

char *
py_strip(const char *s)
{
	const char *start = NULL, *end = s;
	uint32_t cp;
	size_t w;

	while (*s != '\0') {
		w = utf8_next(s, &cp);
		if (!py_space(cp)) {
			if (start == NULL)
				start = s;
			end = s + w;
		}
		s += w;
	}
	if (start == NULL)
		return mr_xstrdup("");
	return mr_xstrndup(start, (size_t)(end - start));
}

/* Code points Python's repr() escapes besides the C0 controls. */
static bool
py_unprintable(uint32_t c)
{
	return (c >= 0x7f && c <= 0xa0) || c == 0xad || c == 0x1680 ||
	    (c >= 0x2000 && c <= 0x200f) || (c >= 0x2028 && c <= 0x202f) ||
	    (c >= 0x205f && c <= 0x206f) || c == 0x3000 || c == 0xfeff ||
	    (c >= 0xd800 && c <= 0xdfff) || (c >= 0xe000 && c <= 0xf8ff);
}

void
py_repr(struct mr_buf *b, const char *s)
{
	char quote = '\'';
	uint32_t cp;
	size_t w;

	if (strchr(s, '\'') != NULL && strchr(s, '"') == NULL)
		quote = '"';
	mr_buf_addch(b, quote);
	while (*s != '\0') {
		w = utf8_next(s, &cp);
		if (cp == (uint32_t)quote || cp == '\\') {
			mr_buf_addch(b, '\\');
			mr_buf_addch(b, (int)cp);
		} else if (cp == '\t')
			mr_buf_addstr(b, "\\t");
		else if (cp == '\n')
			mr_buf_addstr(b, "\\n");
		else if (cp == '\r')
			mr_buf_addstr(b, "\\r");
		else if (cp < 0x20 || (cp <= 0xff && py_unprintable(cp)))
			mr_buf_printf(b, "\\x%02x", (unsigned)cp);
		else if (py_unprintable(cp))
			mr_buf_printf(b, "\\u%04x", (unsigned)cp);
		else
			mr_buf_add(b, s, w);
		s += w;
	}
	mr_buf_addch(b, quote);
}

static int
cmp_warn(const void *a, const void *b)
{
	const struct ywarn *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	/* qsort is not stable; the message order is deterministic */
	return strcmp(x->msg, y->msg);
}

void
ydoc_take_warnings(struct ydoc *d, const char *file, struct mr_strlist *out)
{
	size_t i;

	if (d->nwarn > 1)
		qsort(d->warn, d->nwarn, sizeof(*d->warn), cmp_warn);
	for (i = 0; i < d->nwarn; i++)
		mr_strlist_push_take(out, mr_xasprintf("%s:%d:%d: %s", file,
		    d->warn[i].line, d->warn[i].col, d->warn[i].msg));
	if (d->nwarn_dropped > 0)
		mr_strlist_push_take(out, mr_xasprintf("%s: %zu more warnings "
		    "not shown", file, d->nwarn_dropped));
}
