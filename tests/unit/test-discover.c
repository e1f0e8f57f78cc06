/*
 * End-to-end test of discovery: a fixture home (LM Studio with a moved
 * downloads folder, Ollama, the Hugging Face cache, llama.cpp's cache,
 * ~/models with bad input), a fixture /proc, and fake servers on
 * 127.0.0.1; the JSON document is checked field by field.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>

#include "mr/discover.h"

#include "fake-servers.h"
#include "scan-fixture.h"
#include "tmpdir.h"

static char root[64];
static char home[128];

static const char *
fake_getenv(const char *name)
{
	return strcmp(name, "HOME") == 0 ? home : NULL;
}

/* What the callbacks saw, and in which order. */
struct seen {
	unsigned	 progress, hardware, servers, models, warnings;
	bool		 done_last;
};

static void
on_progress(void *ctx, const char *what)
{
	struct seen *s = ctx;

	s->progress++;
	s->done_last = strcmp(what, "done") == 0;
}

static void
on_hardware(void *ctx, const struct mr_hardware *hw)
{
	(void)hw;
	((struct seen *)ctx)->hardware++;
}

static void
on_server(void *ctx, const struct mr_server_result *r)
{
	(void)r;
	((struct seen *)ctx)->servers++;
}

static void
on_model(void *ctx, const struct mr_model *m)
{
	assert_non_null(m->name);
	((struct seen *)ctx)->models++;
}

static void
on_warning(void *ctx, const char *msg)
{
	(void)msg;
	((struct seen *)ctx)->warnings++;
}

static const cJSON *
at(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (v == NULL)
		fail_msg("no key %s", key);
	return v;
}

static void
is_num(const cJSON *o, const char *key, double want)
{
	const cJSON *v = at(o, key);

	if (!cJSON_IsNumber(v) || v->valuedouble != want)
		fail_msg("%s: want %.0f", key, want);
}

static void
is_str(const cJSON *o, const char *key, const char *want)
{
	const cJSON *v = at(o, key);

	if (!cJSON_IsString(v) || strcmp(v->valuestring, want) != 0)
		fail_msg("%s: want \"%s\"", key, want);
}

static void
is_null(const cJSON *o, const char *key)
{
	assert_true(cJSON_IsNull(at(o, key)));
}

static void
is_bool(const cJSON *o, const char *key, bool want)
{
	const cJSON *v = at(o, key);

	assert_true(cJSON_IsBool(v));
	assert_int_equal(cJSON_IsTrue(v), want);
}

/* The element of list ARR whose KEY is VALUE. */
static const cJSON *
find(const cJSON *arr, const char *key, const char *value)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, arr) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, key);

		if (cJSON_IsString(v) && strcmp(v->valuestring, value) == 0)
			return e;
	}
	fail_msg("no %s %s", key, value);
	return NULL;
}

static bool
warned(const cJSON *list, const char *needle)
{
	const cJSON *w;

	cJSON_ArrayForEach(w, list)
		if (strstr(w->valuestring, needle) != NULL)
			return true;
	return false;
}

static void
test_discover(void **state)
{
	struct MHD_Daemon *dl, *dol, *dlc, *dh, *dw;
	unsigned pl = 0, pol = 0, plc = 0, ph = 0, pw = 0;
	char urls[6][64], sysroot[128], p[512];
	const char *servers[6];
	struct mr_discover_opts o;
	struct mr_discover_cb cb;
	struct mr_discovery d;
	struct seen s;
	const cJSON *hw, *srv, *m, *list, *f;
	cJSON *j;

	(void)state;
	assert_int_equal(fixture_home(root), 0);
	assert_non_null(dl = fake_start(F_LMSTUDIO, &pl));
	assert_non_null(dol = fake_start(F_OLLAMA, &pol));
	assert_non_null(dlc = fake_start(F_LLAMACPP, &plc));
	assert_non_null(dh = fake_start(F_HANG, &ph));
	assert_non_null(dw = fake_start(F_HTML, &pw));
	snprintf(urls[0], sizeof(urls[0]), "http://127.0.0.1:%u", pl);
	snprintf(urls[1], sizeof(urls[1]), "http://127.0.0.1:%u/v1", pol);
	snprintf(urls[2], sizeof(urls[2]), "http://127.0.0.1:%u", plc);
	snprintf(urls[3], sizeof(urls[3]), "http://127.0.0.1:%u", ph);
	snprintf(urls[4], sizeof(urls[4]), "http://127.0.0.1:%u", pw);
	snprintf(urls[5], sizeof(urls[5]), "http://127.0.0.1:%u",
	    fake_closed_port());
	for (int i = 0; i < 6; i++)
		servers[i] = urls[i];
	snprintf(sysroot, sizeof(sysroot), "%s/sys", root);

	memset(&o, 0, sizeof(o));
	o.servers = servers;
	o.nservers = 6;
	o.no_default_servers = true;
	o.timeout_ms = 800;
	o.getenv_fn = fake_getenv;
	o.sysroot = sysroot;
	memset(&s, 0, sizeof(s));
	cb.progress = on_progress;
	cb.hardware = on_hardware;
	cb.server = on_server;
	cb.model = on_model;
	cb.warning = on_warning;
	cb.ctx = &s;
	mr_discover(&o, &cb, &d);

	/* the callbacks saw everything the result holds */
	assert_int_equal(s.hardware, 1);
	assert_int_equal(s.servers, 6);
	assert_int_equal(s.models, d.nmodels);
	assert_int_equal(s.warnings, d.warnings.n);
	assert_true(s.progress >= 3);
	assert_true(s.done_last);

	j = mr_discovery_json(&d);
	assert_non_null(j);
	is_str(j, "schema", "model-router/setup-scan/1");
	is_num(j, "min_context", 65536);

	hw = at(j, "hardware");
	is_num(at(hw, "memory"), "total_bytes", 33554432.0 * 1024);
	is_num(at(hw, "memory"), "available_bytes", 25165824.0 * 1024);
	is_null(at(hw, "memory"), "cgroup_limit_bytes");
	is_str(at(hw, "cpu"), "model", "Fixture CPU 8000");
	is_num(at(hw, "cpu"), "cores", 2);
	is_num(at(hw, "cpu"), "threads", 2);
	assert_int_equal(cJSON_GetArraySize(at(hw, "gpus")), 0);

	/* servers, in the order given */
	list = at(j, "servers");
	assert_int_equal(cJSON_GetArraySize(list), 6);
	srv = cJSON_GetArrayItem(list, 0);
	is_str(srv, "url", urls[0]);
	is_str(srv, "kind", "lmstudio");
	is_bool(srv, "reachable", true);
	is_null(srv, "problem");
	m = find(at(srv, "models"), "id", "qwen/qwen3-8b");
	is_bool(m, "loaded", true);
	is_num(m, "loaded_context", 4096);
	is_num(m, "max_context", 40960);
	is_bool(m, "context_ok", false);
	is_bool(m, "tools", true);
	is_str(m, "quantization", "Q4_K_M");
	m = find(at(srv, "models"), "id", "google/gemma-3-12b");
	is_bool(m, "loaded", false);
	is_null(m, "loaded_context");
	is_null(m, "context_ok");
	is_bool(m, "tools", false);

	srv = cJSON_GetArrayItem(list, 1);
	/* reported without the /v1 it was given with */
	snprintf(p, sizeof(p), "http://127.0.0.1:%u", pol);
	is_str(srv, "url", p);
	is_str(srv, "kind", "ollama");
	is_str(srv, "version", "0.12.3");
	m = find(at(srv, "models"), "id", "qwen3:8b");
	is_num(m, "loaded_context", 65536);
	is_bool(m, "context_ok", true);
	is_num(m, "max_context", 40960);
	is_bool(m, "tools", true);
	m = find(at(srv, "models"), "id", "llama3.2:3b");
	is_bool(m, "loaded", false);
	is_num(m, "max_context", 131072);
	is_bool(m, "tools", false);

	srv = cJSON_GetArrayItem(list, 2);
	is_str(srv, "kind", "llamacpp");
	is_str(srv, "version", "b6500");
	m = find(at(srv, "models"), "id", "Qwen3-8B-Q4_K_M.gguf");
	is_num(m, "loaded_context", 131072);
	is_num(m, "max_context", 40960);

	srv = cJSON_GetArrayItem(list, 3);
	is_bool(srv, "reachable", false);
	is_null(srv, "kind");
	is_str(srv, "problem", "no answer in time");
	srv = cJSON_GetArrayItem(list, 4);
	is_bool(srv, "reachable", true);
	is_null(srv, "kind");
	assert_non_null(strstr(at(srv, "problem")->valuestring, "(HTML)"));
	srv = cJSON_GetArrayItem(list, 5);
	is_str(srv, "problem", "connection refused");

	/* folders: the moved LM Studio folder first, missing ones kept */
	list = at(j, "folders");
	snprintf(p, sizeof(p), "%s/disk/lms", root);
	f = find(list, "path", p);
	is_str(f, "source", "lmstudio");
	is_bool(f, "exists", true);
	is_bool(f, "given", false);
	is_num(f, "models", 3);
	assert_true(cJSON_IsNumber(at(f, "free_bytes")));
	snprintf(p, sizeof(p), "%s/home/.ollama/models", root);
	is_num(find(list, "path", p), "models", 2);
	snprintf(p, sizeof(p), "%s/usr/share/ollama/.ollama/models", sysroot);
	f = find(list, "path", p);
	is_bool(f, "exists", false);
	is_null(f, "free_bytes");

	/* models */
	list = at(j, "models");
	m = find(list, "name", "lmstudio-community/Qwen3-8B-GGUF/"
	    "Qwen3-8B-Q4_K_M.gguf");
	is_str(m, "source", "lmstudio");
	is_str(m, "format", "gguf");
	is_str(m, "quantization", "Q4_K_M");
	is_str(m, "architecture", "qwen3");
	is_num(m, "parameters", 8190735360.0);
	is_num(m, "context_length", 40960);
	is_bool(m, "context_ok", false);
	is_bool(m, "tools", true);
	is_bool(m, "vision", true);
	is_num(m, "files", 1);
	is_null(m, "configured_context");
	snprintf(p, sizeof(p), "%s/disk/lms/lmstudio-community/Qwen3-8B-GGUF/"
	    "Qwen3-8B-Q4_K_M.gguf", root);
	assert_string_equal(cJSON_GetArrayItem(at(m, "paths"), 0)->valuestring,
	    p);
	m = find(list, "name", "unsloth/GLM-4.5-Air-GGUF/GLM-4.5-Air-Q4_K_M");
	is_num(m, "files", 2);
	is_num(m, "parameters", 106000000000.0);
	is_bool(m, "context_ok", true);
	assert_int_equal(cJSON_GetArraySize(at(m, "paths")), 2);
	m = find(list, "name", "mlx-community/Qwen3-4B-4bit");
	is_str(m, "format", "mlx");
	is_str(m, "quantization", "4bit");
	is_null(m, "tools");
	/* two tags of one blob: two models */
	m = find(list, "name", "llama3.2:3b");
	is_str(m, "source", "ollama");
	is_num(m, "configured_context", 65536);
	is_str(m, "size_label", "3.2B");
	is_num(m, "size_bytes", 2019393189.0 + 80 + 18);
	find(list, "name", "llama3.2:latest");
	m = find(list, "name", "unsloth/Qwen3-1.7B-GGUF/Qwen3-1.7B-Q4_K_M.gguf");
	is_str(m, "source", "huggingface");
	assert_non_null(strstr(cJSON_GetArrayItem(at(m, "paths"), 0)->
	    valuestring, "/snapshots/rev2/"));
	/* config.json + one weights blob under two names: counted once */
	m = find(list, "name", "Qwen/Qwen3-0.6B");
	is_num(m, "size_bytes", 16 + strlen("{\"model_type\": \"qwen3\", "
	    "\"max_position_embeddings\": 40960}"));
	m = find(list, "name", "ggml-org_gemma-3-1b-it-GGUF_gemma-3-1b-it-"
	    "Q4_K_M.gguf");
	is_str(m, "source", "llamacpp-cache");
	is_bool(m, "tools", false);
	m = find(list, "name", "Mistral-Small-3.2-24B-Instruct-Q4_K_M.gguf");
	is_str(m, "source", "folder");
	/* no file_type key: the name says it */
	is_str(m, "quantization", "Q4_K_M");
	is_null(m, "parameters");

	/* bad input became warnings, and nothing else stopped */
	list = at(j, "warnings");
	assert_true(warned(list, "garbage.gguf"));
	assert_true(warned(list, "hostile.gguf"));
	assert_true(warned(list, "gone.gguf: does not exist"));
	assert_true(warned(list, "loop.gguf: a symbolic link loop"));
	assert_true(warned(list, "the same folder as one already scanned"));
	assert_true(warned(list, "broken"));
	is_num(j, "duplicates", 0);

	cJSON_Delete(j);
	mr_discovery_release(&d);
	fake_stopping = 1;
	MHD_stop_daemon(dl);
	MHD_stop_daemon(dol);
	MHD_stop_daemon(dlc);
	MHD_stop_daemon(dh);
	MHD_stop_daemon(dw);
}

/* Two roots reaching the same files: each model is listed once. */
static void
test_overlap_and_given(void **state)
{
	struct mr_discover_opts o;
	struct mr_discovery d;
	char a[256], b[256], c[256];
	const char *dirs[3];

	(void)state;
	assert_int_equal(fixture_home(root), 0);
	snprintf(a, sizeof(a), "%s/disk", root);
	snprintf(b, sizeof(b), "%s/disk/lms", root);
	snprintf(c, sizeof(c), "%s/no/such/folder", root);
	dirs[0] = a;
	dirs[1] = b;
	dirs[2] = c;
	memset(&o, 0, sizeof(o));
	o.model_dirs = dirs;
	o.nmodel_dirs = 3;
	o.no_default_dirs = true;
	o.no_servers = true;
	o.no_hardware = true;
	o.getenv_fn = fake_getenv;
	mr_discover(&o, NULL, &d);
	assert_false(d.have_hardware);
	assert_int_equal(d.nservers, 0);
	assert_int_equal(d.nroots, 3);
	assert_true(d.roots[0].given);
	assert_int_equal(d.roots[0].nmodels, 3);
	assert_int_equal(d.roots[1].nmodels, 0);
	assert_false(d.roots[2].exists);
	assert_int_equal(d.nmodels, 3);
	assert_int_equal(d.duplicates, 3);
	assert_non_null(strstr(d.warnings.v[0], "not a folder (--model-dir)"));
	mr_discovery_release(&d);
}

static int
setup(void **state)
{
	(void)state;
	assert_int_equal(tmpdir_make(root, sizeof(root), "mr-disc"), 0);
	snprintf(home, sizeof(home), "%s/home", root);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	assert_int_equal(tmpdir_remove(root), 0);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_discover, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlap_and_given, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
