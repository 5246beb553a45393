/* The Wayland presenter against a real headless Weston 10: set_config
 * alone must put a connector's picture up (a guest that sets a mode and
 * never flips), guest pixels must appear pixel-exact where Weston placed
 * each connector's window, a flip of the fb already on screen must show
 * what the guest drew into it, flips must complete once per show and in
 * order, set_config(NULL) must unmap, and flips must keep completing after
 * Weston dies.
 * Usage: test_wl_presenter --renderer=pixman|gl */
#include <drm_fourcc.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "loop.h"
#include "test_check.h"
#include "weston_harness.h"
#include "wl_presenter.h"

#define MAX_FLIPS 256

/* One guest connector as the test drives it. */
struct tconn {
	const char *name;
	struct pres_conn *conn;
	struct pres_fb *fb[3];
	uint32_t fb_w, fb_h, x, y, w, h, fourcc;
	void *pixels;
	struct pres_fb *shown[MAX_FLIPS], *done[MAX_FLIPS];
	int n_shown, n_done;
	uint64_t last_done_ns;
	int vx, vy; /* where Weston put the view */
	uint32_t tint; /* XORed into the pattern: what the guest drew last */
};

struct ctx {
	struct weston_harness weston;
	struct loop *loop;
	struct presenter *pres;
	struct tconn a, b;
	bool gl;
};

static void flip_done(void *data, struct pres_fb *fb)
{
	struct tconn *t = data;
	if (t->n_done < MAX_FLIPS)
		t->done[t->n_done] = fb;
	t->n_done++;
	t->last_done_ns = loop_now_ns();
}

static const struct pres_conn_listener listener = {.flip_done = flip_done};

/* Connector A: XRGB8888 with the padding byte 0, shown from an offset. */
static uint32_t pattern_a(uint32_t x, uint32_t y)
{
	return (0x10 + x % 200) << 16 | (y % 256) << 8 | ((x * 3 + y) & 0xff);
}

/* Connector B: XBGR8888 (bytes R, G, B, 0). Value as XRGB. */
static uint32_t pattern_b(uint32_t x, uint32_t y)
{
	return ((x * 5) & 0xff) << 16 | (0x80 | (y & 0x7f)) << 8 | ((x ^ y) & 0xff);
}

static uint32_t pattern(const struct tconn *t, uint32_t x, uint32_t y)
{
	uint32_t v = t->fourcc == DRM_FORMAT_XRGB8888 ? pattern_a(x, y)
						      : pattern_b(x, y);
	return v ^ t->tint;
}

static uint32_t expected(const struct tconn *t, uint32_t sx, uint32_t sy)
{
	return pattern(t, sx + t->x, sy + t->y);
}

static void fill_pixels(struct tconn *t)
{
	uint8_t *p = t->pixels;
	uint32_t stride = t->fb_w * 4 + 64; /* a guest pitch with slack */
	for (uint32_t y = 0; y < t->fb_h; y++) {
		for (uint32_t x = 0; x < t->fb_w; x++) {
			uint8_t *px = p + (size_t)y * stride + (size_t)x * 4;
			uint32_t v = pattern(t, x, y);
			if (t->fourcc == DRM_FORMAT_XRGB8888) {
				px[0] = v & 0xff, px[1] = (v >> 8) & 0xff;
				px[2] = (v >> 16) & 0xff;
			} else {
				px[0] = (v >> 16) & 0xff, px[1] = (v >> 8) & 0xff;
				px[2] = v & 0xff;
			}
			px[3] = 0; /* what guests write: must not be alpha */
		}
	}
}

static struct pres_fb_desc tconn_desc(const struct tconn *t)
{
	uint32_t stride = t->fb_w * 4 + 64;
	return (struct pres_fb_desc){.width = t->fb_w, .height = t->fb_h,
				     .stride = stride, .fourcc = t->fourcc,
				     .pixels = t->pixels,
				     .size = (size_t)stride * t->fb_h,
				     .dmabuf_fd = -1};
}

static int tconn_init(struct ctx *c, struct tconn *t, uint32_t index)
{
	struct pres_fb_desc d = tconn_desc(t);
	t->pixels = calloc(1, d.size);
	if (!t->pixels)
		return -ENOMEM;
	d.pixels = t->pixels;
	fill_pixels(t);
	for (int i = 0; i < 3; i++) {
		d.cookie = 0x100 * index + (uint64_t)i;
		t->fb[i] = presenter_fb_create(c->pres, &d);
		if (!t->fb[i])
			return -ENOMEM;
	}
	struct pres_conn_info info = {.domid = 7, .devid = 0, .index = index,
				      .dom_name = "guest", .unique_id = t->name,
				      .width = t->w, .height = t->h};
	t->conn = presenter_conn_create(c->pres, &info, &listener, t);
	return t->conn ? 0 : -errno;
}

static void tconn_fini(struct ctx *c, struct tconn *t)
{
	if (t->conn)
		presenter_conn_destroy(c->pres, t->conn);
	for (int i = 0; i < 3; i++)
		if (t->fb[i])
			presenter_fb_destroy(c->pres, t->fb[i]);
	free(t->pixels);
}

static int show(struct ctx *c, struct tconn *t, int fb_index)
{
	struct pres_fb *fb = t->fb[fb_index];
	int r = presenter_conn_show(c->pres, t->conn, fb);
	if (r == 0 && t->n_shown < MAX_FLIPS)
		t->shown[t->n_shown] = fb;
	if (r == 0)
		t->n_shown++;
	return r;
}

static bool all_done(const struct tconn *t) { return t->n_done >= t->n_shown; }

/* Runs the loop until every show of both connectors completed. */
static bool run_until_done(struct ctx *c, int timeout_ms)
{
	uint64_t end = loop_now_ns() + (uint64_t)timeout_ms * 1000000ull;
	while (!(all_done(&c->a) && all_done(&c->b))) {
		if (loop_now_ns() > end)
			return false;
		loop_dispatch(c->loop, 5);
	}
	return true;
}

static void run_for(struct ctx *c, int ms)
{
	uint64_t end = loop_now_ns() + (uint64_t)ms * 1000000ull;
	while (loop_now_ns() < end)
		loop_dispatch(c->loop, 5);
}

static int check_order(const struct tconn *t)
{
	CHECK(t->n_done == t->n_shown, "%s: %d flips done for %d shows", t->name,
	      t->n_done, t->n_shown);
	for (int i = 0; i < t->n_done && i < MAX_FLIPS; i++)
		CHECK(t->done[i] == t->shown[i], "%s: flip %d out of order",
		      t->name, i);
	return 0;
}

/* The top-left 16x16 of what connector t should show, for searching. */
static void corner_block(const struct tconn *t, uint32_t *block)
{
	for (uint32_t y = 0; y < 16; y++)
		for (uint32_t x = 0; x < 16; x++)
			block[y * 16 + x] = expected(t, x, y);
}

/* Where Weston put t's window: the scene graph first (by app_id), else
 * where its top-left corner pattern is on the screenshot. */
static int locate(struct ctx *c, struct tconn *t, const struct wh_image *img,
		  char *app_id)
{
	int x, y, w, h;
	if (weston_harness_find_view(&c->weston, app_id, &x, &y, &w, &h) == 0) {
		CHECK(w == (int)t->w && h == (int)t->h,
		      "%s: view is %dx%d, connector %ux%u", t->name, w, h, t->w, t->h);
		t->vx = x;
		t->vy = y;
		return 0;
	}
	uint32_t block[256];
	corner_block(t, block);
	CHECK(wh_image_find(img, block, 16, 16, 16, &t->vx, &t->vy),
	      "%s: neither in the scene graph nor on the screenshot", t->name);
	fprintf(stderr, "note: %s found by pattern search\n", t->name);
	return 0;
}

static bool covered(const struct tconn *top, int x, int y)
{
	return top && x >= top->vx && x < top->vx + (int)top->w &&
	       y >= top->vy && y < top->vy + (int)top->h;
}

/* Every pixel of t's window (except where `top` overlaps it) must be
 * exactly the guest's pixel: no scaling, no blending, no alpha. */
static int check_pixels(const struct wh_image *img, const struct tconn *t,
			const struct tconn *top)
{
	long checked = 0;
	CHECK(t->vx >= 0 && t->vy >= 0 && t->vx + (int)t->w <= img->width &&
	      t->vy + (int)t->h <= img->height,
	      "%s at %d,%d is off screen", t->name, t->vx, t->vy);
	for (uint32_t sy = 0; sy < t->h; sy++) {
		for (uint32_t sx = 0; sx < t->w; sx++) {
			int x = t->vx + (int)sx, y = t->vy + (int)sy;
			if (covered(top, x, y))
				continue;
			uint32_t got = wh_image_at(img, x, y) & 0xffffff;
			CHECK(got == expected(t, sx, sy),
			      "%s pixel %u,%u (screen %d,%d): got %06x want %06x",
			      t->name, sx, sy, x, y, got, expected(t, sx, sy));
			checked++;
		}
	}
	CHECK(checked >= (long)t->w * t->h / 4, "%s: only %ld pixels visible",
	      t->name, checked);
	return 0;
}

static int screenshot(struct ctx *c, struct wh_image *img)
{
	int r = weston_harness_screenshot(&c->weston, img);
	CHECK(r == 0, "screenshot: %s", strerror(-r));
	return 0;
}

static int test_pixels(struct ctx *c);

/* A guest that sets a mode and never flips: set_config alone maps both
 * windows with their pictures, and no flip is answered (none was owed). */
static int test_static(struct ctx *c)
{
	struct tconn *ts[] = {&c->a, &c->b};
	for (int i = 0; i < 2; i++)
		CHECK(presenter_conn_set_config(c->pres, ts[i]->conn,
						ts[i]->fb[0], ts[i]->x,
						ts[i]->y) == 0,
		      "%s set_config", ts[i]->name);
	run_for(c, 500); /* configure, commit, repaint */
	CHECK(c->a.n_done == 0 && c->b.n_done == 0,
	      "%d/%d flips answered with none shown", c->a.n_done, c->b.n_done);
	return test_pixels(c);
}

/* The guest draws into the fb on screen and flips it again (the Linux
 * frontend sends PG_FLIP for the same fb): the new drawing goes up. */
static int test_redraw(struct ctx *c)
{
	struct tconn *t = &c->a;
	t->tint = 0x5a3c96;
	fill_pixels(t);
	CHECK(show(c, t, 0) == 0, "show of the fb on screen");
	CHECK(run_until_done(c, 1000), "flip of the fb on screen");
	run_for(c, 50);
	int r = test_pixels(c);
	t->tint = 0;
	fill_pixels(t);
	return r;
}

/* Map both connectors, then wait until Weston really paints them (the
 * first show may precede the first configure). */
static int map_both(struct ctx *c)
{
	struct tconn *ts[] = {&c->a, &c->b};
	for (int i = 0; i < 2; i++) {
		struct tconn *t = ts[i];
		CHECK(presenter_conn_set_config(c->pres, t->conn, t->fb[0], t->x,
						t->y) == 0, "%s set_config", t->name);
		for (int n = 0; n < 3; n++) {
			CHECK(show(c, t, 0) == 0, "%s show", t->name);
			CHECK(run_until_done(c, 1000), "%s: first flips", t->name);
		}
	}
	return 0;
}

static int test_pixels(struct ctx *c)
{
	struct wh_image img = {0};
	CHECK(screenshot(c, &img) == 0, "screenshot");
	int r = locate(c, &c->a, &img, "vdispl-7-0-0");
	if (r == 0)
		r = locate(c, &c->b, &img, "vdispl-7-0-1");
	/* B mapped last, so Weston stacks it on top of A. */
	if (r == 0)
		r = check_pixels(&img, &c->b, NULL);
	if (r == 0)
		r = check_pixels(&img, &c->a, &c->b);
	if (r < 0 && getenv("WESTON_HARNESS_KEEP"))
		wh_image_save_png(&img, "/tmp/test_wl_presenter-fail.png");
	wh_image_free(&img);
	return r;
}

/* 30 shows on A, in bursts of three without waiting (a newer show must
 * complete the older first), each flip answered once and in order. */
static int test_flip_order(struct ctx *c)
{
	struct tconn *t = &c->a;
	int base_shown = t->n_shown;
	for (int i = 0; i < 30; i++) {
		CHECK(show(c, t, i % 3) == 0, "show %d", i);
		if (i % 3 == 2)
			CHECK(run_until_done(c, 1000), "burst ending at %d", i);
	}
	run_for(c, 150); /* nothing more may arrive */
	CHECK(t->n_shown - base_shown == 30, "shows");
	if (check_order(t) < 0)
		return -1;
	struct pres_conn_stats st;
	c->pres->impl->conn_stats(c->pres, t->conn, &st);
	fprintf(stderr, "A: frames %llu, bytes %llu, fallbacks %llu\n",
		(unsigned long long)st.frames, (unsigned long long)st.bytes_copied,
		(unsigned long long)st.fallbacks);
	/* In a burst a newer show may replace one that waited for a free
	 * buffer, but the last of each burst is always committed. */
	CHECK(st.frames >= 10, "frames %llu", (unsigned long long)st.frames);
	CHECK(st.bytes_copied >= 10ull * t->w * t->h * 4, "bytes copied");
	CHECK(st.zero_copy_frames == 0, "zero copy without dma-buf");
	/* A visible window is paced by Weston, not by the fallback timer. */
	CHECK(st.fallbacks < 10, "%llu flips fell back to the timer",
	      (unsigned long long)st.fallbacks);
	return 0;
}

/* set_config(NULL) unmaps: B's pixels leave the screen, its window leaves
 * the scene graph, and a show while disabled still completes. Re-enabling
 * maps it again (an xdg_toplevel starts over after an unmap). */
static int test_unmap(struct ctx *c)
{
	struct tconn *t = &c->b;
	uint32_t block[256];
	corner_block(t, block);
	CHECK(presenter_conn_set_config(c->pres, t->conn, NULL, 0, 0) == 0,
	      "disable");
	CHECK(show(c, t, 1) == 0, "show while disabled");
	CHECK(run_until_done(c, 500), "flip while disabled");
	run_for(c, 100);
	struct wh_image img = {0};
	CHECK(screenshot(c, &img) == 0, "screenshot");
	int x, y, w, h;
	bool on_screen = wh_image_find(&img, block, 16, 16, 16, &x, &y);
	wh_image_free(&img);
	CHECK(!on_screen, "B still on screen at %d,%d after set_config(NULL)", x,
	      y);
	CHECK(weston_harness_find_view(&c->weston, "vdispl-7-0-1", &x, &y, &w,
				       &h) == -ENOENT, "B still in the scene graph");

	CHECK(presenter_conn_set_config(c->pres, t->conn, t->fb[0], t->x, t->y) == 0,
	      "re-enable");
	for (int n = 0; n < 3; n++) {
		CHECK(show(c, t, n) == 0, "show after re-enable");
		CHECK(run_until_done(c, 1000), "flip after re-enable");
	}
	CHECK(screenshot(c, &img) == 0, "screenshot");
	on_screen = wh_image_find(&img, block, 16, 16, 16, &x, &y);
	wh_image_free(&img);
	if (!on_screen) {
		char *sg = NULL;
		if (weston_harness_scene_graph(&c->weston, &sg) == 0)
			fprintf(stderr, "%s\n", sg);
		free(sg);
	}
	CHECK(on_screen, "B not back on screen after re-enable");
	return check_order(t);
}

/* An fb destroyed while a connector shows it and while its flip is owed:
 * nothing keeps a pointer to it (ASan, in the sanitizer tree), the flip is
 * still answered (with no fb), and the connector is off until the next
 * set_config. */
static int test_fb_destroyed(struct ctx *c)
{
	struct tconn *t = &c->b;
	struct pres_fb_desc d = tconn_desc(t);
	d.cookie = 0x1ff;
	struct pres_fb *fb = presenter_fb_create(c->pres, &d);
	CHECK(fb, "fb_create: %s", strerror(errno));
	CHECK(presenter_conn_set_config(c->pres, t->conn, fb, t->x, t->y) == 0,
	      "set_config");
	CHECK(t->n_shown < MAX_FLIPS, "too many flips");
	CHECK(presenter_conn_show(c->pres, t->conn, fb) == 0, "show");
	t->shown[t->n_shown++] = NULL; /* answered after its fb is gone */
	presenter_fb_destroy(c->pres, fb);
	CHECK(run_until_done(c, 1000), "flip of a destroyed fb not answered");
	CHECK(check_order(t) == 0, "order");
	CHECK(presenter_conn_set_config(c->pres, t->conn, t->fb[0], t->x,
					t->y) == 0, "set_config again");
	CHECK(show(c, t, 1) == 0, "show after");
	CHECK(run_until_done(c, 1000), "flip after");
	return check_order(t);
}

/* Weston dies mid-stream: every flip still completes, each within a few
 * refreshes, from the presenter's timer. */
static int test_compositor_death(struct ctx *c)
{
	struct tconn *t = &c->a;
	for (int i = 0; i < 60; i++) {
		if (i == 20) {
			int st = weston_harness_stop(&c->weston);
			CHECK(st == 0, "weston exit status %d", st);
		}
		uint64_t start = loop_now_ns();
		CHECK(show(c, t, i % 3) == 0, "show %d", i);
		CHECK(run_until_done(c, 500), "flip %d never completed", i);
		uint64_t took_ms = (t->last_done_ns - start) / 1000000;
		CHECK(took_ms < 200, "flip %d took %llu ms", i,
		      (unsigned long long)took_ms);
	}
	CHECK(!wl_presenter_connected(c->pres), "presenter missed the death");
	run_for(c, 100);
	struct pres_conn_stats st;
	c->pres->impl->conn_stats(c->pres, t->conn, &st);
	CHECK(st.fallbacks >= 30, "only %llu timer flips after the death",
	      (unsigned long long)st.fallbacks);
	return check_order(t);
}

static int run_tests(struct ctx *c)
{
	c->a = (struct tconn){.name = "A", .fb_w = 400, .fb_h = 300, .x = 40,
			      .y = 30, .w = 320, .h = 240,
			      .fourcc = DRM_FORMAT_XRGB8888};
	c->b = (struct tconn){.name = "B", .fb_w = 200, .fb_h = 150, .w = 200,
			      .h = 150, .fourcc = DRM_FORMAT_XBGR8888};
	CHECK(tconn_init(c, &c->a, 0) == 0, "connector A");
	CHECK(tconn_init(c, &c->b, 1) == 0, "connector B");
	CHECK(wl_presenter_has_presentation(c->pres), "Weston offers wp_presentation");
	struct {
		const char *name;
		int (*fn)(struct ctx *c);
	} tests[] = {
		{"static", test_static},
		{"redraw", test_redraw},
		{"map", map_both},
		{"pixels", test_pixels},
		{"flip_order", test_flip_order},
		{"unmap", test_unmap},
		{"fb_destroyed", test_fb_destroyed},
		{"compositor_death", test_compositor_death},
	};
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		fprintf(stderr, "-- %s (%s)\n", tests[i].name, c->gl ? "gl" : "pixman");
		if (tests[i].fn(c) < 0)
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct ctx c = {0};
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--renderer=gl"))
			c.gl = true;
	log_init(LOG_LVL_INFO, "test_wl_presenter");
	struct weston_harness_opts opts = {.renderer = c.gl ? "gl" : "pixman",
					   .width = 1024, .height = 768};
	int r = weston_harness_start(&c.weston, &opts);
	if (r < 0) {
		weston_harness_dump_log(&c.weston);
		weston_harness_destroy(&c.weston);
		fprintf(stderr, "%s Weston did not start: %s\n",
			c.gl ? "SKIP: GL-renderer" : "FAIL:", strerror(-r));
		return c.gl ? 77 : 1;
	}
	weston_harness_setenv(&c.weston);
	c.loop = loop_create();
	c.pres = c.loop ? wl_presenter_create(c.loop, &(struct wl_presenter_config){
					  .display = c.weston.socket})
			: NULL;
	int rc = 1;
	if (c.pres)
		rc = run_tests(&c) == 0 ? 0 : 1;
	else
		fprintf(stderr, "FAIL: wl_presenter_create: %s\n", strerror(errno));
	if (rc != 0)
		weston_harness_dump_log(&c.weston);
	tconn_fini(&c, &c.a);
	tconn_fini(&c, &c.b);
	presenter_destroy(c.pres);
	loop_destroy(c.loop);
	weston_harness_destroy(&c.weston);
	fprintf(stderr, "%s\n", rc == 0 ? "PASS" : "FAILED");
	return rc;
}
