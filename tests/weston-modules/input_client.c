/* See input_client.h. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <wayland-client.h>

#include "input_client.h"
#include "xdg-shell-client-protocol.h"

#define SEAT_ALL                                                               \
	(WL_SEAT_CAPABILITY_POINTER | WL_SEAT_CAPABILITY_KEYBOARD |            \
	 WL_SEAT_CAPABILITY_TOUCH)

struct input_client {
	struct wl_display *display;
	struct wl_registry *registry;
	struct wl_compositor *compositor;
	struct wl_shm *shm;
	struct xdg_wm_base *wm_base;
	struct wl_seat *seat;
	struct wl_pointer *pointer;
	struct wl_keyboard *keyboard;
	struct wl_touch *touch;
	struct wl_surface *surface;
	struct xdg_surface *xdg_surface;
	struct xdg_toplevel *toplevel;
	struct wl_buffer *buffer;
	uint32_t caps;
	bool configured, frame_done;
	int width, height;
	struct ic_event log[IC_MAX_EVENTS];
	size_t n;
};

static struct ic_event *add(struct input_client *c, enum ic_kind kind)
{
	static struct ic_event spare;

	if (c->n == IC_MAX_EVENTS)
		return memset(&spare, 0, sizeof(spare));
	c->log[c->n] = (struct ic_event){ .kind = kind };
	return &c->log[c->n++];
}

/* ---- pointer ---- */

static void p_enter(void *data, struct wl_pointer *p, uint32_t serial,
		    struct wl_surface *s, wl_fixed_t x, wl_fixed_t y)
{
	struct ic_event *e = add(data, IC_POINTER_ENTER);

	(void)p, (void)serial, (void)s;
	e->x = wl_fixed_to_double(x);
	e->y = wl_fixed_to_double(y);
}

static void p_leave(void *data, struct wl_pointer *p, uint32_t serial,
		    struct wl_surface *s)
{
	(void)p, (void)serial, (void)s;
	add(data, IC_POINTER_LEAVE);
}

static void p_motion(void *data, struct wl_pointer *p, uint32_t time,
		     wl_fixed_t x, wl_fixed_t y)
{
	struct ic_event *e = add(data, IC_POINTER_MOTION);

	(void)p, (void)time;
	e->x = wl_fixed_to_double(x);
	e->y = wl_fixed_to_double(y);
}

static void p_button(void *data, struct wl_pointer *p, uint32_t serial,
		     uint32_t time, uint32_t button, uint32_t state)
{
	struct ic_event *e = add(data, IC_POINTER_BUTTON);

	(void)p, (void)serial, (void)time;
	e->code = button;
	e->state = state;
}

static void p_axis(void *data, struct wl_pointer *p, uint32_t time,
		   uint32_t axis, wl_fixed_t value)
{
	struct ic_event *e = add(data, IC_POINTER_AXIS);

	(void)p, (void)time;
	e->code = axis;
	e->value = wl_fixed_to_double(value);
}

static void p_frame(void *data, struct wl_pointer *p)
{
	(void)data, (void)p;
}

static void p_axis_source(void *data, struct wl_pointer *p, uint32_t src)
{
	(void)data, (void)p, (void)src;
}

static void p_axis_stop(void *data, struct wl_pointer *p, uint32_t time,
			uint32_t axis)
{
	(void)data, (void)p, (void)time, (void)axis;
}

static void p_axis_discrete(void *data, struct wl_pointer *p, uint32_t axis,
			    int32_t discrete)
{
	(void)data, (void)p, (void)axis, (void)discrete;
}

static const struct wl_pointer_listener pointer_listener = {
	.enter = p_enter,
	.leave = p_leave,
	.motion = p_motion,
	.button = p_button,
	.axis = p_axis,
	.frame = p_frame,
	.axis_source = p_axis_source,
	.axis_stop = p_axis_stop,
	.axis_discrete = p_axis_discrete,
};

/* ---- keyboard ---- */

static void k_keymap(void *data, struct wl_keyboard *k, uint32_t format,
		     int32_t fd, uint32_t size)
{
	(void)data, (void)k, (void)format, (void)size;
	close(fd);
}

static void k_enter(void *data, struct wl_keyboard *k, uint32_t serial,
		    struct wl_surface *s, struct wl_array *keys)
{
	(void)k, (void)serial, (void)s, (void)keys;
	add(data, IC_KEYBOARD_ENTER);
}

static void k_leave(void *data, struct wl_keyboard *k, uint32_t serial,
		    struct wl_surface *s)
{
	(void)k, (void)serial, (void)s;
	add(data, IC_KEYBOARD_LEAVE);
}

static void k_key(void *data, struct wl_keyboard *k, uint32_t serial,
		  uint32_t time, uint32_t key, uint32_t state)
{
	struct ic_event *e = add(data, IC_KEY);

	(void)k, (void)serial, (void)time;
	e->code = key;
	e->state = state;
}

static void k_modifiers(void *data, struct wl_keyboard *k, uint32_t serial,
			uint32_t dep, uint32_t lat, uint32_t lock,
			uint32_t group)
{
	(void)data, (void)k, (void)serial, (void)dep, (void)lat, (void)lock,
		(void)group;
}

static void k_repeat(void *data, struct wl_keyboard *k, int32_t rate,
		     int32_t delay)
{
	(void)data, (void)k, (void)rate, (void)delay;
}

static const struct wl_keyboard_listener keyboard_listener = {
	.keymap = k_keymap,
	.enter = k_enter,
	.leave = k_leave,
	.key = k_key,
	.modifiers = k_modifiers,
	.repeat_info = k_repeat,
};

/* ---- touch ---- */

static void t_down(void *data, struct wl_touch *t, uint32_t serial,
		   uint32_t time, struct wl_surface *s, int32_t id,
		   wl_fixed_t x, wl_fixed_t y)
{
	struct ic_event *e = add(data, IC_TOUCH_DOWN);

	(void)t, (void)serial, (void)time, (void)s;
	e->id = id;
	e->x = wl_fixed_to_double(x);
	e->y = wl_fixed_to_double(y);
}

static void t_up(void *data, struct wl_touch *t, uint32_t serial,
		 uint32_t time, int32_t id)
{
	(void)t, (void)serial, (void)time;
	add(data, IC_TOUCH_UP)->id = id;
}

static void t_motion(void *data, struct wl_touch *t, uint32_t time,
		     int32_t id, wl_fixed_t x, wl_fixed_t y)
{
	struct ic_event *e = add(data, IC_TOUCH_MOTION);

	(void)t, (void)time;
	e->id = id;
	e->x = wl_fixed_to_double(x);
	e->y = wl_fixed_to_double(y);
}

static void t_frame(void *data, struct wl_touch *t)
{
	(void)t;
	add(data, IC_TOUCH_FRAME);
}

static void t_cancel(void *data, struct wl_touch *t)
{
	(void)t;
	add(data, IC_TOUCH_CANCEL);
}

static void t_shape(void *data, struct wl_touch *t, int32_t id,
		    wl_fixed_t major, wl_fixed_t minor)
{
	(void)data, (void)t, (void)id, (void)major, (void)minor;
}

static void t_orientation(void *data, struct wl_touch *t, int32_t id,
			  wl_fixed_t orientation)
{
	(void)data, (void)t, (void)id, (void)orientation;
}

static const struct wl_touch_listener touch_listener = {
	.down = t_down,
	.up = t_up,
	.motion = t_motion,
	.frame = t_frame,
	.cancel = t_cancel,
	.shape = t_shape,
	.orientation = t_orientation,
};

/* ---- seat, shell, registry ---- */

static void seat_caps(void *data, struct wl_seat *seat, uint32_t caps)
{
	struct input_client *c = data;

	c->caps = caps;
	if ((caps & WL_SEAT_CAPABILITY_POINTER) && !c->pointer) {
		c->pointer = wl_seat_get_pointer(seat);
		wl_pointer_add_listener(c->pointer, &pointer_listener, c);
	}
	if ((caps & WL_SEAT_CAPABILITY_KEYBOARD) && !c->keyboard) {
		c->keyboard = wl_seat_get_keyboard(seat);
		wl_keyboard_add_listener(c->keyboard, &keyboard_listener, c);
	}
	if ((caps & WL_SEAT_CAPABILITY_TOUCH) && !c->touch) {
		c->touch = wl_seat_get_touch(seat);
		wl_touch_add_listener(c->touch, &touch_listener, c);
	}
}

static void seat_name(void *data, struct wl_seat *seat, const char *name)
{
	(void)data, (void)seat, (void)name;
}

static const struct wl_seat_listener seat_listener = {
	.capabilities = seat_caps,
	.name = seat_name,
};

static void wm_ping(void *data, struct xdg_wm_base *wm, uint32_t serial)
{
	(void)data;
	xdg_wm_base_pong(wm, serial);
}

static const struct xdg_wm_base_listener wm_listener = { .ping = wm_ping };

static void xs_configure(void *data, struct xdg_surface *xs, uint32_t serial)
{
	struct input_client *c = data;

	xdg_surface_ack_configure(xs, serial);
	c->configured = true;
}

static const struct xdg_surface_listener xs_listener = {
	.configure = xs_configure,
};

static void tl_configure(void *data, struct xdg_toplevel *tl, int32_t w,
			 int32_t h, struct wl_array *states)
{
	struct input_client *c = data;

	(void)tl, (void)states;
	if (w > 0 && h > 0) {
		c->width = w;
		c->height = h;
	}
}

static void tl_close(void *data, struct xdg_toplevel *tl)
{
	(void)data, (void)tl;
}

static const struct xdg_toplevel_listener tl_listener = {
	.configure = tl_configure,
	.close = tl_close,
};

static void reg_global(void *data, struct wl_registry *r, uint32_t name,
		       const char *iface, uint32_t version)
{
	struct input_client *c = data;

	if (strcmp(iface, wl_compositor_interface.name) == 0) {
		c->compositor = wl_registry_bind(r, name,
						 &wl_compositor_interface, 4);
	} else if (strcmp(iface, wl_shm_interface.name) == 0) {
		c->shm = wl_registry_bind(r, name, &wl_shm_interface, 1);
	} else if (strcmp(iface, xdg_wm_base_interface.name) == 0) {
		c->wm_base = wl_registry_bind(r, name, &xdg_wm_base_interface,
					      1);
		xdg_wm_base_add_listener(c->wm_base, &wm_listener, c);
	} else if (strcmp(iface, wl_seat_interface.name) == 0 && !c->seat) {
		c->seat = wl_registry_bind(r, name, &wl_seat_interface,
					   version < 5 ? version : 5);
		wl_seat_add_listener(c->seat, &seat_listener, c);
	}
}

static void reg_remove(void *data, struct wl_registry *r, uint32_t name)
{
	(void)data, (void)r, (void)name;
}

static const struct wl_registry_listener reg_listener = {
	.global = reg_global,
	.global_remove = reg_remove,
};

static void frame_done(void *data, struct wl_callback *cb, uint32_t t)
{
	struct input_client *c = data;

	(void)t;
	c->frame_done = true;
	wl_callback_destroy(cb);
}

static const struct wl_callback_listener frame_listener = { .done =
								    frame_done };

static struct wl_buffer *make_buffer(struct input_client *c)
{
	size_t stride = (size_t)c->width * 4, size = stride * (size_t)c->height;
	int fd = memfd_create("input-client", MFD_CLOEXEC);
	struct wl_shm_pool *pool;
	struct wl_buffer *buf;
	uint32_t *px;

	if (fd < 0 || ftruncate(fd, (off_t)size) < 0) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	px = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (px != MAP_FAILED) {
		for (size_t i = 0; i < size / 4; i++)
			px[i] = 0xff336699;
		munmap(px, size);
	}
	pool = wl_shm_create_pool(c->shm, fd, (int32_t)size);
	buf = wl_shm_pool_create_buffer(pool, 0, c->width, c->height,
					(int32_t)stride, WL_SHM_FORMAT_XRGB8888);
	wl_shm_pool_destroy(pool);
	close(fd);
	return buf;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Dispatches until *flag or the deadline. */
static int wait_for(struct input_client *c, const bool *flag, long deadline)
{
	while (!*flag) {
		struct pollfd pfd = { .fd = wl_display_get_fd(c->display),
				      .events = POLLIN };
		long left = deadline - now_ms();

		if (left <= 0)
			return -ETIMEDOUT;
		while (wl_display_prepare_read(c->display) != 0)
			wl_display_dispatch_pending(c->display);
		wl_display_flush(c->display);
		if (poll(&pfd, 1, (int)left) > 0) {
			if (wl_display_read_events(c->display) < 0)
				return -EPIPE;
		} else {
			wl_display_cancel_read(c->display);
		}
		if (wl_display_dispatch_pending(c->display) < 0)
			return -EPIPE;
	}
	return 0;
}

static int map_window(struct input_client *c, long deadline)
{
	struct wl_callback *cb;
	bool all_caps;

	c->surface = wl_compositor_create_surface(c->compositor);
	c->xdg_surface = xdg_wm_base_get_xdg_surface(c->wm_base, c->surface);
	xdg_surface_add_listener(c->xdg_surface, &xs_listener, c);
	c->toplevel = xdg_surface_get_toplevel(c->xdg_surface);
	xdg_toplevel_add_listener(c->toplevel, &tl_listener, c);
	xdg_toplevel_set_app_id(c->toplevel, "vdispld-input-test");
	xdg_toplevel_set_fullscreen(c->toplevel, NULL);
	wl_surface_commit(c->surface);
	if (wait_for(c, &c->configured, deadline) < 0) {
		fprintf(stderr, "input_client: no configure\n");
		return -ETIMEDOUT;
	}
	c->buffer = make_buffer(c);
	if (!c->buffer)
		return -ENOMEM;
	wl_surface_attach(c->surface, c->buffer, 0, 0);
	wl_surface_damage(c->surface, 0, 0, c->width, c->height);
	cb = wl_surface_frame(c->surface);
	wl_callback_add_listener(cb, &frame_listener, c);
	wl_surface_commit(c->surface);
	if (wait_for(c, &c->frame_done, deadline) < 0) {
		fprintf(stderr, "input_client: window never drawn\n");
		return -ETIMEDOUT;
	}
	while ((c->caps & SEAT_ALL) != SEAT_ALL) {
		all_caps = false;
		if (wait_for(c, &all_caps, now_ms() + 50) < 0 &&
		    now_ms() > deadline) {
			fprintf(stderr, "input_client: seat caps 0x%x, want "
					"pointer+keyboard+touch\n",
				c->caps);
			return -ETIMEDOUT;
		}
	}
	return input_client_sync(c);
}

struct input_client *input_client_create(int timeout_ms)
{
	struct input_client *c = calloc(1, sizeof(*c));
	long deadline = now_ms() + timeout_ms;

	if (!c)
		return NULL;
	c->width = 640;
	c->height = 480;
	c->display = wl_display_connect(NULL);
	if (!c->display) {
		fprintf(stderr, "input_client: cannot connect: %s\n",
			strerror(errno));
		free(c);
		return NULL;
	}
	c->registry = wl_display_get_registry(c->display);
	wl_registry_add_listener(c->registry, &reg_listener, c);
	wl_display_roundtrip(c->display);
	wl_display_roundtrip(c->display);
	if (!c->compositor || !c->shm || !c->wm_base || !c->seat) {
		fprintf(stderr, "input_client: missing globals (compositor %p "
				"shm %p xdg_wm_base %p seat %p)\n",
			(void *)c->compositor, (void *)c->shm,
			(void *)c->wm_base, (void *)c->seat);
		input_client_destroy(c);
		return NULL;
	}
	if (map_window(c, deadline) < 0) {
		input_client_destroy(c);
		return NULL;
	}
	return c;
}

void input_client_destroy(struct input_client *c)
{
	if (!c)
		return;
	if (c->pointer)
		wl_pointer_destroy(c->pointer);
	if (c->keyboard)
		wl_keyboard_destroy(c->keyboard);
	if (c->touch)
		wl_touch_destroy(c->touch);
	if (c->toplevel)
		xdg_toplevel_destroy(c->toplevel);
	if (c->xdg_surface)
		xdg_surface_destroy(c->xdg_surface);
	if (c->surface)
		wl_surface_destroy(c->surface);
	if (c->buffer)
		wl_buffer_destroy(c->buffer);
	if (c->seat)
		wl_seat_destroy(c->seat);
	if (c->wm_base)
		xdg_wm_base_destroy(c->wm_base);
	if (c->shm)
		wl_shm_destroy(c->shm);
	if (c->compositor)
		wl_compositor_destroy(c->compositor);
	if (c->registry)
		wl_registry_destroy(c->registry);
	wl_display_disconnect(c->display);
	free(c);
}

int input_client_sync(struct input_client *c)
{
	return wl_display_roundtrip(c->display) < 0 ? -EPIPE : 0;
}

size_t input_client_events(const struct input_client *c,
			   const struct ic_event **events)
{
	*events = c->log;
	return c->n;
}

void input_client_clear(struct input_client *c)
{
	c->n = 0;
}

void input_client_size(const struct input_client *c, int *w, int *h)
{
	*w = c->width;
	*h = c->height;
}
