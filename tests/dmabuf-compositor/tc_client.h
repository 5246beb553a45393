/* A minimal Wayland client for the test compositor's tests: globals,
 * an xdg_toplevel, memfd-backed buffers wrapped as dma-buf or wl_shm, and
 * waits with timeouts so a broken compositor fails a test, never hangs it. */
#ifndef VDISPLD_TC_CLIENT_H
#define VDISPLD_TC_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wayland-client.h>

struct tc_client {
	struct wl_display *display;
	struct wl_registry *registry;
	struct wl_compositor *compositor;
	struct wl_shm *shm;
	struct xdg_wm_base *wm_base;
	struct zwp_linux_dmabuf_v1 *dmabuf;
	struct wp_viewporter *viewporter;	/* NULL if not offered */
	uint32_t dmabuf_version;	/* offered by the compositor */
	uint32_t want_dmabuf_version;	/* bound: min(offered, wanted) */
	/* v3: format/modifier events; v4: the default feedback's table. */
	int linear_formats;	/* XR24/AR24 seen with LINEAR */
	int other_formats;
	bool feedback_done;
	bool main_device_seen;
};

struct tc_window {
	struct tc_client *client;
	struct wl_surface *surface;
	struct xdg_surface *xdg_surface;
	struct xdg_toplevel *toplevel;
	bool configured;
	bool frame_done;
};

/* A memfd holding a test picture. */
struct tc_picture {
	int fd;
	int32_t width, height;
	uint32_t stride, offset, drm_format;
	uint32_t expected_crc;	/* computed independently of the compositor */
	uint32_t expected_px0;
};

struct tc_buffer_state {
	struct wl_buffer *buffer;
	bool created, failed, released;
};

int tc_client_connect(struct tc_client *c, uint32_t want_dmabuf_version);
void tc_client_disconnect(struct tc_client *c);
/* Dispatches until *flag or timeout. 0, -ETIMEDOUT, or -EPROTO once the
 * compositor killed the connection. */
int tc_client_wait(struct tc_client *c, const bool *flag, int timeout_ms);
int tc_client_roundtrip(struct tc_client *c);
/* v4: get_default_feedback and wait for its done. */
int tc_client_fetch_feedback(struct tc_client *c);

int tc_window_create(struct tc_window *w, struct tc_client *c,
		     const char *app_id);
void tc_window_destroy(struct tc_window *w);
/* attach + damage_buffer + frame + commit; waits for the frame done. */
int tc_window_show(struct tc_window *w, struct wl_buffer *buffer);

/* XRGB pattern with X = xbyte, junk in the stride padding. */
int tc_picture_create(struct tc_picture *p, int32_t width, int32_t height,
		      uint32_t stride, uint32_t offset, uint32_t drm_format,
		      uint8_t xbyte, uint32_t seed);
void tc_picture_destroy(struct tc_picture *p);
/* The CRC the compositor must report for rect (x, y, w x h) of an XR24 /
 * AR24 picture, read back from its memfd; *px0 gets the rect's first
 * word. 0 or -errno. */
int tc_picture_rect_crc(const struct tc_picture *p, int32_t x, int32_t y,
			int32_t w, int32_t h, uint32_t *crc, uint32_t *px0);

/* Wraps p->fd (a dup) as a dma-buf; modifier LINEAR unless told. immed
 * selects create_immed. Waits for created/failed unless immed. */
int tc_dmabuf_import(struct tc_client *c, const struct tc_picture *p,
		     uint64_t modifier, bool immed, struct tc_buffer_state *b);
/* A wl_shm buffer over p->fd (offset/stride as given). */
int tc_shm_import(struct tc_client *c, const struct tc_picture *p,
		  struct tc_buffer_state *b);
void tc_buffer_state_finish(struct tc_buffer_state *b);
/* zlib's crc32(), bit by bit: the tests' own, not the compositor's. */
uint32_t tc_test_crc32(uint32_t crc, const uint8_t *p, size_t len);

#endif
