/* Private to src/discovery: helpers shared by the scanners. */
#ifndef MR_SCAN_INT_H
#define MR_SCAN_INT_H

#include <stdbool.h>
#include <sys/stat.h>

#include "mr/scan.h"

/* A set of files by device and inode number. */
struct scan_inodes {
	struct scan_inode { dev_t dev; ino_t ino; } *v;
	size_t	 n, cap;
};
/* Adds ST's file; false when it was in the set already. */
bool	 scan_inodes_add(struct scan_inodes *s, const struct stat *st);
void	 scan_inodes_clear(struct scan_inodes *s);

void	 scan_warn(const struct mr_scan_cb *cb, const char *fmt, const char *a,
	    const char *b);
/* Sorted names in PATH, dot files left out.  -1 (warned) on failure. */
int	 scan_list_dir(const char *path, struct mr_strlist *names,
	    const struct mr_scan_cb *cb);
/* stat(2) that warns about broken links and loops. */
int	 scan_stat(const char *path, struct stat *st,
	    const struct mr_scan_cb *cb);
bool	 scan_ends_with(const char *s, const char *suffix);
/* GGUF header facts into M; false (warned) when PATH is not readable GGUF. */
bool	 scan_fill_gguf(struct mr_model *m, const char *path,
	    const struct mr_scan_cb *cb);
void	 scan_fill_config(struct mr_model *m, const char *dir,
	    const struct mr_scan_cb *cb);
/* One Hugging Face cache repository, CACHE/FOLDER (models--org--name). */
void	 scan_hf_repo(const char *cache, const char *folder,
	    const struct mr_scan_cb *cb);
/* LABEL may be "": names are then the file names (the folder's own). */
void	 scan_model_dir(const char *dir, const char *label,
	    enum mr_model_source source, const struct mr_scan_cb *cb);

#endif
