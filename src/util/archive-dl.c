/*
 * libarchive opened on first use: dlopen(3) of the library the tool was
 * built against, each function looked up by name into a pointer typed
 * from its prototype in <archive.h>, so a call through mr_ar is checked
 * as a direct call would be.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "mr/archive-dl.h"

/* The Makefile passes the soname of the libarchive it compiles against
 * (on macOS the path of its .dylib); these are for other builds. */
#ifndef MR_LIBARCHIVE
#ifdef __APPLE__
#define MR_LIBARCHIVE "libarchive.13.dylib"
#else
#define MR_LIBARCHIVE "libarchive.so.13"
#endif
#endif

struct mr_archive_fns mr_ar;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int load_rc;
static char load_why[512];	/* dlerror() of the failed load */

/*
 * Opens LIB and resolves every function into FNS (all or nothing).  0, or
 * -1 with WHY: what dlerror() said.
 */
static int
open_lib(const char *lib, struct mr_archive_fns *fns, char *why, size_t n)
{
	struct mr_archive_fns f;
	const char *e;
	void *h;

	memset(&f, 0, sizeof(f));
	if ((h = dlopen(lib, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		e = dlerror();
		snprintf(why, n, "%s", e ? e : "cannot be opened");
		return -1;
	}
#define SYM(name)							\
	(void)dlerror();						\
	if ((*(void **)&f.name = dlsym(h, "archive_" #name)) == NULL) {	\
		e = dlerror();						\
		snprintf(why, n, "%s", e ? e : "no archive_" #name);	\
		goto fail;						\
	}
	MR_ARCHIVE_FNS(SYM)
#undef SYM
	*fns = f;
	return 0;	/* never closed: the pointers stay valid */
fail:
	dlclose(h);
	return -1;
}

static void
load(void)
{
	load_rc = open_lib(MR_LIBARCHIVE, &mr_ar, load_why, sizeof(load_why));
}

int
mr_archive_load(const char *what, struct mr_error *err)
{
	pthread_once(&load_once, load);
	if (load_rc < 0)
		mr_error_set(err, NULL, 0, 0, "%s needs libarchive (%s): %s",
		    what, MR_LIBARCHIVE, load_why);
	return load_rc;
}

int
mr_archive_open(const char *lib, struct mr_archive_fns *fns,
    const char *what, struct mr_error *err)
{
	char why[512];

	if (open_lib(lib, fns, why, sizeof(why)) == 0)
		return 0;
	mr_error_set(err, NULL, 0, 0, "%s needs libarchive (%s): %s", what,
	    lib, why);
	return -1;
}

const char *
mr_archive_library(void)
{
	return MR_LIBARCHIVE;
}
