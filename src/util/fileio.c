/*
 * Atomic writes, link-following, folders, and unified diffs.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mr/fileio.h"

extern char **environ;

char *
mr_resolve_link(const char *path)
{
	char *cur = mr_xstrdup(path), *next, *dir, *tmp, buf[PATH_MAX];
	struct stat st;
	ssize_t n;
	int hops;

	for (hops = 0; hops < 40; hops++) {
		if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode))
			return cur;
		if ((n = readlink(cur, buf, sizeof(buf) - 1)) < 0)
			return cur;
		buf[n] = '\0';
		if (buf[0] == '/') {
			next = mr_xstrdup(buf);
		} else {
			/* relative to the link's own folder */
			tmp = mr_xstrdup(cur);
			dir = dirname(tmp);
			next = mr_xasprintf("%s/%s", dir, buf);
			free(tmp);
		}
		free(cur);
		cur = next;
	}
	return cur;	/* a loop: the write will fail on it, with a reason */
}

int
mr_mkdirs(const char *dir, mode_t mode, struct mr_error *err)
{
	char *p = mr_xstrdup(dir), *s;
	int rc = 0;

	for (s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;

		*s = '\0';
		if (mkdir(p, mode) != 0 && errno != EEXIST) {
			mr_error_set(err, p, 0, 0, "cannot create the folder: %s",
			    strerror(errno));
			rc = -1;
			break;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return rc;
}

static int
write_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
mr_write_atomic(const char *path, const void *data, size_t len,
    mode_t new_mode, struct mr_error *err)
{
	char *target = mr_resolve_link(path), *dircopy, *dir, *tmp;
	struct stat st;
	bool exists;
	int fd, dfd, saved;

	exists = stat(target, &st) == 0;
	if (exists && !S_ISREG(st.st_mode)) {
		mr_error_set(err, target, 0, 0, "not a regular file");
		free(target);
		return -1;
	}
	dircopy = mr_xstrdup(target);
	dir = dirname(dircopy);
	tmp = mr_xasprintf("%s/.%s.XXXXXX", dir, strrchr(target, '/') ?
	    strrchr(target, '/') + 1 : target);
	if ((fd = mkstemp(tmp)) < 0) {
		mr_error_set(err, target, 0, 0, "cannot create a temporary "
		    "file beside it: %s", strerror(errno));
		goto fail_noclean;
	}
	if (write_all(fd, data, len) < 0 || fsync(fd) < 0)
		goto fail;
	/* the old file's mode and owner, else the new file's mode */
	if (exists) {
		if (fchmod(fd, st.st_mode & 07777) < 0)
			goto fail;
		if ((st.st_uid != getuid() || st.st_gid != getgid()) &&
		    fchown(fd, st.st_uid, st.st_gid) < 0 && errno != EPERM)
			goto fail;
	} else if (fchmod(fd, new_mode) < 0) {
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, target) < 0)
		goto fail;
	/* the rename itself must reach the disk */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY)) >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	free(tmp);
	free(dircopy);
	free(target);
	return 0;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	mr_error_set(err, target, 0, 0, "cannot write: %s", strerror(saved));
fail_noclean:
	free(tmp);
	free(dircopy);
	free(target);
	return -1;
}

/* Writes S to a new temporary file; its path into PATH (64 bytes). */
static int
temp_with(const char *s, size_t len, char *path, size_t n)
{
	const char *td = getenv("TMPDIR");
	int fd;

	snprintf(path, n, "%s/mr-diff.XXXXXX", td && *td ? td : "/tmp");
	if ((fd = mkstemp(path)) < 0)
		return -1;
	if (write_all(fd, s, len) < 0) {
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 0;
}

int
mr_unified_diff(const char *name, const char *old, size_t oldlen,
    const char *new, size_t newlen, struct mr_buf *out, struct mr_error *err)
{
	char a[PATH_MAX], b[PATH_MAX], la[PATH_MAX + 8], lb[PATH_MAX + 8];
	char *argv[9], buf[4096];
	posix_spawn_file_actions_t fa;
	int pipefd[2], status, rc = -1;
	ssize_t n;
	pid_t pid;

	if (oldlen == newlen && memcmp(old, new, oldlen) == 0)
		return 0;
	if (temp_with(old, oldlen, a, sizeof(a)) < 0) {
		mr_error_set(err, NULL, 0, 0, "cannot write a temporary file: "
		    "%s", strerror(errno));
		return -1;
	}
	if (temp_with(new, newlen, b, sizeof(b)) < 0) {
		mr_error_set(err, NULL, 0, 0, "cannot write a temporary file: "
		    "%s", strerror(errno));
		unlink(a);
		return -1;
	}
	/* an absolute path labels both sides as it is; a name gets a/ b/ */
	snprintf(la, sizeof(la), "%s%s", name[0] == '/' ? "" : "a/", name);
	snprintf(lb, sizeof(lb), "%s%s", name[0] == '/' ? "" : "b/", name);
	argv[0] = "diff";
	argv[1] = "-u";
	argv[2] = "--label";
	argv[3] = la;
	argv[4] = "--label";
	argv[5] = lb;
	argv[6] = a;
	argv[7] = b;
	argv[8] = NULL;
	if (pipe(pipefd) < 0) {
		mr_error_set(err, NULL, 0, 0, "cannot run diff: %s",
		    strerror(errno));
		goto out;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, pipefd[0]);
	if (posix_spawnp(&pid, "diff", &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		close(pipefd[0]);
		close(pipefd[1]);
		mr_error_set(err, NULL, 0, 0, "cannot run diff(1); is diffutils "
		    "installed?");
		goto out;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	while ((n = read(pipefd[0], buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		mr_buf_add(out, buf, (size_t)n);
	}
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* diff exits 1 when the files differ: that is the answer here */
	if (WIFEXITED(status) && WEXITSTATUS(status) <= 1)
		rc = 0;
	else
		mr_error_set(err, NULL, 0, 0, "diff(1) failed");
out:
	unlink(a);
	unlink(b);
	return rc;
}
