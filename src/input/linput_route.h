/* Private to src/input/: what one libinput device has told one guest
 * connector, so that whatever takes the device or the connector away
 * still releases it. Pure (no libinput): libinput_src.c feeds it events
 * already in display pixels; tests/unit/input/ feeds it directly. */
#ifndef VDISPLD_LINPUT_ROUTE_H
#define VDISPLD_LINPUT_ROUTE_H

#include <stdbool.h>
#include <stdint.h>

#include "libinput_src.h"

#define LROUTE_MAX_TOUCHES 16
#define LROUTE_MAX_KEYS 64
#define LROUTE_MAX_BUTTONS 16
#define LROUTE_ID_LEN 64

/* A copy of the linput_target a device's events go to. */
struct lroute_target {
	bool valid;
	uint32_t domid;
	char unique_id[LROUTE_ID_LEN];
	uint32_t width, height;
	uint32_t mode_w, mode_h; /* never 0 once valid */
	struct kms_rect dst, src;
};

struct lroute_dev {
	const struct vinput_sink *sink;
	struct lroute_target tgt;
	/* libinput seat slots of the fingers the guest was told are down. */
	int32_t touches[LROUTE_MAX_TOUCHES];
	unsigned n_touches;
	bool frame_pending; /* touch events since the last frame */
	uint32_t keys[LROUTE_MAX_KEYS];
	unsigned n_keys;
	uint32_t buttons[LROUTE_MAX_BUTTONS];
	unsigned n_buttons;
	bool ptr_valid; /* ptr_x/y were sent (guest pixels) */
	double ptr_x, ptr_y;
};

void lroute_init(struct lroute_dev *d, const struct vinput_sink *sink);

/* The device's output now shows t (NULL: no guest connector). Another
 * connector than before: whatever is held on the old one is released
 * with one FOCUS_LOST. Returns whether a target is set. */
bool lroute_retarget(struct lroute_dev *d, const struct linput_target *t);

/* Display pixels (0..mode_w, 0..mode_h) to the guest connector's pixels;
 * false when the point is outside the picture (the result is then
 * clamped to its edge). */
bool lroute_map(const struct lroute_target *t, double x, double y,
		double *gx, double *gy);

/* Events, positions in display pixels. */
void lroute_touch_down(struct lroute_dev *d, int32_t slot, double x,
		       double y);
void lroute_touch_motion(struct lroute_dev *d, int32_t slot, double x,
			 double y);
void lroute_touch_up(struct lroute_dev *d, int32_t slot);
/* libinput cancels a finger: the guest hears one TOUCH_CANCEL, which
 * lifts every finger of this device (vinput has no per-finger cancel). */
void lroute_touch_cancel(struct lroute_dev *d);
void lroute_touch_frame(struct lroute_dev *d);
void lroute_key(struct lroute_dev *d, uint32_t code, bool pressed);
void lroute_button(struct lroute_dev *d, uint32_t code, bool pressed);
/* Relative motion: accumulated, clamped to the picture. */
void lroute_pointer_rel(struct lroute_dev *d, double dx, double dy);
void lroute_pointer_abs(struct lroute_dev *d, double x, double y);
void lroute_axis(struct lroute_dev *d, uint32_t axis, double steps);

/* The device is gone: a TOUCH_CANCEL for its fingers, a release for each
 * key and button; the target is dropped. */
void lroute_release_all(struct lroute_dev *d);
/* The connector is going away: FOCUS_LOST when the device holds anything
 * on it, and the target is dropped. */
void lroute_forget(struct lroute_dev *d, uint32_t domid,
		   const char *unique_id);

#endif
