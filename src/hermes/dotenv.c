/*
 * Hermes's .env: reading it the way Hermes (python-dotenv) does, and
 * setting one key as text in, text out.
 *
 * Only the assignment lines of the key being set are rewritten; every
 * other byte (comments, blank lines, other keys, CRLF) stays.  Values are
 * secrets: they never go into an error message.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mr/hermes.h"

#define ENV_MAX_VALUE	8192

static void
push(struct mr_hermes_env *env, struct mr_hermes_env_entry *e)
{
	if (env->n == env->alloc) {
		env->alloc = env->alloc ? env->alloc * 2 : 16;
		env->v = mr_xrealloc(env->v, env->alloc * sizeof(*env->v));
	}
	env->v[env->n++] = *e;
}

static bool
blank(int c)
{
	return c == ' ' || c == '\t';
}

void
mr_hermes_env_parse(struct mr_hermes_env *env, const char *text, size_t len)
{
	struct mr_hermes_env_entry e;
	struct mr_buf val = MR_BUF_INIT;
	size_t pos = 0, le, next, p, ks, ke, c;
	const char *nl;
	int line = 0, lines;
	char q;

	memset(env, 0, sizeof(*env));
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len) {
		line++;
		nl = memchr(text + pos, '\n', len - pos);
		le = nl ? (size_t)(nl - text) : len;
		next = nl ? le + 1 : len;
		if (le > pos && text[le - 1] == '\r')
			le--;
		p = pos;
		while (p < le && blank(text[p]))
			p++;
		if (p == le || text[p] == '#')
			goto skip;
		memset(&e, 0, sizeof(e));
		if (le - p > 7 && memcmp(text + p, "export", 6) == 0 &&
		    blank(text[p + 6])) {
			e.exported = true;
			p += 7;
			while (p < le && blank(text[p]))
				p++;
		}
		ks = p;
		while (p < le && !blank(text[p]) && text[p] != '=')
			p++;
		ke = p;
		while (p < le && blank(text[p]))
			p++;
		if (ke == ks || p == le || text[p] != '=')
			goto skip;
		p++;
		while (p < le && blank(text[p]))
			p++;
		mr_buf_reset(&val);
		lines = 0;
		if (p < le && (text[p] == '"' || text[p] == '\'')) {
			/* A quoted value ends at its matching quote, which
			 * may be on a later line. */
			q = text[p];
			for (c = p + 1; c < len && text[c] != q; c++) {
				if (q == '"' && text[c] == '\\' &&
				    c + 1 < len &&
				    (text[c + 1] == '"' || text[c + 1] == '\\'))
					c++;
				if (text[c] == '\n')
					lines++;
				mr_buf_addch(&val, text[c]);
			}
			if (c >= len)
				goto skip;	/* unterminated: ignored */
			nl = memchr(text + c, '\n', len - c);
			next = nl ? (size_t)(nl - text) + 1 : len;
		} else {
			for (c = p; c < le; c++) {
				if (text[c] == '#' && c > p &&
				    blank(text[c - 1]))
					break;
			}
			while (c > p && blank(text[c - 1]))
				c--;
			mr_buf_add(&val, text + p, c - p);
		}
		e.name = mr_xstrndup(text + ks, ke - ks);
		e.value = mr_xstrndup(val.buf, val.len);
		e.line = line;
		e.start = pos;
		e.end = next;
		push(env, &e);
		line += lines;
skip:
		pos = next;
	}
	mr_buf_release(&val);
}

void
mr_hermes_env_release(struct mr_hermes_env *env)
{
	size_t i;

	for (i = 0; i < env->n; i++) {
		free(env->v[i].name);
		if (env->v[i].value != NULL) {
			/* secrets should not linger in freed memory */
			memset(env->v[i].value, 0, strlen(env->v[i].value));
			free(env->v[i].value);
		}
	}
	free(env->v);
	memset(env, 0, sizeof(*env));
}

const struct mr_hermes_env_entry *
mr_hermes_env_find(const struct mr_hermes_env *env, const char *name)
{
	size_t i;

	for (i = env->n; i > 0; i--)
		if (strcmp(env->v[i - 1].name, name) == 0)
			return &env->v[i - 1];
	return NULL;
}

/* Names Hermes will not let its .env writer persist: they change how
 * programs load code or where Hermes finds itself. */
static const char *const deny_exact[] = {
	"PATH", "SHELL", "EDITOR", "VISUAL", "PAGER", "BROWSER",
	"NODE_OPTIONS", "NODE_PATH", "GIT_SSH", "GIT_SSH_COMMAND",
	"GIT_ASKPASS", "GIT_EXEC_PATH", "GIT_CONFIG", "GIT_CONFIG_GLOBAL",
	"GIT_CONFIG_SYSTEM", "BASH_ENV", "ENV", "IFS", "HOME",
	"HERMES_HOME", "HERMES_PROFILE", "HERMES_CONFIG", "HERMES_ENV",
	NULL
};
static const char *const deny_prefix[] = {
	"LD_", "DYLD_", "PYTHON", NULL
};

static int
name_check(const char *name, bool deny, struct mr_error *err)
{
	size_t i;
	const char *p;

	if (name == NULL || !((name[0] >= 'A' && name[0] <= 'Z') ||
	    (name[0] >= 'a' && name[0] <= 'z') || name[0] == '_'))
		goto bad;
	for (p = name; *p != '\0'; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '_'))
			goto bad;
	if (p - name > 128)
		goto bad;
	if (!deny)
		return 0;
	for (i = 0; deny_exact[i] != NULL; i++)
		if (strcasecmp(name, deny_exact[i]) == 0)
			goto deny;
	for (i = 0; deny_prefix[i] != NULL; i++)
		if (strncasecmp(name, deny_prefix[i],
		    strlen(deny_prefix[i])) == 0)
			goto deny;
	return 0;
bad:
	mr_error_set(err, NULL, 0, 0, "\"%.64s\" is not a valid variable name "
	    "(letters, digits and '_', not starting with a digit)",
	    name ? name : "");
	return -1;
deny:
	mr_error_set(err, NULL, 0, 0, "refusing to put %s in Hermes's .env: "
	    "it changes how programs run (Hermes's denylist)", name);
	return -1;
}

int
mr_hermes_env_name_check(const char *name, struct mr_error *err)
{
	return name_check(name, true, err);
}

static const char *
file_eol(const char *text, size_t len)
{
	const char *nl = memchr(text, '\n', len);

	return nl != NULL && nl > text && nl[-1] == '\r' ? "\r\n" : "\n";
}

/* NAME=VALUE as Hermes writes it. */
static int
render(struct mr_buf *b, const char *name, const char *value, bool exported,
    struct mr_error *err)
{
	const unsigned char *p;
	bool quote = false;
	size_t n = 0;

	for (p = (const unsigned char *)value; *p != '\0'; p++) {
		if (*p == '\r' || *p == '\n')
			continue;	/* a pasted key's line break */
		if (*p < 0x20 && *p != '\t') {
			mr_error_set(err, NULL, 0, 0, "the value for %s has "
			    "control characters", name);
			return -1;
		}
		if (*p >= 0x7f) {
			/* Hermes strips these from credentials; a silently
			 * different key is worse than a clear refusal. */
			mr_error_set(err, NULL, 0, 0, "the value for %s has "
			    "non-ASCII characters", name);
			return -1;
		}
		if (*p == '#' || *p == '"' || *p == '\'' || *p == ' ' ||
		    *p == '\t')
			quote = true;
		n++;
	}
	if (n > ENV_MAX_VALUE) {
		mr_error_set(err, NULL, 0, 0, "the value for %s is too long",
		    name);
		return -1;
	}
	if (exported)
		mr_buf_addstr(b, "export ");
	mr_buf_addstr(b, name);
	mr_buf_addch(b, '=');
	if (quote)
		mr_buf_addch(b, '"');
	for (p = (const unsigned char *)value; *p != '\0'; p++) {
		if (*p == '\r' || *p == '\n')
			continue;
		if (quote && (*p == '\\' || *p == '"'))
			mr_buf_addch(b, '\\');
		mr_buf_addch(b, *p);
	}
	if (quote)
		mr_buf_addch(b, '"');
	return 0;
}

/* The line break that ends the byte range [S, E), or "" at the end. */
static const char *
range_eol(const char *text, size_t s, size_t e)
{
	if (e == s || text[e - 1] != '\n')
		return "";
	return e - s >= 2 && text[e - 2] == '\r' ? "\r\n" : "\n";
}

/* Reads OUT back: NAME must come out as VALUE (without CR and LF).  A
 * quote left open earlier in the file would swallow the new line. */
static int
readback(const struct mr_buf *out, const char *name, const char *value,
    struct mr_error *err)
{
	struct mr_hermes_env env;
	const struct mr_hermes_env_entry *e;
	const char *v, *p;
	int rc = -1;

	mr_hermes_env_parse(&env, out->buf, out->len);
	if ((e = mr_hermes_env_find(&env, name)) != NULL) {
		for (v = e->value, p = value; *p != '\0'; p++) {
			if (*p == '\r' || *p == '\n')
				continue;
			if (*v++ != *p)
				break;
		}
		if (*p == '\0' && *v == '\0')
			rc = 0;
	}
	mr_hermes_env_release(&env);
	if (rc < 0)
		mr_error_set(err, NULL, 0, 0, "refusing to edit .env: %s would "
		    "not read back (is a quote left open on an earlier line?)",
		    name);
	return rc;
}

int
mr_hermes_env_set(const char *text, size_t len, const char *name,
    const char *value, struct mr_buf *out, struct mr_error *err)
{
	struct mr_hermes_env env;
	struct mr_buf line = MR_BUF_INIT;
	size_t i, pos = 0;
	bool found = false;
	int rc = 0;

	if (mr_hermes_env_name_check(name, err) < 0)
		return -1;
	if (value == NULL)
		value = "";
	mr_buf_reset(out);
	mr_hermes_env_parse(&env, text, len);
	for (i = 0; i < env.n; i++) {
		if (strcmp(env.v[i].name, name) != 0)
			continue;
		mr_buf_reset(&line);
		if (render(&line, name, value, env.v[i].exported, err) < 0) {
			rc = -1;
			goto out;
		}
		mr_buf_add(out, text + pos, env.v[i].start - pos);
		mr_buf_add(out, line.buf, line.len);
		mr_buf_addstr(out, range_eol(text, env.v[i].start,
		    env.v[i].end));
		pos = env.v[i].end;
		found = true;
	}
	mr_buf_add(out, text + pos, len - pos);
	if (!found) {
		if (render(&line, name, value, false, err) < 0) {
			rc = -1;
			goto out;
		}
		if (len > 0 && text[len - 1] != '\n')
			mr_buf_addstr(out, file_eol(text, len));
		mr_buf_add(out, line.buf, line.len);
		mr_buf_addstr(out, file_eol(text, len));
	}
	rc = readback(out, name, value, err);
out:
	if (line.alloc > 0)
		memset(line.buf, 0, line.alloc);
	mr_buf_release(&line);
	mr_hermes_env_release(&env);
	if (rc < 0)
		mr_buf_reset(out);
	return rc;
}

int
mr_hermes_env_unset(const char *text, size_t len, const char *name,
    struct mr_buf *out, struct mr_error *err)
{
	struct mr_hermes_env env;
	size_t i, pos = 0;
	int rc = 1;

	/* a denylisted name may be removed, just not written */
	if (name_check(name, false, err) < 0)
		return -1;
	mr_buf_reset(out);
	mr_hermes_env_parse(&env, text, len);
	for (i = 0; i < env.n; i++) {
		if (strcmp(env.v[i].name, name) != 0)
			continue;
		mr_buf_add(out, text + pos, env.v[i].start - pos);
		pos = env.v[i].end;
		rc = 0;
	}
	mr_buf_add(out, text + pos, len - pos);
	mr_hermes_env_release(&env);
	return rc;
}
