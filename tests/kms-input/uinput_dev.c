/* uinput devices for kms_input (uinput_dev.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/uinput.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "uinput_dev.h"

static int fail(const char *what)
{
	int e = errno ? errno : EIO;

	printf("KMS-INPUT uinput: %s: %s\n", what, strerror(e));
	return -e;
}

static int abs_setup(int fd, uint16_t code, int32_t max, int32_t res)
{
	struct uinput_abs_setup a = {.code = code,
				     .absinfo = {.maximum = max,
						 .resolution = res}};

	if (ioctl(fd, UI_SET_ABSBIT, code) < 0 ||
	    ioctl(fd, UI_ABS_SETUP, &a) < 0)
		return -1;
	return 0;
}

/* The event node the kernel made for the uinput device: its sysfs
 * directory names it; devtmpfs creates /dev/input/eventN shortly. */
static int find_node(struct udev_fake *u)
{
	char sys[64], dir[128];
	struct dirent *de;
	DIR *d;
	struct stat st;

	if (ioctl(u->fd, UI_GET_SYSNAME(sizeof(sys)), sys) < 0)
		return fail("UI_GET_SYSNAME");
	snprintf(dir, sizeof(dir), "/sys/devices/virtual/input/%s", sys);
	d = opendir(dir);
	if (!d)
		return fail(dir);
	u->node[0] = 0;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, "event", 5))
			snprintf(u->node, sizeof(u->node), "/dev/input/%s",
				 de->d_name);
	closedir(d);
	for (int i = 0; i < 500 && u->node[0] && stat(u->node, &st) < 0; i++)
		usleep(10000);
	if (!u->node[0] || stat(u->node, &st) < 0)
		return fail("no event node");
	snprintf(u->db, sizeof(u->db), "/run/udev/data/c%u:%u",
		 major(st.st_rdev), minor(st.st_rdev));
	return 0;
}

/* What udevd's input_id builtin says of such a device; I: marks it
 * initialised (libinput waits for that). */
int uinput_udev_db(struct udev_fake *u, bool present)
{
	struct timespec ts;
	FILE *f;

	if (!present)
		return unlink(u->db) == 0 ? 0 : fail(u->db);
	mkdir("/run/udev", 0755);
	mkdir("/run/udev/data", 0755);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	f = fopen(u->db, "w");
	if (!f)
		return fail(u->db);
	fprintf(f, "I:%llu\nE:ID_INPUT=1\n%s",
		(unsigned long long)ts.tv_sec * 1000000ull + ts.tv_nsec / 1000 + 1,
		u->props);
	return fclose(f) == 0 ? 0 : fail(u->db);
}

static int create(struct udev_fake *u, const char *name, const char *props)
{
	struct uinput_setup us = {.id = {.bustype = BUS_VIRTUAL,
					 .vendor = 0x5644, .product = 1}};
	int ret;

	snprintf(us.name, sizeof(us.name), "%s", name);
	if (ioctl(u->fd, UI_DEV_SETUP, &us) < 0 ||
	    ioctl(u->fd, UI_DEV_CREATE) < 0)
		return fail("UI_DEV_CREATE");
	ret = find_node(u);
	u->props = props;
	return ret < 0 ? ret : uinput_udev_db(u, true);
}

int uinput_touchscreen(struct udev_fake *u)
{
	u->fd = open("/dev/uinput", O_WRONLY | O_CLOEXEC);
	if (u->fd < 0)
		return fail("/dev/uinput");
	/* 16 units/mm: a 256 mm x 256 mm screen. */
	if (ioctl(u->fd, UI_SET_EVBIT, EV_KEY) < 0 ||
	    ioctl(u->fd, UI_SET_KEYBIT, BTN_TOUCH) < 0 ||
	    ioctl(u->fd, UI_SET_EVBIT, EV_ABS) < 0 ||
	    ioctl(u->fd, UI_SET_PROPBIT, INPUT_PROP_DIRECT) < 0 ||
	    abs_setup(u->fd, ABS_X, TOUCH_MAX, 16) < 0 ||
	    abs_setup(u->fd, ABS_Y, TOUCH_MAX, 16) < 0 ||
	    abs_setup(u->fd, ABS_MT_SLOT, 9, 0) < 0 ||
	    abs_setup(u->fd, ABS_MT_TRACKING_ID, 65535, 0) < 0 ||
	    abs_setup(u->fd, ABS_MT_POSITION_X, TOUCH_MAX, 16) < 0 ||
	    abs_setup(u->fd, ABS_MT_POSITION_Y, TOUCH_MAX, 16) < 0)
		return fail("touchscreen bits");
	return create(u, "vdispld test touchscreen",
		      "E:ID_INPUT_TOUCHSCREEN=1\n");
}

int uinput_keyboard(struct udev_fake *u)
{
	u->fd = open("/dev/uinput", O_WRONLY | O_CLOEXEC);
	if (u->fd < 0)
		return fail("/dev/uinput");
	if (ioctl(u->fd, UI_SET_EVBIT, EV_KEY) < 0)
		return fail("EV_KEY");
	for (int k = KEY_ESC; k <= KEY_KPDOT; k++)
		if (ioctl(u->fd, UI_SET_KEYBIT, k) < 0)
			return fail("UI_SET_KEYBIT");
	return create(u, "vdispld test keyboard",
		      "E:ID_INPUT_KEY=1\nE:ID_INPUT_KEYBOARD=1\n");
}

void uinput_unplug(struct udev_fake *u)
{
	if (u->fd < 0)
		return;
	ioctl(u->fd, UI_DEV_DESTROY);
	close(u->fd);
	u->fd = -1;
	unlink(u->db);
}

void uinput_emit(struct udev_fake *u, uint16_t type, uint16_t code,
		 int32_t value)
{
	struct input_event ev = {.type = type, .code = code, .value = value};

	if (write(u->fd, &ev, sizeof(ev)) != sizeof(ev))
		fail("write");
}

void uinput_syn(struct udev_fake *u)
{
	uinput_emit(u, EV_SYN, SYN_REPORT, 0);
}
