/* Touch of one wl_seat (see wl_seat.c for the whole story): a touch point
 * belongs to the surface it went down on, its motion and up go to that
 * connector even outside the surface; a down or motion waits for its
 * frame (so shape and orientation ride on it) and goes out at the frame,
 * before any up, or at the end of the dispatch at the latest. */
#include <string.h>

#include "log.h"
#include "wl_seat.h"

/* Touch ids are per seat: two seats may both use id 0 on one connector. */
static int32_t touch_vid(const struct wl_pres_seat *s, int32_t id)
{
	return (int32_t)((s->ordinal & 0x7fffu) << 16 | ((uint32_t)id & 0xffffu));
}

static struct seat_touch *touch_find(struct wl_pres_seat *s, int32_t id)
{
	for (int i = 0; i < SEAT_MAX_TOUCHES; i++)
		if (s->touches[i].active && s->touches[i].id == id)
			return &s->touches[i];
	return NULL;
}

static void frame_add(struct wl_pres_seat *s, struct wl_pres_conn *c)
{
	for (unsigned i = 0; i < s->n_frame_conns; i++)
		if (s->frame_conns[i] == c)
			return;
	if (s->n_frame_conns < SEAT_MAX_TOUCHES)
		s->frame_conns[s->n_frame_conns++] = c;
}

/* Sends every down/motion waiting for its frame, oldest first. */
void wl_seat_touch_flush(struct wl_pres_seat *s)
{
	for (;;) {
		struct seat_touch *next = NULL;

		for (int i = 0; i < SEAT_MAX_TOUCHES; i++) {
			struct seat_touch *t = &s->touches[i];

			if (t->active && t->pending_seq &&
			    (!next || t->pending_seq < next->pending_seq))
				next = t;
		}
		if (!next)
			return;
		next->pending_seq = 0;
		wl_seat_emit(next->conn, &next->ev);
	}
}

static void touch_hold(struct wl_pres_seat *s, struct seat_touch *t,
		       enum vinput_type type, wl_fixed_t sx, wl_fixed_t sy)
{
	t->ev = (struct vinput_event){.type = type,
				      .id = touch_vid(s, t->id)};
	wl_seat_to_conn(t->conn, sx, sy, &t->ev.x, &t->ev.y);
	t->pending_seq = ++s->touch_seq;
	frame_add(s, t->conn);
}

static void touch_down(void *data, struct wl_touch *wt, uint32_t serial,
		       uint32_t time, struct wl_surface *surface, int32_t id,
		       wl_fixed_t sx, wl_fixed_t sy)
{
	struct wl_pres_seat *s = data;
	struct wl_pres_conn *c = wl_pres_conn_from_surface(s->pres, surface);
	struct seat_touch *t = NULL;

	(void)wt, (void)serial, (void)time;
	if (!c || touch_find(s, id))
		return; /* not ours, or the compositor reused a live id */
	for (int i = 0; i < SEAT_MAX_TOUCHES && !t; i++)
		if (!s->touches[i].active)
			t = &s->touches[i];
	if (!t) {
		log_warn("wl: more than %d touch points; ignoring one",
			 SEAT_MAX_TOUCHES);
		return;
	}
	*t = (struct seat_touch){.active = true, .id = id, .conn = c};
	touch_hold(s, t, VINPUT_TOUCH_DOWN, sx, sy);
}

static void touch_motion(void *data, struct wl_touch *wt, uint32_t time,
			 int32_t id, wl_fixed_t sx, wl_fixed_t sy)
{
	struct wl_pres_seat *s = data;
	struct seat_touch *t = touch_find(s, id);

	(void)wt, (void)time;
	if (!t)
		return;
	if (t->pending_seq)
		wl_seat_touch_flush(s);
	touch_hold(s, t, VINPUT_TOUCH_MOTION, sx, sy);
}

static void touch_up(void *data, struct wl_touch *wt, uint32_t serial,
		     uint32_t time, int32_t id)
{
	struct wl_pres_seat *s = data;
	struct seat_touch *t = touch_find(s, id);
	struct vinput_event ev = {.type = VINPUT_TOUCH_UP};

	(void)wt, (void)serial, (void)time;
	if (!t)
		return;
	wl_seat_touch_flush(s);
	ev.id = touch_vid(s, id);
	t->active = false;
	frame_add(s, t->conn);
	wl_seat_emit(t->conn, &ev);
}

static void touch_frame(void *data, struct wl_touch *wt)
{
	struct wl_pres_seat *s = data;

	(void)wt;
	wl_seat_touch_flush(s);
	for (unsigned i = 0; i < s->n_frame_conns; i++)
		wl_seat_emit_type(s->frame_conns[i], VINPUT_TOUCH_FRAME);
	s->n_frame_conns = 0;
}

/* Every touch point of this seat is gone, on every connector it was on. */
void wl_seat_touch_cancel_all(struct wl_pres_seat *s)
{
	for (int i = 0; i < SEAT_MAX_TOUCHES; i++) {
		struct seat_touch *t = &s->touches[i];

		if (!t->active)
			continue;
		wl_seat_emit_type(t->conn, VINPUT_TOUCH_CANCEL);
		/* One cancel per connector lifts all of its contacts. */
		for (int j = i; j < SEAT_MAX_TOUCHES; j++)
			if (s->touches[j].conn == t->conn)
				s->touches[j].active = false;
	}
	memset(s->touches, 0, sizeof(s->touches));
	s->n_frame_conns = 0;
}

static void touch_cancel(void *data, struct wl_touch *wt)
{
	(void)wt;
	wl_seat_touch_cancel_all(data);
}

static void touch_shape(void *data, struct wl_touch *wt, int32_t id,
			wl_fixed_t major, wl_fixed_t minor)
{
	struct wl_pres_seat *s = data;
	struct seat_touch *t = touch_find(s, id);
	double sw, sh;

	(void)wt;
	if (!t || !t->pending_seq)
		return; /* only ever follows its down or motion */
	wl_seat_surface_size(t->conn, &sw, &sh);
	t->ev.has_shape = true;
	t->ev.major = wl_fixed_to_double(major) * t->conn->info.width / sw;
	t->ev.minor = wl_fixed_to_double(minor) * t->conn->info.width / sw;
}

static void touch_orientation(void *data, struct wl_touch *wt, int32_t id,
			      wl_fixed_t orientation)
{
	struct wl_pres_seat *s = data;
	struct seat_touch *t = touch_find(s, id);

	(void)wt;
	if (!t || !t->pending_seq)
		return;
	t->ev.has_orientation = true;
	t->ev.orientation = wl_fixed_to_double(orientation);
}

const struct wl_touch_listener wl_seat_touch_listener = {
	.down = touch_down,
	.up = touch_up,
	.motion = touch_motion,
	.frame = touch_frame,
	.cancel = touch_cancel,
	.shape = touch_shape,
	.orientation = touch_orientation,
};

bool wl_seat_touches_conn(const struct wl_pres_seat *s,
			      const struct wl_pres_conn *c)
{
	for (int i = 0; i < SEAT_MAX_TOUCHES; i++)
		if (s->touches[i].active && s->touches[i].conn == c)
			return true;
	return false;
}

