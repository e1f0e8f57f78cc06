/*
 * Unit tests for the Hermes Agent module: finding the home (with a fake
 * environment and a temporary folder), reading config.yaml, the
 * byte-preserving editor over a corpus of real-looking files, the
 * high-level edits, .env parsing and editing, and every refusal.
 *
 * Each corpus edit is checked three ways: the bytes that changed lie
 * inside the edited node (no other scalar of the file is touched), the
 * re-parsed file holds exactly the new value at the edited path, and
 * every other path keeps its value.  A few outputs are spelled out in
 * full.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mr/hermes.h"
#include "tmpdir.h"

#define FIXTURES	"tests/fixtures/hermes"

static char *
slurp(const char *name, size_t *len)
{
	struct mr_buf b = MR_BUF_INIT;
	char *path = mr_xasprintf("%s/%s", FIXTURES, name);

	if (mr_read_file(path, 1 << 20, &b) < 0)
		fail_msg("cannot read %s", path);
	free(path);
	*len = b.len;
	return mr_buf_detach(&b);
}

static char *
errmsg(const struct mr_error *e)
{
	return mr_error_format(e);
}

/* ------------------------------------------------- tree comparisons */

/* Every scalar of the tree as "path=type:value", aliases followed. */
static void
flatten(const struct mr_ynode *n, struct mr_buf *path,
    struct mr_strlist *out, int depth)
{
	const struct mr_ynode *k;
	size_t i, old = path->len;
	struct mr_buf line = MR_BUF_INIT;

	n = mr_ynode_deref(n);
	if (n == NULL || depth > 40)
		return;
	if (n->kind == MR_YN_SCALAR || (n->nkids == 0)) {
		mr_buf_add(&line, path->buf, path->len);
		mr_buf_addch(&line, '=');
		if (n->kind == MR_YN_SCALAR) {
			for (i = 0; i < n->canonlen; i++)
				mr_buf_addch(&line, n->canon[i] ? n->canon[i] :
				    '\x01');
		} else
			mr_buf_addstr(&line, n->kind == MR_YN_MAP ? "{}" :
			    "[]");
		mr_strlist_push(out, line.buf);
		mr_buf_release(&line);
		return;
	}
	for (i = 0; i < n->nkids; i++) {
		if (n->kind == MR_YN_SEQ) {
			mr_buf_printf(path, "[%zu]", i);
			flatten(n->kids[i], path, out, depth + 1);
		} else {
			k = mr_ynode_deref(n->kids[i]);
			if (path->len > 0)
				mr_buf_addch(path, '.');
			if (k->kind == MR_YN_SCALAR)
				mr_buf_add(path, k->val, k->len);
			else
				mr_buf_addstr(path, "?");
			flatten(n->kids[++i], path, out, depth + 1);
		}
		path->len = old;
		path->buf[old] = '\0';
	}
}

/* Does the flattened entry E touch dotted path P (one is a prefix of
 * the other on a '.' boundary)? */
static bool
touches(const char *e, const char *p)
{
	size_t n = strlen(p), m = strcspn(e, "=");

	if (m >= n && strncmp(e, p, n) == 0 && (e[n] == '.' || e[n] == '=' ||
	    e[n] == '['))
		return true;
	return m < n && strncmp(e, p, m) == 0 && p[m] == '.';
}

static void
flat_of(const char *text, size_t len, const char *skip, struct mr_strlist *l)
{
	struct mr_ytree t;
	struct mr_error err = MR_ERROR_INIT;
	struct mr_strlist all = MR_STRLIST_INIT;
	struct mr_buf path = MR_BUF_INIT;
	size_t i;

	if (mr_ytree_parse(&t, text, len, &err) < 0)
		fail_msg("does not parse: %s", err.msg);
	if (t.root != NULL && !mr_ynode_is_null(t.root))
		flatten(t.root, &path, &all, 0);
	for (i = 0; i < all.n; i++)
		if (skip == NULL || !touches(all.v[i], skip))
			mr_strlist_push(l, all.v[i]);
	mr_strlist_clear(&all);
	mr_buf_release(&path);
	mr_ytree_free(&t);
}

/* Only the paths in SKIP (NULL-terminated) differ between A and B. */
static void
assert_only_changed(const char *a, size_t alen, const char *b, size_t blen,
    const char *const *skip)
{
	struct mr_strlist la = MR_STRLIST_INIT, lb = MR_STRLIST_INIT;
	struct mr_strlist ta = MR_STRLIST_INIT, tb = MR_STRLIST_INIT;
	size_t i, j;
	bool keep;

	flat_of(a, alen, NULL, &ta);
	flat_of(b, blen, NULL, &tb);
	for (i = 0; i < ta.n; i++) {
		for (keep = true, j = 0; skip[j] != NULL; j++)
			if (touches(ta.v[i], skip[j]))
				keep = false;
		if (keep)
			mr_strlist_push(&la, ta.v[i]);
	}
	for (i = 0; i < tb.n; i++) {
		for (keep = true, j = 0; skip[j] != NULL; j++)
			if (touches(tb.v[i], skip[j]))
				keep = false;
		if (keep)
			mr_strlist_push(&lb, tb.v[i]);
	}
	assert_int_equal(la.n, lb.n);
	for (i = 0; i < la.n; i++)
		assert_string_equal(la.v[i], lb.v[i]);
	mr_strlist_clear(&la);
	mr_strlist_clear(&lb);
	mr_strlist_clear(&ta);
	mr_strlist_clear(&tb);
}

/* The node at PATH (own keys, aliases followed), or NULL. */
static const struct mr_ynode *
at_path(const struct mr_ytree *t, const char *const *path, size_t depth)
{
	const struct mr_ynode *n = t->root;
	size_t i;

	for (i = 0; i < depth && n != NULL; i++)
		n = mr_ynode_get(n, path[i]);
	return mr_ynode_deref(n);
}

/* N or one of its parents has an anchor. */
static bool
anchored(const struct mr_ynode *n)
{
	for (; n != NULL; n = n->parent)
		if (n->anchor != NULL)
			return true;
	return false;
}

static bool
descends(const struct mr_ynode *n, const struct mr_ynode *anc)
{
	for (; n != NULL; n = n->parent)
		if (n == anc)
			return true;
	return false;
}

/* The changed region of OLD when P bytes are taken as common prefix
 * (with SUF the whole common suffix): a deleted or inserted run can sit
 * at several places when the text repeats, so callers try every P. */
static void
changed_region(size_t olen, size_t nlen, size_t p, size_t suf, size_t *rs,
    size_t *re)
{
	size_t s = suf;

	if (s > olen - p)
		s = olen - p;
	if (s > nlen - p)
		s = nlen - p;
	*rs = p;
	*re = olen - s;
}

/*
 * The byte check: the region of OLD that differs from NEW may only
 * overlap the nodes the edit is about: the old value (and for a delete,
 * its key), or the null / "{}" parent that grew into a mapping.
 */
static void
assert_bytes_local(const char *old, size_t olen, const char *new,
    size_t nlen, const char *const *path, size_t depth, bool del)
{
	struct mr_ytree t;
	struct mr_error err = MR_ERROR_INIT;
	const struct mr_ynode *n = NULL, *rel[2] = { NULL, NULL }, *m;
	const struct mr_ynode *bad, *first = NULL;
	size_t rs, re, i, k, p, pre = 0, suf = 0;

	assert_int_equal(mr_ytree_parse(&t, old, olen, &err), 0);
	/* walk the old tree as far as the path goes */
	m = mr_ynode_deref(t.root);
	for (i = 0; m != NULL && m->kind == MR_YN_MAP && i < depth; i++) {
		for (k = 0, n = NULL; k + 1 < m->nkids; k += 2) {
			const struct mr_ynode *key = mr_ynode_deref(m->kids[k]);

			if (key->kind == MR_YN_SCALAR &&
			    strcmp(key->val, path[i]) == 0) {
				n = m->kids[k + 1];
				if (i + 1 == depth && del)
					rel[1] = m->kids[k];
				break;
			}
		}
		if (n == NULL)
			break;
		if (i + 1 == depth || mr_ynode_is_null(n) ||
		    (n->kind == MR_YN_MAP && n->nkids == 0)) {
			rel[0] = n;
			break;
		}
		m = n;
	}
	if (t.root != NULL && mr_ynode_is_null(t.root))
		rel[0] = t.root;
	while (pre < olen && pre < nlen && old[pre] == new[pre])
		pre++;
	while (suf < olen && suf < nlen && old[olen - 1 - suf] ==
	    new[nlen - 1 - suf])
		suf++;
	for (p = 0; p <= pre; p++) {
		changed_region(olen, nlen, p, suf, &rs, &re);
		for (bad = NULL, i = 0; i < t.nnodes && bad == NULL; i++) {
			n = t.nodes[i];
			if (n->kind != MR_YN_SCALAR || n->end <= n->start)
				continue;
			if ((rel[0] && descends(n, rel[0])) || n == rel[1])
				continue;
			if (n->start < re && n->end > rs)
				bad = n;
		}
		if (bad == NULL)
			break;
		if (first == NULL)
			first = bad;
	}
	if (p > pre)
		fail_msg("edit of %s touched the scalar \"%s\" at line %d",
		    path[depth - 1], first->val, first->line);
	mr_ytree_free(&t);
}

/* The new text holds V at PATH. */
static void
assert_holds(const char *text, size_t len, const char *const *path,
    size_t depth, const struct mr_yvalue *v)
{
	struct mr_ytree t;
	struct mr_error err = MR_ERROR_INIT;
	const struct mr_ynode *n;

	assert_int_equal(mr_ytree_parse(&t, text, len, &err), 0);
	n = at_path(&t, path, depth);
	if (v == NULL)
		assert_null(n);
	else {
		assert_non_null(n);
		assert_int_equal(n->kind, MR_YN_SCALAR);
		switch (v->type) {
		case MR_YVAL_STR:
			assert_int_equal(n->type, MR_YT_STR);
			assert_string_equal(n->val, v->s);
			break;
		case MR_YVAL_INT:
			assert_int_equal(n->type, MR_YT_INT);
			assert_int_equal(n->ival, v->i);
			break;
		case MR_YVAL_BOOL:
			assert_int_equal(n->type, MR_YT_BOOL);
			assert_int_equal(n->bval, v->b);
			break;
		default:
			break;
		}
	}
	mr_ytree_free(&t);
}

static char *
dotted(const char *const *path, size_t depth)
{
	struct mr_buf b = MR_BUF_INIT;
	size_t i;

	for (i = 0; i < depth; i++) {
		if (i)
			mr_buf_addch(&b, '.');
		mr_buf_addstr(&b, path[i]);
	}
	return mr_buf_detach(&b);
}

/* Line endings of NEW are those of OLD. */
static void
assert_eol_kept(const char *old, size_t olen, const char *new, size_t nlen)
{
	bool crlf = false;
	size_t i;

	for (i = 0; i + 1 < olen; i++)
		if (old[i] == '\r' && old[i + 1] == '\n')
			crlf = true;

	for (i = 0; i < nlen; i++)
		if (new[i] == '\n')
			assert_int_equal(i > 0 && new[i - 1] == '\r', crlf);
}

/* One corpus edit with all the checks; returns the rc. */
static int
corpus_edit(const char *file, const char *text, size_t len,
    const char *const *path, size_t depth, const struct mr_yvalue *v)
{
	struct mr_buf out = MR_BUF_INIT, again = MR_BUF_INIT;
	struct mr_error err = MR_ERROR_INIT;
	const char *skip[2];
	char *d = dotted(path, depth);
	int rc;

	if (v != NULL)
		rc = mr_yedit_set(text, len, path, depth, v, &out, &err);
	else
		rc = mr_yedit_delete(text, len, path, depth, &out, &err);
	if (rc < 0) {
		free(d);
		mr_error_clear(&err);
		mr_buf_release(&out);
		return rc;
	}
	if (rc == 1) {
		assert_int_equal(out.len, len);
		assert_memory_equal(out.buf, text, len);
	}
	assert_holds(out.buf, out.len, path, depth, v);
	skip[0] = d;
	skip[1] = NULL;
	assert_only_changed(text, len, out.buf, out.len, skip);
	assert_bytes_local(text, len, out.buf, out.len, path, depth, v == NULL);
	assert_eol_kept(text, len, out.buf, out.len);
	/* the same edit again changes nothing */
	if (v != NULL) {
		assert_int_equal(mr_yedit_set(out.buf, out.len, path, depth, v,
		    &again, &err), 1);
		assert_int_equal(again.len, out.len);
	} else
		assert_int_equal(mr_yedit_delete(out.buf, out.len, path, depth,
		    &again, &err), 1);
	(void)file;
	free(d);
	mr_buf_release(&out);
	mr_buf_release(&again);
	return rc;
}

static const char *const corpus[] = {
	"basic.yaml", "anchors.yaml", "flow.yaml", "quoted.yaml", "crlf.yaml",
	"unicode.yaml", "legacy.yaml", "profile-work.yaml", "empty.yaml",
	"comments-only.yaml", "model-string.yaml", "indent4.yaml",
	"docmarkers.yaml", "null-sections.yaml", NULL
};

static void
test_corpus_edits(void **state)
{
	static const char *const p_prov[] = { "model", "provider" };
	static const char *const p_def[] = { "model", "default" };
	static const char *const p_api[] = { "providers", "mr", "api" };
	static const char *const p_ctx[] = { "providers", "mr", "models",
		"qwen2.5:7b", "context_length" };
	static const char *const p_odd[] = { "x-new", "yes" };
	static const char *const p_flag[] = { "providers", "mr", "enabled" };
	static const char *const p_base[] = { "model", "base_url" };
	static const char *const p_model[] = { "model" };
	static const char *const p_provs[] = { "providers" };
	struct mr_yvalue s1 = { .type = MR_YVAL_STR, .s = "custom:mr" };
	struct mr_yvalue s2 = { .type = MR_YVAL_STR, .s = "@openai/gpt-4o" };
	struct mr_yvalue s3 = { .type = MR_YVAL_STR,
		.s = "http://127.0.0.1:4000/v1" };
	struct mr_yvalue s4 = { .type = MR_YVAL_STR, .s = "1e5" };
	struct mr_yvalue s5 = { .type = MR_YVAL_STR,
		.s = "tab\there \"q\" \\ é \xe2\x80\xa8 end" };
	struct mr_yvalue i1 = { .type = MR_YVAL_INT, .i = 65536 };
	struct mr_yvalue b1 = { .type = MR_YVAL_BOOL, .b = false };
	size_t f, len;
	char *text;
	bool scalar_model;

	(void)state;
	for (f = 0; corpus[f] != NULL; f++) {
		text = slurp(corpus[f], &len);
		scalar_model = strcmp(corpus[f], "model-string.yaml") == 0;
		/* model: as a bare string is no mapping to add keys to at
		 * this level (the high-level edits convert it first) */
		assert_int_equal(corpus_edit(corpus[f], text, len, p_prov, 2,
		    &s1) < 0, scalar_model);
		assert_int_equal(corpus_edit(corpus[f], text, len, p_def, 2,
		    &s2) < 0, scalar_model);
		assert_true(corpus_edit(corpus[f], text, len, p_api, 3,
		    &s3) >= 0);
		assert_true(corpus_edit(corpus[f], text, len, p_ctx, 5,
		    &i1) >= 0);
		assert_true(corpus_edit(corpus[f], text, len, p_odd, 2,
		    &s4) >= 0);
		assert_true(corpus_edit(corpus[f], text, len, p_odd, 2,
		    &s5) >= 0);
		assert_true(corpus_edit(corpus[f], text, len, p_flag, 3,
		    &b1) >= 0);
		assert_true(corpus_edit(corpus[f], text, len, p_base, 2,
		    NULL) >= 0);
		assert_true(corpus_edit(corpus[f], text, len, p_model, 1,
		    NULL) >= 0);
		assert_true(corpus_edit(corpus[f], text, len, p_provs, 1,
		    NULL) >= 0);
		free(text);
	}
}

/* Every existing scalar of every corpus file can be replaced, and every
 * mapping key deleted, touching nothing else. */
static void
test_corpus_every_node(void **state)
{
	struct mr_yvalue v = { .type = MR_YVAL_STR, .s = "new value: # x" };
	struct mr_ytree t;
	struct mr_error err = MR_ERROR_INIT;
	const struct mr_ynode *n, *m;
	const char *path[16];
	size_t f, i, d, len, edits = 0;
	char *text;
	int rc;

	(void)state;
	for (f = 0; corpus[f] != NULL; f++) {
		text = slurp(corpus[f], &len);
		assert_int_equal(mr_ytree_parse(&t, text, len, &err), 0);
		for (i = 0; i < t.nnodes; i++) {
			/* the key path of each value in nested mappings */
			n = t.nodes[i];
			d = 0;
			for (m = n; m->parent != NULL && d < 16;
			    m = m->parent) {
				size_t k;

				if (m->parent->kind != MR_YN_MAP)
					break;
				for (k = 1; k < m->parent->nkids; k += 2)
					if (m->parent->kids[k] == m)
						break;
				if (k >= m->parent->nkids ||
				    m->parent->kids[k - 1]->kind !=
				    MR_YN_SCALAR)
					break;
				path[d++] = m->parent->kids[k - 1]->val;
			}
			if (d == 0 || m->parent != NULL || m != t.root)
				continue;
			/* reverse into root-first order */
			for (size_t a = 0; a < d / 2; a++) {
				const char *x = path[a];

				path[a] = path[d - 1 - a];
				path[d - 1 - a] = x;
			}
			if (n->kind == MR_YN_SCALAR) {
				rc = corpus_edit(corpus[f], text, len, path, d,
				    &v);
				/* only a value shared through an anchor may
				 * refuse, since changing it changes more */
				if (rc < 0 && !anchored(n))
					fail_msg("%s: %s refused", corpus[f],
					    n->val);
				edits++;
			}
			rc = corpus_edit(corpus[f], text, len, path, d, NULL);
			if (rc < 0 && !anchored(n))
				fail_msg("%s: delete %s refused", corpus[f],
				    path[d - 1]);
			edits++;
		}
		mr_ytree_free(&t);
		free(text);
	}
	assert_true(edits > 150);
}

/* ------------------------------------------------- spelled-out edits */

static void
expect_set(const char *in, const char *const *path, size_t depth,
    const struct mr_yvalue *v, const char *want)
{
	struct mr_buf out = MR_BUF_INIT;
	struct mr_error err = MR_ERROR_INIT;
	int rc = mr_yedit_set(in, strlen(in), path, depth, v, &out, &err);

	if (rc < 0)
		fail_msg("refused: %s", err.msg);
	assert_string_equal(out.buf, want);
	mr_buf_release(&out);
}

static void
expect_del(const char *in, const char *const *path, size_t depth,
    const char *want)
{
	struct mr_buf out = MR_BUF_INIT;
	struct mr_error err = MR_ERROR_INIT;
	int rc = mr_yedit_delete(in, strlen(in), path, depth, &out, &err);

	if (rc < 0)
		fail_msg("refused: %s", err.msg);
	assert_string_equal(out.buf, want);
	mr_buf_release(&out);
}

static void
test_exact_outputs(void **state)
{
	static const char *const p_dm[] = { "providers", "lms",
		"default_model" };
	static const char *const p_lab[] = { "providers", "lab", "models",
		"qwen3", "context_length" };
	static const char *const p_mode[] = { "model", "api_mode" };
	static const char *const p_cwd[] = { "terminal", "cwd" };
	static const char *const p_prov[] = { "model", "provider" };
	static const char *const p_note[] = { "memory", "note" };
	static const char *const p_x[] = { "x" };
	static const char *const p_ab[] = { "a", "b" };
	struct mr_yvalue v = { .type = MR_YVAL_STR, .s = "qwen/qwen3-8b" };
	struct mr_yvalue n = { .type = MR_YVAL_INT, .i = 131072 };
	size_t len;
	char *text;

	(void)state;
	/* CRLF: the new line ends in CRLF like the others */
	text = slurp("crlf.yaml", &len);
	expect_set(text, p_dm, 3, &v,
	    "# CRLF file from Windows\r\nmodel:\r\n  provider: lmstudio\r\n"
	    "  default: qwen/qwen3-8b\r\n  base_url: http://127.0.0.1:1234/v1"
	    "\r\n\r\nproviders:\r\n  lms:\r\n    api: http://127.0.0.1:1234/"
	    "v1\r\n    key_env: LMSTUDIO_KEY\r\n    default_model: "
	    "\"qwen/qwen3-8b\"\r\n");
	free(text);
	/* flow mappings stay flow */
	text = slurp("flow.yaml", &len);
	expect_set(text, p_lab, 5, &n,
	    "model: {provider: openrouter, default: \"openai/gpt-4o\", "
	    "base_url: 'https://openrouter.ai/api/v1'}\n"
	    "providers: {lab: {api: \"http://10.0.0.5:8000/v1\", models: "
	    "{qwen3: {context_length: 131072}}}}\n"
	    "toolsets: [hermes-cli, web]   # flow sequence\n"
	    "terminal: { backend: local, cwd: . }\n");
	v.s = "chat_completions";
	expect_set(text, p_mode, 2, &v,
	    "model: {provider: openrouter, default: \"openai/gpt-4o\", "
	    "base_url: 'https://openrouter.ai/api/v1', api_mode: "
	    "\"chat_completions\"}\n"
	    "providers: {lab: {api: \"http://10.0.0.5:8000/v1\", models: "
	    "{qwen3: {context_length: 65536}}}}\n"
	    "toolsets: [hermes-cli, web]   # flow sequence\n"
	    "terminal: { backend: local, cwd: . }\n");
	v.s = "/srv";
	expect_set(text, p_cwd, 2, &v,
	    "model: {provider: openrouter, default: \"openai/gpt-4o\", "
	    "base_url: 'https://openrouter.ai/api/v1'}\n"
	    "providers: {lab: {api: \"http://10.0.0.5:8000/v1\", models: "
	    "{qwen3: {context_length: 65536}}}}\n"
	    "toolsets: [hermes-cli, web]   # flow sequence\n"
	    "terminal: { backend: local, cwd: \"/srv\" }\n");
	free(text);
	/* 4-space indentation and no line break at the end */
	text = slurp("indent4.yaml", &len);
	expect_set(text, p_cwd, 2, &v,
	    "model:\n    provider: custom\n    default: llama3\n    base_url:"
	    " http://localhost:11434/v1\nproviders:\n    ollama:\n        "
	    "api: http://localhost:11434/v1\n        default_model: llama3\n"
	    "terminal:\n    backend: local\n    cwd: \"/srv\"\n");
	free(text);
	/* a null section grows into a block mapping, its comment kept */
	text = slurp("null-sections.yaml", &len);
	v.s = "custom";
	expect_set(text, p_prov, 2, &v,
	    "model:\n  provider: \"custom\"\nproviders: ~   # nothing yet\n"
	    "custom_providers:\ntoolsets:\n  - hermes-cli\n");
	free(text);
	/* the empty file and the one before "..." */
	expect_set("", p_prov, 2, &v, "model:\n  provider: \"custom\"\n");
	text = slurp("docmarkers.yaml", &len);
	expect_set(text, p_cwd, 2, &v,
	    "%YAML 1.1\n---\n# document with markers\nmodel:\n  provider: "
	    "nous\n  default: Hermes-4-405B\nterminal:\n  cwd: \"custom\"\n"
	    "...\n");
	free(text);
	/* a block scalar goes with its lines, the blank line after it
	 * stays, and so does everything else */
	text = slurp("quoted.yaml", &len);
	expect_del(text, p_note, 2,
	    "model:\n  provider: 'custom'\n  default: \"no\"            # a "
	    "model literally called \"no\"\n  base_url: \"http://127.0.0.1:"
	    "11434/v1\"\n  context_length: 65536\n  api_mode: "
	    "chat_completions\nmemory:\n  enabled: yes             # YAML 1.1 "
	    "boolean\n\n  folded: >-\n    folded text\n    over lines\n  "
	    "version: 1e5             # a string under ruamel's YAML 1.1\n  "
	    "octal: 0755\n  ratio: 1.5\n  empty:\n  tilde: ~\n  date: "
	    "2024-01-02\n");
	free(text);
	/* the last key of a mapping leaves "{}", not a null */
	expect_del("a:\n  b: 1   # only\nc: 2\n", p_ab, 2, "a: {}\nc: 2\n");
	/* special strings are quoted, unicode kept, escapes where YAML
	 * needs them */
	v.s = "no";
	expect_set("x: 1\n", p_x, 1, &v, "x: \"no\"\n");
	v.s = "caf\xc3\xa9 \"1\"\t\\";
	expect_set("x: 1 # c\n", p_x, 1, &v,
	    "x: \"caf\xc3\xa9 \\\"1\\\"\\t\\\\\" # c\n");
	/* an anchored scalar keeps its anchor */
	v.s = "y";
	expect_set("x: &a old\n", p_x, 1, &v, "x: &a \"y\"\n");
	/* "- key:" items: the next key moves up */
	{
		static const char *const p_i[] = { "l" };
		struct mr_buf out = MR_BUF_INIT;
		struct mr_error err = MR_ERROR_INIT;

		static const char l1[] = "l:\n  - a: 1\n    b: 2\n  - c\n";

		assert_int_equal(mr_yedit_delete_item(l1, strlen(l1), p_i, 1,
		    0, &out, &err), 0);
		assert_string_equal(out.buf, "l:\n  - c\n");
		assert_int_equal(mr_yedit_delete_item("l: [x, y, z]\n",
		    strlen("l: [x, y, z]\n"), p_i, 1, 2, &out, &err), 0);
		assert_string_equal(out.buf, "l: [x, y]\n");
		assert_int_equal(mr_yedit_delete_item("l:\n- only\nm: 1\n",
		    strlen("l:\n- only\nm: 1\n"), p_i, 1, 0, &out, &err), 0);
		assert_string_equal(out.buf, "l: []\nm: 1\n");
		mr_buf_release(&out);
	}
}

static const char basic_proxy[] =
	"# ~/.hermes/config.yaml\n"
	"# Written by hand; keep the comments.\n"
	"\n"
	"model:\n"
	"  # the main model\n"
	"  provider: \"custom:mr\"        # cloud for now\n"
	"  default: \"@openai/gpt-4o\"\n"
	"\n"
	"# Providers I use\n"
	"providers:\n"
	"  lab-vllm:\n"
	"    name: Lab vLLM\n"
	"    api: http://10.0.0.5:8000/v1\n"
	"    transport: chat_completions\n"
	"    key_env: LAB_VLLM_API_KEY\n"
	"    default_model: Qwen/Qwen3-32B\n"
	"    request_timeout_seconds: 600\n"
	"    models:\n"
	"      Qwen/Qwen3-32B:\n"
	"        context_length: 131072\n"
	"  mr:\n"
	"    api: \"http://127.0.0.1:4000/v1\"\n"
	"    transport: \"chat_completions\"\n"
	"    key_env: \"MR_KEY\"\n"
	"    default_model: \"@openai/gpt-4o\"\n"
	"    models:\n"
	"      \"@openai/gpt-4o\":\n"
	"        context_length: 65536\n"
	"\n"
	"agent:\n"
	"  max_turns: 90   # unknown to us, must survive\n"
	"  personality: concise\n"
	"\n"
	"display:\n"
	"  skin: default\n"
	"# end of file\n";

static void
test_use_proxy(void **state)
{
	static const char *const changed[] = { "model", "providers.mr",
		"base_url", "context_length", NULL };
	struct mr_hermes_provider_spec s = {
		"mr", "http://127.0.0.1:4000/v1", "@openai/gpt-4o", NULL,
		"MR_KEY", 65536
	};
	struct mr_buf out = MR_BUF_INIT, again = MR_BUF_INIT;
	struct mr_error err = MR_ERROR_INIT;
	struct mr_hermes_config c;
	const struct mr_hermes_provider *p;
	size_t f, len;
	char *text;
	int rc;

	(void)state;
	text = slurp("basic.yaml", &len);
	assert_int_equal(mr_hermes_use_proxy(text, len, &s, &out, &err), 0);
	assert_string_equal(out.buf, basic_proxy);
	/* twice is the same */
	assert_int_equal(mr_hermes_use_proxy(out.buf, out.len, &s, &again,
	    &err), 1);
	assert_string_equal(again.buf, basic_proxy);
	free(text);
	for (f = 0; corpus[f] != NULL; f++) {
		text = slurp(corpus[f], &len);
		rc = mr_hermes_use_proxy(text, len, &s, &out, &err);
		if (rc < 0)
			fail_msg("%s: %s", corpus[f], err.msg);
		assert_only_changed(text, len, out.buf, out.len, changed);
		assert_eol_kept(text, len, out.buf, out.len);
		mr_hermes_config_init(&c);
		assert_int_equal(mr_hermes_config_parse(&c, out.buf, out.len,
		    corpus[f], &err), 0);
		assert_string_equal(c.provider, "custom:mr");
		assert_string_equal(c.model, "@openai/gpt-4o");
		assert_null(c.base_url);
		assert_false(c.has_api_key);
		p = mr_hermes_find_provider(&c, c.provider);
		assert_non_null(p);
		assert_string_equal(p->url, "http://127.0.0.1:4000/v1");
		assert_string_equal(p->api_mode, "chat_completions");
		assert_string_equal(p->key_env, "MR_KEY");
		assert_string_equal(p->default_model, "@openai/gpt-4o");
		assert_int_equal(p->nmodels, 1);
		assert_string_equal(p->models[0].id, "@openai/gpt-4o");
		assert_int_equal(p->models[0].context_length, 65536);
		assert_true(p->enabled);
		/* the other model settings are those of the original */
		if (strcmp(corpus[f], "quoted.yaml") == 0 ||
		    strcmp(corpus[f], "anchors.yaml") == 0)
			assert_int_equal(c.context_length, 65536);
		mr_hermes_config_release(&c);
		free(text);
	}
	/* an existing entry with other spellings is updated under them */
	text = slurp("profile-work.yaml", &len);
	s.name = "gateway";
	s.base_url = "https://gateway.ai.cloudflare.com/v1/acct/gw/openai";
	s.key_env = "CF_KEY2";
	s.context_length = 128000;
	assert_int_equal(mr_hermes_use_proxy(text, len, &s, &out, &err), 0);
	assert_non_null(strstr(out.buf, "    base_url: \"https://gateway.ai."
	    "cloudflare.com/v1/acct/gw/openai\"\n    apiKeyEnv: \"CF_KEY2\"\n"
	    "    api_mode: \"chat_completions\"\n    model: \"@openai/gpt-4o\""
	    "\n"));
	assert_null(strstr(out.buf, "  api:"));
	assert_null(strstr(out.buf, "key_env"));
	free(text);
	/* a disabled entry is enabled again */
	text = slurp("profile-work.yaml", &len);
	s.name = "old";
	s.base_url = "http://old.example:9000/v1";
	s.key_env = NULL;
	assert_int_equal(mr_hermes_use_proxy(text, len, &s, &out, &err), 0);
	assert_non_null(strstr(out.buf, "    url: http://old.example:9000/v1"
	    "\n    enabled: true\n    transport: \"chat_completions\"\n"));
	free(text);
	/* model: as a bare string becomes a mapping */
	text = slurp("model-string.yaml", &len);
	s.name = "mr";
	assert_int_equal(mr_hermes_use_proxy(text, len, &s, &out, &err), 0);
	assert_non_null(strstr(out.buf, "model:   # main\n  default: "
	    "\"@openai/gpt-4o\"\n  provider: \"custom:mr\"\nprovider: custom"
	    "\n"));
	free(text);
	mr_buf_release(&out);
	mr_buf_release(&again);
}

static void
test_provider_edits(void **state)
{
	struct mr_hermes_provider_spec s = {
		"box", "https://gateway.example/v1/openai?x=1", "qwen2.5:7b",
		"responses", NULL, 0
	};
	struct mr_buf out = MR_BUF_INIT, out2 = MR_BUF_INIT;
	struct mr_error err = MR_ERROR_INIT;
	struct mr_hermes_config c;
	size_t len;
	char *text;

	(void)state;
	/* add_provider does not select it */
	text = slurp("basic.yaml", &len);
	assert_int_equal(mr_hermes_add_provider(text, len, &s, &out, &err), 0);
	assert_non_null(strstr(out.buf, "  box:\n    api: \"https://gateway."
	    "example/v1/openai?x=1\"\n    transport: \"codex_responses\"\n"
	    "    default_model: \"qwen2.5:7b\"\n\nagent:"));
	mr_hermes_config_init(&c);
	assert_int_equal(mr_hermes_config_parse(&c, out.buf, out.len, "c",
	    &err), 0);
	assert_string_equal(c.provider, "openrouter");
	assert_int_equal(c.nproviders, 2);
	mr_hermes_config_release(&c);
	/* set_model picks it, and updates its default_model */
	assert_int_equal(mr_hermes_set_model(out.buf, out.len, "custom:box",
	    "qwen3:32b", &out2, &err), 0);
	assert_non_null(strstr(out2.buf, "  provider: \"custom:box\"        # "
	    "cloud for now\n  default: \"qwen3:32b\"\n"));
	assert_non_null(strstr(out2.buf, "    default_model: \"qwen3:32b\"\n"));
	/* and now it cannot be removed */
	assert_int_equal(mr_hermes_remove_provider(out2.buf, out2.len, "box",
	    &out, &err), -1);
	assert_non_null(strstr(err.msg, "in use"));
	mr_error_clear(&err);
	/* lab-vllm can */
	assert_int_equal(mr_hermes_remove_provider(out2.buf, out2.len,
	    "lab-vllm", &out, &err), 0);
	assert_null(strstr(out.buf, "lab-vllm"));
	assert_non_null(strstr(out.buf, "# Providers I use\nproviders:\n  "
	    "box:\n"));
	/* and removing it again is a no-op */
	assert_int_equal(mr_hermes_remove_provider(out.buf, out.len,
	    "lab-vllm", &out2, &err), 1);
	free(text);
	/* legacy entries go by name or slug; the list stays a list */
	text = slurp("legacy.yaml", &len);
	assert_int_equal(mr_hermes_remove_provider(text, len, "Ollama", &out,
	    &err), 0);
	assert_null(strstr(out.buf, "Ollama"));
	assert_non_null(strstr(out.buf, "        context_length: 65536\n"
	    "  - name: LM Studio\n"));
	assert_int_equal(mr_hermes_remove_provider(out.buf, out.len,
	    "lm-studio", &out2, &err), 0);
	assert_null(strstr(out2.buf, "LM Studio"));
	assert_int_equal(mr_hermes_remove_provider(out2.buf, out2.len,
	    "local-(localhost:8080)", &out, &err), -1);	/* in use */
	mr_error_clear(&err);
	free(text);
	/* set and unset by dotted key */
	text = slurp("legacy.yaml", &len);
	assert_int_equal(mr_hermes_set(text, len,
	    "providers.lab.models.qwen2.5-coder:32b.context_length", "131072",
	    &out, &err), 0);
	assert_non_null(strstr(out.buf, "providers:\n  lab:\n    models:\n"
	    "      \"qwen2.5-coder:32b\":\n        context_length: 131072\n"));
	assert_int_equal(mr_hermes_set(out.buf, out.len,
	    "providers.lab.enabled", "no", &out2, &err), 0);
	assert_non_null(strstr(out2.buf, "    enabled: false\n"));
	assert_int_equal(mr_hermes_set(out2.buf, out2.len, "providers.lab."
	    "transport", "anthropic", &out, &err), 0);
	assert_non_null(strstr(out.buf, "transport: \"anthropic_messages\""));
	assert_int_equal(mr_hermes_set(out.buf, out.len, "model.context_length",
	    "200000", &out2, &err), 0);
	assert_non_null(strstr(out2.buf, "  default: qwen3-32b\n"
	    "  context_length: 200000\n"));
	assert_int_equal(mr_hermes_unset(out2.buf, out2.len,
	    "model.context_length", &out, &err), 0);
	assert_int_equal(mr_hermes_unset(out.buf, out.len,
	    "model.context_length", &out2, &err), 1);
	free(text);
	mr_buf_release(&out);
	mr_buf_release(&out2);
}

static void
expect_refusal(int rc, struct mr_error *err, const char *part)
{
	assert_int_equal(rc, -1);
	assert_non_null(err->msg);
	if (strstr(err->msg, part) == NULL)
		fail_msg("\"%s\" not in \"%s\"", part, err->msg);
	mr_error_clear(err);
}

static void
test_refusals(void **state)
{
	static const char *const p_prov[] = { "model", "provider" };
	static const char *const p_cd[] = { "c", "d" };
	static const char *const p_x[] = { "x" };
	struct mr_yvalue v = { .type = MR_YVAL_STR, .s = "v" };
	struct mr_hermes_provider_spec s = {
		"mr", "http://127.0.0.1:4000/v1", "m", NULL, NULL, 32768
	};
	struct mr_buf out = MR_BUF_INIT;
	struct mr_error err = MR_ERROR_INIT;
	size_t len;
	char *text, *m;

	(void)state;
	/* files Hermes refuses: with line:col */
	text = slurp("broken.yaml", &len);
	assert_int_equal(mr_yedit_set(text, len, p_prov, 2, &v, &out, &err),
	    -1);
	assert_int_equal(err.line, 4);
	m = errmsg(&err);
	assert_string_equal(m, "config.yaml:4:10: did not find expected ',' "
	    "or ']'");
	free(m);
	mr_error_clear(&err);
	free(text);
	text = slurp("duplicate.yaml", &len);
	expect_refusal(mr_yedit_set(text, len, p_prov, 2, &v, &out, &err),
	    &err, "duplicate key \"provider\" (first at line 2)");
	free(text);
	text = slurp("root-list.yaml", &len);
	expect_refusal(mr_yedit_set(text, len, p_prov, 2, &v, &out, &err),
	    &err, "not a mapping");
	free(text);
	expect_refusal(mr_yedit_set("a: 1\n---\nb: 2\n", 14, p_prov, 2, &v,
	    &out, &err), &err, "more than one YAML document");
	expect_refusal(mr_yedit_set("a: *nope\n", 9, p_prov, 2, &v, &out,
	    &err), &err, "undefined alias");
	expect_refusal(mr_yedit_set("a: &r [*r]\n", 11, p_prov, 2, &v, &out,
	    &err), &err, "undefined alias");
	/* YAML 1.1 duplicates: yes and true are the same key */
	expect_refusal(mr_yedit_set("yes: 1\ntrue: 2\n", 15, p_prov, 2, &v,
	    &out, &err), &err, "duplicate key");
	/* paths through aliases and scalars */
	expect_refusal(mr_yedit_set("a: &x {b: 1}\nc: *x\n", 19, p_cd, 2, &v,
	    &out, &err), &err, "c is an alias");
	expect_refusal(mr_yedit_set("c: text\n", 8, p_cd, 2, &v, &out, &err),
	    &err, "c is a scalar, not a mapping");
	/* an edit that would change another place through an anchor */
	expect_refusal(mr_yedit_set("x: &v foo\ny: *v\n", 16, p_x, 1, &v,
	    &out, &err), &err, "would also change y");
	/* context floor, with a reason */
	expect_refusal(mr_hermes_use_proxy("", 0, &s, &out, &err), &err,
	    "below 64000");
	expect_refusal(mr_hermes_add_provider("", 0, &s, &out, &err), &err,
	    "below 64000");
	expect_refusal(mr_hermes_set("", 0, "model.context_length", "4096",
	    &out, &err), &err, "below 64000");
	expect_refusal(mr_hermes_set("", 0, "model.context_length", "128K",
	    &out, &err), &err, "whole number");
	s.context_length = 65536;
	s.base_url = "localhost:4000";
	expect_refusal(mr_hermes_use_proxy("", 0, &s, &out, &err), &err,
	    "http://");
	s.base_url = "http://x/v1";
	s.api_mode = "grpc";
	expect_refusal(mr_hermes_use_proxy("", 0, &s, &out, &err), &err,
	    "unknown api_mode");
	s.api_mode = NULL;
	s.key_env = "LD_PRELOAD";
	expect_refusal(mr_hermes_use_proxy("", 0, &s, &out, &err), &err,
	    "denylist");
	s.key_env = NULL;
	s.name = "bad name";
	expect_refusal(mr_hermes_use_proxy("", 0, &s, &out, &err), &err,
	    "provider name");
	s.name = "mr";
	s.model = NULL;
	expect_refusal(mr_hermes_use_proxy("", 0, &s, &out, &err), &err,
	    "model id");
	expect_refusal(mr_hermes_set_model("", 0, "custom:nope", "m", &out,
	    &err), &err, "no provider nope");
	expect_refusal(mr_hermes_set("", 0, "model.frobnicate", "1", &out,
	    &err), &err, "known keys");
	expect_refusal(mr_hermes_set("", 0, "providers.x.api", "ftp://x", &out,
	    &err), &err, "http://");
	text = slurp("duplicate.yaml", &len);
	expect_refusal(mr_hermes_set_model(text, len, "openrouter", "m", &out,
	    &err), &err, "duplicate key");
	free(text);
	mr_buf_release(&out);
}

/* Alias bombs and long alias chains cost what their text costs. */
static void
test_hostile(void **state)
{
	static const char *const p_prov[] = { "model", "provider" };
	struct mr_yvalue v = { .type = MR_YVAL_STR, .s = "custom:mr" };
	struct mr_buf text = MR_BUF_INIT, out = MR_BUF_INIT;
	struct mr_error err = MR_ERROR_INIT;
	struct mr_hermes_config c;
	int i, j;

	(void)state;
	/* a billion laughs: 10^9 leaves through aliases */
	mr_buf_addstr(&text, "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
	for (i = 1; i < 10; i++) {
		mr_buf_printf(&text, "l%d: &l%d [", i, i);
		for (j = 0; j < 10; j++)
			mr_buf_printf(&text, "%s*l%d", j ? ", " : "", i - 1);
		mr_buf_addstr(&text, "]\n");
	}
	mr_buf_addstr(&text, "model: {provider: x, <<: *l9}\n");
	assert_int_equal(mr_yedit_set(text.buf, text.len, p_prov, 2, &v, &out,
	    &err), 0);
	mr_buf_reset(&text);
	mr_buf_addstr(&text, "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
	for (i = 1; i < 10; i++) {
		mr_buf_printf(&text, "l%d: &l%d [", i, i);
		for (j = 0; j < 10; j++)
			mr_buf_printf(&text, "%s*l%d", j ? ", " : "", i - 1);
		mr_buf_addstr(&text, "]\n");
	}
	mr_buf_addstr(&text, "model: {provider: x}\n");
	assert_int_equal(mr_yedit_set(text.buf, text.len, p_prov, 2, &v, &out,
	    &err), 0);
	mr_hermes_config_init(&c);
	assert_int_equal(mr_hermes_config_parse(&c, out.buf, out.len, "b",
	    &err), 0);
	assert_string_equal(c.provider, "custom:mr");
	mr_hermes_config_release(&c);
	/* a chain of 5000 aliases, each inside the next */
	mr_buf_reset(&text);
	mr_buf_addstr(&text, "a0: &a0 [x]\n");
	for (i = 1; i < 5000; i++)
		mr_buf_printf(&text, "a%d: &a%d [*a%d]\n", i, i, i - 1);
	assert_true(mr_yedit_set(text.buf, text.len, p_prov, 2, &v, &out,
	    &err) >= -1);
	mr_error_clear(&err);
	/* nesting beyond the limit is refused, not recursed into */
	mr_buf_reset(&text);
	mr_buf_addstr(&text, "a: ");
	for (i = 0; i < 5000; i++)
		mr_buf_addch(&text, '[');
	assert_int_equal(mr_yedit_set(text.buf, text.len, p_prov, 2, &v, &out,
	    &err), -1);
	assert_non_null(strstr(err.msg, "nested too deeply"));
	mr_error_clear(&err);
	mr_buf_release(&text);
	mr_buf_release(&out);
}

/* ------------------------------------------------------------ reading */

static void
test_config_read(void **state)
{
	struct mr_hermes_config c;
	struct mr_error err = MR_ERROR_INIT;
	const struct mr_hermes_provider *p;
	size_t len;
	char *text;

	(void)state;
	text = slurp("basic.yaml", &len);
	mr_hermes_config_init(&c);
	assert_int_equal(mr_hermes_config_parse(&c, text, len, "b", &err), 0);
	assert_string_equal(c.provider, "openrouter");
	assert_string_equal(c.model, "anthropic/claude-sonnet-4");
	assert_string_equal(c.base_url, "https://openrouter.ai/api/v1");
	assert_true(c.has_api_key);
	assert_string_equal(c.api_key_ref, "OPENROUTER_API_KEY");
	assert_int_equal(c.nproviders, 1);
	p = &c.providers[0];
	assert_string_equal(p->key, "lab-vllm");
	assert_string_equal(p->name, "Lab vLLM");
	assert_string_equal(p->url, "http://10.0.0.5:8000/v1");
	assert_string_equal(p->key_env, "LAB_VLLM_API_KEY");
	assert_string_equal(p->api_mode, "chat_completions");
	assert_string_equal(p->default_model, "Qwen/Qwen3-32B");
	assert_int_equal(p->models[0].context_length, 131072);
	assert_int_equal(p->line, 14);
	assert_ptr_equal(mr_hermes_find_provider(&c, "custom:lab-vllm"), p);
	mr_hermes_config_release(&c);
	free(text);

	/* anchors, aliases and merge keys */
	text = slurp("anchors.yaml", &len);
	assert_int_equal(mr_hermes_config_parse(&c, text, len, "a", &err), 0);
	assert_int_equal(c.context_length, 131072);
	assert_int_equal(c.nproviders, 2);
	assert_string_equal(c.providers[0].api_mode, "chat_completions");
	assert_int_equal(c.providers[0].models[0].context_length, 131072);
	assert_string_equal(c.providers[1].url, "http://spare.lan:8000/v1");
	mr_hermes_config_release(&c);
	free(text);

	/* flow style, quoted strings, YAML 1.1 types */
	text = slurp("flow.yaml", &len);
	assert_int_equal(mr_hermes_config_parse(&c, text, len, "f", &err), 0);
	assert_string_equal(c.base_url, "https://openrouter.ai/api/v1");
	assert_int_equal(c.providers[0].models[0].context_length, 65536);
	mr_hermes_config_release(&c);
	free(text);
	text = slurp("quoted.yaml", &len);
	assert_int_equal(mr_hermes_config_parse(&c, text, len, "q", &err), 0);
	assert_string_equal(c.model, "no");
	assert_string_equal(c.provider, "custom");
	assert_string_equal(c.api_mode, "chat_completions");
	mr_hermes_config_release(&c);
	free(text);

	/* legacy list: slugs, model lists */
	text = slurp("legacy.yaml", &len);
	assert_int_equal(mr_hermes_config_parse(&c, text, len, "l", &err), 0);
	assert_int_equal(c.nproviders, 3);
	assert_true(c.providers[0].legacy);
	assert_string_equal(c.providers[0].key, "local-(localhost:8080)");
	assert_string_equal(c.providers[0].url, "http://localhost:8080/v1");
	assert_string_equal(c.providers[0].key_env,
	    "HERMES_CUSTOM_LOCALHOST_8080_API_KEY");
	assert_string_equal(c.providers[1].default_model, "llama3.1:8b");
	assert_int_equal(c.providers[2].nmodels, 2);
	assert_string_equal(c.providers[2].models[1].id, "google/gemma-3-12b");
	p = mr_hermes_find_provider(&c, c.provider);
	assert_ptr_equal(p, &c.providers[0]);
	assert_ptr_equal(mr_hermes_find_provider(&c, "custom:LM Studio"),
	    &c.providers[2]);
	mr_hermes_config_release(&c);
	free(text);

	/* aliases of keys and the enabled flag */
	text = slurp("profile-work.yaml", &len);
	assert_int_equal(mr_hermes_config_parse(&c, text, len, "p", &err), 0);
	p = &c.providers[0];
	assert_string_equal(p->url, "https://gateway.ai.cloudflare.com/v1/"
	    "acct/gw/compat");
	assert_string_equal(p->key_env, "CF_GATEWAY_KEY");
	assert_string_equal(p->api_mode, "openai");
	assert_string_equal(mr_hermes_api_mode(p->api_mode),
	    "chat_completions");
	assert_string_equal(p->default_model, "@openai/gpt-4o");
	assert_int_equal(p->nmodels, 2);
	assert_int_equal(p->models[0].context_length, 128000);
	assert_true(p->enabled);
	assert_false(c.providers[1].enabled);
	mr_hermes_config_release(&c);
	free(text);

	/* the old shape: model as a string, the rest at the root */
	text = slurp("model-string.yaml", &len);
	assert_int_equal(mr_hermes_config_parse(&c, text, len, "m", &err), 0);
	assert_string_equal(c.model, "gpt-4o-mini");
	assert_string_equal(c.provider, "custom");
	assert_string_equal(c.base_url, "http://localhost:8000/v1");
	assert_int_equal(c.context_length, 65536);
	mr_hermes_config_release(&c);
	free(text);

	/* unicode and a BOM */
	text = slurp("unicode.yaml", &len);
	assert_int_equal(mr_hermes_config_parse(&c, text, len, "u", &err), 0);
	assert_string_equal(c.model, "mod\xc3\xa8le-fran\xc3\xa7" "ais");
	assert_string_equal(c.providers[0].key, "\xe6\x9c\xac\xe5\x9c\xb0");
	mr_hermes_config_release(&c);
	free(text);

	/* empty files are empty configurations */
	assert_int_equal(mr_hermes_config_parse(&c, "", 0, "e", &err), 0);
	assert_null(c.provider);
	mr_hermes_config_release(&c);
	text = slurp("null-sections.yaml", &len);
	assert_int_equal(mr_hermes_config_parse(&c, text, len, "n", &err), 0);
	assert_int_equal(c.nproviders, 0);
	mr_hermes_config_release(&c);
	free(text);

	/* a context length Hermes would ignore is a warning */
	assert_int_equal(mr_hermes_config_parse(&c, "model:\n  context_length:"
	    " 128K\n", 30, "w", &err), 0);
	assert_int_equal(c.context_length, -1);
	assert_int_equal(c.warnings.n, 1);
	mr_hermes_config_release(&c);

	/* refusals name the file, line and column */
	text = slurp("duplicate.yaml", &len);
	assert_int_equal(mr_hermes_config_parse(&c, text, len, "dup.yaml",
	    &err), -1);
	text[0] = '\0';
	{
		char *m = errmsg(&err);

		assert_string_equal(m, "dup.yaml:4:3: duplicate key "
		    "\"provider\" (first at line 2)");
		free(m);
	}
	mr_error_clear(&err);
	mr_hermes_config_release(&c);
	free(text);
	assert_int_equal(mr_hermes_config_parse(&c, "- a\n", 4, "r.yaml",
	    &err), -1);
	assert_int_equal(err.line, 1);
	mr_error_clear(&err);
	mr_hermes_config_release(&c);
}

/* ----------------------------------------------------------------- .env */

static void
test_env(void **state)
{
	static const char text[] =
		"\xef\xbb\xbf# secrets\r\n"
		"OPENROUTER_API_KEY=sk-or-1   # inline comment\r\n"
		"export LAB_KEY = \"quoted # not a comment \\\" \\\\ x\"\r\n"
		"SINGLE='it''s'\r\n"
		"HASH=abc#def\r\n"
		"MULTI=\"line1\r\nline2\"\r\n"
		"\r\n"
		"EMPTY=\r\n"
		"not a line\r\n"
		"LAB_KEY=second\r\n";
	struct mr_hermes_env env;
	const struct mr_hermes_env_entry *e;
	struct mr_buf out = MR_BUF_INIT;
	struct mr_error err = MR_ERROR_INIT;

	(void)state;
	mr_hermes_env_parse(&env, text, strlen(text));
	assert_int_equal(env.n, 7);
	assert_string_equal(env.v[0].name, "OPENROUTER_API_KEY");
	assert_string_equal(env.v[0].value, "sk-or-1");
	assert_int_equal(env.v[0].line, 2);
	assert_true(env.v[1].exported);
	assert_string_equal(env.v[1].value, "quoted # not a comment \" \\ x");
	assert_string_equal(env.v[2].value, "it");
	assert_string_equal(env.v[3].value, "abc#def");
	assert_string_equal(env.v[4].value, "line1\r\nline2");
	assert_string_equal(env.v[5].value, "");
	assert_int_equal(env.v[6].line, 11);
	e = mr_hermes_env_find(&env, "LAB_KEY");
	assert_string_equal(e->value, "second");	/* the last one wins */
	mr_hermes_env_release(&env);

	/* replaced in place, all of its lines, keeping "export" */
	assert_int_equal(mr_hermes_env_set(text, strlen(text), "LAB_KEY",
	    "new key", &out, &err), 0);
	assert_string_equal(out.buf,
	    "\xef\xbb\xbf# secrets\r\n"
	    "OPENROUTER_API_KEY=sk-or-1   # inline comment\r\n"
	    "export LAB_KEY=\"new key\"\r\n"
	    "SINGLE='it''s'\r\n"
	    "HASH=abc#def\r\n"
	    "MULTI=\"line1\r\nline2\"\r\n"
	    "\r\n"
	    "EMPTY=\r\n"
	    "not a line\r\n"
	    "LAB_KEY=\"new key\"\r\n");
	assert_int_equal(mr_hermes_env_set(text, strlen(text), "MULTI",
	    "one", &out, &err), 0);
	assert_non_null(strstr(out.buf, "HASH=abc#def\r\nMULTI=one\r\n\r\n"));
	/* appended with the file's line ending */
	assert_int_equal(mr_hermes_env_set(text, strlen(text), "MR_KEY",
	    "sk-\"x\"\\y\r\n", &out, &err), 0);
	assert_non_null(strstr(out.buf, "LAB_KEY=second\r\nMR_KEY=\"sk-\\\"x"
	    "\\\"\\\\y\"\r\n"));
	assert_int_equal(mr_hermes_env_set("A=1", 3, "B", "", &out, &err), 0);
	assert_string_equal(out.buf, "A=1\nB=\n");
	assert_int_equal(mr_hermes_env_set("", 0, "B", "plain", &out, &err),
	    0);
	assert_string_equal(out.buf, "B=plain\n");
	assert_int_equal(mr_hermes_env_set("X = old # c\nY=2\n", 16, "X",
	    "new", &out, &err), 0);
	assert_string_equal(out.buf, "X=new\nY=2\n");
	/* unset */
	assert_int_equal(mr_hermes_env_unset(text, strlen(text), "LAB_KEY",
	    &out, &err), 0);
	assert_null(strstr(out.buf, "LAB_KEY"));
	assert_non_null(strstr(out.buf, "not a line\r\n"));
	assert_int_equal(mr_hermes_env_unset("A=1\n", 4, "B", &out, &err), 1);

	/* refusals never show the value */
	expect_refusal(mr_hermes_env_set("", 0, "1BAD", "s3cr3t", &out,
	    &err), &err, "not a valid variable name");
	expect_refusal(mr_hermes_env_set("", 0, "BAD-NAME", "s3cr3t", &out,
	    &err), &err, "not a valid variable name");
	expect_refusal(mr_hermes_env_set("", 0, "LD_PRELOAD", "s3cr3t", &out,
	    &err), &err, "denylist");
	expect_refusal(mr_hermes_env_set("", 0, "PYTHONPATH", "s3cr3t", &out,
	    &err), &err, "denylist");
	expect_refusal(mr_hermes_env_set("", 0, "HERMES_HOME", "s3cr3t", &out,
	    &err), &err, "denylist");
	assert_int_equal(mr_hermes_env_name_check("HERMES_MAX_ITERATIONS",
	    &err), 0);
	assert_int_equal(mr_hermes_env_set("", 0, "K", "s3cr3t\x01", &out,
	    &err), -1);
	assert_null(strstr(err.msg, "s3cr3t"));
	mr_error_clear(&err);
	assert_int_equal(mr_hermes_env_set("", 0, "K", "s3cr3t\xc3\xa9", &out,
	    &err), -1);
	assert_null(strstr(err.msg, "s3cr3t"));
	mr_error_clear(&err);
	mr_buf_release(&out);
}

/* ----------------------------------------------------------------- home */

static const char *fake_vars[16];

static const char *
fake_getenv(const char *name)
{
	size_t i;

	for (i = 0; fake_vars[i] != NULL; i += 2)
		if (strcmp(fake_vars[i], name) == 0)
			return fake_vars[i + 1];
	return NULL;
}

static void
put(const char *dir, const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	tmpdir_mkdirs(dir, rel, 0);
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *
home(const char *profile, struct mr_error *err)
{
	return mr_hermes_home(profile, fake_getenv, err);
}

static void
test_home(void **state)
{
	char dir[64], want[256], *h;
	struct mr_error err = MR_ERROR_INIT;
	struct mr_hermes_config c;

	(void)state;
	assert_int_equal(tmpdir_make(dir, sizeof(dir), "mr-hermes"), 0);
	fake_vars[0] = "HOME";
	fake_vars[1] = dir;
	fake_vars[2] = NULL;

	/* the default root, and the data dir suffix */
	h = home(NULL, &err);
	snprintf(want, sizeof(want), "%s/.hermes", dir);
	assert_string_equal(h, want);
	free(h);
	fake_vars[2] = "HERMES_DATA_DIR_SUFFIX";
	fake_vars[3] = "-dev";
	fake_vars[4] = NULL;
	h = home(NULL, &err);
	snprintf(want, sizeof(want), "%s/.hermes-dev", dir);
	assert_string_equal(h, want);
	free(h);
	fake_vars[2] = NULL;

	/* HERMES_HOME when set and not blank */
	fake_vars[2] = "HERMES_HOME";
	fake_vars[3] = "  /opt/data \n";
	fake_vars[4] = NULL;
	h = home(NULL, &err);
	assert_string_equal(h, "/opt/data");
	free(h);
	fake_vars[3] = "   ";
	h = home(NULL, &err);
	snprintf(want, sizeof(want), "%s/.hermes", dir);
	assert_string_equal(h, want);
	free(h);
	fake_vars[2] = NULL;

	/* a sticky profile */
	tmpdir_mkdirs(dir, ".hermes/profiles/work", 1);
	put(dir, ".hermes/active_profile", "work\n");
	h = home(NULL, &err);
	snprintf(want, sizeof(want), "%s/.hermes/profiles/work", dir);
	assert_string_equal(h, want);
	free(h);
	put(dir, ".hermes/active_profile", "default\n");
	h = home(NULL, &err);
	snprintf(want, sizeof(want), "%s/.hermes", dir);
	assert_string_equal(h, want);
	free(h);
	/* missing and tombstoned profiles are errors */
	put(dir, ".hermes/active_profile", "gone\n");
	assert_null(home(NULL, &err));
	assert_non_null(strstr(err.msg, "profile gone does not exist"));
	assert_non_null(strstr(err.msg, "active_profile"));
	mr_error_clear(&err);
	put(dir, ".hermes/profiles/.deleted/work", "deleted\n");
	put(dir, ".hermes/active_profile", "work\n");
	assert_null(home(NULL, &err));
	assert_non_null(strstr(err.msg, "was deleted"));
	mr_error_clear(&err);
	put(dir, ".hermes/active_profile", "../etc\n");
	assert_null(home(NULL, &err));
	mr_error_clear(&err);

	/* an explicit profile wins over HERMES_HOME and active_profile */
	tmpdir_mkdirs(dir, ".hermes/profiles/coder", 1);
	fake_vars[2] = "HERMES_HOME";
	snprintf(want, sizeof(want), "%s/.hermes/profiles/work", dir);
	fake_vars[3] = want;
	fake_vars[4] = NULL;
	h = home("coder", &err);
	snprintf(want, sizeof(want), "%s/.hermes/profiles/coder", dir);
	assert_string_equal(h, want);
	free(h);
	h = home("default", &err);
	snprintf(want, sizeof(want), "%s/.hermes", dir);
	assert_string_equal(h, want);
	free(h);
	assert_null(home("Bad Name", &err));
	mr_error_clear(&err);
	assert_null(home("work", &err));	/* tombstoned */
	mr_error_clear(&err);
	/* Docker layout: HERMES_HOME=<root>/profiles/<name> */
	tmpdir_mkdirs(dir, "data/profiles/a", 1);
	tmpdir_mkdirs(dir, "data/profiles/b", 1);
	snprintf(want, sizeof(want), "%s/data/profiles/a", dir);
	fake_vars[3] = want;
	h = home("b", &err);
	snprintf(want, sizeof(want), "%s/data/profiles/b", dir);
	assert_string_equal(h, want);
	free(h);
	fake_vars[2] = NULL;

	/* loading a home: names of secrets, never their values */
	put(dir, ".hermes/profiles/coder/config.yaml",
	    "model:\n  provider: custom:lab\n  default: m\n  api_key: "
	    "sk-inline-secret\nproviders:\n  lab:\n    api: http://x/v1\n"
	    "    key_env: LAB_KEY\n");
	put(dir, ".hermes/profiles/coder/.env",
	    "LAB_KEY=sk-very-secret\nEMPTY=\n");
	snprintf(want, sizeof(want), "%s/.hermes/profiles/coder", dir);
	mr_hermes_config_init(&c);
	assert_int_equal(mr_hermes_config_load(&c, want, &err), 0);
	assert_true(mr_hermes_secret_set(&c, "LAB_KEY"));
	assert_false(mr_hermes_secret_set(&c, "EMPTY"));
	assert_true(c.has_api_key);
	assert_null(c.api_key_ref);
	{
		struct mr_buf d = MR_BUF_INIT;

		mr_hermes_config_describe(&c, &d);
		assert_non_null(strstr(d.buf, "key LAB_KEY (set)"));
		assert_non_null(strstr(d.buf, "api_key   inline (hidden)"));
		assert_null(strstr(d.buf, "secret"));
		mr_buf_release(&d);
	}
	mr_hermes_config_release(&c);
	/* a home without files is an empty configuration */
	snprintf(want, sizeof(want), "%s/.hermes/profiles/work", dir);
	mr_hermes_config_init(&c);
	assert_int_equal(mr_hermes_config_load(&c, want, &err), 0);
	assert_int_equal(c.secrets.n, 0);
	mr_hermes_config_release(&c);
	assert_int_equal(tmpdir_remove(dir), 0);
}

/* YAML 1.1 scalar resolution, as Hermes's loader does it. */
static void
test_resolution(void **state)
{
	static const struct {
		const char	*text;
		enum mr_ytype	 type;
	} cases[] = {
		{ "yes", MR_YT_BOOL }, { "No", MR_YT_BOOL },
		{ "on", MR_YT_BOOL },
		{ "y", MR_YT_BOOL }, { "~", MR_YT_NULL }, { "", MR_YT_NULL },
		{ "0x1f", MR_YT_INT }, { "0755", MR_YT_INT },
		{ "1_000", MR_YT_INT }, { "190:20:30", MR_YT_INT },
		{ "0b101", MR_YT_INT }, { "1.5", MR_YT_FLOAT },
		{ ".inf", MR_YT_FLOAT }, { "1e5", MR_YT_STR },
		{ "089e44", MR_YT_STR }, { "0.5e-3", MR_YT_FLOAT },
		{ "\"@openai/gpt-4o\"", MR_YT_STR }, { "qwen3:32b", MR_YT_STR },
		{ "2024-01-02", MR_YT_OTHER }, { "<<", MR_YT_MERGE },
		{ "'yes'", MR_YT_STR }, { "!!str 5", MR_YT_STR },
		{ "!!int '7'", MR_YT_INT }, { "0o17", MR_YT_STR },
	};
	struct mr_ytree t;
	struct mr_error err = MR_ERROR_INIT;
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < MR_NELEM(cases); i++) {
		snprintf(buf, sizeof(buf), "k: %s\n", cases[i].text);
		assert_int_equal(mr_ytree_parse(&t, buf, strlen(buf), &err), 0);
		if (t.root->kids[1]->type != cases[i].type)
			fail_msg("%s: type %d", cases[i].text,
			    t.root->kids[1]->type);
		mr_ytree_free(&t);
	}
	assert_int_equal(mr_ytree_parse(&t, "k: 0x10\n", 8, &err), 0);
	assert_int_equal(t.root->kids[1]->ival, 16);
	mr_ytree_free(&t);
	/* byte offsets past multi-byte characters */
	assert_int_equal(mr_ytree_parse(&t, "\xc3\xbc: \"\xc3\xa9\"\nk: v\n",
	    14, &err), 0);
	assert_int_equal(t.root->kids[1]->start, 4);
	assert_int_equal(t.root->kids[1]->end, 8);
	assert_int_equal(t.root->kids[2]->start, 9);
	assert_int_equal(t.root->kids[2]->col, 1);
	mr_ytree_free(&t);
}

static const char *managed_env[4];	/* name, value pairs */

static const char *
managed_getenv(const char *name)
{
	size_t i;

	for (i = 0; i + 1 < 4; i += 2)
		if (managed_env[i] != NULL && strcmp(managed_env[i], name) == 0)
			return managed_env[i + 1];
	return NULL;
}

static void
test_managed(void **state)
{
	struct mr_hermes_managed m;
	struct mr_error err = MR_ERROR_INIT;
	char dir[64], *p, *home, *mdir;
	FILE *fp;

	(void)state;
	assert_int_equal(tmpdir_make(dir, sizeof(dir), "mr-managed"), 0);
	home = mr_xasprintf("%s/home", dir);
	mdir = mr_xasprintf("%s/etc/hermes", dir);
	tmpdir_mkdirs(dir, "home", 1);
	tmpdir_mkdirs(dir, "etc/hermes", 1);
	/* nothing managed */
	memset(managed_env, 0, sizeof(managed_env));
	assert_int_equal(mr_hermes_managed_load(&m, home, managed_getenv,
	    "/nonexistent", &err), 0);
	assert_false(m.locked);
	assert_null(m.dir);
	mr_hermes_managed_release(&m);
	/* /etc/hermes under the sysroot, its config's leaves */
	p = mr_xasprintf("%s/config.yaml", mdir);
	assert_non_null(fp = fopen(p, "w"));
	fputs("model:\n  provider: corp\n  extra: &x {a: 1}\n"
	    "providers:\n  corp:\n    api: http://gw/v1\n"
	    "other: *x\nempty: {}\n", fp);
	fclose(fp);
	assert_int_equal(mr_hermes_managed_load(&m, home, managed_getenv, dir,
	    &err), 0);
	assert_string_equal(m.dir, mdir);
	assert_non_null(mr_hermes_managed_pins(&m, "model.provider"));
	assert_non_null(mr_hermes_managed_pins(&m, "model"));	/* a parent */
	assert_non_null(mr_hermes_managed_pins(&m,
	    "providers.corp.api.x"));				/* a child */
	assert_non_null(mr_hermes_managed_pins(&m, "other.a"));	/* alias */
	assert_non_null(mr_hermes_managed_pins(&m, "empty"));
	assert_null(mr_hermes_managed_pins(&m, "model.default"));
	assert_null(mr_hermes_managed_pins(&m, "model.providerx"));
	assert_null(mr_hermes_managed_pins(&m, "providers.lab"));
	mr_hermes_managed_release(&m);
	/* HERMES_MANAGED_DIR wins; a broken managed config is an error */
	managed_env[0] = "HERMES_MANAGED_DIR";
	managed_env[1] = dir;
	p[0] = '\0';
	free(p);
	p = mr_xasprintf("%s/config.yaml", dir);
	assert_non_null(fp = fopen(p, "w"));
	fputs("model: [\n", fp);
	fclose(fp);
	assert_int_equal(mr_hermes_managed_load(&m, home, managed_getenv, NULL,
	    &err), -1);
	assert_non_null(err.msg);
	mr_error_clear(&err);
	mr_hermes_managed_release(&m);
	unlink(p);
	/* the package manager's lock: the variable, or a .managed file */
	managed_env[2] = "HERMES_MANAGED";
	managed_env[3] = "TRUE";
	assert_int_equal(mr_hermes_managed_load(&m, home, managed_getenv, NULL,
	    &err), 0);
	assert_true(m.locked);
	assert_string_equal(m.lock_reason, "HERMES_MANAGED=TRUE");
	mr_hermes_managed_release(&m);
	managed_env[3] = "false";
	free(p);
	p = mr_xasprintf("%s/.managed", home);
	assert_non_null(fp = fopen(p, "w"));
	fclose(fp);
	assert_int_equal(mr_hermes_managed_load(&m, home, managed_getenv, NULL,
	    &err), 0);
	assert_true(m.locked);
	assert_string_equal(m.lock_reason, p);
	mr_hermes_managed_release(&m);
	free(p);
	free(home);
	free(mdir);
	assert_int_equal(tmpdir_remove(dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolution),
		cmocka_unit_test(test_corpus_edits),
		cmocka_unit_test(test_corpus_every_node),
		cmocka_unit_test(test_exact_outputs),
		cmocka_unit_test(test_use_proxy),
		cmocka_unit_test(test_provider_edits),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_config_read),
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_home),
		cmocka_unit_test(test_managed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
