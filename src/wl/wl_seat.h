/* Private to src/wl/: one wl_seat's state, shared by wl_seat.c (seat,
 * pointer, keyboard) and wl_seat_touch.c. */
#ifndef VDISPLD_WL_SEAT_H
#define VDISPLD_WL_SEAT_H

#include <stdbool.h>
#include <stdint.h>

#include "wl_internal.h"

#define SEAT_MAX_TOUCHES 32
#define SEAT_MAX_BUTTONS 16
#define SEAT_MAX_KEYS 64
/* wl_pointer.axis without axis_discrete: Weston and libinput give one
 * wheel click as 10 surface units. */
#define AXIS_UNITS_PER_STEP 10.0
/* v7: keymap fds mapped private; v8+ adds axis_value120 we don't need. */
#define SEAT_VERSION 7u

struct seat_touch {
	bool active;
	int32_t id; /* the compositor's */
	struct wl_pres_conn *conn;
	uint64_t pending_seq; /* 0: nothing waiting for the frame */
	struct vinput_event ev;
};

struct seat_axis {
	bool has, has_discrete;
	double value;
	int32_t discrete;
};

struct wl_pres_seat {
	struct wl_pres *pres;
	struct wl_list link;
	uint32_t global_name, version, ordinal;
	struct wl_seat *seat;
	struct wl_pointer *pointer;
	struct wl_keyboard *keyboard;
	struct wl_touch *touch;

	struct wl_pres_conn *ptr_focus;
	bool ptr_sent; /* ptr_x/y were sent to ptr_focus */
	double ptr_x, ptr_y;
	uint32_t buttons[SEAT_MAX_BUTTONS];
	unsigned n_buttons;
	struct seat_axis axis[2];

	struct wl_pres_conn *kbd_focus;
	uint32_t keys[SEAT_MAX_KEYS];
	unsigned n_keys;

	struct seat_touch touches[SEAT_MAX_TOUCHES];
	uint64_t touch_seq;
	/* Connectors that got touch events since the last frame. */
	struct wl_pres_conn *frame_conns[SEAT_MAX_TOUCHES];
	unsigned n_frame_conns;
};

/* wl_seat.c */
void wl_seat_emit(struct wl_pres_conn *c, const struct vinput_event *ev);
void wl_seat_emit_type(struct wl_pres_conn *c, enum vinput_type type);
void wl_seat_to_conn(const struct wl_pres_conn *c, wl_fixed_t sx,
		     wl_fixed_t sy, double *x, double *y);
void wl_seat_surface_size(const struct wl_pres_conn *c, double *w, double *h);

/* wl_seat_touch.c */
extern const struct wl_touch_listener wl_seat_touch_listener;
/* Sends every down/motion waiting for its frame, oldest first. */
void wl_seat_touch_flush(struct wl_pres_seat *s);
/* Every touch point of this seat is gone: a cancel per connector. */
void wl_seat_touch_cancel_all(struct wl_pres_seat *s);
bool wl_seat_touches_conn(const struct wl_pres_seat *s,
			  const struct wl_pres_conn *c);

#endif
