/*
 * Setting up: presets for routing_proxy.yaml, and choosing the model each
 * backend role uses from what discovery found running or on disk (real
 * ids, not placeholders).  Pure logic: discovery results come in, text and
 * notes go out.
 */
#ifndef MR_SETUP_H
#define MR_SETUP_H

#include <stdbool.h>
#include <stddef.h>

#include "mr/catalog.h"
#include "mr/discover.h"
#include "mr/util.h"

/* The backend roles of every preset, in file order. */
enum mr_backend_role {
	MR_BR_FAST,
	MR_BR_BALANCED,
	MR_BR_REASONING,
	MR_BR_CODE,
	MR_BR_COUNT
};
const char *mr_backend_role_name(enum mr_backend_role r);

struct mr_preset {
	const char	*name;
	const char	*title;
	enum mr_server_kind kind;	/* the server it talks to */
	int		 port;		/* its default port, 0: per role */
};
extern const struct mr_preset mr_presets[];
extern const size_t mr_npresets;
const struct mr_preset *mr_preset_find(const char *name);
/* The preset's routing_proxy.yaml text (embedded), or NULL. */
const char *mr_preset_text(const struct mr_preset *p, size_t *len);

struct mr_assignment {
	bool		 found[MR_BR_COUNT];	/* a real model was chosen */
	char		 model[MR_BR_COUNT][256];
	char		 base_url[MR_BR_COUNT][256];	/* "" keeps the preset's */
	struct mr_strlist notes;	/* what was chosen and why */
	struct mr_strlist warnings;	/* short contexts, no tools, none */
};

/*
 * Chooses a model per role among what the preset's kind of server serves
 * (loaded first, then installed), by size, role and tool support, using
 * the catalog to know the models.  With no server of that kind, falls back
 * to models on disk that the server would load by name (Ollama tags).
 */
void	 mr_assign_models(const struct mr_preset *p,
	    const struct mr_discovery *d, const struct mr_catalog *cat,
	    struct mr_assignment *a);
void	 mr_assignment_release(struct mr_assignment *a);

/*
 * Picks a preset from what discovery found: a running Ollama, LM Studio,
 * llama.cpp or vLLM server (in that order), then an installed store.
 * Returns NULL when nothing was found; *WHY says what decided.
 */
const struct mr_preset *mr_preset_detect(const struct mr_discovery *d,
	    char *why, size_t n);

/*
 * Replaces the scalar at dotted PATH ("backends.fast.model") in a preset
 * text laid out as block mappings, keeping every other byte.  VALUE is
 * written as given (the caller quotes).  0, or -1 when PATH is absent.
 */
int	 mr_template_set(struct mr_buf *text, const char *path,
	    const char *value);
/* VALUE as a YAML double-quoted scalar. */
void	 mr_yaml_quote(const char *value, struct mr_buf *out);

#endif
