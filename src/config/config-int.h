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


#endif
