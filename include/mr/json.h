/*
 * JSON output over cJSON trees: keys in insertion order, two-space indent,
 * non-ASCII escaped as \uXXXX (the reference's json.dumps(indent=2,
 * ensure_ascii=True) layout), so output is stable and diffable.
 */
#ifndef MR_JSON_H
#define MR_JSON_H

#include <cjson/cJSON.h>

#include "mr/util.h"

/* Appends ITEM to OUT, pretty-printed, without a trailing newline. */
void	 mr_json_print(const cJSON *item, struct mr_buf *out);
/* The same, compact on one line ({"a": 1, "b": [1, 2]} style). */
void	 mr_json_print_compact(const cJSON *item, struct mr_buf *out);
/* Appends S as a JSON string literal. */
void	 mr_json_quote(const char *s, struct mr_buf *out);

/* Small builders: add a string (NULL adds null), a string list. */
void	 mr_json_add_str(cJSON *obj, const char *key, const char *s);
cJSON	*mr_json_strlist(const struct mr_strlist *l);

#endif
