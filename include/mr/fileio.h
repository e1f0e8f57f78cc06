/*
 * Safe file writes: every file the tool writes goes through here, so a
 * crash or a full disk at any moment leaves either the old file or the new
 * one, never half of either.
 */
#ifndef MR_FILEIO_H
#define MR_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

#include "mr/util.h"

/*
 * Writes LEN bytes of DATA to PATH atomically: a temporary file in the
 * same folder, written and fsync'd, renamed over PATH, then the folder
 * fsync'd.  An existing file keeps its mode and owner; a new one gets
 * NEW_MODE.  A symbolic link at PATH is followed, so the link survives
 * and its target changes.  0, or -1 with ERR.
 */
int	 mr_write_atomic(const char *path, const void *data, size_t len,
	    mode_t new_mode, struct mr_error *err);

/* The file a symbolic link chain at PATH ends at (PATH itself when it is
 * no link, or when the target does not exist yet).  Caller frees. */
char	*mr_resolve_link(const char *path);

/* Makes DIR and its parents (mode MODE for those created). */
int	 mr_mkdirs(const char *dir, mode_t mode, struct mr_error *err);

/*
 * A unified diff of OLD and NEW (labelled NAME) into OUT, by diff(1);
 * nothing when they are equal.  0, or -1 with ERR.
 */
int	 mr_unified_diff(const char *name, const char *old, size_t oldlen,
	    const char *new, size_t newlen, struct mr_buf *out,
	    struct mr_error *err);

#endif
