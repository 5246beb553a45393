/* vdispld benchmark suite (not a test: run by hand, see
 * docs/performance.md and bench/run.sh).
 *
 * Each scenario runs the shipping vdispld against the Xen simulator (in
 * this process: guests flipping as soon as each flip event returns,
 * without drawing) and the dma-buf test compositor, zero copy (the
 * simulated gntdev exports dma-bufs) or copy (it does not: wl_shm), paced
 * by the compositor's 60 Hz frame grid or unthrottled (frame callbacks at
 * commit: only the backend's own costs remain). It prints a Markdown
 * table, the memcpy reference, the targets met or not, and a CSV for
 * bench/plot.py.
 *
 * usage: vdispld_bench VDISPLD COMPOSITOR MALLOC_SHIM [--secs S]
 *                      [--windows N (3)] [--csv FILE] [--only SUBSTRING] */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "bench_report.h"

#define P1080 1920, 1080
#define P2160 3840, 2160

/* name, guests, connectors per guest, size, zero copy, unthrottled,
 * strace. The unthrottled 1080p series (1..16 connectors) is the plot's. */
static const struct bench_scenario scenarios[] = {
	{"60Hz 1x1080p zc", 1, 1, P1080, true, false, false},
	{"60Hz 1x1080p copy", 1, 1, P1080, false, false, false},
	{"60Hz 8x2 1080p zc", 8, 2, P1080, true, false, false},
	{"60Hz 8x2 1080p copy", 8, 2, P1080, false, false, false},
	{"60Hz 1x2160p zc", 1, 1, P2160, true, false, false},
	{"60Hz 1x2160p copy", 1, 1, P2160, false, false, false},
	{"unthr 1x1080p zc", 1, 1, P1080, true, true, false},
	{"unthr 1x1080p copy", 1, 1, P1080, false, true, false},
	{"unthr 1x2 1080p zc", 1, 2, P1080, true, true, false},
	{"unthr 1x2 1080p copy", 1, 2, P1080, false, true, false},
	{"unthr 2x2 1080p zc", 2, 2, P1080, true, true, false},
	{"unthr 2x2 1080p copy", 2, 2, P1080, false, true, false},
	{"unthr 4x2 1080p zc", 4, 2, P1080, true, true, false},
	{"unthr 4x2 1080p copy", 4, 2, P1080, false, true, false},
	{"unthr 8x2 1080p zc", 8, 2, P1080, true, true, false},
	{"unthr 8x2 1080p copy", 8, 2, P1080, false, true, false},
	{"unthr 1x2160p zc", 1, 1, P2160, true, true, false},
	{"unthr 1x2160p copy", 1, 1, P2160, false, true, false},
	{"strace unthr 1x1080p zc", 1, 1, P1080, true, true, true},
	{"strace unthr 1x1080p copy", 1, 1, P1080, false, true, true},
};
#define N_SCENARIOS (sizeof(scenarios) / sizeof(scenarios[0]))

#define MAX_WINDOWS 9

static int cmp_cpu_pct(const void *a, const void *b)
{
	double x = ((const struct bench_result *)a)->cpu_pct;
	double y = ((const struct bench_result *)b)->cpu_pct;
	return x < y ? -1 : x > y;
}

/* Several windows back to back on the same rig: this host's noise moves a
 * single window's CPU figures by 20-30 %. The row is the median window
 * (all its figures from one window), with the spread of the CPU ones. */
static int measure_windows(struct bench_rig *rig, const struct bench_paths *p,
			   struct bench_result *res)
{
	static struct bench_result win[MAX_WINDOWS];
	unsigned n = p->windows;

	for (unsigned w = 0; w < n; w++) {
		memset(&win[w], 0, sizeof(win[w]));
		int ret = bench_measure(rig, p->secs, &win[w]);
		if (ret < 0)
			return ret;
	}
	qsort(win, n, sizeof(win[0]), cmp_cpu_pct);
	*res = win[n / 2];
	res->windows = n;
	res->cpu_pct_lo = win[0].cpu_pct;
	res->cpu_pct_hi = win[n - 1].cpu_pct;
	res->cpu_us_lo = res->cpu_us_hi = win[0].cpu_us_per_flip;
	for (unsigned w = 1; w < n; w++) {
		if (win[w].cpu_us_per_flip < res->cpu_us_lo)
			res->cpu_us_lo = win[w].cpu_us_per_flip;
		if (win[w].cpu_us_per_flip > res->cpu_us_hi)
			res->cpu_us_hi = win[w].cpu_us_per_flip;
	}
	return 0;
}

static int run_one(const struct bench_scenario *sc,
		   const struct bench_paths *paths, struct bench_result *res)
{
	struct bench_rig rig;
	unsigned conns = sc->guests * sc->conns_per_guest;
	int ret = bench_rig_start(&rig, sc, paths);
	if (ret == 0 && !bench_rig_wait_flips(&rig, 10, 20000))
		ret = -ETIMEDOUT;
	if (ret < 0) {
		fprintf(stderr, "bench: %s: setup failed: %s\n", sc->name,
			strerror(-ret));
		bench_rig_dump_log(&rig);
		bench_rig_destroy(&rig);
		return ret;
	}
	/* The first frames' copies, page faults included if any are left. */
	struct bench_counters first;
	memset(res, 0, sizeof(*res));
	if (!sc->strace && bench_rig_counters(&rig, &first) == 0 &&
	    first.frames > first.zero_copy_frames)
		res->first_copy_us = (double)first.copy_ns / 1e3 /
				     (double)(first.frames - first.zero_copy_frames);
	/* Warm-up: every buffer imported or its pool faulted in. */
	bench_rig_spin(&rig, conns > 4 ? 1000 : 400);
	double first_copy_us = res->first_copy_us;
	ret = sc->strace ? bench_strace(&rig, paths->secs, res)
			 : measure_windows(&rig, paths, res);
	res->first_copy_us = first_copy_us;
	int st = bench_rig_stop_vdispld(&rig);
	if (ret == 0 && st < 0)
		ret = st;
	if (ret < 0) {
		fprintf(stderr, "bench: %s: failed: %s\n", sc->name,
			strerror(-ret));
		bench_rig_dump_log(&rig);
	}
	bench_rig_destroy(&rig);
	return ret;
}

static int parse_args(int argc, char **argv, struct bench_paths *paths,
		      const char **csv, const char **only)
{
	if (argc < 4)
		return -EINVAL;
	paths->vdispld = argv[1];
	paths->compositor = argv[2];
	paths->malloc_shim = argv[3];
	paths->secs = 3.0;
	paths->windows = 3;
	for (int i = 4; i < argc; i++) {
		if (!strcmp(argv[i], "--secs") && i + 1 < argc)
			paths->secs = atof(argv[++i]);
		else if (!strcmp(argv[i], "--csv") && i + 1 < argc)
			*csv = argv[++i];
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			*only = argv[++i];
		else if (!strcmp(argv[i], "--windows") && i + 1 < argc)
			paths->windows = (unsigned)atoi(argv[++i]);
		else
			return -EINVAL;
	}
	return paths->secs > 0 && paths->windows >= 1 &&
			       paths->windows <= MAX_WINDOWS
		       ? 0
		       : -EINVAL;
}

int main(int argc, char **argv)
{
	static struct bench_result results[N_SCENARIOS];
	static bool ran[N_SCENARIOS];
	struct bench_paths paths;
	const char *csv = NULL, *only = NULL;
	if (parse_args(argc, argv, &paths, &csv, &only) < 0) {
		fprintf(stderr, "usage: %s VDISPLD COMPOSITOR MALLOC_SHIM "
			"[--secs S] [--windows N] [--csv FILE] "
			"[--only SUBSTRING]\n", argv[0]);
		return 2;
	}
	struct bench_report rep = {.scenarios = scenarios, .results = results,
				   .ran = ran, .n = N_SCENARIOS};
	bench_report_reference(&rep);
	bench_report_header(&rep);
	int failed = 0;
	for (size_t i = 0; i < N_SCENARIOS; i++) {
		if (only && !strstr(scenarios[i].name, only))
			continue;
		if (run_one(&scenarios[i], &paths, &results[i]) < 0) {
			failed++;
			continue;
		}
		ran[i] = true;
		bench_report_row(&rep, i);
	}
	bench_report_targets(&rep);
	if (csv && bench_report_csv(&rep, csv) < 0)
		fprintf(stderr, "bench: cannot write %s\n", csv);
	return failed ? 1 : 0;
}
