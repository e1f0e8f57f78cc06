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
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mr/catalog.h"
#include "mr/discover.h"
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
	size_t nmodels = 0, answered = 0, picks = 0;
	double rec_ms;
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
	    "\"target_ms\": 20, \"met\": %s}\n", picks, rec_ms,
	    rec_ms <= 20 ? "true" : "false");
	printf("}\n");
	return 0;
}
