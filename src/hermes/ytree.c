/*
 * A YAML node tree that remembers where every node is in the text, for
 * the byte-preserving editor of Hermes's config.yaml.
 *
 * libyaml's event parser is used directly because its marks are the only
 * source of positions.  Marks count characters, not bytes, so a cursor
 * converts them; libyaml has already rejected invalid UTF-8 by the time a
 * mark is used.  Scalars are resolved with YAML 1.1 rules as ruamel.yaml
 * (what Hermes uses) resolves them: "no" and "on" are booleans, "0x1f" an
 * integer, while a dot-less exponent such as "1e5" stays a string.
 *
 * Anchors are registered when their node is complete, so an alias inside
 * its own anchor is "undefined": no cycles, and everything that walks the
 * tree terminates.  Sizes are bounded against hostile input.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "mr/hermes.h"

#define YT_MAX_BYTES	(4u << 20)
#define YT_MAX_NODES	200000
#define YT_MAX_DEPTH	100
#define TAG_PREFIX	"tag:yaml.org,2002:"

struct anchor {
	const char	*name;
	struct mr_ynode	*node;
};

struct composer {
	struct mr_ytree	*t;
	struct mr_error	*err;
	/* character index -> byte offset cursor */
	size_t		 ci;
	size_t		 bi;
	struct mr_ynode	*stack[YT_MAX_DEPTH + 1];
	int		 depth;
	struct anchor	*tab;		/* open addressing, power of two */
	size_t		 tabsize;
	size_t		 tabused;
	int		 ndocs;
};

static void
cerr(struct composer *c, size_t byte, const char *fmt, const char *arg)
{
	int line = 1, col = 1;
	size_t i;

	if (c->err == NULL)
		return;
	/* Positions in messages are counted like editors do: lines from 1,
	 * columns in characters from 1. */
	for (i = 0; i < byte && i < c->t->len; i++) {
		if (c->t->text[i] == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)c->t->text[i] & 0xc0) != 0x80)
			col++;
	}
	mr_error_set(c->err, NULL, line, col, fmt, arg);
}

/* The byte offset of character IDX. */
static size_t
char2byte(struct composer *c, size_t idx)
{
	const unsigned char *s = (const unsigned char *)c->t->text;
	size_t len = c->t->len;

	while (c->ci < idx && c->bi < len) {
		c->bi++;
		while (c->bi < len && (s[c->bi] & 0xc0) == 0x80)
			c->bi++;
		c->ci++;
	}
	while (c->ci > idx && c->bi > 0) {
		c->bi--;
		while (c->bi > 0 && (s[c->bi] & 0xc0) == 0x80)
			c->bi--;
		c->ci--;
	}
	return c->bi;
}

/* 1-based column in characters of byte offset POS; a BOM does not count. */
static int
column_of(const struct mr_ytree *t, size_t pos)
{
	size_t i = pos;
	int col = 1;

	while (i > 0 && t->text[i - 1] != '\n')
		i--;
	if (i == 0)
		i = t->bom;
	for (; i < pos; i++)
		if (((unsigned char)t->text[i] & 0xc0) != 0x80)
			col++;
	return col;
}

static int
line_of(const struct mr_ytree *t, size_t pos)
{
	size_t i;
	int line = 1;

	for (i = 0; i < pos && i < t->len; i++)
		if (t->text[i] == '\n')
			line++;
	return line;
}

/* ------------------------------------------------ YAML 1.1 resolution */

static bool
is_digit_(int ch, int base)
{
	if (ch == '_')
		return true;
	switch (base) {
	case 2:
		return ch == '0' || ch == '1';
	case 8:
		return ch >= '0' && ch <= '7';
	case 16:
		return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
		    (ch >= 'A' && ch <= 'F');
	default:
		return ch >= '0' && ch <= '9';
	}
}

static bool
all_digits(const char *s, size_t n, int base)
{
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++)
		if (!is_digit_((unsigned char)s[i], base))
			return false;
	return true;
}

/* Accumulates digits (underscores ignored); false on overflow. */
static bool
accumulate(const char *s, size_t n, int base, unsigned long long *acc)
{
	size_t i;
	int d;

	for (i = 0; i < n; i++) {
		if (s[i] == '_')
			continue;
		if (s[i] >= '0' && s[i] <= '9')
			d = s[i] - '0';
		else if (s[i] >= 'a' && s[i] <= 'f')
			d = s[i] - 'a' + 10;
		else
			d = s[i] - 'A' + 10;
		if (*acc > (ULLONG_MAX - (unsigned)d) / (unsigned)base)
			return false;
		*acc = *acc * (unsigned)base + (unsigned)d;
	}
	return true;
}

/* Sexagesimal "190:20:30": digits groups separated by ':'. */
static bool
sexagesimal(const char *s, size_t n, unsigned long long *acc, bool *big)
{
	size_t i = 0, j;
	unsigned long long part;

	if (n == 0 || s[0] < '1' || s[0] > '9')
		return false;
	for (j = 0; j < n && s[j] != ':'; j++)
		if (!is_digit_((unsigned char)s[j], 10))
			return false;
	if (j == n)
		return false;
	*acc = 0;
	*big = !accumulate(s, j, 10, acc);
	i = j;
	while (i < n) {
		/* ":" then one or two digits, the first 0-5 when two */
		i++;
		j = i;
		while (j < n && s[j] != ':')
			j++;
		if (j - i == 0 || j - i > 2)
			return false;
		if (!all_digits(s + i, j - i, 10) || s[i] == '_' ||
		    (j - i == 2 && (s[i] > '5' || s[i + 1] == '_')))
			return false;
		part = 0;
		accumulate(s + i, j - i, 10, &part);
		if (*acc > (ULLONG_MAX - part) / 60)
			*big = true;
		else
			*acc = *acc * 60 + part;
		i = j;
	}
	return true;
}

static bool
resolve_int(const char *s, size_t n, long long *out, bool *big)
{
	unsigned long long acc = 0;
	bool neg = false, ok;
	const char *p = s;
	size_t m = n;

	*big = false;
	if (m > 0 && (*p == '-' || *p == '+')) {
		neg = *p == '-';
		p++;
		m--;
	}
	if (m == 0)
		return false;
	if (m >= 2 && p[0] == '0' && p[1] == 'b') {
		if (!all_digits(p + 2, m - 2, 2))
			return false;
		ok = accumulate(p + 2, m - 2, 2, &acc);
	} else if (m >= 2 && p[0] == '0' && p[1] == 'x') {
		if (!all_digits(p + 2, m - 2, 16))
			return false;
		ok = accumulate(p + 2, m - 2, 16, &acc);
	} else if (m >= 2 && p[0] == '0') {
		if (!all_digits(p + 1, m - 1, 8))
			return false;
		ok = accumulate(p + 1, m - 1, 8, &acc);
	} else if (m == 1 && p[0] == '0') {
		ok = true;
	} else if (p[0] >= '1' && p[0] <= '9' && all_digits(p, m, 10)) {
		ok = accumulate(p, m, 10, &acc);
	} else if (sexagesimal(p, m, &acc, big))
		ok = !*big;
	else
		return false;
	if (!ok || acc > (unsigned long long)LLONG_MAX + (neg ? 1 : 0)) {
		*big = true;
		*out = neg ? -1 : 1;
		return true;
	}
	if (neg)
		*out = acc == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN :
		    -(long long)acc;
	else
		*out = (long long)acc;
	return true;
}

static bool
resolve_float(const char *s, size_t n)
{
	size_t i = 0, j;

	if (n == 0)
		return false;
	if (s[0] == '-' || s[0] == '+')
		i++;
	if (n - i == 4 && s[i] == '.' && (memcmp(s + i, ".inf", 4) == 0 ||
	    memcmp(s + i, ".Inf", 4) == 0 || memcmp(s + i, ".INF", 4) == 0))
		return true;
	if (i == 0 && n == 4 && (memcmp(s, ".nan", 4) == 0 ||
	    memcmp(s, ".NaN", 4) == 0 || memcmp(s, ".NAN", 4) == 0))
		return true;
	/* [0-9][0-9_]* (":" [0-5]?[0-9])* "." [0-9_]* ([eE][-+][0-9]+)?
	 * or "." [0-9_]+ ...; a dot is required (see the top comment). */
	j = i;
	if (j < n && s[j] >= '0' && s[j] <= '9') {
		while (j < n && is_digit_((unsigned char)s[j], 10))
			j++;
		while (j < n && s[j] == ':') {
			j++;
			if (j < n && s[j] >= '0' && s[j] <= '9')
				j++;
			if (j < n && s[j] >= '0' && s[j] <= '9')
				j++;
		}
	} else if (!(j + 1 < n && s[j] == '.' && s[j + 1] >= '0' &&
	    s[j + 1] <= '9'))
		return false;
	if (j >= n || s[j] != '.')
		return false;
	j++;
	while (j < n && is_digit_((unsigned char)s[j], 10))
		j++;
	if (j < n && (s[j] == 'e' || s[j] == 'E')) {
		j++;
		if (j < n && (s[j] == '-' || s[j] == '+'))
			j++;
		else
			return false;
		if (j >= n || s[j] < '0' || s[j] > '9')
			return false;
		while (j < n && s[j] >= '0' && s[j] <= '9')
			j++;
	}
	return j == n;
}

static bool
word_in(const char *s, size_t n, const char *const *words)
{
	size_t i;

	for (i = 0; words[i] != NULL; i++)
		if (strlen(words[i]) == n && memcmp(words[i], s, n) == 0)
			return true;
	return false;
}

static const char *const true_words[] = {
	"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On",
	"ON", NULL
};
static const char *const false_words[] = {
	"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off",
	"OFF", NULL
};
static const char *const null_words[] = {
	"~", "null", "Null", "NULL", NULL
};

static bool
timestamp_like(const char *s, size_t n)
{
	/* yyyy-m(m)-d(d)...: enough to tell a date from a string here */
	return n >= 8 && all_digits(s, 4, 10) && s[4] == '-' &&
	    s[5] >= '0' && s[5] <= '9' && memchr(s + 6, '-', 2) != NULL;
}

static void
resolve_plain(struct mr_ynode *n)
{
	if (n->len == 0 || word_in(n->val, n->len, null_words))
		n->type = MR_YT_NULL;
	else if (word_in(n->val, n->len, true_words)) {
		n->type = MR_YT_BOOL;
		n->bval = true;
	} else if (word_in(n->val, n->len, false_words)) {
		n->type = MR_YT_BOOL;
		n->bval = false;
	} else if (resolve_int(n->val, n->len, &n->ival, &n->ibig))
		n->type = MR_YT_INT;
	else if (resolve_float(n->val, n->len))
		n->type = MR_YT_FLOAT;
	else if (n->len == 2 && memcmp(n->val, "<<", 2) == 0)
		n->type = MR_YT_MERGE;
	else if (timestamp_like(n->val, n->len))
		n->type = MR_YT_OTHER;
	else
		n->type = MR_YT_STR;
}

/* Resolves a scalar with an explicit tag. */
static void
resolve_tagged(struct mr_ynode *n)
{
	const char *t = n->tag;

	if (strncmp(t, TAG_PREFIX, strlen(TAG_PREFIX)) != 0) {
		n->type = strcmp(t, "!") == 0 ? MR_YT_STR : MR_YT_OTHER;
		return;
	}
	t += strlen(TAG_PREFIX);
	if (strcmp(t, "str") == 0)
		n->type = MR_YT_STR;
	else if (strcmp(t, "null") == 0)
		n->type = MR_YT_NULL;
	else if (strcmp(t, "bool") == 0) {
		n->type = MR_YT_BOOL;
		n->bval = word_in(n->val, n->len, true_words);
	} else if (strcmp(t, "int") == 0 &&
	    resolve_int(n->val, n->len, &n->ival, &n->ibig))
		n->type = MR_YT_INT;
	else if (strcmp(t, "float") == 0)
		n->type = MR_YT_FLOAT;
	else
		n->type = MR_YT_OTHER;
}

/* The type-tagged text that decides whether two scalars are equal (and
 * two keys duplicates). */
static void
make_canon(struct mr_ynode *n)
{
	struct mr_buf b = MR_BUF_INIT;
	double d;
	char *end;

	switch (n->type) {
	case MR_YT_NULL:
		mr_buf_addstr(&b, "n");
		break;
	case MR_YT_BOOL:
		mr_buf_addstr(&b, n->bval ? "b1" : "b0");
		break;
	case MR_YT_INT:
		if (n->ibig) {
			mr_buf_addstr(&b, "I");
			mr_buf_add(&b, n->val, n->len);
		} else
			mr_buf_printf(&b, "i%lld", n->ival);
		break;
	case MR_YT_FLOAT: {
		char tmp[128];
		size_t i, k = 0;

		/* strtod does not know underscores */
		for (i = 0; i < n->len && k + 1 < sizeof(tmp); i++)
			if (n->val[i] != '_')
				tmp[k++] = n->val[i];
		tmp[k] = '\0';
		errno = 0;
		d = strtod(tmp, &end);
		if (*end == '\0' && errno == 0 && strchr(tmp, ':') == NULL)
			mr_buf_printf(&b, "f%.17g", d);
		else {
			mr_buf_addstr(&b, "F");
			mr_buf_add(&b, n->val, n->len);
		}
		break;
	}
	case MR_YT_STR:
		mr_buf_addstr(&b, "s");
		mr_buf_add(&b, n->val, n->len);
		break;
	case MR_YT_MERGE:
		mr_buf_addstr(&b, "m");
		break;
	case MR_YT_OTHER:
		mr_buf_addstr(&b, "o");
		mr_buf_addstr(&b, n->tag ? n->tag : "");
		mr_buf_addch(&b, '\0');
		mr_buf_add(&b, n->val, n->len);
		break;
	}
	n->canonlen = b.len;
	n->canon = mr_buf_detach(&b);
}

/* ------------------------------------------------------------ anchors */

static size_t
hash(const char *s)
{
	size_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void
anchor_put(struct composer *c, struct mr_ynode *n)
{
	struct anchor *old = c->tab;
	size_t oldsize = c->tabsize, i, h;

	if ((c->tabused + 1) * 2 > c->tabsize) {
		c->tabsize = c->tabsize ? c->tabsize * 2 : 16;
		c->tab = mr_xcalloc(c->tabsize, sizeof(*c->tab));
		c->tabused = 0;
		for (i = 0; i < oldsize; i++)
			if (old[i].name != NULL) {
				h = hash(old[i].name) & (c->tabsize - 1);
				while (c->tab[h].name != NULL)
					h = (h + 1) & (c->tabsize - 1);
				c->tab[h] = old[i];
				c->tabused++;
			}
		free(old);
	}
	/* A later anchor of the same name replaces the earlier one. */
	h = hash(n->anchor) & (c->tabsize - 1);
	while (c->tab[h].name != NULL && strcmp(c->tab[h].name, n->anchor) != 0)
		h = (h + 1) & (c->tabsize - 1);
	if (c->tab[h].name == NULL)
		c->tabused++;
	c->tab[h].name = n->anchor;
	c->tab[h].node = n;
}

static struct mr_ynode *
anchor_get(struct composer *c, const char *name)
{
	size_t h;

	if (c->tabsize == 0)
		return NULL;
	h = hash(name) & (c->tabsize - 1);
	while (c->tab[h].name != NULL) {
		if (strcmp(c->tab[h].name, name) == 0)
			return c->tab[h].node;
		h = (h + 1) & (c->tabsize - 1);
	}
	return NULL;
}

/* --------------------------------------------------------- composing */

static struct mr_ynode *
new_node(struct composer *c, enum mr_ynode_kind kind, const yaml_mark_t *m)
{
	struct mr_ytree *t = c->t;
	struct mr_ynode *n;

	if (t->nnodes >= YT_MAX_NODES) {
		cerr(c, char2byte(c, m->index), "%s",
		    "too many YAML nodes");
		return NULL;
	}
	n = mr_xcalloc(1, sizeof(*n));
	n->kind = kind;
	n->start = char2byte(c, m->index);
	n->body = n->start;
	n->line = (int)m->line + 1;
	n->col = column_of(t, n->start);
	if (t->nnodes == t->anodes) {
		t->anodes = t->anodes ? t->anodes * 2 : 64;
		t->nodes = mr_xrealloc(t->nodes, t->anodes * sizeof(*t->nodes));
	}
	t->nodes[t->nnodes++] = n;
	return n;
}

static void
add_kid(struct mr_ynode *p, struct mr_ynode *k)
{
	if (p->nkids == p->akids) {
		p->akids = p->akids ? p->akids * 2 : 4;
		p->kids = mr_xrealloc(p->kids, p->akids * sizeof(*p->kids));
	}
	p->kids[p->nkids++] = k;
	k->parent = p;
}

static int
attach(struct composer *c, struct mr_ynode *n)
{
	if (c->depth == 0) {
		c->t->root = n;
		return 0;
	}
	add_kid(c->stack[c->depth - 1], n);
	return 0;
}

/*
 * Where a scalar's text starts after its "&anchor" and "!tag": libyaml
 * only gives the start of the properties.
 */
static size_t
skip_props(const struct mr_ytree *t, size_t p, size_t end)
{
	const char *s = t->text;

	while (p < end && (s[p] == '&' || s[p] == '!')) {
		while (p < end && s[p] != ' ' && s[p] != '\t' && s[p] != '\r' &&
		    s[p] != '\n')
			p++;
		for (;;) {
			while (p < end && (s[p] == ' ' || s[p] == '\t' ||
			    s[p] == '\r' || s[p] == '\n'))
				p++;
			if (p < end && s[p] == '#') {
				while (p < end && s[p] != '\n')
					p++;
				continue;
			}
			break;
		}
	}
	return p;
}

static const char *
kind_name(const struct mr_ynode *n)
{
	switch (n->kind) {
	case MR_YN_MAP:
		return "mapping";
	case MR_YN_SEQ:
		return "sequence";
	default:
		return "scalar";
	}
}

static int
keycmp(const void *a, const void *b)
{
	const struct mr_ynode *x = *(struct mr_ynode *const *)a;
	const struct mr_ynode *y = *(struct mr_ynode *const *)b;
	size_t n;
	int r;

	x = mr_ynode_deref(x);
	y = mr_ynode_deref(y);
	/* Collections as keys never equal anything but themselves; they
	 * sort after the scalars so that the order stays total. */
	if (x->canon == NULL || y->canon == NULL) {
		if (x->canon != NULL)
			return -1;
		if (y->canon != NULL)
			return 1;
		return x < y ? -1 : x > y;
	}
	n = x->canonlen < y->canonlen ? x->canonlen : y->canonlen;
	if ((r = memcmp(x->canon, y->canon, n)) != 0)
		return r;
	if (x->canonlen != y->canonlen)
		return x->canonlen < y->canonlen ? -1 : 1;
	return 0;
}

/* ruamel.yaml refuses duplicate keys, and so Hermes refuses the file. */
static int
check_duplicates(struct composer *c, struct mr_ynode *map)
{
	struct mr_ynode **keys, *k1, *k2;
	size_t nk = map->nkids / 2, i;

	if (nk < 2)
		return 0;
	keys = mr_xmalloc(nk * sizeof(*keys));
	for (i = 0; i < nk; i++)
		keys[i] = map->kids[2 * i];
	qsort(keys, nk, sizeof(*keys), keycmp);
	for (i = 1; i < nk; i++) {
		if (keycmp(&keys[i - 1], &keys[i]) != 0)
			continue;
		k1 = keys[i - 1]->start < keys[i]->start ? keys[i - 1] :
		    keys[i];
		k2 = k1 == keys[i] ? keys[i - 1] : keys[i];
		k1 = (struct mr_ynode *)mr_ynode_deref(k1);
		{
			char *what = mr_xasprintf("duplicate key \"%.*s\" "
			    "(first at line %d)",
			    (int)(k1->len > 60 ? 60 : k1->len),
			    k1->val ? k1->val : "", k1->line);

			cerr(c, k2->start, "%s", what);
			free(what);
		}
		free(keys);
		return -1;
	}
	free(keys);
	return 0;
}

static int
on_event(struct composer *c, yaml_event_t *e)
{
	struct mr_ytree *t = c->t;
	struct mr_ynode *n, *tg;

	switch (e->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++c->ndocs > 1) {
			cerr(c, char2byte(c, e->start_mark.index), "%s",
			    "more than one YAML document in the file");
			return -1;
		}
		return 0;
	case YAML_DOCUMENT_END_EVENT:
		if (!e->data.document_end.implicit)
			t->doc_end = char2byte(c, e->start_mark.index);
		return 0;
	case YAML_ALIAS_EVENT:
		if ((n = new_node(c, MR_YN_ALIAS, &e->start_mark)) == NULL)
			return -1;
		n->end = char2byte(c, e->end_mark.index);
		tg = anchor_get(c, (const char *)e->data.alias.anchor);
		if (tg == NULL) {
			cerr(c, n->start, "undefined alias *%s",
			    (const char *)e->data.alias.anchor);
			return -1;
		}
		n->target = tg;
		return attach(c, n);
	case YAML_SCALAR_EVENT:
		if ((n = new_node(c, MR_YN_SCALAR, &e->start_mark)) == NULL)
			return -1;
		n->end = char2byte(c, e->end_mark.index);
		n->style = e->data.scalar.style;
		n->val = mr_xstrndup((const char *)e->data.scalar.value,
		    e->data.scalar.length);
		n->len = e->data.scalar.length;
		if (e->data.scalar.anchor)
			n->anchor = mr_xstrdup((const char *)
			    e->data.scalar.anchor);
		if (e->data.scalar.tag)
			n->tag = mr_xstrdup((const char *)e->data.scalar.tag);
		if (n->anchor != NULL || n->tag != NULL)
			n->body = skip_props(t, n->start, n->end);
		if (n->tag != NULL && strcmp(n->tag, "!") != 0)
			resolve_tagged(n);
		else if (n->style == YAML_PLAIN_SCALAR_STYLE && n->tag == NULL)
			resolve_plain(n);
		else
			n->type = MR_YT_STR;
		make_canon(n);
		if (attach(c, n) < 0)
			return -1;
		if (n->anchor)
			anchor_put(c, n);
		return 0;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		n = new_node(c, e->type == YAML_MAPPING_START_EVENT ?
		    MR_YN_MAP : MR_YN_SEQ, &e->start_mark);
		if (n == NULL)
			return -1;
		if (e->type == YAML_MAPPING_START_EVENT) {
			n->flow = e->data.mapping_start.style ==
			    YAML_FLOW_MAPPING_STYLE;
			if (e->data.mapping_start.anchor)
				n->anchor = mr_xstrdup((const char *)
				    e->data.mapping_start.anchor);
			if (e->data.mapping_start.tag)
				n->tag = mr_xstrdup((const char *)
				    e->data.mapping_start.tag);
		} else {
			n->flow = e->data.sequence_start.style ==
			    YAML_FLOW_SEQUENCE_STYLE;
			if (e->data.sequence_start.anchor)
				n->anchor = mr_xstrdup((const char *)
				    e->data.sequence_start.anchor);
			if (e->data.sequence_start.tag)
				n->tag = mr_xstrdup((const char *)
				    e->data.sequence_start.tag);
		}
		/* The start event ends after "{" or "[", or at the first
		 * entry of a block collection. */
		n->body = char2byte(c, e->end_mark.index);
		if (n->flow && n->body > n->start)
			n->body--;
		if (n->anchor != NULL || n->tag != NULL) {
			n->line = line_of(t, n->body);
			n->col = column_of(t, n->body);
		}
		if (attach(c, n) < 0)
			return -1;
		if (c->depth >= YT_MAX_DEPTH) {
			cerr(c, n->start, "%s", "YAML nested too deeply");
			return -1;
		}
		c->stack[c->depth++] = n;
		return 0;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (c->depth == 0)
			return 0;
		n = c->stack[--c->depth];
		n->end = char2byte(c, e->end_mark.index);
		if (n->kind == MR_YN_MAP && check_duplicates(c, n) < 0)
			return -1;
		if (n->anchor)
			anchor_put(c, n);
		return 0;
	default:
		return 0;
	}
}

int
mr_ytree_parse(struct mr_ytree *t, const char *text, size_t len,
    struct mr_error *err)
{
	struct composer c;
	yaml_parser_t parser;
	yaml_event_t e;
	size_t i;
	int rc = 0, done = 0;

	memset(t, 0, sizeof(*t));
	t->text = text;
	t->len = len;
	t->doc_end = len;
	t->eol = "\n";
	t->step = 2;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		t->bom = 3;
	for (i = 0; i < len; i++)
		if (text[i] == '\n') {
			if (i > 0 && text[i - 1] == '\r')
				t->eol = "\r\n";
			break;
		}
	memset(&c, 0, sizeof(c));
	c.t = t;
	c.err = err;
	if (len > YT_MAX_BYTES) {
		mr_error_set(err, NULL, 0, 0, "file too large (%zu bytes)",
		    len);
		return -1;
	}
	if (!yaml_parser_initialize(&parser)) {
		mr_error_set(err, NULL, 0, 0, "out of memory");
		return -1;
	}
	/* Never guess UTF-16 from a BOM: Hermes's files are UTF-8. */
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text,
	    len);
	while (!done) {
		if (!yaml_parser_parse(&parser, &e)) {
			size_t at = parser.problem_mark.index;

			/* Reader errors carry a byte offset, the others a
			 * character index. */
			if (parser.error == YAML_READER_ERROR)
				at = parser.problem_offset;
			else
				at = char2byte(&c, at);
			cerr(&c, at, "%s", parser.problem ? parser.problem :
			    "invalid YAML");
			rc = -1;
			break;
		}
		done = e.type == YAML_STREAM_END_EVENT;
		if (on_event(&c, &e) < 0)
			rc = -1;
		yaml_event_delete(&e);
		if (rc < 0)
			break;
	}
	yaml_parser_delete(&parser);
	free(c.tab);
	if (rc < 0) {
		mr_ytree_free(t);
		return -1;
	}
	/* The indentation step: the most common distance from a key to the
	 * keys of its block mapping value. */
	{
		int votes[9] = { 0 }, best = 0, k;
		struct mr_ynode *n, *p;
		size_t j;

		for (i = 0; i < t->nnodes; i++) {
			n = t->nodes[i];
			p = n->parent;
			if (n->kind != MR_YN_MAP || n->flow || p == NULL ||
			    p->kind != MR_YN_MAP || p->flow)
				continue;
			for (j = 1; j < p->nkids; j += 2)
				if (p->kids[j] == n) {
					k = n->col - p->kids[j - 1]->col;
					if (k > 0 && k < 9)
						votes[k]++;
				}
		}
		for (k = 1; k < 9; k++)
			if (votes[k] > votes[best])
				best = k;
		if (best > 0)
			t->step = best;
	}
	return 0;
}

void
mr_ytree_free(struct mr_ytree *t)
{
	size_t i;
	struct mr_ynode *n;

	for (i = 0; i < t->nnodes; i++) {
		n = t->nodes[i];
		free(n->anchor);
		free(n->tag);
		free(n->val);
		free(n->canon);
		free(n->kids);
		free(n);
	}
	free(t->nodes);
	t->nodes = NULL;
	t->nnodes = t->anodes = 0;
	t->root = NULL;
}

const struct mr_ynode *
mr_ynode_deref(const struct mr_ynode *n)
{
	while (n != NULL && n->kind == MR_YN_ALIAS)
		n = n->target;
	return n;
}

bool
mr_ynode_is_null(const struct mr_ynode *n)
{
	n = mr_ynode_deref(n);
	return n != NULL && n->kind == MR_YN_SCALAR && n->type == MR_YT_NULL;
}

/* Merge keys can nest and repeat; BUDGET bounds the search so that a
 * hostile file cannot make a lookup exponential. */
static const struct mr_ynode *
get_depth(const struct mr_ynode *map, const char *key, size_t klen,
    int depth, int *budget)
{
	const struct mr_ynode *k, *v, *r;
	size_t i, j;

	map = mr_ynode_deref(map);
	if (map == NULL || map->kind != MR_YN_MAP || depth > 16 ||
	    --*budget < 0)
		return NULL;
	for (i = 0; i + 1 < map->nkids; i += 2) {
		k = mr_ynode_deref(map->kids[i]);
		if (k->kind == MR_YN_SCALAR && k->type == MR_YT_STR &&
		    k->len == klen && memcmp(k->val, key, klen) == 0)
			return map->kids[i + 1];
	}
	/* Merge keys fill in what the mapping does not have itself; in a
	 * list of merged mappings the first one wins. */
	for (i = 0; i + 1 < map->nkids; i += 2) {
		k = mr_ynode_deref(map->kids[i]);
		if (k->kind != MR_YN_SCALAR || k->type != MR_YT_MERGE)
			continue;
		v = mr_ynode_deref(map->kids[i + 1]);
		if (v->kind == MR_YN_MAP) {
			if ((r = get_depth(v, key, klen, depth + 1, budget)) !=
			    NULL)
				return r;
		} else if (v->kind == MR_YN_SEQ) {
			for (j = 0; j < v->nkids && *budget > 0; j++)
				if ((r = get_depth(v->kids[j], key, klen,
				    depth + 1, budget)) != NULL)
					return r;
		}
	}
	return NULL;
}

const struct mr_ynode *
mr_ynode_get(const struct mr_ynode *map, const char *key)
{
	int budget = 4096;

	return get_depth(map, key, strlen(key), 0, &budget);
}

const char *
mr_ynode_kind_name(const struct mr_ynode *n)
{
	return kind_name(mr_ynode_deref(n));
}
