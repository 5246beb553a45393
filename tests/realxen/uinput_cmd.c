/* realxen_uinput_cmd: Dom0's own touchscreen and keyboard for the KMS run
 * (dom0-kms.sh), made with uinput, which vdispld's libinput source reads
 * as it would a car's touchscreen. Dom0 runs no udevd, so the udev
 * database entries udevd would write are written here (libinput takes a
 * device's kind from them).
 *
 * Usage: realxen_uinput_cmd W H   (the output's mode: touch positions are
 * given in its pixels). Prints "uinput: touch NODE kbd NODE" once both
 * devices exist, then reads commands from stdin, one per line:
 *   down SLOT X Y | move SLOT X Y | up SLOT | frame | key CODE 0|1 | sleep MS
 * At end of input both devices are unplugged. Exit 0, or 1 with the reason. */
#include <linux/input-event-codes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "uinput_dev.h"

/* The device value whose position libinput maps into pixel px of a
 * size-pixel axis: transformed = v * size / (TOUCH_MAX + 1) must land in
 * [px, px + 1), so round up. */
static int to_device(int px, int size)
{
	long long v = ((long long)px * (TOUCH_MAX + 1) + size - 1) / size;
	return v > TOUCH_MAX ? TOUCH_MAX : (int)v;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

struct touch_state {
	int down;	/* fingers on the glass */
	int next_id;	/* tracking ids, never reused */
};

static int command(struct udev_fake *t, struct udev_fake *k,
		   struct touch_state *ts, const char *line, int w, int h)
{
	int slot, x, y, code, v;
	long ms;

	if (sscanf(line, "down %d %d %d", &slot, &x, &y) == 3) {
		uinput_emit(t, EV_ABS, ABS_MT_SLOT, slot);
		uinput_emit(t, EV_ABS, ABS_MT_TRACKING_ID, ts->next_id++);
		uinput_emit(t, EV_ABS, ABS_MT_POSITION_X, to_device(x, w));
		uinput_emit(t, EV_ABS, ABS_MT_POSITION_Y, to_device(y, h));
		if (ts->down++ == 0) {
			uinput_emit(t, EV_KEY, BTN_TOUCH, 1);
			uinput_emit(t, EV_ABS, ABS_X, to_device(x, w));
			uinput_emit(t, EV_ABS, ABS_Y, to_device(y, h));
		}
	} else if (sscanf(line, "move %d %d %d", &slot, &x, &y) == 3) {
		uinput_emit(t, EV_ABS, ABS_MT_SLOT, slot);
		uinput_emit(t, EV_ABS, ABS_MT_POSITION_X, to_device(x, w));
		uinput_emit(t, EV_ABS, ABS_MT_POSITION_Y, to_device(y, h));
	} else if (sscanf(line, "up %d", &slot) == 1) {
		uinput_emit(t, EV_ABS, ABS_MT_SLOT, slot);
		uinput_emit(t, EV_ABS, ABS_MT_TRACKING_ID, -1);
		if (ts->down > 0 && --ts->down == 0)
			uinput_emit(t, EV_KEY, BTN_TOUCH, 0);
	} else if (strncmp(line, "frame", 5) == 0) {
		uinput_syn(t);
	} else if (sscanf(line, "key %d %d", &code, &v) == 2) {
		uinput_emit(k, EV_KEY, (uint16_t)code, v);
		uinput_syn(k);
	} else if (sscanf(line, "sleep %ld", &ms) == 1) {
		sleep_ms(ms);
	} else {
		fprintf(stderr, "uinput: unknown command '%s'\n", line);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct udev_fake t = {.fd = -1}, k = {.fd = -1};
	struct touch_state ts = {0, 100};
	char line[128];
	int w, h, rc = 0;

	if (argc != 3 || sscanf(argv[1], "%d", &w) != 1 ||
	    sscanf(argv[2], "%d", &h) != 1 || w <= 0 || h <= 0) {
		fprintf(stderr, "usage: %s WIDTH HEIGHT < commands\n", argv[0]);
		return 1;
	}
	if (uinput_touchscreen(&t) < 0 || uinput_keyboard(&k) < 0 ||
	    uinput_udev_db(&t, true) < 0 || uinput_udev_db(&k, true) < 0) {
		uinput_unplug(&t);
		uinput_unplug(&k);
		return 1;
	}
	printf("uinput: touch %s kbd %s\n", t.node, k.node);
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] && command(&t, &k, &ts, line, w, h) < 0)
			rc = 1;
	}
	uinput_unplug(&t);
	uinput_unplug(&k);
	return rc;
}
