/*
 * The pid file of a background proxy: "PID\nPORT\nLOG\n", locked with
 * flock(2) for as long as the process lives, so that a second instance
 * is refused and a file left by a killed one is told apart (nobody holds
 * its lock) and cleaned.
 */
#ifndef MR_PIDFILE_H
#define MR_PIDFILE_H

#include <stdbool.h>
#include <sys/types.h>

#include "mr/util.h"

struct mr_pidinfo {
	pid_t		 pid;		/* 0 when the file says none */
	int		 port;		/* 0 until listening */
	char		 log[1024];	/* the process's log file, or "" */
	bool		 running;	/* somebody holds the lock */
};

/*
 * Takes PATH for this process: -1 with ERR when another one holds it.
 * The descriptor returned keeps the lock (never close it; it is not
 * inherited by exec).
 */
int	 mr_pidfile_acquire(const char *path, const char *log,
	    struct mr_error *err);
/* Writes the port once listening (FD from mr_pidfile_acquire). */
int	 mr_pidfile_set_port(int fd, const char *log, int port);
/*
 * Reads PATH into INFO.  0 (INFO->running says whether it is alive), 1
 * when there is no file, -1 with ERR when it cannot be read.
 */
int	 mr_pidfile_read(const char *path, struct mr_pidinfo *info,
	    struct mr_error *err);

#endif
