/* See tc_client.h. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <drm_fourcc.h>

#include "tc_client.h"
#include "linux-dmabuf-unstable-v1-client-protocol.h"
#include "viewporter-client-protocol.h"
#include "xdg-shell-client-protocol.h"

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int tc_client_wait(struct tc_client *c, const bool *flag, int timeout_ms)
{
	long deadline = now_ms() + timeout_ms;
	while (!*flag) {
		if (wl_display_dispatch_pending(c->display) < 0)
			return -EPROTO;
		if (*flag)
			break;
		if (wl_display_flush(c->display) < 0 && errno != EAGAIN)
			return -EPROTO;
		long left = deadline - now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		struct pollfd pfd = {.fd = wl_display_get_fd(c->display),
				     .events = POLLIN};
		if (poll(&pfd, 1, (int)left) > 0 &&
		    wl_display_dispatch(c->display) < 0)
			return -EPROTO;
	}
	return 0;
}

static void sync_done(void *data, struct wl_callback *cb, uint32_t t)
{
	(void)t;
	*(bool *)data = true;
	wl_callback_destroy(cb);
}

static const struct wl_callback_listener sync_listener = {.done = sync_done};

int tc_client_roundtrip(struct tc_client *c)
{
	bool done = false;
	struct wl_callback *cb = wl_display_sync(c->display);
	wl_callback_add_listener(cb, &sync_listener, &done);
	int ret = tc_client_wait(c, &done, 3000);
	if (!done)	/* a dead connection: nobody will answer */
		wl_callback_destroy(cb);
	return ret;
}

/* dma-buf v3 announcements */

static void count_format(struct tc_client *c, uint32_t format,
			 uint64_t modifier)
{
	if (modifier == DRM_FORMAT_MOD_LINEAR &&
	    (format == DRM_FORMAT_XRGB8888 || format == DRM_FORMAT_ARGB8888))
		c->linear_formats++;
	else
		c->other_formats++;
}

static void dmabuf_format(void *data, struct zwp_linux_dmabuf_v1 *d,
			  uint32_t format)
{
	(void)data, (void)d, (void)format;
}

static void dmabuf_modifier(void *data, struct zwp_linux_dmabuf_v1 *d,
			    uint32_t format, uint32_t hi, uint32_t lo)
{
	(void)d;
	count_format(data, format, (uint64_t)hi << 32 | lo);
}

static const struct zwp_linux_dmabuf_v1_listener dmabuf_listener = {
	.format = dmabuf_format,
	.modifier = dmabuf_modifier,
};

static void wm_base_ping(void *data, struct xdg_wm_base *b, uint32_t serial)
{
	(void)data;
	xdg_wm_base_pong(b, serial);
}

static const struct xdg_wm_base_listener wm_base_listener = {
	.ping = wm_base_ping,
};

static void registry_global(void *data, struct wl_registry *r, uint32_t name,
			    const char *iface, uint32_t version)
{
	struct tc_client *c = data;
	if (!strcmp(iface, wl_compositor_interface.name))
		c->compositor = wl_registry_bind(r, name, &wl_compositor_interface, 4);
	else if (!strcmp(iface, wl_shm_interface.name))
		c->shm = wl_registry_bind(r, name, &wl_shm_interface, 1);
	else if (!strcmp(iface, xdg_wm_base_interface.name)) {
		c->wm_base = wl_registry_bind(r, name, &xdg_wm_base_interface, 2);
		xdg_wm_base_add_listener(c->wm_base, &wm_base_listener, c);
	} else if (!strcmp(iface, zwp_linux_dmabuf_v1_interface.name)) {
		c->dmabuf_version = version;
		uint32_t v = version < c->want_dmabuf_version
				     ? version : c->want_dmabuf_version;
		c->dmabuf = wl_registry_bind(r, name,
					     &zwp_linux_dmabuf_v1_interface, v);
		zwp_linux_dmabuf_v1_add_listener(c->dmabuf, &dmabuf_listener, c);
	} else if (!strcmp(iface, wp_viewporter_interface.name)) {
		c->viewporter = wl_registry_bind(r, name,
						 &wp_viewporter_interface, 1);
	}
}

static void registry_remove(void *data, struct wl_registry *r, uint32_t name)
{
	(void)data, (void)r, (void)name;
}

static const struct wl_registry_listener registry_listener = {
	.global = registry_global,
	.global_remove = registry_remove,
};

int tc_client_connect(struct tc_client *c, uint32_t want_dmabuf_version)
{
	memset(c, 0, sizeof(*c));
	c->want_dmabuf_version = want_dmabuf_version;
	c->display = wl_display_connect(NULL);
	if (!c->display)
		return -ECONNREFUSED;
	c->registry = wl_display_get_registry(c->display);
	wl_registry_add_listener(c->registry, &registry_listener, c);
	int ret = tc_client_roundtrip(c);
	if (ret == 0)	/* the bind's format/modifier events */
		ret = tc_client_roundtrip(c);
	return ret;
}

void tc_client_disconnect(struct tc_client *c)
{
	if (!c->display)
		return;
	if (c->dmabuf)
		zwp_linux_dmabuf_v1_destroy(c->dmabuf);
	if (c->viewporter)
		wp_viewporter_destroy(c->viewporter);
	if (c->wm_base)
		xdg_wm_base_destroy(c->wm_base);
	if (c->shm)
		wl_shm_destroy(c->shm);
	if (c->compositor)
		wl_compositor_destroy(c->compositor);
	wl_registry_destroy(c->registry);
	wl_display_disconnect(c->display);
	c->display = NULL;
}

/* dma-buf v4 feedback */

static void fb_done(void *data, struct zwp_linux_dmabuf_feedback_v1 *f)
{
	(void)f;
	((struct tc_client *)data)->feedback_done = true;
}

static void fb_format_table(void *data, struct zwp_linux_dmabuf_feedback_v1 *f,
			    int32_t fd, uint32_t size)
{
	struct tc_client *c = data;
	(void)f;
	const uint8_t *table = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (table == MAP_FAILED)
		return;
	for (uint32_t off = 0; off + 16 <= size; off += 16) {
		uint32_t format;
		uint64_t modifier;
		memcpy(&format, table + off, 4);
		memcpy(&modifier, table + off + 8, 8);
		count_format(c, format, modifier);
	}
	munmap((void *)table, size);
}

static void fb_main_device(void *data, struct zwp_linux_dmabuf_feedback_v1 *f,
			   struct wl_array *dev)
{
	(void)f;
	if (dev->size == sizeof(dev_t))
		((struct tc_client *)data)->main_device_seen = true;
}

static void fb_tranche_done(void *data, struct zwp_linux_dmabuf_feedback_v1 *f)
{
	(void)data, (void)f;
}

static void fb_tranche_target_device(void *data,
				     struct zwp_linux_dmabuf_feedback_v1 *f,
				     struct wl_array *dev)
{
	(void)data, (void)f, (void)dev;
}

static void fb_tranche_formats(void *data,
			       struct zwp_linux_dmabuf_feedback_v1 *f,
			       struct wl_array *indices)
{
	(void)data, (void)f, (void)indices;
}

static void fb_tranche_flags(void *data, struct zwp_linux_dmabuf_feedback_v1 *f,
			     uint32_t flags)
{
	(void)data, (void)f, (void)flags;
}

static const struct zwp_linux_dmabuf_feedback_v1_listener feedback_listener = {
	.done = fb_done,
	.format_table = fb_format_table,
	.main_device = fb_main_device,
	.tranche_done = fb_tranche_done,
	.tranche_target_device = fb_tranche_target_device,
	.tranche_formats = fb_tranche_formats,
	.tranche_flags = fb_tranche_flags,
};

int tc_client_fetch_feedback(struct tc_client *c)
{
	struct zwp_linux_dmabuf_feedback_v1 *fb =
		zwp_linux_dmabuf_v1_get_default_feedback(c->dmabuf);
	zwp_linux_dmabuf_feedback_v1_add_listener(fb, &feedback_listener, c);
	int ret = tc_client_wait(c, &c->feedback_done, 3000);
	zwp_linux_dmabuf_feedback_v1_destroy(fb);
	return ret;
}
