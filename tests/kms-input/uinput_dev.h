/* Dom0 input devices made with uinput for kms_input (the VM test of the
 * libinput source): a multi-touch touchscreen (type B slots,
 * INPUT_PROP_DIRECT) and a keyboard, and the udev database entry udevd
 * would write for each (the VM runs no udevd; libinput reads only the
 * ID_INPUT_* properties from it). */
#ifndef VDISPLD_TEST_UINPUT_DEV_H
#define VDISPLD_TEST_UINPUT_DEV_H

#include <stdbool.h>
#include <stdint.h>

#define TOUCH_MAX 4095 /* both axes: 0..4095 */

struct udev_fake {
	int fd;		/* the uinput fd; -1 once destroyed */
	char node[300];	/* /dev/input/eventN */
	char db[80];	/* /run/udev/data/c13:M */
	const char *props; /* its E: lines */
};

/* 0 or -errno (reason printed). */
int uinput_touchscreen(struct udev_fake *u);
int uinput_keyboard(struct udev_fake *u);
/* Writes (or removes) the device's udev entry, as udevd does when it has
 * processed the device. 0 or -errno. */
int uinput_udev_db(struct udev_fake *u, bool present);
/* Unplugs the device (UI_DEV_DESTROY) and removes its udev entry. */
void uinput_unplug(struct udev_fake *u);

/* Writes one event; SYN_REPORT with syn. */
void uinput_emit(struct udev_fake *u, uint16_t type, uint16_t code,
		 int32_t value);
void uinput_syn(struct udev_fake *u);

#endif
