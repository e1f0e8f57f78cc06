/*
 * The discovery as one JSON document: the schema model-router(1)
 * documents under "SETUP SCAN JSON".  Unknown values are null, never 0 or
 * "", so a reader can tell "none" from "not known".
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "mr/discover.h"
#include "mr/json.h"

#define MR_SCAN_SCHEMA "model-router/setup-scan/1"

static void
add_u64(cJSON *o, const char *key, uint64_t v, bool known)
{
	if (known)
		cJSON_AddNumberToObject(o, key, (double)v);
	else
		cJSON_AddNullToObject(o, key);
}

static void
add_text(cJSON *o, const char *key, const char *s)
{
	mr_json_add_str(o, key, s != NULL && *s ? s : NULL);
}

/* 1 true, 0 false, anything else null. */
static void
add_tristate(cJSON *o, const char *key, int v)
{
	if (v == 0 || v == 1)
		cJSON_AddBoolToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

static cJSON *
hardware_json(const struct mr_hardware *hw)
{
	cJSON *o = cJSON_CreateObject(), *ram, *cpu, *gpus, *g;
	const struct mr_gpu *gp;
	size_t i;

	ram = cJSON_AddObjectToObject(o, "memory");
	add_u64(ram, "total_bytes", hw->ram_total, hw->ram_total > 0);
	add_u64(ram, "available_bytes", hw->ram_available,
	    hw->ram_available > 0);
	add_u64(ram, "host_total_bytes", hw->host_ram_total,
	    hw->host_ram_total > 0);
	add_u64(ram, "cgroup_limit_bytes", hw->cgroup_limit,
	    hw->cgroup_limited);
	cpu = cJSON_AddObjectToObject(o, "cpu");
	add_text(cpu, "model", hw->cpu_model);
	add_u64(cpu, "cores", (uint64_t)hw->cpu_cores, hw->cpu_cores > 0);
	add_u64(cpu, "threads", (uint64_t)hw->cpu_threads,
	    hw->cpu_threads > 0);
	add_u64(cpu, "packages", (uint64_t)hw->cpu_packages,
	    hw->cpu_packages > 0);
	add_text(cpu, "arch", hw->arch);
	cJSON_AddBoolToObject(cpu, "apple_silicon", hw->apple_silicon);
	gpus = cJSON_AddArrayToObject(o, "gpus");
	for (i = 0; i < hw->ngpus; i++) {
		gp = &hw->gpus[i];
		g = cJSON_CreateObject();
		add_text(g, "vendor", gp->vendor);
		add_text(g, "name", gp->name);
		add_text(g, "driver", gp->driver);
		add_text(g, "pci", gp->pci);
		cJSON_AddBoolToObject(g, "integrated", gp->integrated);
		add_u64(g, "vram_total_bytes", gp->vram_total,
		    gp->vram_known && gp->vram_total > 0);
		add_u64(g, "vram_free_bytes", gp->vram_free,
		    gp->vram_known && gp->vram_free > 0);
		add_u64(g, "gtt_total_bytes", gp->gtt_total, gp->gtt_total > 0);
		cJSON_AddItemToArray(gpus, g);
	}
	return o;
}

static cJSON *
server_json(const struct mr_server_result *r)
{
	cJSON *o = cJSON_CreateObject(), *models, *m;
	const struct mr_served_model *sm;
	size_t i;

	cJSON_AddStringToObject(o, "url", r->base);
	cJSON_AddBoolToObject(o, "reachable", r->reachable);
	add_text(o, "kind", r->info.kind == MR_SRV_UNKNOWN ? NULL :
	    mr_server_kind_name(r->info.kind));
	add_text(o, "version", r->info.version);
	cJSON_AddBoolToObject(o, "loading", r->loading);
	add_text(o, "problem", r->problem);
	models = cJSON_AddArrayToObject(o, "models");
	for (i = 0; i < r->info.nmodels; i++) {
		sm = &r->info.models[i];
		m = cJSON_CreateObject();
		cJSON_AddStringToObject(m, "id", sm->id);
		cJSON_AddBoolToObject(m, "loaded", sm->loaded);
		cJSON_AddBoolToObject(m, "loading", sm->loading);
		add_u64(m, "loaded_context", sm->loaded_context,
		    sm->loaded_context > 0);
		add_u64(m, "max_context", sm->max_context, sm->max_context > 0);
		add_tristate(m, "context_ok", sm->loaded_context > 0 ?
		    (int)mr_context_ok(sm->loaded_context) : -1);
		add_tristate(m, "tools", sm->tools);
		add_text(m, "quantization", sm->quant);
		cJSON_AddItemToArray(models, m);
	}
	return o;
}

static cJSON *
model_json(const struct mr_model *md)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "name", md->name);
	cJSON_AddStringToObject(o, "source", mr_model_source_name(md->source));
	cJSON_AddStringToObject(o, "format", mr_model_format_name(md->format));
	cJSON_AddItemToObject(o, "paths", mr_json_strlist(&md->paths));
	add_u64(o, "size_bytes", md->size_bytes, true);
	add_u64(o, "files", md->shards, md->shards > 0);
	add_text(o, "quantization", md->quant);
	add_text(o, "size_label", md->size_label);
	add_u64(o, "parameters", md->params, md->params > 0);
	add_text(o, "architecture", md->arch);
	add_u64(o, "context_length", md->context_length,
	    md->context_length > 0);
	add_u64(o, "configured_context", md->configured_context,
	    md->configured_context > 0);
	add_tristate(o, "context_ok", md->context_length > 0 ?
	    (int)mr_context_ok(md->context_length) : -1);
	add_tristate(o, "tools", md->tools);
	cJSON_AddBoolToObject(o, "vision", md->has_projector);
	return o;
}

cJSON *
mr_discovery_json(const struct mr_discovery *d)
{
	cJSON *o = cJSON_CreateObject(), *a, *f;
	const struct mr_scan_root *r;
	size_t i;

	cJSON_AddStringToObject(o, "schema", MR_SCAN_SCHEMA);
	cJSON_AddNumberToObject(o, "min_context", MR_HERMES_MIN_CONTEXT);
	if (d->have_hardware)
		cJSON_AddItemToObject(o, "hardware", hardware_json(&d->hw));
	else
		cJSON_AddNullToObject(o, "hardware");
	a = cJSON_AddArrayToObject(o, "servers");
	for (i = 0; i < d->nservers; i++)
		cJSON_AddItemToArray(a, server_json(&d->servers[i]));
	a = cJSON_AddArrayToObject(o, "folders");
	for (i = 0; i < d->nroots; i++) {
		r = &d->roots[i];
		f = cJSON_CreateObject();
		cJSON_AddStringToObject(f, "path", r->path);
		cJSON_AddStringToObject(f, "source",
		    mr_model_source_name(r->source));
		cJSON_AddBoolToObject(f, "given", r->given);
		cJSON_AddBoolToObject(f, "exists", r->exists);
		add_u64(f, "free_bytes", r->free_bytes, r->free_known);
		cJSON_AddNumberToObject(f, "models", (double)r->nmodels);
		cJSON_AddItemToArray(a, f);
	}
	a = cJSON_AddArrayToObject(o, "models");
	for (i = 0; i < d->nmodels; i++)
		cJSON_AddItemToArray(a, model_json(&d->models[i]));
	cJSON_AddNumberToObject(o, "duplicates", (double)d->duplicates);
	cJSON_AddItemToObject(o, "warnings", mr_json_strlist(&d->warnings));
	return o;
}
