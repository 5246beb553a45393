/* test_dmabuf_compositor's viewport case: wp_viewporter crops shown and
 * its protocol errors. */
#include <drm_fourcc.h>
#include <string.h>

#include "test_tc.h"
#include "viewporter-client-protocol.h"

/* The nth commit line of app_id must show rect (x, y, w x h) of p, with
 * the viewport fields saying so (dst: the destination size). */
static int check_crop(const struct tc_harness *h, const char *app_id, int nth,
		      const struct tc_picture *p, int32_t x, int32_t y,
		      int32_t w, int32_t hgt, const char *dst)
{
	char prefix[128], line[1024], value[64], src[64];
	uint32_t crc, px0;
	CHECK(tc_picture_rect_crc(p, x, y, w, hgt, &crc, &px0) == 0, "rect");
	snprintf(prefix, sizeof(prefix), "commit surface=%s ", app_id);
	CHECK(tc_harness_wait_line(h, prefix, nth, line, sizeof(line), 2000) == 0,
	      "no commit line #%d for %s", nth, app_id);
	CHECK(tt_field_ul(line, "w", 10) == (unsigned long)w &&
		      tt_field_ul(line, "h", 10) == (unsigned long)hgt,
	      "%s: want %dx%d", line, w, hgt);
	CHECK(tt_field_ul(line, "crc", 16) == crc &&
		      tt_field_ul(line, "px0", 16) == px0,
	      "%s: want crc=%08x px0=%08x", line, crc, px0);
	snprintf(src, sizeof(src), "%d,%d,%dx%d", x, y, w, hgt);
	CHECK(tc_line_field(line, "src", value, sizeof(value)) == 0 &&
		      !strcmp(value, src),
	      "%s: want src=%s", line, src);
	CHECK(tc_line_field(line, "dst", value, sizeof(value)) == 0 &&
		      !strcmp(value, dst),
	      "%s: want dst=%s", line, dst);
	return 0;
}

/* A client and window whose surface has a wp_viewport. */
static int viewport_window(struct tc_client *c, struct tc_window *w,
			   const char *app_id, struct wp_viewport **vp)
{
	CHECK(c->viewporter, "no wp_viewporter");
	CHECK(tc_window_create(w, c, app_id) == 0, "no configure");
	*vp = wp_viewporter_get_viewport(c->viewporter, w->surface);
	return 0;
}

/* Crops shown: a dma-buf with a source and a destination, shm with a
 * source only, then the source unset (the whole buffer, no fields). */
static int viewport_crops(struct tc_harness *h, struct tc_client *c,
			  struct tc_picture *p)
{
	struct tc_window w;
	struct tc_buffer_state b, s;
	struct wp_viewport *vp;
	wl_fixed_t unset = wl_fixed_from_int(-1);
	if (viewport_window(c, &w, "tc-crop", &vp) < 0)
		return -1;
	wp_viewport_set_source(vp, wl_fixed_from_int(50), wl_fixed_from_int(20),
			       wl_fixed_from_int(100), wl_fixed_from_int(60));
	wp_viewport_set_destination(vp, 100, 60);
	if (tt_show_dmabuf(c, &w, p, false, &b) < 0 ||
	    check_crop(h, "tc-crop", 1, p, 50, 20, 100, 60, "100x60") < 0)
		return -1;
	/* shm, another region, no destination: shown at the source size. */
	CHECK(tc_shm_import(c, p, &s) == 0, "shm");
	wp_viewport_set_source(vp, wl_fixed_from_int(120),
			       wl_fixed_from_int(40), wl_fixed_from_int(80),
			       wl_fixed_from_int(60));
	wp_viewport_set_destination(vp, -1, -1);
	CHECK(tc_window_show(&w, s.buffer) == 0, "no frame callback");
	if (check_crop(h, "tc-crop", 2, p, 120, 40, 80, 60, "80x60") < 0)
		return -1;
	/* Unset: the whole buffer, no viewport fields. */
	wp_viewport_set_source(vp, unset, unset, unset, unset);
	CHECK(tc_window_show(&w, b.buffer) == 0, "no frame callback");
	if (tt_check_commit(h, "tc-crop", 3, p, "dmabuf", 4096) < 0)
		return -1;
	char line[1024], value[64];
	CHECK(tc_harness_wait_line(h, "commit surface=tc-crop ", 3, line,
				   sizeof(line), 2000) == 0 &&
		      tc_line_field(line, "src", value, sizeof(value)) < 0,
	      "%s: src field without a viewport source", line);
	wp_viewport_destroy(vp);
	tc_buffer_state_finish(&b);
	tc_buffer_state_finish(&s);
	tc_window_destroy(&w);
	tc_client_disconnect(c);
	return 0;
}

/* Protocol errors, each on a fresh connection: a source past the buffer's
 * edge (at commit, and no frame reported), a second viewport for one
 * surface, a destination of 0. */
static int viewport_errors(struct tc_harness *h, struct tc_client *c,
			   struct tc_picture *p)
{
	struct tc_window w;
	struct tc_buffer_state s;
	struct wp_viewport *vp;
	CHECK(tc_client_connect(c, 4) == 0, "reconnect");
	if (viewport_window(c, &w, "tc-oob", &vp) < 0)
		return -1;
	wp_viewport_set_source(vp, wl_fixed_from_int(150), 0,
			       wl_fixed_from_int(51), wl_fixed_from_int(10));
	CHECK(tc_shm_import(c, p, &s) == 0, "shm");
	wl_surface_attach(w.surface, s.buffer, 0, 0);
	wl_surface_commit(w.surface);
	if (tt_expect_protocol_error(c, "wp_viewport",
				     WP_VIEWPORT_ERROR_OUT_OF_BUFFER) < 0)
		return -1;
	/* Dead proxies, freed locally. */
	wp_viewport_destroy(vp);
	tc_buffer_state_finish(&s);
	tc_window_destroy(&w);
	tc_client_disconnect(c);

	CHECK(tc_client_connect(c, 4) == 0, "reconnect");
	if (viewport_window(c, &w, "tc-twice", &vp) < 0)
		return -1;
	struct wp_viewport *again =
		wp_viewporter_get_viewport(c->viewporter, w.surface);
	if (tt_expect_protocol_error(c, "wp_viewporter",
				     WP_VIEWPORTER_ERROR_VIEWPORT_EXISTS) < 0)
		return -1;
	wp_viewport_destroy(again);
	wp_viewport_destroy(vp);
	tc_window_destroy(&w);
	tc_client_disconnect(c);

	CHECK(tc_client_connect(c, 4) == 0, "reconnect");
	if (viewport_window(c, &w, "tc-bad", &vp) < 0)
		return -1;
	wp_viewport_set_destination(vp, 0, 10);
	if (tt_expect_protocol_error(c, "wp_viewport",
				     WP_VIEWPORT_ERROR_BAD_VALUE) < 0)
		return -1;
	wp_viewport_destroy(vp);
	tc_window_destroy(&w);
	tc_client_disconnect(c);
	CHECK(tc_harness_count_lines(h, "commit surface=tc-oob ") == 0,
	      "a frame reported for an out-of-buffer source");
	return 0;
}

/* Crops of a wide buffer (dma-buf and shm): the CRC covers the source
 * rectangle; unset, the whole buffer again. Then the protocol errors,
 * and no viewporter at all with --no-viewporter. */
int case_viewport(struct tc_harness *h, const char *binary)
{
	struct tc_client c;
	struct tc_picture p;
	if (tt_start(h, &c, binary, NULL, 4) < 0)
		return -1;
	CHECK(tc_picture_create(&p, 200, 100, 200 * 4 + 32, 4096,
				DRM_FORMAT_XRGB8888, 0xff, 7) == 0,
	      "memfd");
	if (viewport_crops(h, &c, &p) < 0 || viewport_errors(h, &c, &p) < 0)
		return -1;

	/* --no-viewporter: not offered. */
	CHECK(tc_harness_stop(h) == 0, "compositor exit");
	tc_harness_destroy(h);
	const char *const args[] = {"--no-viewporter", NULL};
	if (tt_start(h, &c, binary, args, 4) < 0)
		return -1;
	CHECK(!c.viewporter, "wp_viewporter advertised with --no-viewporter");
	tc_client_disconnect(&c);
	tc_picture_destroy(&p);
	return 0;
}
