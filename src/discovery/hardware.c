/*
 * Hardware detection (local-servers-hf-hardware.md §6).
 *
 * Linux: /proc/meminfo, the process's cgroup (v2 memory.max on the path
 * and its ancestors, v1 memory.limit_in_bytes), /proc/cpuinfo, uname,
 * statvfs, amdgpu and Intel sysfs, and NVML loaded at run time with
 * dlopen() so the binary neither links nor requires it.  macOS: sysctl
 * (compiled there only).  Every path is read below opts->root so tests can
 * build fixture trees.
 */
#include <ctype.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#ifdef __APPLE__
#include <sys/sysctl.h>
#endif

#include "mr/hardware.h"

#define SMALL_FILE	(1 << 20)
/* cgroup v1 reports "no limit" as a huge page-rounded number */
#define V1_UNLIMITED	((uint64_t)1 << 60)

struct ctx {
	const char	*root;
	struct mr_hardware *hw;
};

static void
warn(struct ctx *c, const char *fmt, const char *a)
{
	mr_strlist_push_take(&c->hw->warnings, mr_xasprintf(fmt, a));
}

/* Reads ROOT + PATH into B (bounded); false when it cannot be read. */
static bool
slurp(struct ctx *c, const char *path, struct mr_buf *b)
{
	char *full = mr_xasprintf("%s%s", c->root, path);
	bool ok;

	mr_buf_reset(b);
	ok = mr_read_file(full, SMALL_FILE, b) == 0;
	free(full);
	return ok;
}

/* "123\n" -> 123; false for anything else. */
static bool
parse_u64(const char *s, uint64_t *v)
{
	char *end;
	unsigned long long x;

	while (isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	x = strtoull(s, &end, 0);
	if (errno != 0)
		return false;
	while (isspace((unsigned char)*end))
		end++;
	if (*end != '\0')
		return false;
	*v = x;
	return true;
}

bool
mr_cgroup_parse_limit(const char *text, uint64_t *limit)
{
	uint64_t v;

	while (isspace((unsigned char)*text))
		text++;
	if (strncmp(text, "max", 3) == 0)
		return false;
	if (!parse_u64(text, &v) || v == 0 || v >= V1_UNLIMITED)
		return false;
	*limit = v;
	return true;
}

/* The value in kB of "Key:" in /proc/meminfo text, in bytes. */
static bool
meminfo_field(const char *text, const char *key, uint64_t *bytes)
{
	const char *p = text;
	size_t n = strlen(key);
	unsigned long long kb;

	while (p && *p) {
		if (strncmp(p, key, n) == 0 && p[n] == ':' &&
		    sscanf(p + n + 1, "%llu", &kb) == 1) {
			*bytes = (uint64_t)kb * 1024;
			return true;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

static void
memory(struct ctx *c)
{
	struct mr_hardware *hw = c->hw;
	struct mr_buf b = MR_BUF_INIT;
	uint64_t total = 0, avail = 0, free_, buffers, cached;
	long pages, psize;

	if (slurp(c, "/proc/meminfo", &b) &&
	    meminfo_field(b.buf, "MemTotal", &total)) {
		if (!meminfo_field(b.buf, "MemAvailable", &avail)) {
			/* before Linux 3.14 */
			free_ = buffers = cached = 0;
			meminfo_field(b.buf, "MemFree", &free_);
			meminfo_field(b.buf, "Buffers", &buffers);
			meminfo_field(b.buf, "Cached", &cached);
			avail = free_ + buffers + cached;
		}
	} else if (*c->root == '\0' && (pages = sysconf(_SC_PHYS_PAGES)) > 0 &&
	    (psize = sysconf(_SC_PAGESIZE)) > 0) {
		total = (uint64_t)pages * (uint64_t)psize;
		avail = total;
	} else
		warn(c, "cannot read %s/proc/meminfo", c->root);
	if (avail > total)
		avail = total;
	hw->host_ram_total = hw->ram_total = total;
	hw->ram_available = avail;
	mr_buf_release(&b);
}

/* Applies a cgroup limit LIMIT with usage USAGE (0 unknown). */
static void
apply_limit(struct mr_hardware *hw, uint64_t limit, uint64_t usage)
{
	uint64_t room = limit > usage ? limit - usage : 0;

	if (hw->cgroup_limited && limit >= hw->cgroup_limit)
		return;
	hw->cgroup_limited = true;
	hw->cgroup_limit = limit;
	if (hw->ram_total == 0 || limit < hw->ram_total)
		hw->ram_total = limit;
	if (room < hw->ram_available)
		hw->ram_available = room;
}

/*
 * cgroup v2: memory.max on the process's cgroup and every ancestor (a
 * parent's limit binds too); v1: memory.limit_in_bytes.
 */
static void
cgroups(struct ctx *c)
{
	struct mr_buf self = MR_BUF_INIT, b = MR_BUF_INIT;
	char *line, *next, *path, *cut, *file;
	uint64_t limit, usage;
	bool v1;

	if (!slurp(c, "/proc/self/cgroup", &self))
		goto out;
	for (line = self.buf; line && *line; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		v1 = false;
		if (strncmp(line, "0::", 3) == 0)
			path = line + 3;
		else if ((path = strstr(line, ":memory:")) != NULL) {
			path += 8;
			v1 = true;
		} else
			continue;
		if (strstr(path, "..") != NULL)
			continue;
		path = mr_xstrdup(path);
		for (;;) {
			/* this level */
			file = mr_xasprintf(v1 ? "/sys/fs/cgroup/memory%s/"
			    "memory.limit_in_bytes" : "/sys/fs/cgroup%s/"
			    "memory.max", strcmp(path, "/") == 0 ? "" : path);
			if (slurp(c, file, &b) &&
			    mr_cgroup_parse_limit(b.buf, &limit)) {
				free(file);
				usage = 0;
				file = mr_xasprintf(v1 ?
				    "/sys/fs/cgroup/memory%s/"
				    "memory.usage_in_bytes" :
				    "/sys/fs/cgroup%s/memory.current",
				    strcmp(path, "/") == 0 ? "" : path);
				if (slurp(c, file, &b))
					parse_u64(b.buf, &usage);
				apply_limit(c->hw, limit, usage);
			}
			free(file);
			if ((cut = strrchr(path, '/')) == NULL || path[1] == '\0')
				break;
			if (cut == path)
				cut[1] = '\0';
			else
				*cut = '\0';
		}
		free(path);
	}
out:
	mr_buf_release(&self);
	mr_buf_release(&b);
}

#define MAX_CORES 512

/* Records the (package, core) pair once. */
static void
add_core(long seen[][2], size_t *nseen, long phys, long core)
{
	size_t i;

	if (phys < 0 || core < 0)
		return;
	for (i = 0; i < *nseen; i++)
		if (seen[i][0] == phys && seen[i][1] == core)
			return;
	if (*nseen < MAX_CORES) {
		seen[*nseen][0] = phys;
		seen[*nseen][1] = core;
		(*nseen)++;
	}
}

static void
cpu(struct ctx *c)
{
	struct mr_hardware *hw = c->hw;
	struct mr_buf b = MR_BUF_INIT;
	char *line, *next, *val;
	long phys = -1, core = -1;
	long seen[MAX_CORES][2];	/* (package, core) pairs */
	size_t nseen = 0, i;
	long pkgs[64];
	size_t npkgs = 0;
	int threads = 0;
	long n;

	if (slurp(c, "/proc/cpuinfo", &b)) {
		for (line = b.buf; line && *line; line = next) {
			if ((next = strchr(line, '\n')) != NULL)
				*next++ = '\0';
			if ((val = strchr(line, ':')) == NULL) {
				/* a blank line ends one processor's block */
				add_core(seen, &nseen, phys, core);
				phys = core = -1;
				continue;
			}
			val++;
			while (*val == ' ' || *val == '\t')
				val++;
			if (strncmp(line, "processor", 9) == 0)
				threads++;
			else if ((strncmp(line, "model name", 10) == 0 ||
			    strncmp(line, "Hardware", 8) == 0 ||
			    strncmp(line, "Model", 5) == 0) &&
			    hw->cpu_model[0] == '\0')
				mr_strlcpy(hw->cpu_model, sizeof(hw->cpu_model), val);
			else if (strncmp(line, "physical id", 11) == 0) {
				phys = strtol(val, NULL, 10);
				for (i = 0; i < npkgs; i++)
					if (pkgs[i] == phys)
						break;
				if (i == npkgs && npkgs < 64)
					pkgs[npkgs++] = phys;
			} else if (strncmp(line, "core id", 7) == 0)
				core = strtol(val, NULL, 10);
		}
		add_core(seen, &nseen, phys, core);
	}
	if (threads == 0 && *c->root == '\0' &&
	    (n = sysconf(_SC_NPROCESSORS_ONLN)) > 0)
		threads = (int)n;
	hw->cpu_threads = threads;
	hw->cpu_cores = nseen > 0 ? (int)nseen : threads;
	hw->cpu_packages = npkgs > 0 ? (int)npkgs : (threads > 0 ? 1 : 0);
	mr_buf_release(&b);
}

static struct mr_gpu *
new_gpu(struct mr_hardware *hw, const char *vendor)
{
	struct mr_gpu *g;

	if (hw->ngpus == MR_MAX_GPUS)
		return NULL;
	g = &hw->gpus[hw->ngpus++];
	memset(g, 0, sizeof(*g));
	mr_strlcpy(g->vendor, sizeof(g->vendor), vendor);
	return g;
}

static bool
read_u64_file(struct ctx *c, const char *path, uint64_t *v)
{
	struct mr_buf b = MR_BUF_INIT;
	bool ok = slurp(c, path, &b) && parse_u64(b.buf, v);

	mr_buf_release(&b);
	return ok;
}

/* /sys/class/drm/cardN: amdgpu and Intel (xe, i915) memory facts. */
static void
drm_gpus(struct ctx *c)
{
	struct mr_hardware *hw = c->hw;
	struct mr_buf b = MR_BUF_INIT;
	char *dirpath = mr_xasprintf("%s/sys/class/drm", c->root);
	char path[512];
	struct dirent *de;
	struct mr_gpu *g;
	uint64_t vendor, v, used, tile;
	DIR *d;
	const char *p;
	int t;

	if ((d = opendir(dirpath)) == NULL)
		goto out;
	while ((de = readdir(d)) != NULL) {
		/* cardN only, not connectors such as card0-DP-1 */
		if (strncmp(de->d_name, "card", 4) != 0 ||
		    de->d_name[4] == '\0')
			continue;
		for (p = de->d_name + 4; *p && isdigit((unsigned char)*p); p++)
			;
		if (*p != '\0')
			continue;
		snprintf(path, sizeof(path), "/sys/class/drm/%s/device/vendor",
		    de->d_name);
		if (!read_u64_file(c, path, &vendor))
			continue;
		if (vendor == 0x1002) {
			if ((g = new_gpu(hw, "amd")) == NULL)
				break;
			mr_strlcpy(g->pci, sizeof(g->pci), de->d_name);
			snprintf(path, sizeof(path), "/sys/class/drm/%s/device/"
			    "product_name", de->d_name);
			if (slurp(c, path, &b) && b.len > 0) {
				b.buf[strcspn(b.buf, "\n")] = '\0';
				mr_strlcpy(g->name, sizeof(g->name), b.buf);
			} else
				snprintf(g->name, sizeof(g->name), "AMD GPU");
			snprintf(path, sizeof(path), "/sys/class/drm/%s/device/"
			    "mem_info_vram_total", de->d_name);
			if (read_u64_file(c, path, &v)) {
				g->vram_total = v;
				g->vram_known = true;
				snprintf(path, sizeof(path), "/sys/class/drm/%s/"
				    "device/mem_info_vram_used", de->d_name);
				if (read_u64_file(c, path, &used) && used <= v)
					g->vram_free = v - used;
			}
			snprintf(path, sizeof(path), "/sys/class/drm/%s/device/"
			    "mem_info_gtt_total", de->d_name);
			if (read_u64_file(c, path, &v))
				g->gtt_total = v;
			/* Ollama's APU test: a small carve-out, a big GTT */
			g->integrated = g->vram_total <= ((uint64_t)4 << 30) &&
			    g->gtt_total >= ((uint64_t)8 << 30) &&
			    g->gtt_total >= 4 * g->vram_total;
		} else if (vendor == 0x8086) {
			if ((g = new_gpu(hw, "intel")) == NULL)
				break;
			mr_strlcpy(g->pci, sizeof(g->pci), de->d_name);
			snprintf(g->name, sizeof(g->name), "Intel GPU");
			/* xe: tileN/physical_vram_size_bytes, summed */
			v = 0;
			for (t = 0; t < 8; t++) {
				snprintf(path, sizeof(path), "/sys/class/drm/%s/"
				    "device/tile%d/physical_vram_size_bytes",
				    de->d_name, t);
				if (read_u64_file(c, path, &tile))
					v += tile;
			}
			/* i915: lmem_total_bytes */
			snprintf(path, sizeof(path), "/sys/class/drm/%s/"
			    "lmem_total_bytes", de->d_name);
			if (v == 0 && read_u64_file(c, path, &tile))
				v = tile;
			if (v > 0) {
				g->vram_total = v;
				g->vram_known = true;
			} else
				g->integrated = true;
		}
	}
	closedir(d);
out:
	free(dirpath);
	mr_buf_release(&b);
}

/* NVML, loaded at run time; absent is normal. */
struct nvml_mem {
	unsigned long long total, free, used;
};

static void
nvml_gpus(struct ctx *c)
{
	void *lib;
	int (*init)(void), (*shutdown)(void);
	int (*count)(unsigned int *);
	int (*handle)(unsigned int, void **);
	int (*name)(void *, char *, unsigned int);
	int (*mem)(void *, struct nvml_mem *);
	int (*driver)(char *, unsigned int);
	char drv[80] = "";
	unsigned int n = 0, i;
	struct nvml_mem m;
	struct mr_gpu *g;
	void *h;

	if ((lib = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL)) ==
	    NULL && (lib = dlopen("libnvidia-ml.so", RTLD_NOW | RTLD_LOCAL)) ==
	    NULL)
		return;
	*(void **)&init = dlsym(lib, "nvmlInit_v2");
	*(void **)&shutdown = dlsym(lib, "nvmlShutdown");
	*(void **)&count = dlsym(lib, "nvmlDeviceGetCount_v2");
	*(void **)&handle = dlsym(lib, "nvmlDeviceGetHandleByIndex_v2");
	*(void **)&name = dlsym(lib, "nvmlDeviceGetName");
	*(void **)&mem = dlsym(lib, "nvmlDeviceGetMemoryInfo");
	*(void **)&driver = dlsym(lib, "nvmlSystemGetDriverVersion");
	if (!init || !shutdown || !count || !handle || !name || !mem) {
		warn(c, "%s: NVML is missing functions", "libnvidia-ml");
		goto out;
	}
	if (init() != 0) {
		warn(c, "%s: NVML did not initialise (driver not loaded?)",
		    "libnvidia-ml");
		goto out;
	}
	if (driver)
		driver(drv, sizeof(drv));
	if (count(&n) == 0) {
		for (i = 0; i < n; i++) {
			if (handle(i, &h) != 0 ||
			    (g = new_gpu(c->hw, "nvidia")) == NULL)
				continue;
			if (name(h, g->name, sizeof(g->name)) != 0)
				snprintf(g->name, sizeof(g->name),
				    "NVIDIA GPU %u", i);
			mr_strlcpy(g->driver, sizeof(g->driver), drv);
			if (mem(h, &m) == 0) {
				g->vram_total = m.total;
				g->vram_free = m.free;
				g->vram_known = true;
			}
		}
	}
	shutdown();
out:
	dlclose(lib);
}

#ifdef __APPLE__
static void
apple(struct ctx *c)
{
	struct mr_hardware *hw = c->hw;
	uint64_t memsize = 0;
	int32_t arm64 = 0, ncpu = 0, pcpu = 0;
	uint32_t wired = 0;
	size_t len;
	char brand[128];
	struct mr_gpu *g;

	len = sizeof(memsize);
	if (sysctlbyname("hw.memsize", &memsize, &len, NULL, 0) == 0)
		hw->host_ram_total = hw->ram_total = hw->ram_available =
		    memsize;
	len = sizeof(brand);
	if (sysctlbyname("machdep.cpu.brand_string", brand, &len, NULL, 0) ==
	    0)
		mr_strlcpy(hw->cpu_model, sizeof(hw->cpu_model), brand);
	len = sizeof(ncpu);
	if (sysctlbyname("hw.ncpu", &ncpu, &len, NULL, 0) == 0)
		hw->cpu_threads = ncpu;
	len = sizeof(pcpu);
	if (sysctlbyname("hw.physicalcpu", &pcpu, &len, NULL, 0) == 0)
		hw->cpu_cores = pcpu;
	hw->cpu_packages = 1;
	len = sizeof(arm64);
	if (sysctlbyname("hw.optional.arm64", &arm64, &len, NULL, 0) == 0 &&
	    arm64 == 1) {
		hw->apple_silicon = true;
		if ((g = new_gpu(hw, "apple")) != NULL) {
			mr_strlcpy(g->name, sizeof(g->name), hw->cpu_model);
			g->integrated = true;
			/* the GPU may wire iogpu.wired_limit_mb, else ~75 % */
			len = sizeof(wired);
			if (sysctlbyname("iogpu.wired_limit_mb", &wired, &len,
			    NULL, 0) == 0 && wired > 0)
				g->vram_total = (uint64_t)wired << 20;
			else
				g->vram_total = memsize / 4 * 3;
			g->vram_known = true;
		}
	}
}
#endif

void
mr_hardware_detect(const struct mr_hw_opts *opts, struct mr_hardware *hw)
{
	struct ctx c;
	struct utsname u;

	memset(hw, 0, sizeof(*hw));
	c.root = opts && opts->root ? opts->root : "";
	c.hw = hw;
	if (*c.root == '\0' && uname(&u) == 0)
		mr_strlcpy(hw->arch, sizeof(hw->arch), u.machine);
#ifdef __APPLE__
	if (*c.root == '\0') {
		apple(&c);
		return;
	}
#endif
	memory(&c);
	cgroups(&c);
	cpu(&c);
	drm_gpus(&c);
	if (*c.root == '\0' && !(opts && opts->no_nvml))
		nvml_gpus(&c);
}

void
mr_hardware_release(struct mr_hardware *hw)
{
	mr_strlist_clear(&hw->warnings);
}

int
mr_disk_free(const char *path, uint64_t *free_bytes)
{
	struct statvfs st;

	if (statvfs(path, &st) < 0)
		return -1;
	*free_bytes = (uint64_t)st.f_bavail * (uint64_t)st.f_frsize;
	return 0;
}
