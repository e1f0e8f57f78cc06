/*
 * bench-scan: discovery timings, printed as JSON.
 *
 *  - files: a synthetic collection of 200 GGUF models and 20,000 files in
 *    all (tests/unit/scan-fixture.h), scanned as a --model-dir folder;
 *    the first scan and the median of REPEATS warm ones.
 *  - servers: six fake servers on 127.0.0.1 (LM Studio, Ollama,
 *    llama.cpp answering; three that never answer) probed with a 500 ms
 *    timeout; the whole discovery's wall time against timeout + 100 ms.
 *  - recommend: loading the built-in catalog and ranking every role for a
 *    24 GiB GPU + 32 GiB RAM machine (the scan excluded), median of 51.
 *  - doctor: ten backends of which five hang, 500 ms timeout, against
 *    timeout + 100 ms; and a healthy local setup (four answering
 *    backends), median of 11, against 50 ms.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mr/catalog.h"
#include "mr/discover.h"
#include "mr/doctor.h"
#include "mr/fileio.h"
#include "mr/recommend.h"

#include "../tests/unit/fake-servers.h"
#include "../tests/unit/scan-fixture.h"
#include "../tests/unit/tmpdir.h"

#define REPEATS		9
#define NMODELS		200
#define FILES_PER	100	/* 200 x 100 = 20,000 files */
#define TIMEOUT_MS	500

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Catalog load + recommendations for every role, median ms. */
static double
bench_recommend(size_t *picks)
{
	struct mr_role_rec out[MR_ROLE_COUNT];
	struct mr_error err = MR_ERROR_INIT;
	struct mr_rec_opts ro;
	struct mr_rec_hw hw;
	struct mr_catalog cat;
	double t[51], t0;
	size_t i, r;

	memset(&ro, 0, sizeof(ro));
	memset(&hw, 0, sizeof(hw));
	hw.ram_total = 32ULL << 30;
	hw.vram_total = 24ULL << 30;
	for (i = 0; i < 51; i++) {
		t0 = now_ms();
		mr_catalog_init(&cat);
		if (mr_catalog_load(&cat, "/nonexistent/catalog.yaml", &err) <
		    0)
			mr_error_clear(&err);	/* the user file: absent */
		mr_recommend(&cat, &hw, NULL, &ro, out);
		t[i] = now_ms() - t0;
		*picks = 0;
		for (r = 0; r < MR_ROLE_COUNT; r++)
			*picks += out[r].npicks;
		mr_catalog_release(&cat);
	}
	qsort(t, 51, sizeof(t[0]), dcmp);
	return t[25];
}

/* A proxy config over PORTS (N of them) in DIR; its path. */
static char *
doctor_config(const char *dir, const char *name, const unsigned *ports,
    size_t n)
{
	struct mr_buf b = MR_BUF_INIT;
	char *path = mr_xasprintf("%s/%s", dir, name);
	size_t i;

	mr_buf_addstr(&b, "backends:\n");
	for (i = 0; i < n; i++)
		mr_buf_printf(&b, "  b%zu:\n    base_url: http://127.0.0.1:%u/v1\n"
		    "    model: Qwen3-8B-Q4_K_M.gguf\n", i, ports[i]);
	mr_buf_addstr(&b, "engine_backends:\n  fast_local: b0\n"
	    "  balanced_local: b0\n  reasoning_local: b0\n  code_agent: b0\n"
	    "  web_research: b0\n  multimodal_vision: b0\n"
	    "  image_generation: b0\n");
	if (mr_write_atomic(path, b.buf, b.len, 0600, NULL) < 0)
		exit(1);
	mr_buf_release(&b);
	return path;
}

static const char *
no_env(const char *name)
{
	(void)name;
	return NULL;
}

/* Wall time of one doctor run over CONFIG, ms. */
static double
doctor_ms(const char *config, long timeout_ms, size_t *fails)
{
	struct mr_doctor_opts o;
	struct mr_doctor_result r;
	double t0;

	memset(&o, 0, sizeof(o));
	o.proxy_config = config;
	o.no_hermes = true;
	o.timeout_ms = timeout_ms;
	o.getenv_fn = no_env;
	t0 = now_ms();
	mr_doctor_run(&o, NULL, &r);
	t0 = now_ms() - t0;
	*fails = r.fails;
	mr_doctor_result_release(&r);
	return t0;
}

int
main(void)
{
	struct MHD_Daemon *dm[6];
	static const enum fake kinds[6] = { F_LMSTUDIO, F_OLLAMA, F_LLAMACPP,
		F_HANG, F_HANG, F_HANG };
	char root[64], models[128], urls[6][64];
	const char *dirs[1], *servers[6];
	struct mr_discover_opts o;
	struct mr_discovery d;
	double t[REPEATS], first = 0, t0, wall;
	size_t nmodels = 0, answered = 0, picks = 0, doc_fails = 0;
	size_t healthy_fails = 0;
	double rec_ms, doc_wall = 0, healthy_ms = 0;
	unsigned port;
	int i;

	if (tmpdir_make(root, sizeof(root), "mr-bench-scan") != 0 ||
	    fixture_big(root, NMODELS, FILES_PER) != 0) {
		fprintf(stderr, "bench-scan: cannot write the fixture\n");
		return 1;
	}
	snprintf(models, sizeof(models), "%s/models", root);
	dirs[0] = models;
	memset(&o, 0, sizeof(o));
	o.model_dirs = dirs;
	o.nmodel_dirs = 1;
	o.no_default_dirs = true;
	o.no_servers = true;
	o.no_hardware = true;
	for (i = -1; i < REPEATS; i++) {
		t0 = now_ms();
		mr_discover(&o, NULL, &d);
		if (i < 0)
			first = now_ms() - t0;
		else
			t[i] = now_ms() - t0;
		nmodels = d.nmodels;
		mr_discovery_release(&d);
	}
	qsort(t, REPEATS, sizeof(t[0]), dcmp);

	for (i = 0; i < 6; i++) {
		port = 0;
		if ((dm[i] = fake_start(kinds[i], &port)) == NULL) {
			fprintf(stderr, "bench-scan: cannot start a server\n");
			return 1;
		}
		snprintf(urls[i], sizeof(urls[i]), "http://127.0.0.1:%u", port);
		servers[i] = urls[i];
	}
	memset(&o, 0, sizeof(o));
	o.no_default_dirs = true;
	o.no_hardware = true;
	o.no_default_servers = true;
	o.servers = servers;
	o.nservers = 6;
	o.timeout_ms = TIMEOUT_MS;
	t0 = now_ms();
	mr_discover(&o, NULL, &d);
	wall = now_ms() - t0;
	for (i = 0; i < (int)d.nservers; i++)
		answered += d.servers[i].info.kind != MR_SRV_UNKNOWN;
	mr_discovery_release(&d);
	fake_stopping = 1;
	for (i = 0; i < 6; i++)
		MHD_stop_daemon(dm[i]);
	tmpdir_remove(root);
	rec_ms = bench_recommend(&picks);

	/* doctor: ten backends, five hang; then four healthy ones */
	{
		struct MHD_Daemon *dd[10];
		unsigned ports[10];
		char ddir[64], *c10, *c4;
		double h[11];

		fake_stopping = 0;
		if (tmpdir_make(ddir, sizeof(ddir), "mr-bench-doctor") != 0)
			return 1;
		for (i = 0; i < 10; i++) {
			port = 0;
			if ((dd[i] = fake_start(i < 5 ? F_LLAMACPP : F_HANG,
			    &port)) == NULL)
				return 1;
			ports[i] = port;
		}
		c10 = doctor_config(ddir, "ten.yaml", ports, 10);
		c4 = doctor_config(ddir, "four.yaml", ports, 4);
		doc_wall = doctor_ms(c10, TIMEOUT_MS, &doc_fails);
		for (i = 0; i < 11; i++)
			h[i] = doctor_ms(c4, TIMEOUT_MS, &healthy_fails);
		qsort(h, 11, sizeof(h[0]), dcmp);
		healthy_ms = h[5];
		fake_stopping = 1;
		for (i = 0; i < 10; i++)
			MHD_stop_daemon(dd[i]);
		tmpdir_remove(ddir);
		free(c10);
		free(c4);
	}

	printf("{\n");
	printf("  \"files\": {\"models_found\": %zu, \"files_in_tree\": %d, "
	    "\"first_ms\": %.2f, \"median_ms\": %.2f, \"min_ms\": %.2f, "
	    "\"target_ms\": 200, \"met\": %s},\n", nmodels,
	    NMODELS * FILES_PER, first, t[REPEATS / 2], t[0],
	    t[REPEATS / 2] <= 200 && first <= 200 ? "true" : "false");
	printf("  \"servers\": {\"probed\": 6, \"answered\": %zu, \"hanging\": 3, "
	    "\"timeout_ms\": %d, \"wall_ms\": %.2f, \"target_ms\": %d, "
	    "\"met\": %s},\n", answered, TIMEOUT_MS, wall, TIMEOUT_MS + 100,
	    wall <= TIMEOUT_MS + 100 ? "true" : "false");
	printf("  \"recommend\": {\"picks\": %zu, \"median_ms\": %.3f, "
	    "\"target_ms\": 20, \"met\": %s},\n", picks, rec_ms,
	    rec_ms <= 20 ? "true" : "false");
	printf("  \"doctor\": {\"backends\": 10, \"hanging\": 5, "
	    "\"failed_checks\": %zu, \"timeout_ms\": %d, \"wall_ms\": %.2f, "
	    "\"target_ms\": %d, \"met\": %s,\n", doc_fails, TIMEOUT_MS,
	    doc_wall, TIMEOUT_MS + 100, doc_wall <= TIMEOUT_MS + 100 ? "true" :
	    "false");
	printf("    \"healthy_backends\": 4, \"healthy_failed_checks\": %zu, "
	    "\"healthy_median_ms\": %.2f, \"healthy_target_ms\": 50, "
	    "\"healthy_met\": %s}\n", healthy_fails, healthy_ms,
	    healthy_ms <= 50 ? "true" : "false");
	printf("}\n");
	return 0;
}
