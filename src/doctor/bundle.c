/*
 * doctor --bundle: a support archive a user can attach to a bug report.
 * The doctor's checks, a scan, the configs and the last log lines, with
 * every secret mr_redact() recognises removed, and no .env value at all.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "mr/archive-dl.h"
#include "mr/discover.h"
#include "mr/doctor.h"
#include "mr/hermes.h"
#include "mr/json.h"

#include "doctor-int.h"

#define LOG_TAIL_LINES 200

static int
add(struct archive *a, const char *name, const char *data, size_t len)
{
	struct archive_entry *e = mr_ar.entry_new();
	int rc;

	mr_ar.entry_set_pathname(e, name);
	mr_ar.entry_set_size(e, (la_int64_t)len);
	mr_ar.entry_set_filetype(e, AE_IFREG);
	mr_ar.entry_set_perm(e, 0600);
	mr_ar.entry_set_mtime(e, time(NULL), 0);
	rc = mr_ar.write_header(a, e) == ARCHIVE_OK && (len == 0 ||
	    mr_ar.write_data(a, data, len) == (la_ssize_t)len) ? 0 : -1;
	mr_ar.entry_free(e);
	return rc;
}

/* A file of the user's, redacted, as NAME (skipped when absent). */
static int
add_redacted(struct archive *a, const char *name, const char *path,
    size_t tail_lines)
{
	struct mr_buf b = MR_BUF_INIT, r = MR_BUF_INIT;
	const char *start;
	size_t lines = 0;
	int rc = 0;

	if (path == NULL || mr_read_file(path, 64 << 20, &b) < 0) {
		mr_buf_release(&b);
		return 0;
	}
	start = b.buf;
	if (tail_lines > 0) {
		/* the last lines only */
		for (start = b.buf + b.len; start > b.buf; start--)
			if (start[-1] == '\n' && start != b.buf + b.len &&
			    ++lines > tail_lines)
				break;
	}
	if (mr_redact(start, b.len - (size_t)(start - b.buf), &r) < 0) {
		mr_buf_reset(&r);
		mr_buf_addstr(&r, "(left out: not text the redactor can "
		    "read)\n");
	}
	rc = add(a, name, r.buf, r.len);
	mr_buf_release(&b);
	mr_buf_release(&r);
	return rc;
}

/* The names in a .env, never the values. */
static int
add_env_names(struct archive *a, const char *path)
{
	struct mr_buf b = MR_BUF_INIT, o = MR_BUF_INIT;
	struct mr_hermes_env env;
	size_t i;
	int rc;

	if (mr_read_file(path, 1 << 20, &b) < 0) {
		mr_buf_release(&b);
		return 0;
	}
	memset(&env, 0, sizeof(env));
	mr_hermes_env_parse(&env, b.buf, b.len);
	for (i = 0; i < env.n; i++)
		mr_buf_printf(&o, "%s=%s\n", env.v[i].name, env.v[i].value &&
		    *env.v[i].value ? "(set)" : "(empty)");
	rc = add(a, "hermes/env-names.txt", o.buf, o.len);
	mr_hermes_env_release(&env);
	mr_buf_release(&b);
	mr_buf_release(&o);
	return rc;
}

int
mr_doctor_bundle(const char *out, const struct mr_doctor_result *r,
    const struct mr_doctor_opts *o, struct mr_error *err)
{
	char *proxy_config, *router_config, *log_path, *hermes_home;
	struct archive *a;
	struct mr_discover_opts so;
	struct mr_discovery disc;
	struct mr_buf b = MR_BUF_INIT, red = MR_BUF_INIT;
	struct utsname u;
	char *tmp, *p;
	cJSON *j;
	int rc = -1;

	if (mr_archive_load("doctor --bundle", err) < 0)
		return -1;
	a = mr_ar.write_new();
	tmp = mr_xasprintf("%s.part", out);
	doctor_paths(o, &proxy_config, &router_config, &log_path,
	    &hermes_home);
	mr_ar.write_add_filter_gzip(a);
	mr_ar.write_set_format_pax_restricted(a);
	if (mr_ar.write_open_filename(a, tmp) != ARCHIVE_OK)
		goto aerr;
	chmod(tmp, 0600);

	/* the checks and a scan, themselves redacted: findings quote files */
	j = mr_doctor_json(r);
	mr_json_print(j, &b);
	cJSON_Delete(j);
	if (mr_redact(b.buf, b.len, &red) < 0 || add(a, "doctor.json",
	    red.buf, red.len) < 0)
		goto aerr;
	memset(&so, 0, sizeof(so));
	so.timeout_ms = 300;
	mr_discover(&so, NULL, &disc);
	j = mr_discovery_json(&disc);
	mr_discovery_release(&disc);
	mr_buf_reset(&b);
	mr_buf_reset(&red);
	mr_json_print(j, &b);
	cJSON_Delete(j);
	if (mr_redact(b.buf, b.len, &red) < 0 || add(a, "scan.json", red.buf,
	    red.len) < 0)
		goto aerr;
	mr_buf_reset(&b);
	mr_buf_printf(&b, "model-router %s\n", MR_VERSION);
	if (uname(&u) == 0)
		mr_buf_printf(&b, "%s %s %s\n", u.sysname, u.release,
		    u.machine);
	if (add(a, "version.txt", b.buf, b.len) < 0)
		goto aerr;
	if (add_redacted(a, "configs/routing_proxy.yaml", proxy_config, 0) < 0 ||
	    add_redacted(a, "configs/model_router.yaml", router_config, 0) < 0 ||
	    add_redacted(a, "logs/routing-events.jsonl", log_path,
	    LOG_TAIL_LINES) < 0)
		goto aerr;
	if (hermes_home != NULL) {
		p = mr_xasprintf("%s/config.yaml", hermes_home);
		rc = add_redacted(a, "hermes/config.yaml", p, 0);
		free(p);
		if (rc < 0)
			goto aerr;
		rc = -1;
		p = mr_xasprintf("%s/.env", hermes_home);
		if (add_env_names(a, p) < 0) {
			free(p);
			goto aerr;
		}
		free(p);
	}
	if (mr_ar.write_close(a) != ARCHIVE_OK)
		goto aerr;
	if (rename(tmp, out) < 0) {
		mr_error_set(err, out, 0, 0, "cannot write the bundle: %s",
		    strerror(errno));
		unlink(tmp);
		goto done;
	}
	rc = 0;
	goto done;
aerr:
	mr_error_set(err, out, 0, 0, "cannot write the bundle: %s",
	    mr_ar.error_string(a) ? mr_ar.error_string(a) : "unknown "
	    "error");
	unlink(tmp);
done:
	mr_ar.write_free(a);
	mr_buf_release(&b);
	mr_buf_release(&red);
	free(tmp);
	free(proxy_config);
	free(router_config);
	free(log_path);
	free(hermes_home);
	return rc;
}
