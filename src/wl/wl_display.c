/* The Wayland display connection (libwayland's wl_display, what
 * WAYLAND_DISPLAY names): globals, and the display fd on the shared loop.
 *
 * Reading follows libwayland's prepare_read protocol from one thread: the
 * prepare hook drains the queue, takes the read intent and flushes; the fd
 * callback reads and dispatches. The intent is kept across turns where the
 * fd stayed quiet, so it is never taken twice. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux-dmabuf-unstable-v1-client-protocol.h"
#include "ivi-application-client-protocol.h"
#include "log.h"
#include "loop.h"
#include "pixel_convert.h"
#include "presentation-time-client-protocol.h"
#include "viewporter-client-protocol.h"
#include "wl_internal.h"
#include "xdg-output-unstable-v1-client-protocol.h"
#include "xdg-shell-client-protocol.h"

void wl_pres_mark_dead(struct wl_pres *p, const char *why)
{
	if (p->dead)
		return;
	p->dead = true;
	int err = wl_display_get_error(p->display);
	log_error("wl: lost the compositor (%s: %s); guests stay connected, "
		  "their flips complete on a 60 Hz timer until it is back",
		  why, strerror(err ? err : EPIPE));
	if (p->reading) {
		wl_display_cancel_read(p->display);
		p->reading = false;
	}
	loop_remove(p->fd_src);
	p->fd_src = NULL;
	wl_reconnect_lost(p);
}

static void flush(struct wl_pres *p)
{
	int r = wl_display_flush(p->display);
	bool again = r < 0 && errno == EAGAIN;
	if (r < 0 && !again) {
		wl_pres_mark_dead(p, "flush");
		return;
	}
	/* A full socket: wait for room instead of spinning. */
	if (again != p->want_write) {
		p->want_write = again;
		loop_fd_update(p->fd_src, EPOLLIN | (again ? EPOLLOUT : 0));
	}
}

static void prepare_hook(void *data)
{
	struct wl_pres *p = data;
	if (p->dead || !p->display)
		return;
	if (!p->reading) {
		while (wl_display_prepare_read(p->display) != 0) {
			if (wl_display_dispatch_pending(p->display) < 0) {
				wl_pres_mark_dead(p, "dispatch");
				return;
			}
		}
		p->reading = true;
	}
	flush(p);
}

static void display_ready(void *data, int fd, uint32_t events)
{
	struct wl_pres *p = data;
	(void)fd;
	if (events & EPOLLOUT)
		flush(p);
	if (p->dead || !(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return;
	if (p->reading) {
		p->reading = false;
		if (wl_display_read_events(p->display) < 0) {
			wl_pres_mark_dead(p, "read");
			return;
		}
	}
	if (wl_display_dispatch_pending(p->display) < 0) {
		wl_pres_mark_dead(p, "dispatch");
		return;
	}
	wl_pres_seats_flush(p);
}

static void wm_base_ping(void *data, struct xdg_wm_base *wm, uint32_t serial)
{
	(void)data;
	xdg_wm_base_pong(wm, serial);
}

static const struct xdg_wm_base_listener wm_base_listener = {
	.ping = wm_base_ping,
};

static void shm_format(void *data, struct wl_shm *shm, uint32_t format)
{
	struct wl_pres *p = data;
	(void)shm;
	if (p->n_shm_formats < WL_PRES_MAX_SHM_FORMATS)
		p->shm_formats[p->n_shm_formats++] = pixconv_wl_shm_to_drm(format);
}

static const struct wl_shm_listener shm_listener = {.format = shm_format};

static void xdg_output_name(void *data, struct zxdg_output_v1 *xo,
			    const char *name)
{
	struct wl_pres_output *out = data;
	(void)xo;
	snprintf(out->name, sizeof(out->name), "%s", name);
}

static void xdg_output_ignore_pos(void *d, struct zxdg_output_v1 *o, int32_t x,
				  int32_t y)
{
	(void)d, (void)o, (void)x, (void)y;
}

static void xdg_output_ignore_str(void *d, struct zxdg_output_v1 *o,
				  const char *s)
{
	(void)d, (void)o, (void)s;
}

static void xdg_output_ignore(void *d, struct zxdg_output_v1 *o)
{
	(void)d, (void)o;
}

static const struct zxdg_output_v1_listener xdg_output_listener = {
	.logical_position = xdg_output_ignore_pos,
	.logical_size = xdg_output_ignore_pos,
	.done = xdg_output_ignore,
	.name = xdg_output_name,
	.description = xdg_output_ignore_str,
};

static void output_watch(struct wl_pres *p, struct wl_pres_output *out)
{
	if (!p->xdg_output_mgr || !out->output || out->xdg_output)
		return;
	out->xdg_output = zxdg_output_manager_v1_get_xdg_output(
		p->xdg_output_mgr, out->output);
	zxdg_output_v1_add_listener(out->xdg_output, &xdg_output_listener, out);
}

static void output_add(struct wl_pres *p, uint32_t name, uint32_t version)
{
	for (int i = 0; i < WL_PRES_MAX_OUTPUTS; i++) {
		struct wl_pres_output *out = &p->outputs[i];
		if (out->global_name)
			continue;
		out->global_name = name;
		out->output = wl_registry_bind(p->registry, name,
					       &wl_output_interface,
					       version < 3 ? version : 3);
		output_watch(p, out);
		return;
	}
	log_warn("wl: more than %d outputs; ignoring one", WL_PRES_MAX_OUTPUTS);
}

static void output_remove(struct wl_pres_output *out)
{
	if (out->xdg_output)
		zxdg_output_v1_destroy(out->xdg_output);
	if (out->output)
		wl_output_destroy(out->output);
	memset(out, 0, sizeof(*out));
}

static uint32_t min_u32(uint32_t a, uint32_t b) { return a < b ? a : b; }

static void *bind_global(struct wl_pres *p, uint32_t name,
			 const struct wl_interface *iface, uint32_t have,
			 uint32_t want)
{
	return wl_registry_bind(p->registry, name, iface, min_u32(have, want));
}

static void registry_global(void *data, struct wl_registry *reg,
			    uint32_t name, const char *iface, uint32_t version)
{
	struct wl_pres *p = data;
	(void)reg;
	if (!strcmp(iface, wl_compositor_interface.name) && !p->compositor) {
		p->compositor = bind_global(p, name, &wl_compositor_interface, version, 4);
	} else if (!strcmp(iface, wl_shm_interface.name) && !p->shm) {
		p->shm = bind_global(p, name, &wl_shm_interface, version, 1);
		wl_shm_add_listener(p->shm, &shm_listener, p);
	} else if (!strcmp(iface, xdg_wm_base_interface.name) && !p->wm_base) {
		p->wm_base = bind_global(p, name, &xdg_wm_base_interface, version, 3);
		xdg_wm_base_add_listener(p->wm_base, &wm_base_listener, p);
	} else if (!strcmp(iface, wp_presentation_interface.name)) {
		p->presentation =
			bind_global(p, name, &wp_presentation_interface, version, 1);
	} else if (!strcmp(iface, wp_viewporter_interface.name)) {
		p->viewporter = bind_global(p, name, &wp_viewporter_interface, version, 1);
	} else if (!strcmp(iface, zwp_linux_dmabuf_v1_interface.name)) {
		wl_dmabuf_bind(p, name, version); /* v4 feedback where offered */
	} else if (!strcmp(iface, ivi_application_interface.name)) {
		p->ivi = bind_global(p, name, &ivi_application_interface, version, 1);
	} else if (!strcmp(iface, zxdg_output_manager_v1_interface.name)) {
		p->xdg_output_mgr = bind_global(p, name, &zxdg_output_manager_v1_interface,
					 version, 2);
		for (int i = 0; i < WL_PRES_MAX_OUTPUTS; i++)
			output_watch(p, &p->outputs[i]);
	} else if (!strcmp(iface, wl_output_interface.name)) {
		output_add(p, name, version);
	} else if (!strcmp(iface, wl_seat_interface.name)) {
		wl_pres_seat_add(p, name, version);
	}
}

static void registry_global_remove(void *data, struct wl_registry *reg,
				   uint32_t name)
{
	struct wl_pres *p = data;
	(void)reg;
	for (int i = 0; i < WL_PRES_MAX_OUTPUTS; i++)
		if (p->outputs[i].global_name == name)
			output_remove(&p->outputs[i]);
	wl_pres_seat_remove(p, name);
}

static const struct wl_registry_listener registry_listener = {
	.global = registry_global,
	.global_remove = registry_global_remove,
};

static int check_globals(struct wl_pres *p)
{
	if (!p->compositor || !p->shm || (!p->wm_base && !p->ivi)) {
		log_error("wl: compositor lacks %s", !p->compositor ? "wl_compositor"
						     : !p->shm ? "wl_shm"
							       : "xdg_wm_base");
		return -EPROTONOSUPPORT;
	}
	log_info("wl: connected; wp_presentation %s, wp_viewporter %s, "
		 "linux-dmabuf %s (%zu formats), ivi_application %s, %zu shm formats",
		 p->presentation ? "yes" : "no", p->viewporter ? "yes" : "no",
		 p->dmabuf ? "yes" : "no", p->n_dmabuf_formats,
		 p->ivi ? "yes" : "no", p->n_shm_formats);
	return 0;
}

static void sync_done(void *data, struct wl_callback *cb, uint32_t t)
{
	bool *done = data;
	(void)t;
	*done = true;
	wl_callback_destroy(cb);
}

static const struct wl_callback_listener sync_listener = {.done = sync_done};

/* wl_display_roundtrip with a time limit: a compositor that accepts but
 * never answers (still starting, or hung) must not hang the guests. */
static int roundtrip_within(struct wl_display *d, int timeout_ms)
{
	bool done = false;
	struct wl_callback *cb = wl_display_sync(d);
	wl_callback_add_listener(cb, &sync_listener, &done);
	uint64_t end = loop_now_ns() + (uint64_t)timeout_ms * 1000000u;
	while (!done) {
		if (wl_display_prepare_read(d) != 0) {
			if (wl_display_dispatch_pending(d) < 0)
				return -EPIPE;
			continue;
		}
		uint64_t now = loop_now_ns();
		if ((wl_display_flush(d) < 0 && errno != EAGAIN) || now >= end) {
			int err = now >= end ? ETIMEDOUT : errno;
			wl_display_cancel_read(d);
			wl_callback_destroy(cb);
			return -err;
		}
		struct pollfd pfd = {.fd = wl_display_get_fd(d), .events = POLLIN};
		int left = (int)((end - now) / 1000000u) + 1;
		if (poll(&pfd, 1, left) <= 0) {
			wl_display_cancel_read(d);
			continue;
		}
		if (wl_display_read_events(d) < 0 ||
		    wl_display_dispatch_pending(d) < 0)
			return -EPIPE;
	}
	return 0;
}

static const char *display_name(const char *name)
{
	if (name)
		return name;
	return getenv("WAYLAND_DISPLAY") ? getenv("WAYLAND_DISPLAY") : "wayland-0";
}

int wl_pres_connect(struct wl_pres *p, const char *name, int timeout_ms)
{
	p->display = wl_display_connect(name);
	if (!p->display) {
		int err = errno ? errno : ENOENT;
		/* While waiting for a compositor to come back, this is normal. */
		if (!p->dead)
			log_error("wl: cannot connect to '%s': %s",
				  display_name(name), strerror(err));
		return -err;
	}
	if (!p->dmabuf_state && wl_dmabuf_init(p) < 0)
		return -ENOMEM;
	p->registry = wl_display_get_registry(p->display);
	wl_registry_add_listener(p->registry, &registry_listener, p);
	/* Two round trips: globals, then what binding them sent (formats,
	 * output names). The only blocking calls, bounded. */
	for (int i = 0; i < 2; i++) {
		int r = roundtrip_within(p->display, timeout_ms);
		if (r < 0) {
			int err = wl_display_get_error(p->display);
			log_error("wl: roundtrip: %s", strerror(err ? err : -r));
			return -(err ? err : -r);
		}
	}
	int r = check_globals(p);
	if (r < 0)
		return r;

	p->fd_src = loop_add_fd(p->loop, wl_display_get_fd(p->display), EPOLLIN,
				display_ready, p);
	if (!p->prepare_src)
		p->prepare_src = loop_add_prepare(p->loop, prepare_hook, p);
	if (!p->fd_src || !p->prepare_src) {
		log_error("wl: cannot watch the display fd: %s", strerror(errno));
		return -ENOMEM;
	}
	p->want_write = false;
	return 0;
}

void wl_pres_drop_globals(struct wl_pres *p)
{
	loop_remove(p->fd_src);
	p->fd_src = NULL;
	if (!p->display)
		return;
	if (p->reading)
		wl_display_cancel_read(p->display);
	p->reading = false;
	wl_pres_seats_destroy(p);
	for (int i = 0; i < WL_PRES_MAX_OUTPUTS; i++)
		if (p->outputs[i].global_name)
			output_remove(&p->outputs[i]);
	if (p->xdg_output_mgr)
		zxdg_output_manager_v1_destroy(p->xdg_output_mgr);
	if (p->ivi)
		ivi_application_destroy(p->ivi);
	wl_dmabuf_finish(p); /* buffers and feedback before the global */
	if (p->dmabuf)
		zwp_linux_dmabuf_v1_destroy(p->dmabuf);
	if (p->viewporter)
		wp_viewporter_destroy(p->viewporter);
	if (p->presentation)
		wp_presentation_destroy(p->presentation);
	if (p->wm_base)
		xdg_wm_base_destroy(p->wm_base);
	if (p->shm)
		wl_shm_destroy(p->shm);
	if (p->compositor)
		wl_compositor_destroy(p->compositor);
	if (p->registry)
		wl_registry_destroy(p->registry);
	if (!p->dead)
		wl_display_flush(p->display);
	wl_display_disconnect(p->display);
	p->display = NULL;
	p->xdg_output_mgr = NULL;
	p->ivi = NULL;
	p->dmabuf = NULL;
	p->viewporter = NULL;
	p->presentation = NULL;
	p->wm_base = NULL;
	p->shm = NULL;
	p->compositor = NULL;
	p->registry = NULL;
	p->n_shm_formats = 0;
	free(p->dmabuf_formats);
	p->dmabuf_formats = NULL;
	p->n_dmabuf_formats = p->cap_dmabuf_formats = 0;
	p->want_write = false;
}

void wl_pres_disconnect(struct wl_pres *p)
{
	loop_remove(p->prepare_src);
	p->prepare_src = NULL;
	wl_pres_drop_globals(p);
}

bool wl_pres_shm_has(struct wl_pres *p, uint32_t drm_format)
{
	for (size_t i = 0; i < p->n_shm_formats; i++)
		if (p->shm_formats[i] == drm_format)
			return true;
	return false;
}

struct wl_output *wl_pres_find_output(struct wl_pres *p, const char *name)
{
	for (int i = 0; i < WL_PRES_MAX_OUTPUTS; i++)
		if (p->outputs[i].global_name && !strcmp(p->outputs[i].name, name))
			return p->outputs[i].output;
	return NULL;
}
