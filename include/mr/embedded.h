/* Data files compiled into the binary (see tools/embed.c). */
#ifndef MR_EMBEDDED_H
#define MR_EMBEDDED_H

#include <stddef.h>

struct mr_embedded_file {
	const char	*path;	/* repository path, e.g. "catalog/model_router.yaml" */
	const char	*data;	/* NUL-terminated */
	size_t		 len;
};

extern const struct mr_embedded_file mr_embedded[];

/* Returns the embedded file at PATH, or NULL. */
const struct mr_embedded_file *mr_embedded_find(const char *path);

#endif
