/* Private to src/input/: the libinput source's state, shared by
 * libinput_src.c (context, devices, loss) and linput_events.c (one
 * libinput event to the route of its device). */
#ifndef VDISPLD_LINPUT_PRIV_H
#define VDISPLD_LINPUT_PRIV_H

#include <libinput.h>
#include <libudev.h>

#include "linput_route.h"

struct linput_dev {
	struct linput_src *src;
	struct libinput_device *dev;
	char *output; /* NULL: its events go nowhere */
	struct lroute_dev route;
	struct linput_dev *next;
};

/* One configured mapping, copied. */
struct linput_slot {
	char *device, *output;
	/* Path backend: the device opened from this path; NULL while the
	 * path is absent (tried again on the retry timer). */
	struct libinput_device *opened;
	bool warned; /* the failure to open it was logged */
};

struct linput_src {
	struct loop *loop;
	struct libinput *li;
	struct udev *udev;
	bool seat_mode; /* udev seat; else listed paths */
	struct loop_source *watch, *retry, *initial;
	struct linput_slot *slots;
	size_t n_slots;
	char *default_output;
	linput_resolve_fn resolve;
	void *resolve_data;
	struct vinput_sink sink;
	struct linput_dev *devs;
};

/* linput_events.c: routes one input event of a known device. */
void linput_event(struct linput_dev *d, struct libinput_event *ev);

#endif
