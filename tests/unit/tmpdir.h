/*
 * Temporary folders for tests: made under /tmp, removed afterwards, with
 * a helper that creates a relative path's parent folders.
 */
#ifndef MR_TEST_TMPDIR_H
#define MR_TEST_TMPDIR_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Makes a fresh folder named after PREFIX into DIR (64 bytes). */
static inline int
tmpdir_make(char *dir, size_t n, const char *prefix)
{
	snprintf(dir, n, "/tmp/%s-XXXXXX", prefix);
	return mkdtemp(dir) != NULL ? 0 : -1;
}

/* Removes DIR and everything in it. */
static inline int
tmpdir_remove(const char *dir)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Creates the folders of ROOT/REL up to its last component included when
 * LAST, else only its parents. */
static inline void
tmpdir_mkdirs(const char *root, const char *rel, int last)
{
	char full[512], *p;

	snprintf(full, sizeof(full), "%s/%s", root, rel);
	for (p = full + strlen(root) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		mkdir(full, 0755);
		*p = '/';
	}
	if (last)
		mkdir(full, 0755);
}

#endif
