/*
 * libFuzzer target for the GGUF header reader: any bytes as a .gguf file,
 * with and without tensor infos.  The reader must fail cleanly or return
 * facts consistent with the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mr/gguf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mr_gguf_info in;
	struct mr_error err = MR_ERROR_INIT;
	unsigned flags;

	for (flags = 0; flags <= MR_GGUF_TENSORS; flags++) {
		if (mr_gguf_read_mem(data, size, flags, &in, &err) == 0) {
			if (in.header_bytes > size)
				abort();
			if (memchr(in.architecture, '\0',
			    sizeof(in.architecture)) == NULL)
				abort();
		} else if (err.msg == NULL)
			abort();
		mr_error_clear(&err);
	}
	return 0;
}
