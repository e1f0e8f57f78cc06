/*
 * The byte-preserving YAML editor.
 *
 * An edit is a handful of splices (delete some bytes, insert some text) at
 * offsets taken from the node tree, so every byte outside the changed
 * nodes stays as it was.  New text follows the file: its line ending, the
 * indentation of the mapping it goes into, its indentation step for new
 * mappings.  New strings are always double-quoted so that ids such as
 * "no", "1e5" or "@openai/gpt-4o" stay strings.
 *
 * Splicing text is easy to get subtly wrong (a comment that swallows a
 * value, an indentation that re-parents a key), so every result is parsed
 * again and its whole value tree compared with the original's: the edited
 * path must hold exactly the new value and everything else must be equal.
 * A failed check refuses the edit; a wrong file is never returned.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "mr/hermes.h"

#define VERIFY_BUDGET	4000000	/* node comparisons, alias expansion counted */

enum op {
	OP_SET,
	OP_DEL,
	OP_DELITEM
};

struct edit {
	enum op			 op;
	const char *const	*path;
	size_t			 depth;
	const struct mr_yvalue	*v;
	size_t			 index;
};

struct splice {
	size_t	 at;
	size_t	 del;
	char	*ins;
};

struct plan {
	struct splice	 sp[3];
	size_t		 n;
};

static void
plan_add(struct plan *p, size_t at, size_t del, char *ins)
{
	p->sp[p->n].at = at;
	p->sp[p->n].del = del;
	p->sp[p->n].ins = ins;
	p->n++;
}

static void
plan_free(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->sp[i].ins);
	p->n = 0;
}

static int
splicecmp(const void *a, const void *b)
{
	const struct splice *x = a, *y = b;

	return x->at < y->at ? -1 : x->at > y->at;
}

static void
plan_apply(struct plan *p, const char *text, size_t len, struct mr_buf *out)
{
	size_t i, pos = 0;

	qsort(p->sp, p->n, sizeof(p->sp[0]), splicecmp);
	mr_buf_reset(out);
	for (i = 0; i < p->n; i++) {
		mr_buf_add(out, text + pos, p->sp[i].at - pos);
		if (p->sp[i].ins)
			mr_buf_addstr(out, p->sp[i].ins);
		pos = p->sp[i].at + p->sp[i].del;
	}
	mr_buf_add(out, text + pos, len - pos);
}

static void
set_file(struct mr_error *err)
{
	if (err != NULL && err->file == NULL && err->line > 0)
		err->file = mr_xstrdup("config.yaml");
}

/* ------------------------------------------------------ text geometry */

static size_t
line_start(const struct mr_ytree *t, size_t p)
{
	while (p > 0 && t->text[p - 1] != '\n')
		p--;
	return p == 0 ? t->bom : p;
}

/* The start of the line after the one holding P (P itself when it is at
 * a line start already), or the end of the text. */
static size_t
line_after(const struct mr_ytree *t, size_t p)
{
	const char *nl;

	if (p > 0 && p <= t->len && t->text[p - 1] == '\n')
		return p;
	if (p >= t->len)
		return t->len;
	nl = memchr(t->text + p, '\n', t->len - p);
	return nl ? (size_t)(nl - t->text) + 1 : t->len;
}

static bool
only_blanks_before(const struct mr_ytree *t, size_t p)
{
	size_t s = line_start(t, p);

	for (; s < p; s++)
		if (t->text[s] != ' ' && t->text[s] != '\t')
			return false;
	return true;
}

static bool
is_block_scalar(const struct mr_ynode *n)
{
	return n->kind == MR_YN_SCALAR &&
	    (n->style == YAML_LITERAL_SCALAR_STYLE ||
	    n->style == YAML_FOLDED_SCALAR_STYLE);
}

/* Where a node's own text ends: block scalars without their trailing
 * blank lines, block collections at the end of their last entry. */
static size_t
text_end(const struct mr_ytree *t, const struct mr_ynode *n)
{
	size_t e;

	if (n->kind == MR_YN_SCALAR && is_block_scalar(n)) {
		e = n->end;
		while (e > n->body && (t->text[e - 1] == '\n' ||
		    t->text[e - 1] == '\r' || t->text[e - 1] == ' ' ||
		    t->text[e - 1] == '\t'))
			e--;
		return e;
	}
	if ((n->kind == MR_YN_MAP || n->kind == MR_YN_SEQ) && !n->flow &&
	    n->nkids > 0)
		return text_end(t, n->kids[n->nkids - 1]);
	return n->end;
}

/* Where the lines of an entry whose value is N end: after the line break
 * of its last line.  A kept block scalar ("|+") owns its trailing blank
 * lines, so those stay with it. */
static size_t
entry_end(const struct mr_ytree *t, const struct mr_ynode *n)
{
	size_t i;

	if ((n->kind == MR_YN_MAP || n->kind == MR_YN_SEQ) && !n->flow &&
	    n->nkids > 0)
		return entry_end(t, n->kids[n->nkids - 1]);
	if (is_block_scalar(n)) {
		for (i = n->body + 1; i < n->end && t->text[i] != '\n' &&
		    t->text[i] != '#'; i++)
			if (t->text[i] == '+')
				return line_after(t, n->end);
	}
	return line_after(t, text_end(t, n));
}

/* The ':' between a key and its value. */
static size_t
colon_of(const struct mr_ytree *t, const struct mr_ynode *k,
    const struct mr_ynode *v)
{
	size_t p, lim = v->start > k->end ? v->start : k->end;

	for (p = k->end; p < lim && p < t->len; p++)
		if (t->text[p] == ':')
			return p;
	if (lim < t->len && t->text[lim] == ':')
		return lim;
	return SIZE_MAX;
}

/* Index in PARENT's kids of N, or SIZE_MAX. */
static size_t
kid_index(const struct mr_ynode *parent, const struct mr_ynode *n)
{
	size_t i;

	for (i = 0; parent != NULL && i < parent->nkids; i++)
		if (parent->kids[i] == n)
			return i;
	return SIZE_MAX;
}

/* ---------------------------------------------------------- rendering */

static int
utf8_len(const unsigned char *s, size_t n, uint32_t *cp)
{
	int k, i;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		k = 2;
		c = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		k = 3;
		c = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		k = 4;
		c = s[0] & 0x07;
	} else
		return -1;
	if ((size_t)k > n)
		return -1;
	for (i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((k == 2 && c < 0x80) || (k == 3 && c < 0x800) ||
	    (k == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return -1;
	*cp = c;
	return k;
}

/* True when S is valid UTF-8 without NUL. */
static bool
valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	uint32_t cp;
	int k;

	while (n > 0) {
		if ((k = utf8_len(p, n, &cp)) < 0)
			return false;
		p += k;
		n -= (size_t)k;
	}
	return true;
}

/* A YAML double-quoted scalar: escapes for what YAML would not keep
 * verbatim (controls, line separators, BOM), unicode otherwise as is. */
static void
add_quoted(struct mr_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	uint32_t cp;
	int k;

	mr_buf_addch(b, '"');
	while (n > 0) {
		k = utf8_len(p, n, &cp);
		if (k < 0) {	/* checked before; keep going safely */
			mr_buf_printf(b, "\\x%02x", p[0]);
			p++;
			n--;
			continue;
		}
		if (cp == '"')
			mr_buf_addstr(b, "\\\"");
		else if (cp == '\\')
			mr_buf_addstr(b, "\\\\");
		else if (cp == '\n')
			mr_buf_addstr(b, "\\n");
		else if (cp == '\t')
			mr_buf_addstr(b, "\\t");
		else if (cp == '\r')
			mr_buf_addstr(b, "\\r");
		else if (cp < 0x20 || cp == 0x7f)
			mr_buf_printf(b, "\\x%02x", (unsigned)cp);
		else if ((cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 ||
		    cp == 0x2029 || cp == 0xfeff || cp == 0xfffe ||
		    cp == 0xffff)
			mr_buf_printf(b, "\\u%04x", (unsigned)cp);
		else
			mr_buf_add(b, p, (size_t)k);
		p += k;
		n -= (size_t)k;
	}
	mr_buf_addch(b, '"');
}

/* Keys are written plain when YAML 1.1 reads them back as the same
 * string, else double-quoted. */
static void
add_key(struct mr_buf *b, const char *k)
{
	static const char *const words[] = {
		"y", "yes", "n", "no", "true", "false", "on", "off", "null",
		NULL
	};
	const char *p;
	size_t i;
	bool plain = (k[0] >= 'a' && k[0] <= 'z') || (k[0] >= 'A' &&
	    k[0] <= 'Z') || k[0] == '_';

	for (p = k; plain && *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' ||
		    *p == '.' || *p == '/'))
			plain = false;
	for (i = 0; plain && words[i] != NULL; i++)
		if (strcasecmp(k, words[i]) == 0)
			plain = false;
	if (plain)
		mr_buf_addstr(b, k);
	else
		add_quoted(b, k);
}

static void
add_scalar(struct mr_buf *b, const struct mr_yvalue *v)
{
	switch (v->type) {
	case MR_YVAL_STR:
		add_quoted(b, v->s);
		break;
	case MR_YVAL_INT:
		mr_buf_printf(b, "%lld", v->i);
		break;
	case MR_YVAL_BOOL:
		mr_buf_addstr(b, v->b ? "true" : "false");
		break;
	case MR_YVAL_MAP:
		break;
	}
}

static void
add_flow(struct mr_buf *b, const struct mr_yvalue *v)
{
	size_t i;

	if (v->type != MR_YVAL_MAP) {
		add_scalar(b, v);
		return;
	}
	mr_buf_addch(b, '{');
	for (i = 0; i < v->n; i++) {
		if (i > 0)
			mr_buf_addstr(b, ", ");
		add_key(b, v->keys[i]);
		mr_buf_addstr(b, ": ");
		add_flow(b, &v->vals[i]);
	}
	mr_buf_addch(b, '}');
}

/* The keys PATH[0..n) nested, then V, in flow style. */
static void
add_flow_chain(struct mr_buf *b, const char *const *path, size_t n,
    const struct mr_yvalue *v)
{
	size_t i;

	for (i = 0; i < n; i++) {
		add_key(b, path[i]);
		mr_buf_addstr(b, i + 1 < n ? ": {" : ": ");
	}
	add_flow(b, v);
	for (i = 1; i < n; i++)
		mr_buf_addch(b, '}');
}

static void
add_indent(struct mr_buf *b, size_t n)
{
	while (n-- > 0)
		mr_buf_addch(b, ' ');
}

static void add_block_value(struct mr_buf *, const struct mr_yvalue *,
	    size_t, const struct mr_ytree *);

/* The entries of mapping V, one a line at INDENT. */
static void
add_block_entries(struct mr_buf *b, const struct mr_yvalue *v, size_t indent,
    const struct mr_ytree *t)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		add_indent(b, indent);
		add_key(b, v->keys[i]);
		mr_buf_addch(b, ':');
		add_block_value(b, &v->vals[i], indent + (size_t)t->step, t);
	}
}

/* After "key:", V as a block value: " scalar" EOL, or EOL then entries. */
static void
add_block_value(struct mr_buf *b, const struct mr_yvalue *v, size_t indent,
    const struct mr_ytree *t)
{
	if (v->type != MR_YVAL_MAP) {
		mr_buf_addch(b, ' ');
		add_scalar(b, v);
		mr_buf_addstr(b, t->eol);
	} else if (v->n == 0) {
		mr_buf_addstr(b, " {}");
		mr_buf_addstr(b, t->eol);
	} else {
		mr_buf_addstr(b, t->eol);
		add_block_entries(b, v, indent, t);
	}
}

/* Lines for the keys PATH[0..n) nested from INDENT, then V. */
static void
add_block_chain(struct mr_buf *b, const char *const *path, size_t n,
    const struct mr_yvalue *v, size_t indent, const struct mr_ytree *t)
{
	size_t i;

	for (i = 0; i < n; i++) {
		add_indent(b, indent + i * (size_t)t->step);
		add_key(b, path[i]);
		mr_buf_addch(b, ':');
		if (i + 1 < n)
			mr_buf_addstr(b, t->eol);
	}
	add_block_value(b, v, indent + n * (size_t)t->step, t);
}

/* -------------------------------------------------------------- walk */

/* Index of the key KEY in MAP's kids, or SIZE_MAX. */
static size_t
find_key(const struct mr_ynode *map, const char *key)
{
	const struct mr_ynode *k;
	size_t i, n = strlen(key);

	for (i = 0; i + 1 < map->nkids; i += 2) {
		k = mr_ynode_deref(map->kids[i]);
		if (k->kind == MR_YN_SCALAR && k->type == MR_YT_STR &&
		    k->len == n && memcmp(k->val, key, n) == 0)
			return i;
	}
	return SIZE_MAX;
}

/* "[N]" in a path: item N of a sequence. */
static bool
item_index(const char *s, size_t *idx)
{
	size_t i, n = 0;

	if (s[0] != '[')
		return false;
	for (i = 1; s[i] >= '0' && s[i] <= '9' && i < 8; i++)
		n = n * 10 + (size_t)(s[i] - '0');
	if (i == 1 || s[i] != ']' || s[i + 1] != '\0')
		return false;
	*idx = n;
	return true;
}

/* New keys never look like sequence items. */
static int
check_new_keys(const char *const *path, size_t from, size_t depth,
    struct mr_error *err)
{
	size_t i, idx;

	for (i = from; i < depth; i++)
		if (item_index(path[i], &idx)) {
			mr_error_set(err, NULL, 0, 0,
			    "%s: no such sequence item", path[i]);
			return -1;
		}
	return 0;
}

static char *
dotted(const char *const *path, size_t n)
{
	struct mr_buf b = MR_BUF_INIT;
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			mr_buf_addch(&b, '.');
		mr_buf_addstr(&b, path[i]);
	}
	return mr_buf_detach(&b);
}

static void
path_error(struct mr_error *err, const struct mr_ynode *n,
    const char *const *path, size_t n_path, const char *what)
{
	char *d = dotted(path, n_path);

	mr_error_set(err, "config.yaml", n ? n->line : 0, n ? n->col : 0,
	    "%s %s", d, what);
	free(d);
}

static bool
is_root_empty(const struct mr_ytree *t)
{
	return t->root == NULL || (t->root->kind == MR_YN_SCALAR &&
	    t->root->type == MR_YT_NULL);
}

static int
check_root(const struct mr_ytree *t, struct mr_error *err)
{
	if (is_root_empty(t) || t->root->kind == MR_YN_MAP)
		return 0;
	mr_error_set(err, "config.yaml", t->root->line, t->root->col,
	    "the top level is a %s, not a mapping",
	    mr_ynode_kind_name(t->root));
	return -1;
}

/* Text to append at the end: a line break first when the last line has
 * none. */
static void
add_eol_if_needed(struct mr_buf *b, const struct mr_ytree *t, size_t at)
{
	if (at == t->len && t->len > t->bom && t->text[t->len - 1] != '\n')
		mr_buf_addstr(b, t->eol);
}

/* Adds the chain PATH[0..n) = V to mapping M (which lacks PATH[0]). */
static int
plan_insert(struct plan *p, const struct mr_ytree *t, const struct mr_ynode *m,
    const char *const *path, size_t n, const struct mr_yvalue *v,
    struct mr_error *err)
{
	struct mr_buf b = MR_BUF_INIT;
	const struct mr_ynode *last;
	size_t at;

	if (m->flow) {
		if (m->nkids >= 2) {
			last = m->kids[m->nkids - 1];
			at = last->end;
			mr_buf_addstr(&b, ", ");
		} else
			at = m->body + 1;
		add_flow_chain(&b, path, n, v);
		plan_add(p, at, 0, mr_buf_detach(&b));
		return 0;
	}
	if (m->nkids < 2) {
		mr_error_set(err, "config.yaml", m->line, m->col,
		    "cannot add to an empty block mapping");
		return -1;
	}
	at = entry_end(t, m->kids[m->nkids - 1]);
	add_eol_if_needed(&b, t, at);
	add_block_chain(&b, path, n, v, (size_t)m->kids[0]->col - 1, t);
	plan_add(p, at, 0, mr_buf_detach(&b));
	return 0;
}

/* Adds the chain to an empty document. */
static void
plan_insert_root(struct plan *p, const struct mr_ytree *t,
    const char *const *path, size_t n, const struct mr_yvalue *v)
{
	struct mr_buf b = MR_BUF_INIT;
	const struct mr_ynode *r = t->root;
	size_t at;

	if (r != NULL && (r->len > 0 || r->anchor || r->tag)) {
		/* "~" or "null": the chain takes its place */
		add_block_chain(&b, path, n, v, 0, t);
		b.len -= strlen(t->eol);
		b.buf[b.len] = '\0';
		plan_add(p, r->start, r->end - r->start, mr_buf_detach(&b));
		return;
	}
	/* before an explicit "..." so that the content stays in the
	 * document; else at the end */
	at = t->doc_end < t->len ? line_start(t, t->doc_end) : t->len;
	add_eol_if_needed(&b, t, at);
	add_block_chain(&b, path, n, v, 0, t);
	plan_add(p, at, 0, mr_buf_detach(&b));
}

/*
 * Replaces the value VAL of key KEY (in mapping PARENT) by the chain
 * PATH[0..n) = V, n == 0 meaning V itself.
 */
static int
plan_replace(struct plan *p, const struct mr_ytree *t,
    const struct mr_ynode *parent, const struct mr_ynode *key,
    const struct mr_ynode *val, const char *const *path, size_t n,
    const struct mr_yvalue *v, struct mr_error *err)
{
	struct mr_buf b = MR_BUF_INIT;
	size_t colon, e, at;
	bool empty = val->kind == MR_YN_SCALAR && val->len == 0 &&
	    val->style == YAML_PLAIN_SCALAR_STYLE && !val->anchor && !val->tag;

	if (parent->flow) {
		if (empty) {
			colon = val->start;
			while (colon > key->end && (t->text[colon - 1] == ' ' ||
			    t->text[colon - 1] == '\t'))
				colon--;
			if (colon == 0 || t->text[colon - 1] != ':')
				mr_buf_addstr(&b, ": ");
			else if (colon == val->start)
				mr_buf_addch(&b, ' ');
		}
		if (n > 0) {
			mr_buf_addch(&b, '{');
			add_flow_chain(&b, path, n, v);
			mr_buf_addch(&b, '}');
		} else
			add_flow(&b, v);
		plan_add(p, val->start, val->end - val->start,
		    mr_buf_detach(&b));
		return 0;
	}
	/* A scalar for a scalar, in place, keeping an anchor. */
	if (n == 0 && v->type != MR_YVAL_MAP && (val->kind == MR_YN_SCALAR ||
	    val->kind == MR_YN_ALIAS)) {
		if (empty) {
			if (val->start > 0 && t->text[val->start - 1] == ':')
				mr_buf_addch(&b, ' ');
			add_scalar(&b, v);
			plan_add(p, val->start, 0, mr_buf_detach(&b));
			return 0;
		}
		if (val->anchor)
			mr_buf_printf(&b, "&%s ", val->anchor);
		add_scalar(&b, v);
		e = text_end(t, val);
		plan_add(p, val->start, e - val->start, mr_buf_detach(&b));
		return 0;
	}
	colon = colon_of(t, key, val);
	if (colon == SIZE_MAX) {
		mr_error_set(err, "config.yaml", key->line, key->col,
		    "cannot find the ':' of this key");
		return -1;
	}
	e = empty ? colon + 1 : text_end(t, val);
	if (n == 0 && v->type != MR_YVAL_MAP) {
		/* a collection becomes a scalar on the key's line */
		mr_buf_addch(&b, ' ');
		add_scalar(&b, v);
		plan_add(p, colon + 1, e - (colon + 1), mr_buf_detach(&b));
		return 0;
	}
	if (n == 0 && v->n == 0) {
		mr_buf_addstr(&b, " {}");
		plan_add(p, colon + 1, e - (colon + 1), mr_buf_detach(&b));
		return 0;
	}
	/* A mapping: the old value goes, its line (and any comment on it)
	 * stays, the entries follow on new lines. */
	if (e > colon + 1)
		plan_add(p, colon + 1, e - (colon + 1), NULL);
	at = line_after(t, e);
	add_eol_if_needed(&b, t, at);
	if (n > 0)
		add_block_chain(&b, path, n, v, (size_t)key->col - 1 +
		    (size_t)t->step, t);
	else
		add_block_entries(&b, v, (size_t)key->col - 1 +
		    (size_t)t->step, t);
	plan_add(p, at, 0, mr_buf_detach(&b));
	return 0;
}

/* ------------------------------------------------------ verification */

struct vctx {
	const struct edit	*e;
	long			 budget;
	int			 depth;	/* recursion, aliases followed */
	struct pair {
		const struct mr_ynode	*a;
		const struct mr_ynode	*b;
	}			*memo;	/* anchored nodes found equal */
	size_t			 memosize;
	size_t			 memoused;
	struct mr_buf		 where;
	char			*problem;
};

static struct mr_ynode empty_map = { .kind = MR_YN_MAP };

static bool
charge(struct vctx *c)
{
	if (--c->budget > 0)
		return true;
	if (c->problem == NULL)
		c->problem = mr_xstrdup("the file is too complex to check the "
		    "edit (too many aliases)");
	return false;
}

static bool
canon_eq(const struct mr_ynode *a, const struct mr_ynode *b)
{
	return a->canonlen == b->canonlen && a->canon != NULL &&
	    b->canon != NULL && memcmp(a->canon, b->canon, a->canonlen) == 0;
}

static bool
keys_eq(const struct mr_ynode *a, const struct mr_ynode *b)
{
	a = mr_ynode_deref(a);
	b = mr_ynode_deref(b);
	if (a->kind == MR_YN_SCALAR && b->kind == MR_YN_SCALAR)
		return canon_eq(a, b);
	return false;	/* collections as keys: compared by position */
}

/* The value index of the key equal to K in M, trying HINT first. */
static size_t
lookup(const struct mr_ynode *m, const struct mr_ynode *k, size_t hint)
{
	size_t i;

	if (hint + 1 < m->nkids && keys_eq(m->kids[hint], k))
		return hint + 1;
	for (i = 0; i + 1 < m->nkids; i += 2)
		if (keys_eq(m->kids[i], k))
			return i + 1;
	return SIZE_MAX;
}

static void
problem(struct vctx *c, const char *what)
{
	if (c->problem != NULL)
		return;
	if (c->where.len > 0)
		c->problem = mr_xasprintf("the edit would also change %s (%s)",
		    c->where.buf, what);
	else
		c->problem = mr_xasprintf("the edit would also change the "
		    "top level (%s)", what);
}

static size_t
where_push(struct vctx *c, const struct mr_ynode *k)
{
	size_t old = c->where.len;

	k = mr_ynode_deref(k);
	if (old > 0)
		mr_buf_addch(&c->where, '.');
	if (k->kind == MR_YN_SCALAR)
		mr_buf_add(&c->where, k->val, k->len > 80 ? 80 : k->len);
	else
		mr_buf_addstr(&c->where, "?");
	return old;
}

static void
where_pop(struct vctx *c, size_t old)
{
	c->where.len = old;
	c->where.buf[old] = '\0';
}

static bool same(struct vctx *, const struct mr_ynode *,
	    const struct mr_ynode *);
static bool cmp(struct vctx *, const struct mr_ynode *,
	    const struct mr_ynode *, size_t, bool);

/* Chains of aliases can nest far deeper than the text does. */
static bool
enter(struct vctx *c)
{
	if (c->depth >= 200) {
		if (c->problem == NULL)
			c->problem = mr_xstrdup("the file nests too deeply "
			    "through aliases to check the edit");
		return false;
	}
	c->depth++;
	return true;
}

static bool
same_map(struct vctx *c, const struct mr_ynode *a, const struct mr_ynode *b)
{
	size_t i, j, w;

	if (a->nkids != b->nkids) {
		problem(c, "entries added or removed");
		return false;
	}
	for (i = 0; i + 1 < a->nkids; i += 2) {
		if ((j = lookup(b, a->kids[i], i)) == SIZE_MAX) {
			w = where_push(c, a->kids[i]);
			problem(c, "removed");
			where_pop(c, w);
			return false;
		}
		w = where_push(c, a->kids[i]);
		if (!same(c, a->kids[i + 1], b->kids[j]))
			return false;
		where_pop(c, w);
	}
	return true;
}

static bool same_in(struct vctx *, const struct mr_ynode *,
	    const struct mr_ynode *);

static size_t
pair_hash(const struct mr_ynode *a, const struct mr_ynode *b)
{
	return ((uintptr_t)a >> 4) * 31 + ((uintptr_t)b >> 4);
}

static bool
memo_has(const struct vctx *c, const struct mr_ynode *a,
    const struct mr_ynode *b)
{
	size_t h;

	if (c->memosize == 0)
		return false;
	for (h = pair_hash(a, b) & (c->memosize - 1); c->memo[h].a != NULL;
	    h = (h + 1) & (c->memosize - 1))
		if (c->memo[h].a == a && c->memo[h].b == b)
			return true;
	return false;
}

static void
memo_put(struct vctx *c, const struct mr_ynode *a, const struct mr_ynode *b)
{
	struct pair *old = c->memo;
	size_t oldsize = c->memosize, i, h;

	if ((c->memoused + 1) * 2 > c->memosize) {
		c->memosize = c->memosize ? c->memosize * 2 : 64;
		c->memo = mr_xcalloc(c->memosize, sizeof(*c->memo));
		c->memoused = 0;
		for (i = 0; i < oldsize; i++)
			if (old[i].a != NULL)
				memo_put(c, old[i].a, old[i].b);
		free(old);
	}
	for (h = pair_hash(a, b) & (c->memosize - 1); c->memo[h].a != NULL;
	    h = (h + 1) & (c->memosize - 1))
		;
	c->memo[h].a = a;
	c->memo[h].b = b;
	c->memoused++;
}

/*
 * Deep equality.  An anchored node is compared once: aliases to it meet
 * the memo, so that alias bombs cost what their text costs.
 */
static bool
same(struct vctx *c, const struct mr_ynode *a, const struct mr_ynode *b)
{
	bool r;

	a = mr_ynode_deref(a);
	b = mr_ynode_deref(b);
	if (a->anchor != NULL && b->anchor != NULL && memo_has(c, a, b))
		return true;
	if (!enter(c))
		return false;
	r = same_in(c, a, b);
	c->depth--;
	if (r && a->anchor != NULL && b->anchor != NULL)
		memo_put(c, a, b);
	return r;
}

static bool
same_in(struct vctx *c, const struct mr_ynode *a, const struct mr_ynode *b)
{
	size_t i;

	if (!charge(c))
		return false;
	a = mr_ynode_deref(a);
	b = mr_ynode_deref(b);
	if (a->kind != b->kind) {
		problem(c, "its kind changed");
		return false;
	}
	switch (a->kind) {
	case MR_YN_SCALAR:
		if (!canon_eq(a, b)) {
			problem(c, "its value changed");
			return false;
		}
		return true;
	case MR_YN_SEQ:
		if (a->nkids != b->nkids) {
			problem(c, "items added or removed");
			return false;
		}
		for (i = 0; i < a->nkids; i++)
			if (!same(c, a->kids[i], b->kids[i]))
				return false;
		return true;
	case MR_YN_MAP:
		return same_map(c, a, b);
	default:
		return false;
	}
}

static bool
key_is(const struct mr_ynode *k, const char *s)
{
	k = mr_ynode_deref(k);
	return k->kind == MR_YN_SCALAR && k->type == MR_YT_STR &&
	    k->len == strlen(s) && memcmp(k->val, s, k->len) == 0;
}

/* Does N hold exactly V? */
static bool
holds(const struct mr_ynode *n, const struct mr_yvalue *v)
{
	size_t i, j;

	n = mr_ynode_deref(n);
	switch (v->type) {
	case MR_YVAL_STR:
		return n->kind == MR_YN_SCALAR && n->type == MR_YT_STR &&
		    n->len == strlen(v->s) && memcmp(n->val, v->s, n->len) == 0;
	case MR_YVAL_INT:
		return n->kind == MR_YN_SCALAR && n->type == MR_YT_INT &&
		    !n->ibig && n->ival == v->i;
	case MR_YVAL_BOOL:
		return n->kind == MR_YN_SCALAR && n->type == MR_YT_BOOL &&
		    n->bval == v->b;
	case MR_YVAL_MAP:
		if (n->kind != MR_YN_MAP || n->nkids != 2 * v->n)
			return false;
		for (i = 0; i < v->n; i++) {
			for (j = 0; j + 1 < n->nkids; j += 2)
				if (key_is(n->kids[j], v->keys[i]))
					break;
			if (j + 1 >= n->nkids ||
			    !holds(n->kids[j + 1], &v->vals[i]))
				return false;
		}
		return true;
	}
	return false;
}

/* A mapping created for the path from LEVEL down: one key a level. */
static bool
created(const struct edit *e, const struct mr_ynode *n, size_t level)
{
	n = mr_ynode_deref(n);
	if (level == e->depth)
		return holds(n, e->v);
	return n->kind == MR_YN_MAP && n->nkids == 2 &&
	    key_is(n->kids[0], e->path[level]) &&
	    created(e, n->kids[1], level + 1);
}

static bool cmp_in(struct vctx *, const struct mr_ynode *,
	    const struct mr_ynode *, size_t, bool);

static bool
cmp(struct vctx *c, const struct mr_ynode *a, const struct mr_ynode *b,
    size_t level, bool onpath)
{
	bool r;

	if (!enter(c))
		return false;
	r = cmp_in(c, a, b, level, onpath);
	c->depth--;
	return r;
}

static bool
cmp_in(struct vctx *c, const struct mr_ynode *a, const struct mr_ynode *b,
    size_t level, bool onpath)
{
	const struct edit *e = c->e;
	size_t i, j, w, matched = 0;
	bool kon;

	if (!charge(c))
		return false;
	if (!onpath)
		return same(c, a, b);
	a = mr_ynode_deref(a);
	b = mr_ynode_deref(b);
	if (level == e->depth) {
		if (e->op == OP_SET) {
			if (!holds(b, e->v)) {
				problem(c, "it does not hold the new value");
				return false;
			}
			return true;
		}
		if (e->op == OP_DEL) {
			problem(c, "it is still there");
			return false;
		}
		/* OP_DELITEM */
		if (a->kind != MR_YN_SEQ || b->kind != MR_YN_SEQ ||
		    b->nkids + 1 != a->nkids) {
			problem(c, "the item was not removed");
			return false;
		}
		for (i = j = 0; i < a->nkids; i++) {
			if (i == e->index)
				continue;
			if (!same(c, a->kids[i], b->kids[j++]))
				return false;
		}
		return true;
	}
	if (e->op == OP_SET && mr_ynode_is_null(a) && b->kind == MR_YN_MAP) {
		if (!created(e, b, level)) {
			problem(c, "it is not the new mapping");
			return false;
		}
		return true;
	}
	if (a->kind == MR_YN_SEQ && b->kind == MR_YN_SEQ &&
	    item_index(e->path[level], &j)) {
		if (a->nkids != b->nkids) {
			problem(c, "items added or removed");
			return false;
		}
		for (i = 0; i < a->nkids; i++) {
			w = c->where.len;
			mr_buf_printf(&c->where, "[%zu]", i);
			if (!cmp(c, a->kids[i], b->kids[i], level + 1, i == j))
				return false;
			where_pop(c, w);
		}
		return true;
	}
	if (a->kind != MR_YN_MAP || b->kind != MR_YN_MAP) {
		problem(c, "its kind changed");
		return false;
	}
	for (i = 0; i + 1 < a->nkids; i += 2) {
		kon = key_is(a->kids[i], e->path[level]);
		w = where_push(c, a->kids[i]);
		j = lookup(b, a->kids[i], i);
		if (j == SIZE_MAX) {
			if (!(kon && e->op == OP_DEL &&
			    level + 1 == e->depth)) {
				problem(c, "removed");
				return false;
			}
		} else {
			matched++;
			if (!cmp(c, a->kids[i + 1], b->kids[j], level + 1, kon))
				return false;
		}
		where_pop(c, w);
	}
	if (matched * 2 == b->nkids)
		return true;
	for (j = 0; j + 1 < b->nkids; j += 2) {
		if (lookup(a, b->kids[j], j) != SIZE_MAX)
			continue;
		w = where_push(c, b->kids[j]);
		if (!(e->op == OP_SET && key_is(b->kids[j], e->path[level]))) {
			problem(c, "added");
			return false;
		}
		if (!created(e, b->kids[j + 1], level + 1)) {
			problem(c, "it is not the new value");
			return false;
		}
		where_pop(c, w);
	}
	return true;
}

/* Parses the new text and checks that only E changed. */
static int
verify(const struct mr_ytree *old, const char *text, size_t len,
    const struct edit *e, struct mr_error *err)
{
	struct mr_ytree nt;
	struct mr_error perr = MR_ERROR_INIT;
	struct vctx c;
	const struct mr_ynode *a, *b;
	bool ok;

	if (mr_ytree_parse(&nt, text, len, &perr) < 0) {
		mr_error_set(err, "config.yaml", 0, 0, "refusing the edit: it "
		    "would make invalid YAML (line %d:%d: %s)", perr.line,
		    perr.col, perr.msg ? perr.msg : "?");
		mr_error_clear(&perr);
		return -1;
	}
	memset(&c, 0, sizeof(c));
	c.e = e;
	c.budget = VERIFY_BUDGET;
	mr_buf_init(&c.where);
	a = is_root_empty(old) ? &empty_map : old->root;
	b = is_root_empty(&nt) ? &empty_map : nt.root;
	ok = cmp(&c, a, b, 0, true);
	mr_ytree_free(&nt);
	mr_buf_release(&c.where);
	free(c.memo);
	if (!ok) {
		mr_error_set(err, "config.yaml", 0, 0, "refusing the edit: %s",
		    c.problem ? c.problem : "the result does not check out");
		free(c.problem);
		return -1;
	}
	free(c.problem);
	return 0;
}

/* ------------------------------------------------------------- edits */

static int
check_path(const char *const *path, size_t depth, struct mr_error *err)
{
	size_t i;

	if (depth == 0 || depth > 32) {
		mr_error_set(err, NULL, 0, 0, "bad key path");
		return -1;
	}
	for (i = 0; i < depth; i++)
		if (path[i] == NULL || path[i][0] == '\0' ||
		    !valid_utf8(path[i])) {
			mr_error_set(err, NULL, 0, 0,
			    "bad key in the key path");
			return -1;
		}
	return 0;
}

static int
check_value(const struct mr_yvalue *v, int depth, struct mr_error *err)
{
	size_t i;

	if (depth > 8) {
		mr_error_set(err, NULL, 0, 0, "value nested too deeply");
		return -1;
	}
	switch (v->type) {
	case MR_YVAL_STR:
		if (v->s == NULL || !valid_utf8(v->s)) {
			mr_error_set(err, NULL, 0, 0,
			    "a new value is not valid UTF-8 text");
			return -1;
		}
		return 0;
	case MR_YVAL_MAP:
		for (i = 0; i < v->n; i++) {
			if (v->keys[i] == NULL || v->keys[i][0] == '\0' ||
			    !valid_utf8(v->keys[i])) {
				mr_error_set(err, NULL, 0, 0, "bad key");
				return -1;
			}
			if (check_value(&v->vals[i], depth + 1, err) < 0)
				return -1;
		}
		return 0;
	default:
		return 0;
	}
}

/* Runs an edit: plan, apply, verify. */
static int
finish(struct mr_ytree *t, struct plan *p, const struct edit *e,
    struct mr_buf *out, struct mr_error *err)
{
	int rc;

	plan_apply(p, t->text, t->len, out);
	plan_free(p);
	rc = verify(t, out->buf, out->len, e, err);
	if (rc < 0)
		mr_buf_reset(out);
	return rc;
}

static int
unchanged(struct mr_ytree *t, struct mr_buf *out)
{
	mr_buf_reset(out);
	mr_buf_add(out, t->text, t->len);
	return 1;
}

int
mr_yedit_set(const char *text, size_t len, const char *const *path,
    size_t depth, const struct mr_yvalue *v, struct mr_buf *out,
    struct mr_error *err)
{
	struct mr_ytree t;
	struct plan p = { .n = 0 };
	struct edit e = { OP_SET, path, depth, v, 0 };
	const struct mr_ynode *m, *k, *val;
	size_t i, ki;
	int rc = -1;

	if (check_path(path, depth, err) < 0 || check_value(v, 0, err) < 0)
		return -1;
	if (mr_ytree_parse(&t, text, len, err) < 0) {
		set_file(err);
		return -1;
	}
	if (check_root(&t, err) < 0)
		goto out;
	if (is_root_empty(&t)) {
		plan_insert_root(&p, &t, path, depth, v);
		rc = finish(&t, &p, &e, out, err);
		goto out;
	}
	m = t.root;
	for (i = 0; i < depth; i++) {
		if (m->kind == MR_YN_SEQ) {
			if (!item_index(path[i], &ki) || ki >= m->nkids) {
				path_error(err, m, path, i, "has no such item");
				goto out;
			}
			val = m->kids[ki];
			if (i + 1 < depth && (val->kind == MR_YN_MAP ||
			    val->kind == MR_YN_SEQ)) {
				m = val;
				continue;
			}
			path_error(err, val, path, i + 1, i + 1 == depth ?
			    "is a sequence item; set a key inside it" :
			    "is not a mapping");
			goto out;
		}
		if (item_index(path[i], &ki)) {
			path_error(err, m, path, i, "is a mapping, not a "
			    "sequence");
			goto out;
		}
		if ((ki = find_key(m, path[i])) == SIZE_MAX) {
			if (check_new_keys(path, i, depth, err) < 0 ||
			    plan_insert(&p, &t, m, path + i, depth - i, v,
			    err) < 0)
				goto out;
			rc = finish(&t, &p, &e, out, err);
			goto out;
		}
		k = m->kids[ki];
		val = m->kids[ki + 1];
		if (i + 1 == depth) {
			if (v->type != MR_YVAL_MAP && holds(val, v)) {
				rc = unchanged(&t, out);
				goto out;
			}
			if (val->kind == MR_YN_ALIAS &&
			    v->type == MR_YVAL_MAP && !m->flow) {
				path_error(err, val, path, i + 1,
				    "is an alias; edit the anchored node");
				goto out;
			}
			if (plan_replace(&p, &t, m, k, val, NULL, 0, v,
			    err) < 0)
				goto out;
			rc = finish(&t, &p, &e, out, err);
			goto out;
		}
		if (val->kind == MR_YN_ALIAS) {
			path_error(err, val, path, i + 1,
			    "is an alias; edit the anchored node instead");
			goto out;
		}
		/* "providers: {}" is how Hermes writes an empty section:
		 * grow it as a block mapping, like a null, rather than
		 * piling a whole entry onto one line. */
		if (val->kind == MR_YN_MAP && (val->nkids > 0 || m->flow ||
		    !val->flow || val->anchor || val->tag)) {
			m = val;
			continue;
		}
		if (mr_ynode_is_null(val) || val->kind == MR_YN_MAP) {
			if (check_new_keys(path, i + 1, depth, err) < 0 ||
			    plan_replace(&p, &t, m, k, val, path + i + 1,
			    depth - i - 1, v, err) < 0)
				goto out;
			rc = finish(&t, &p, &e, out, err);
			goto out;
		}
		if (val->kind == MR_YN_SEQ && item_index(path[i + 1], &ki)) {
			m = val;
			continue;
		}
		path_error(err, val, path, i + 1, val->kind == MR_YN_SEQ ?
		    "is a sequence, not a mapping" :
		    "is a scalar, not a mapping");
		goto out;
	}
out:
	plan_free(&p);
	mr_ytree_free(&t);
	return rc;
}

/* Walks to the node at PATH: 0 found (*KEY may be NULL at the root),
 * 1 absent, -1 error. */
static int
walk(const struct mr_ytree *t, const char *const *path, size_t depth,
    const struct mr_ynode **parent, const struct mr_ynode **key,
    const struct mr_ynode **val, struct mr_error *err)
{
	const struct mr_ynode *m = t->root;
	size_t i, ki;

	if (is_root_empty(t))
		return 1;
	for (i = 0; i < depth; i++) {
		if (m->kind == MR_YN_ALIAS) {
			path_error(err, m, path, i,
			    "is an alias; edit the anchored node instead");
			return -1;
		}
		if (m->kind == MR_YN_SEQ) {
			if (!item_index(path[i], &ki) || ki >= m->nkids)
				return 1;
			*parent = m;
			*key = NULL;
			*val = m->kids[ki];
			m = *val;
			continue;
		}
		if (m->kind != MR_YN_MAP || item_index(path[i], &ki))
			return 1;
		if ((ki = find_key(m, path[i])) == SIZE_MAX)
			return 1;
		*parent = m;
		*key = m->kids[ki];
		*val = m->kids[ki + 1];
		m = *val;
	}
	return 0;
}

/* Removes the entry KEY: VAL of mapping M. */
static int
plan_remove_entry(struct plan *p, const struct mr_ytree *t,
    const struct mr_ynode *m, const struct mr_ynode *key,
    const struct mr_ynode *val, struct mr_error *err)
{
	const struct mr_ynode *up = m->parent, *pk;
	size_t ki = kid_index(m, key), colon, s;

	if (m->flow) {
		if (m->nkids == 2)
			plan_add(p, key->start, val->end - key->start, NULL);
		else if (ki + 2 < m->nkids)
			plan_add(p, key->start, m->kids[ki + 2]->start -
			    key->start, NULL);
		else {
			s = m->kids[ki - 1]->end;
			plan_add(p, s, val->end - s, NULL);
		}
		return 0;
	}
	if (!only_blanks_before(t, key->start)) {
		/* "- key: v" with more entries below: they move up */
		if (m->nkids > 2 && ki == 0) {
			plan_add(p, key->start, m->kids[2]->start - key->start,
			    NULL);
			return 0;
		}
		if (m->nkids == 2 && up != NULL && up->kind == MR_YN_SEQ) {
			plan_add(p, key->start, text_end(t, val) - key->start,
			    mr_xstrdup("{}"));
			return 0;
		}
		mr_error_set(err, "config.yaml", key->line, key->col,
		    "cannot remove a key laid out like this");
		return -1;
	}
	s = line_start(t, key->start);
	plan_add(p, s, entry_end(t, val) - s, NULL);
	if (m->nkids > 2 || up == NULL)
		return 0;
	/* The last entry: keep a mapping, not a null, under the parent. */
	if (up->kind == MR_YN_MAP && !up->flow) {
		if ((colon = kid_index(up, m)) == SIZE_MAX || colon % 2 == 0) {
			mr_error_set(err, "config.yaml", m->line, m->col,
			    "cannot empty this mapping");
			return -1;
		}
		pk = up->kids[colon - 1];
		colon = colon_of(t, pk, m);
		if (colon == SIZE_MAX || m->anchor || m->tag) {
			mr_error_set(err, "config.yaml", m->line, m->col,
			    "cannot empty this mapping");
			return -1;
		}
		plan_add(p, colon + 1, 0, mr_xstrdup(" {}"));
		return 0;
	}
	if (up->kind == MR_YN_SEQ && !up->flow) {
		/* "-" then the entry on its own lines: "- {}" */
		plan_free(p);
		plan_add(p, key->start, text_end(t, val) - key->start,
		    mr_xstrdup("{}"));
		return 0;
	}
	return 0;
}

int
mr_yedit_delete(const char *text, size_t len, const char *const *path,
    size_t depth, struct mr_buf *out, struct mr_error *err)
{
	struct mr_ytree t;
	struct plan p = { .n = 0 };
	struct edit e = { OP_DEL, path, depth, NULL, 0 };
	const struct mr_ynode *m = NULL, *k = NULL, *v = NULL;
	int rc;

	if (check_path(path, depth, err) < 0)
		return -1;
	if (mr_ytree_parse(&t, text, len, err) < 0) {
		set_file(err);
		return -1;
	}
	if ((rc = check_root(&t, err)) < 0)
		goto out;
	if ((rc = walk(&t, path, depth, &m, &k, &v, err)) != 0) {
		if (rc > 0)
			rc = unchanged(&t, out);
		goto out;
	}
	if (k == NULL) {
		path_error(err, v, path, depth, "is a sequence item; remove "
		    "it as one");
		rc = -1;
		goto out;
	}
	if ((rc = plan_remove_entry(&p, &t, m, k, v, err)) < 0)
		goto out;
	rc = finish(&t, &p, &e, out, err);
out:
	plan_free(&p);
	mr_ytree_free(&t);
	return rc;
}

int
mr_yedit_delete_item(const char *text, size_t len, const char *const *path,
    size_t depth, size_t index, struct mr_buf *out, struct mr_error *err)
{
	struct mr_ytree t;
	struct plan p = { .n = 0 };
	struct edit e = { OP_DELITEM, path, depth, NULL, index };
	const struct mr_ynode *m = NULL, *k = NULL, *s = NULL, *it;
	size_t dash, colon, st;
	int rc;

	if (check_path(path, depth, err) < 0)
		return -1;
	if (mr_ytree_parse(&t, text, len, err) < 0) {
		set_file(err);
		return -1;
	}
	if ((rc = check_root(&t, err)) < 0)
		goto out;
	if ((rc = walk(&t, path, depth, &m, &k, &s, err)) != 0) {
		if (rc > 0)
			rc = unchanged(&t, out);
		goto out;
	}
	rc = -1;
	if (s->kind != MR_YN_SEQ || index >= s->nkids) {
		path_error(err, s, path, depth, s->kind != MR_YN_SEQ ?
		    "is not a sequence" : "has no such item");
		goto out;
	}
	it = s->kids[index];
	if (s->flow) {
		if (s->nkids == 1)
			plan_add(&p, it->start, it->end - it->start, NULL);
		else if (index + 1 < s->nkids)
			plan_add(&p, it->start, s->kids[index + 1]->start -
			    it->start, NULL);
		else {
			st = s->kids[index - 1]->end;
			plan_add(&p, st, it->end - st, NULL);
		}
		rc = finish(&t, &p, &e, out, err);
		goto out;
	}
	dash = it->start;
	while (dash > 0 && (t.text[dash - 1] == ' ' ||
	    t.text[dash - 1] == '\t'))
		dash--;
	if (dash == 0 || t.text[dash - 1] != '-' ||
	    !only_blanks_before(&t, dash - 1)) {
		mr_error_set(err, "config.yaml", it->line, it->col,
		    "cannot remove a sequence item laid out like this");
		goto out;
	}
	st = line_start(&t, dash - 1);
	plan_add(&p, st, entry_end(&t, it) - st, NULL);
	if (s->nkids == 1) {
		colon = k != NULL ? colon_of(&t, k, s) : SIZE_MAX;
		if (m->flow || colon == SIZE_MAX || s->anchor || s->tag) {
			plan_free(&p);
			mr_error_set(err, "config.yaml", s->line, s->col,
			    "cannot empty this sequence");
			goto out;
		}
		plan_add(&p, colon + 1, 0, mr_xstrdup(" []"));
	}
	rc = finish(&t, &p, &e, out, err);
out:
	plan_free(&p);
	mr_ytree_free(&t);
	return rc;
}
