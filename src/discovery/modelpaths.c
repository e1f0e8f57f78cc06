/*
 * Model store locations and GGUF file-name conventions.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "mr/modelpaths.h"

static const char *
env(mr_getenv_fn fn, const char *name)
{
	const char *v = fn ? fn(name) : getenv(name);

	return v && *v ? v : NULL;
}

static bool
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static char *
home_join(mr_getenv_fn fn, const char *rest)
{
	const char *home = env(fn, "HOME");

	return mr_xasprintf("%s%s", home ? home : "", rest);
}

/* Trims whitespace at both ends in place. */
static char *
trim(char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

char *
mr_lmstudio_home(mr_getenv_fn fn)
{
	struct mr_buf b = MR_BUF_INIT;
	char *ptr = home_join(fn, "/.lmstudio-home-pointer"), *p, *out;

	if (mr_read_file(ptr, 4096, &b) == 0 && *(p = trim(b.buf)) == '/') {
		out = mr_xstrdup(p);
		goto done;
	}
	out = home_join(fn, "/.cache/lm-studio");
	if (!is_dir(out)) {
		free(out);
		out = home_join(fn, "/.lmstudio");
	}
done:
	free(ptr);
	mr_buf_release(&b);
	return out;
}

char *
mr_lmstudio_models_dir(const char *home)
{
	struct mr_buf b = MR_BUF_INIT;
	char *settings = mr_xasprintf("%s/settings.json", home), *out = NULL;
	const cJSON *f;
	cJSON *j;

	if (mr_read_file(settings, 1 << 20, &b) == 0 &&
	    (j = cJSON_ParseWithLength(b.buf, b.len)) != NULL) {
		f = cJSON_GetObjectItemCaseSensitive(j, "downloadsFolder");
		if (cJSON_IsString(f) && f->valuestring[0] != '\0')
			out = mr_expand_home(f->valuestring);
		cJSON_Delete(j);
	}
	if (out == NULL)
		out = mr_xasprintf("%s/models", home);
	free(settings);
	mr_buf_release(&b);
	return out;
}

char *
mr_hf_hub_cache(mr_getenv_fn fn)
{
	const char *v;

	if ((v = env(fn, "HF_HUB_CACHE")) != NULL ||
	    (v = env(fn, "HUGGINGFACE_HUB_CACHE")) != NULL)
		return mr_expand_home(v);
	if ((v = env(fn, "HF_HOME")) != NULL) {
		char *h = mr_expand_home(v), *out;

		out = mr_xasprintf("%s/hub", h);
		free(h);
		return out;
	}
	if ((v = env(fn, "XDG_CACHE_HOME")) != NULL)
		return mr_xasprintf("%s/huggingface/hub", v);
	return home_join(fn, "/.cache/huggingface/hub");
}

char *
mr_ollama_models_dir(mr_getenv_fn fn)
{
	const char *v = env(fn, "OLLAMA_MODELS");

	return v ? mr_expand_home(v) : home_join(fn, "/.ollama/models");
}

char *
mr_llamacpp_cache(mr_getenv_fn fn)
{
	const char *v;

	if ((v = env(fn, "LLAMA_CACHE")) != NULL)
		return mr_expand_home(v);
#ifdef __APPLE__
	return home_join(fn, "/Library/Caches/llama.cpp");
#else
	if ((v = env(fn, "XDG_CACHE_HOME")) != NULL)
		return mr_xasprintf("%s/llama.cpp", v);
	return home_join(fn, "/.cache/llama.cpp");
#endif
}

static bool
digits(const char *s, size_t n, unsigned *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		*v = *v * 10 + (unsigned)(s[i] - '0');
	}
	return true;
}

bool
mr_gguf_shard(const char *name, unsigned *index, unsigned *count,
    size_t *stem_len)
{
	/* <stem>-NNNNN-of-NNNNN.gguf */
	static const size_t tail = sizeof("-00001-of-00003.gguf") - 1;
	size_t n = strlen(name);
	const char *t;

	if (n <= tail)
		return false;
	t = name + n - tail;
	if (t[0] != '-' || strncmp(t + 6, "-of-", 4) != 0 ||
	    strcmp(t + 15, ".gguf") != 0 || !digits(t + 1, 5, index) ||
	    !digits(t + 10, 5, count) || *index == 0 || *count == 0 ||
	    *index > *count)
		return false;
	*stem_len = n - tail;
	return true;
}

bool
mr_gguf_name_quant(const char *name, char *out, size_t n)
{
	static const char *const known[] = {
		"IQ1_S", "IQ1_M", "IQ2_XXS", "IQ2_XS", "IQ2_S", "IQ2_M",
		"IQ3_XXS", "IQ3_XS", "IQ3_S", "IQ3_M", "IQ4_XS", "IQ4_NL",
		"Q2_K_S", "Q2_K_L", "Q2_K", "Q3_K_S", "Q3_K_M", "Q3_K_L",
		"Q3_K_XL", "Q4_K_S", "Q4_K_M", "Q4_K_L", "Q4_K_XL", "Q4_0",
		"Q4_1", "Q5_K_S", "Q5_K_M", "Q5_K_L", "Q5_K_XL", "Q5_0",
		"Q5_1", "Q6_K", "Q6_K_L", "Q6_K_XL", "Q8_0", "Q8_K_XL",
		"TQ1_0", "TQ2_0", "MXFP4", "BF16", "F16", "F32",
	};
	size_t i, k, len = strlen(name), best = 0;
	const char *hit = NULL;

	/* the longest known token standing between separators */
	for (i = 0; i < len; i++) {
		if (i > 0 && name[i - 1] != '-' && name[i - 1] != '.' &&
		    name[i - 1] != '_')
			continue;
		for (k = 0; k < MR_NELEM(known); k++) {
			size_t kl = strlen(known[k]);
			char after;

			if (kl <= best || strncasecmp(name + i, known[k], kl) != 0)
				continue;
			after = name[i + kl];
			if (after != '\0' && after != '-' && after != '.')
				continue;
			best = kl;
			hit = known[k];
		}
	}
	if (hit == NULL || n <= best)
		return false;
	memcpy(out, hit, best + 1);
	return true;
}
