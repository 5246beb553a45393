/* From compositor input on a connector to kbdif events.
 *
 * Touch: Wayland touch ids become contact ids in [0, num-contacts), lowest
 * free first, reused after UP; a finger beyond num-contacts is dropped with
 * everything it does later. A frame becomes XENKBD_MT_EV_SYN. Weston does
 * not deliver the frame after the last UP, so the UP that lifts the last
 * finger closes its own frame (a guest would otherwise keep the finger).
 * Positions are scaled from the connector's resolution to the touch area
 * (multi-touch-width/height), the pointer's to width/height, or to
 * [0, 0x7fff] when the guest asked for raw coordinates.
 *
 * Everything the guest has been told is down (keys, buttons, fingers) is
 * tracked, so losing focus can release all of it. */
#include <errno.h>
#include <math.h> /* isfinite: a macro, no libm */
#include <string.h>

#include "kbd_priv.h"

void kbd_state_reset(struct kbd_state *st)
{
	memset(st, 0, sizeof(*st));
}

/* v in [0, from) to [0, to - 1]; anything outside is clamped. */
static int32_t scale(double v, uint32_t from, uint32_t to)
{
	double s;

	if (from == 0 || to == 0 || !(v > 0))
		return 0;
	/* Positive: truncation is floor (no libm in this library). */
	s = v * (double)to / (double)from;
	if (s >= (double)(to - 1))
		return (int32_t)(to - 1);
	return (int32_t)s;
}

static double clampd(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static int put(struct kbd_device *d, const union xenkbd_in_event *ev)
{
	return kbd_ring_put(&d->ring, ev, &d->base.log);
}

/* ---- touch ---- */

static int contact_of(const struct kbd_device *d, int32_t wl_id)
{
	for (uint32_t i = 0; i < d->mt_contacts; i++) {
		if (d->st.contacts[i].down && d->st.contacts[i].wl_id == wl_id)
			return (int)i;
	}
	return -1;
}

/* A touch event of contact c: it makes the current frame worth a SYN
 * unless it merged into a held one. */
static int put_touch(struct kbd_device *d, union xenkbd_in_event *e, int c)
{
	int ret;

	e->mtouch.type = XENKBD_TYPE_MTOUCH;
	e->mtouch.contact_id = (uint8_t)c;
	ret = put(d, e);
	if (ret >= 0 && ret != KBD_PUT_COALESCED) {
		d->st.frame_pending = true;
		d->st.last_contact = (uint8_t)c;
	}
	return ret;
}

static int put_mt(struct kbd_device *d, uint8_t sub, int c,
		  const struct vinput_event *ev, uint32_t w, uint32_t h)
{
	union xenkbd_in_event e = { 0 };

	e.mtouch.event_type = sub;
	if (sub == XENKBD_MT_EV_DOWN || sub == XENKBD_MT_EV_MOTION) {
		e.mtouch.u.pos.abs_x = scale(ev->x, w, d->mt_width);
		e.mtouch.u.pos.abs_y = scale(ev->y, h, d->mt_height);
	}
	return put_touch(d, &e, c);
}

static void put_shape(struct kbd_device *d, int c,
		      const struct vinput_event *ev, uint32_t w, uint32_t h)
{
	/* An ellipse turns: its axes get the mean of both scale factors. */
	double f = ((double)d->mt_width / w + (double)d->mt_height / h) / 2;

	if (ev->has_shape && ev->major >= 0 && ev->minor >= 0) {
		union xenkbd_in_event e = { 0 };

		e.mtouch.event_type = XENKBD_MT_EV_SHAPE;
		e.mtouch.u.shape.major = (uint32_t)clampd(ev->major * f, 0, 1e9);
		e.mtouch.u.shape.minor = (uint32_t)clampd(ev->minor * f, 0, 1e9);
		put_touch(d, &e, c);
	}
	if (ev->has_orientation && isfinite(ev->orientation)) {
		union xenkbd_in_event e = { 0 };

		e.mtouch.event_type = XENKBD_MT_EV_ORIENT;
		double o = clampd(ev->orientation, -180, 180);

		e.mtouch.u.orientation = (int16_t)(o < 0 ? o - 0.5 : o + 0.5);
		put_touch(d, &e, c);
	}
}

static int put_syn(struct kbd_device *d)
{
	union xenkbd_in_event e = { 0 };

	d->st.frame_pending = false;
	e.mtouch.type = XENKBD_TYPE_MTOUCH;
	e.mtouch.event_type = XENKBD_MT_EV_SYN;
	e.mtouch.contact_id = d->st.last_contact;
	return put(d, &e);
}

static bool any_down(const struct kbd_device *d)
{
	for (uint32_t i = 0; i < d->mt_contacts; i++) {
		if (d->st.contacts[i].down)
			return true;
	}
	return false;
}

static int touch_down(struct kbd_device *d, const struct vinput_event *ev,
		      uint32_t w, uint32_t h)
{
	int c = -1, ret;

	if (contact_of(d, ev->id) >= 0)
		return -EINVAL; /* already down: the compositor is confused */
	for (uint32_t i = 0; i < d->mt_contacts && c < 0; i++) {
		if (!d->st.contacts[i].down)
			c = (int)i;
	}
	if (c < 0) {
		/* More fingers than the guest has contacts: this one is not
		 * mapped, so its motion and UP find nothing and go too. */
		d->st.touches_dropped++;
		return -ENOSPC;
	}
	ret = put_mt(d, XENKBD_MT_EV_DOWN, c, ev, w, h);
	if (ret < 0)
		return ret;
	d->st.contacts[c] = (struct kbd_contact){ .down = true,
						  .wl_id = ev->id };
	put_shape(d, c, ev, w, h);
	return 0;
}

static int touch_motion(struct kbd_device *d, const struct vinput_event *ev,
			uint32_t w, uint32_t h)
{
	int c = contact_of(d, ev->id), ret;

	if (c < 0)
		return 0;
	ret = put_mt(d, XENKBD_MT_EV_MOTION, c, ev, w, h);
	put_shape(d, c, ev, w, h);
	return ret < 0 ? ret : 0;
}

static int touch_up(struct kbd_device *d, int c)
{
	int ret = put_mt(d, XENKBD_MT_EV_UP, c, NULL, 0, 0);

	d->st.contacts[c].down = false;
	if (!any_down(d))
		put_syn(d); /* no frame follows the last UP in Weston */
	return ret < 0 ? ret : 0;
}

static int touch_lift_all(struct kbd_device *d)
{
	int ret = 0;

	for (uint32_t i = 0; i < d->mt_contacts; i++) {
		if (d->st.contacts[i].down && touch_up(d, (int)i) < 0)
			ret = -ENOSPC;
	}
	return ret;
}

static int map_touch(struct kbd_device *d, const struct vinput_event *ev,
		     uint32_t w, uint32_t h)
{
	int c;

	if (!d->mt)
		return 0; /* the guest did not ask for multi-touch */
	switch (ev->type) {
	case VINPUT_TOUCH_DOWN:
		return touch_down(d, ev, w, h);
	case VINPUT_TOUCH_MOTION:
		return touch_motion(d, ev, w, h);
	case VINPUT_TOUCH_UP:
		c = contact_of(d, ev->id);
		return c < 0 ? 0 : touch_up(d, c);
	case VINPUT_TOUCH_FRAME:
		return d->st.frame_pending ? put_syn(d) < 0 ? -ENOSPC : 0 : 0;
	default: /* VINPUT_TOUCH_CANCEL */
		return touch_lift_all(d);
	}
}

/* ---- keys and buttons ---- */

static bool held(const struct kbd_state *st, uint32_t code)
{
	return st->held[code / 32] & (1u << (code % 32));
}

static void set_held(struct kbd_state *st, uint32_t code, bool on)
{
	if (on)
		st->held[code / 32] |= 1u << (code % 32);
	else
		st->held[code / 32] &= ~(1u << (code % 32));
}

static int map_key(struct kbd_device *d, uint32_t code, bool pressed)
{
	union xenkbd_in_event e = { 0 };
	int ret;

	if (code > KEY_MAX)
		return -EINVAL;
	/* A release the guest never saw the press of (refused, or already
	 * released on focus loss) is not sent. */
	if (!pressed && !held(&d->st, code))
		return 0;
	e.key.type = XENKBD_TYPE_KEY;
	e.key.pressed = pressed;
	e.key.keycode = code;
	ret = put(d, &e);
	if (ret >= 0 || !pressed)
		set_held(&d->st, code, pressed && ret >= 0);
	return ret < 0 ? ret : 0;
}

static int release_all_keys(struct kbd_device *d)
{
	int ret = 0;

	for (uint32_t code = 0; code <= KEY_MAX; code++) {
		if (held(&d->st, code) && map_key(d, code, false) < 0)
			ret = -ENOSPC;
	}
	return ret;
}

/* ---- pointer ---- */

static int pointer_put(struct kbd_device *d, int32_t x, int32_t y,
		       int32_t wheel)
{
	union xenkbd_in_event e = { 0 };

	if (d->abs) {
		e.pos.type = XENKBD_TYPE_POS;
		e.pos.abs_x = x;
		e.pos.abs_y = y;
		e.pos.rel_z = wheel;
	} else {
		/* Only what the guest did not hear of yet moves it. */
		e.motion.type = XENKBD_TYPE_MOTION;
		e.motion.rel_x = d->st.have_ptr ? x - d->st.ptr_x : 0;
		e.motion.rel_y = d->st.have_ptr ? y - d->st.ptr_y : 0;
		e.motion.rel_z = wheel;
	}
	d->st.have_ptr = true;
	d->st.ptr_x = x;
	d->st.ptr_y = y;
	if (!d->abs && !e.motion.rel_x && !e.motion.rel_y && !wheel)
		return 0; /* an anchor, or no move at all */
	return put(d, &e) < 0 ? -ENOSPC : 0;
}

static int pointer_motion(struct kbd_device *d, const struct vinput_event *ev,
			  uint32_t w, uint32_t h)
{
	uint32_t tw = d->raw ? KBD_RAW_RANGE : d->width;
	uint32_t th = d->raw ? KBD_RAW_RANGE : d->height;

	return pointer_put(d, scale(ev->x, w, tw), scale(ev->y, h, th), 0);
}

static int pointer_axis(struct kbd_device *d, const struct vinput_event *ev)
{
	double steps;

	/* kbdif has one wheel (rel_z, the vertical one); value counts
	 * steps, positive down, as Wayland's. */
	if (ev->axis != 0 || !isfinite(ev->value))
		return 0;
	d->st.wheel = clampd(d->st.wheel + ev->value, -1e6, 1e6);
	steps = (double)(int32_t)d->st.wheel; /* toward zero */
	if (steps == 0)
		return 0;
	d->st.wheel -= steps;
	if (d->abs && !d->st.have_ptr)
		return 0; /* nowhere to put a POS yet */
	return pointer_put(d, d->st.ptr_x, d->st.ptr_y,
			   (int32_t)steps);
}

static int focus_lost(struct kbd_device *d)
{
	int ret = release_all_keys(d);

	if (d->mt && touch_lift_all(d) < 0)
		ret = -ENOSPC;
	/* The pointer comes back from somewhere else: no relative jump. */
	d->st.have_ptr = false;
	d->st.wheel = 0;
	return ret;
}

int kbd_map_event(struct kbd_device *d, uint32_t width, uint32_t height,
		  const struct vinput_event *ev)
{
	if (width == 0 || height == 0)
		return -EINVAL;
	switch (ev->type) {
	case VINPUT_TOUCH_DOWN:
	case VINPUT_TOUCH_MOTION:
	case VINPUT_TOUCH_UP:
	case VINPUT_TOUCH_FRAME:
	case VINPUT_TOUCH_CANCEL:
		return map_touch(d, ev, width, height);
	case VINPUT_POINTER_MOTION:
		return pointer_motion(d, ev, width, height);
	case VINPUT_POINTER_BUTTON:
	case VINPUT_KEY:
		return map_key(d, ev->code, ev->pressed);
	case VINPUT_POINTER_AXIS:
		return pointer_axis(d, ev);
	case VINPUT_FOCUS_LOST:
		return focus_lost(d);
	}
	return -EINVAL;
}
