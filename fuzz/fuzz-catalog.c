/*
 * libFuzzer target for the model catalog loader (a user's catalog.yaml is
 * untrusted): any input gives entries or an error, never a crash, a leak
 * or a hang; what loads is then ranked, which must not crash either.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mr/catalog.h"
#include "mr/recommend.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mr_role_rec out[MR_ROLE_COUNT];
	struct mr_error err = MR_ERROR_INIT;
	struct mr_catalog cat;
	struct mr_rec_opts o;
	struct mr_rec_hw hw;
	char *msg;

	mr_catalog_init(&cat);
	if (mr_catalog_add_mem(&cat, (const char *)data, size, "fuzz.yaml",
	    &err) == 0) {
		memset(&o, 0, sizeof(o));
		memset(&hw, 0, sizeof(hw));
		hw.ram_total = 32ULL << 30;
		hw.vram_total = 8ULL << 30;
		mr_recommend(&cat, &hw, NULL, &o, out);
	} else {
		msg = mr_error_format(&err);
		free(msg);
	}
	mr_error_clear(&err);
	mr_catalog_release(&cat);
	return 0;
}
