/*
 * A tiny GGUF writer for tests: builds synthetic .gguf files in memory
 * (header, metadata, tensor infos; no tensor data).
 */
#ifndef MR_TEST_GGUF_WRITER_H
#define MR_TEST_GGUF_WRITER_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mr/util.h"

/* ---- a tiny GGUF writer ------------------------------------------------ */

struct gw {
	struct mr_buf	 b;
	int		 version;
	size_t		 kv_at;		/* offset of the kv count */
	uint64_t	 nkv;
};

static inline void
put(struct gw *g, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		mr_buf_addch(&g->b, (int)((v >> (8 * i)) & 0xff));
}

static inline void
put_len(struct gw *g, uint64_t v)
{
	put(g, v, g->version >= 2 ? 8 : 4);
}

static inline void
put_str(struct gw *g, const char *s)
{
	put_len(g, strlen(s));
	mr_buf_addstr(&g->b, s);
}

static inline void
gw_begin(struct gw *g, int version, uint64_t tensors)
{
	mr_buf_init(&g->b);
	g->version = version;
	g->nkv = 0;
	mr_buf_addstr(&g->b, "GGUF");
	put(g, (uint64_t)version, 4);
	put_len(g, tensors);
	g->kv_at = g->b.len;
	put_len(g, 0);
}

static inline void
gw_end(struct gw *g)
{
	size_t i, n = g->version >= 2 ? 8 : 4;

	for (i = 0; i < n; i++)
		g->b.buf[g->kv_at + i] = (char)((g->nkv >> (8 * i)) & 0xff);
}

static inline void
kv_str(struct gw *g, const char *k, const char *v)
{
	put_str(g, k);
	put(g, 8, 4);
	put_str(g, v);
	g->nkv++;
}

static inline void
kv_u32(struct gw *g, const char *k, uint32_t v)
{
	put_str(g, k);
	put(g, 4, 4);
	put(g, v, 4);
	g->nkv++;
}

static inline void
kv_u64(struct gw *g, const char *k, uint64_t v)
{
	put_str(g, k);
	put(g, 10, 4);
	put(g, v, 8);
	g->nkv++;
}

static inline void
kv_i32_array(struct gw *g, const char *k, const int32_t *v, size_t n)
{
	size_t i;

	put_str(g, k);
	put(g, 9, 4);
	put(g, 5, 4);
	put_len(g, n);
	for (i = 0; i < n; i++)
		put(g, (uint32_t)v[i], 4);
	g->nkv++;
}

static inline void
kv_str_array(struct gw *g, const char *k, size_t n)
{
	char tok[32];
	size_t i;

	put_str(g, k);
	put(g, 9, 4);
	put(g, 8, 4);
	put_len(g, n);
	for (i = 0; i < n; i++) {
		snprintf(tok, sizeof(tok), "tok%zu", i);
		put_str(g, tok);
	}
	g->nkv++;
}

static inline void
tensor(struct gw *g, const char *name, const uint64_t *dims, uint32_t n)
{
	uint32_t i;

	put_str(g, name);
	put(g, n, 4);
	for (i = 0; i < n; i++)
		put(g, dims[i], 8);
	put(g, 12, 4);		/* ggml type */
	put(g, 0, 8);		/* offset */
}

/* Writes the built file to PATH; 0 or -1. */
static inline int
gw_write(const struct gw *g, const char *path)
{
	FILE *fp = fopen(path, "wb");
	int rc;

	if (fp == NULL)
		return -1;
	rc = fwrite(g->b.buf, 1, g->b.len, fp) == g->b.len ? 0 : -1;
	if (fclose(fp) != 0)
		rc = -1;
	return rc;
}

#endif
