/*
 * score-lines: reads one JSON string per line (or "x:" and the prompt's
 * bytes in hex, for any bytes at all: NUL, invalid UTF-8), scores it with
 * the packaged weights and prints "complexity risk confidence ours
 * feature..." where
 * ours is 1 when one of our deliberate differences (topic-only, a
 * destructive shell command) applies.  Used by tests/diff/run.py.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "mr/router.h"
#include "mr/unicode.h"
#include "mr/util.h"

static const int packaged[MR_W_COUNT] = {
#define X(id, dim, name, code_default, pk) pk,
	MR_WEIGHTS
#undef X
};

/* The bytes of LINE after "x:", two hex digits each, into OUT. */
static int
unhex(const struct mr_buf *line, struct mr_buf *out)
{
	static const char digits[] = "0123456789abcdef";
	const char *hi, *lo;
	size_t i;

	mr_buf_reset(out);
	if ((line->len - 2) % 2 != 0)
		return -1;
	for (i = 2; i < line->len; i += 2) {
		hi = memchr(digits, line->buf[i], 16);
		lo = memchr(digits, line->buf[i + 1], 16);
		if (hi == NULL || lo == NULL)
			return -1;
		mr_buf_addch(out, (int)((hi - digits) * 16 + (lo - digits)));
	}
	return 0;
}

int
main(void)
{
	struct mr_scoring s;
	struct mr_analysis a;
	struct mr_buf line = MR_BUF_INIT, raw = MR_BUF_INIT;
	cJSON *j;
	int c, i;

	s.saturation_k = 50;
	memcpy(s.w, packaged, sizeof(packaged));
	for (;;) {
		mr_buf_reset(&line);
		while ((c = getchar()) != EOF && c != '\n')
			mr_buf_addch(&line, c);
		if (c == EOF && line.len == 0)
			break;
		j = NULL;
		if (line.len >= 2 && memcmp(line.buf, "x:", 2) == 0) {
			if (unhex(&line, &raw) < 0) {
				puts("ERR");
				continue;
			}
			mr_score(&s, raw.buf, raw.len, &a);
		} else {
			j = cJSON_Parse(line.buf);
			if (j == NULL || !cJSON_IsString(j)) {
				puts("ERR");
				cJSON_Delete(j);
				continue;
			}
			mr_score(&s, j->valuestring, strlen(j->valuestring),
			    &a);
		}
		printf("%d %d %d %d", a.complexity, a.risk, a.confidence,
		    mr_has(&a, MR_F_TOPIC_ONLY) ||
		    mr_has(&a, MR_F_DESTRUCTIVE_COMMAND));
		for (i = 0; i < MR_F_PUBLIC_COUNT; i++)
			if (mr_has(&a, (enum mr_feature)i))
				printf(" %s", mr_feature_name((enum mr_feature)i));
		putchar('\n');
		cJSON_Delete(j);
	}
	mr_buf_release(&line);
	mr_buf_release(&raw);
	mr_uni_cleanup();
	return 0;
}
