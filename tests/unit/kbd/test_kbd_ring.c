/* The event ring producer: a full ring never overwritten, the held queue
 * bounded and delivered in order, a lying in_cons, the index wrap. */
#include <stdarg.h>
#include <setjmp.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "kbd_harness.h"

#define D 1u
#define U "c0"
#define LEN XENKBD_IN_RING_LEN

int kbd_tests_ring(void);

static struct kbd_ctx ctx;
static struct kh_dev k;
static union xenkbd_in_event ev[1024];

static struct kh_fixture fix = { &ctx, { &k } };

/* KEY_1.. press/release pairs, n events in all. */
static void key_pairs(unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		kh_key(&ctx, D, U, VINPUT_KEY, KEY_1 + (i / 2) % 10,
		       i % 2 == 0);
}

static void expect_key_pairs(const union xenkbd_in_event *e, unsigned first,
			     unsigned n)
{
	for (unsigned i = first; i < first + n; i++)
		kh_expect_key(&e[i - first], KEY_1 + (i / 2) % 10, i % 2 == 0);
}

/* A guest that never consumes gets exactly a ring's worth; the rest is
 * held in order and arrives as the guest consumes and notifies. */
static void full_ring_holds_in_order(void **state)
{
	unsigned total = LEN + 100, got = 0;

	(void)state;
	kh_setup_linux(&k, &ctx, 800, 600, 2);
	key_pairs(total);
	assert_int_equal(kh_unread(&k), LEN);
	assert_int_equal(k.dev->ring.q_len, total - LEN);
	/* Nothing overwritten: the ring holds the first LEN, in order. */
	for (unsigned i = 0; i < LEN; i++)
		ev[i] = XENKBD_IN_RING_REF(k.page, k.page->in_cons + i);
	expect_key_pairs(ev, 0, LEN);

	while (got < total) {
		size_t n = kh_consume(&k, ev, 0, true);

		assert_true(n > 0);
		expect_key_pairs(ev, got, (unsigned)n);
		got += (unsigned)n;
	}
	assert_int_equal(got, total);
	assert_int_equal(k.dev->ring.q_len, 0);
	assert_int_equal(k.dev->ring.dropped, 0);
}

/* Motions pile into one held event per source; the guest ends where the
 * finger and the pointer ended. */
static void motions_coalesce(void **state)
{
	size_t n;

	(void)state;
	kh_setup_linux(&k, &ctx, 800, 600, 2);
	kh_touch(&ctx, D, U, VINPUT_TOUCH_DOWN, 1, 0, 0);
	kh_simple(&ctx, D, U, VINPUT_TOUCH_FRAME);
	for (unsigned i = 0; i < LEN - 2; i++) /* fill the ring */
		kh_touch(&ctx, D, U, VINPUT_POINTER_MOTION, 0, i, 0);
	assert_int_equal(kh_unread(&k), LEN);
	for (unsigned i = 0; i < 1000; i++) {
		kh_touch(&ctx, D, U, VINPUT_TOUCH_MOTION, 1, i % 800, 1);
		kh_simple(&ctx, D, U, VINPUT_TOUCH_FRAME);
		kh_touch(&ctx, D, U, VINPUT_POINTER_MOTION, 0, 5, i % 600);
	}
	/* One touch motion, its SYN, one pointer position. */
	assert_int_equal(k.dev->ring.q_len, 3);
	kh_consume(&k, NULL, 0, true);
	n = kh_consume(&k, ev, 0, false);
	assert_int_equal(n, 3);
	kh_expect_mt(&ev[0], XENKBD_MT_EV_MOTION, 0, 999 % 800, 1);
	kh_expect_mt(&ev[1], XENKBD_MT_EV_SYN, 0, 0, 0);
	kh_expect_pos(&ev[2], 5, 999 % 600, 0);
}

/* Endless key presses while the guest sleeps: the queue stays bounded,
 * presses past half a queue are refused with their releases, and once the
 * guest reads, every press it got has its release: nothing stuck. */
static void queue_bounded_no_stuck_key(void **state)
{
	bool down[KEY_MAX + 1] = { false };
	size_t n;

	(void)state;
	kh_setup_linux(&k, &ctx, 800, 600, 2);
	for (unsigned i = 0; i < 4000; i++) {
		kh_key(&ctx, D, U, VINPUT_KEY, KEY_1 + (i / 2) % 10,
		       i % 2 == 0);
		kh_touch(&ctx, D, U, VINPUT_POINTER_MOTION, 0, i % 800, 0);
		assert_true(k.dev->ring.q_len <= KBD_MAX_QUEUE);
	}
	/* Hold a key and a finger, then lose focus while still full. */
	kh_key(&ctx, D, U, VINPUT_KEY, KEY_Q, true);
	kh_simple(&ctx, D, U, VINPUT_FOCUS_LOST);
	assert_true(k.dev->ring.q_len <= KBD_MAX_QUEUE);
	assert_true(k.dev->ring.dropped > 0);
	do {
		n = kh_consume(&k, ev, 0, true);
		for (size_t i = 0; i < n; i++) {
			if (ev[i].type == XENKBD_TYPE_KEY) {
				/* never a press of a pressed key, never a
				 * release of a released one */
				assert_int_not_equal(down[ev[i].key.keycode],
						     ev[i].key.pressed);
				down[ev[i].key.keycode] = ev[i].key.pressed;
			}
		}
	} while (n > 0);
	for (unsigned c = 0; c <= KEY_MAX; c++)
		assert_false(down[c]);
}

/* A guest claiming it consumed what we never produced: we hold, we do not
 * write, we do not spin; once it says something sane, delivery resumes. */
static void bogus_in_cons(void **state)
{
	uint32_t prod;

	(void)state;
	kh_setup_linux(&k, &ctx, 800, 600, 2);
	kh_key(&ctx, D, U, VINPUT_KEY, KEY_A, true);
	prod = k.page->in_prod;
	k.page->in_cons = prod + 1000;
	kh_key(&ctx, D, U, VINPUT_KEY, KEY_A, false);
	kh_key(&ctx, D, U, VINPUT_KEY, KEY_B, true);
	assert_int_equal(k.page->in_prod, prod);
	assert_int_equal(k.dev->ring.q_len, 2);
	assert_true(k.dev->ring.bogus_cons >= 1);
	assert_true(fake_evtchn_fire(k.port));
	assert_int_equal(k.page->in_prod, prod);
	/* Far behind (the other way) is just as wrong. */
	k.page->in_cons = prod - LEN - 1;
	assert_true(fake_evtchn_fire(k.port));
	assert_int_equal(k.page->in_prod, prod);

	k.page->in_cons = prod;
	assert_true(fake_evtchn_fire(k.port));
	assert_int_equal(kh_consume(&k, ev, 0, false), 2);
	kh_expect_key(&ev[0], KEY_A, false);
	kh_expect_key(&ev[1], KEY_B, true);
}

/* Indices 0xffffffff and 0 share slot 0 (2^32 % LEN == 1): the ring
 * drains at the wrap instead of writing over an unread event. */
static void index_wrap(void **state)
{
	unsigned got = 0;

	(void)state;
	kh_dev_init(&k, D, 0, U);
	k.page->in_prod = k.page->in_cons = UINT32_MAX - 2;
	assert_int_equal(kh_connect(&k, &ctx), 0);
	key_pairs(10);
	assert_int_equal(kh_unread(&k), 3);
	while (got < 10) {
		size_t n = kh_consume(&k, ev, 0, true);

		assert_true(n > 0);
		expect_key_pairs(ev, got, (unsigned)n);
		got += (unsigned)n;
	}
	assert_int_equal(k.page->in_prod, 7);
}

/* The producer index is ours: a guest rewriting in_prod changes nothing
 * we write next. */
static void prod_not_reread(void **state)
{
	(void)state;
	kh_setup_linux(&k, &ctx, 800, 600, 2);
	kh_key(&ctx, D, U, VINPUT_KEY, KEY_A, true);
	k.page->in_prod = 40;
	kh_key(&ctx, D, U, VINPUT_KEY, KEY_A, false);
	assert_int_equal(k.page->in_prod, 2);
	kh_expect_key(&XENKBD_IN_RING_REF(k.page, 1), KEY_A, false);
}

int kbd_tests_ring(void)
{
	const struct CMUnitTest tests[] = {
		KH_TEST(full_ring_holds_in_order, &fix),
		KH_TEST(motions_coalesce, &fix),
		KH_TEST(queue_bounded_no_stuck_key, &fix),
		KH_TEST(bogus_in_cons, &fix),
		KH_TEST(index_wrap, &fix),
		KH_TEST(prod_not_reread, &fix),
	};

	return cmocka_run_group_tests_name("kbd_ring", tests, NULL, NULL);
}
