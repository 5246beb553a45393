/* e2e tests of vdispld-test-compositor: a real Wayland client wraps memfd
 * pictures as dma-buf (and wl_shm) buffers, shows them on a toplevel, and
 * the compositor's report must carry the CRC the client computed.
 * usage: test_dmabuf_compositor <compositor binary> <case> */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <drm_fourcc.h>

#include "test_tc.h"
#include "linux-dmabuf-unstable-v1-client-protocol.h"
#include "viewporter-client-protocol.h"
#include "xdg-shell-client-protocol.h"

static int case_dmabuf_create(struct tc_harness *h, const char *binary)
{
	struct tc_client c;
	struct tc_window w;
	struct tc_picture p1, p2;
	struct tc_buffer_state b1, b2;
	if (tt_start(h, &c, binary, NULL, 4) < 0)
		return -1;
	CHECK(c.dmabuf && c.dmabuf_version == 4, "want linux-dmabuf v4");
	CHECK(tc_client_fetch_feedback(&c) == 0, "no feedback done");
	CHECK(c.linear_formats == 2 && c.other_formats == 0,
	      "format table: %d LINEAR XR24/AR24, %d others", c.linear_formats,
	      c.other_formats);
	CHECK(c.main_device_seen, "no main_device");
	CHECK(tc_window_create(&w, &c, "tc-create") == 0, "no configure");
	/* A padded stride, then a plane at a page offset. */
	CHECK(tc_picture_create(&p1, 64, 48, 64 * 4 + 64, 0,
				DRM_FORMAT_XRGB8888, 0, 1) == 0, "memfd");
	CHECK(tc_picture_create(&p2, 100, 30, 100 * 4, 8192,
				DRM_FORMAT_XRGB8888, 0, 0x020304) == 0, "memfd");
	if (tt_show_dmabuf(&c, &w, &p1, false, &b1) < 0 ||
	    tt_check_commit(h, "tc-create", 1, &p1, "dmabuf", 0) < 0 ||
	    tt_show_dmabuf(&c, &w, &p2, false, &b2) < 0 ||
	    tt_check_commit(h, "tc-create", 2, &p2, "dmabuf", 8192) < 0)
		return -1;
	CHECK(tc_harness_count_lines(h, "dmabuf created ") == 2,
	      "want 2 'dmabuf created' lines");
	/* The dump holds the last frame: the words the CRC covers. */
	char path[256];
	snprintf(path, sizeof(path), "%s/tc-create.raw", h->dump_dir);
	FILE *f = fopen(path, "rb");
	CHECK(f, "no dump %s", path);
	static uint8_t raw[100 * 30 * 4 + 1];
	size_t n = fread(raw, 1, sizeof(raw), f);
	fclose(f);
	CHECK(n == 100 * 30 * 4 && tc_test_crc32(0, raw, n) == p2.expected_crc,
	      "dump: %zu bytes, crc differs", n);
	tc_buffer_state_finish(&b1);
	tc_buffer_state_finish(&b2);
	tc_window_destroy(&w);
	tc_client_disconnect(&c);
	tc_picture_destroy(&p1);
	tc_picture_destroy(&p2);
	return 0;
}

static int case_dmabuf_immed_v3(struct tc_harness *h, const char *binary)
{
	const char *const args[] = {"--dmabuf-version", "3", NULL};
	struct tc_client c;
	struct tc_window w;
	struct tc_picture p;
	struct tc_buffer_state b;
	if (tt_start(h, &c, binary, args, 4) < 0)
		return -1;
	CHECK(c.dmabuf && c.dmabuf_version == 3, "want linux-dmabuf v3");
	CHECK(c.linear_formats == 2 && c.other_formats == 0,
	      "modifier events: %d LINEAR XR24/AR24, %d others",
	      c.linear_formats, c.other_formats);
	CHECK(tc_window_create(&w, &c, "tc-immed") == 0, "no configure");
	/* X = 0xff must not reach the CRC: XR24's padding is no colour. */
	CHECK(tc_picture_create(&p, 33, 17, 33 * 4 + 12, 0,
				DRM_FORMAT_XRGB8888, 0xff, 7) == 0, "memfd");
	if (tt_show_dmabuf(&c, &w, &p, true, &b) < 0 ||
	    tt_check_commit(h, "tc-immed", 1, &p, "dmabuf", 0) < 0)
		return -1;
	char line[1024];
	CHECK(tc_harness_wait_line(h, "dmabuf created ", 1, line, sizeof(line),
				   1000) == 0 && strstr(line, " immed=1"),
	      "no 'dmabuf created ... immed=1' line");
	tc_buffer_state_finish(&b);
	tc_window_destroy(&w);
	tc_client_disconnect(&c);
	tc_picture_destroy(&p);
	return 0;
}

/* create: refusals come back as `failed`, the client lives on. */
static int case_dmabuf_failed(struct tc_harness *h, const char *binary)
{
	struct tc_client c;
	struct tc_picture p, bad;
	struct tc_buffer_state b;
	char line[1024];
	if (tt_start(h, &c, binary, NULL, 3) < 0)
		return -1;
	CHECK(tc_picture_create(&p, 64, 48, 64 * 4, 0, DRM_FORMAT_XRGB8888, 0,
				3) == 0, "memfd");
	bad = p;
	bad.stride = 64 * 4 - 4;	/* shorter than a row */
	CHECK(tc_dmabuf_import(&c, &bad, DRM_FORMAT_MOD_LINEAR, false, &b) == 0,
	      "connection lost on a bad stride");
	CHECK(b.failed && !b.created, "bad stride: want failed");
	CHECK(tc_harness_wait_line(h, "dmabuf failed reason=stride ", 1, line,
				   sizeof(line), 1000) == 0 &&
		      strstr(line, " fatal=0"),
	      "no 'dmabuf failed reason=stride ... fatal=0' line");
	bad = p;
	bad.height = 49;	/* one row past the memfd */
	CHECK(tc_dmabuf_import(&c, &bad, DRM_FORMAT_MOD_LINEAR, false, &b) == 0 &&
		      b.failed,
	      "out of bounds: want failed");
	CHECK(tc_harness_count_lines(h, "dmabuf failed reason=bounds ") == 1,
	      "no reason=bounds line");
	/* v3 binding: an unadvertised modifier is a plain failure too. */
	CHECK(tc_dmabuf_import(&c, &p, 1, false, &b) == 0 && b.failed,
	      "tiled modifier: want failed");
	CHECK(tc_harness_count_lines(h, "dmabuf failed reason=modifier ") == 1,
	      "no reason=modifier line");
	CHECK(tc_dmabuf_import(&c, &p, DRM_FORMAT_MOD_LINEAR, false, &b) == 0 &&
		      b.created,
	      "a good import after refusals failed");
	tc_buffer_state_finish(&b);
	tc_client_disconnect(&c);
	tc_picture_destroy(&p);
	return 0;
}

/* --attach-only takes unmappable dma-bufs unread (a real grant export,
 * tested on the arm64 tier); here: a buffer that maps is still read and
 * CRC-checked, and an fd that neither maps nor is a dma-buf (a write-only
 * memfd) is refused as before. */
static int case_attach_only(struct tc_harness *h, const char *binary)
{
	const char *const args[] = {"--attach-only", NULL};
	struct tc_client c;
	struct tc_window w;
	struct tc_picture p, bad;
	struct tc_buffer_state b, bb;
	char path[64];
	if (tt_start(h, &c, binary, args, 4) < 0)
		return -1;
	CHECK(tc_window_create(&w, &c, "tc-attach") == 0, "no configure");
	CHECK(tc_picture_create(&p, 64, 48, 64 * 4, 0, DRM_FORMAT_XRGB8888, 0,
				5) == 0, "memfd");
	if (tt_show_dmabuf(&c, &w, &p, false, &b) < 0 ||
	    tt_check_commit(h, "tc-attach", 1, &p, "dmabuf", 0) < 0)
		return -1;
	bad = p;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", p.fd);
	bad.fd = open(path, O_WRONLY | O_CLOEXEC);
	CHECK(bad.fd >= 0, "write-only reopen: %s", strerror(errno));
	CHECK(tc_dmabuf_import(&c, &bad, DRM_FORMAT_MOD_LINEAR, false, &bb) ==
			      0 && bb.failed,
	      "an unmappable memfd was taken");
	close(bad.fd);
	CHECK(tc_harness_count_lines(h, "dmabuf failed reason=mmap ") == 1 &&
		      tc_harness_count_lines(h, "dmabuf created ") == 1,
	      "want one reason=mmap refusal and one import taken");
	tc_buffer_state_finish(&b);
	tc_window_destroy(&w);
	tc_client_disconnect(&c);
	tc_picture_destroy(&p);
	return 0;
}

/* create_immed (and v4 create with an unadvertised modifier): refusals
 * are protocol errors. */
static int case_dmabuf_fatal(struct tc_harness *h, const char *binary)
{
	struct tc_client c;
	struct tc_picture p, bad;
	struct tc_buffer_state b;
	if (tt_start(h, &c, binary, NULL, 4) < 0)
		return -1;
	CHECK(tc_picture_create(&p, 64, 48, 64 * 4, 0, DRM_FORMAT_XRGB8888, 0,
				3) == 0, "memfd");
	bad = p;
	bad.stride = 16;
	tc_dmabuf_import(&c, &bad, DRM_FORMAT_MOD_LINEAR, true, &b);
	if (tt_expect_protocol_error(&c, "zwp_linux_buffer_params_v1",
		    ZWP_LINUX_BUFFER_PARAMS_V1_ERROR_OUT_OF_BOUNDS) < 0)
		return -1;
	CHECK(tc_harness_count_lines(h, "dmabuf failed reason=stride ") == 1,
	      "no reason=stride line");
	tc_buffer_state_finish(&b);	/* a dead proxy, freed locally */
	tc_client_disconnect(&c);

	CHECK(tc_client_connect(&c, 4) == 0, "reconnect");
	tc_dmabuf_import(&c, &p, 1, false, &b);
	if (tt_expect_protocol_error(&c, "zwp_linux_buffer_params_v1",
		    ZWP_LINUX_BUFFER_PARAMS_V1_ERROR_INVALID_FORMAT) < 0)
		return -1;
	tc_client_disconnect(&c);
	tc_picture_destroy(&p);
	return 0;
}

static int case_no_dmabuf(struct tc_harness *h, const char *binary)
{
	const char *const args[] = {"--no-dmabuf", NULL};
	struct tc_client c;
	if (tt_start(h, &c, binary, args, 4) < 0)
		return -1;
	CHECK(!c.dmabuf, "zwp_linux_dmabuf_v1 advertised with --no-dmabuf");
	tc_client_disconnect(&c);
	return 0;
}

static int case_shm(struct tc_harness *h, const char *binary)
{
	struct tc_client c;
	struct tc_window w;
	struct tc_picture p[3];
	struct tc_buffer_state b[3];
	if (tt_start(h, &c, binary, NULL, 4) < 0)
		return -1;
	CHECK(tc_window_create(&w, &c, "tc-shm") == 0, "no configure");
	CHECK(tc_picture_create(&p[0], 40, 20, 40 * 4 + 16, 4096,
				DRM_FORMAT_XRGB8888, 0x55, 9) == 0 &&
		      tc_picture_create(&p[1], 40, 20, 40 * 4, 0,
					DRM_FORMAT_ARGB8888, 0x80, 10) == 0 &&
		      tc_picture_create(&p[2], 41, 21, 41 * 2 + 2, 0,
					DRM_FORMAT_RGB565, 0, 11) == 0,
	      "memfd");
	for (int i = 0; i < 3; i++) {
		CHECK(tc_shm_import(&c, &p[i], &b[i]) == 0, "shm buffer");
		CHECK(tc_window_show(&w, b[i].buffer) == 0, "no frame callback");
		/* libwayland hides a shm buffer's pool offset: reported 0. */
		if (tt_check_commit(h, "tc-shm", i + 1, &p[i], "shm", 0) < 0)
			return -1;
	}
	for (int i = 0; i < 3; i++) {
		tc_buffer_state_finish(&b[i]);
		tc_picture_destroy(&p[i]);
	}
	tc_window_destroy(&w);
	tc_client_disconnect(&c);
	return 0;
}

/* A dma-buf goes back to the client only once the next one is latched. */
static int case_release(struct tc_harness *h, const char *binary)
{
	struct tc_client c;
	struct tc_window w;
	struct tc_picture pa, pb;
	struct tc_buffer_state a, b;
	if (tt_start(h, &c, binary, NULL, 4) < 0)
		return -1;
	CHECK(tc_window_create(&w, &c, "tc-release") == 0, "no configure");
	CHECK(tc_picture_create(&pa, 16, 16, 64, 0, DRM_FORMAT_XRGB8888, 0, 1) == 0 &&
		      tc_picture_create(&pb, 16, 16, 64, 0, DRM_FORMAT_XRGB8888,
					0, 2) == 0,
	      "memfd");
	if (tt_show_dmabuf(&c, &w, &pa, false, &a) < 0)
		return -1;
	CHECK(tc_client_roundtrip(&c) == 0 && !a.released,
	      "A released while on screen");
	/* A commit without a new buffer (damage only) keeps A. */
	wl_surface_damage_buffer(w.surface, 0, 0, 1, 1);
	wl_surface_commit(w.surface);
	CHECK(tc_client_roundtrip(&c) == 0 && !a.released,
	      "A released by a damage-only commit");
	if (tt_show_dmabuf(&c, &w, &pb, false, &b) < 0)
		return -1;
	CHECK(tc_client_roundtrip(&c) == 0 && a.released && !b.released,
	      "after B is latched: want A released (%d), B held (%d)",
	      a.released, b.released);
	a.released = false;
	CHECK(tc_window_show(&w, a.buffer) == 0, "no frame callback");
	CHECK(tc_client_roundtrip(&c) == 0 && b.released && !a.released,
	      "after A again: want B released, A held");
	CHECK(tt_check_commit(h, "tc-release", 4, &pa, "dmabuf", 0) == 0,
	      "re-shown A");
	tc_buffer_state_finish(&a);
	tc_buffer_state_finish(&b);
	tc_window_destroy(&w);
	tc_client_disconnect(&c);
	tc_picture_destroy(&pa);
	tc_picture_destroy(&pb);
	return 0;
}

/* --refuse-dmabuf: every import fails without killing the client, so a
 * client can fall back to wl_shm. */
static int case_refuse(struct tc_harness *h, const char *binary)
{
	const char *const args[] = {"--refuse-dmabuf", NULL};
	struct tc_client c;
	struct tc_window w;
	struct tc_picture p;
	struct tc_buffer_state b;
	if (tt_start(h, &c, binary, args, 4) < 0)
		return -1;
	CHECK(tc_picture_create(&p, 32, 32, 128, 0, DRM_FORMAT_XRGB8888, 0,
				5) == 0, "memfd");
	CHECK(tc_dmabuf_import(&c, &p, DRM_FORMAT_MOD_LINEAR, false, &b) == 0 &&
		      b.failed && !b.buffer,
	      "create: want failed");
	CHECK(tc_dmabuf_import(&c, &p, DRM_FORMAT_MOD_LINEAR, true, &b) == 0 &&
		      b.failed,
	      "create_immed: want failed, connection alive");
	tc_buffer_state_finish(&b);
	CHECK(tc_harness_count_lines(h, "dmabuf failed reason=refused ") == 2,
	      "want 2 reason=refused lines");
	CHECK(tc_window_create(&w, &c, "tc-fallback") == 0, "no configure");
	CHECK(tc_shm_import(&c, &p, &b) == 0 && tc_window_show(&w, b.buffer) == 0,
	      "shm fallback");
	if (tt_check_commit(h, "tc-fallback", 1, &p, "shm", 0) < 0)
		return -1;
	tc_buffer_state_finish(&b);
	tc_window_destroy(&w);
	tc_client_disconnect(&c);
	tc_picture_destroy(&p);
	return 0;
}

/* Like a real compositor: a buffer before the first ack_configure kills
 * the client (vdispld must wait for the configure). */
static int case_unconfigured(struct tc_harness *h, const char *binary)
{
	struct tc_client c;
	struct tc_picture p;
	struct tc_buffer_state b;
	if (tt_start(h, &c, binary, NULL, 4) < 0)
		return -1;
	CHECK(tc_picture_create(&p, 8, 8, 32, 0, DRM_FORMAT_XRGB8888, 0, 1) == 0,
	      "memfd");
	CHECK(tc_shm_import(&c, &p, &b) == 0, "shm buffer");
	struct wl_surface *surface = wl_compositor_create_surface(c.compositor);
	struct xdg_surface *xs = xdg_wm_base_get_xdg_surface(c.wm_base, surface);
	struct xdg_toplevel *top = xdg_surface_get_toplevel(xs);
	wl_surface_attach(surface, b.buffer, 0, 0);
	wl_surface_commit(surface);
	if (tt_expect_protocol_error(&c, "xdg_surface",
				  XDG_SURFACE_ERROR_UNCONFIGURED_BUFFER) < 0)
		return -1;
	CHECK(tc_harness_count_lines(h, "commit ") == 0,
	      "an unconfigured buffer was shown");
	xdg_toplevel_destroy(top);
	xdg_surface_destroy(xs);
	wl_surface_destroy(surface);
	tc_buffer_state_finish(&b);
	tc_client_disconnect(&c);
	tc_picture_destroy(&p);
	return 0;
}

/* --unthrottled --no-read: frame callbacks come at the commit, so 60
 * frames take far less than the second a 60 Hz grid needs; the pixels
 * are not read (buffer=unread), every commit still has its line. */
static int case_unthrottled(struct tc_harness *h, const char *binary)
{
	static const char *const args[] = {"--unthrottled", "--no-read", NULL};
	struct tc_client c;
	struct tc_window w;
	struct tc_picture p;
	struct tc_buffer_state b;
	struct timespec t0, t1;
	char line[1024], value[64];
	if (tt_start(h, &c, binary, args, 4) < 0)
		return -1;
	CHECK(tc_window_create(&w, &c, "tc-fast") == 0, "no configure");
	CHECK(tc_picture_create(&p, 32, 16, 32 * 4, 0, DRM_FORMAT_XRGB8888, 0,
				5) == 0, "memfd");
	CHECK(tc_dmabuf_import(&c, &p, DRM_FORMAT_MOD_LINEAR, false, &b) == 0 &&
		      b.created, "dma-buf import");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 60; i++)
		CHECK(tc_window_show(&w, b.buffer) == 0, "frame %d: no done", i);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	CHECK(ms < 500, "60 frames took %.0f ms: still paced", ms);
	CHECK(tc_harness_wait_line(h, "commit surface=tc-fast ", 60, line,
				   sizeof(line), 2000) == 0, "60 commit lines");
	CHECK(tc_line_field(line, "buffer", value, sizeof(value)) == 0 &&
		      !strcmp(value, "unread"), "%s: want buffer=unread", line);
	tc_buffer_state_finish(&b);
	tc_picture_destroy(&p);
	tc_window_destroy(&w);
	tc_client_disconnect(&c);
	return 0;
}

static const struct {
	const char *name;
	int (*run)(struct tc_harness *h, const char *binary);
} cases[] = {
	{"dmabuf_create", case_dmabuf_create},
	{"dmabuf_immed_v3", case_dmabuf_immed_v3},
	{"dmabuf_failed", case_dmabuf_failed},
	{"dmabuf_fatal", case_dmabuf_fatal},
	{"no_dmabuf", case_no_dmabuf},
	{"shm", case_shm},
	{"release", case_release},
	{"refuse", case_refuse},
	{"unconfigured", case_unconfigured},
	{"unthrottled", case_unthrottled},
	{"viewport", case_viewport},
	{"attach_only", case_attach_only},
};

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s <compositor> <case>\n", argv[0]);
		return 2;
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (strcmp(cases[i].name, argv[2]) != 0)
			continue;
		struct tc_harness h;
		int ret = cases[i].run(&h, argv[1]);
		/* A clean SIGTERM exit is part of every case (ASan: no leak). */
		int status = tc_harness_stop(&h);
		if (ret == 0 && !(status >= 0 && WIFEXITED(status) &&
				  WEXITSTATUS(status) == 0)) {
			fprintf(stderr, "FAIL: compositor exit status %d\n",
				status);
			ret = -1;
		}
		if (ret != 0)
			tc_harness_dump_log(&h);
		tc_harness_destroy(&h);
		printf("%s: %s\n", argv[2], ret == 0 ? "PASS" : "FAIL");
		return ret == 0 ? 0 : 1;
	}
	fprintf(stderr, "unknown case %s\n", argv[2]);
	return 2;
}
