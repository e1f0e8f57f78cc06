/*
 * corpus-check: runs the reference router's corpus through our router with
 * the built-in config and prints the agreement figures.
 *
 *   corpus-check CORPUS.jsonl DIFFERENCES.md
 *
 * Fails unless: selected_engine matches the reference route() on >= 97% of
 * rows; complexity and risk each match on >= 90%; mr_route_fast() and
 * mr_route() agree on every row; and every row that either reference path
 * confirms is confirmed by us, unless the prompt is listed between the
 * confirm-exceptions markers of DIFFERENCES.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "mr/router.h"
#include "mr/util.h"

#define BEGIN_MARK "<!-- confirm-exceptions:begin -->"
#define END_MARK "<!-- confirm-exceptions:end -->"

static int failures;

static void
result(bool ok, const char *what)
{
	printf("%s - %s\n", ok ? "ok" : "not ok", what);
	if (!ok)
		failures++;
}

/* The prompts listed as deliberate non-confirmations. */
static void
load_exceptions(const char *path, struct mr_strlist *out)
{
	struct mr_buf b = MR_BUF_INIT;
	char *p, *end, *line, *nl;
	cJSON *s;

	if (mr_read_file(path, 1 << 20, &b) < 0) {
		printf("# cannot read %s\n", path);
		return;
	}
	p = strstr(b.buf, BEGIN_MARK);
	end = p ? strstr(p, END_MARK) : NULL;
	if (p == NULL || end == NULL) {
		mr_buf_release(&b);
		return;
	}
	*end = '\0';
	for (line = p; line != NULL && *line; line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		if (strncmp(line, "- \"", 3) != 0)
			continue;
		if ((s = cJSON_Parse(line + 2)) != NULL) {
			if (cJSON_IsString(s))
				mr_strlist_push(out, s->valuestring);
			cJSON_Delete(s);
		}
	}
	mr_buf_release(&b);
}

int
main(int argc, char **argv)
{
	struct mr_error err = MR_ERROR_INIT;
	struct mr_strlist exceptions = MR_STRLIST_INIT;
	struct mr_buf b = MR_BUF_INIT;
	struct mr_config *cfg;
	struct mr_router *r;
	struct mr_decision d;
	char *line, *nl, what[256];
	cJSON *row, *p, *e, *fe, *cx, *rk;
	size_t rows = 0, eng = 0, cpx = 0, rsk = 0, agree = 0, conf_ref = 0;
	size_t conf_ok = 0, conf_listed = 0;
	const char *fast;
	bool ref_confirms;

	if (argc != 3) {
		fprintf(stderr, "usage: corpus-check CORPUS DIFFERENCES\n");
		return 2;
	}
	if (mr_read_file(argv[1], 16 << 20, &b) < 0) {
		perror(argv[1]);
		return 2;
	}
	load_exceptions(argv[2], &exceptions);
	if ((cfg = mr_config_load_default(&err)) == NULL) {
		fprintf(stderr, "default config: %s\n", err.msg);
		return 2;
	}
	mr_config_check_availability(cfg, true, NULL);
	r = mr_router_new(cfg);

	for (line = b.buf; line && *line; line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		if ((row = cJSON_Parse(line)) == NULL)
			continue;
		p = cJSON_GetObjectItem(row, "prompt");
		e = cJSON_GetObjectItem(row, "engine");
		fe = cJSON_GetObjectItem(row, "fast_engine");
		cx = cJSON_GetObjectItem(row, "complexity");
		rk = cJSON_GetObjectItem(row, "risk");
		if (!cJSON_IsString(p) || !cJSON_IsString(e)) {
			cJSON_Delete(row);
			continue;
		}
		rows++;
		mr_route(r, p->valuestring, strlen(p->valuestring), NULL, true,
		    &d);
		fast = mr_route_fast(r, p->valuestring, strlen(p->valuestring),
		    NULL);
		eng += strcmp(d.selected_engine, e->valuestring) == 0;
		cpx += cJSON_IsNumber(cx) && cx->valueint == d.complexity;
		rsk += cJSON_IsNumber(rk) && rk->valueint == d.risk;
		if (strcmp(fast, d.selected_engine) == 0)
			agree++;
		else
			printf("# fast path disagrees: %s vs %s: %s\n", fast,
			    d.selected_engine, p->valuestring);
		ref_confirms = strcmp(e->valuestring, "human_confirm") == 0 ||
		    (cJSON_IsString(fe) &&
		    strcmp(fe->valuestring, "human_confirm") == 0);
		if (ref_confirms) {
			conf_ref++;
			if (d.requires_confirmation)
				conf_ok++;
			else if (mr_strlist_has(&exceptions, p->valuestring))
				conf_listed++;
			else
				printf("# confirmation lost: %s\n",
				    p->valuestring);
		}
		mr_decision_release(&d);
		cJSON_Delete(row);
	}
	printf("# rows %zu: engine %.1f%% (%zu), complexity %.1f%% (%zu), "
	    "risk %.1f%% (%zu)\n", rows, 100.0 * eng / rows, eng,
	    100.0 * cpx / rows, cpx, 100.0 * rsk / rows, rsk);
	printf("# fast path agrees with route() on %zu/%zu; reference "
	    "confirmations %zu: kept %zu, listed differences %zu\n", agree,
	    rows, conf_ref, conf_ok, conf_listed);
	snprintf(what, sizeof(what), "selected_engine matches on >= 97%% of "
	    "%zu rows", rows);
	result(rows > 0 && eng * 100 >= rows * 97, what);
	result(rows > 0 && cpx * 100 >= rows * 90,
	    "complexity matches on >= 90% of rows");
	result(rows > 0 && rsk * 100 >= rows * 90,
	    "risk matches on >= 90% of rows");
	result(agree == rows, "mr_route_fast() agrees with mr_route()");
	result(conf_ok + conf_listed == conf_ref,
	    "every reference confirmation is kept or listed");
	mr_router_free(r);
	mr_strlist_clear(&exceptions);
	mr_buf_release(&b);
	return failures ? 1 : 0;
}
