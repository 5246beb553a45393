/* Compositor restart: Weston stops while two guests flip; vdispld stays
 * up, keeps both guests connected and answers every flip on its timer;
 * Weston starts again on the same socket; vdispld reconnects by itself
 * and both guests' frames are on screen again, on new surfaces. No guest
 * ever misses a flip event (none times out, all in order).
 *
 * Usage: test_wlres_restart <vdispld> */
#include <stdio.h>
#include <string.h>

#include "wlres_fixture.h"

static const struct wlres_guest guests[] = {
	{.domid = 3, .name = "wlres-a", .n_conns = 1, .width = {320},
	 .height = {240}, .unique_id = {"c0"}},
	{.domid = 4, .name = "wlres-b", .n_conns = 1, .width = {256},
	 .height = {192}, .unique_id = {"c0"}},
};

static const char conf[] = "[general]\n"
			   "shell = xdg\n"
			   "[connector dom=wlres-a/0/0]\n"
			   "app-id = wlres-a\n"
			   "[connector dom=wlres-b/0/0]\n"
			   "app-id = wlres-b\n";

/* Both guests' frames on screen: each app_id's view mostly shows that
 * guest's colour. */
static int check_shown(struct wlres *w, const char *when)
{
	static const char *const ids[] = {"wlres-a", "wlres-b"};
	int x[2], y[2], vw[2], vh[2];
	for (unsigned g = 0; g < 2; g++) {
		if (!vd_fixture_wait_view(&w->vf, ids[g], 5000, &x[g], &y[g], &vw[g],
				     &vh[g])) {
			fprintf(stderr, "FAIL (%s): no view for %s\n", when,
				ids[g]);
			return 1;
		}
	}
	int fails = 1;
	/* Mapping follows the first configure: allow it a few tries. */
	for (int i = 0; i < 20 && fails; i++) {
		vd_fixture_pump(&w->vf, 150);
		struct wh_image img;
		if (weston_harness_screenshot(&w->vf.wh, &img) < 0)
			continue;
		fails = 0;
		for (unsigned g = 0; g < 2; g++) {
			double s = wlres_colour_share(w, &img, g, 0, x[g], y[g],
						      vw[g], vh[g]);
			if (s < 0.6) {
				if (i == 19)
					fprintf(stderr, "FAIL (%s): %s at %d,%d "
						"%dx%d shows its colour on "
						"%.0f%% only\n", when, ids[g],
						x[g], y[g], vw[g], vh[g],
						100 * s);
				fails = 1;
			}
		}
		wh_image_free(&img);
	}
	return fails;
}

static int run(struct wlres *w)
{
	if (!wlres_wait_flips(w, 10, 15000)) {
		fprintf(stderr, "FAIL: guests did not flip\n");
		return 1;
	}
	if (check_shown(w, "before"))
		return 1;
	int r = weston_harness_stop(&w->vf.wh);
	printf("weston stopped (%d)\n", r);
	struct drm_front_stats a0, b0, a1, b1;
	wlres_stats(w, 0, 0, &a0);
	wlres_stats(w, 1, 0, &b0);
	vd_fixture_pump(&w->vf, 2000);
	wlres_stats(w, 0, 0, &a1);
	wlres_stats(w, 1, 0, &b1);
	printf("flip events while weston was away: %llu, %llu\n",
	       (unsigned long long)(a1.flip_events - a0.flip_events),
	       (unsigned long long)(b1.flip_events - b0.flip_events));
	/* 60 Hz for 2 s: at least half of it. */
	if (a1.flip_events - a0.flip_events < 60 ||
	    b1.flip_events - b0.flip_events < 60) {
		fprintf(stderr, "FAIL: flips stalled without the compositor\n");
		return 1;
	}
	if (!vd_fixture_vdispld_alive(&w->vf))
		return 1;
	if (vd_fixture_log_count(&w->vf, "lost the compositor") != 1) {
		fprintf(stderr, "FAIL: no (single) loss line in the log\n");
		return 1;
	}
	r = weston_harness_restart(&w->vf.wh, &w->wo);
	if (r < 0) {
		fprintf(stderr, "FAIL: weston did not restart: %s\n",
			strerror(-r));
		return 1;
	}
	printf("weston restarted on %s\n", w->vf.wh.socket);
	if (check_shown(w, "after"))
		return 1;
	if (vd_fixture_log_count(&w->vf, "wl: compositor is back") != 1) {
		fprintf(stderr, "FAIL: no (single) reconnect line in the log\n");
		return 1;
	}
	struct drm_front_stats a2, b2;
	wlres_stats(w, 0, 0, &a2);
	vd_fixture_pump(&w->vf, 500);
	wlres_stats(w, 1, 0, &b2);
	if (!wlres_wait_flips(w, a2.flip_events + 10, 3000)) {
		fprintf(stderr, "FAIL: flips stalled after the reconnect\n");
		return 1;
	}
	if (!vd_fixture_vdispld_alive(&w->vf) || !wlres_flips_clean(w))
		return 1;
	return 0;
}

int main(int argc, char *argv[])
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s <vdispld>\n", argv[0]);
		return 2;
	}
	struct weston_harness_opts wo = {.width = 800, .height = 600};
	return wlres_main(argv[1], &wo, guests, 2, conf, run);
}
