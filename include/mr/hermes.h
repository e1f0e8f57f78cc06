/*
 * Hermes Agent's configuration: finding its home, reading config.yaml and
 * .env, and editing both as text.
 *
 * Everything here is text in, text out, plus read-only lookups of files:
 * nothing is ever written.  The caller writes the returned text atomically
 * and keeps a backup.
 *
 * config.yaml is edited by splicing bytes at the positions libyaml reports,
 * so comments, key order, quoting, blank lines, anchors, flow style, unknown
 * keys, CRLF line endings and unicode outside the changed nodes survive.
 * Every edit is checked by parsing the result again and comparing the whole
 * value tree with the original: anything but the intended change makes the
 * edit fail instead of returning a wrong file.
 *
 * Secrets: functions that describe a configuration name the .env keys that
 * are set, never their values, and no error message carries a value.
 */
#ifndef MR_HERMES_H
#define MR_HERMES_H

#include <stdbool.h>
#include <stddef.h>

#include "mr/util.h"

/* Hermes refuses a main model with less context than this. */
#define MR_HERMES_CONFIG_MIN_CONTEXT	64000
/* Larger values are typos, not models. */
#define MR_HERMES_MAX_CONTEXT	100000000LL

/* ---------------------------------------------------------------- home */


/*
 * The Hermes home to read and edit.  An explicit PROFILE wins ("default"
 * is the root itself); else HERMES_HOME when set and not blank; else
 * ~/.hermes (plus HERMES_DATA_DIR_SUFFIX), or <root>/profiles/<name> when
 * <root>/active_profile names another profile.  A named profile that is
 * missing or tombstoned (<root>/profiles/.deleted/<name>) is an error, as
 * in Hermes.  GETENV_FN may be NULL for getenv(3).  Caller frees.
 */
char	*mr_hermes_home(const char *profile, mr_getenv_fn getenv_fn,
	    struct mr_error *err);
/*
 * A managed install (hermes-config.md §1.4).  A package manager's lock
 * (HERMES_MANAGED=true, or <home>/.managed): Hermes refuses to write its
 * config, and so do we.  A managed scope (HERMES_MANAGED_DIR, else
 * <sysroot>/etc/hermes): its config.yaml wins over the user's, leaf by
 * leaf, so a value written under a pinned key does not take effect.
 */
struct mr_hermes_managed {
	bool		 locked;
	char		*lock_reason;	/* "HERMES_MANAGED=true" or the file */
	char		*dir;		/* the managed scope, or NULL */
	char		*config;	/* its config.yaml when present */
	struct mr_strlist keys;		/* dotted leaves it sets */
};
/* GENV may be NULL (getenv), SYSROOT NULL (/).  -1 with ERR when the
 * managed config.yaml cannot be read or parsed. */
int	 mr_hermes_managed_load(struct mr_hermes_managed *m, const char *home,
	    mr_getenv_fn genv, const char *sysroot, struct mr_error *err);
void	 mr_hermes_managed_release(struct mr_hermes_managed *m);
/* The managed key that pins DOTTED (the same key, a parent or a child of
 * it), or NULL. */
const char *mr_hermes_managed_pins(const struct mr_hermes_managed *m,
	    const char *dotted);

/* <home>/config.yaml and <home>/.env.  Caller frees. */
char	*mr_hermes_config_path(const char *home);
char	*mr_hermes_env_path(const char *home);

/* ------------------------------------------- YAML tree with positions */

enum mr_ynode_kind {
	MR_YN_SCALAR,
	MR_YN_SEQ,
	MR_YN_MAP,
	MR_YN_ALIAS
};

/* A scalar's type under YAML 1.1 rules (as ruamel.yaml resolves it). */
enum mr_ytype {
	MR_YT_NULL,
	MR_YT_BOOL,
	MR_YT_INT,
	MR_YT_FLOAT,
	MR_YT_STR,
	MR_YT_MERGE,	/* "<<" */
	MR_YT_OTHER	/* timestamps, custom tags, ... */
};

struct mr_ynode {
	enum mr_ynode_kind	 kind;
	size_t		 start;		/* byte offset, anchor and tag in */
	size_t		 body;		/* byte offset after anchor and tag */
	size_t		 end;		/* byte offset after it (libyaml) */
	int		 line;		/* 1-based, of start */
	int		 col;		/* 1-based, in characters */
	bool		 flow;		/* a flow collection */
	int		 style;		/* libyaml's yaml_scalar_style_t */
	char		*anchor;
	char		*tag;		/* explicit tag or NULL */
	/* scalars */
	char		*val;		/* NUL-terminated; may hold NULs */
	size_t		 len;
	enum mr_ytype	 type;
	long long	 ival;		/* MR_YT_INT (ibig when out of range) */
	bool		 ibig;
	bool		 bval;		/* MR_YT_BOOL */
	char		*canon;		/* type-tagged value for comparisons */
	size_t		 canonlen;
	/* collections: items, or key, value, key, value, ... */
	struct mr_ynode	**kids;
	size_t		 nkids;
	size_t		 akids;
	struct mr_ynode	*target;	/* MR_YN_ALIAS */
	struct mr_ynode	*parent;
};

/* One parsed document; owns its nodes.  TEXT is borrowed. */
struct mr_ytree {
	const char	 *text;
	size_t		  len;
	struct mr_ynode	 *root;		/* NULL for an empty stream */
	struct mr_ynode	**nodes;
	size_t		  nnodes;
	size_t		  anodes;
	size_t		  doc_end;	/* explicit "..." offset, or len */
	const char	 *eol;		/* "\r\n" when the file uses CRLF */
	int		  step;		/* indentation step of block mappings */
	size_t		  bom;		/* 3 when the text starts with a BOM */
};

/*
 * Parses TEXT as one YAML 1.1 document.  Parse errors, more than one
 * document, duplicate keys (as ruamel.yaml rejects them), undefined or
 * recursive aliases and absurd nesting fail with line:col in ERR.  The
 * root may be anything; callers decide.
 */
int	 mr_ytree_parse(struct mr_ytree *t, const char *text, size_t len,
	    struct mr_error *err);
void	 mr_ytree_free(struct mr_ytree *t);
/* Follows aliases. */
const struct mr_ynode *mr_ynode_deref(const struct mr_ynode *n);
/* The value under the string KEY of mapping MAP, following aliases and
 * "<<" merge keys the way the loader does; NULL when absent. */
const struct mr_ynode *mr_ynode_get(const struct mr_ynode *map,
	    const char *key);
/* "mapping", "sequence" or "scalar", for messages. */
const char *mr_ynode_kind_name(const struct mr_ynode *n);
/* True for a null scalar (empty, "~", "null"). */
bool	 mr_ynode_is_null(const struct mr_ynode *n);

/* -------------------------------------------------------- YAML edits */

enum mr_yvalue_type {
	MR_YVAL_STR,	/* always written double-quoted */
	MR_YVAL_INT,	/* written plain */
	MR_YVAL_BOOL,	/* true / false */
	MR_YVAL_MAP	/* a mapping of the entries below */
};

struct mr_yvalue {
	enum mr_yvalue_type	 type;
	const char		*s;
	long long		 i;
	bool			 b;
	const char *const	*keys;		/* MR_YVAL_MAP */
	const struct mr_yvalue	*vals;
	size_t			 n;
};

/*
 * Sets PATH (DEPTH keys from the root mapping) to V in TEXT and puts the
 * whole new text in OUT.  A scalar is replaced in place; a missing key is
 * added after the last entry of its mapping at that mapping's indentation
 * (", key: value" in a flow mapping); missing parents are created as block
 * mappings, and a null parent ("model:" or "model: ~") becomes one.
 * A path element "[N]" steps into item N of a sequence.  Paths through
 * aliases or non-null scalars are refused, and so is any result whose
 * re-parsed value tree differs from the original anywhere but at PATH.
 * Returns 0 when changed, 1 when the value was already there (OUT is a
 * copy) and -1 with ERR when refused.
 */
int	 mr_yedit_set(const char *text, size_t len, const char *const *path,
	    size_t depth, const struct mr_yvalue *v, struct mr_buf *out,
	    struct mr_error *err);
/*
 * Deletes the key at PATH with its line(s).  A mapping left empty becomes
 * "{}" so that its parent keeps a mapping.  1 when absent (OUT a copy).
 */
int	 mr_yedit_delete(const char *text, size_t len, const char *const *path,
	    size_t depth, struct mr_buf *out, struct mr_error *err);
/* Deletes item INDEX of the sequence at PATH; "[]" when it was the last. */
int	 mr_yedit_delete_item(const char *text, size_t len,
	    const char *const *path, size_t depth, size_t index,
	    struct mr_buf *out, struct mr_error *err);

/* ------------------------------------------------- reading the config */

struct mr_hermes_model {
	char		*id;
	long long	 context_length;	/* 0 unset, -1 not an integer */
};

struct mr_hermes_provider {
	char		*key;		/* providers.<key>, or a legacy slug */
	char		*name;		/* display name, or NULL */
	char		*url;		/* api / url / base_url */
	char		*key_env;	/* key_env and its aliases */
	bool		 has_api_key;	/* an inline api_key is present */
	char		*api_mode;	/* transport / api_mode as written */
	char		*default_model;
	long long	 context_length;
	struct mr_hermes_model *models;
	size_t		 nmodels;
	bool		 enabled;
	bool		 legacy;	/* from custom_providers: */
	int		 line;
};

struct mr_hermes_config {
	char		*provider;	/* model.provider */
	char		*model;		/* model.default (or model / name) */
	char		*base_url;	/* model.base_url (or api_base) */
	char		*api_mode;
	bool		 has_api_key;	/* model.api_key present */
	char		*api_key_ref;	/* VAR of api_key: ${VAR} */
	long long	 context_length;	/* 0 unset, -1 not an integer */
	struct mr_hermes_provider *providers;	/* providers: then legacy */
	size_t		 nproviders;
	struct mr_strlist secrets;	/* .env keys with a value: names only */
	struct mr_strlist warnings;
};

void	 mr_hermes_config_init(struct mr_hermes_config *c);
void	 mr_hermes_config_release(struct mr_hermes_config *c);
/*
 * Reads config.yaml text.  A parse error, duplicate keys or a root that is
 * not a mapping are refused as Hermes refuses them; an empty file is an
 * empty configuration.  FILE names the text in ERR.
 */
int	 mr_hermes_config_parse(struct mr_hermes_config *c, const char *text,
	    size_t len, const char *file, struct mr_error *err);
/* Reads <home>/config.yaml and the names set in <home>/.env; missing
 * files are empty. */
int	 mr_hermes_config_load(struct mr_hermes_config *c, const char *home,
	    struct mr_error *err);
/* The entry that a model.provider value ("custom:<key>" or "<key>")
 * selects, matching legacy entries by slug or name; NULL if none. */
const struct mr_hermes_provider *mr_hermes_find_provider(
	    const struct mr_hermes_config *c, const char *ref);
bool	 mr_hermes_secret_set(const struct mr_hermes_config *c,
	    const char *name);
/* A few lines for humans; secrets appear as "set" / "not set". */
void	 mr_hermes_config_describe(const struct mr_hermes_config *c,
	    struct mr_buf *out);
/* Hermes's slug of a legacy entry name: lower case, spaces to "-". */
char	*mr_hermes_slug(const char *name);

/* ----------------------------------------------- editing the config */

struct mr_hermes_provider_spec {
	const char	*name;		/* providers.<name>, required */
	const char	*base_url;	/* required, http(s)://... */
	const char	*model;		/* optional except for use_proxy */
	const char	*api_mode;	/* optional; canonicalised */
	const char	*key_env;	/* optional */
	long long	 context_length;	/* 0: leave alone */
};

/*
 * Each takes config.yaml text and returns the whole new text in OUT:
 * 0 changed, 1 already so (OUT a copy), -1 refused with ERR.
 */

/* providers.<name> {api, transport: chat_completions, key_env,
 * default_model, models.<model>.context_length}, model.provider:
 * custom:<name> and model.default; model.base_url / api_base / api_key /
 * api_mode, which would fight the entry, are removed as Hermes does. */
int	 mr_hermes_use_proxy(const char *text, size_t len,
	    const struct mr_hermes_provider_spec *spec, struct mr_buf *out,
	    struct mr_error *err);
/* Adds or updates providers.<name> without selecting it. */
int	 mr_hermes_add_provider(const char *text, size_t len,
	    const struct mr_hermes_provider_spec *spec, struct mr_buf *out,
	    struct mr_error *err);
/* Removes providers.<name> and legacy custom_providers entries of that
 * name or slug; refused while model.provider selects it. */
int	 mr_hermes_remove_provider(const char *text, size_t len,
	    const char *name, struct mr_buf *out, struct mr_error *err);
/* model.provider and model.default (and the entry's default_model). */
int	 mr_hermes_set_model(const char *text, size_t len, const char *provider,
	    const char *model, struct mr_buf *out, struct mr_error *err);
/*
 * Sets one known key from a string: model.{provider,default,base_url,
 * api_mode,context_length}, providers.<name>.{api,url,base_url,name,
 * transport,api_mode,key_env,default_model,context_length,enabled} and
 * providers.<name>.models.<id>.context_length.
 */
int	 mr_hermes_set(const char *text, size_t len, const char *dotted_key,
	    const char *value, struct mr_buf *out, struct mr_error *err);
int	 mr_hermes_unset(const char *text, size_t len, const char *dotted_key,
	    struct mr_buf *out, struct mr_error *err);

/* Canonical api_mode for a spelling Hermes accepts, or NULL. */
const char *mr_hermes_api_mode(const char *s);

/* ---------------------------------------------------------------- .env */

struct mr_hermes_env_entry {
	char	*name;
	char	*value;		/* secret: never print */
	int	 line;
	size_t	 start;		/* byte range of the assignment's lines */
	size_t	 end;
	bool	 exported;
};

struct mr_hermes_env {
	struct mr_hermes_env_entry *v;
	size_t	 n;
	size_t	 alloc;
};

/* Parses .env text (§5.3 rules); malformed lines are skipped. */
void	 mr_hermes_env_parse(struct mr_hermes_env *env, const char *text,
	    size_t len);
void	 mr_hermes_env_release(struct mr_hermes_env *env);
/* The last assignment of NAME (the one that wins), or NULL. */
const struct mr_hermes_env_entry *mr_hermes_env_find(
	    const struct mr_hermes_env *env, const char *name);
/* 0 when NAME may be written: ^[A-Za-z_][A-Za-z0-9_]*$ and not on the
 * denylist (LD_*, PATH, HERMES_HOME, ...). */
int	 mr_hermes_env_name_check(const char *name, struct mr_error *err);
/*
 * Sets NAME to VALUE: every assignment line of NAME is replaced in place
 * (keeping an "export " prefix), else "NAME=value" is appended.  CR and LF
 * are dropped from VALUE; a value with whitespace, '#', '"' or '\'' is
 * double-quoted with '\\' and '"' escaped.  Other lines are untouched.
 */
int	 mr_hermes_env_set(const char *text, size_t len, const char *name,
	    const char *value, struct mr_buf *out, struct mr_error *err);
/* Removes every assignment of NAME; 1 when there was none. */
int	 mr_hermes_env_unset(const char *text, size_t len, const char *name,
	    struct mr_buf *out, struct mr_error *err);

#endif
