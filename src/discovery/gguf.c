/*
 * GGUF header reader (local-servers-hf-hardware.md §5).
 *
 * A small buffered reader walks the metadata section: wanted keys are
 * decoded, everything else (tokenizer vocabularies of 250k strings among
 * them) is skipped without allocating.  Each count and length is checked
 * against the bytes that remain before it is used.
 */
#define _GNU_SOURCE	/* memmem */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mr/gguf.h"

#define RD_BUF		(64 * 1024)
#define KEY_MAX		256		/* longer keys are skipped, not read */
#define KEY_LIMIT	65535		/* the spec's limit for a key */
#define TEMPLATE_MAX	(1 << 20)	/* chat template bytes scanned */
#define ARRAY_DEPTH	8
#define NCAND		64

enum gtype {
	G_U8, G_I8, G_U16, G_I16, G_U32, G_I32, G_F32, G_BOOL, G_STRING,
	G_ARRAY, G_U64, G_I64, G_F64, G_NTYPES
};

static const unsigned char type_size[G_NTYPES] = {
	[G_U8] = 1, [G_I8] = 1, [G_U16] = 2, [G_I16] = 2, [G_U32] = 4,
	[G_I32] = 4, [G_F32] = 4, [G_BOOL] = 1, [G_U64] = 8, [G_I64] = 8,
	[G_F64] = 8,
};

struct rd {
	const unsigned char *mem;	/* memory source, or NULL */
	int		 fd;		/* file source */
	uint64_t	 size;
	uint64_t	 pos;
	unsigned char	*buf;		/* file buffer */
	uint64_t	 bufoff;
	size_t		 buflen;
	bool		 wide;		/* v2+: 64-bit counts and lengths */
	const char	*name;
	struct mr_error	*err;
};

/* Suffixes of <architecture>.* keys, in struct order. */
static const char *const arch_keys[] = {
	"context_length", "block_count", "embedding_length",
	"feed_forward_length", "attention.head_count",
	"attention.head_count_kv", "attention.key_length",
	"attention.value_length", "attention.sliding_window", "expert_count",
	"expert_used_count", "full_attention_interval", "pooling_type",
};
enum {
	K_CTX, K_BLOCKS, K_EMBED, K_FFN, K_HEADS, K_HEADS_KV, K_KEYLEN,
	K_VALLEN, K_SWA, K_EXPERTS, K_EXPERTS_USED, K_FULL_ATTN, K_POOLING,
	K_NARCH
};

struct cand {
	char		 prefix[64];
	int		 key;
	uint64_t	 value;
	uint64_t	 layers;	/* nonzero entries of a per-layer array */
};

struct parse {
	struct rd	*r;
	struct mr_gguf_info *out;
	struct cand	 cand[NCAND];
	size_t		 ncand;
	char		*tmpl;		/* chat template (bounded) */
	size_t		 tmpl_len;
};

static int
fail(struct rd *r, const char *fmt, unsigned long long a,
    unsigned long long b)
{
	mr_error_set(r->err, r->name, 0, 0, fmt, a, b);
	return -1;
}

static int
truncated(struct rd *r)
{
	return fail(r, "truncated GGUF header at byte %llu of %llu",
	    (unsigned long long)r->pos, (unsigned long long)r->size);
}

static uint64_t
remaining(const struct rd *r)
{
	return r->size - r->pos;
}

static int
rd_bytes(struct rd *r, void *dst, size_t n)
{
	unsigned char *d = dst;
	size_t take;
	ssize_t got;

	if (n > remaining(r))
		return truncated(r);
	if (r->mem != NULL) {
		memcpy(d, r->mem + r->pos, n);
		r->pos += n;
		return 0;
	}
	while (n > 0) {
		if (r->pos < r->bufoff || r->pos >= r->bufoff + r->buflen) {
			do
				got = pread(r->fd, r->buf, RD_BUF,
				    (off_t)r->pos);
			while (got < 0 && errno == EINTR);
			if (got <= 0) {
				if (got < 0)
					return fail(r, "cannot read the GGUF "
					    "header at byte %llu (errno %llu)",
					    (unsigned long long)r->pos,
					    (unsigned long long)errno);
				return truncated(r);
			}
			r->bufoff = r->pos;
			r->buflen = (size_t)got;
		}
		take = (size_t)(r->bufoff + r->buflen - r->pos);
		if (take > n)
			take = n;
		memcpy(d, r->buf + (r->pos - r->bufoff), take);
		d += take;
		r->pos += take;
		n -= take;
	}
	return 0;
}

static int
rd_skip(struct rd *r, uint64_t n)
{
	if (n > remaining(r))
		return truncated(r);
	r->pos += n;
	return 0;
}

static uint64_t
le(const unsigned char *b, size_t n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = (v << 8) | b[n];
	return v;
}

static int
rd_u32(struct rd *r, uint32_t *v)
{
	unsigned char b[4];

	if (rd_bytes(r, b, 4) < 0)
		return -1;
	*v = (uint32_t)le(b, 4);
	return 0;
}

static int
rd_u64(struct rd *r, uint64_t *v)
{
	unsigned char b[8];

	if (rd_bytes(r, b, 8) < 0)
		return -1;
	*v = le(b, 8);
	return 0;
}

/* A count or length: 64-bit from version 2 on, 32-bit in version 1. */
static int
rd_len(struct rd *r, uint64_t *v)
{
	uint32_t v32;

	if (r->wide)
		return rd_u64(r, v);
	if (rd_u32(r, &v32) < 0)
		return -1;
	*v = v32;
	return 0;
}

/* A scalar of type T as an unsigned integer (negative values read 0). */
static int
rd_int(struct rd *r, uint32_t t, uint64_t *v)
{
	unsigned char b[8];
	uint64_t u;

	if (t >= G_NTYPES || type_size[t] == 0 || t == G_F32 || t == G_F64)
		return 1;	/* not an integer */
	if (rd_bytes(r, b, type_size[t]) < 0)
		return -1;
	u = le(b, type_size[t]);
	switch (t) {
	case G_I8:
		*v = (int8_t)u < 0 ? 0 : u;
		break;
	case G_I16:
		*v = (int16_t)u < 0 ? 0 : u;
		break;
	case G_I32:
		*v = (int32_t)u < 0 ? 0 : u;
		break;
	case G_I64:
		*v = (int64_t)u < 0 ? 0 : u;
		break;
	default:
		*v = u;
	}
	return 0;
}

/* Reads a string into DST (truncated to N-1 bytes, NUL-terminated). */
static int
rd_str(struct rd *r, char *dst, size_t n)
{
	uint64_t len;
	size_t take;

	if (rd_len(r, &len) < 0)
		return -1;
	if (len > remaining(r))
		return truncated(r);
	take = len < n - 1 ? (size_t)len : n - 1;
	if (rd_bytes(r, dst, take) < 0)
		return -1;
	dst[take] = '\0';
	return rd_skip(r, len - take);
}

/* Skips one value of type T (arrays nest at most ARRAY_DEPTH deep). */
static int
skip_value(struct rd *r, uint32_t t, int depth)
{
	uint64_t len, count, i;
	uint32_t et;

	if (t < G_NTYPES && type_size[t] != 0)
		return rd_skip(r, type_size[t]);
	if (t == G_STRING) {
		if (rd_len(r, &len) < 0)
			return -1;
		return rd_skip(r, len);
	}
	if (t != G_ARRAY)
		return fail(r, "unknown GGUF value type %llu at byte %llu",
		    t, (unsigned long long)r->pos);
	if (depth >= ARRAY_DEPTH)
		return fail(r, "GGUF arrays nested deeper than %llu at byte "
		    "%llu", ARRAY_DEPTH, (unsigned long long)r->pos);
	if (rd_u32(r, &et) < 0 || rd_len(r, &count) < 0)
		return -1;
	if (et < G_NTYPES && type_size[et] != 0) {
		if (count > remaining(r) / type_size[et])
			return truncated(r);
		return rd_skip(r, count * type_size[et]);
	}
	/* strings and arrays take at least 8 bytes (a length) each */
	if (count > remaining(r) / (r->wide ? 8 : 4))
		return truncated(r);
	for (i = 0; i < count; i++)
		if (skip_value(r, et, depth + 1) < 0)
			return -1;
	return 0;
}

static struct cand *
add_cand(struct parse *p, const char *key, size_t prefix_len, int k)
{
	struct cand *c;

	if (p->ncand == NCAND || prefix_len >= sizeof(c->prefix))
		return NULL;
	c = &p->cand[p->ncand++];
	memset(c, 0, sizeof(*c));
	memcpy(c->prefix, key, prefix_len);
	c->key = k;
	return c;
}

/* Which <arch>.<suffix> key KEY is, with the prefix length; -1 if none. */
static int
arch_key(const char *key, size_t *prefix_len)
{
	const char *dot = strchr(key, '.');
	size_t i;

	if (dot == NULL || dot == key)
		return -1;
	for (i = 0; i < K_NARCH; i++) {
		if (strcmp(dot + 1, arch_keys[i]) == 0) {
			*prefix_len = (size_t)(dot - key);
			return (int)i;
		}
	}
	return -1;
}

/* A per-layer array of integers: the largest value and nonzero count. */
static int
read_int_array(struct rd *r, struct cand *c)
{
	uint64_t count, i, v;
	uint32_t et;

	if (rd_u32(r, &et) < 0 || rd_len(r, &count) < 0)
		return -1;
	if (et >= G_NTYPES || type_size[et] == 0 || et == G_F32 ||
	    et == G_F64 || et == G_BOOL) {
		/* not integers: skip as an array of ET */
		if (et < G_NTYPES && type_size[et] != 0) {
			if (count > remaining(r) / type_size[et])
				return truncated(r);
			return rd_skip(r, count * type_size[et]);
		}
		if (count > remaining(r) / (r->wide ? 8 : 4))
			return truncated(r);
		for (i = 0; i < count; i++)
			if (skip_value(r, et, 1) < 0)
				return -1;
		return 0;
	}
	if (count > remaining(r) / type_size[et])
		return truncated(r);
	for (i = 0; i < count; i++) {
		if (rd_int(r, et, &v) < 0)
			return -1;
		if (v > c->value)
			c->value = v;
		if (v != 0)
			c->layers++;
	}
	return 0;
}

static int
read_template(struct parse *p)
{
	struct rd *r = p->r;
	uint64_t len;
	size_t take;

	if (rd_len(r, &len) < 0)
		return -1;
	if (len > remaining(r))
		return truncated(r);
	take = len < TEMPLATE_MAX ? (size_t)len : TEMPLATE_MAX;
	free(p->tmpl);
	p->tmpl = mr_xmalloc(take + 1);
	if (rd_bytes(r, p->tmpl, take) < 0)
		return -1;
	p->tmpl[take] = '\0';
	p->tmpl_len = take;
	p->out->has_chat_template = true;
	return rd_skip(r, len - take);
}

static int
read_kv(struct parse *p)
{
	struct rd *r = p->r;
	struct mr_gguf_info *o = p->out;
	char key[KEY_MAX];
	uint64_t klen, v;
	uint32_t t;
	size_t plen;
	struct cand *c;
	int k, rc;

	if (rd_len(r, &klen) < 0)
		return -1;
	if (klen > KEY_LIMIT)
		return fail(r, "GGUF key of %llu bytes at byte %llu", klen,
		    (unsigned long long)r->pos);
	if (klen >= sizeof(key)) {
		if (rd_skip(r, klen) < 0 || rd_u32(r, &t) < 0)
			return -1;
		return skip_value(r, t, 0);
	}
	if (rd_bytes(r, key, (size_t)klen) < 0 || rd_u32(r, &t) < 0)
		return -1;
	key[klen] = '\0';
	if (memchr(key, '\0', (size_t)klen) != NULL)
		key[0] = '\0';	/* a key with NUL bytes is no key we know */

	if (t == G_STRING) {
		if (strcmp(key, "general.architecture") == 0)
			return rd_str(r, o->architecture,
			    sizeof(o->architecture));
		if (strcmp(key, "general.name") == 0)
			return rd_str(r, o->name, sizeof(o->name));
		if (strcmp(key, "general.basename") == 0)
			return rd_str(r, o->basename, sizeof(o->basename));
		if (strcmp(key, "general.finetune") == 0)
			return rd_str(r, o->finetune, sizeof(o->finetune));
		if (strcmp(key, "general.size_label") == 0)
			return rd_str(r, o->size_label, sizeof(o->size_label));
		if (strcmp(key, "tokenizer.chat_template") == 0)
			return read_template(p);
		return skip_value(r, t, 0);
	}
	if (strcmp(key, "general.file_type") == 0 ||
	    strcmp(key, "general.alignment") == 0) {
		if ((rc = rd_int(r, t, &v)) != 0)
			return rc < 0 ? -1 : skip_value(r, t, 0);
		if (key[8] == 'f')
			o->file_type = v > INT64_MAX ? -1 : (int64_t)v;
		else if (v > 0 && v <= UINT32_MAX)
			o->alignment = (uint32_t)v;
		return 0;
	}
	if ((k = arch_key(key, &plen)) < 0)
		return skip_value(r, t, 0);
	if ((c = add_cand(p, key, plen, k)) == NULL)
		return skip_value(r, t, 0);
	if (t == G_ARRAY)
		return read_int_array(r, c);
	if ((rc = rd_int(r, t, &c->value)) != 0)
		return rc < 0 ? -1 : skip_value(r, t, 0);
	return 0;
}

static uint64_t
sat_mul(uint64_t a, uint64_t b)
{
	if (a != 0 && b > UINT64_MAX / a)
		return UINT64_MAX;
	return a * b;
}

static int
read_tensors(struct parse *p)
{
	struct rd *r = p->r;
	uint64_t i, len, dim, n, total = 0;
	uint32_t ndims, d, type;

	for (i = 0; i < p->out->tensor_count; i++) {
		if (rd_len(r, &len) < 0 || rd_skip(r, len) < 0 ||
		    rd_u32(r, &ndims) < 0)
			return -1;
		if (ndims > 8)
			return fail(r, "GGUF tensor with %llu dimensions at "
			    "byte %llu", ndims, (unsigned long long)r->pos);
		n = 1;
		for (d = 0; d < ndims; d++) {
			if (rd_u64(r, &dim) < 0)
				return -1;
			n = sat_mul(n, dim);
		}
		if (rd_u32(r, &type) < 0 || rd_skip(r, 8) < 0)
			return -1;
		total = total > UINT64_MAX - n ? UINT64_MAX : total + n;
	}
	p->out->param_count = total;
	p->out->have_params = true;
	return 0;
}

static bool
has(const struct parse *p, const char *s)
{
	return p->tmpl != NULL &&
	    memmem(p->tmpl, p->tmpl_len, s, strlen(s)) != NULL;
}

/* Applies the <architecture>.* values and the template heuristics. */
static void
finish(struct parse *p)
{
	struct mr_gguf_info *o = p->out;
	uint64_t *field[K_NARCH] = {
		&o->context_length, &o->block_count, &o->embedding_length,
		&o->feed_forward_length, &o->head_count, &o->head_count_kv,
		&o->key_length, &o->value_length, &o->sliding_window,
		&o->expert_count, &o->expert_used_count,
		&o->full_attention_interval, NULL
	};
	size_t i;

	for (i = 0; i < p->ncand; i++) {
		if (strcmp(p->cand[i].prefix, o->architecture) != 0)
			continue;
		if (p->cand[i].key == K_POOLING)
			o->embedding = true;
		else
			*field[p->cand[i].key] = p->cand[i].value;
		if (p->cand[i].key == K_HEADS_KV)
			o->kv_layers = p->cand[i].layers;
	}
	if (o->head_count_kv == 0)
		o->head_count_kv = o->head_count;
	/* Ollama's heuristics (server/images.go) */
	o->template_tools = has(p, "tools") || has(p, "tool_call");
	o->template_tool_round_trip = (has(p, "tool_calls") ||
	    has(p, "assistant_tool_call")) && (has(p, "tool_response") ||
	    has(p, "tool_results") || has(p, "'tool'") || has(p, "\"tool\"") ||
	    has(p, "ipython"));
	o->template_thinking = has(p, "<think>") && has(p, "</think>");
}

static int
parse(struct rd *r, unsigned flags, struct mr_gguf_info *o)
{
	struct parse p;
	unsigned char magic[4];
	uint64_t i;
	int rc = -1;

	memset(o, 0, sizeof(*o));
	memset(&p, 0, sizeof(p));
	o->file_type = -1;
	o->alignment = 32;
	p.r = r;
	p.out = o;
	if (r->size < 8 || rd_bytes(r, magic, 4) < 0 ||
	    memcmp(magic, "GGUF", 4) != 0) {
		mr_error_set(r->err, r->name, 0, 0, "not a GGUF file");
		goto out;
	}
	if (rd_u32(r, &o->version) < 0)
		goto out;
	if (o->version < 1 || o->version > 3) {
		mr_error_set(r->err, r->name, 0, 0, "unsupported GGUF version "
		    "%u%s", o->version, (o->version & 0xFFFF) == 0 ?
		    " (a big-endian file?)" : "");
		goto out;
	}
	r->wide = o->version >= 2;
	if (rd_len(r, &o->tensor_count) < 0 || rd_len(r, &o->kv_count) < 0)
		goto out;
	/* a key-value pair takes at least 13 bytes, a tensor info 24 */
	if (o->kv_count > remaining(r) / 13) {
		fail(r, "GGUF header claims %llu metadata entries in %llu "
		    "bytes", (unsigned long long)o->kv_count,
		    (unsigned long long)r->size);
		goto out;
	}
	if (o->tensor_count > r->size / 24) {
		fail(r, "GGUF header claims %llu tensors in %llu bytes",
		    (unsigned long long)o->tensor_count,
		    (unsigned long long)r->size);
		goto out;
	}
	for (i = 0; i < o->kv_count; i++)
		if (read_kv(&p) < 0)
			goto out;
	o->header_bytes = r->pos;
	if ((flags & MR_GGUF_TENSORS) && read_tensors(&p) < 0)
		goto out;
	finish(&p);
	rc = 0;
out:
	free(p.tmpl);
	return rc;
}

int
mr_gguf_read_mem(const void *buf, size_t len, unsigned flags,
    struct mr_gguf_info *out, struct mr_error *err)
{
	struct rd r;

	memset(&r, 0, sizeof(r));
	r.mem = buf;
	r.fd = -1;
	r.size = len;
	r.name = "(memory)";
	r.err = err;
	return parse(&r, flags, out);
}

int
mr_gguf_read_file(const char *path, unsigned flags, struct mr_gguf_info *out,
    struct mr_error *err)
{
	struct rd r;
	struct stat st;
	int rc;

	memset(&r, 0, sizeof(r));
	r.name = path;
	r.err = err;
	if ((r.fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		mr_error_set(err, path, 0, 0, "cannot open: %s",
		    strerror(errno));
		return -1;
	}
	if (fstat(r.fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		mr_error_set(err, path, 0, 0, "not a regular file");
		close(r.fd);
		return -1;
	}
	r.size = (uint64_t)st.st_size;
	r.buf = mr_xmalloc(RD_BUF);
	rc = parse(&r, flags, out);
	free(r.buf);
	close(r.fd);
	return rc;
}

const char *
mr_gguf_file_type_name(int64_t ft)
{
	static const struct {
		int	 id;
		const char *name;
	} names[] = {
		{ 0, "F32" }, { 1, "F16" }, { 2, "Q4_0" }, { 3, "Q4_1" },
		{ 7, "Q8_0" }, { 8, "Q5_0" }, { 9, "Q5_1" }, { 10, "Q2_K" },
		{ 11, "Q3_K_S" }, { 12, "Q3_K_M" }, { 13, "Q3_K_L" },
		{ 14, "Q4_K_S" }, { 15, "Q4_K_M" }, { 16, "Q5_K_S" },
		{ 17, "Q5_K_M" }, { 18, "Q6_K" }, { 19, "IQ2_XXS" },
		{ 20, "IQ2_XS" }, { 21, "Q2_K_S" }, { 22, "IQ3_XS" },
		{ 23, "IQ3_XXS" }, { 24, "IQ1_S" }, { 25, "IQ4_NL" },
		{ 26, "IQ3_S" }, { 27, "IQ3_M" }, { 28, "IQ2_S" },
		{ 29, "IQ2_M" }, { 30, "IQ4_XS" }, { 31, "IQ1_M" },
		{ 32, "BF16" }, { 36, "TQ1_0" }, { 37, "TQ2_0" },
		{ 38, "MXFP4_MOE" }, { 39, "NVFP4" }, { 40, "Q1_0" },
	};
	size_t i;

	for (i = 0; i < MR_NELEM(names); i++)
		if (names[i].id == ft)
			return names[i].name;
	return NULL;
}
