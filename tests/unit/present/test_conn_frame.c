/* A connector's frame lifecycle (conn_frame.h): every transition of the
 * picture and the flip, driven through a recording fake presenter, and the
 * framebuffer references that a destroyed fb clears. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "conn_frame.h"
#include "presenter.h"

/* A presenter's fb: the reference list first, as presenter.h asks. */
struct pres_fb {
	struct fb_ref_list refs;
};

#define MAX_DONE 8

struct fake {
	struct conn_frame f;
	enum conn_present answer; /* what present() returns */
	int presents, unpresents, late;
	struct pres_fb *presented;
	uint32_t px, py;
	bool pflip;
	enum conn_flip armed;
	int arms;
	struct pres_fb *done[MAX_DONE];
	int n_done;
	/* flip_done shows this fb at once, as a guest flipping back would */
	struct pres_fb *reflip;
};

static enum conn_present fake_present(void *owner, struct pres_fb *fb,
				      uint32_t x, uint32_t y, bool flip)
{
	struct fake *k = owner;
	k->presents++;
	k->presented = fb;
	k->px = x;
	k->py = y;
	k->pflip = flip;
	return k->answer;
}

static void fake_unpresent(void *owner)
{
	((struct fake *)owner)->unpresents++;
}

static void fake_arm(void *owner, enum conn_flip state)
{
	struct fake *k = owner;
	k->armed = state;
	k->arms++;
}

static void fake_late(void *owner)
{
	((struct fake *)owner)->late++;
}

static void fake_flip_done(void *owner, struct pres_fb *fb)
{
	struct fake *k = owner;
	if (k->n_done < MAX_DONE)
		k->done[k->n_done] = fb;
	k->n_done++;
	if (k->reflip) {
		struct pres_fb *next = k->reflip;
		k->reflip = NULL;
		conn_frame_show(&k->f, next, 0);
	}
}

static const struct conn_frame_ops fake_ops = {
	.present = fake_present,
	.unpresent = fake_unpresent,
	.arm = fake_arm,
	.answered_late = fake_late,
	.flip_done = fake_flip_done,
};

static struct pres_fb fb_a, fb_b;

static int setup(void **state)
{
	static struct fake k;
	memset(&k, 0, sizeof(k));
	fb_a.refs.head = fb_b.refs.head = NULL;
	conn_frame_init(&k.f, &fake_ops, &k);
	k.answer = CONN_PRESENT_SHOWN;
	*state = &k;
	return 0;
}

static int teardown(void **state)
{
	struct fake *k = *state;
	conn_frame_finish(&k->f);
	assert_null(fb_a.refs.head);
	assert_null(fb_b.refs.head);
	return 0;
}

/* OFF --set_config(fb)--> SHOWN: SET_CONFIG alone puts its fb up, with
 * its region, and owes no flip. */
static void test_set_config_shows(void **state)
{
	struct fake *k = *state;
	assert_int_equal(k->f.picture, CONN_PICTURE_OFF);
	conn_frame_set_config(&k->f, &fb_a, 800, 16);
	assert_int_equal(k->presents, 1);
	assert_ptr_equal(k->presented, &fb_a);
	assert_int_equal(k->px, 800);
	assert_int_equal(k->py, 16);
	assert_false(k->pflip);
	assert_int_equal(k->f.picture, CONN_PICTURE_SHOWN);
	assert_int_equal(k->f.flip, CONN_FLIP_NONE);
	assert_int_equal(k->n_done, 0);
}

/* WANTED waits for retry() while present() says later. */
static void test_set_config_later_then_retry(void **state)
{
	struct fake *k = *state;
	k->answer = CONN_PRESENT_LATER;
	conn_frame_set_config(&k->f, &fb_a, 0, 0);
	assert_int_equal(k->f.picture, CONN_PICTURE_WANTED);
	conn_frame_retry(&k->f);
	assert_int_equal(k->presents, 2);
	assert_int_equal(k->f.picture, CONN_PICTURE_WANTED);
	k->answer = CONN_PRESENT_SHOWN;
	conn_frame_retry(&k->f);
	assert_int_equal(k->f.picture, CONN_PICTURE_SHOWN);
	conn_frame_retry(&k->f); /* SHOWN: nothing more to put up */
	assert_int_equal(k->presents, 3);
}

/* A new SET_CONFIG replaces the picture (another fb or offset). */
static void test_set_config_replaces(void **state)
{
	struct fake *k = *state;
	conn_frame_set_config(&k->f, &fb_a, 0, 0);
	conn_frame_set_config(&k->f, &fb_b, 0, 0);
	assert_ptr_equal(k->presented, &fb_b);
	conn_frame_set_config(&k->f, &fb_b, 1024, 0);
	assert_int_equal(k->presents, 3);
	assert_int_equal(k->px, 1024);
	assert_null(fb_a.refs.head); /* the old picture let go of fb_a */
}

/* SET_CONFIG cookie 0: OFF, taken off the screen. */
static void test_set_config_off(void **state)
{
	struct fake *k = *state;
	conn_frame_set_config(&k->f, &fb_a, 0, 0);
	conn_frame_set_config(&k->f, NULL, 0, 0);
	assert_int_equal(k->f.picture, CONN_PICTURE_OFF);
	assert_int_equal(k->unpresents, 1);
	assert_null(conn_frame_fb(&k->f));
	assert_null(fb_a.refs.head);
}

/* A flip of the fb on screen is a frame too: present again, for the
 * flip; frame_shown answers it. */
static void test_flip_same_fb(void **state)
{
	struct fake *k = *state;
	conn_frame_set_config(&k->f, &fb_a, 8, 0);
	conn_frame_show(&k->f, &fb_a, 100);
	assert_int_equal(k->presents, 2);
	assert_true(k->pflip);
	assert_int_equal(k->px, 8); /* SET_CONFIG's offset kept */
	assert_int_equal(k->f.flip, CONN_FLIP_COMMITTED);
	assert_int_equal(k->n_done, 0);
	conn_frame_frame_shown(&k->f);
	assert_int_equal(k->f.flip, CONN_FLIP_NONE);
	assert_int_equal(k->n_done, 1);
	assert_ptr_equal(k->done[0], &fb_a);
	assert_int_equal(k->armed, CONN_FLIP_NONE);
	assert_int_equal(k->late, 0);
}

/* QUEUED while the frame can't go up; a retry commits it for the flip. */
static void test_flip_queued_then_committed(void **state)
{
	struct fake *k = *state;
	conn_frame_set_config(&k->f, &fb_a, 0, 0);
	k->answer = CONN_PRESENT_LATER;
	conn_frame_show(&k->f, &fb_b, 0);
	assert_int_equal(k->f.flip, CONN_FLIP_QUEUED);
	assert_int_equal(k->armed, CONN_FLIP_QUEUED);
	conn_frame_frame_shown(&k->f); /* an older commit's: not this flip */
	assert_int_equal(k->n_done, 0);
	k->answer = CONN_PRESENT_SHOWN;
	conn_frame_retry(&k->f);
	assert_true(k->pflip);
	assert_int_equal(k->f.flip, CONN_FLIP_COMMITTED);
	conn_frame_frame_shown(&k->f);
	assert_int_equal(k->n_done, 1);
	assert_ptr_equal(k->done[0], &fb_b);
}

/* The timer answers QUEUED and COMMITTED flips, late. */
static void test_timeout_answers(void **state)
{
	struct fake *k = *state;
	conn_frame_set_config(&k->f, &fb_a, 0, 0);
	k->answer = CONN_PRESENT_LATER;
	conn_frame_show(&k->f, &fb_a, 0);
	conn_frame_timeout(&k->f, 1);
	assert_int_equal(k->late, 1);
	assert_int_equal(k->n_done, 1);
	k->answer = CONN_PRESENT_SHOWN;
	conn_frame_show(&k->f, &fb_a, 2);
	assert_int_equal(k->f.flip, CONN_FLIP_COMMITTED);
	conn_frame_timeout(&k->f, 3);
	assert_int_equal(k->late, 2);
	assert_int_equal(k->n_done, 2);
	conn_frame_timeout(&k->f, 4); /* nothing owed: nothing happens */
	assert_int_equal(k->late, 2);
	assert_int_equal(k->n_done, 2);
}

/* A flip on an OFF connector shows nothing; the timer answers it. */
static void test_flip_while_off(void **state)
{
	struct fake *k = *state;
	conn_frame_show(&k->f, &fb_a, 0);
	assert_int_equal(k->presents, 0);
	assert_int_equal(k->f.picture, CONN_PICTURE_OFF);
	assert_int_equal(k->f.flip, CONN_FLIP_QUEUED);
	assert_int_equal(k->armed, CONN_FLIP_QUEUED);
	conn_frame_timeout(&k->f, 1);
	assert_int_equal(k->n_done, 1);
	assert_ptr_equal(k->done[0], &fb_a);
}

/* COMMITTED with a hold --frame_shown--> HELD --released--> answered. */
static void test_hold_then_release(void **state)
{
	struct fake *k = *state;
	conn_frame_set_config(&k->f, &fb_a, 0, 0);
	k->answer = CONN_PRESENT_SHOWN_HOLD;
	conn_frame_show(&k->f, &fb_b, 0);
	assert_true(k->f.hold);
	conn_frame_frame_shown(&k->f);
	assert_int_equal(k->f.flip, CONN_FLIP_HELD);
	assert_int_equal(k->n_done, 0);
	conn_frame_released(&k->f);
	assert_int_equal(k->f.flip, CONN_FLIP_NONE);
	assert_int_equal(k->n_done, 1);
	assert_int_equal(k->late, 0);
}

/* The release may come before the frame is shown. */
static void test_release_before_shown(void **state)
{
	struct fake *k = *state;
	conn_frame_set_config(&k->f, &fb_a, 0, 0);
	k->answer = CONN_PRESENT_SHOWN_HOLD;
	conn_frame_show(&k->f, &fb_b, 0);
	conn_frame_released(&k->f);
	assert_int_equal(k->f.flip, CONN_FLIP_COMMITTED);
	assert_false(k->f.hold);
	conn_frame_frame_shown(&k->f);
	assert_int_equal(k->n_done, 1);
}

/* A hold outlives the timer up to CONN_FRAME_HOLD_MAX_NS after show(). */
static void test_hold_bounded(void **state)
{
	struct fake *k = *state;
	uint64_t t0 = 5000000000ull;
	conn_frame_set_config(&k->f, &fb_a, 0, 0);
	k->answer = CONN_PRESENT_SHOWN_HOLD;
	conn_frame_show(&k->f, &fb_b, t0);
	conn_frame_timeout(&k->f, t0 + 33000000); /* COMMITTED + hold */
	assert_int_equal(k->f.flip, CONN_FLIP_HELD);
	assert_int_equal(k->armed, CONN_FLIP_HELD);
	conn_frame_timeout(&k->f, t0 + CONN_FRAME_HOLD_MAX_NS - 1);
	assert_int_equal(k->n_done, 0);
	conn_frame_timeout(&k->f, t0 + CONN_FRAME_HOLD_MAX_NS);
	assert_int_equal(k->n_done, 1);
	assert_int_equal(k->late, 1);
	assert_int_equal(k->f.flip, CONN_FLIP_NONE);
	assert_false(k->f.hold);
}

/* A new flip answers the older one first: events stay in order. */
static void test_flip_order(void **state)
{
	struct fake *k = *state;
	conn_frame_set_config(&k->f, &fb_a, 0, 0);
	conn_frame_show(&k->f, &fb_b, 0);
	conn_frame_show(&k->f, &fb_a, 1);
	assert_int_equal(k->n_done, 1);
	assert_ptr_equal(k->done[0], &fb_b);
	conn_frame_frame_shown(&k->f);
	assert_int_equal(k->n_done, 2);
	assert_ptr_equal(k->done[1], &fb_a);
}

/* flip_done may show the next frame at once (state is set first). */
static void test_flip_done_reenters(void **state)
{
	struct fake *k = *state;
	conn_frame_set_config(&k->f, &fb_a, 0, 0);
	conn_frame_show(&k->f, &fb_b, 0);
	k->reflip = &fb_a;
	conn_frame_frame_shown(&k->f);
	assert_int_equal(k->n_done, 1);
	assert_int_equal(k->f.flip, CONN_FLIP_COMMITTED);
	assert_ptr_equal(k->presented, &fb_a);
	conn_frame_frame_shown(&k->f);
	assert_int_equal(k->n_done, 2);
}

/* The surface goes: the picture must go up again, a committed or held
 * flip is queued again (nothing of the old surface answers it). */
static void test_surface_lost(void **state)
{
	struct fake *k = *state;
	conn_frame_set_config(&k->f, &fb_a, 0, 0);
	k->answer = CONN_PRESENT_SHOWN_HOLD;
	conn_frame_show(&k->f, &fb_b, 0);
	conn_frame_frame_shown(&k->f);
	assert_int_equal(k->f.flip, CONN_FLIP_HELD);
	conn_frame_surface_lost(&k->f);
	assert_int_equal(k->f.picture, CONN_PICTURE_WANTED);
	assert_int_equal(k->f.flip, CONN_FLIP_QUEUED);
	assert_false(k->f.hold);
	assert_int_equal(k->armed, CONN_FLIP_QUEUED);
	k->answer = CONN_PRESENT_SHOWN;
	conn_frame_retry(&k->f); /* the new surface: shown, for the flip */
	assert_true(k->pflip);
	assert_int_equal(k->f.picture, CONN_PICTURE_SHOWN);
	conn_frame_frame_shown(&k->f);
	assert_int_equal(k->n_done, 1);
}

/* A committed flip whose surface goes is queued again, answered by the
 * timer if no new surface shows it. */
static void test_surface_lost_committed(void **state)
{
	struct fake *k = *state;
	conn_frame_set_config(&k->f, &fb_a, 0, 0);
	conn_frame_show(&k->f, &fb_b, 0);
	assert_int_equal(k->f.flip, CONN_FLIP_COMMITTED);
	conn_frame_surface_lost(&k->f);
	assert_int_equal(k->f.flip, CONN_FLIP_QUEUED);
	conn_frame_frame_shown(&k->f); /* the old surface's: not counted */
	assert_int_equal(k->n_done, 0);
	conn_frame_timeout(&k->f, 1);
	assert_int_equal(k->n_done, 1);
	assert_int_equal(k->late, 1);
}

/* The shown fb destroyed: OFF, off the screen, nothing refers to it. */
static void test_picture_fb_destroyed(void **state)
{
	struct fake *k = *state;
	conn_frame_set_config(&k->f, &fb_a, 0, 0);
	fb_ref_list_release(&fb_a.refs);
	assert_int_equal(k->f.picture, CONN_PICTURE_OFF);
	assert_null(conn_frame_fb(&k->f));
	assert_int_equal(k->unpresents, 1);
	conn_frame_retry(&k->f);
	assert_int_equal(k->presents, 1);
}

/* A WANTED picture's fb destroyed before it went up: never presented. */
static void test_wanted_fb_destroyed(void **state)
{
	struct fake *k = *state;
	k->answer = CONN_PRESENT_LATER;
	conn_frame_set_config(&k->f, &fb_a, 0, 0);
	fb_ref_list_release(&fb_a.refs);
	k->answer = CONN_PRESENT_SHOWN;
	conn_frame_retry(&k->f);
	assert_int_equal(k->presents, 1);
	assert_int_equal(k->f.picture, CONN_PICTURE_OFF);
}

/* A flip's fb destroyed while the flip is owed (pending, configured):
 * the flip is still answered, with no fb. */
static void test_flip_fb_destroyed(void **state)
{
	struct fake *k = *state;
	conn_frame_set_config(&k->f, &fb_a, 0, 0);
	conn_frame_show(&k->f, &fb_b, 0);
	fb_ref_list_release(&fb_b.refs);
	assert_int_equal(k->f.picture, CONN_PICTURE_OFF);
	assert_int_equal(k->f.flip, CONN_FLIP_COMMITTED);
	conn_frame_frame_shown(&k->f);
	assert_int_equal(k->n_done, 1);
	assert_null(k->done[0]);
}

/* finish() forgets everything and answers nothing. */
static void test_finish(void **state)
{
	struct fake *k = *state;
	conn_frame_set_config(&k->f, &fb_a, 0, 0);
	conn_frame_show(&k->f, &fb_b, 0);
	conn_frame_finish(&k->f);
	assert_int_equal(k->n_done, 0);
	assert_int_equal(k->f.flip, CONN_FLIP_NONE);
	assert_null(fb_a.refs.head);
	assert_null(fb_b.refs.head);
	fb_ref_list_release(&fb_b.refs); /* no ref left to call */
	assert_int_equal(k->unpresents, 0);
}

/* References: several on one fb, moved between fbs, all cleared. */
static void test_fb_refs(void **state)
{
	(void)state;
	struct fb_ref r[3] = {{0}};
	fb_a.refs.head = fb_b.refs.head = NULL;
	for (int i = 0; i < 3; i++)
		fb_ref_set(&r[i], &fb_a);
	fb_ref_set(&r[1], &fb_b); /* from the middle of fb_a's list */
	assert_ptr_equal(r[1].fb, &fb_b);
	assert_ptr_equal(fb_b.refs.head, &r[1]);
	fb_ref_list_release(&fb_a.refs);
	assert_null(r[0].fb);
	assert_null(r[2].fb);
	assert_ptr_equal(r[1].fb, &fb_b);
	assert_null(fb_a.refs.head);
	fb_ref_set(&r[1], NULL);
	assert_null(fb_b.refs.head);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_set_config_shows),
		T(test_set_config_later_then_retry),
		T(test_set_config_replaces),
		T(test_set_config_off),
		T(test_flip_same_fb),
		T(test_flip_queued_then_committed),
		T(test_timeout_answers),
		T(test_flip_while_off),
		T(test_hold_then_release),
		T(test_release_before_shown),
		T(test_hold_bounded),
		T(test_flip_order),
		T(test_flip_done_reenters),
		T(test_surface_lost),
		T(test_surface_lost_committed),
		T(test_picture_fb_destroyed),
		T(test_wanted_fb_destroyed),
		T(test_flip_fb_destroyed),
		T(test_finish),
		cmocka_unit_test(test_fb_refs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
