/*
 * bench-router: in-process timings of the router core, printed as JSON.
 *
 * Each figure is the median over REPEATS batches of the mean time per call
 * within a batch (so timer overhead is amortised), with the minimum beside
 * it.  Prompts are the reference's benchmark prompts (router-core.md §6).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mr/router.h"
#include "mr/unicode.h"

#define REPEATS 15

static const char *const five[] = {
	"rewrite this text",
	"fix the repo and run tests",
	"search the web for the latest TypeScript release notes",
	"drop the production database",
	"Design a distributed task scheduler with backpressure and "
	    "exactly-once delivery semantics.",
};

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int
dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct stat {
	double median, min;
};

static volatile size_t sink;

/* Whether a median (ns) is within a target (us). */
#define MET(st, us) ((st).median / 1e3 <= (us) ? "true" : "false")

enum kind { FAST, ROUTE_ALTS, ROUTE_NOALTS };

static void
run_batch(const struct mr_router *r, enum kind k, const char *const *p,
    const size_t *len, size_t np, size_t calls)
{
	struct mr_decision d;
	size_t i;

	for (i = 0; i < calls; i++) {
		const char *s = p[i % np];

		if (k == FAST)
			sink += (size_t)mr_route_fast(r, s, len[i % np], NULL)[0];
		else {
			mr_route(r, s, len[i % np], NULL, k == ROUTE_ALTS, &d);
			sink += d.nalternatives;
			mr_decision_release(&d);
		}
	}
}

/* Per-call time in ns: median and minimum over REPEATS batches. */
static struct stat
measure(const struct mr_router *r, enum kind k, const char *const *p,
    size_t np, size_t calls)
{
	double t[REPEATS], t0;
	size_t len[16], i;
	struct stat st;

	for (i = 0; i < np; i++)
		len[i] = strlen(p[i]);
	run_batch(r, k, p, len, np, calls / 10 + np);	/* warm up */
	for (i = 0; i < REPEATS; i++) {
		t0 = now_ns();
		run_batch(r, k, p, len, np, calls);
		t[i] = (now_ns() - t0) / (double)calls;
	}
	qsort(t, REPEATS, sizeof(t[0]), dcmp);
	st.median = t[REPEATS / 2];
	st.min = t[0];
	return st;
}

static char *
repeat(const char *unit, size_t bytes)
{
	size_t n = strlen(unit), i;
	char *s = malloc(bytes + 1);

	if (s == NULL)
		exit(1);
	for (i = 0; i < bytes; i++)
		s[i] = unit[i % n];
	s[bytes] = '\0';
	return s;
}

int
main(void)
{
	static const char unit[] = "Analyze the rollout risks and migration "
	    "plan. ";
	struct mr_error err = MR_ERROR_INIT;
	struct mr_config *cfg;
	struct mr_router *r;
	struct stat fast, alts, noalts, six, sixfast, lin[4];
	const char *one[1];
	char *six_kb, *big[4];
	static const size_t sizes[4] = { 1000, 10000, 100000, 1000000 };
	size_t i;
	double t0, init_us;

	t0 = now_ns();
	cfg = mr_config_load_default(&err);
	if (cfg == NULL) {
		fprintf(stderr, "bench: %s\n", err.msg);
		return 1;
	}
	mr_config_check_availability(cfg, false, NULL);
	r = mr_router_new(cfg);
	init_us = (now_ns() - t0) / 1e3;

	fast = measure(r, FAST, five, 5, 500000);
	alts = measure(r, ROUTE_ALTS, five, 5, 20000);
	noalts = measure(r, ROUTE_NOALTS, five, 5, 20000);
	six_kb = repeat(unit, 130 * (sizeof(unit) - 1));
	one[0] = six_kb;
	six = measure(r, ROUTE_ALTS, one, 1, 2000);
	sixfast = measure(r, FAST, one, 1, 2000);
	for (i = 0; i < 4; i++) {
		big[i] = repeat(unit, sizes[i]);
		one[0] = big[i];
		lin[i] = measure(r, FAST, one, 1,
		    sizes[i] >= 1000000 ? 5 : 20000000 / sizes[i]);
	}

	printf("{\n");
	printf("  \"router_init_us\": %.1f,\n", init_us);
	printf("  \"route_fast_5_prompts_us\": {\"median\": %.4f, \"min\": "
	    "%.4f, \"target\": 0.3, \"met\": %s, \"reference\": 1.7},\n",
	    fast.median / 1e3, fast.min / 1e3, MET(fast, 0.3));
	printf("  \"route_with_alternatives_5_prompts_us\": {\"median\": %.3f, "
	    "\"min\": %.3f, \"target\": 10, \"met\": %s, \"reference\": 90},\n",
	    alts.median / 1e3, alts.min / 1e3, MET(alts, 10));
	printf("  \"route_without_alternatives_5_prompts_us\": {\"median\": "
	    "%.3f, \"min\": %.3f},\n", noalts.median / 1e3, noalts.min / 1e3);
	printf("  \"route_fast_6kb_prompt_us\": {\"bytes\": %zu, \"median\": "
	    "%.3f, \"min\": %.3f, \"target\": 10, \"met\": %s, "
	    "\"reference\": 82},\n", strlen(six_kb), sixfast.median / 1e3,
	    sixfast.min / 1e3, MET(sixfast, 10));
	printf("  \"route_6kb_prompt_with_alternatives_us\": {\"median\": "
	    "%.3f, \"min\": %.3f, \"reference\": 4440},\n",
	    six.median / 1e3, six.min / 1e3);
	printf("  \"linearity_route_fast_ns_per_byte\": {");
	for (i = 0; i < 4; i++)
		printf("%s\"%zu\": %.3f", i ? ", " : "", sizes[i],
		    lin[i].median / (double)sizes[i]);
	printf("}\n}\n");
	for (i = 0; i < 4; i++)
		free(big[i]);
	free(six_kb);
	mr_router_free(r);
	mr_uni_cleanup();
	return sink == 42 ? 2 : 0;
}
