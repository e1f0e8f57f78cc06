/*
 * libarchive, opened with dlopen(3) when a support bundle or a backup
 * first needs it rather than linked: it brings libxml2, ICU and
 * libstdc++ with it, 2.6 MB and 1.5 ms more in every process.  Callers
 * still include <archive.h> and <archive_entry.h> (types, constants,
 * and the prototypes the pointers below are typed from), load, then call
 * through mr_ar:
 *
 *	if (mr_archive_load("doctor --bundle", err) < 0)
 *		return -1;
 *	a = mr_ar.write_new();
 */
#ifndef MR_ARCHIVE_DL_H
#define MR_ARCHIVE_DL_H

#include <archive.h>
#include <archive_entry.h>

#include "mr/util.h"

/* The functions of libarchive the tool uses, archive_ left out: one
 * list for the pointers below, the lookups and the tests. */
#define MR_ARCHIVE_FNS(X)						\
	X(entry_free)							\
	X(entry_new)							\
	X(entry_pathname)						\
	X(entry_set_filetype)						\
	X(entry_set_mtime)						\
	X(entry_set_pathname)						\
	X(entry_set_perm)						\
	X(entry_set_size)						\
	X(entry_size)							\
	X(error_string)							\
	X(read_data)							\
	X(read_free)							\
	X(read_new)							\
	X(read_next_header)						\
	X(read_open_filename)						\
	X(read_support_filter_gzip)					\
	X(read_support_format_tar)					\
	X(write_add_filter_gzip)					\
	X(write_close)							\
	X(write_data)							\
	X(write_free)							\
	X(write_header)							\
	X(write_new)							\
	X(write_open_filename)						\
	X(write_set_format_pax_restricted)

/* archive_NAME as member NAME, typed from its prototype */
struct mr_archive_fns {
#define MR_AR_FIELD(name)	__typeof__(archive_##name) *name;
	MR_ARCHIVE_FNS(MR_AR_FIELD)
#undef MR_AR_FIELD
};

/* Filled by mr_archive_load(); all NULL before. */
extern struct mr_archive_fns mr_ar;

/*
 * Opens the libarchive the tool was built against (MR_LIBARCHIVE, set by
 * the Makefile) into mr_ar, once per process: thread-safe, and a later
 * call only returns what the first one found.  0, or -1 with ERR saying
 * "WHAT needs libarchive (LIBRARY): <dlerror>".
 */
int	 mr_archive_load(const char *what, struct mr_error *err);

/*
 * The work of mr_archive_load() for library LIB into FNS, every time it
 * is called and without touching mr_ar: for tests.  The library stays
 * open once resolved.  0, or -1 with ERR as above.
 */
int	 mr_archive_open(const char *lib, struct mr_archive_fns *fns,
	    const char *what, struct mr_error *err);

/* The library mr_archive_load() opens. */
const char *mr_archive_library(void);

#endif
