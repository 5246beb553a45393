/* Runs inside a VM (tests/kms-input/run.sh): the libinput source on real
 * kernel input devices. A uinput multi-touch touchscreen belongs to
 * Virtual-1, which shows guest connector A (800x600 centred on a
 * 1024x768 mode); a uinput keyboard belongs to Virtual-2, which shows B
 * (1024x768). Both are listed by path (libinput's path backend; the
 * keyboard's udev entry appears only once the source runs, as when udevd
 * is slower than devtmpfs, so it comes on a retry), or, with --seat
 * seat0, found on the udev seat. A recording sink checks what the guests
 * would hear:
 *   1. two fingers and a move: positions exact on A's picture, a finger
 *      on the black border ignored, one frame per report;
 *   2. a key typed on B;
 *   3. A forgotten (its connector going away) with a finger down:
 *      FOCUS_LOST, then nothing of that finger;
 *   4. both devices unplugged with a finger and a key down: one
 *      TOUCH_CANCEL for A, one release of the key for B.
 * Lines starting with "KMS-INPUT" are for run.sh. */
#include <linux/input.h>
#include <stdio.h>
#include <string.h>

#include "libinput_src.h"
#include "log.h"
#include "loop.h"
#include "uinput_dev.h"

#define MAX_REC 128

struct rec {
	uint32_t domid;
	char uid[8];
	struct vinput_event ev;
};

static struct rec recs[MAX_REC];
static unsigned n_recs, failures;

static const char *const type_names[] = {
	"TOUCH_DOWN", "TOUCH_MOTION", "TOUCH_UP", "TOUCH_FRAME",
	"TOUCH_CANCEL", "POINTER_MOTION", "POINTER_BUTTON", "POINTER_AXIS",
	"KEY", "FOCUS_LOST"};

static void record(void *data, uint32_t domid, const char *unique_id,
		   uint32_t width, uint32_t height,
		   const struct vinput_event *ev)
{
	(void)data;
	printf("KMS-INPUT ev dom%u/%s %ux%u %s id=%d x=%g y=%g code=%u %s\n",
	       domid, unique_id, width, height, type_names[ev->type], ev->id,
	       ev->x, ev->y, ev->code, ev->pressed ? "pressed" : "");
	if (n_recs == MAX_REC)
		return;
	recs[n_recs].domid = domid;
	snprintf(recs[n_recs].uid, sizeof(recs[n_recs].uid), "%s", unique_id);
	recs[n_recs++].ev = *ev;
}

static bool resolve(void *data, const char *output, struct linput_target *t)
{
	(void)data;
	if (!strcmp(output, "Virtual-1")) {
		*t = (struct linput_target){.domid = 1, .unique_id = "A",
					    .width = 800, .height = 600,
					    .mode_w = 1024, .mode_h = 768};
		kms_place(800, 600, 1024, 768, KMS_FIT_CENTRE, &t->dst,
			  &t->src);
		return true;
	}
	if (!strcmp(output, "Virtual-2")) {
		*t = (struct linput_target){.domid = 2, .unique_id = "B",
					    .width = 1024, .height = 768};
		return true;
	}
	return false;
}

static void check(bool ok, const char *what)
{
	printf("KMS-INPUT %s: %s\n", ok ? "ok" : "FAIL", what);
	if (!ok)
		failures++;
}

/* Turns the loop until n events are recorded (or 5 s went by: then the
 * count check that follows fails, saying so). */
static void pump_until(struct loop *loop, unsigned n)
{
	uint64_t end = loop_now_ns() + 5000000000ull;

	while (n_recs < n && loop_now_ns() < end)
		loop_dispatch(loop, 20);
}

static bool is(unsigned i, enum vinput_type type, uint32_t domid)
{
	return i < n_recs && recs[i].ev.type == type &&
	       recs[i].domid == domid;
}

static bool at(unsigned i, double x, double y)
{
	return i < n_recs && recs[i].ev.x == x && recs[i].ev.y == y;
}

static void finger(struct udev_fake *t, int slot, int id, int x, int y)
{
	uinput_emit(t, EV_ABS, ABS_MT_SLOT, slot);
	uinput_emit(t, EV_ABS, ABS_MT_TRACKING_ID, id);
	if (id >= 0) {
		uinput_emit(t, EV_ABS, ABS_MT_POSITION_X, x);
		uinput_emit(t, EV_ABS, ABS_MT_POSITION_Y, y);
	}
}

static void pump_devices(struct loop *loop, struct linput_src *src, size_t n)
{
	uint64_t end = loop_now_ns() + 5000000000ull;

	while (linput_src_device_count(src) != n && loop_now_ns() < end)
		loop_dispatch(loop, 20);
}

/* 1. Two fingers on A's picture and one on the black border, a move,
 * all lifted. libinput gives positions as (v - min) * W / (max - min + 1)
 * for W = 1024, 768; A's picture starts at (112, 84) on the mode. */
static void step_touch(struct loop *loop, struct udev_fake *t)
{
	finger(t, 0, 100, 2048, 2048); /* 512, 384 -> 400, 300 */
	finger(t, 1, 101, 1000, 3000); /* 250, 562.5 -> 138, 478.5 */
	finger(t, 2, 102, 100, 100);   /* 25, 18.75: on the border */
	uinput_emit(t, EV_KEY, BTN_TOUCH, 1);
	uinput_emit(t, EV_ABS, ABS_X, 2048);
	uinput_emit(t, EV_ABS, ABS_Y, 2048);
	uinput_syn(t);
	pump_until(loop, 3);
	check(n_recs == 3, "two fingers down on A, the border one ignored");
	check(is(0, VINPUT_TOUCH_DOWN, 1) && at(0, 400, 300),
	      "finger 1 at (400, 300) of 800x600");
	check(is(1, VINPUT_TOUCH_DOWN, 1) && at(1, 138, 478.5),
	      "finger 2 at (138, 478.5)");
	check(recs[0].ev.id != recs[1].ev.id, "two touch ids");
	check(is(2, VINPUT_TOUCH_FRAME, 1), "one frame");
	finger(t, 0, 100, 2052, 2048); /* 513 -> 401 */
	uinput_emit(t, EV_ABS, ABS_X, 2052);
	uinput_syn(t);
	pump_until(loop, 5);
	check(is(3, VINPUT_TOUCH_MOTION, 1) && at(3, 401, 300) &&
		      recs[3].ev.id == recs[0].ev.id,
	      "finger 1 moved to (401, 300)");
	check(is(4, VINPUT_TOUCH_FRAME, 1), "frame after the move");
	finger(t, 0, -1, 0, 0);
	finger(t, 1, -1, 0, 0);
	finger(t, 2, -1, 0, 0);
	uinput_emit(t, EV_KEY, BTN_TOUCH, 0);
	uinput_syn(t);
	pump_until(loop, 8);
	check(n_recs == 8 && is(5, VINPUT_TOUCH_UP, 1) &&
		      is(6, VINPUT_TOUCH_UP, 1) &&
		      recs[5].ev.id + recs[6].ev.id ==
			      recs[0].ev.id + recs[1].ev.id &&
		      is(7, VINPUT_TOUCH_FRAME, 1),
	      "both fingers up, the border one unheard");
}

/* 2. A key typed on B. */
static void step_key(struct loop *loop, struct udev_fake *k)
{
	uinput_emit(k, EV_KEY, KEY_A, 1);
	uinput_syn(k);
	uinput_emit(k, EV_KEY, KEY_A, 0);
	uinput_syn(k);
	pump_until(loop, 10);
	check(is(8, VINPUT_KEY, 2) && !strcmp(recs[8].uid, "B") &&
		      recs[8].ev.code == KEY_A && recs[8].ev.pressed &&
		      is(9, VINPUT_KEY, 2) && !recs[9].ev.pressed,
	      "KEY_A pressed and released on B");
}

/* 3. A's connector goes away with a finger down: FOCUS_LOST; that
 * finger's move and lift reach nobody; the next finger does. */
static void step_forget(struct loop *loop, struct linput_src *src,
			struct udev_fake *t)
{
	finger(t, 0, 103, 2048, 1024); /* 512, 192 -> 400, 108 */
	uinput_emit(t, EV_KEY, BTN_TOUCH, 1);
	uinput_syn(t);
	pump_until(loop, 12);
	check(is(10, VINPUT_TOUCH_DOWN, 1) && at(10, 400, 108),
	      "finger 3 at (400, 108)");
	linput_src_forget(src, 1, "A");
	check(n_recs == 13 && is(12, VINPUT_FOCUS_LOST, 1),
	      "A forgotten: FOCUS_LOST");
	finger(t, 0, 103, 3000, 1024);
	uinput_syn(t);
	finger(t, 0, -1, 0, 0);
	uinput_emit(t, EV_KEY, BTN_TOUCH, 0);
	uinput_syn(t);
	finger(t, 1, 104, 2048, 2048);
	uinput_emit(t, EV_KEY, BTN_TOUCH, 1);
	uinput_syn(t);
	pump_until(loop, 15);
	check(is(13, VINPUT_TOUCH_DOWN, 1) && at(13, 400, 300) &&
		      is(14, VINPUT_TOUCH_FRAME, 1),
	      "the forgotten finger unheard, the next one down at (400, 300)");
}

/* 4. Unplugged with a finger (on A) and a key (on B) down. */
static void step_unplug(struct loop *loop, struct linput_src *src,
			struct udev_fake *t, struct udev_fake *k)
{
	unsigned a = 0, b = 0, cancels = 0, releases = 0;

	uinput_emit(k, EV_KEY, KEY_LEFTSHIFT, 1);
	uinput_syn(k);
	pump_until(loop, 16);
	check(is(15, VINPUT_KEY, 2) && recs[15].ev.pressed,
	      "KEY_LEFTSHIFT held on B");
	uinput_unplug(t);
	uinput_unplug(k);
	pump_devices(loop, src, 0);
	check(linput_src_device_count(src) == 0, "both devices removed");
	for (unsigned i = 16; i < n_recs; i++) {
		const struct vinput_event *ev = &recs[i].ev;

		a += recs[i].domid == 1;
		b += recs[i].domid == 2;
		cancels += is(i, VINPUT_TOUCH_CANCEL, 1);
		releases += is(i, VINPUT_KEY, 2) &&
			    ev->code == KEY_LEFTSHIFT && !ev->pressed;
	}
	check(a == 1 && cancels == 1, "A: one TOUCH_CANCEL, nothing else");
	check(b == 1 && releases == 1, "B: one release of KEY_LEFTSHIFT");
}

int main(int argc, char **argv)
{
	struct udev_fake touch = {.fd = -1}, kbd = {.fd = -1};
	struct vinput_sink sink = {.event = record};
	/* The nodes are filled in once the devices exist. */
	const struct linput_map maps[2] = {{touch.node, "Virtual-1"},
					   {kbd.node, "Virtual-2"}};
	/* --seat seat0: the same through libinput's udev backend. */
	struct linput_config cfg = {
		.maps = maps, .n_maps = 2,
		.seat = argc == 3 && !strcmp(argv[1], "--seat") ? argv[2]
							       : NULL};
	struct loop *loop;
	struct linput_src *src;

	setvbuf(stdout, NULL, _IOLBF, 0);
	log_init(LOG_LVL_INFO, "kms_input");
	if (uinput_touchscreen(&touch) < 0 || uinput_keyboard(&kbd) < 0) {
		printf("KMS-INPUT-FAIL no uinput devices\n");
		return 1;
	}
	printf("KMS-INPUT touchscreen %s, keyboard %s\n", touch.node, kbd.node);
	/* The keyboard's node exists before udevd has processed it: the
	 * path backend opens it on a retry once udevd has. */
	if (!cfg.seat)
		uinput_udev_db(&kbd, false);
	loop = loop_create();
	src = loop ? linput_src_create(loop, &cfg, resolve, NULL, &sink) : NULL;
	if (!src) {
		printf("KMS-INPUT-FAIL the libinput source did not start\n");
		return 1;
	}
	if (!cfg.seat) {
		pump_devices(loop, src, 1);
		check(linput_src_device_count(src) == 1,
		      "the keyboard waits for udev");
		uinput_udev_db(&kbd, true);
	}
	pump_devices(loop, src, 2);
	check(linput_src_device_count(src) == 2, "both devices added");
	step_touch(loop, &touch);
	step_key(loop, &kbd);
	step_forget(loop, src, &touch);
	step_unplug(loop, src, &touch, &kbd);
	linput_src_destroy(src);
	loop_destroy(loop);
	printf("KMS-INPUT-RESULT failures=%u events=%u\n", failures, n_recs);
	printf("%s\n", failures ? "KMS-INPUT-FAIL" : "KMS-INPUT-PASS");
	return failures ? 1 : 0;
}
