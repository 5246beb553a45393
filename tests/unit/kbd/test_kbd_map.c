/* Touch, pointer and key mapping: exact kbdif sequences a guest receives. */
#include <stdarg.h>
#include <setjmp.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "kbd_harness.h"

#define D 1u
#define U "c0"

int kbd_tests_map(void);

static struct kbd_ctx ctx;
static struct kh_dev k;
static union xenkbd_in_event ev[512];

static struct kh_fixture fix = { &ctx, { &k } };

/* Two fingers on an 800x600 connector with a 1600x1200 touch area: every
 * coordinate doubles, each frame ends in SYN, ids are stable and reused. */
static void two_fingers(void **state)
{
	(void)state;
	kh_setup_linux(&k, &ctx, 1600, 1200, 4);
	assert_int_equal(kh_touch(&ctx, D, U, VINPUT_TOUCH_DOWN, 17, 100, 50), 0);
	kh_simple(&ctx, D, U, VINPUT_TOUCH_FRAME);
	kh_touch(&ctx, D, U, VINPUT_TOUCH_DOWN, 23, 400.5, 300.25);
	kh_simple(&ctx, D, U, VINPUT_TOUCH_FRAME);
	kh_touch(&ctx, D, U, VINPUT_TOUCH_MOTION, 17, 110, 60);
	kh_touch(&ctx, D, U, VINPUT_TOUCH_MOTION, 23, 410, 310);
	kh_simple(&ctx, D, U, VINPUT_TOUCH_FRAME);
	kh_touch(&ctx, D, U, VINPUT_TOUCH_UP, 17, 0, 0);
	kh_simple(&ctx, D, U, VINPUT_TOUCH_FRAME);
	kh_touch(&ctx, D, U, VINPUT_TOUCH_MOTION, 23, 799.9, 599.9);
	kh_simple(&ctx, D, U, VINPUT_TOUCH_FRAME);
	/* Weston sends no frame after the last up: the UP closes it. */
	kh_touch(&ctx, D, U, VINPUT_TOUCH_UP, 23, 0, 0);
	/* A late frame adds nothing. */
	kh_simple(&ctx, D, U, VINPUT_TOUCH_FRAME);
	/* A new finger gets contact 0 again. */
	kh_touch(&ctx, D, U, VINPUT_TOUCH_DOWN, 99, 1, 2);
	kh_simple(&ctx, D, U, VINPUT_TOUCH_FRAME);

	assert_int_equal(kh_consume(&k, ev, 0, false), 15);
	kh_expect_mt(&ev[0], XENKBD_MT_EV_DOWN, 0, 200, 100);
	kh_expect_mt(&ev[1], XENKBD_MT_EV_SYN, 0, 0, 0);
	kh_expect_mt(&ev[2], XENKBD_MT_EV_DOWN, 1, 801, 600);
	kh_expect_mt(&ev[3], XENKBD_MT_EV_SYN, 0, 0, 0);
	kh_expect_mt(&ev[4], XENKBD_MT_EV_MOTION, 0, 220, 120);
	kh_expect_mt(&ev[5], XENKBD_MT_EV_MOTION, 1, 820, 620);
	kh_expect_mt(&ev[6], XENKBD_MT_EV_SYN, 0, 0, 0);
	kh_expect_mt(&ev[7], XENKBD_MT_EV_UP, 0, 0, 0);
	kh_expect_mt(&ev[8], XENKBD_MT_EV_SYN, 0, 0, 0);
	kh_expect_mt(&ev[9], XENKBD_MT_EV_MOTION, 1, 1599, 1199); /* clamped */
	kh_expect_mt(&ev[10], XENKBD_MT_EV_SYN, 0, 0, 0);
	kh_expect_mt(&ev[11], XENKBD_MT_EV_UP, 1, 0, 0);
	kh_expect_mt(&ev[12], XENKBD_MT_EV_SYN, 0, 0, 0);
	kh_expect_mt(&ev[13], XENKBD_MT_EV_DOWN, 0, 2, 4);
	kh_expect_mt(&ev[14], XENKBD_MT_EV_SYN, 0, 0, 0);
	/* One notification per input event that wrote something. */
	assert_true(fake_evtchn_notifies(k.port) >= 10);
}

/* num-contacts 2: the third finger is dropped, with its motion and up,
 * even after a contact frees up; the next new finger gets the free id. */
static void contacts_exhausted(void **state)
{
	(void)state;
	kh_setup_linux(&k, &ctx, 800, 600, 2);
	kh_touch(&ctx, D, U, VINPUT_TOUCH_DOWN, 1, 10, 10);
	kh_touch(&ctx, D, U, VINPUT_TOUCH_DOWN, 2, 20, 20);
	assert_int_equal(kh_touch(&ctx, D, U, VINPUT_TOUCH_DOWN, 3, 30, 30),
			 -ENOSPC);
	kh_simple(&ctx, D, U, VINPUT_TOUCH_FRAME);
	kh_touch(&ctx, D, U, VINPUT_TOUCH_UP, 1, 0, 0);
	kh_touch(&ctx, D, U, VINPUT_TOUCH_MOTION, 3, 31, 31);
	kh_simple(&ctx, D, U, VINPUT_TOUCH_FRAME);
	kh_touch(&ctx, D, U, VINPUT_TOUCH_UP, 3, 0, 0);
	kh_touch(&ctx, D, U, VINPUT_TOUCH_DOWN, 4, 40, 40);
	kh_simple(&ctx, D, U, VINPUT_TOUCH_FRAME);

	assert_int_equal(kh_consume(&k, ev, 0, false), 7);
	kh_expect_mt(&ev[0], XENKBD_MT_EV_DOWN, 0, 10, 10);
	kh_expect_mt(&ev[1], XENKBD_MT_EV_DOWN, 1, 20, 20);
	kh_expect_mt(&ev[2], XENKBD_MT_EV_SYN, 0, 0, 0);
	kh_expect_mt(&ev[3], XENKBD_MT_EV_UP, 0, 0, 0);
	kh_expect_mt(&ev[4], XENKBD_MT_EV_SYN, 0, 0, 0);
	kh_expect_mt(&ev[5], XENKBD_MT_EV_DOWN, 0, 40, 40);
	kh_expect_mt(&ev[6], XENKBD_MT_EV_SYN, 0, 0, 0);
	assert_int_equal(k.dev->st.touches_dropped, 1);
}

static void touch_shape_orientation(void **state)
{
	struct vinput_event t = { .type = VINPUT_TOUCH_DOWN, .id = 5, .x = 10,
				  .y = 10, .has_shape = true, .major = 8,
				  .minor = 4, .has_orientation = true,
				  .orientation = -45.4 };

	(void)state;
	kh_setup_linux(&k, &ctx, 1600, 1200, 2);
	assert_int_equal(kbd_input_event(&ctx, D, U, 800, 600, &t), 0);
	assert_int_equal(kh_consume(&k, ev, 0, false), 3);
	kh_expect_mt(&ev[0], XENKBD_MT_EV_DOWN, 0, 20, 20);
	kh_expect_mt(&ev[1], XENKBD_MT_EV_SHAPE, 0, 0, 0);
	assert_int_equal(ev[1].mtouch.u.shape.major, 16);
	assert_int_equal(ev[1].mtouch.u.shape.minor, 8);
	kh_expect_mt(&ev[2], XENKBD_MT_EV_ORIENT, 0, 0, 0);
	assert_int_equal(ev[2].mtouch.u.orientation, -45);
}

/* A guest that did not request multi-touch gets no touch events. */
static void touch_not_requested(void **state)
{
	(void)state;
	kh_dev_init(&k, D, 0, U);
	kh_be(&k, "feature-multi-touch", "1");
	assert_int_equal(kh_connect(&k, &ctx), 0);
	assert_int_equal(kh_touch(&ctx, D, U, VINPUT_TOUCH_DOWN, 1, 10, 10), 0);
	kh_simple(&ctx, D, U, VINPUT_TOUCH_FRAME);
	assert_int_equal(kh_unread(&k), 0);
}

/* Absolute pointer scaled to width x height; buttons as KEY; wheel as
 * rel_z at the current position. */
static void pointer_absolute(void **state)
{
	struct vinput_event axis = { .type = VINPUT_POINTER_AXIS, .axis = 0,
				     .value = 1.5 };

	(void)state;
	kh_dev_init(&k, D, 0, U);
	kh_be(&k, "feature-abs-pointer", "1");
	kh_be(&k, "width", "1920");
	kh_be(&k, "height", "1080");
	kh_fe(&k, "request-abs-pointer", "1");
	assert_int_equal(kh_connect(&k, &ctx), 0);
	kh_touch(&ctx, D, U, VINPUT_POINTER_MOTION, 0, 400, 300);
	kh_key(&ctx, D, U, VINPUT_POINTER_BUTTON, BTN_LEFT, true);
	kh_key(&ctx, D, U, VINPUT_POINTER_BUTTON, BTN_LEFT, false);
	kbd_input_event(&ctx, D, U, 800, 600, &axis); /* 1 step, 0.5 kept */
	kbd_input_event(&ctx, D, U, 800, 600, &axis); /* 2 steps */
	axis.axis = 1; /* horizontal: kbdif has no such wheel */
	kbd_input_event(&ctx, D, U, 800, 600, &axis);
	assert_int_equal(kh_consume(&k, ev, 0, false), 5);
	kh_expect_pos(&ev[0], 960, 540, 0);
	kh_expect_key(&ev[1], BTN_LEFT, true);
	kh_expect_key(&ev[2], BTN_LEFT, false);
	kh_expect_pos(&ev[3], 960, 540, 1);
	kh_expect_pos(&ev[4], 960, 540, 2);
}

/* Raw coordinates span 0..0x7fff whatever width/height say. */
static void pointer_raw(void **state)
{
	(void)state;
	kh_dev_init(&k, D, 0, U);
	kh_be(&k, "feature-abs-pointer", "1");
	kh_be(&k, "feature-raw-pointer", "1");
	kh_fe(&k, "request-abs-pointer", "1");
	kh_fe(&k, "request-raw-pointer", "1");
	assert_int_equal(kh_connect(&k, &ctx), 0);
	kh_touch(&ctx, D, U, VINPUT_POINTER_MOTION, 0, 400, 300);
	kh_touch(&ctx, D, U, VINPUT_POINTER_MOTION, 0, 799.99, 599.99);
	kh_touch(&ctx, D, U, VINPUT_POINTER_MOTION, 0, -5, 0);
	assert_int_equal(kh_consume(&k, ev, 0, false), 3);
	kh_expect_pos(&ev[0], 0x4000, 0x4000, 0);
	kh_expect_pos(&ev[1], 0x7fff, 0x7fff, 0);
	kh_expect_pos(&ev[2], 0, 0, 0);
}

/* Raw without absolute is not valid: scaled relative motion. Absolute
 * advertised but not requested: relative too. */
static void pointer_relative(void **state)
{
	(void)state;
	kh_dev_init(&k, D, 0, U);
	kh_be(&k, "feature-abs-pointer", "1");
	kh_be(&k, "feature-raw-pointer", "1");
	kh_fe(&k, "request-raw-pointer", "1");
	assert_int_equal(kh_connect(&k, &ctx), 0);
	kh_touch(&ctx, D, U, VINPUT_POINTER_MOTION, 0, 100, 100);
	kh_touch(&ctx, D, U, VINPUT_POINTER_MOTION, 0, 110, 95);
	kh_touch(&ctx, D, U, VINPUT_POINTER_MOTION, 0, 110, 95);
	kh_simple(&ctx, D, U, VINPUT_FOCUS_LOST);
	kh_touch(&ctx, D, U, VINPUT_POINTER_MOTION, 0, 500, 500);
	kh_touch(&ctx, D, U, VINPUT_POINTER_MOTION, 0, 501, 500);
	/* First position only anchors; no motion: nothing; after focus
	 * loss the first position anchors again. */
	assert_int_equal(kh_consume(&k, ev, 0, false), 2);
	assert_int_equal(ev[0].type, XENKBD_TYPE_MOTION);
	assert_int_equal(ev[0].motion.rel_x, 10);
	assert_int_equal(ev[0].motion.rel_y, -5);
	assert_int_equal(ev[1].type, XENKBD_TYPE_MOTION);
	assert_int_equal(ev[1].motion.rel_x, 1);
	assert_int_equal(ev[1].motion.rel_y, 0);
}

static void keys(void **state)
{
	(void)state;
	kh_setup_linux(&k, &ctx, 800, 600, 2);
	assert_int_equal(kh_key(&ctx, D, U, VINPUT_KEY, KEY_A, true), 0);
	assert_int_equal(kh_key(&ctx, D, U, VINPUT_KEY, KEY_A, false), 0);
	/* A release without a press the guest saw: nothing. */
	assert_int_equal(kh_key(&ctx, D, U, VINPUT_KEY, KEY_B, false), 0);
	assert_int_equal(kh_key(&ctx, D, U, VINPUT_KEY, KEY_MAX + 1, true),
			 -EINVAL);
	assert_int_equal(kh_consume(&k, ev, 0, false), 2);
	kh_expect_key(&ev[0], KEY_A, true);
	kh_expect_key(&ev[1], KEY_A, false);
}

/* Focus loss releases every key and button still held and lifts every
 * finger, so the guest keeps nothing stuck; the real releases that come
 * later are not sent twice. */
static void focus_lost_releases(void **state)
{
	(void)state;
	kh_setup_linux(&k, &ctx, 800, 600, 4);
	kh_key(&ctx, D, U, VINPUT_KEY, KEY_LEFTSHIFT, true);
	kh_key(&ctx, D, U, VINPUT_KEY, KEY_A, true);
	kh_key(&ctx, D, U, VINPUT_POINTER_BUTTON, BTN_RIGHT, true);
	kh_touch(&ctx, D, U, VINPUT_TOUCH_DOWN, 7, 10, 10);
	kh_touch(&ctx, D, U, VINPUT_TOUCH_DOWN, 8, 20, 20);
	kh_simple(&ctx, D, U, VINPUT_TOUCH_FRAME);
	assert_int_equal(kh_consume(&k, NULL, 0, false), 6);

	assert_int_equal(kh_simple(&ctx, D, U, VINPUT_FOCUS_LOST), 0);
	assert_int_equal(kh_consume(&k, ev, 0, false), 6);
	kh_expect_key(&ev[0], KEY_A, false);
	kh_expect_key(&ev[1], KEY_LEFTSHIFT, false);
	kh_expect_key(&ev[2], BTN_RIGHT, false);
	kh_expect_mt(&ev[3], XENKBD_MT_EV_UP, 0, 0, 0);
	kh_expect_mt(&ev[4], XENKBD_MT_EV_UP, 1, 0, 0);
	kh_expect_mt(&ev[5], XENKBD_MT_EV_SYN, 0, 0, 0);

	kh_simple(&ctx, D, U, VINPUT_FOCUS_LOST);
	kh_key(&ctx, D, U, VINPUT_KEY, KEY_A, false);
	kh_touch(&ctx, D, U, VINPUT_TOUCH_UP, 7, 0, 0);
	assert_int_equal(kh_unread(&k), 0);
}

/* A touch cancel lifts the fingers only. */
static void touch_cancel(void **state)
{
	(void)state;
	kh_setup_linux(&k, &ctx, 800, 600, 4);
	kh_key(&ctx, D, U, VINPUT_KEY, KEY_A, true);
	kh_touch(&ctx, D, U, VINPUT_TOUCH_DOWN, 7, 10, 10);
	kh_simple(&ctx, D, U, VINPUT_TOUCH_FRAME);
	assert_int_equal(kh_consume(&k, NULL, 0, false), 3);
	kh_simple(&ctx, D, U, VINPUT_TOUCH_CANCEL);
	assert_int_equal(kh_consume(&k, ev, 0, false), 2);
	kh_expect_mt(&ev[0], XENKBD_MT_EV_UP, 0, 0, 0);
	kh_expect_mt(&ev[1], XENKBD_MT_EV_SYN, 0, 0, 0);
	kh_key(&ctx, D, U, VINPUT_KEY, KEY_A, false);
	assert_int_equal(kh_consume(&k, ev, 0, false), 1);
	kh_expect_key(&ev[0], KEY_A, false);
}

int kbd_tests_map(void)
{
	const struct CMUnitTest tests[] = {
		KH_TEST(two_fingers, &fix),
		KH_TEST(contacts_exhausted, &fix),
		KH_TEST(touch_shape_orientation, &fix),
		KH_TEST(touch_not_requested, &fix),
		KH_TEST(pointer_absolute, &fix),
		KH_TEST(pointer_raw, &fix),
		KH_TEST(pointer_relative, &fix),
		KH_TEST(keys, &fix),
		KH_TEST(focus_lost_releases, &fix),
		KH_TEST(touch_cancel, &fix),
	};

	return cmocka_run_group_tests_name("kbd_map", tests, NULL, NULL);
}
