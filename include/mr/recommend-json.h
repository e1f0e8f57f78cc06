/* Recommendations as a JSON document (schema in model-router(1)). */
#ifndef MR_RECOMMEND_JSON_H
#define MR_RECOMMEND_JSON_H

#include "mr/recommend.h"

struct mr_rec_json_in {
	const struct mr_catalog	*cat;
	const struct mr_rec_hw	*hw;
	const char		*hw_source;	/* "detected", "given" */
	enum mr_rec_profile	 profile;
	uint64_t		 context;
	const struct mr_role_rec *recs;		/* MR_ROLE_COUNT of them */
	const struct mr_strlist	*warnings;
};

struct cJSON;
struct cJSON *mr_recommend_json(const struct mr_rec_json_in *in);

#endif
