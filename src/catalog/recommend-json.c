/*
 * Recommendations as one JSON document: the schema model-router(1)
 * documents under "SETUP RECOMMEND JSON".
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "mr/json.h"
#include "mr/recommend.h"
#include "mr/recommend-json.h"

static cJSON *
pick_json(const struct mr_pick *p)
{
	const struct mr_cat_model *m = p->model;
	const struct mr_cat_file *f = p->file;
	cJSON *o = cJSON_CreateObject(), *mem;

	cJSON_AddStringToObject(o, "id", m->id);
	cJSON_AddStringToObject(o, "name", m->name);
	cJSON_AddStringToObject(o, "format", f->mlx ? "mlx" : "gguf");
	cJSON_AddStringToObject(o, "quantization", f->quant);
	mr_json_add_str(o, "repo", f->mlx ? f->repo : m->gguf_repo);
	mr_json_add_str(o, "file", f->mlx ? NULL : f->file);
	cJSON_AddNumberToObject(o, "files", f->shards);
	cJSON_AddNumberToObject(o, "size_bytes", (double)f->size_bytes);
	cJSON_AddBoolToObject(o, "size_estimated", f->estimated);
	cJSON_AddStringToObject(o, "placement", mr_placement_name(p->place));
	mem = cJSON_AddObjectToObject(o, "memory");
	cJSON_AddNumberToObject(mem, "weights_bytes", (double)p->mem.weights);
	cJSON_AddNumberToObject(mem, "kv_bytes", (double)p->mem.kv);
	cJSON_AddNumberToObject(mem, "overhead_bytes", (double)p->mem.overhead);
	cJSON_AddNumberToObject(mem, "total_bytes", (double)p->mem.total);
	cJSON_AddNumberToObject(mem, "budget_bytes", (double)p->budget);
	cJSON_AddNumberToObject(o, "context", (double)p->context);
	cJSON_AddNumberToObject(o, "context_max", (double)m->ctx_max);
	if (m->tools == 0 || m->tools == 1)
		cJSON_AddBoolToObject(o, "tools", m->tools);
	else
		cJSON_AddNullToObject(o, "tools");
	cJSON_AddBoolToObject(o, "installed", p->installed);
	mr_json_add_str(o, "installed_at", p->installed ? p->installed_at :
	    NULL);
	cJSON_AddBoolToObject(o, "loaded", p->loaded);
	mr_json_add_str(o, "loaded_on", p->loaded ? p->loaded_on : NULL);
	mr_json_add_str(o, "license", m->license);
	mr_json_add_str(o, "card", m->card);
	cJSON_AddStringToObject(o, "why", p->why);
	return o;
}

cJSON *
mr_recommend_json(const struct mr_rec_json_in *in)
{
	cJSON *o = cJSON_CreateObject(), *hw, *roles, *r, *picks, *cat;
	const struct mr_role_rec *rr;
	size_t i, k;

	cJSON_AddStringToObject(o, "schema", "model-router/setup-recommend/1");
	cJSON_AddStringToObject(o, "profile", mr_rec_profile_name(in->profile));
	cJSON_AddNumberToObject(o, "context", (double)in->context);
	hw = cJSON_AddObjectToObject(o, "hardware");
	cJSON_AddStringToObject(hw, "source", in->hw_source);
	cJSON_AddNumberToObject(hw, "ram_total_bytes",
	    (double)in->hw->ram_total);
	cJSON_AddNumberToObject(hw, "vram_total_bytes",
	    (double)in->hw->vram_total);
	cJSON_AddBoolToObject(hw, "unified_memory", in->hw->unified);
	if (in->hw->disk_known)
		cJSON_AddNumberToObject(hw, "disk_free_bytes",
		    (double)in->hw->disk_free);
	else
		cJSON_AddNullToObject(hw, "disk_free_bytes");
	roles = cJSON_AddArrayToObject(o, "roles");
	for (i = 0; i < MR_ROLE_COUNT; i++) {
		rr = &in->recs[i];
		if (rr->context == 0)
			continue;	/* not asked for */
		r = cJSON_CreateObject();
		cJSON_AddStringToObject(r, "role", mr_role_name(rr->role));
		cJSON_AddBoolToObject(r, "hermes_facing",
		    mr_role_hermes_facing(rr->role));
		cJSON_AddNumberToObject(r, "context", (double)rr->context);
		cJSON_AddNumberToObject(r, "considered", (double)rr->considered);
		picks = cJSON_AddArrayToObject(r, "picks");
		for (k = 0; k < rr->npicks; k++)
			cJSON_AddItemToArray(picks, pick_json(&rr->picks[k]));
		mr_json_add_str(r, "advice", rr->npicks == 0 ? rr->advice :
		    NULL);
		cJSON_AddItemToArray(roles, r);
	}
	cat = cJSON_AddObjectToObject(o, "catalog");
	cJSON_AddItemToObject(cat, "sources", mr_json_strlist(&in->cat->sources));
	cJSON_AddNumberToObject(cat, "models", (double)in->cat->n);
	cJSON_AddItemToObject(o, "warnings", mr_json_strlist(in->warnings));
	return o;
}
