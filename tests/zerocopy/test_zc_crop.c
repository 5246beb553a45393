/* Zero-copy crop: a guest whose two connectors (320x240 and 400x300)
 * share one 720x300 framebuffer, as Linux makes it for modetest with two
 * -s (SET_CONFIG carries each connector's x offset). vdispld must hand
 * the same dma-buf to both surfaces and crop each connector's region with
 * wp_viewport set_source; the dma-buf test compositor reports the CRC of
 * the source rectangle, which must be that connector's pattern, and not
 * one byte may be copied.
 * usage: test_zc_crop VDISPLD TEST-COMPOSITOR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drm_front.h"
#include "zc_fixture.h"

#define FLIPS 30u
#define MIN_COMMITS 20

static const struct {
	const char *surface; /* vdispld's default app_id */
	uint32_t x, w, h;
} conns[2] = {
	{"vdispl-1-0-0", 0, 320, 240},
	{"vdispl-1-0-1", 320, 400, 300},
};

static bool field_is(const char *line, const char *key, const char *want)
{
	char v[64];
	return tc_line_field(line, key, v, sizeof(v)) == 0 && !strcmp(v, want);
}

/* Every commit of connector c is a dma-buf cropped to its region and shows
 * one of its frames 0..max_frame whole. Returns the commits checked. */
static int check_conn(struct zc_fixture *fx, unsigned c, uint64_t max_frame)
{
	char prefix[64], line[512], want_src[64], want_dst[32], want_wh[16];
	uint32_t *crcs = calloc(max_frame + 1, sizeof(*crcs));
	int n, good = 0;
	if (!crcs)
		return -1;
	for (uint64_t f = 0; f <= max_frame; f++)
		crcs[f] = zc_pattern_crc(1, c, f, conns[c].w, conns[c].h);
	snprintf(prefix, sizeof(prefix), "commit surface=%s ", conns[c].surface);
	snprintf(want_src, sizeof(want_src), "%u,0,%ux%u", conns[c].x,
		 conns[c].w, conns[c].h);
	snprintf(want_dst, sizeof(want_dst), "%ux%u", conns[c].w, conns[c].h);
	n = tc_harness_count_lines(&fx->vf.tc, prefix);
	for (int i = 1; i <= n; i++) {
		char v[64];
		bool found = false;
		if (tc_harness_wait_line(&fx->vf.tc, prefix, i, line,
					 sizeof(line), 1000) < 0)
			break;
		snprintf(want_wh, sizeof(want_wh), "%u", conns[c].w);
		if (!field_is(line, "buffer", "dmabuf") ||
		    !field_is(line, "src", want_src) ||
		    !field_is(line, "dst", want_dst) ||
		    !field_is(line, "w", want_wh) ||
		    !field_is(line, "stride", "2880")) {
			fprintf(stderr, "FAIL: c%u commit %d is not a dma-buf "
				"cropped to %s (stride 720*4): %s\n", c, i,
				want_src, line);
			good = -1;
			break;
		}
		tc_line_field(line, "crc", v, sizeof(v));
		uint32_t crc = (uint32_t)strtoul(v, NULL, 16);
		for (uint64_t f = 0; f <= max_frame && !found; f++)
			found = crcs[f] == crc;
		if (!found) {
			fprintf(stderr, "FAIL: c%u commit %d: crc %08x is no "
				"frame of the connector's region: %s\n", c, i,
				crc, line);
			good = -1;
			break;
		}
		good++;
	}
	free(crcs);
	return good;
}

/* Every commit line of the compositor, each with the frame of c0 / c1
 * its CRC matches (-1: none), for a failure's diagnosis. */
static void dump_commits(struct zc_fixture *fx, uint64_t max_frame)
{
	char line[512], v[64];
	int n = tc_harness_count_lines(&fx->vf.tc, "commit ");
	for (int i = 1; i <= n; i++) {
		if (tc_harness_wait_line(&fx->vf.tc, "commit ", i, line,
					 sizeof(line), 100) < 0)
			return;
		tc_line_field(line, "crc", v, sizeof(v));
		uint32_t crc = (uint32_t)strtoul(v, NULL, 16);
		long frame[2] = {-1, -1};
		for (unsigned c = 0; c < 2; c++)
			for (uint64_t f = 0; f <= max_frame && frame[c] < 0; f++)
				if (zc_pattern_crc(1, c, f, conns[c].w,
						   conns[c].h) == crc)
					frame[c] = (long)f;
		fprintf(stderr, "  [c0 %ld c1 %ld] %s\n", frame[0], frame[1],
			line);
	}
}

static int check_stats(struct zc_fixture *fx, unsigned c)
{
	struct zc_stats st;
	if (zc_read_conn_stats(fx, c, &st) < 0) {
		fprintf(stderr, "FAIL: no stats line for c%u\n", c);
		return -1;
	}
	fprintf(stderr, "c%u: frames=%llu zero_copy=%llu bytes_copied=%llu "
		"fallback_region=%llu\n", c, (unsigned long long)st.frames,
		(unsigned long long)st.zero_copy_frames,
		(unsigned long long)st.bytes_copied,
		(unsigned long long)st.fallback[5]);
	if (st.bytes_copied != 0 || st.zero_copy_frames < MIN_COMMITS ||
	    st.fallback[5] != 0) {
		fprintf(stderr, "FAIL: c%u is not zero copy\n", c);
		return -1;
	}
	return 0;
}

static int run(const char *vdispld, const char *compositor)
{
	struct zc_fixture fx;
	struct zc_opts o = {
		.vdispld = vdispld, .compositor = compositor,
		/* 60 fps, in the ASan tree too: vdispld answers a zero-copy
		 * flip only once the compositor released the previous buffer,
		 * so the guest never draws into a buffer still being read,
		 * however slow the compositor (every CRC must match). */
		.kernel_dmabuf = true, .shared_fb = true, .fps = 60,
		.max_flips = FLIPS, .status_interval_s = 1,
	};
	struct drm_front_stats gs;
	int rc = 1;
	if (zc_start(&fx, &o) < 0) {
		fprintf(stderr, "FAIL: fixture did not start\n");
		goto out;
	}
	if (!zc_wait_flips(&fx, 2 * FLIPS, 15000)) {
		fprintf(stderr, "FAIL: the guest's flips did not complete\n");
		vd_fixture_dump_log(&fx.vf, 40);
		goto out;
	}
	vd_fixture_pump(&fx.vf, 200);
	drm_front_get_stats(zc_front(&fx), DRM_FRONT_ALL_CONNS, &gs);
	if (gs.flip_events_in_order != gs.flips_sent || gs.flip_timeouts ||
	    gs.responses_error) {
		fprintf(stderr, "FAIL: %llu flips, %llu in order, %llu time-outs, "
			"%llu errors\n", (unsigned long long)gs.flips_sent,
			(unsigned long long)gs.flip_events_in_order,
			(unsigned long long)gs.flip_timeouts,
			(unsigned long long)gs.responses_error);
		goto out;
	}
	if (zc_stop_vdispld(&fx) < 0) {
		fprintf(stderr, "FAIL: vdispld did not exit cleanly\n");
		vd_fixture_dump_log(&fx.vf, 40);
		goto out;
	}
	for (unsigned c = 0; c < 2; c++) {
		int commits = check_conn(&fx, c, FLIPS + 1);
		fprintf(stderr, "c%u: %d commits checked\n", c, commits);
		if (commits < 0)
			dump_commits(&fx, FLIPS + 1);
		if (commits < MIN_COMMITS || check_stats(&fx, c) < 0)
			goto out;
	}
	if (vd_fixture_log_lines(&fx.vf, "copy path") != 0) {
		fprintf(stderr, "FAIL: vdispld logged a copy fallback\n");
		vd_fixture_dump_log(&fx.vf, 30);
		goto out;
	}
	rc = vd_fixture_logs_clean(&fx.vf) ? 0 : 1;
out:
	vd_fixture_destroy(&fx.vf);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s VDISPLD TEST-COMPOSITOR\n", argv[0]);
		return 2;
	}
	return run(argv[1], argv[2]);
}
