/* Input without a compositor: Dom0's touchscreens, pointers and keyboards
 * read through libinput, each device belonging to a display output (a KMS
 * connector name such as "Virtual-1") and so to the guest connector shown
 * on that output, and handed to a vinput_sink like the Wayland path's
 * input (include/input.h).
 *
 * Devices come from listed paths (libinput's path backend: no seat, no
 * logind) or from a udev seat. Either way udevd must have processed a
 * device: libinput takes its kind (ID_INPUT_TOUCHSCREEN, ..._KEYBOARD)
 * from udev's database and won't use a node udev never initialised. A device goes to the output
 * its mapping names (by path, event node name or device name), else to
 * the output its udev WL_OUTPUT property names (as Weston does), else to
 * the default output.
 *
 * Release on loss, as on Wayland: a device removed, or its output taken by
 * another guest connector or by none, or the guest connector forgotten,
 * releases what the guest was told is held (TOUCH_CANCEL for fingers,
 * releases or FOCUS_LOST for keys and buttons). */
#ifndef VDISPLD_LIBINPUT_SRC_H
#define VDISPLD_LIBINPUT_SRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "input.h"
#include "kms_plan.h"

struct loop;
struct linput_src;

/* One device -> output mapping. device: a path (/dev/input/event3, a
 * by-path or by-id link), an event node name (event3) or the device's
 * name as the kernel reports it. */
struct linput_map {
	const char *device;
	const char *output;
};

struct linput_config {
	/* Every device of this udev seat (e.g. "seat0"); NULL: only the
	 * paths listed in maps are opened. */
	const char *seat;
	const struct linput_map *maps;
	size_t n_maps;
	/* The output of a device no mapping names; NULL: such devices are
	 * ignored. */
	const char *default_output;
};

/* The guest connector shown on an output. */
struct linput_target {
	uint32_t domid;
	const char *unique_id; /* copied: only needs to live for the call */
	uint32_t width, height; /* the guest connector's resolution */
	/* Where the picture lies on the display, in mode pixels (the KMS
	 * plan's pick: mode size, dst and src). mode_w == 0: the picture
	 * fills the display. */
	uint32_t mode_w, mode_h;
	struct kms_rect dst, src;
};

/* Fills *t and returns true when a guest connector is shown on output. */
typedef bool (*linput_resolve_fn)(void *data, const char *output,
				  struct linput_target *t);

/* NULL (reason logged) when libinput can't start. Listed paths that
 * don't exist yet are tried again every few seconds. */
struct linput_src *linput_src_create(struct loop *loop,
				     const struct linput_config *cfg,
				     linput_resolve_fn resolve,
				     void *resolve_data,
				     const struct vinput_sink *sink);
/* Releases everything held first. NULL is a no-op. */
void linput_src_destroy(struct linput_src *src);

/* The guest connector is going away (or moving to another output):
 * everything a device holds on it is released now. */
void linput_src_forget(struct linput_src *src, uint32_t domid,
		       const char *unique_id);

/* How many devices libinput has added and not removed. */
size_t linput_src_device_count(const struct linput_src *src);

/* Parses one "DEVICE OUTPUT" setting value (the output is the last word;
 * the device may contain spaces). Returns 0 and fills *m with pointers
 * into buf (modified), or -EINVAL. */
int linput_map_parse(char *buf, struct linput_map *m);

#endif
