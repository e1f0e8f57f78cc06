/*
 * Unit tests for hardware detection, on fixture trees standing in for
 * /proc and /sys.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mr/hardware.h"
#include "mr/util.h"

#include "tmpdir.h"

#define GiB ((uint64_t)1 << 30)
#define MiB ((uint64_t)1 << 20)

static char root[64];

/* Writes CONTENT to ROOT/PATH, creating the directories. */
static void
put(const char *path, const char *content)
{
	char full[512];
	FILE *fp;

	tmpdir_mkdirs(root, path + 1, 0);
	snprintf(full, sizeof(full), "%s%s", root, path);
	fp = fopen(full, "w");
	assert_non_null(fp);
	fputs(content, fp);
	fclose(fp);
}

static int
setup(void **state)
{
	(void)state;
	assert_int_equal(tmpdir_make(root, sizeof(root), "mr-hw"), 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	assert_int_equal(tmpdir_remove(root), 0);
	return 0;
}

static void
detect(struct mr_hardware *hw)
{
	struct mr_hw_opts o = { .root = root, .no_nvml = true };

	mr_hardware_detect(&o, hw);
}

static void
test_meminfo(void **state)
{
	struct mr_hardware hw;

	(void)state;
	put("/proc/meminfo", "MemTotal:       16384000 kB\n"
	    "MemFree:         1000000 kB\nMemAvailable:    8192000 kB\n");
	detect(&hw);
	assert_int_equal(hw.host_ram_total, 16384000ULL * 1024);
	assert_int_equal(hw.ram_total, 16384000ULL * 1024);
	assert_int_equal(hw.ram_available, 8192000ULL * 1024);
	assert_false(hw.cgroup_limited);
	mr_hardware_release(&hw);

	/* before Linux 3.14: free + buffers + cached */
	put("/proc/meminfo", "MemTotal: 1000 kB\nMemFree: 100 kB\n"
	    "Buffers: 20 kB\nCached: 300 kB\n");
	detect(&hw);
	assert_int_equal(hw.ram_available, 420ULL * 1024);
	mr_hardware_release(&hw);
}

static void
test_cgroup_v2(void **state)
{
	struct mr_hardware hw;

	(void)state;
	put("/proc/meminfo", "MemTotal: 16777216 kB\nMemAvailable: 12582912 kB\n");
	put("/proc/self/cgroup", "0::/box/job\n");
	/* the job says max, its parent binds at 4 GiB with 1 GiB in use */
	put("/sys/fs/cgroup/box/job/memory.max", "max\n");
	put("/sys/fs/cgroup/box/memory.max", "4294967296\n");
	put("/sys/fs/cgroup/box/memory.current", "1073741824\n");
	detect(&hw);
	assert_true(hw.cgroup_limited);
	assert_int_equal(hw.cgroup_limit, 4 * GiB);
	assert_int_equal(hw.host_ram_total, 16 * GiB);
	assert_int_equal(hw.ram_total, 4 * GiB);
	assert_int_equal(hw.ram_available, 3 * GiB);
	mr_hardware_release(&hw);
}

static void
test_cgroup_v1(void **state)
{
	struct mr_hardware hw;

	(void)state;
	put("/proc/meminfo", "MemTotal: 8388608 kB\nMemAvailable: 4194304 kB\n");
	put("/proc/self/cgroup", "12:cpu,cpuacct:/docker/abc\n"
	    "4:memory:/docker/abc\n");
	/* the "no limit" sentinel */
	put("/sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes",
	    "9223372036854771712\n");
	detect(&hw);
	assert_false(hw.cgroup_limited);
	assert_int_equal(hw.ram_total, 8 * GiB);
	mr_hardware_release(&hw);

	put("/sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes",
	    "2147483648\n");
	put("/sys/fs/cgroup/memory/docker/abc/memory.usage_in_bytes",
	    "536870912\n");
	detect(&hw);
	assert_true(hw.cgroup_limited);
	assert_int_equal(hw.ram_total, 2 * GiB);
	assert_int_equal(hw.ram_available, 1536 * MiB);
	mr_hardware_release(&hw);
}

static void
test_cgroup_parse(void **state)
{
	uint64_t v;

	(void)state;
	assert_false(mr_cgroup_parse_limit("max\n", &v));
	assert_false(mr_cgroup_parse_limit("", &v));
	assert_false(mr_cgroup_parse_limit("garbage", &v));
	assert_false(mr_cgroup_parse_limit("-1", &v));
	assert_false(mr_cgroup_parse_limit("9223372036854771712", &v));
	assert_false(mr_cgroup_parse_limit("99999999999999999999999", &v));
	assert_true(mr_cgroup_parse_limit(" 1048576\n", &v));
	assert_int_equal(v, MiB);
}

static void
test_cpuinfo(void **state)
{
	struct mr_buf b = MR_BUF_INIT;
	struct mr_hardware hw;
	int pkg, core, thr, n = 0;

	(void)state;
	/* 2 packages x 2 cores x 2 threads */
	for (pkg = 0; pkg < 2; pkg++)
		for (core = 0; core < 2; core++)
			for (thr = 0; thr < 2; thr++)
				mr_buf_printf(&b, "processor\t: %d\n"
				    "model name\t: Intel(R) Xeon(R) Gold 6148 CPU\n"
				    "physical id\t: %d\ncore id\t\t: %d\n\n",
				    n++, pkg, core);
	put("/proc/cpuinfo", b.buf);
	detect(&hw);
	assert_int_equal(hw.cpu_threads, 8);
	assert_int_equal(hw.cpu_cores, 4);
	assert_int_equal(hw.cpu_packages, 2);
	assert_string_equal(hw.cpu_model, "Intel(R) Xeon(R) Gold 6148 CPU");
	mr_hardware_release(&hw);
	mr_buf_release(&b);

	/* ARM: no physical ids; the model is on a "Hardware" line */
	put("/proc/cpuinfo", "processor\t: 0\nBogoMIPS\t: 108.00\n\n"
	    "processor\t: 1\nBogoMIPS\t: 108.00\n\nHardware\t: BCM2835\n");
	detect(&hw);
	assert_int_equal(hw.cpu_threads, 2);
	assert_int_equal(hw.cpu_cores, 2);
	assert_int_equal(hw.cpu_packages, 1);
	assert_string_equal(hw.cpu_model, "BCM2835");
	mr_hardware_release(&hw);
}

static void
test_amd(void **state)
{
	struct mr_hardware hw;

	(void)state;
	put("/sys/class/drm/card0/device/vendor", "0x1002\n");
	put("/sys/class/drm/card0/device/product_name", "Radeon RX 7900 XTX\n");
	put("/sys/class/drm/card0/device/mem_info_vram_total", "25753026560\n");
	put("/sys/class/drm/card0/device/mem_info_vram_used", "1073741824\n");
	put("/sys/class/drm/card0/device/mem_info_gtt_total", "33554432000\n");
	/* a connector, not a card */
	put("/sys/class/drm/card0-DP-1/device/vendor", "0x1002\n");
	/* an APU: a 512 MiB carve-out and a 16 GiB GTT */
	put("/sys/class/drm/card1/device/vendor", "0x1002\n");
	put("/sys/class/drm/card1/device/mem_info_vram_total", "536870912\n");
	put("/sys/class/drm/card1/device/mem_info_gtt_total", "17179869184\n");
	detect(&hw);
	assert_int_equal(hw.ngpus, 2);
	/* readdir order is not sorted: find each */
	for (size_t i = 0; i < hw.ngpus; i++) {
		struct mr_gpu *g = &hw.gpus[i];

		assert_string_equal(g->vendor, "amd");
		if (strcmp(g->pci, "card0") == 0) {
			assert_string_equal(g->name, "Radeon RX 7900 XTX");
			assert_int_equal(g->vram_total, 25753026560ULL);
			assert_int_equal(g->vram_free,
			    25753026560ULL - 1073741824ULL);
			assert_false(g->integrated);
		} else {
			assert_string_equal(g->pci, "card1");
			assert_string_equal(g->name, "AMD GPU");
			assert_int_equal(g->gtt_total, 16 * GiB);
			assert_true(g->integrated);
		}
	}
	mr_hardware_release(&hw);
}

static void
test_intel(void **state)
{
	struct mr_hardware hw;

	(void)state;
	put("/sys/class/drm/card2/device/vendor", "0x8086\n");
	put("/sys/class/drm/card2/device/tile0/physical_vram_size_bytes",
	    "8589934592\n");
	put("/sys/class/drm/card2/device/tile1/physical_vram_size_bytes",
	    "8589934592\n");
	detect(&hw);
	assert_int_equal(hw.ngpus, 1);
	assert_string_equal(hw.gpus[0].vendor, "intel");
	assert_int_equal(hw.gpus[0].vram_total, 16 * GiB);
	assert_false(hw.gpus[0].integrated);
	mr_hardware_release(&hw);

	/* i915 local memory */
	put("/sys/class/drm/card2/device/tile0/physical_vram_size_bytes", "x");
	put("/sys/class/drm/card2/device/tile1/physical_vram_size_bytes", "x");
	put("/sys/class/drm/card2/lmem_total_bytes", "4294967296\n");
	detect(&hw);
	assert_int_equal(hw.gpus[0].vram_total, 4 * GiB);
	mr_hardware_release(&hw);

	/* an iGPU: no local memory */
	put("/sys/class/drm/card2/lmem_total_bytes", "junk\n");
	detect(&hw);
	assert_true(hw.gpus[0].integrated);
	assert_false(hw.gpus[0].vram_known);
	mr_hardware_release(&hw);
}

/* Nothing to read, or garbage: zeros and warnings, never a crash. */
static void
test_missing_and_garbage(void **state)
{
	struct mr_hw_opts o = { .root = "/nonexistent-mr-root", .no_nvml = true };
	struct mr_hardware hw;

	(void)state;
	mr_hardware_detect(&o, &hw);
	assert_int_equal(hw.ram_total, 0);
	assert_int_equal(hw.ngpus, 0);
	assert_true(hw.warnings.n > 0);
	mr_hardware_release(&hw);

	put("/proc/meminfo", "\x01\x02 garbage\n:::\n");
	put("/proc/self/cgroup", "0::/../../etc\n5:memory\n");
	put("/proc/cpuinfo", "processor\n:\n\n\n");
	put("/sys/class/drm/card9/device/vendor", "not a number\n");
	detect(&hw);
	assert_int_equal(hw.ram_total, 0);
	assert_int_equal(hw.ngpus, 0);
	mr_hardware_release(&hw);
}

static void
test_real_system(void **state)
{
	struct mr_hw_opts o = { .root = NULL, .no_nvml = false };
	struct mr_hardware hw;
	uint64_t free_bytes;

	(void)state;
	mr_hardware_detect(&o, &hw);
	assert_true(hw.ram_total > 0);
	assert_true(hw.ram_available <= hw.ram_total);
	assert_true(hw.cpu_threads > 0);
	assert_true(hw.arch[0] != '\0');
	mr_hardware_release(&hw);
	assert_int_equal(mr_disk_free("/", &free_bytes), 0);
	assert_int_equal(mr_disk_free("/nonexistent-mr-dir", &free_bytes), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_meminfo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cgroup_v2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cgroup_v1, setup, teardown),
		cmocka_unit_test(test_cgroup_parse),
		cmocka_unit_test_setup_teardown(test_cpuinfo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_amd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_intel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_and_garbage, setup,
		    teardown),
		cmocka_unit_test(test_real_system),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
