/* A zero-copy flip is answered only once the compositor released the
 * buffer shown before it, however late that release comes: the guest draws
 * into that buffer as soon as its flip is answered, so answering earlier
 * would let it draw into pixels the compositor may still be reading.
 *
 * The test compositor releases every replaced buffer 200 ms late
 * (--release-delay-ms, as a slow GPU or a scan-out waiting for vblank
 * would); its frame callbacks still come at 60 Hz. The guest flips as fast
 * as its flip events return. Answered on frame callbacks or vdispld's
 * 33 ms fallback timer, it would flip ~30-60 times a second; paced by the
 * releases it flips about 1000 / 200 = 5 times a second. Asserted: at most
 * 8 flips/s (an upper bound: a loaded machine only lowers it), at least
 * one, all in order, no flip time-out, zero copy throughout.
 * usage: test_zc_slow_release VDISPLD TEST-COMPOSITOR */
#include <stdio.h>

#include "drm_front.h"
#include "vd_fixture.h"
#include "zc_fixture.h"

#define RELEASE_DELAY_MS 200
#define WINDOW_MS 3000
#define MAX_RATE 8.0

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s VDISPLD TEST-COMPOSITOR\n", argv[0]);
		return 2;
	}
	static const char *const tc_args[] = {"--release-delay-ms", "200",
					      NULL};
	struct zc_fixture fx;
	struct zc_opts o = {
		.vdispld = argv[1], .compositor = argv[2], .tc_args = tc_args,
		.kernel_dmabuf = true, .width = 320, .height = 240, .fps = 0,
		.status_interval_s = 1,
	};
	int rc = 1;
	struct drm_front_stats before, after;
	struct zc_stats st;
	if (zc_start(&fx, &o) < 0) {
		fprintf(stderr, "FAIL: fixture did not start\n");
		goto out;
	}
	if (!zc_wait_flips(&fx, 3, 10000)) {
		fprintf(stderr, "FAIL: the guest never got flipping\n");
		vd_fixture_dump_log(&fx.vf, 40);
		goto out;
	}
	drm_front_get_stats(zc_front(&fx), 0, &before);
	vd_fixture_pump(&fx.vf, WINDOW_MS);
	drm_front_get_stats(zc_front(&fx), 0, &after);
	double rate = (double)(after.flip_events - before.flip_events) * 1000.0 /
		      WINDOW_MS;
	if (zc_stop_vdispld(&fx) < 0 || zc_read_stats(&fx, &st) < 0) {
		fprintf(stderr, "FAIL: vdispld exit / no stats line\n");
		vd_fixture_dump_log(&fx.vf, 40);
		goto out;
	}
	fprintf(stderr, "guest: %.1f flips/s with releases %d ms late; "
		"%llu flips, %llu in order, %llu time-outs; vdispld: "
		"zero_copy=%llu bytes_copied=%llu\n", rate, RELEASE_DELAY_MS,
		(unsigned long long)after.flips_sent,
		(unsigned long long)after.flip_events_in_order,
		(unsigned long long)after.flip_timeouts,
		(unsigned long long)st.zero_copy_frames,
		(unsigned long long)st.bytes_copied);
	if (rate > MAX_RATE || rate < 1.0) {
		fprintf(stderr, "FAIL: %.1f flips/s: flips not paced by the "
			"compositor's releases (want 1..%.0f)\n", rate, MAX_RATE);
		goto out;
	}
	if (after.flip_timeouts || after.flip_events_bad ||
	    after.flip_events_in_order != after.flip_events) {
		fprintf(stderr, "FAIL: flip events late or out of order\n");
		goto out;
	}
	if (st.bytes_copied != 0 || st.zero_copy_frames == 0) {
		fprintf(stderr, "FAIL: not zero copy\n");
		goto out;
	}
	fprintf(stderr, "PASS slow_release\n");
	rc = 0;
out:
	vd_fixture_destroy(&fx.vf);
	return rc;
}
