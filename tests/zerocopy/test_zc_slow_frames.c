/* A compositor that repaints slowly is not a hidden surface: its frame
 * callbacks come late but come, and a flip is answered by them, so the
 * guest flips as often as the screen changes and no frame it draws goes
 * unseen. A surface that then becomes hidden (no frame callbacks at all)
 * goes back to vdispld's short fallback, so the guest still flips freely.
 *
 * The test compositor does its frame callbacks every 100 ms (10 Hz) and
 * none after 5 s. The guest flips as fast as its flip events return.
 * Answered by vdispld's 33 ms fallback, it would flip ~30 times a second;
 * paced by the compositor, about 10. Asserted while the compositor is
 * slow: at most 12 flips/s (an upper bound: load only lowers it), at least
 * 3, and only a few flips answered by the timer (those before vdispld has
 * seen how late the callbacks come). Once they stop: at least 12 flips/s
 * (the fallback shrank back, not stuck at the slow wait). Throughout: in
 * order, no flip time-out.
 * usage: test_zc_slow_frames VDISPLD TEST-COMPOSITOR zc|copy */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "drm_front.h"
#include "vd_fixture.h"
#include "zc_fixture.h"

#define FRAMES_STOP_MS 5000
#define STR(x) #x
#define XSTR(x) STR(x)
#define SLOW_MAX_RATE 12.0
#define SLOW_MIN_RATE 3.0
#define MAX_LEARNING_TIMER_FLIPS 10
#define HIDDEN_MIN_RATE 12.0

static long long ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000ll +
	       (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Flip events per second over the next ms milliseconds. */
static double flip_rate(struct zc_fixture *fx, int ms)
{
	struct drm_front_stats a, b;
	drm_front_get_stats(zc_front(fx), 0, &a);
	vd_fixture_pump(&fx->vf, ms);
	drm_front_get_stats(zc_front(fx), 0, &b);
	return (double)(b.flip_events - a.flip_events) * 1000.0 / ms;
}

static int run(struct zc_fixture *fx, const struct timespec *t0)
{
	struct zc_stats slow;
	struct drm_front_stats end;
	ZC_CHECK(zc_wait_flips(fx, 3, 10000), "the guest never got flipping");
	vd_fixture_pump(&fx->vf, 500); /* vdispld sees how late they come */
	long long left = FRAMES_STOP_MS - 500 - ms_since(t0);
	ZC_CHECK(left >= 1500, "started too late (%lld ms before the "
		 "callbacks stop) to measure the slow compositor", left);
	double slow_rate = flip_rate(fx, (int)left);
	ZC_CHECK(zc_ask_stats(fx, &slow) == 0, "no stats from SIGUSR1");
	fprintf(stderr, "slow compositor (10 Hz): %.1f flips/s; so far %llu "
		"frames, %llu answered by the timer\n", slow_rate,
		(unsigned long long)slow.frames,
		(unsigned long long)slow.timer_flips);
	ZC_CHECK(slow_rate <= SLOW_MAX_RATE && slow_rate >= SLOW_MIN_RATE,
		 "%.1f flips/s: not paced by the compositor's frame callbacks "
		 "(want %.0f..%.0f)", slow_rate, SLOW_MIN_RATE, SLOW_MAX_RATE);
	ZC_CHECK(slow.timer_flips <= MAX_LEARNING_TIMER_FLIPS,
		 "%llu flips answered by the timer before their frame was "
		 "shown", (unsigned long long)slow.timer_flips);

	/* Past the stop (by the test's clock, which started first), and a
	 * second for the fallback to shrink back. */
	vd_fixture_pump(&fx->vf, (int)(FRAMES_STOP_MS + 1000 - ms_since(t0)));
	double hidden_rate = flip_rate(fx, 2000);
	fprintf(stderr, "no frame callbacks: %.1f flips/s\n", hidden_rate);
	ZC_CHECK(hidden_rate >= HIDDEN_MIN_RATE, "%.1f flips/s with no frame "
		 "callbacks: the fallback stayed long (want >= %.0f)",
		 hidden_rate, HIDDEN_MIN_RATE);

	drm_front_get_stats(zc_front(fx), 0, &end);
	ZC_CHECK(!end.flip_timeouts && !end.flip_events_bad &&
		 end.flip_events_in_order == end.flip_events,
		 "flip events late or out of order (%llu time-outs, %llu bad)",
		 (unsigned long long)end.flip_timeouts,
		 (unsigned long long)end.flip_events_bad);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 4 || (strcmp(argv[3], "zc") && strcmp(argv[3], "copy"))) {
		fprintf(stderr, "usage: %s VDISPLD TEST-COMPOSITOR zc|copy\n",
			argv[0]);
		return 2;
	}
	static const char *const tc_args[] = {
		"--frame-period-ms", "100", "--frames-stop-after-ms",
		XSTR(FRAMES_STOP_MS),
		NULL};
	struct zc_fixture fx;
	struct zc_opts o = {
		.vdispld = argv[1], .compositor = argv[2], .tc_args = tc_args,
		.kernel_dmabuf = !strcmp(argv[3], "zc"), .width = 320,
		.height = 240, .fps = 0,
	};
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = 1;
	if (zc_start(&fx, &o) < 0) {
		fprintf(stderr, "FAIL: fixture did not start\n");
		goto out;
	}
	rc = run(&fx, &t0);
	if (rc)
		vd_fixture_dump_log(&fx.vf, 40);
	else
		fprintf(stderr, "PASS slow_frames %s\n", argv[3]);
out:
	vd_fixture_destroy(&fx.vf);
	return rc;
}
