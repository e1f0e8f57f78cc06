/*
 * libFuzzer target for Hermes's config.yaml (a user's file is untrusted):
 * any input reads as settings or an error, and every edit either gives a
 * file that parses again and holds the new value, or is refused; never a
 * crash, a leak or a hang.  The same bytes go through the .env reader and
 * editor too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mr/hermes.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* An edit that was not refused must give YAML that parses again. */
static void
reparse(const struct mr_buf *out, const char *const *path, size_t depth,
    const struct mr_yvalue *v)
{
	struct mr_ytree t;
	struct mr_error err = MR_ERROR_INIT;
	const struct mr_ynode *n;
	size_t i;

	if (mr_ytree_parse(&t, out->buf, out->len, &err) < 0)
		abort();
	if (path != NULL) {
		n = t.root;
		for (i = 0; i < depth && n != NULL; i++)
			n = mr_ynode_get(n, path[i]);
		n = mr_ynode_deref(n);
		if (v == NULL && n != NULL)
			abort();
		if (v != NULL && v->type == MR_YVAL_STR && (n == NULL ||
		    n->kind != MR_YN_SCALAR || n->type != MR_YT_STR ||
		    strcmp(n->val, v->s) != 0))
			abort();
		if (v != NULL && v->type == MR_YVAL_INT && (n == NULL ||
		    n->type != MR_YT_INT || n->ival != v->i))
			abort();
	}
	mr_ytree_free(&t);
}

static void
done(struct mr_error *err)
{
	char *m;

	if (err->msg != NULL) {
		m = mr_error_format(err);
		free(m);
	}
	mr_error_clear(err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const p_prov[] = { "model", "provider" };
	static const char *const p_ctx[] = { "providers", "mr", "models",
		"qwen2.5:7b", "context_length" };
	static const char *const p_base[] = { "model", "base_url" };
	static const char *const p_item[] = { "custom_providers" };
	struct mr_yvalue vs = { .type = MR_YVAL_STR, .s = "custom:mr" };
	struct mr_yvalue vi = { .type = MR_YVAL_INT, .i = 65536 };
	struct mr_hermes_provider_spec spec = {
		"mr", "http://127.0.0.1:4000/v1", "@openai/gpt-4o", NULL,
		"MR_KEY", 65536
	};
	const char *text = (const char *)data;
	struct mr_error err = MR_ERROR_INIT;
	struct mr_hermes_config c;
	struct mr_hermes_env env;
	struct mr_buf out = MR_BUF_INIT, desc = MR_BUF_INIT;

	mr_hermes_config_init(&c);
	if (mr_hermes_config_parse(&c, text, size, "fuzz.yaml", &err) == 0)
		mr_hermes_config_describe(&c, &desc);
	done(&err);
	mr_hermes_config_release(&c);

	if (mr_yedit_set(text, size, p_prov, 2, &vs, &out, &err) >= 0)
		reparse(&out, p_prov, 2, &vs);
	done(&err);
	if (mr_yedit_set(text, size, p_ctx, 5, &vi, &out, &err) >= 0)
		reparse(&out, p_ctx, 5, &vi);
	done(&err);
	if (mr_yedit_delete(text, size, p_base, 2, &out, &err) >= 0)
		reparse(&out, p_base, 2, NULL);
	done(&err);
	if (mr_yedit_delete_item(text, size, p_item, 1, 0, &out, &err) >= 0)
		reparse(&out, NULL, 0, NULL);
	done(&err);
	if (mr_hermes_use_proxy(text, size, &spec, &out, &err) >= 0)
		reparse(&out, p_prov, 2, &vs);
	done(&err);
	if (mr_hermes_remove_provider(text, size, "lab", &out, &err) >= 0)
		reparse(&out, NULL, 0, NULL);
	done(&err);

	mr_hermes_env_parse(&env, text, size);
	mr_hermes_env_release(&env);
	if (mr_hermes_env_set(text, size, "MR_KEY", "sk \"x\" #1", &out,
	    &err) == 0) {
		mr_hermes_env_parse(&env, out.buf, out.len);
		if (env.n == 0 || strcmp(mr_hermes_env_find(&env,
		    "MR_KEY")->value, "sk \"x\" #1") != 0)
			abort();
		mr_hermes_env_release(&env);
	}
	done(&err);

	mr_buf_release(&out);
	mr_buf_release(&desc);
	return 0;
}
