/* Under Weston's ivi-shell, each connector is an ivi_application surface
 * with the ivi id from vdispld.conf, and a controller (the test-only
 * vdispld-test-ivi module, standing in for an AGL HMI controller) places
 * it by that id: the guest's pixels must appear exactly at the
 * controller's positions. Then `vdispld --list` must report the running
 * daemon's view, and after vdispld stops, XenStore's.
 *
 * Usage: test_agl_ivi <vdispld> <vdispld-test-ivi.so> */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agl_fixture.h"

#define C0_X 40
#define C0_Y 30
#define C1_X 500
#define C1_Y 400

static const struct agl_conn conns[] = {
	{320, 240, "c0"},
	{256, 192, "c1"},
};

/* Both section forms: by unique-id and by position. */
static const char conf[] = "[general]\n"
			   "shell = ivi\n"
			   "[connector c0]\n"
			   "ivi-id = 1000\n"
			   "[connector dom=agl-guest/0/1]\n"
			   "ivi-id = 1001\n";

static int check_pixels(struct agl *a)
{
	struct wh_image img;
	if (agl_screenshot(a, &img) < 0)
		return 1;
	int fails = 0;
	long bad0 = agl_compare(a, &img, 0, C0_X, C0_Y);
	long bad1 = agl_compare(a, &img, 1, C1_X, C1_Y);
	if (bad0 != 0 || bad1 != 0) {
		fprintf(stderr, "FAIL: ivi 1000 at %d,%d: %ld bad pixels; "
			"ivi 1001 at %d,%d: %ld bad pixels\n", C0_X, C0_Y,
			bad0, C1_X, C1_Y, bad1);
		fails++;
	}
	/* Nothing else on screen: ivi-shell's background is black. */
	if (!agl_rect_is(&img, 0, 0, C0_X, C0_Y, 0) ||
	    !agl_rect_is(&img, 400, 0, 600, 300, 0)) {
		fprintf(stderr, "FAIL: pixels outside the placed surfaces\n");
		fails++;
	}
	if (fails)
		agl_keep_shot(a, &img);
	wh_image_free(&img);
	return fails;
}

static bool contains(const char *text, const char *needle, const char *what)
{
	if (text && strstr(text, needle))
		return true;
	fprintf(stderr, "FAIL: %s: no \"%s\" in:\n%s\n", what, needle,
		text ? text : "(nothing)");
	return false;
}

static int check_list(struct agl *a, const char *vdispld, bool daemon)
{
	char out[128];
	snprintf(out, sizeof(out), "%s/list-%s.txt", a->vf.dir,
		 daemon ? "daemon" : "xenstore");
	const char *argv[] = {vdispld, "--list", NULL};
	int code = agl_run(a, argv, NULL, out, 10000);
	char *text = vd_slurp(out);
	int fails = code != 0;
	if (code != 0)
		fprintf(stderr, "FAIL: vdispld --list exited %d\n", code);
	if (daemon) {
		/* Both connectors, static after their flips, copied into
		 * wl_shm (no dma-buf here), XR24 from the guest. */
		fails += !contains(text, "source: running vdispld", "--list");
		fails += !contains(text, "agl-guest", "--list");
		fails += !contains(text, "320x240", "--list");
		fails += !contains(text, "256x192", "--list");
		fails += !contains(text, "copy", "--list");
		fails += !contains(text, "static", "--list");
	} else {
		fails += !contains(text, "source: XenStore", "--list");
		if (text && strstr(text, "source: running vdispld")) {
			fprintf(stderr, "FAIL: --list trusts a dead daemon\n");
			fails++;
		}
		fails += !contains(text, "320x240", "--list");
		fails += !contains(text, "c1", "--list");
	}
	if (!fails)
		printf("--list (%s):\n%s", daemon ? "daemon" : "XenStore",
		       text);
	free(text);
	return fails;
}

int main(int argc, char *argv[])
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s <vdispld> <vdispld-test-ivi.so>\n",
			argv[0]);
		return 2;
	}
	const char *vdispld = argv[1];
	char layout[64];
	snprintf(layout, sizeof(layout), "1000:%d,%d;1001:%d,%d", C0_X, C0_Y,
		 C1_X, C1_Y);
	setenv("VDISPLD_TEST_IVI_LAYOUT", layout, 1); /* Weston inherits it */
	struct weston_harness_opts wo = {
		.shell = "ivi-shell.so", .modules = argv[2],
		.width = 1024, .height = 768,
	};
	struct agl a;
	int r = agl_start_with_guest(&a, &wo, conns, 2);
	if (r != 0)
		return r;
	int fails = 0;
	if (agl_start_vdispld(&a, vdispld, conf) < 0 ||
	    !agl_wait_static(&a, 15000)) {
		agl_finish(&a);
		return 1;
	}
	fails += check_pixels(&a);
	vd_fixture_pump(&a.vf, 1200); /* one status refresh with the rates at 0 */
	fails += check_list(&a, vdispld, true);

	int code = agl_stop_vdispld(&a);
	char status[128];
	snprintf(status, sizeof(status), "%s/status", a.vf.dir);
	if (code != 0 || access(status, F_OK) == 0) {
		fprintf(stderr, "FAIL: vdispld exit %d, status file %s\n",
			code, access(status, F_OK) == 0 ? "left behind"
							: "removed");
		fails++;
	}
	fails += check_list(&a, vdispld, false);
	if (fails)
		vd_fixture_report(&a.vf);
	agl_finish(&a);
	printf("%s\n", fails ? "FAIL" : "PASS");
	return fails ? 1 : 0;
}
