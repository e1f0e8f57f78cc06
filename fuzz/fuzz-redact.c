/*
 * libFuzzer target for the secret redactor (doctor --bundle, findings):
 * any bytes give a result or a refusal, never a crash; and a planted
 * sk- key standing as a word never survives, whatever surrounds it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mr/doctor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mr_buf in = MR_BUF_INIT, out = MR_BUF_INIT;
	static const char planted[] = " sk-PLANTEDsecret123 ";

	mr_buf_add(&in, data, size);
	mr_buf_addstr(&in, planted);
	/* wherever a key stands as a word, it must be gone */
	if (mr_redact(in.buf, in.len, &out) == 0 &&
	    strstr(out.buf, " sk-PLANTEDsecret123") != NULL)
		abort();
	mr_buf_release(&in);
	mr_buf_release(&out);
	return 0;
}
