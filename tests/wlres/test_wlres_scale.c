/* Scaling with wp_viewporter under desktop-shell: connector c0 (320x240)
 * with `size = 480x360` is a 480x360 view; connector c1 (160x120) with
 * `fullscreen = true` on output "headless" (640x480) fills the output,
 * its frame scaled 4x (the scene graph's geometry, and the screenshot:
 * the output is the guest's colour). Both keep flipping, no flip missed.
 *
 * Usage: test_wlres_scale <vdispld> */
#include <stdio.h>
#include <string.h>

#include "wlres_fixture.h"

static const struct wlres_guest guest = {
	.domid = 6, .name = "wlres-scale", .n_conns = 2, .width = {320, 160},
	.height = {240, 120}, .unique_id = {"c0", "c1"},
};

static const char conf[] = "[general]\nshell = xdg\n"
			   "[connector c0]\napp-id = scale-sized\n"
			   "size = 480x360\n"
			   "[connector c1]\napp-id = scale-full\n"
			   "fullscreen = true\noutput = headless\n";

static int run(struct wlres *w)
{
	int x, y, vw, vh, fails = 0;
	if (!wlres_wait_flips(w, 10, 15000) ||
	    !vd_fixture_wait_view(&w->vf, "scale-sized", 5000, &x, &y, &vw, &vh)) {
		fprintf(stderr, "FAIL: no flips or no view\n");
		return 1;
	}
	printf("scale-sized: %dx%d at %d,%d\n", vw, vh, x, y);
	if (vw != 480 || vh != 360) {
		fprintf(stderr, "FAIL: scale-sized is %dx%d, want 480x360\n",
			vw, vh);
		fails++;
	}
	/* The fullscreen view takes its size at the configure after the
	 * first: allow it a few turns. */
	bool full = false;
	for (int i = 0; i < 20 && !full; i++) {
		full = vd_fixture_wait_view(&w->vf, "scale-full", 2000, &x, &y, &vw, &vh) &&
		       x == 0 && y == 0 && vw == 640 && vh == 480;
	}
	printf("scale-full: %dx%d at %d,%d\n", vw, vh, x, y);
	if (!full) {
		fprintf(stderr, "FAIL: scale-full does not fill the output\n");
		return 1;
	}
	double share = 0;
	for (int i = 0; i < 20 && share < 0.7; i++) {
		vd_fixture_pump(&w->vf, 150);
		struct wh_image img;
		if (weston_harness_screenshot(&w->vf.wh, &img) < 0)
			continue;
		share = wlres_colour_share(w, &img, 0, 1, 0, 0, 640, 480);
		wh_image_free(&img);
	}
	printf("output shows c1's colour on %.0f%%\n", 100 * share);
	if (share < 0.7) {
		fprintf(stderr, "FAIL: the output is not c1's frame scaled\n");
		fails++;
	}
	if (!vd_fixture_vdispld_alive(&w->vf) || !wlres_flips_clean(w))
		fails++;
	return fails ? 1 : 0;
}

int main(int argc, char *argv[])
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s <vdispld>\n", argv[0]);
		return 2;
	}
	struct weston_harness_opts wo = {.width = 640, .height = 480};
	return wlres_main(argv[1], &wo, &guest, 1, conf, run);
}
