/* Under Weston's kiosk-shell with two outputs, each connector's
 * xdg_toplevel lands on the output its app_id (from vdispld.conf) is
 * assigned to by weston.ini's [output] app-ids, centred on black the way
 * kiosk-shell shows a smaller fullscreen buffer. The assignment is
 * crossed (connector 0 to the second output) so that it cannot pass by
 * creation order.
 *
 * Usage: test_agl_kiosk <vdispld> <vdispld-test-heads.so>
 *                       <vdispld-test-input.so> */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agl_fixture.h"

#define OUT_W 640
#define OUT_H 480

static const struct agl_conn conns[] = {
	{320, 240, "c0"},
	{256, 192, "c1"},
};

static const char conf[] = "[general]\n"
			   "shell = xdg\n"
			   "[connector c0]\n"
			   "app-id = agl-right\n"
			   "title = AGL right screen\n"
			   "[connector c1]\n"
			   "app-id = agl-left\n";

/* kiosk-shell needs a seat to map windows on headless: the input module
 * gives it one. */
static const char ini[] = "[output]\n"
			  "name=headless\n"
			  "mode=640x480\n"
			  "app-ids=agl-left\n"
			  "[output]\n"
			  "name=headless2\n"
			  "mode=640x480\n"
			  "app-ids=agl-right\n";

static int check(struct agl *a, bool last)
{
	struct wh_image img;
	if (agl_screenshot(a, &img) < 0)
		return 1;
	int fails = 0;
	if (img.width != 2 * OUT_W || img.height != OUT_H) {
		fprintf(stderr, "FAIL: screenshot %dx%d, want two %dx%d "
			"outputs side by side\n", img.width, img.height, OUT_W,
			OUT_H);
		wh_image_free(&img);
		return 1;
	}
	/* c0 -> headless2 (right), c1 -> headless (left), centred. */
	int x0 = OUT_W + (OUT_W - 320) / 2, y0 = (OUT_H - 240) / 2;
	int x1 = (OUT_W - 256) / 2, y1 = (OUT_H - 192) / 2;
	long bad0 = agl_compare(a, &img, 0, x0, y0);
	long bad1 = agl_compare(a, &img, 1, x1, y1);
	if (bad0 != 0 || bad1 != 0) {
		fprintf(stderr, "FAIL: agl-right at %d,%d: %ld bad pixels; "
			"agl-left at %d,%d: %ld bad pixels\n", x0, y0, bad0,
			x1, y1, bad1);
		fails++;
	}
	/* kiosk-shell's background around each (the same on both outputs):
	 * nothing else shares the outputs. */
	uint32_t bg = wh_image_at(&img, 0, 0);
	if (!agl_rect_is(&img, 0, 0, OUT_W, y1, bg) ||
	    !agl_rect_is(&img, OUT_W, 0, OUT_W, y0, bg)) {
		fprintf(stderr, "FAIL: something else on the outputs\n");
		fails++;
	}
	if (fails && last)
		agl_keep_shot(a, &img);
	wh_image_free(&img);
	return fails;
}

int main(int argc, char *argv[])
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s <vdispld> <heads.so> <input.so>\n",
			argv[0]);
		return 2;
	}
	char modules[1024], input_sock[128];
	snprintf(modules, sizeof(modules), "%s,%s", argv[2], argv[3]);
	struct weston_harness_opts wo = {
		.shell = "kiosk-shell.so", .modules = modules,
		.extra_ini = ini, .width = OUT_W, .height = OUT_H,
	};
	/* Weston inherits these from us. */
	setenv("VDISPLD_TEST_HEADS", "headless2", 1);
	struct agl a;
	memset(&a, 0, sizeof(a));
	snprintf(input_sock, sizeof(input_sock), "/tmp/vdispld-agl-in-%d",
		 (int)getpid());
	setenv("VDISPLD_TEST_INPUT", input_sock, 1);
	int r = agl_start_weston(&a, &wo);
	int fails = 1;
	if (r == 0 && agl_start_guest(&a, conns, 2) == 0 &&
	    agl_start_vdispld(&a, argv[1], conf) == 0 &&
	    agl_wait_static(&a, 15000)) {
		/* The toplevels map when kiosk-shell configures them, which
		 * may come after the guest's last flip: allow it 3 s. */
		for (int i = 0; i < 10 && fails; i++) {
			if (i)
				vd_fixture_pump(&a.vf, 300);
			fails = check(&a, i == 9);
		}
		if (fails)
			vd_fixture_report(&a.vf);
	}
	agl_finish(&a);
	unlink(input_sock);
	if (r == AGL_SKIP)
		return AGL_SKIP;
	printf("%s\n", fails ? "FAIL" : "PASS");
	return fails ? 1 : 0;
}
