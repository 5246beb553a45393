/* The libinput source's bookkeeping (src/input/linput_route.c), fed the
 * events libinput_src.c would feed it, with a sink that records what the
 * guest would hear: positions mapped from the display onto the guest's
 * picture (filled, centred, scaled: placements from kms_place), and the
 * releases when a device, a connector or an output's guest goes away. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "linput_route.h"

#define MAX_REC 64

struct rec {
	uint32_t domid, w, h;
	char uid[16];
	struct vinput_event ev;
};

static struct rec recs[MAX_REC];
static unsigned n_recs;

static void record(void *data, uint32_t domid, const char *unique_id,
		   uint32_t width, uint32_t height,
		   const struct vinput_event *ev)
{
	struct rec *r = &recs[n_recs++];

	(void)data;
	assert_true(n_recs <= MAX_REC);
	r->domid = domid;
	r->w = width;
	r->h = height;
	strncpy(r->uid, unique_id, sizeof(r->uid) - 1);
	r->ev = *ev;
}

static const struct vinput_sink sink = {.event = record};

static int setup(void **state)
{
	(void)state;
	n_recs = 0;
	memset(recs, 0, sizeof(recs));
	return 0;
}

/* A guest connector of w x h shown on a mode_w x mode_h display. */
static struct linput_target target(uint32_t domid, const char *uid,
				   uint32_t w, uint32_t h, uint32_t mode_w,
				   uint32_t mode_h, enum kms_fit fit)
{
	struct linput_target t = {.domid = domid, .unique_id = uid,
				  .width = w, .height = h,
				  .mode_w = mode_w, .mode_h = mode_h};

	if (mode_w)
		kms_place(w, h, mode_w, mode_h, fit, &t.dst, &t.src);
	return t;
}

static void expect_rec(unsigned i, enum vinput_type type, uint32_t domid,
		       const char *uid)
{
	assert_true(i < n_recs);
	assert_int_equal(recs[i].ev.type, type);
	assert_int_equal(recs[i].domid, domid);
	assert_string_equal(recs[i].uid, uid);
}

static void expect_xy(unsigned i, double x, double y)
{
	assert_true(i < n_recs);
	assert_true(recs[i].ev.x == x);
	assert_true(recs[i].ev.y == y);
}

static void test_fill(void **state)
{
	struct lroute_dev d;
	struct linput_target t = target(3, "0", 800, 600, 0, 0, KMS_FIT_CENTRE);

	(void)state;
	lroute_init(&d, &sink);
	assert_true(lroute_retarget(&d, &t));
	lroute_touch_down(&d, 0, 400.5, 299.25);
	lroute_touch_down(&d, 1, 0, 599.75);
	lroute_touch_frame(&d);
	lroute_touch_frame(&d); /* nothing since: no frame */
	assert_int_equal(n_recs, 3);
	expect_rec(0, VINPUT_TOUCH_DOWN, 3, "0");
	assert_int_equal(recs[0].ev.id, 0);
	assert_int_equal(recs[0].w, 800);
	assert_int_equal(recs[0].h, 600);
	expect_xy(0, 400.5, 299.25);
	expect_xy(1, 0, 599.75);
	assert_int_equal(recs[1].ev.id, 1);
	expect_rec(2, VINPUT_TOUCH_FRAME, 3, "0");
	lroute_touch_up(&d, 0);
	lroute_touch_up(&d, 0); /* already up */
	lroute_touch_motion(&d, 7, 1, 1); /* never down */
	assert_int_equal(n_recs, 4);
	expect_rec(3, VINPUT_TOUCH_UP, 3, "0");
}

/* 800x600 centred on 1024x768: a black border of 112 / 84 pixels. */
static void test_centred(void **state)
{
	struct lroute_dev d;
	struct linput_target t =
		target(1, "a", 800, 600, 1024, 768, KMS_FIT_CENTRE);

	(void)state;
	lroute_init(&d, &sink);
	assert_true(lroute_retarget(&d, &t));
	lroute_touch_down(&d, 0, 100, 50); /* on the border: nothing */
	lroute_touch_down(&d, 1, 112, 84);
	lroute_touch_down(&d, 2, 911.5, 683.5);
	lroute_touch_motion(&d, 1, 10, 700); /* dragged off: clamped */
	lroute_touch_motion(&d, 0, 500, 500); /* never down */
	assert_int_equal(n_recs, 3);
	expect_xy(0, 0, 0);
	expect_xy(1, 799.5, 599.5);
	expect_rec(2, VINPUT_TOUCH_MOTION, 1, "a");
	expect_xy(2, 0, 599);
}

/* 640x480 on 1280x1024 scaled: x2, 32 pixels of black above and below;
 * a 1920x1080 picture centred on 1024x768 shows its middle only. */
static void test_scaled_and_cropped(void **state)
{
	struct lroute_dev d;
	struct linput_target t =
		target(1, "a", 640, 480, 1280, 1024, KMS_FIT_SCALE);
	struct linput_target big =
		target(1, "b", 1920, 1080, 1024, 768, KMS_FIT_CENTRE);

	(void)state;
	lroute_init(&d, &sink);
	assert_true(lroute_retarget(&d, &t));
	lroute_touch_down(&d, 0, 640, 512);
	lroute_touch_down(&d, 1, 1, 33);
	lroute_touch_down(&d, 2, 1, 31); /* above the picture */
	assert_int_equal(n_recs, 2);
	expect_xy(0, 320, 240);
	expect_xy(1, 0.5, 0.5);
	lroute_touch_cancel(&d);
	assert_true(lroute_retarget(&d, &big));
	lroute_touch_down(&d, 0, 0, 0);
	lroute_touch_down(&d, 1, 512, 384);
	expect_xy(3, 448, 156);
	expect_xy(4, 960, 540);
}

static void test_pointer(void **state)
{
	struct lroute_dev d;
	struct linput_target t = target(2, "p", 800, 600, 0, 0, KMS_FIT_CENTRE);
	struct linput_target half =
		target(2, "q", 400, 300, 800, 600, KMS_FIT_SCALE);

	(void)state;
	lroute_init(&d, &sink);
	lroute_pointer_rel(&d, 5, 5); /* no target: nothing */
	assert_int_equal(n_recs, 0);
	assert_true(lroute_retarget(&d, &t));
	lroute_pointer_rel(&d, 10, -20); /* from the middle */
	expect_xy(0, 410, 280);
	lroute_pointer_rel(&d, 1000, 1000);
	expect_xy(1, 799, 599);
	lroute_pointer_rel(&d, 50, 50); /* still at the corner: no event */
	lroute_pointer_rel(&d, -10000, 0);
	assert_int_equal(n_recs, 3);
	expect_xy(2, 0, 599);
	lroute_pointer_abs(&d, 123.25, 456.5);
	expect_xy(3, 123.25, 456.5);
	lroute_axis(&d, 0, 1);
	lroute_axis(&d, 2, 1); /* no such axis */
	lroute_axis(&d, 1, 0);
	assert_int_equal(n_recs, 5);
	assert_int_equal(recs[4].ev.type, VINPUT_POINTER_AXIS);
	assert_true(recs[4].ev.value == 1);
	/* Display pixels move a scaled-down picture's pointer half as far. */
	assert_true(lroute_retarget(&d, &half));
	lroute_pointer_rel(&d, 20, 20);
	expect_xy(5, 210, 160);
}

static void test_keys_and_buttons(void **state)
{
	struct lroute_dev d;
	struct linput_target t = target(2, "k", 800, 600, 0, 0, KMS_FIT_CENTRE);

	(void)state;
	lroute_init(&d, &sink);
	lroute_key(&d, 30, true); /* no target: not sent, not held */
	assert_true(lroute_retarget(&d, &t));
	lroute_key(&d, 30, false); /* never seen pressed */
	lroute_key(&d, 31, true);
	lroute_key(&d, 31, true); /* no second press */
	lroute_button(&d, 0x110, true);
	lroute_key(&d, 31, false);
	assert_int_equal(n_recs, 3);
	expect_rec(0, VINPUT_KEY, 2, "k");
	assert_int_equal(recs[0].ev.code, 31);
	assert_true(recs[0].ev.pressed);
	expect_rec(1, VINPUT_POINTER_BUTTON, 2, "k");
	assert_false(recs[2].ev.pressed);
}

/* Unplugged mid-touch with a key and a button down: the guest hears a
 * cancel and every release, then nothing more. */
static void test_device_gone(void **state)
{
	struct lroute_dev d;
	struct linput_target t = target(4, "g", 800, 600, 0, 0, KMS_FIT_CENTRE);

	(void)state;
	lroute_init(&d, &sink);
	assert_true(lroute_retarget(&d, &t));
	lroute_touch_down(&d, 0, 1, 1);
	lroute_touch_down(&d, 1, 2, 2);
	lroute_touch_frame(&d);
	lroute_key(&d, 42, true);
	lroute_button(&d, 0x111, true);
	n_recs = 0;
	lroute_release_all(&d);
	assert_int_equal(n_recs, 3);
	expect_rec(0, VINPUT_TOUCH_CANCEL, 4, "g");
	expect_rec(1, VINPUT_KEY, 4, "g");
	assert_int_equal(recs[1].ev.code, 42);
	assert_false(recs[1].ev.pressed);
	expect_rec(2, VINPUT_POINTER_BUTTON, 4, "g");
	assert_false(recs[2].ev.pressed);
	lroute_release_all(&d);
	lroute_touch_up(&d, 0);
	lroute_touch_frame(&d);
	assert_int_equal(n_recs, 3);
}

/* The output now shows another guest's connector (or none): the old one
 * hears FOCUS_LOST for what it held, the new one nothing of it. */
static void test_output_changes_hands(void **state)
{
	struct lroute_dev d;
	struct linput_target a = target(1, "a", 800, 600, 0, 0, KMS_FIT_CENTRE);
	struct linput_target b = target(2, "b", 800, 600, 0, 0, KMS_FIT_CENTRE);
	struct linput_target a2 =
		target(1, "a", 1024, 768, 0, 0, KMS_FIT_CENTRE);

	(void)state;
	lroute_init(&d, &sink);
	assert_true(lroute_retarget(&d, &a));
	assert_true(lroute_retarget(&d, &b)); /* nothing held: silent */
	assert_int_equal(n_recs, 0);
	lroute_touch_down(&d, 5, 10, 10);
	assert_true(lroute_retarget(&d, &b)); /* same: keeps its finger */
	assert_true(lroute_retarget(&d, &a));
	lroute_touch_motion(&d, 5, 20, 20); /* a never heard of it */
	lroute_touch_up(&d, 5);
	assert_int_equal(n_recs, 2);
	expect_rec(0, VINPUT_TOUCH_DOWN, 2, "b");
	expect_rec(1, VINPUT_FOCUS_LOST, 2, "b");
	lroute_key(&d, 1, true);
	assert_false(lroute_retarget(&d, NULL)); /* connector gone */
	expect_rec(3, VINPUT_FOCUS_LOST, 1, "a");
	lroute_key(&d, 1, false);
	assert_int_equal(n_recs, 4);
	/* The same connector at another resolution starts afresh. */
	assert_true(lroute_retarget(&d, &a));
	lroute_key(&d, 2, true);
	assert_true(lroute_retarget(&d, &a2));
	expect_rec(5, VINPUT_FOCUS_LOST, 1, "a");
	assert_int_equal(recs[5].w, 800);
	assert_int_equal(n_recs, 6);
}

static void test_forget(void **state)
{
	struct lroute_dev d;
	struct linput_target a = target(1, "a", 800, 600, 0, 0, KMS_FIT_CENTRE);

	(void)state;
	lroute_init(&d, &sink);
	assert_true(lroute_retarget(&d, &a));
	lroute_forget(&d, 1, "a"); /* holds nothing: silent */
	assert_int_equal(n_recs, 0);
	assert_true(lroute_retarget(&d, &a));
	lroute_button(&d, 0x110, true);
	lroute_forget(&d, 2, "a");
	lroute_forget(&d, 1, "b");
	assert_int_equal(n_recs, 1);
	lroute_forget(&d, 1, "a");
	expect_rec(1, VINPUT_FOCUS_LOST, 1, "a");
	lroute_button(&d, 0x110, false); /* target dropped: nothing */
	assert_int_equal(n_recs, 2);
}

static void test_bad_targets(void **state)
{
	struct lroute_dev d;
	char long_id[LROUTE_ID_LEN + 1];
	struct linput_target t = target(1, "a", 0, 600, 0, 0, KMS_FIT_CENTRE);

	(void)state;
	lroute_init(&d, &sink);
	assert_false(lroute_retarget(&d, &t)); /* no width */
	memset(long_id, 'x', LROUTE_ID_LEN);
	long_id[LROUTE_ID_LEN] = 0;
	t = target(1, long_id, 800, 600, 0, 0, KMS_FIT_CENTRE);
	assert_false(lroute_retarget(&d, &t));
	t.unique_id = NULL;
	assert_false(lroute_retarget(&d, &t));
	lroute_touch_down(&d, 0, 1, 1);
	assert_int_equal(n_recs, 0);
}

static void test_map_parse(void **state)
{
	char a[] = "/dev/input/event3 Virtual-1";
	char b[] = "  ILITEK Multi-Touch\t HDMI-A-1  ";
	char c[] = "event3";
	char e[] = "   ";
	struct linput_map m;

	(void)state;
	assert_int_equal(linput_map_parse(a, &m), 0);
	assert_string_equal(m.device, "/dev/input/event3");
	assert_string_equal(m.output, "Virtual-1");
	assert_int_equal(linput_map_parse(b, &m), 0);
	assert_string_equal(m.device, "ILITEK Multi-Touch");
	assert_string_equal(m.output, "HDMI-A-1");
	assert_int_equal(linput_map_parse(c, &m), -EINVAL);
	assert_int_equal(linput_map_parse(e, &m), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_fill, setup),
		cmocka_unit_test_setup(test_centred, setup),
		cmocka_unit_test_setup(test_scaled_and_cropped, setup),
		cmocka_unit_test_setup(test_pointer, setup),
		cmocka_unit_test_setup(test_keys_and_buttons, setup),
		cmocka_unit_test_setup(test_device_gone, setup),
		cmocka_unit_test_setup(test_output_changes_hands, setup),
		cmocka_unit_test_setup(test_forget, setup),
		cmocka_unit_test_setup(test_bad_targets, setup),
		cmocka_unit_test_setup(test_map_parse, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
