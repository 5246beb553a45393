/* Zero copy end to end: the shipping vdispld against the Xen simulator and
 * a compositor. Weston here can't offer zwp_linux_dmabuf_v1 (no DRM
 * device), so the small dma-buf test compositor (tests/dmabuf-compositor)
 * stands in for a compositor that can: it imports the dma-buf fd,
 * reads the pixels from it and reports a CRC per committed frame.
 *
 * Cases:
 *   dmabuf   gntdev exports + compositor with linux-dmabuf: every frame
 *            arrives as buffer=dmabuf with the guest's pixels, 0 bytes
 *            copied by vdispld.
 *   weston   real headless Weston (no linux-dmabuf): copies, pixel-exact
 *            on a screenshot, reason "compositor" logged once per buffer.
 *   kernel   gntdev without dma-buf (like Debian's kernel): copies,
 *            reason "kernel".
 *   pvdom0   gntdev refuses the export with EINVAL as in an x86 PV Dom0
 *            (the simulator's Dom0 is PV): copies, reason "kernel", and
 *            the log names the cause instead of the errno.
 *   refused  the compositor refuses every import: copies, reason
 *            "refused" (the compositor refused).
 *   bealloc  backend-allocated buffers: zero copy too.
 *   disabled vdispld --no-dmabuf: copies, reason "disabled".
 * Every compositor case also asks the running vdispld for its counters
 * (SIGUSR1) and checks them against the guest's flips. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drm_front.h"
#include "zc_fixture.h"

#define W 320u
#define H 240u
#define SKIP 77

enum reason { R_DISABLED, R_KERNEL, R_COMPOSITOR, R_FORMAT, R_REFUSED };

static const char *vdispld, *compositor;
/* The pvdom0 case: exports refused as in a PV Dom0. */
static bool export_pv;

/* Every commit the compositor reported carries one of the guest's frames,
 * whole, from the expected kind of buffer. Returns the commits checked. */
static int check_report(struct zc_fixture *fx, const char *kind,
			uint64_t max_frame)
{
	int n = tc_harness_count_lines(&fx->vf.tc, "commit ");
	uint32_t *crcs = calloc(max_frame + 1, sizeof(*crcs));
	char line[512], v[64];
	int good = 0;
	if (!crcs)
		return -1;
	for (uint64_t f = 0; f <= max_frame; f++)
		crcs[f] = zc_pattern_crc(1, 0, f, W, H);
	for (int i = 1; i <= n; i++) {
		if (tc_harness_wait_line(&fx->vf.tc, "commit ", i, line,
					 sizeof(line), 1000) < 0 ||
		    tc_line_field(line, "buffer", v, sizeof(v)) < 0 ||
		    strcmp(v, kind) != 0) {
			fprintf(stderr, "commit %d: not %s: %s", i, kind, line);
			free(crcs);
			return -1;
		}
		tc_line_field(line, "crc", v, sizeof(v));
		uint32_t crc = (uint32_t)strtoul(v, NULL, 16);
		bool found = false;
		for (uint64_t f = 0; f <= max_frame && !found; f++)
			found = crcs[f] == crc;
		if (!found) {
			fprintf(stderr, "commit %d: crc %08x is no frame of the "
				"guest's (0..%llu): %s", i, crc,
				(unsigned long long)max_frame, line);
			free(crcs);
			return -1;
		}
		good++;
	}
	free(crcs);
	return good;
}

/* The guest's 40 flips, then vdispld's counters twice: asked for with
 * SIGUSR1 while it runs (*asked: its frame count then) and from the
 * stats line it writes at exit (*st). */
static int run_guest(struct zc_fixture *fx, struct drm_front_stats *gs,
		     struct zc_stats *st, uint64_t *asked)
{
	if (!zc_wait_flips(fx, 40, 15000)) {
		fprintf(stderr, "FAIL: the guest's 40 flips did not complete\n");
		return -1;
	}
	vd_fixture_pump(&fx->vf, 200);
	drm_front_get_stats(zc_front(fx), 0, gs);
	/* The guest is done: the counters have (nearly) all its frames: one
	 * per flip, and SET_CONFIG's picture when it went up before the
	 * first flip replaced it (a frame that owes no flip event). */
	struct zc_stats now;
	*asked = zc_ask_stats(fx, &now) == 0 ? now.frames : 0;
	if (*asked < 20 || *asked > gs->flip_events + 1) {
		fprintf(stderr, "FAIL: SIGUSR1 counters: frames=%llu, the guest "
			"saw %llu flips\n", (unsigned long long)*asked,
			(unsigned long long)gs->flip_events);
		return -1;
	}
	if (zc_stop_vdispld(fx) < 0 || zc_read_stats(fx, st) < 0) {
		fprintf(stderr, "FAIL: vdispld exit / no stats line\n");
		return -1;
	}
	fprintf(stderr, "guest: %llu flips, %llu in order; vdispld: frames=%llu "
		"bytes_copied=%llu zero_copy=%llu\n",
		(unsigned long long)gs->flips_sent,
		(unsigned long long)gs->flip_events_in_order,
		(unsigned long long)st->frames,
		(unsigned long long)st->bytes_copied,
		(unsigned long long)st->zero_copy_frames);
	if (gs->flip_events_in_order != gs->flips_sent || gs->flip_timeouts) {
		fprintf(stderr, "FAIL: flip events out of order or late\n");
		return -1;
	}
	if (st->frames < *asked) {
		fprintf(stderr, "FAIL: final frames=%llu below SIGUSR1's %llu\n",
			(unsigned long long)st->frames,
			(unsigned long long)*asked);
		return -1;
	}
	return 0;
}

/* Zero copy (want_reason < 0): nothing copied, no fallback logged; a copy
 * path: its reason logged once per buffer, every commit's bytes copied. */
static int check_path(struct zc_fixture *fx, const struct zc_stats *st,
		      int want_reason, int commits)
{
	if (want_reason < 0) {
		if (st->bytes_copied != 0 || st->zero_copy_frames < 20 ||
		    vd_fixture_log_lines(&fx->vf, "takes the copy path") != 0) {
			fprintf(stderr, "FAIL: not zero copy\n");
			return -1;
		}
		return 0;
	}
	char needle[64];
	snprintf(needle, sizeof(needle), "copy path, reason: %s:",
		 (const char *[]){"disabled", "kernel", "compositor", "format",
				  "refused"}[want_reason]);
	int logged = vd_fixture_log_lines(&fx->vf, needle);
	/* Two buffers (double buffering): one line each. */
	if (logged != 2 || st->zero_copy_frames != 0 ||
	    st->bytes_copied < (uint64_t)commits * W * H * 4 ||
	    st->fallback[want_reason] < 20) {
		fprintf(stderr, "FAIL: '%s' logged %d times (want 2), "
			"fallbacks %llu\n", needle, logged,
			(unsigned long long)st->fallback[want_reason]);
		return -1;
	}
	return 0;
}

/* The pool is faulted in at SET_CONFIG only for an fb known to be copied,
 * never for a zero-copy connector (memory it never uses); the guest's
 * buffers are read in after DBUF_CREATE only when they can't be exported
 * (kernel, disabled: both of its two buffers). */
static int check_prefault(struct zc_fixture *fx, int want_reason)
{
	int warmed = vd_fixture_log_lines(&fx->vf, "faulted in at configuration");
	int mapped = vd_fixture_log_lines(&fx->vf, "copy-path mapping of");
	bool known_copy = want_reason == R_KERNEL || want_reason == R_DISABLED;
	if ((want_reason < 0 && (warmed != 0 || mapped != 0)) ||
	    (known_copy && (warmed < 1 || mapped != 2))) {
		fprintf(stderr, "FAIL: shm pool faulted in %d times, guest "
			"buffers %d times\n", warmed, mapped);
		return -1;
	}
	return 0;
}

static int run_tc_case(bool kernel, bool be_alloc, bool no_dmabuf,
		       const char *const *tc_args, int want_reason)
{
	struct zc_fixture fx;
	struct zc_opts o = {
		.vdispld = vdispld, .compositor = compositor,
		.tc_args = tc_args, .kernel_dmabuf = kernel,
		.export_pv = export_pv,
		.be_alloc = be_alloc, .no_dmabuf_flag = no_dmabuf,
		.width = W, .height = H, .fps = 60, .max_flips = 40,
		.status_interval_s = 1,
	};
	int rc = 1;
	struct drm_front_stats gs;
	struct zc_stats st;
	uint64_t asked = 0;
	if (zc_start(&fx, &o) < 0) {
		fprintf(stderr, "FAIL: fixture did not start\n");
		goto out;
	}
	if (run_guest(&fx, &gs, &st, &asked) < 0) {
		vd_fixture_dump_log(&fx.vf, 40);
		goto out;
	}
	int commits = check_report(&fx, want_reason < 0 ? "dmabuf" : "shm",
				   gs.frames_drawn + 1);
	if (commits < 20) {
		fprintf(stderr, "FAIL: %d good commits (want >= 20)\n", commits);
		goto out;
	}
	if (check_path(&fx, &st, want_reason, commits) < 0 ||
	    check_prefault(&fx, want_reason) < 0) {
		vd_fixture_dump_log(&fx.vf, 30);
		goto out;
	}
	/* Once per buffer, with the cause in words and no errno text. */
	int named = vd_fixture_log_lines(
		&fx.vf, "; a PV Dom0 cannot export grants as dma-bufs");
	int bare = vd_fixture_log_lines(&fx.vf, "; Invalid argument");
	if (export_pv && (named != 2 || bare != 0)) {
		fprintf(stderr, "FAIL: PV Dom0 cause logged %d times (want "
			"2), bare EINVAL %d times\n", named, bare);
		vd_fixture_dump_log(&fx.vf, 30);
		goto out;
	}
	fprintf(stderr, "%d commits checked; SIGUSR1 counted %llu frames\n",
		commits, (unsigned long long)asked);
	rc = 0;
out:
	vd_fixture_destroy(&fx.vf);
	return rc;
}

/* Real Weston: no linux-dmabuf. The guest stops after 30 flips; the last
 * frame must be on screen exactly. */
static int run_weston(void)
{
	struct zc_fixture fx;
	struct zc_opts o = {
		.vdispld = vdispld, .kernel_dmabuf = true,
		.width = W, .height = H, .fps = 60, .max_flips = 30,
		.status_interval_s = 1,
	};
	int rc = 1;
	struct wh_image img = {0};
	uint64_t cookie, frame;
	uint32_t *pat = malloc(W * H * 4);
	struct zc_stats st;
	if (!pat || zc_start(&fx, &o) < 0) {
		fprintf(stderr, "FAIL: fixture did not start\n");
		goto out;
	}
	if (!zc_wait_flips(&fx, 30, 15000)) {
		fprintf(stderr, "FAIL: 30 flips did not complete\n");
		vd_fixture_dump_log(&fx.vf, 40);
		goto out;
	}
	vd_fixture_pump(&fx.vf, 300);
	if (drm_front_shown(zc_front(&fx), 0, &cookie, &frame) < 0 ||
	    weston_harness_screenshot(&fx.vf.wh, &img) < 0) {
		fprintf(stderr, "FAIL: no screenshot\n");
		goto out;
	}
	for (uint32_t y = 0; y < H; y++)
		for (uint32_t x = 0; x < W; x++)
			pat[y * W + x] = xensim_pattern_pixel(1, 0, frame, W, x, y);
	int fx_x, fx_y;
	if (!wh_image_find(&img, pat, W, H, W, &fx_x, &fx_y)) {
		fprintf(stderr, "FAIL: frame %llu is not on screen exactly\n",
			(unsigned long long)frame);
		goto out;
	}
	if (zc_stop_vdispld(&fx) < 0 || zc_read_stats(&fx, &st) < 0)
		goto out;
	int logged = vd_fixture_log_lines(&fx.vf, "copy path, reason: compositor:");
	fprintf(stderr, "frame %llu found at %d,%d; reason logged %d times; "
		"bytes_copied=%llu fallback_compositor=%llu\n",
		(unsigned long long)frame, fx_x, fx_y, logged,
		(unsigned long long)st.bytes_copied,
		(unsigned long long)st.fallback[R_COMPOSITOR]);
	ZC_CHECK(logged == 2, "reason logged %d times, want once per buffer (2)",
	      logged);
	ZC_CHECK(st.zero_copy_frames == 0 && st.fallback[R_COMPOSITOR] >= 20 &&
	      st.bytes_copied >= 20ull * W * H * 4, "counters");
	rc = 0;
out:
	wh_image_free(&img);
	free(pat);
	vd_fixture_destroy(&fx.vf);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: %s VDISPLD TEST-COMPOSITOR CASE\n",
			argv[0]);
		return 2;
	}
	vdispld = argv[1];
	compositor = argv[2];
	const char *c = argv[3];
	static const char *const refuse[] = {"--refuse-dmabuf", NULL};
	if (!strcmp(c, "dmabuf"))
		return run_tc_case(true, false, false, NULL, -1);
	if (!strcmp(c, "kernel"))
		return run_tc_case(false, false, false, NULL, R_KERNEL);
	if (!strcmp(c, "pvdom0")) {
		export_pv = true;
		return run_tc_case(true, false, false, NULL, R_KERNEL);
	}
	if (!strcmp(c, "refused"))
		return run_tc_case(true, false, false, refuse, R_REFUSED);
	if (!strcmp(c, "bealloc"))
		return run_tc_case(true, true, false, NULL, -1);
	if (!strcmp(c, "disabled"))
		return run_tc_case(true, false, true, NULL, R_DISABLED);
	if (!strcmp(c, "weston"))
		return run_weston();
	fprintf(stderr, "unknown case %s\n", c);
	return 2;
}
