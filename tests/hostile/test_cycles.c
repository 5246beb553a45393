/* test_hostile_cycles VDISPLD: one guest connects and disconnects
 * (driver reload: Closing, Closed, Initialising, Connected, its client
 * creating and flipping buffers each time) HOSTILE_CYCLES times (default
 * 500 for ctest, about 65 s at ~130 ms a cycle; 1000 is the manual
 * setting). vdispld's open fds (the fewest seen over 200 ms) and RSS
 * after a warm-up must equal those at the end (fds exactly, RSS within
 * RSS_MARGIN_KB), and once the guest is destroyed vdispld must hold none
 * of its mappings, shared pages or ports. */
#include <stdlib.h>
#include <string.h>

#include "gsim.h"
#include "hostile.h"
#include "log.h"
#include "loop.h"
#include "toolstack.h"
#include "xensim.h"

#define DEFAULT_CYCLES 500u
#define WARMUP 20u
#define RSS_MARGIN_KB 2048l

/* The fewest fds over 200 ms: buffers of the live connection come and go
 * with the compositor's releases, so a single look can catch one extra. */
static long settled_fds(struct hfix *fx)
{
	long best = -1;

	for (int i = 0; i < 10; i++) {
		long n = vd_proc_fd_count(fx->vf.vd);

		if (n >= 0 && (best < 0 || n < best))
			best = n;
		vd_fixture_pump(&fx->vf, 20);
	}
	return best;
}

struct flipping {
	struct hfix *fx;
	uint64_t since;
};

/* Connected again and the restarted client has flipped once more. */
static bool flipping_again(void *data)
{
	struct flipping *w = data;
	struct drm_front *f = xensim_guest_drm(w->fx->bad);
	struct drm_front_stats st;

	if (!f || drm_front_state(f) != XenbusStateConnected)
		return false;
	drm_front_get_stats(f, DRM_FRONT_ALL_CONNS, &st);
	return st.flip_events > w->since;
}

static int one_cycle(struct hfix *fx)
{
	struct drm_front *f = xensim_guest_drm(fx->bad);
	struct flipping w = {.fx = fx};
	struct drm_front_stats st;

	drm_front_get_stats(f, DRM_FRONT_ALL_CONNS, &st);
	w.since = st.flip_events;
	if (xensim_guest_reload_drivers(fx->bad) < 0)
		return -1;
	return vd_fixture_pump_until(&fx->vf, flipping_again, &w, 5000) ? 0 : -1;
}

static int run(struct hfix *fx, unsigned cycles)
{
	struct drm_front_client_cfg cc = {.draw = true, .force_be_alloc = -1};
	struct drm_front *f = hbad_create(fx, NULL);
	long fd0 = 0, rss0 = 0, fd1, rss1;
	uint64_t t0 = loop_now_ns();

	HCHECK(f && drm_front_start(f, &cc) == 0);
	for (unsigned i = 0; i < cycles; i++) {
		if (i == WARMUP) {
			fd0 = settled_fds(fx);
			rss0 = vd_proc_rss_kb(fx->vf.vd);
		}
		if (one_cycle(fx) < 0) {
			fprintf(stderr, "cycle %u: guest did not reconnect\n", i);
			return -1;
		}
	}
	fd1 = settled_fds(fx);
	rss1 = vd_proc_rss_kb(fx->vf.vd);
	fprintf(stderr, "%u cycles in %.1f s; vdispld after %u: %ld fds, "
			"%ld kB RSS; at the end: %ld fds, %ld kB RSS (%+ld kB)\n",
		cycles, (double)(loop_now_ns() - t0) / 1e9, WARMUP, fd0, rss0,
		fd1, rss1, rss1 - rss0);
	HCHECK(fd0 > 0 && rss0 > 0);
	if (fd1 != fd0) {
		char cmd[80];

		snprintf(cmd, sizeof(cmd), "ls -l /proc/%d/fd >&2", (int)fx->vf.vd);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot list vdispld's fds\n");
	}
	HCHECK(fd1 == fd0);
	HCHECK(rss1 - rss0 < RSS_MARGIN_KB);
	HCHECK(hbad_destroy(fx) == 0);
	return 0;
}

int main(int argc, char **argv)
{
	const char *env = getenv("HOSTILE_CYCLES");
	unsigned cycles = env ? (unsigned)strtoul(env, NULL, 10)
			      : DEFAULT_CYCLES;
	struct hfix fx;
	int ret;

	if (argc != 2) {
		fprintf(stderr, "usage: %s VDISPLD\n", argv[0]);
		return 2;
	}
	if (cycles <= WARMUP)
		cycles = WARMUP + 1;
	log_init(LOG_LVL_WARN, "cycles");
	ret = hfix_start(&fx, argv[1], false);
	if (ret < 0)
		fprintf(stderr, "FAIL: fixture: %s\n", strerror(-ret));
	else
		ret = run(&fx, cycles);
	if (hfix_stop(&fx) < 0)
		ret = -1;
	return ret < 0 ? 1 : 0;
}
