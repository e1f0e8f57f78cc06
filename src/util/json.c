/* Deterministic JSON printing over cJSON trees. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mr/json.h"
#include "mr/unicode.h"

void
mr_json_quote(const char *s, struct mr_buf *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, used;
	uint32_t cp, hi, lo;

	mr_buf_addch(out, '"');
	while (i < n) {
		if (p[i] < 0x80) {
			switch (p[i]) {
			case '"': mr_buf_addstr(out, "\\\""); break;
			case '\\': mr_buf_addstr(out, "\\\\"); break;
			case '\n': mr_buf_addstr(out, "\\n"); break;
			case '\r': mr_buf_addstr(out, "\\r"); break;
			case '\t': mr_buf_addstr(out, "\\t"); break;
			case '\b': mr_buf_addstr(out, "\\b"); break;
			case '\f': mr_buf_addstr(out, "\\f"); break;
			default:
				if (p[i] < 0x20 || p[i] == 0x7f)
					mr_buf_printf(out, "\\u%04x", p[i]);
				else
					mr_buf_addch(out, p[i]);
			}
			i++;
			continue;
		}
		cp = mr_utf8_decode(p + i, n - i, &used);
		i += used;
		if (cp == MR_UNI_INVALID)
			cp = 0xFFFD;
		if (cp >= 0x10000) {
			hi = 0xD800 + ((cp - 0x10000) >> 10);
			lo = 0xDC00 + ((cp - 0x10000) & 0x3FF);
			mr_buf_printf(out, "\\u%04x\\u%04x", hi, lo);
		} else
			mr_buf_printf(out, "\\u%04x", cp);
	}
	mr_buf_addch(out, '"');
}

static void
print_number(const cJSON *it, struct mr_buf *out)
{
	double d = it->valuedouble;

	if (isfinite(d) && d == floor(d) && fabs(d) < 1e15)
		mr_buf_printf(out, "%.0f", d);
	else if (isfinite(d))
		mr_buf_printf(out, "%.17g", d);
	else
		mr_buf_addstr(out, "null");
}

static void
indent(struct mr_buf *out, int level)
{
	mr_buf_addch(out, '\n');
	while (level-- > 0)
		mr_buf_addstr(out, "  ");
}

static void
print_item(const cJSON *it, struct mr_buf *out, int level, bool pretty)
{
	const cJSON *c;
	bool obj;

	if (cJSON_IsNull(it) || cJSON_IsInvalid(it))
		mr_buf_addstr(out, "null");
	else if (cJSON_IsTrue(it))
		mr_buf_addstr(out, "true");
	else if (cJSON_IsFalse(it))
		mr_buf_addstr(out, "false");
	else if (cJSON_IsNumber(it))
		print_number(it, out);
	else if (cJSON_IsString(it) || cJSON_IsRaw(it))
		mr_json_quote(it->valuestring ? it->valuestring : "", out);
	else if (cJSON_IsArray(it) || cJSON_IsObject(it)) {
		obj = cJSON_IsObject(it);
		mr_buf_addch(out, obj ? '{' : '[');
		if (it->child == NULL) {
			mr_buf_addch(out, obj ? '}' : ']');
			return;
		}
		for (c = it->child; c != NULL; c = c->next) {
			if (pretty)
				indent(out, level + 1);
			if (obj) {
				mr_json_quote(c->string ? c->string : "", out);
				mr_buf_addstr(out, ": ");
			}
			print_item(c, out, level + 1, pretty);
			if (c->next)
				mr_buf_addstr(out, pretty ? "," : ", ");
		}
		if (pretty)
			indent(out, level);
		mr_buf_addch(out, obj ? '}' : ']');
	}
}

void
mr_json_print(const cJSON *item, struct mr_buf *out)
{
	print_item(item, out, 0, true);
}

void
mr_json_print_compact(const cJSON *item, struct mr_buf *out)
{
	print_item(item, out, 0, false);
}

void
mr_json_add_str(cJSON *obj, const char *key, const char *s)
{
	if (s == NULL)
		cJSON_AddNullToObject(obj, key);
	else
		cJSON_AddStringToObject(obj, key, s);
}

cJSON *
mr_json_strlist(const struct mr_strlist *l)
{
	cJSON *a = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < l->n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(l->v[i]));
	return a;
}
