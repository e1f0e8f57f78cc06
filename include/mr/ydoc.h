/*
 * A YAML value tree built the way PyYAML's safe_load builds Python objects
 * (YAML 1.1 implicit types, merge keys, the last of duplicate keys wins),
 * with the line and column of every node, so that any YAML file the tool
 * reads (router config, model catalog) reports file:line:col.  Parsing is
 * libyaml's; limits keep hostile documents cheap.
 */
#ifndef MR_YDOC_H
#define MR_YDOC_H

#include <stdbool.h>
#include <stddef.h>

#include "mr/util.h"

/* Limits that keep hostile documents cheap. */
#define YN_MAX_DEPTH	64	/* nesting, counting aliases */
#define YN_MAX_NODES	200000	/* nodes, counting alias expansion */
#define YN_MAX_WARNINGS	500

enum yv_type {
	YV_NULL,
	YV_BOOL,
	YV_INT,
	YV_FLOAT,
	YV_STR,
	YV_OTHER,	/* timestamp, binary, set, pair: never valid here */
	YV_SEQ,
	YV_MAP
};

struct yent;

/* One constructed value.  Strings point into the document's storage. */
struct yv {
	enum yv_type	 type;
	int		 line;		/* 1-based */
	int		 col;
	const char	*s;		/* scalar text */
	size_t		 len;
	const char	*what;		/* YV_OTHER: its kind */
	bool		 b;		/* YV_BOOL */
	long long	 i;		/* YV_INT */
	int		 ibig;		/* sign when out of range */
	double		 f;		/* YV_FLOAT */
	struct yv	**items;	/* YV_SEQ */
	struct yent	*ents;		/* YV_MAP, unique keys */
	size_t		 n;
};

struct yent {
	struct yv	*key;
	struct yv	*val;
};

struct ywarn {
	int	 line;
	int	 col;
	char	*msg;
};

struct rnode;

/* A loaded document; owns every node, value and warning. */
struct ydoc {
	struct yv	 *root;		/* NULL for an empty stream */
	struct rnode	**rn;
	size_t		  nrn;
	size_t		  arn;
	struct yv	**yv;
	size_t		  nyv;
	size_t		  ayv;
	struct ywarn	 *warn;
	size_t		  nwarn;
	size_t		  awarn;
	size_t		  nwarn_dropped;
};

/*
 * Parses and constructs DATA.  On failure fills ERR with the bare problem
 * (no "invalid YAML" prefix) and its 1-based position, and returns -1.
 */
int	 ydoc_load(struct ydoc *d, const char *data, size_t len,
	    struct mr_error *err);
void	 ydoc_free(struct ydoc *d);
void	 ydoc_warn(struct ydoc *d, int line, int col, const char *fmt, ...)
	    MR_PRINTF(4, 5);

/* Appends D's warnings, sorted by position, as "FILE:line:col: msg". */
void	 ydoc_take_warnings(struct ydoc *d, const char *file,
	    struct mr_strlist *out);

/* The entry whose key is the string KEY, or NULL. */
const struct yent *yv_find(const struct yv *map, const char *key);
/* The value under the string KEY, or NULL when absent. */
const struct yv *yv_get(const struct yv *map, const char *key);
/* A key as text for messages (a string as written, others as scalars). */
const char *yv_text(const struct yv *v);

/*
 * Python str helpers, for messages that match the Python reference:
 * Unicode whitespace as str.strip() sees it, and repr().
 */
bool	 py_blank(const char *s);
char	*py_strip(const char *s);
void	 py_repr(struct mr_buf *b, const char *s);

#endif
