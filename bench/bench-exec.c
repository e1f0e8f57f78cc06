/*
 * bench-exec: the wall time of whole processes.  Runs PROGRAM ARGS... N
 * times (after N/10 warm-up runs), its output thrown away, and prints the
 * median and the minimum in ms as JSON: {"median": M, "min": m}.
 *
 * The clock is read in this process right before fork(2) and right after
 * waitpid(2), so a run costs what starting, running and ending the program
 * costs, and nothing else (timing from a shell adds the start of date(1)).
 *
 * usage: bench-exec N PROGRAM [ARG...]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int
dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* One run: its wall time in ms, or -1 when it could not run or failed
 * to start. */
static double
run(char **argv)
{
	double t0 = now_ms();
	pid_t pid;
	int st, nul;

	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		if ((nul = open("/dev/null", O_WRONLY)) >= 0) {
			dup2(nul, 1);
			dup2(nul, 2);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) ||
	    WEXITSTATUS(st) == 127)
		return -1;
	return now_ms() - t0;
}

int
main(int argc, char **argv)
{
	double *t;
	long n, i;

	if (argc < 3 || (n = strtol(argv[1], NULL, 10)) < 1) {
		fprintf(stderr, "usage: bench-exec N PROGRAM [ARG...]\n");
		return 2;
	}
	if ((t = calloc((size_t)n, sizeof(*t))) == NULL)
		return 1;
	for (i = 0; i < n / 10 + 1; i++)
		if (run(argv + 2) < 0) {
			fprintf(stderr, "bench-exec: %s does not run\n",
			    argv[2]);
			return 1;
		}
	for (i = 0; i < n; i++)
		if ((t[i] = run(argv + 2)) < 0)
			return 1;
	qsort(t, (size_t)n, sizeof(*t), dcmp);
	printf("{\"median\": %.3f, \"min\": %.3f}\n", t[n / 2], t[0]);
	free(t);
	return 0;
}
