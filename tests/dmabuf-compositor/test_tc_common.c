/* The checks and steps the cases of test_dmabuf_compositor share. */
#include <drm_fourcc.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "test_tc.h"

unsigned long tt_field_ul(const char *line, const char *key, int base)
{
	char value[64];
	if (tc_line_field(line, key, value, sizeof(value)) < 0)
		return ~0ul;
	return strtoul(value, NULL, base);
}

/* The nth commit line of app_id must show picture p, read as kind. */
int tt_check_commit(const struct tc_harness *h, const char *app_id, int nth,
		    const struct tc_picture *p, const char *kind,
		    uint32_t offset)
{
	char prefix[128], line[1024], value[64];
	snprintf(prefix, sizeof(prefix), "commit surface=%s ", app_id);
	CHECK(tc_harness_wait_line(h, prefix, nth, line, sizeof(line), 2000) == 0,
	      "no commit line #%d for %s", nth, app_id);
	CHECK(tc_line_field(line, "buffer", value, sizeof(value)) == 0 &&
		      !strcmp(value, kind),
	      "%s: want buffer=%s", line, kind);
	CHECK(tt_field_ul(line, "w", 10) == (unsigned long)p->width &&
		      tt_field_ul(line, "h", 10) == (unsigned long)p->height,
	      "%s: want %dx%d", line, p->width, p->height);
	CHECK(tt_field_ul(line, "stride", 10) == p->stride &&
		      tt_field_ul(line, "offset", 10) == offset,
	      "%s: want stride=%u offset=%u", line, p->stride, offset);
	CHECK(tt_field_ul(line, "crc", 16) == p->expected_crc,
	      "%s: want crc=%08x", line, p->expected_crc);
	CHECK(tt_field_ul(line, "px0", 16) == p->expected_px0,
	      "%s: want px0=%08x", line, p->expected_px0);
	return 0;
}

int tt_start(struct tc_harness *h, struct tc_client *c, const char *binary,
	     const char *const args[], uint32_t want_dmabuf)
{
	int ret = tc_harness_start(h, binary, args);
	CHECK(ret == 0, "compositor did not start: %s", strerror(-ret));
	tc_harness_setenv(h);
	ret = tc_client_connect(c, want_dmabuf);
	CHECK(ret == 0, "client could not connect: %s", strerror(-ret));
	CHECK(c->compositor && c->shm && c->wm_base, "core globals missing");
	return 0;
}

/* Shows p as a dma-buf made with create or create_immed. */
int tt_show_dmabuf(struct tc_client *c, struct tc_window *w,
		   const struct tc_picture *p, bool immed,
		   struct tc_buffer_state *b)
{
	CHECK(tc_dmabuf_import(c, p, DRM_FORMAT_MOD_LINEAR, immed, b) == 0,
	      "import: connection lost");
	CHECK(b->created && !b->failed, "import of a good buffer failed");
	CHECK(tc_window_show(w, b->buffer) == 0, "no frame callback");
	return 0;
}

/* Expects the connection to die with error code on interface iface. */
int tt_expect_protocol_error(struct tc_client *c, const char *iface,
			     uint32_t code)
{
	const struct wl_interface *got = NULL;
	CHECK(tc_client_roundtrip(c) == -EPROTO, "connection survived");
	uint32_t err = wl_display_get_protocol_error(c->display, &got, NULL);
	CHECK(got && !strcmp(got->name, iface) && err == code,
	      "want %s error %u, got %s error %u", iface, code,
	      got ? got->name : "none", err);
	return 0;
}
