/*
 * Hardware detection (local-servers-hf-hardware.md §6): memory as a model
 * runtime sees it (cgroup limits included), CPU, architecture, free disk
 * and GPUs.  No GPU is a normal answer.  Problems reading a source become
 * warnings; detection itself never fails.
 */
#ifndef MR_HARDWARE_H
#define MR_HARDWARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mr/util.h"

#define MR_MAX_GPUS 16

struct mr_gpu {
	char		 vendor[16];	/* "nvidia", "amd", "intel", "apple" */
	char		 name[128];
	char		 driver[64];	/* driver version, when known */
	char		 pci[32];	/* sysfs device name, when known */
	uint64_t	 vram_total;	/* bytes; 0 when unknown or shared */
	uint64_t	 vram_free;
	uint64_t	 gtt_total;	/* AMD: GPU-addressable system memory */
	bool		 integrated;	/* shares system memory */
	bool		 vram_known;
};

struct mr_hardware {
	uint64_t	 host_ram_total;	/* bytes */
	uint64_t	 ram_total;		/* min(host, cgroup limit) */
	uint64_t	 ram_available;
	bool		 cgroup_limited;
	uint64_t	 cgroup_limit;
	char		 cpu_model[128];
	int		 cpu_threads;
	int		 cpu_cores;		/* physical cores */
	int		 cpu_packages;
	char		 arch[32];		/* uname machine */
	bool		 apple_silicon;
	struct mr_gpu	 gpus[MR_MAX_GPUS];
	size_t		 ngpus;
	struct mr_strlist warnings;
};

struct mr_hw_opts {
	/*
	 * Prefix for /proc and /sys ("" or NULL: the real system).  Tests
	 * point it at a fixture tree; NVML is then not loaded.
	 */
	const char	*root;
	bool		 no_nvml;
};

void	 mr_hardware_detect(const struct mr_hw_opts *opts,
	    struct mr_hardware *hw);
void	 mr_hardware_release(struct mr_hardware *hw);

/* Bytes free for an unprivileged user on the file system holding PATH. */
int	 mr_disk_free(const char *path, uint64_t *free_bytes);

/* Parses a cgroup memory limit file's text ("max", bytes); false = none. */
bool	 mr_cgroup_parse_limit(const char *text, uint64_t *limit);

#endif
