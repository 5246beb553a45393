/* What one libinput device has told one guest connector (linput_route.h):
 * positions mapped from the display onto the guest's picture, fingers,
 * keys and buttons remembered until released, and released here when the
 * device or the connector goes away without libinput saying so. */
#include <string.h>

#include "linput_route.h"

void lroute_init(struct lroute_dev *d, const struct vinput_sink *sink)
{
	*d = (struct lroute_dev){.sink = sink};
}

static void emit(struct lroute_dev *d, const struct vinput_event *ev)
{
	const struct lroute_target *t = &d->tgt;

	if (t->valid && d->sink->event)
		d->sink->event(d->sink->data, t->domid, t->unique_id,
			       t->width, t->height, ev);
}

static void emit_type(struct lroute_dev *d, enum vinput_type type)
{
	struct vinput_event ev = {.type = type};

	emit(d, &ev);
}

static bool holds_any(const struct lroute_dev *d)
{
	return d->n_touches || d->n_keys || d->n_buttons;
}

/* Forgets everything held and the target, telling the guest nothing. */
static void drop(struct lroute_dev *d)
{
	d->n_touches = 0;
	d->n_keys = 0;
	d->n_buttons = 0;
	d->frame_pending = false;
	d->ptr_valid = false;
	d->tgt.valid = false;
}

static bool same_conn(const struct lroute_target *a, uint32_t domid,
		      const char *unique_id)
{
	return a->valid && a->domid == domid &&
	       strncmp(a->unique_id, unique_id, LROUTE_ID_LEN) == 0;
}

static void set_placement(struct lroute_target *d,
			  const struct linput_target *t)
{
	d->mode_w = t->mode_w;
	d->mode_h = t->mode_h;
	d->dst = t->dst;
	d->src = t->src;
	/* No placement (or a nonsense one): the picture fills the display. */
	if (!t->mode_w || !t->mode_h || !t->dst.w || !t->dst.h ||
	    !t->src.w || !t->src.h) {
		d->mode_w = t->width;
		d->mode_h = t->height;
		d->dst = (struct kms_rect){0, 0, t->width, t->height};
		d->src = d->dst;
	}
}

bool lroute_retarget(struct lroute_dev *d, const struct linput_target *t)
{
	bool ok = t && t->unique_id && t->width && t->height &&
		  strlen(t->unique_id) < LROUTE_ID_LEN;

	/* The same connector at the same resolution keeps what it holds. */
	if (ok && same_conn(&d->tgt, t->domid, t->unique_id) &&
	    d->tgt.width == t->width && d->tgt.height == t->height) {
		set_placement(&d->tgt, t);
		return true;
	}
	if (holds_any(d))
		emit_type(d, VINPUT_FOCUS_LOST);
	drop(d);
	if (!ok)
		return false;
	d->tgt = (struct lroute_target){.valid = true, .domid = t->domid,
					.width = t->width,
					.height = t->height};
	strcpy(d->tgt.unique_id, t->unique_id);
	set_placement(&d->tgt, t);
	return true;
}

static double clamp(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

bool lroute_map(const struct lroute_target *t, double x, double y,
		double *gx, double *gy)
{
	bool inside = x >= t->dst.x && x < t->dst.x + (double)t->dst.w &&
		      y >= t->dst.y && y < t->dst.y + (double)t->dst.h;

	*gx = (x - t->dst.x) * t->src.w / t->dst.w + t->src.x;
	*gy = (y - t->dst.y) * t->src.h / t->dst.h + t->src.y;
	if (!inside) {
		*gx = clamp(*gx, 0, t->width - 1.0);
		*gy = clamp(*gy, 0, t->height - 1.0);
	}
	return inside;
}

/* ---- touch ---- */

static int touch_find(const struct lroute_dev *d, int32_t slot)
{
	for (unsigned i = 0; i < d->n_touches; i++)
		if (d->touches[i] == slot)
			return (int)i;
	return -1;
}

static void touch_emit(struct lroute_dev *d, enum vinput_type type,
		       int32_t slot, double x, double y)
{
	struct vinput_event ev = {.type = type, .id = slot};

	lroute_map(&d->tgt, x, y, &ev.x, &ev.y);
	d->frame_pending = true;
	emit(d, &ev);
}

void lroute_touch_down(struct lroute_dev *d, int32_t slot, double x,
		       double y)
{
	double gx, gy;

	/* A finger on the black around the picture touches nothing. */
	if (!d->tgt.valid || touch_find(d, slot) >= 0 ||
	    d->n_touches == LROUTE_MAX_TOUCHES ||
	    !lroute_map(&d->tgt, x, y, &gx, &gy))
		return;
	d->touches[d->n_touches++] = slot;
	touch_emit(d, VINPUT_TOUCH_DOWN, slot, x, y);
}

void lroute_touch_motion(struct lroute_dev *d, int32_t slot, double x,
			 double y)
{
	if (touch_find(d, slot) >= 0)
		touch_emit(d, VINPUT_TOUCH_MOTION, slot, x, y);
}

void lroute_touch_up(struct lroute_dev *d, int32_t slot)
{
	int i = touch_find(d, slot);
	struct vinput_event ev = {.type = VINPUT_TOUCH_UP, .id = slot};

	if (i < 0)
		return;
	d->touches[i] = d->touches[--d->n_touches];
	d->frame_pending = true;
	emit(d, &ev);
}

void lroute_touch_cancel(struct lroute_dev *d)
{
	if (!d->n_touches)
		return;
	d->n_touches = 0;
	d->frame_pending = false;
	emit_type(d, VINPUT_TOUCH_CANCEL);
}

void lroute_touch_frame(struct lroute_dev *d)
{
	if (!d->frame_pending)
		return;
	d->frame_pending = false;
	emit_type(d, VINPUT_TOUCH_FRAME);
}

/* ---- keys, buttons, pointer ---- */

static bool set_update(uint32_t *set, unsigned *n, unsigned cap,
		       uint32_t v, bool add)
{
	for (unsigned i = 0; i < *n; i++) {
		if (set[i] != v)
			continue;
		if (!add)
			set[i] = set[--*n];
		return !add;
	}
	if (!add || *n == cap)
		return false;
	set[(*n)++] = v;
	return true;
}

void lroute_key(struct lroute_dev *d, uint32_t code, bool pressed)
{
	struct vinput_event ev = {.type = VINPUT_KEY, .code = code,
				  .pressed = pressed};

	/* A release the guest never saw pressed is not sent. */
	if (d->tgt.valid &&
	    set_update(d->keys, &d->n_keys, LROUTE_MAX_KEYS, code, pressed))
		emit(d, &ev);
}

void lroute_button(struct lroute_dev *d, uint32_t code, bool pressed)
{
	struct vinput_event ev = {.type = VINPUT_POINTER_BUTTON,
				  .code = code, .pressed = pressed};

	if (d->tgt.valid && set_update(d->buttons, &d->n_buttons,
				       LROUTE_MAX_BUTTONS, code, pressed))
		emit(d, &ev);
}

static void pointer_to(struct lroute_dev *d, double gx, double gy)
{
	struct vinput_event ev = {.type = VINPUT_POINTER_MOTION};

	ev.x = clamp(gx, 0, d->tgt.width - 1.0);
	ev.y = clamp(gy, 0, d->tgt.height - 1.0);
	if (d->ptr_valid && ev.x == d->ptr_x && ev.y == d->ptr_y)
		return;
	d->ptr_valid = true;
	d->ptr_x = ev.x;
	d->ptr_y = ev.y;
	emit(d, &ev);
}

void lroute_pointer_rel(struct lroute_dev *d, double dx, double dy)
{
	const struct lroute_target *t = &d->tgt;

	if (!t->valid)
		return;
	/* A pointer nobody placed yet starts in the middle of the picture. */
	if (!d->ptr_valid) {
		d->ptr_x = t->width / 2.0;
		d->ptr_y = t->height / 2.0;
	}
	pointer_to(d, d->ptr_x + dx * t->src.w / t->dst.w,
		   d->ptr_y + dy * t->src.h / t->dst.h);
}

void lroute_pointer_abs(struct lroute_dev *d, double x, double y)
{
	double gx, gy;

	if (!d->tgt.valid)
		return;
	lroute_map(&d->tgt, x, y, &gx, &gy);
	pointer_to(d, gx, gy);
}

void lroute_axis(struct lroute_dev *d, uint32_t axis, double steps)
{
	struct vinput_event ev = {.type = VINPUT_POINTER_AXIS, .axis = axis,
				  .value = steps};

	if (d->tgt.valid && axis <= 1 && steps != 0)
		emit(d, &ev);
}

/* ---- loss ---- */

void lroute_release_all(struct lroute_dev *d)
{
	struct vinput_event ev = {.type = VINPUT_KEY};

	lroute_touch_cancel(d);
	for (unsigned i = 0; i < d->n_keys; i++) {
		ev.code = d->keys[i];
		emit(d, &ev);
	}
	ev.type = VINPUT_POINTER_BUTTON;
	for (unsigned i = 0; i < d->n_buttons; i++) {
		ev.code = d->buttons[i];
		emit(d, &ev);
	}
	drop(d);
}

void lroute_forget(struct lroute_dev *d, uint32_t domid,
		   const char *unique_id)
{
	if (!same_conn(&d->tgt, domid, unique_id))
		return;
	if (holds_any(d))
		emit_type(d, VINPUT_FOCUS_LOST);
	drop(d);
}
