/* vdispld benchmark suite: scenarios, the rig that runs one (compositor,
 * Xen simulator with its guests, vdispld), and what a run measures. */
#ifndef VDISPLD_BENCH_H
#define VDISPLD_BENCH_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "malloc_count.h"
#include "tc_harness.h"

#define BENCH_MAX_GUESTS 8
#define BENCH_MAX_CONNS 16

struct bench_scenario {
	const char *name;
	unsigned guests, conns_per_guest;
	uint32_t width, height;
	bool zero_copy;	  /* the simulated gntdev exports dma-bufs */
	bool unthrottled; /* compositor: frame callbacks at commit */
	bool strace;	  /* count vdispld's syscalls (slows it down) */
};

struct bench_paths {
	const char *vdispld, *compositor, *malloc_shim;
	double secs;	  /* per measured window */
	unsigned windows; /* measured back to back; the median one is kept */
};

struct bench_result {
	uint64_t flips;		  /* flip events the guests saw in the window */
	double wall_s;
	double flips_per_s;
	double lat_p50_us, lat_p99_us, lat_max_us;
	double cpu_us_per_flip;	  /* vdispld, from /proc/<pid>/schedstat */
	double cpu_pct;		  /* vdispld, of one core */
	/* Spread of the two above over the scenario's windows (the row is
	 * the window with the median cpu_pct). */
	double cpu_us_lo, cpu_us_hi, cpu_pct_lo, cpu_pct_hi;
	unsigned windows;
	double comp_cpu_us_per_flip; /* the compositor's */
	double bytes_per_flip;	  /* vdispld's counters, over the window */
	double copy_us_per_frame; /* vdispld's copy_ns, over the window */
	double first_copy_us;	  /* the same over the first ~10 frames */
	double allocs_per_flip[3]; /* exe, libwayland-client, other */
	double rss_mib;
	uint64_t flip_timeouts, timer_flips;
	/* strace runs only. */
	double syscalls_per_flip;
	char syscall_top[256]; /* "name n/flip, ..." */
};

struct bench_rig {
	const struct bench_scenario *sc;
	const struct bench_paths *paths;
	char dir[64];
	char vd_log[128], count_file[128];
	struct tc_harness tc;
	bool tc_started;
	struct loop *loop;
	struct xensim *sim;
	struct xensim_guest *guests[BENCH_MAX_GUESTS];
	pid_t vd;
	struct malloc_count_page *counts; /* mapped count_file */
	unsigned usr1_sent; /* counters asked for so far */
};

/* bench_rig.c */
int bench_rig_start(struct bench_rig *r, const struct bench_scenario *sc,
		    const struct bench_paths *paths);
/* Waits until every connector saw n flip events. */
bool bench_rig_wait_flips(struct bench_rig *r, uint64_t n, unsigned ms);
void bench_rig_spin(struct bench_rig *r, unsigned ms);
/* Sums of the guests' counters. */
void bench_rig_front_stats(struct bench_rig *r, uint64_t *flip_events,
			   uint64_t *flip_timeouts);
/* vdispld's counters now (SIGUSR1; the totals of its connectors). */
struct bench_counters {
	uint64_t frames, bytes_copied, zero_copy_frames, copy_ns, timer_flips;
};
int bench_rig_counters(struct bench_rig *r, struct bench_counters *out);
/* SIGTERM to vdispld; 0 when it exited 0. */
int bench_rig_stop_vdispld(struct bench_rig *r);
void bench_rig_dump_log(const struct bench_rig *r);
void bench_rig_destroy(struct bench_rig *r);
struct drm_front *bench_rig_front(struct bench_rig *r, unsigned guest);

/* bench_measure.c: one steady window of a started rig. */
int bench_measure(struct bench_rig *r, double secs, struct bench_result *res);
uint64_t bench_proc_cpu_ns(pid_t pid);

/* bench_strace.c: strace -c on vdispld for secs; calls per flip. */
int bench_strace(struct bench_rig *r, double secs, struct bench_result *res);

/* bench_ref.c: memcpy of `bytes` in vdispld's pattern (2 sources, 3
 * destinations, as the guest's double buffer and the shm pool), in us:
 * the best of 30 back to back (peak), and the mean of 180 copies made one
 * per 60 Hz period (paced). */
double bench_memcpy_us(size_t bytes);
double bench_memcpy_paced_us(size_t bytes);
/* clock_gettime(id) in ns. */
uint64_t bench_clock_ns(clockid_t id);

/* bench_skeleton.c: the flip's skeleton, three processes making the
 * wake-ups of zero-copy flips on `conns` connectors and nothing else,
 * the compositor unthrottled or `paced` at 60 Hz. Each figure is the
 * lowest and highest of SKEL_READINGS readings (unthrottled: of
 * SKEL_ROUNDS flips; paced: of 3 s): the backend's CPU per flip (us) and
 * in % of a core, the guest's flip latency p50 and p99 (us). */
#define SKEL_READINGS 3
#define SKEL_ROUNDS 10000u
#define SKEL_MAX_CONNS 64
struct bench_skeleton {
	double cpu_us[2], cpu_pct[2];
	double p50_us[2], p99_us[2];
};
int bench_skeleton_ref(unsigned conns, bool paced, struct bench_skeleton *s);

#endif
