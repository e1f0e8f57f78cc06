/* Names and reason texts shared by the scorer, the policy and receipts. */
#include "mr/router.h"

static const char *const feature_names[MR_F_COUNT] = {
#define X(id, name) name,
	MR_FEATURES
#undef X
};

const struct mr_signal_info mr_signal_info[MR_S_COUNT] = {
#define X(id, dim, w, text) { text, MR_DIM_##dim, w },
	MR_SIGNALS
#undef X
};

const char *
mr_feature_name(enum mr_feature f)
{
	return (unsigned)f < MR_F_COUNT ? feature_names[f] : "?";
}
