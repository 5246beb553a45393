/* A tiny Wayland client for input tests: one fullscreen xdg_toplevel
 * (so it sits at 0,0 of the output, whatever the shell), a wl_seat with
 * pointer, keyboard and touch, and a log of every input event it gets. */
#ifndef VDISPLD_TEST_INPUT_CLIENT_H
#define VDISPLD_TEST_INPUT_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ic_kind {
	IC_POINTER_ENTER, IC_POINTER_LEAVE, IC_POINTER_MOTION,
	IC_POINTER_BUTTON, IC_POINTER_AXIS,
	IC_KEYBOARD_ENTER, IC_KEYBOARD_LEAVE, IC_KEY,
	IC_TOUCH_DOWN, IC_TOUCH_UP, IC_TOUCH_MOTION, IC_TOUCH_FRAME,
	IC_TOUCH_CANCEL,
};

struct ic_event {
	enum ic_kind kind;
	int32_t id;	  /* touch id */
	double x, y;	  /* surface coordinates */
	uint32_t code;	  /* button / key / axis */
	uint32_t state;	  /* pressed 1, released 0 */
	double value;	  /* axis */
};

#define IC_MAX_EVENTS 256

struct input_client;

/* Connects to $WAYLAND_DISPLAY, maps the fullscreen window and waits for a
 * seat with all three capabilities (up to timeout_ms). NULL on failure,
 * with the reason on stderr. */
struct input_client *input_client_create(int timeout_ms);
void input_client_destroy(struct input_client *c);
/* Round trip: every event the compositor sent so far is in the log. */
int input_client_sync(struct input_client *c);
size_t input_client_events(const struct input_client *c,
			   const struct ic_event **events);
void input_client_clear(struct input_client *c);
void input_client_size(const struct input_client *c, int *w, int *h);

#endif
