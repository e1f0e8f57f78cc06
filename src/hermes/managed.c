/*
 * Hermes's managed installs (hermes-config.md §1.4): a managed scope
 * (HERMES_MANAGED_DIR, or /etc/hermes) whose config.yaml is merged over
 * the user's leaf by leaf, the managed value winning; and a package
 * manager's lock (HERMES_MANAGED=true, or <home>/.managed) under which
 * Hermes refuses to write its config at all.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mr/hermes.h"

static const char *
genv_default(const char *name)
{
	return getenv(name);
}

/* The dotted paths of the leaves under mapping N. */
static void
leaves(const struct mr_ytree *t, const struct mr_ynode *n, const char *prefix,
    struct mr_strlist *out, int depth)
{
	const struct mr_ynode *k, *v;
	char *path;
	size_t i;

	n = mr_ynode_deref(n);
	if (n == NULL || n->kind != MR_YN_MAP || depth > 16)
		return;
	for (i = 0; i + 1 < n->nkids; i += 2) {
		k = mr_ynode_deref(n->kids[i]);
		v = mr_ynode_deref(n->kids[i + 1]);
		if (k == NULL || k->kind != MR_YN_SCALAR || k->type == MR_YT_MERGE)
			continue;
		path = prefix[0] ? mr_xasprintf("%s.%s", prefix, k->val) :
		    mr_xstrdup(k->val);
		if (v != NULL && v->kind == MR_YN_MAP && v->nkids > 0)
			leaves(t, v, path, out, depth + 1);
		else
			mr_strlist_push(out, path);
		free(path);
	}
}

int
mr_hermes_managed_load(struct mr_hermes_managed *m, const char *home,
    mr_getenv_fn genv, const char *sysroot, struct mr_error *err)
{
	struct mr_buf b = MR_BUF_INIT;
	struct mr_ytree t;
	struct stat st;
	const char *v;
	char *p;
	int rc = 0;

	memset(m, 0, sizeof(*m));
	if (genv == NULL)
		genv = genv_default;
	/* the package manager's lock */
	v = genv("HERMES_MANAGED");
	if (v != NULL && (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0 ||
	    strcasecmp(v, "yes") == 0))
		m->lock_reason = mr_xasprintf("HERMES_MANAGED=%s", v);
	else if (home != NULL) {
		p = mr_xasprintf("%s/.managed", home);
		if (access(p, F_OK) == 0)
			m->lock_reason = mr_xstrdup(p);
		free(p);
	}
	m->locked = m->lock_reason != NULL;
	/* the managed scope */
	v = genv("HERMES_MANAGED_DIR");
	if (v != NULL && *v)
		m->dir = mr_xstrdup(v);
	else {
		p = mr_xasprintf("%s/etc/hermes", sysroot ? sysroot : "");
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
			m->dir = p;
		else
			free(p);
	}
	if (m->dir == NULL)
		return 0;
	p = mr_xasprintf("%s/config.yaml", m->dir);
	if (access(p, F_OK) != 0) {
		free(p);
		return 0;
	}
	m->config = p;
	if (mr_read_file(p, 16 << 20, &b) < 0) {
		mr_error_set(err, p, 0, 0, "cannot read the managed config");
		mr_buf_release(&b);
		return -1;
	}
	if (mr_ytree_parse(&t, b.buf, b.len, err) < 0) {
		if (err != NULL && err->file == NULL)
			err->file = mr_xstrdup(p);
		rc = -1;
	} else {
		leaves(&t, t.root, "", &m->keys, 0);
		mr_ytree_free(&t);
	}
	mr_buf_release(&b);
	return rc;
}

void
mr_hermes_managed_release(struct mr_hermes_managed *m)
{
	free(m->dir);
	free(m->config);
	free(m->lock_reason);
	mr_strlist_clear(&m->keys);
	memset(m, 0, sizeof(*m));
}

/* Whether A is B or one is a dotted prefix of the other. */
static bool
overlaps(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b), n = na < nb ? na : nb;

	return strncmp(a, b, n) == 0 && (na == nb || (na < nb ? b[na] :
	    a[nb]) == '.');
}

const char *
mr_hermes_managed_pins(const struct mr_hermes_managed *m, const char *dotted)
{
	size_t i;

	for (i = 0; i < m->keys.n; i++)
		if (overlaps(m->keys.v[i], dotted))
			return m->keys.v[i];
	return NULL;
}
