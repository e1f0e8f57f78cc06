/*
 * Private interface of the config module: Python string helpers over the
 * YAML value tree of mr/ydoc.h.
 */
#ifndef MR_CONFIG_INT_H
#define MR_CONFIG_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "mr/util.h"
#include "mr/ydoc.h"

/* Python str helpers: Unicode whitespace as str.strip() sees it. */
bool	 py_blank(const char *s);
char	*py_strip(const char *s);
/* Appends Python's repr() of S. */
void	 py_repr(struct mr_buf *b, const char *s);

#endif
