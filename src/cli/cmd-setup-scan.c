/*
 * setup scan: what this machine has for local models: hardware, running
 * model servers with the context each has loaded, and model files on
 * disk.  Readable tables, or one JSON document (model-router(1), "SETUP
 * SCAN JSON").  The scanning itself is src/discovery's.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli-int.h"
#include "mr/discover.h"
#include "mr/json.h"

enum {
	OPT_MODEL_DIR = 300, OPT_NO_DEFAULT_DIRS, OPT_SERVER, OPT_NO_SERVERS,
	OPT_TIMEOUT
};

static const struct option options[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "model-dir", required_argument, NULL, OPT_MODEL_DIR },
	{ "no-default-dirs", no_argument, NULL, OPT_NO_DEFAULT_DIRS },
	{ "server", required_argument, NULL, OPT_SERVER },
	{ "no-servers", no_argument, NULL, OPT_NO_SERVERS },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

/* Progress on a terminal's stderr, one line rewritten in place. */
struct live {
	bool	 on;
	bool	 shown;
};

static void
on_progress(void *ctx, const char *what)
{
	struct live *l = ctx;

	if (!l->on)
		return;
	fprintf(stderr, "\r\033[K%s%s", strcmp(what, "done") == 0 ? "" :
	    "scanning: ", strcmp(what, "done") == 0 ? "" : what);
	fflush(stderr);
	l->shown = true;
}

static const char *
kind_title(enum mr_server_kind k)
{
	switch (k) {
	case MR_SRV_LMSTUDIO:
		return "LM Studio";
	case MR_SRV_OLLAMA:
		return "Ollama";
	case MR_SRV_LLAMACPP:
		return "llama.cpp server";
	case MR_SRV_VLLM:
		return "vLLM";
	case MR_SRV_OPENAI:
		return "OpenAI-compatible server";
	case MR_SRV_UNKNOWN:
		break;
	}
	return "unknown server";
}

static const char *
u64(uint64_t v, char *buf, size_t n)
{
	snprintf(buf, n, "%llu", (unsigned long long)v);
	return buf;
}

static const char *
tools_word(int t)
{
	return t == 1 ? "yes" : t == 0 ? "no" : "?";
}

static void
print_hardware(const struct mr_hardware *hw, struct mr_buf *b)
{
	char x[32], y[32], z[32];
	const struct mr_gpu *g;
	size_t i;

	mr_buf_addstr(b, "Hardware\n");
	mr_buf_printf(b, "  CPU     %s", hw->cpu_model[0] ? hw->cpu_model :
	    "unknown model");
	if (hw->cpu_cores > 0 || hw->cpu_threads > 0 || hw->arch[0]) {
		mr_buf_addstr(b, " (");
		if (hw->cpu_cores > 0)
			mr_buf_printf(b, "%d core%s, ", hw->cpu_cores,
			    hw->cpu_cores == 1 ? "" : "s");
		if (hw->cpu_threads > 0)
			mr_buf_printf(b, "%d thread%s, ", hw->cpu_threads,
			    hw->cpu_threads == 1 ? "" : "s");
		if (hw->arch[0])
			mr_buf_printf(b, "%s%s, ", hw->arch,
			    hw->apple_silicon ? ", Apple silicon" : "");
		b->len -= 2;
		b->buf[b->len] = '\0';
		mr_buf_addch(b, ')');
	}
	mr_buf_addch(b, '\n');
	if (hw->ram_total == 0)
		mr_buf_addstr(b, "  Memory  unknown\n");
	else if (hw->cgroup_limited)
		mr_buf_printf(b, "  Memory  %s (a cgroup limit; the machine has "
		    "%s), %s available\n", mr_fmt_bytes(hw->ram_total, x,
		    sizeof(x)), mr_fmt_bytes(hw->host_ram_total, y, sizeof(y)),
		    mr_fmt_bytes(hw->ram_available, z, sizeof(z)));
	else
		mr_buf_printf(b, "  Memory  %s, %s available\n",
		    mr_fmt_bytes(hw->ram_total, x, sizeof(x)),
		    mr_fmt_bytes(hw->ram_available, y, sizeof(y)));
	if (hw->ngpus == 0)
		mr_buf_addstr(b, "  GPU     none found: models run on the "
		    "CPU\n");
	for (i = 0; i < hw->ngpus; i++) {
		g = &hw->gpus[i];
		mr_buf_printf(b, "  GPU     %s%s", g->name[0] ? g->name :
		    g->vendor, g->integrated ? " (integrated)" : "");
		if (g->vram_known && g->vram_total > 0) {
			mr_buf_printf(b, ": %s VRAM", mr_fmt_bytes(g->vram_total,
			    x, sizeof(x)));
			if (g->vram_free > 0)
				mr_buf_printf(b, ", %s free",
				    mr_fmt_bytes(g->vram_free, x, sizeof(x)));
		} else if (g->integrated) {
			mr_buf_addstr(b, ": shares system memory");
		}
		if (g->gtt_total > 0)
			mr_buf_printf(b, ", %s GTT", mr_fmt_bytes(g->gtt_total,
			    x, sizeof(x)));
		if (g->driver[0])
			mr_buf_printf(b, ", driver %s", g->driver);
		mr_buf_addch(b, '\n');
	}
}

/* The loaded context, with a mark when Hermes Agent would not fit. */
static const char *
ctx_cell(const struct mr_served_model *m, char *buf, size_t n)
{
	if (m->loading)
		return "loading";
	if (!m->loaded)
		return "not loaded";
	if (m->loaded_context == 0)
		return "?";
	snprintf(buf, n, "%llu%s", (unsigned long long)m->loaded_context,
	    mr_context_ok(m->loaded_context) ? "" : " (too small)");
	return buf;
}

/* Appends WORD to B, wrapping before column 79 with INDENT. */
static void
wrap_word(struct mr_buf *b, size_t *col, const char *word, const char *indent)
{
	size_t n = strlen(word);

	if (*col + 1 + n > 78 && *col > strlen(indent)) {
		mr_buf_printf(b, "\n%s", indent);
		*col = strlen(indent);
	} else {
		mr_buf_addch(b, ' ');
		(*col)++;
	}
	mr_buf_addstr(b, word);
	*col += n;
}

/* Servers that did not answer, grouped by why. */
static void
quiet_servers(const struct mr_discovery *d, struct mr_buf *b)
{
	const struct mr_server_result *r;
	struct mr_strlist why = MR_STRLIST_INIT;
	size_t i, k, col;
	char *word;

	for (i = 0; i < d->nservers; i++)
		if (!d->servers[i].reachable)
			mr_strlist_push_unique(&why, d->servers[i].problem);
	for (k = 0; k < why.n; k++) {
		mr_buf_printf(b, "  Not running (%s):", why.v[k]);
		col = strlen("  Not running ():") + strlen(why.v[k]);
		for (i = 0; i < d->nservers; i++) {
			r = &d->servers[i];
			if (r->reachable || strcmp(r->problem, why.v[k]) != 0)
				continue;
			word = mr_xasprintf("%s%s", r->base,
			    i + 1 < d->nservers ? "," : "");
			wrap_word(b, &col, word, "    ");
			free(word);
		}
		/* a trailing comma when the last one listed was not last */
		if (b->len > 0 && b->buf[b->len - 1] == ',')
			b->buf[--b->len] = '\0';
		mr_buf_addch(b, '\n');
	}
	mr_strlist_clear(&why);
}

static void
print_servers(const struct mr_discovery *d, struct mr_buf *b, size_t *short_ctx)
{
	static const char *const heads[] = { "MODEL", "LOADED CONTEXT",
		"TRAINED", "TOOLS", "QUANT" };
	const struct mr_server_result *r;
	const struct mr_served_model *m;
	struct mr_table t;
	char c1[48], c2[24];
	size_t i, k, up = 0;

	for (i = 0; i < d->nservers; i++)
		up += d->servers[i].info.kind != MR_SRV_UNKNOWN;
	if (d->nservers == 0) {
		mr_buf_addstr(b, "\nModel servers: none probed\n");
		return;
	}
	mr_buf_printf(b, "\nModel servers: %zu of %zu answer%s\n", up,
	    d->nservers, up == 1 ? "s" : "");
	for (i = 0; i < d->nservers; i++) {
		r = &d->servers[i];
		if (r->info.kind == MR_SRV_UNKNOWN) {
			if (r->reachable)
				mr_buf_printf(b, "  %s  %s\n", r->base,
				    r->problem);
			continue;
		}
		mr_buf_printf(b, "  %s  %s%s%s%s\n", r->base,
		    kind_title(r->info.kind), r->info.version[0] ? " " : "",
		    r->info.version, r->loading ? ", still loading its model" :
		    r->info.nmodels == 0 ? ", no models" : "");
		if (r->info.nmodels == 0)
			continue;
		mr_table_init(&t, MR_NELEM(heads), heads, 1u << 1 | 1u << 2);
		for (k = 0; k < r->info.nmodels; k++) {
			m = &r->info.models[k];
			if (m->loaded && m->loaded_context > 0 &&
			    !mr_context_ok(m->loaded_context))
				(*short_ctx)++;
			mr_table_row(&t, m->id, ctx_cell(m, c1, sizeof(c1)),
			    m->max_context ? u64(m->max_context, c2,
			    sizeof(c2)) : "?", tools_word(m->tools),
			    m->quant[0] ? m->quant : "-");
		}
		mr_table_print(&t, "    ", b);
		mr_table_release(&t);
	}
	quiet_servers(d, b);
}

static const char *
params_cell(const struct mr_model *m, char *buf, size_t n)
{
	double p = (double)m->params;

	if (m->size_label[0])
		return m->size_label;
	if (m->params == 0)
		return "?";
	if (p >= 1e9)
		snprintf(buf, n, "%.*fB", p < 1e10 ? 1 : 0, p / 1e9);
	else
		snprintf(buf, n, "%.0fM", ceil(p / 1e6));
	return buf;
}

static void
print_models(const struct mr_discovery *d, struct mr_buf *b)
{
	static const char *const heads[] = { "NAME", "SOURCE", "FORMAT",
		"QUANT", "PARAMS", "SIZE", "CONTEXT", "TOOLS" };
	static const char *const fheads[] = { "FOLDER", "SOURCE", "MODELS",
		"FREE" };
	const struct mr_model *m;
	struct mr_table t;
	char c1[24], c2[24], c3[24], c4[24];
	size_t i, col, missing = 0;

	mr_buf_printf(b, "\nModels on disk: %zu", d->nmodels);
	if (d->duplicates > 0)
		mr_buf_printf(b, " (and %zu found twice, counted once)",
		    d->duplicates);
	mr_buf_addch(b, '\n');
	if (d->nmodels > 0) {
		mr_table_init(&t, MR_NELEM(heads), heads, 1u << 5 | 1u << 6);
		for (i = 0; i < d->nmodels; i++) {
			m = &d->models[i];
			mr_table_row(&t, m->name, mr_model_source_name(m->source),
			    mr_model_format_name(m->format),
			    m->quant[0] ? m->quant : "?",
			    params_cell(m, c1, sizeof(c1)),
			    mr_fmt_bytes(m->size_bytes, c2, sizeof(c2)),
			    m->context_length ? u64(m->context_length, c3,
			    sizeof(c3)) : "?", tools_word(m->tools));
		}
		mr_table_print(&t, "  ", b);
		mr_table_release(&t);
	}

	mr_buf_printf(b, "\nFolders looked in: %zu\n", d->nroots);
	mr_table_init(&t, MR_NELEM(fheads), fheads, 1u << 2 | 1u << 3);
	for (i = 0; i < d->nroots; i++) {
		if (!d->roots[i].exists) {
			missing++;
			continue;
		}
		mr_table_row(&t, d->roots[i].path,
		    mr_model_source_name(d->roots[i].source),
		    u64(d->roots[i].nmodels, c1, sizeof(c1)),
		    d->roots[i].free_known ? mr_fmt_bytes(
		    d->roots[i].free_bytes, c4, sizeof(c4)) : "?");
	}
	if (t.cells.n > t.ncols)
		mr_table_print(&t, "  ", b);
	mr_table_release(&t);
	if (missing > 0) {
		mr_buf_addstr(b, "  Not there:");
		col = strlen("  Not there:");
		for (i = 0; i < d->nroots; i++)
			if (!d->roots[i].exists)
				wrap_word(b, &col, d->roots[i].path, "    ");
		mr_buf_addch(b, '\n');
	}
	if (d->nmodels == 0)
		mr_buf_addstr(b, "  No model files found. If yours are "
		    "elsewhere, add --model-dir FOLDER.\n");
}

/* What to do about loaded contexts under 64K, for each kind of server. */
static void
print_fixes(const struct mr_discovery *d, size_t short_ctx, struct mr_buf *b)
{
	bool said[MR_SRV_OPENAI + 1] = { false };
	char fixbuf[320];
	const struct mr_server_result *r;
	size_t i, k;

	if (short_ctx == 0)
		return;
	mr_buf_printf(b, "\nHermes Agent needs a loaded context of at least %d "
	    "tokens; %zu loaded model%s ha%s less.\n", MR_HERMES_MIN_CONTEXT,
	    short_ctx, short_ctx == 1 ? "" : "s", short_ctx == 1 ? "s" : "ve");
	for (i = 0; i < d->nservers; i++) {
		r = &d->servers[i];
		for (k = 0; k < r->info.nmodels; k++) {
			const struct mr_served_model *m = &r->info.models[k];

			if (!m->loaded || m->loaded_context == 0 ||
			    mr_context_ok(m->loaded_context) ||
			    said[r->info.kind])
				continue;
			said[r->info.kind] = true;
			mr_buf_printf(b, "  %s: %s\n",
			    kind_title(r->info.kind), mr_server_context_fix(
			    r->info.kind, m->id, fixbuf, sizeof(fixbuf)));
		}
	}
}

static void
print_text(const struct mr_discovery *d, bool servers, struct mr_buf *b)
{
	size_t i, short_ctx = 0;

	if (d->have_hardware)
		print_hardware(&d->hw, b);
	if (servers)
		print_servers(d, b, &short_ctx);
	print_models(d, b);
	if (d->warnings.n > 0) {
		mr_buf_printf(b, "\nWarnings: %zu\n", d->warnings.n);
		for (i = 0; i < d->warnings.n; i++)
			mr_buf_printf(b, "  - %s\n", d->warnings.v[i]);
	}
	print_fixes(d, short_ctx, b);
}

static int
run(const struct mr_cmd *cmd, int argc, char **argv)
{
	struct mr_strlist dirs = MR_STRLIST_INIT, servers = MR_STRLIST_INIT;
	struct mr_strlist given = MR_STRLIST_INIT;
	struct mr_discover_opts o;
	struct mr_discover_cb cb;
	struct mr_discovery d;
	struct mr_buf b = MR_BUF_INIT;
	struct live live = { false, false };
	const char *sysroot;
	bool json = false, no_servers = false, no_default_dirs = false;
	double timeout = MR_DISCOVER_TIMEOUT_MS / 1000.0;
	cJSON *j;
	int c, rc = MR_EXIT_USAGE;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case 'h':
		case OPT_HELP:
			mr_cli_help(cmd, stdout);
			rc = MR_EXIT_OK;
			goto out;
		case OPT_JSON:
			json = true;
			break;
		case OPT_MODEL_DIR:
			if (*optarg == '\0') {
				rc = mr_cli_usage_error(cmd, "--model-dir needs "
				    "a folder");
				goto out;
			}
			mr_strlist_push(&dirs, optarg);
			break;
		case OPT_NO_DEFAULT_DIRS:
			no_default_dirs = true;
			break;
		case OPT_SERVER:
			if ((rc = mr_cli_server_url(cmd, optarg)) !=
			    MR_EXIT_OK)
				goto out;
			mr_strlist_push_unique(&given, optarg);
			break;
		case OPT_NO_SERVERS:
			no_servers = true;
			break;
		case OPT_TIMEOUT:
			if ((rc = mr_cli_seconds(cmd, "--timeout", optarg,
			    &timeout)) != MR_EXIT_OK)
				goto out;
			rc = MR_EXIT_USAGE;
			break;
		default:
			rc = mr_cli_bad_option(cmd, c, argv);
			goto out;
		}
	}
	if (optind < argc) {
		rc = mr_cli_usage_error(cmd, "unexpected argument '%s'",
		    argv[optind]);
		goto out;
	}

	memset(&o, 0, sizeof(o));
	o.model_dirs = (const char *const *)dirs.v;
	o.nmodel_dirs = dirs.n;
	o.no_default_dirs = no_default_dirs;
	mr_cli_discover_servers(&servers, &given, &o);
	o.no_servers = no_servers;
	o.timeout_ms = lrint(timeout * 1000);
	/* for tests: /proc, /sys and the like under another root */
	sysroot = getenv("MODEL_ROUTER_SYSROOT");
	o.sysroot = sysroot != NULL && *sysroot ? sysroot : NULL;

	memset(&cb, 0, sizeof(cb));
	live.on = !json && isatty(STDERR_FILENO) && getenv("TERM") != NULL &&
	    strcmp(getenv("TERM"), "dumb") != 0;
	cb.progress = on_progress;
	cb.ctx = &live;
	mr_discover(&o, &cb, &d);
	if (live.shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}

	if (json) {
		j = mr_discovery_json(&d);
		mr_json_print(j, &b);
		mr_buf_addch(&b, '\n');
		cJSON_Delete(j);
	} else {
		print_text(&d, !no_servers, &b);
	}
	rc = mr_cli_write(&b) ? MR_EXIT_OK : MR_EXIT_FAIL;
	mr_discovery_release(&d);
out:
	mr_buf_release(&b);
	mr_strlist_clear(&dirs);
	mr_strlist_clear(&servers);
	mr_strlist_clear(&given);
	return rc;
}

const struct mr_cmd mr_cmd_setup_scan = {
	.name = "setup scan",
	.summary = "Find the hardware, running model servers and model files",
	.usage = "setup scan [--json] [--model-dir D]... [--no-default-dirs]\n"
	    "                    [--server URL]... [--no-servers] "
	    "[--timeout S]",
	.help =
	    "  --json                    print one JSON document (schema in\n"
	    "                            model-router(1), SETUP SCAN JSON)\n"
	    "  --model-dir D             also look for models in folder D\n"
	    "                            (repeatable)\n"
	    "  --no-default-dirs         look only in the --model-dir folders\n"
	    "  --server URL              also probe the server at URL\n"
	    "                            (repeatable)\n"
	    "  --no-servers              probe no server\n"
	    "  --timeout S               seconds to wait for a server\n"
	    "                            (default 0.5)\n"
	    "  -h, --help                show this help\n"
	    "\nLooks in LM Studio's models folder, Ollama's store, the Hugging\n"
	    "Face cache, llama.cpp's cache and ~/models; probes LM Studio\n"
	    "(1234), Ollama (11434), llama.cpp and friends (8080, 9931) and\n"
	    "vLLM (8000) on 127.0.0.1, and reports the context each loaded\n"
	    "model really has: Hermes Agent needs 65536 tokens.\n"
	    "Problems (unreadable folders, broken files, odd servers) are\n"
	    "listed as warnings; the scan goes on.\n",
	.options = options,
	.shortopts = ":h",
	.run = run,
};
