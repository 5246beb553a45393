/* Input events from the display server, already addressed to one guest
 * connector. wl/ produces them (wl_touch, wl_pointer, wl_keyboard on a
 * connector's surface); kbd/ turns them into kbdif events for the vkbd
 * device of the same guest whose unique-id matches. Neither side knows the
 * other: main.c connects them through a vinput_sink. */
#ifndef VDISPLD_INPUT_H
#define VDISPLD_INPUT_H

#include <stdbool.h>
#include <stdint.h>

enum vinput_type {
	VINPUT_TOUCH_DOWN,	/* id, x, y (+ major/minor/orientation) */
	VINPUT_TOUCH_MOTION,	/* id, x, y */
	VINPUT_TOUCH_UP,	/* id */
	VINPUT_TOUCH_FRAME,	/* end of a group of touch events */
	VINPUT_TOUCH_CANCEL,	/* every touch of this surface is gone */
	VINPUT_POINTER_MOTION,	/* x, y */
	VINPUT_POINTER_BUTTON,	/* code (BTN_*), pressed */
	VINPUT_POINTER_AXIS,	/* axis (0 vertical, 1 horizontal), value */
	VINPUT_KEY,		/* code (KEY_*), pressed */
	VINPUT_FOCUS_LOST,	/* pointer/keyboard/touch left: release all */
};

struct vinput_event {
	enum vinput_type type;
	int32_t id;	   /* compositor's touch id */
	/* Position in the connector's own pixels (0..width, 0..height of its
	 * resolution), whatever the surface's on-screen scale. */
	double x, y;
	uint32_t code;	   /* Linux input event code */
	bool pressed;
	uint32_t axis;
	double value;	   /* axis steps (discrete) or surface units */
	/* Touch shape where the compositor provides it; has_shape false
	 * otherwise. */
	bool has_shape;
	double major, minor;
	bool has_orientation;
	double orientation; /* degrees */
};

/* Where the presenter sends input. domid + unique_id name the connector;
 * width/height are its resolution (the frame x/y are relative to). */
struct vinput_sink {
	void (*event)(void *data, uint32_t domid, const char *unique_id,
		      uint32_t width, uint32_t height,
		      const struct vinput_event *ev);
	void *data;
};

#endif
