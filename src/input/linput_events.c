/* One libinput event of a device to the guest connector shown on the
 * device's output (linput_route.c does the bookkeeping). Touch and
 * absolute pointer positions are asked of libinput in the display mode's
 * pixels, then mapped onto the guest's picture. */
#include "linput_priv.h"

/* A wheel click in libinput's v120 units; finger and continuous scrolling
 * come in pointer units, 10 a step as on the Wayland path. */
#define V120_PER_STEP 120.0
#define UNITS_PER_STEP 10.0

/* The output's guest connector now, or false (what the device held on
 * a connector no longer there is released by the retarget). */
static bool retarget(struct linput_dev *d)
{
	struct linput_src *s = d->src;
	struct linput_target t = {0};

	if (!d->output || !s->resolve ||
	    !s->resolve(s->resolve_data, d->output, &t))
		return lroute_retarget(&d->route, NULL);
	return lroute_retarget(&d->route, &t);
}

static void touch_event(struct lroute_dev *r, enum libinput_event_type type,
			struct libinput_event_touch *t)
{
	int32_t slot = -1;
	double x = 0, y = 0;

	if (type != LIBINPUT_EVENT_TOUCH_FRAME)
		slot = libinput_event_touch_get_seat_slot(t);
	if (type == LIBINPUT_EVENT_TOUCH_DOWN ||
	    type == LIBINPUT_EVENT_TOUCH_MOTION) {
		x = libinput_event_touch_get_x_transformed(t, r->tgt.mode_w);
		y = libinput_event_touch_get_y_transformed(t, r->tgt.mode_h);
	}
	switch (type) {
	case LIBINPUT_EVENT_TOUCH_DOWN:
		lroute_touch_down(r, slot, x, y);
		break;
	case LIBINPUT_EVENT_TOUCH_MOTION:
		lroute_touch_motion(r, slot, x, y);
		break;
	case LIBINPUT_EVENT_TOUCH_UP:
		lroute_touch_up(r, slot);
		break;
	case LIBINPUT_EVENT_TOUCH_CANCEL:
		lroute_touch_cancel(r);
		break;
	default: /* LIBINPUT_EVENT_TOUCH_FRAME */
		lroute_touch_frame(r);
		break;
	}
}

static void scroll_event(struct lroute_dev *r, enum libinput_event_type type,
			 struct libinput_event_pointer *p)
{
	static const enum libinput_pointer_axis axes[2] = {
		LIBINPUT_POINTER_AXIS_SCROLL_VERTICAL,
		LIBINPUT_POINTER_AXIS_SCROLL_HORIZONTAL};

	for (uint32_t i = 0; i < 2; i++) {
		if (!libinput_event_pointer_has_axis(p, axes[i]))
			continue;
		if (type == LIBINPUT_EVENT_POINTER_SCROLL_WHEEL)
			lroute_axis(r, i, libinput_event_pointer_get_scroll_value_v120(
						  p, axes[i]) / V120_PER_STEP);
		else
			lroute_axis(r, i, libinput_event_pointer_get_scroll_value(
						  p, axes[i]) / UNITS_PER_STEP);
	}
}

static void pointer_event(struct lroute_dev *r, enum libinput_event_type type,
			  struct libinput_event_pointer *p)
{
	switch (type) {
	case LIBINPUT_EVENT_POINTER_MOTION:
		lroute_pointer_rel(r, libinput_event_pointer_get_dx(p),
				   libinput_event_pointer_get_dy(p));
		break;
	case LIBINPUT_EVENT_POINTER_MOTION_ABSOLUTE:
		lroute_pointer_abs(
			r,
			libinput_event_pointer_get_absolute_x_transformed(
				p, r->tgt.mode_w),
			libinput_event_pointer_get_absolute_y_transformed(
				p, r->tgt.mode_h));
		break;
	case LIBINPUT_EVENT_POINTER_BUTTON:
		lroute_button(r, libinput_event_pointer_get_button(p),
			      libinput_event_pointer_get_button_state(p) ==
				      LIBINPUT_BUTTON_STATE_PRESSED);
		break;
	default: /* the SCROLL_* events (the old AXIS one duplicates them) */
		scroll_event(r, type, p);
		break;
	}
}

void linput_event(struct linput_dev *d, struct libinput_event *ev)
{
	enum libinput_event_type type = libinput_event_get_type(ev);
	struct libinput_event_keyboard *k;

	switch (type) {
	case LIBINPUT_EVENT_KEYBOARD_KEY:
		if (!retarget(d))
			return;
		k = libinput_event_get_keyboard_event(ev);
		lroute_key(&d->route, libinput_event_keyboard_get_key(k),
			   libinput_event_keyboard_get_key_state(k) ==
				   LIBINPUT_KEY_STATE_PRESSED);
		return;
	case LIBINPUT_EVENT_POINTER_MOTION:
	case LIBINPUT_EVENT_POINTER_MOTION_ABSOLUTE:
	case LIBINPUT_EVENT_POINTER_BUTTON:
	case LIBINPUT_EVENT_POINTER_SCROLL_WHEEL:
	case LIBINPUT_EVENT_POINTER_SCROLL_FINGER:
	case LIBINPUT_EVENT_POINTER_SCROLL_CONTINUOUS:
		if (retarget(d))
			pointer_event(&d->route, type,
				      libinput_event_get_pointer_event(ev));
		return;
	case LIBINPUT_EVENT_TOUCH_DOWN:
	case LIBINPUT_EVENT_TOUCH_MOTION:
	case LIBINPUT_EVENT_TOUCH_UP:
	case LIBINPUT_EVENT_TOUCH_CANCEL:
	case LIBINPUT_EVENT_TOUCH_FRAME:
		if (retarget(d))
			touch_event(&d->route, type,
				    libinput_event_get_touch_event(ev));
		return;
	default:
		return; /* gestures, tablets, switches: not for kbdif */
	}
}
