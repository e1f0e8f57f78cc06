/* Private to src/doctor. */
#ifndef MR_DOCTOR_INT_H
#define MR_DOCTOR_INT_H

#include "mr/doctor.h"

/* The files the checks looked at: the proxy config, the router config
 * and the log it names, Hermes's home (NULL when unknown).  Caller frees
 * all four. */
void	 doctor_paths(const struct mr_doctor_opts *o, char **proxy,
	    char **router, char **log, char **hermes);

#endif
