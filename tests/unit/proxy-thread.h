/*
 * The routing proxy on a thread of the test's own process, on a free port
 * of 127.0.0.1: started with a config, stopped (its requests let finish)
 * through the flag its signal handlers would set.
 */
#ifndef MR_TEST_PROXY_THREAD_H
#define MR_TEST_PROXY_THREAD_H

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "mr/proxy.h"

struct proxy_thread {
	const char		*config;
	size_t			 max_body;	/* 0: the proxy's default */
	volatile sig_atomic_t	 stop;
	int			 port;		/* > 0 listening, < 0 failed */
	int			 rc;		/* what mr_proxy_run returned */
	pthread_t		 tid;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
};

static inline void
proxy_thread_ready(void *ctx, int port)
{
	struct proxy_thread *p = ctx;

	pthread_mutex_lock(&p->mu);
	p->port = port;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

static inline void *
proxy_thread_main(void *arg)
{
	struct proxy_thread *p = arg;
	struct mr_proxy_opts o;
	struct mr_error err = MR_ERROR_INIT;

	memset(&o, 0, sizeof(o));
	o.config_path = p->config;
	o.port = -1;		/* any free port */
	o.max_body = p->max_body;
	o.stop = &p->stop;
	o.ready = proxy_thread_ready;
	o.ctx = p;
	if ((p->rc = mr_proxy_run(&o, &err)) < 0) {
		fprintf(stderr, "proxy: %s\n", err.msg);
		proxy_thread_ready(p, -1);
	}
	mr_error_clear(&err);
	return NULL;
}

/* Starts P (its config and max_body set): the port it listens on, or a
 * negative number. */
static inline int
proxy_thread_start(struct proxy_thread *p)
{
	p->stop = 0;
	p->port = 0;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	if (pthread_create(&p->tid, NULL, proxy_thread_main, p) != 0)
		return -1;
	pthread_mutex_lock(&p->mu);
	while (p->port == 0)
		pthread_cond_wait(&p->cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
	return p->port;
}

/* Tells P to stop: no new connection, the requests in flight finish. */
static inline void
proxy_thread_stopping(struct proxy_thread *p)
{
	__atomic_store_n(&p->stop, 1, __ATOMIC_RELAXED);
}

/* Stops P and waits for it: what mr_proxy_run returned. */
static inline int
proxy_thread_stop(struct proxy_thread *p)
{
	proxy_thread_stopping(p);
	pthread_join(p->tid, NULL);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	return p->rc;
}

#endif
