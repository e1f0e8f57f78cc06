/*
 * Backups of the files the tool is about to change: one .tar.gz archive
 * per change, written with libarchive into ~/.model-router/backups (mode
 * 0700; archives 0600, since they may hold .env secrets), named by UTC
 * time.  A manifest inside records each file's original path and mode.
 */
#ifndef MR_BACKUP_H
#define MR_BACKUP_H

#include <stddef.h>
#include <sys/types.h>

#include "mr/util.h"

struct mr_backup_file {
	char		*path;		/* absolute, as it was */
	mode_t		 mode;
	char		*data;
	size_t		 len;
};

struct mr_backup {
	char		*id;		/* 20261121T073000Z[-N] */
	char		*archive;	/* its path */
	char		*created;	/* ISO 8601 UTC */
	char		*reason;	/* the command that made it */
	struct mr_backup_file *files;
	size_t		 nfiles;
};

/* $MODEL_ROUTER_HOME/backups, else ~/.model-router/backups.  Frees. */
char	*mr_backup_dir(void);

/*
 * Archives the files among PATHS that exist into a new backup in DIR.
 * *ID gets its id, or NULL when none of the files existed (then nothing
 * is written).  0, or -1 with ERR (and no archive left behind).
 */
int	 mr_backup_create(const char *dir, const char *const *paths, size_t n,
	    const char *reason, char **id, struct mr_error *err);
/* The backup ids in DIR, oldest first. */
int	 mr_backup_list(const char *dir, struct mr_strlist *ids,
	    struct mr_error *err);
/* Reads backup ID of DIR, files included. */
int	 mr_backup_load(const char *dir, const char *id, struct mr_backup *b,
	    struct mr_error *err);
void	 mr_backup_release(struct mr_backup *b);

#endif
