/* DBUF_DESTROY of a buffer whose dma-buf the compositor still holds: the
 * reply waits for the release (polled from a loop timer, never blocking),
 * other requests are answered meanwhile, a hold past release_wait_ms is
 * answered anyway, and a disconnect drops held replies without a leak. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <drm_fourcc.h>

#include "harness.h"
#include "loop.h"


static uint64_t ms_since(uint64_t start_ns)
{
	return (loop_now_ns() - start_ns) / 1000000u;
}

/* h_setup with dma-buf export on (h_init resets the fakes). */
static void setup(struct harness *h, unsigned n_conns, uint32_t hold_ms)
{
	h_init(h, n_conns, "2", false);
	fake_set_dmabuf_export(true);
	fake_set_dmabuf_hold_ms(hold_ms);
	assert_int_equal(h_connect(h), 0);
}

/* h_make_fb, exported as a dma-buf. */
static void make_fb(struct harness *h, uint64_t db, uint64_t fb, uint32_t w,
		    uint32_t hgt)
{
	h_make_fb(h, db, fb, w, hgt);
	assert_true(h->pres.last_desc.dmabuf_fd >= 0);
}

/* FB_DETACH, then DBUF_DESTROY pushed and kicked; returns its id. */
static uint16_t start_destroy(struct harness *h, uint64_t db, uint64_t fb)
{
	struct xendispl_req r = { .operation = XENDISPL_OP_DBUF_DESTROY };

	assert_int_equal(h_simple(h, 0, XENDISPL_OP_FB_DETACH, fb), 0);
	r.op.dbuf_destroy.dbuf_cookie = db;
	h_push(h, 0, &r);
	h_kick(h, 0);
	return r.id;
}

/* Runs the loop until ring ci has a response or limit_ms passed. */
static bool wait_resp(struct harness *h, unsigned ci, unsigned limit_ms,
		      struct xendispl_resp *out)
{
	uint64_t start = loop_now_ns();

	while (ms_since(start) < limit_ms) {
		if (h_pop_resp(h, ci, out))
			return true;
		loop_dispatch(h->loop, 5);
	}
	return h_pop_resp(h, ci, out);
}

static void test_reply_waits_for_release(void **state)
{
	struct harness h;
	struct xendispl_resp resp;

	(void)state;
	setup(&h, 2, 150);
	make_fb(&h, DB1, FB1, 800, 600);
	int exported = h.pres.last_desc.dmabuf_fd;
	make_fb(&h, DB2, FB2, 1024, 768);
	assert_int_equal(h_set_config(&h, 1, FB2, 0, 0, 1024, 768), 0);

	uint64_t start = loop_now_ns();
	uint16_t id = start_destroy(&h, DB1, FB1);
	assert_false(h_pop_resp(&h, 0, &resp));
	/* The guest's pages are ours no more; only the export is pending. */
	assert_int_equal(h.dev->n_dbufs, 1);

	/* Meanwhile: connector 1 flips, and ring 0 itself is served. */
	assert_int_equal(h_flip(&h, 1, FB2), 0);
	assert_int_equal(h_simple(&h, 0, XENDISPL_OP_FB_DETACH, 0x1234),
			 -XEN_ENOENT);

	assert_true(wait_resp(&h, 0, 1000, &resp));
	uint64_t waited = ms_since(start);
	assert_int_equal(resp.id, id);
	assert_int_equal(resp.operation, XENDISPL_OP_DBUF_DESTROY);
	assert_int_equal(resp.status, 0);
	assert_true(waited >= 150);
	assert_true(waited < 150 + 100); /* polls back off to 32 ms at most */
	assert_true(fake_dmabuf_wait_calls() >= 3);
	assert_false(h_pop_resp(&h, 0, &resp));
	/* The placeholder for the export's fd number is gone too. */
	assert_int_equal(fcntl(exported, F_GETFD), -1);
	h_teardown(&h);
}

static void test_released_at_once(void **state)
{
	struct harness h;

	(void)state;
	setup(&h, 1, 0);
	make_fb(&h, DB1, FB1, 800, 600);
	int exported = h.pres.last_desc.dmabuf_fd;

	assert_int_equal(h_simple(&h, 0, XENDISPL_OP_FB_DETACH, FB1), 0);
	/* h_call: exactly one reply, right away. */
	assert_int_equal(h_simple(&h, 0, XENDISPL_OP_DBUF_DESTROY, DB1), 0);
	assert_int_equal(fake_dmabuf_wait_calls(), 1);
	assert_int_equal(fcntl(exported, F_GETFD), -1);
	h_teardown(&h);
}

static void test_deadline_answers_anyway(void **state)
{
	struct harness h;
	struct xendispl_resp resp;

	(void)state;
	setup(&h, 1, 60000);
	h.ctx.limits.release_wait_ms = 200;
	make_fb(&h, DB1, FB1, 800, 600);

	uint64_t start = loop_now_ns();
	uint16_t id = start_destroy(&h, DB1, FB1);
	assert_false(wait_resp(&h, 0, 150, &resp));
	assert_true(wait_resp(&h, 0, 1000, &resp));
	uint64_t waited = ms_since(start);
	assert_int_equal(resp.id, id);
	assert_int_equal(resp.status, 0);
	assert_true(waited >= 200 && waited < 300);
	h_teardown(&h);
}

static void test_no_wait_configured(void **state)
{
	struct harness h;

	(void)state;
	setup(&h, 1, 60000);
	h.ctx.limits.release_wait_ms = 0;
	make_fb(&h, DB1, FB1, 800, 600);
	assert_int_equal(h_simple(&h, 0, XENDISPL_OP_FB_DETACH, FB1), 0);
	assert_int_equal(h_simple(&h, 0, XENDISPL_OP_DBUF_DESTROY, DB1), 0);
	h_teardown(&h);
}

static void test_disconnect_while_held(void **state)
{
	struct harness h;
	struct xendispl_resp resp;

	(void)state;
	setup(&h, 1, 60000);
	make_fb(&h, DB1, FB1, 800, 600);
	make_fb(&h, DB2, FB2, 800, 600);
	int exported = h.pres.last_desc.dmabuf_fd;

	start_destroy(&h, DB1, FB1);
	start_destroy(&h, DB2, FB2);
	assert_false(wait_resp(&h, 0, 50, &resp));
	assert_true(h.dev->releases != NULL);

	h_disconnect(&h);
	assert_null(h.dev->releases);
	assert_int_equal(fake_live_maps(), 0);
	assert_int_equal(fake_live_mapped_pages(), 0);
	assert_int_equal(fcntl(exported, F_GETFD), -1);
	/* Nothing fires later into the gone ring. */
	unsigned calls = fake_dmabuf_wait_calls();
	for (int i = 0; i < 10; i++)
		loop_dispatch(h.loop, 5);
	assert_int_equal(fake_dmabuf_wait_calls(), calls);
	h_teardown(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reply_waits_for_release),
		cmocka_unit_test(test_released_at_once),
		cmocka_unit_test(test_deadline_answers_anyway),
		cmocka_unit_test(test_no_wait_configured),
		cmocka_unit_test(test_disconnect_while_held),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
