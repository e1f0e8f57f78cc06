/*
 * libFuzzer target for the stream relay's event reader: any bytes from
 * an upstream, cut into pieces where the input says.  Without our usage
 * chunk to drop, every byte must come out, in order; with it, what comes
 * out is never more than went in; usage and the end are read without
 * crashing, leaking or hanging.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mr/gateway.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Feeds DATA (after its first byte, the cut length) into S. */
static void
run(struct mr_sse *s, const uint8_t *data, size_t size, struct mr_buf *out)
{
	size_t step = size > 0 ? (size_t)data[0] % 64 + 1 : 1, i, k;

	for (i = size > 0 ? 1 : 0; i < size; i += k) {
		k = size - i < step ? size - i : step;
		mr_sse_feed(s, (const char *)data + i, k, out);
		/* a different cut next time, from the bytes themselves */
		step = (size_t)data[i] % 97 + 1;
	}
	mr_sse_finish(s, out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mr_buf out = MR_BUF_INIT;
	struct mr_gw_usage u;
	struct mr_sse s;
	size_t body = size > 0 ? size - 1 : 0;

	mr_sse_init(&s, false);
	run(&s, data, size, &out);
	if (out.len != body || (body > 0 && memcmp(out.buf, data + 1,
	    body) != 0))
		abort();	/* a byte lost, added or moved */
	mr_sse_release(&s);
	mr_buf_release(&out);

	mr_sse_init(&s, true);
	run(&s, data, size, &out);
	if (out.len > body)
		abort();
	mr_sse_release(&s);
	mr_buf_release(&out);

	(void)mr_gw_usage((const char *)data, size, &u);
	return 0;
}
