/*
 * fake-server KIND...: fake local model servers for the CLI tests and the
 * benchmarks, one per KIND (the names in fake-servers.h: lmstudio,
 * ollama, llamacpp, loading, vllm, html, hang, slow, notfound, ollama4k,
 * broken, notools, err500, rate429, garbage), each on its own ephemeral
 * port of 127.0.0.1.  Prints "KIND PORT"
 * per server, then serves until standard input closes, a SIGTERM, or
 * --lifetime seconds (default 60) so a test that dies leaves nothing.
 */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../unit/fake-servers.h"

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int
main(int argc, char **argv)
{
	struct MHD_Daemon *d[64];
	struct pollfd pfd = { STDIN_FILENO, POLLIN, 0 };
	struct sigaction sa;
	long lifetime = 60;
	time_t end;
	unsigned port;
	int i, k, n = 0;
	char buf[64];

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--lifetime") == 0 && i + 1 < argc) {
			lifetime = strtol(argv[++i], NULL, 10);
			continue;
		}
		for (k = 0; k < F_COUNT; k++)
			if (strcmp(argv[i], fake_names[k]) == 0)
				break;
		if (k == F_COUNT || n == 64) {
			fprintf(stderr, "fake-server: unknown kind '%s' (one of:",
			    argv[i]);
			for (k = 0; k < F_COUNT; k++)
				fprintf(stderr, " %s", fake_names[k]);
			fprintf(stderr, ")\n");
			return 2;
		}
		port = 0;
		if ((d[n] = fake_start((enum fake)k, &port)) == NULL) {
			fprintf(stderr, "fake-server: cannot start %s\n",
			    argv[i]);
			return 1;
		}
		n++;
		printf("%s %u\n", argv[i], port);
	}
	fflush(stdout);
	end = time(NULL) + lifetime;
	while (!stop && time(NULL) < end) {
		if (poll(&pfd, 1, 200) > 0 &&
		    (pfd.revents & (POLLHUP | POLLERR | POLLNVAL) ||
		    ((pfd.revents & POLLIN) && read(STDIN_FILENO, buf,
		    sizeof(buf)) <= 0)))
			break;
	}
	fake_stopping = 1;
	for (i = 0; i < n; i++)
		MHD_stop_daemon(d[i]);
	return 0;
}
