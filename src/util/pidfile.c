/*
 * Pid files held with flock(2): the lock, not the pid in the file, says
 * whether the process is alive (a pid may be reused after a crash).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "mr/pidfile.h"

static int
put(int fd, const char *log, int port)
{
	char *text = mr_xasprintf("%ld\n%d\n%s\n", (long)getpid(), port,
	    log ? log : "");
	size_t n = strlen(text);
	int rc = 0;

	if (ftruncate(fd, 0) < 0 || pwrite(fd, text, n, 0) != (ssize_t)n)
		rc = -1;
	free(text);
	return rc;
}

int
mr_pidfile_acquire(const char *path, const char *log, struct mr_error *err)
{
	struct mr_pidinfo info;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		mr_error_set(err, path, 0, 0, "cannot open: %s",
		    strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		close(fd);
		if (mr_pidfile_read(path, &info, NULL) == 0 && info.pid > 0)
			mr_error_set(err, NULL, 0, 0, "the proxy is already "
			    "running (pid %ld, %s)", (long)info.pid, path);
		else
			mr_error_set(err, NULL, 0, 0, "the proxy is already "
			    "running (%s is locked)", path);
		return -1;
	}
	if (put(fd, log, 0) < 0) {
		mr_error_set(err, path, 0, 0, "cannot write: %s",
		    strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int
mr_pidfile_set_port(int fd, const char *log, int port)
{
	return put(fd, log, port);
}

int
mr_pidfile_read(const char *path, struct mr_pidinfo *info,
    struct mr_error *err)
{
	struct mr_buf b = MR_BUF_INIT;
	char *p, *q;
	int fd;

	memset(info, 0, sizeof(*info));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		mr_error_set(err, path, 0, 0, "cannot read: %s",
		    strerror(errno));
		return -1;
	}
	/* a shared lock we can take is a lock nobody holds */
	if (flock(fd, LOCK_SH | LOCK_NB) == 0)
		flock(fd, LOCK_UN);
	else
		info->running = errno == EWOULDBLOCK;
	if (mr_read_fd(fd, 4096, &b) < 0) {
		close(fd);
		mr_error_set(err, path, 0, 0, "cannot read: %s",
		    strerror(errno));
		return -1;
	}
	close(fd);
	info->pid = (pid_t)strtol(b.buf, &p, 10);
	if (p == b.buf || *p != '\n' || info->pid < 0)
		info->pid = 0;
	else {
		info->port = (int)strtol(p + 1, &q, 10);
		if (*q == '\n') {
			q++;
			snprintf(info->log, sizeof(info->log), "%.*s",
			    (int)strcspn(q, "\n"), q);
		}
	}
	mr_buf_release(&b);
	return 0;
}
