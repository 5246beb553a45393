/* Input: every wl_seat the compositor offers (they come and go), its
 * pointer, keyboard and touch, turned into struct vinput_event for the
 * connector whose surface the input landed on, in that connector's own
 * pixels, and handed to cfg.input.
 *
 * What is held is tracked here too, so that when the compositor takes it
 * away without telling us the releases (pointer leave with a button down,
 * a capability or a whole seat gone, a connector destroyed, the compositor
 * lost) the guest still hears them.
 *
 * Touch: a touch point belongs to the surface it went down on; its motion
 * and up go to that connector even outside the surface. A down or motion
 * waits for its frame so that the shape and orientation the compositor
 * sends after it ride on the same event; it goes out at the frame, before
 * any up, or at the end of the dispatch at the latest (a compositor that
 * never frames). Weston sends no frame after the last up: the up itself
 * reaches the guest at once, and kbd/ ends the guest's frame there. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "wl_seat.h"

void wl_seat_emit(struct wl_pres_conn *c, const struct vinput_event *ev)
{
	const struct vinput_sink *s = &c->pres->cfg.input;

	if (s->event)
		s->event(s->data, c->info.domid, c->info.unique_id,
			 c->info.width, c->info.height, ev);
}

void wl_seat_emit_type(struct wl_pres_conn *c, enum vinput_type type)
{
	struct vinput_event ev = {.type = type};

	wl_seat_emit(c, &ev);
}

/* The surface's size in surface coordinates: the wp_viewport
 * destination (wl_surface.c), else its buffer's (the connector's
 * resolution at buffer scale 1). */
void wl_seat_surface_size(const struct wl_pres_conn *c, double *w, double *h)
{
	*w = c->dest_w ? c->dest_w : c->info.width;
	*h = c->dest_h ? c->dest_h : c->info.height;
}

/* Surface-local coordinates to the connector's pixels. */
void wl_seat_to_conn(const struct wl_pres_conn *c, wl_fixed_t sx,
		    wl_fixed_t sy, double *x, double *y)
{
	double sw, sh;

	wl_seat_surface_size(c, &sw, &sh);
	*x = wl_fixed_to_double(sx) * c->info.width / sw;
	*y = wl_fixed_to_double(sy) * c->info.height / sh;
}

static bool u32_remove(uint32_t *set, unsigned *n, uint32_t v)
{
	for (unsigned i = 0; i < *n; i++) {
		if (set[i] == v) {
			set[i] = set[--*n];
			return true;
		}
	}
	return false;
}

static void u32_add(uint32_t *set, unsigned *n, unsigned cap, uint32_t v)
{
	for (unsigned i = 0; i < *n; i++)
		if (set[i] == v)
			return;
	if (*n < cap)
		set[(*n)++] = v;
}

/* ---- pointer ---- */

/* The compositor will not send the releases of what is held now. */
static void pointer_release_buttons(struct wl_pres_seat *s)
{
	struct wl_pres_conn *c = s->ptr_focus;

	for (unsigned i = 0; c && i < s->n_buttons; i++) {
		struct vinput_event ev = {.type = VINPUT_POINTER_BUTTON,
					  .code = s->buttons[i]};
		wl_seat_emit(c, &ev);
	}
	s->n_buttons = 0;
	s->ptr_sent = false;
	memset(s->axis, 0, sizeof(s->axis));
}

static void pointer_motion_to(struct wl_pres_seat *s, wl_fixed_t sx,
			      wl_fixed_t sy)
{
	struct vinput_event ev = {.type = VINPUT_POINTER_MOTION};

	if (!s->ptr_focus)
		return;
	wl_seat_to_conn(s->ptr_focus, sx, sy, &ev.x, &ev.y);
	/* Weston follows enter with a motion to the same place. */
	if (s->ptr_sent && ev.x == s->ptr_x && ev.y == s->ptr_y)
		return;
	s->ptr_sent = true;
	s->ptr_x = ev.x;
	s->ptr_y = ev.y;
	wl_seat_emit(s->ptr_focus, &ev);
}

static void pointer_enter(void *data, struct wl_pointer *ptr, uint32_t serial,
			  struct wl_surface *surface, wl_fixed_t sx,
			  wl_fixed_t sy)
{
	struct wl_pres_seat *s = data;

	(void)ptr, (void)serial;
	pointer_release_buttons(s);
	s->ptr_focus = wl_pres_conn_from_surface(s->pres, surface);
	pointer_motion_to(s, sx, sy);
}

static void pointer_leave(void *data, struct wl_pointer *ptr, uint32_t serial,
			  struct wl_surface *surface)
{
	struct wl_pres_seat *s = data;

	(void)ptr, (void)serial, (void)surface;
	pointer_release_buttons(s);
	s->ptr_focus = NULL;
}

static void pointer_motion(void *data, struct wl_pointer *ptr, uint32_t time,
			   wl_fixed_t sx, wl_fixed_t sy)
{
	(void)ptr, (void)time;
	pointer_motion_to(data, sx, sy);
}

static void pointer_button(void *data, struct wl_pointer *ptr,
			   uint32_t serial, uint32_t time, uint32_t button,
			   uint32_t state)
{
	struct wl_pres_seat *s = data;
	bool pressed = state == WL_POINTER_BUTTON_STATE_PRESSED;
	struct vinput_event ev = {.type = VINPUT_POINTER_BUTTON,
				  .code = button, .pressed = pressed};

	(void)ptr, (void)serial, (void)time;
	if (!s->ptr_focus)
		return;
	if (pressed)
		u32_add(s->buttons, &s->n_buttons, SEAT_MAX_BUTTONS, button);
	else
		u32_remove(s->buttons, &s->n_buttons, button);
	wl_seat_emit(s->ptr_focus, &ev);
}

static void axis_send(struct wl_pres_seat *s, uint32_t axis)
{
	struct seat_axis *a = &s->axis[axis];
	struct vinput_event ev = {.type = VINPUT_POINTER_AXIS, .axis = axis};

	if (!a->has && !a->has_discrete)
		return;
	ev.value = a->has_discrete ? a->discrete
				   : a->value / AXIS_UNITS_PER_STEP;
	*a = (struct seat_axis){0};
	if (s->ptr_focus && ev.value != 0)
		wl_seat_emit(s->ptr_focus, &ev);
}

static void pointer_axis(void *data, struct wl_pointer *ptr, uint32_t time,
			 uint32_t axis, wl_fixed_t value)
{
	struct wl_pres_seat *s = data;

	(void)ptr, (void)time;
	if (axis > 1)
		return;
	s->axis[axis].has = true;
	s->axis[axis].value += wl_fixed_to_double(value);
	/* Before v5 there is no frame to wait for. */
	if (s->version < 5)
		axis_send(s, axis);
}

static void pointer_frame(void *data, struct wl_pointer *ptr)
{
	(void)ptr;
	axis_send(data, 0);
	axis_send(data, 1);
}

static void pointer_axis_source(void *data, struct wl_pointer *ptr,
				uint32_t source)
{
	(void)data, (void)ptr, (void)source;
}

static void pointer_axis_stop(void *data, struct wl_pointer *ptr,
			      uint32_t time, uint32_t axis)
{
	(void)data, (void)ptr, (void)time, (void)axis;
}

static void pointer_axis_discrete(void *data, struct wl_pointer *ptr,
				  uint32_t axis, int32_t discrete)
{
	struct wl_pres_seat *s = data;

	(void)ptr;
	if (axis > 1)
		return;
	s->axis[axis].has_discrete = true;
	s->axis[axis].discrete += discrete;
}

static void pointer_axis_value120(void *data, struct wl_pointer *ptr,
				  uint32_t axis, int32_t value120)
{
	(void)data, (void)ptr, (void)axis, (void)value120; /* not bound */
}

static const struct wl_pointer_listener pointer_listener = {
	.enter = pointer_enter,
	.leave = pointer_leave,
	.motion = pointer_motion,
	.button = pointer_button,
	.axis = pointer_axis,
	.frame = pointer_frame,
	.axis_source = pointer_axis_source,
	.axis_stop = pointer_axis_stop,
	.axis_discrete = pointer_axis_discrete,
	.axis_value120 = pointer_axis_value120,
};

/* ---- keyboard ---- */

static void keyboard_focus_lost(struct wl_pres_seat *s)
{
	if (s->kbd_focus)
		wl_seat_emit_type(s->kbd_focus, VINPUT_FOCUS_LOST);
	s->kbd_focus = NULL;
	s->n_keys = 0;
}

static void keyboard_keymap(void *data, struct wl_keyboard *kb,
			    uint32_t format, int32_t fd, uint32_t size)
{
	(void)data, (void)kb, (void)format, (void)size;
	/* The guest has its own keymap: evdev codes are all it needs. */
	close(fd);
}

static void keyboard_enter(void *data, struct wl_keyboard *kb,
			   uint32_t serial, struct wl_surface *surface,
			   struct wl_array *keys)
{
	struct wl_pres_seat *s = data;
	const uint32_t *k = keys->data;

	(void)kb, (void)serial;
	keyboard_focus_lost(s);
	s->kbd_focus = wl_pres_conn_from_surface(s->pres, surface);
	/* Keys already down were pressed elsewhere: the guest hears no
	 * press for them (and kbd/ drops a release it never saw pressed). */
	for (size_t i = 0; i < keys->size / sizeof(*k); i++)
		u32_add(s->keys, &s->n_keys, SEAT_MAX_KEYS, k[i]);
}

static void keyboard_leave(void *data, struct wl_keyboard *kb,
			   uint32_t serial, struct wl_surface *surface)
{
	(void)kb, (void)serial, (void)surface;
	keyboard_focus_lost(data);
}

static void keyboard_key(void *data, struct wl_keyboard *kb, uint32_t serial,
			 uint32_t time, uint32_t key, uint32_t state)
{
	struct wl_pres_seat *s = data;
	bool pressed = state == WL_KEYBOARD_KEY_STATE_PRESSED;
	struct vinput_event ev = {.type = VINPUT_KEY, .code = key,
				  .pressed = pressed};

	(void)kb, (void)serial, (void)time;
	if (!s->kbd_focus)
		return;
	if (pressed)
		u32_add(s->keys, &s->n_keys, SEAT_MAX_KEYS, key);
	else
		u32_remove(s->keys, &s->n_keys, key);
	wl_seat_emit(s->kbd_focus, &ev);
}

static void keyboard_modifiers(void *data, struct wl_keyboard *kb,
			       uint32_t serial, uint32_t depressed,
			       uint32_t latched, uint32_t locked,
			       uint32_t group)
{
	/* The guest derives its modifiers from the keys themselves. */
	(void)data, (void)kb, (void)serial, (void)depressed, (void)latched,
		(void)locked, (void)group;
}

static void keyboard_repeat_info(void *data, struct wl_keyboard *kb,
				 int32_t rate, int32_t delay)
{
	/* The guest repeats by itself. */
	(void)data, (void)kb, (void)rate, (void)delay;
}

static const struct wl_keyboard_listener keyboard_listener = {
	.keymap = keyboard_keymap,
	.enter = keyboard_enter,
	.leave = keyboard_leave,
	.key = keyboard_key,
	.modifiers = keyboard_modifiers,
	.repeat_info = keyboard_repeat_info,
};

/* ---- seat ---- */

static void drop_pointer(struct wl_pres_seat *s)
{
	pointer_release_buttons(s);
	s->ptr_focus = NULL;
	if (!s->pointer)
		return;
	if (s->version >= 3)
		wl_pointer_release(s->pointer);
	else
		wl_pointer_destroy(s->pointer);
	s->pointer = NULL;
}

static void drop_keyboard(struct wl_pres_seat *s)
{
	keyboard_focus_lost(s);
	if (!s->keyboard)
		return;
	if (s->version >= 3)
		wl_keyboard_release(s->keyboard);
	else
		wl_keyboard_destroy(s->keyboard);
	s->keyboard = NULL;
}

static void drop_touch(struct wl_pres_seat *s)
{
	wl_seat_touch_cancel_all(s);
	if (!s->touch)
		return;
	if (s->version >= 3)
		wl_touch_release(s->touch);
	else
		wl_touch_destroy(s->touch);
	s->touch = NULL;
}

static void seat_capabilities(void *data, struct wl_seat *seat, uint32_t caps)
{
	struct wl_pres_seat *s = data;

	if ((caps & WL_SEAT_CAPABILITY_POINTER) && !s->pointer) {
		s->pointer = wl_seat_get_pointer(seat);
		wl_pointer_add_listener(s->pointer, &pointer_listener, s);
	} else if (!(caps & WL_SEAT_CAPABILITY_POINTER)) {
		drop_pointer(s);
	}
	if ((caps & WL_SEAT_CAPABILITY_KEYBOARD) && !s->keyboard) {
		s->keyboard = wl_seat_get_keyboard(seat);
		wl_keyboard_add_listener(s->keyboard, &keyboard_listener, s);
	} else if (!(caps & WL_SEAT_CAPABILITY_KEYBOARD)) {
		drop_keyboard(s);
	}
	if ((caps & WL_SEAT_CAPABILITY_TOUCH) && !s->touch) {
		s->touch = wl_seat_get_touch(seat);
		wl_touch_add_listener(s->touch, &wl_seat_touch_listener, s);
	} else if (!(caps & WL_SEAT_CAPABILITY_TOUCH)) {
		drop_touch(s);
	}
}

static void seat_name(void *data, struct wl_seat *seat, const char *name)
{
	struct wl_pres_seat *s = data;

	(void)seat;
	log_info("wl: seat %u is \"%s\"", s->ordinal, name);
}

static const struct wl_seat_listener seat_listener = {
	.capabilities = seat_capabilities,
	.name = seat_name,
};

void wl_pres_seat_add(struct wl_pres *p, uint32_t global_name,
		      uint32_t version)
{
	struct wl_pres_seat *s = calloc(1, sizeof(*s));

	if (!s) {
		log_error("wl: no memory for a seat: its input is ignored");
		return;
	}
	s->pres = p;
	s->global_name = global_name;
	s->version = version < SEAT_VERSION ? version : SEAT_VERSION;
	s->ordinal = p->next_seat_ordinal++;
	s->seat = wl_registry_bind(p->registry, global_name,
				   &wl_seat_interface, s->version);
	wl_seat_add_listener(s->seat, &seat_listener, s);
	wl_list_insert(p->seats.prev, &s->link);
}

static void seat_destroy(struct wl_pres_seat *s)
{
	drop_pointer(s);
	drop_keyboard(s);
	drop_touch(s);
	if (s->version >= 5)
		wl_seat_release(s->seat);
	else
		wl_seat_destroy(s->seat);
	wl_list_remove(&s->link);
	free(s);
}

void wl_pres_seat_remove(struct wl_pres *p, uint32_t global_name)
{
	struct wl_pres_seat *s, *tmp;

	// cppcheck-suppress unknownMacro
	wl_list_for_each_safe(s, tmp, &p->seats, link) {
		if (s->global_name == global_name) {
			log_info("wl: seat %u removed", s->ordinal);
			seat_destroy(s);
		}
	}
}

void wl_pres_seats_destroy(struct wl_pres *p)
{
	struct wl_pres_seat *s, *tmp;

	if (!p->seats.next)
		return; /* never initialised */
	// cppcheck-suppress unknownMacro
	wl_list_for_each_safe(s, tmp, &p->seats, link)
		seat_destroy(s);
}

void wl_pres_seats_flush(struct wl_pres *p)
{
	struct wl_pres_seat *s;

	// cppcheck-suppress unknownMacro
	wl_list_for_each(s, &p->seats, link)
		wl_seat_touch_flush(s);
}

static void seat_forget_conn(struct wl_pres_seat *s, struct wl_pres_conn *c)
{
	bool held = s->ptr_focus == c || s->kbd_focus == c ||
		    wl_seat_touches_conn(s, c);

	/* One FOCUS_LOST releases every key and button and lifts every
	 * finger the guest was told of. */
	if (held)
		wl_seat_emit_type(c, VINPUT_FOCUS_LOST);
	if (s->ptr_focus == c) {
		s->ptr_focus = NULL;
		s->n_buttons = 0;
		s->ptr_sent = false;
	}
	if (s->kbd_focus == c) {
		s->kbd_focus = NULL;
		s->n_keys = 0;
	}
	for (int i = 0; i < SEAT_MAX_TOUCHES; i++)
		if (s->touches[i].conn == c)
			s->touches[i] = (struct seat_touch){0};
	for (unsigned i = 0; i < s->n_frame_conns; i++)
		if (s->frame_conns[i] == c)
			s->frame_conns[i--] = s->frame_conns[--s->n_frame_conns];
}

void wl_pres_seats_forget_conn(struct wl_pres *p, struct wl_pres_conn *c)
{
	struct wl_pres_seat *s;

	if (!p->seats.next)
		return;
	// cppcheck-suppress unknownMacro
	wl_list_for_each(s, &p->seats, link)
		seat_forget_conn(s, c);
}
