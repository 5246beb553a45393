/* Test pictures in memfds, their wl_buffers (dma-buf or shm), and the
 * toplevel window that shows them. The expected CRC is computed here with
 * a bitwise CRC-32, independently of the compositor's table code. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <drm_fourcc.h>

#include "tc_client.h"
#include "linux-dmabuf-unstable-v1-client-protocol.h"
#include "xdg-shell-client-protocol.h"

uint32_t tc_test_crc32(uint32_t crc, const uint8_t *p, size_t len)
{
	crc = ~crc;
	for (size_t i = 0; i < len; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

static uint32_t pattern_rgb(int32_t x, int32_t y, uint32_t seed)
{
	uint32_t r = ((uint32_t)x * 7u + seed) & 0xff;
	uint32_t g = ((uint32_t)y * 3u + (seed >> 8)) & 0xff;
	uint32_t b = ((uint32_t)(x ^ y) + (seed >> 16)) & 0xff;
	return r << 16 | g << 8 | b;
}

/* Writes pixel (x, y) at px; returns the word the report's CRC covers. */
static uint32_t put_pixel(uint8_t *px, uint32_t format, uint32_t rgb,
			  uint8_t xbyte)
{
	if (format == DRM_FORMAT_RGB565) {
		uint32_t r = rgb >> 19 & 0x1f, g = rgb >> 10 & 0x3f,
			 b = rgb >> 3 & 0x1f;
		uint16_t v = (uint16_t)(r << 11 | g << 5 | b);
		memcpy(px, &v, 2);
		return ((r << 3 | r >> 2) << 16) | ((g << 2 | g >> 4) << 8) |
		       (b << 3 | b >> 2);
	}
	uint32_t word = (uint32_t)xbyte << 24 | rgb;
	memcpy(px, &word, 4);
	return format == DRM_FORMAT_XRGB8888 ? rgb : word;
}

int tc_picture_create(struct tc_picture *p, int32_t width, int32_t height,
		      uint32_t stride, uint32_t offset, uint32_t drm_format,
		      uint8_t xbyte, uint32_t seed)
{
	uint32_t bpp = drm_format == DRM_FORMAT_RGB565 ? 2 : 4;
	size_t size = (size_t)offset + (size_t)stride * (size_t)height;
	*p = (struct tc_picture){.fd = -1, .width = width, .height = height,
				 .stride = stride, .offset = offset,
				 .drm_format = drm_format};
	p->fd = memfd_create("tc-picture", MFD_CLOEXEC);
	if (p->fd < 0 || ftruncate(p->fd, (off_t)size) < 0)
		return -errno;
	uint8_t *map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
			    p->fd, 0);
	if (map == MAP_FAILED)
		return -errno;
	memset(map, 0xab, size);	/* junk wherever no pixel is */
	uint32_t crc = 0;
	for (int32_t y = 0; y < height; y++) {
		uint8_t *row = map + offset + (size_t)y * stride;
		for (int32_t x = 0; x < width; x++) {
			uint32_t word = put_pixel(row + (size_t)x * bpp,
						  drm_format,
						  pattern_rgb(x, y, seed), xbyte);
			uint8_t le[4] = {word & 0xff, word >> 8 & 0xff,
					 word >> 16 & 0xff, word >> 24};
			if (x == 0 && y == 0)
				p->expected_px0 = word;
			crc = tc_test_crc32(crc, le, 4);
		}
	}
	p->expected_crc = crc;
	munmap(map, size);
	return 0;
}

int tc_picture_rect_crc(const struct tc_picture *p, int32_t x, int32_t y,
			int32_t w, int32_t h, uint32_t *crc, uint32_t *px0)
{
	size_t size = (size_t)p->offset + (size_t)p->stride * (size_t)p->height;
	if (p->drm_format != DRM_FORMAT_XRGB8888 &&
	    p->drm_format != DRM_FORMAT_ARGB8888)
		return -ENOTSUP;
	if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > p->width ||
	    y + h > p->height)
		return -EINVAL;
	const uint8_t *map = mmap(NULL, size, PROT_READ, MAP_SHARED, p->fd, 0);
	if (map == MAP_FAILED)
		return -errno;
	*crc = 0;
	for (int32_t j = y; j < y + h; j++) {
		const uint8_t *row = map + p->offset + (size_t)j * p->stride;
		for (int32_t i = x; i < x + w; i++) {
			uint8_t le[4];
			memcpy(le, row + (size_t)i * 4, 4);
			if (p->drm_format == DRM_FORMAT_XRGB8888)
				le[3] = 0;
			if (i == x && j == y)
				*px0 = (uint32_t)le[0] | (uint32_t)le[1] << 8 |
				       (uint32_t)le[2] << 16 |
				       (uint32_t)le[3] << 24;
			*crc = tc_test_crc32(*crc, le, 4);
		}
	}
	munmap((void *)map, size);
	return 0;
}

void tc_picture_destroy(struct tc_picture *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

static void buffer_release(void *data, struct wl_buffer *buffer)
{
	(void)buffer;
	((struct tc_buffer_state *)data)->released = true;
}

static const struct wl_buffer_listener buffer_listener = {
	.release = buffer_release,
};

static void params_created(void *data, struct zwp_linux_buffer_params_v1 *p,
			   struct wl_buffer *buffer)
{
	struct tc_buffer_state *b = data;
	(void)p;
	b->buffer = buffer;
	b->created = true;
	wl_buffer_add_listener(buffer, &buffer_listener, b);
}

static void params_failed(void *data, struct zwp_linux_buffer_params_v1 *p)
{
	(void)p;
	((struct tc_buffer_state *)data)->failed = true;
}

static const struct zwp_linux_buffer_params_v1_listener params_listener = {
	.created = params_created,
	.failed = params_failed,
};

int tc_dmabuf_import(struct tc_client *c, const struct tc_picture *p,
		     uint64_t modifier, bool immed, struct tc_buffer_state *b)
{
	memset(b, 0, sizeof(*b));
	struct zwp_linux_buffer_params_v1 *params =
		zwp_linux_dmabuf_v1_create_params(c->dmabuf);
	zwp_linux_buffer_params_v1_add_listener(params, &params_listener, b);
	/* The fd is sent (dup'ed by libwayland); p keeps its own. */
	zwp_linux_buffer_params_v1_add(params, p->fd, 0, p->offset, p->stride,
				       (uint32_t)(modifier >> 32),
				       (uint32_t)modifier);
	int ret = 0;
	if (immed) {
		b->buffer = zwp_linux_buffer_params_v1_create_immed(
			params, p->width, p->height, p->drm_format, 0);
		wl_buffer_add_listener(b->buffer, &buffer_listener, b);
		b->created = true;
		ret = tc_client_roundtrip(c);
	} else {
		zwp_linux_buffer_params_v1_create(params, p->width, p->height,
						  p->drm_format, 0);
		while (ret == 0 && !b->created && !b->failed)
			ret = tc_client_roundtrip(c);
	}
	zwp_linux_buffer_params_v1_destroy(params);
	return ret;
}

int tc_shm_import(struct tc_client *c, const struct tc_picture *p,
		  struct tc_buffer_state *b)
{
	memset(b, 0, sizeof(*b));
	uint32_t shm_format = p->drm_format == DRM_FORMAT_XRGB8888
				      ? WL_SHM_FORMAT_XRGB8888
			      : p->drm_format == DRM_FORMAT_ARGB8888
				      ? WL_SHM_FORMAT_ARGB8888
				      : p->drm_format;
	size_t size = (size_t)p->offset + (size_t)p->stride * (size_t)p->height;
	struct wl_shm_pool *pool = wl_shm_create_pool(c->shm, p->fd, (int32_t)size);
	b->buffer = wl_shm_pool_create_buffer(pool, (int32_t)p->offset, p->width,
					      p->height, (int32_t)p->stride,
					      shm_format);
	wl_shm_pool_destroy(pool);
	wl_buffer_add_listener(b->buffer, &buffer_listener, b);
	b->created = true;
	return tc_client_roundtrip(c);
}

void tc_buffer_state_finish(struct tc_buffer_state *b)
{
	if (b->buffer)
		wl_buffer_destroy(b->buffer);
	b->buffer = NULL;
}

/* window */

static void xdg_surface_configure(void *data, struct xdg_surface *s,
				  uint32_t serial)
{
	struct tc_window *w = data;
	xdg_surface_ack_configure(s, serial);
	w->configured = true;
}

static const struct xdg_surface_listener xdg_surface_listener = {
	.configure = xdg_surface_configure,
};

static void toplevel_configure(void *data, struct xdg_toplevel *t, int32_t w,
			       int32_t h, struct wl_array *states)
{
	(void)data, (void)t, (void)w, (void)h, (void)states;
}

static void toplevel_close(void *data, struct xdg_toplevel *t)
{
	(void)data, (void)t;
}

static const struct xdg_toplevel_listener toplevel_listener = {
	.configure = toplevel_configure,
	.close = toplevel_close,
};

int tc_window_create(struct tc_window *w, struct tc_client *c,
		     const char *app_id)
{
	memset(w, 0, sizeof(*w));
	w->client = c;
	w->surface = wl_compositor_create_surface(c->compositor);
	w->xdg_surface = xdg_wm_base_get_xdg_surface(c->wm_base, w->surface);
	xdg_surface_add_listener(w->xdg_surface, &xdg_surface_listener, w);
	w->toplevel = xdg_surface_get_toplevel(w->xdg_surface);
	xdg_toplevel_add_listener(w->toplevel, &toplevel_listener, w);
	xdg_toplevel_set_title(w->toplevel, app_id);
	xdg_toplevel_set_app_id(w->toplevel, app_id);
	wl_surface_commit(w->surface);
	return tc_client_wait(c, &w->configured, 3000);
}

void tc_window_destroy(struct tc_window *w)
{
	if (w->toplevel)
		xdg_toplevel_destroy(w->toplevel);
	if (w->xdg_surface)
		xdg_surface_destroy(w->xdg_surface);
	if (w->surface)
		wl_surface_destroy(w->surface);
	memset(w, 0, sizeof(*w));
}

static void frame_done(void *data, struct wl_callback *cb, uint32_t t)
{
	(void)t;
	((struct tc_window *)data)->frame_done = true;
	wl_callback_destroy(cb);
}

static const struct wl_callback_listener frame_listener = {.done = frame_done};

int tc_window_show(struct tc_window *w, struct wl_buffer *buffer)
{
	w->frame_done = false;
	wl_surface_attach(w->surface, buffer, 0, 0);
	wl_surface_damage_buffer(w->surface, 0, 0, INT32_MAX, INT32_MAX);
	struct wl_callback *cb = wl_surface_frame(w->surface);
	wl_callback_add_listener(cb, &frame_listener, w);
	wl_surface_commit(w->surface);
	int ret = tc_client_wait(w->client, &w->frame_done, 3000);
	if (!w->frame_done)
		wl_callback_destroy(cb);
	return ret;
}
