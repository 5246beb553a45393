/* The generic XenBus backend against the simulated xenstored: discovery,
 * the state machine with a frontend played by the test, guest reboot,
 * unplug and guest death. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"
#include "loop.h"
#include "xen_store.h"
#include "xb_harness.h"
#include "xs_server.h"

#define BE_DIR(dom, dev) "/local/domain/0/backend/" FAKE_TYPE "/" #dom "/" #dev

static int setup(void **state)
{
	struct harness *hs = calloc(1, sizeof(*hs));
	if (!hs || harness_setup(hs) < 0) {
		fprintf(stderr, "harness setup failed: %s\n", strerror(errno));
		return -1;
	}
	*state = hs;
	return 0;
}

static int teardown(void **state)
{
	struct harness *hs = *state;
	harness_teardown(hs);
	free(hs);
	return 0;
}

static bool count_is(struct harness *hs, void *arg)
{
	return xb_backend_device_count(hs->be) == *(unsigned *)arg;
}

static void wait_count(struct harness *hs, unsigned n)
{
	assert_true(harness_wait(hs, count_is, &n));
}

/* Frontend Initialising -> Initialised -> Connected, from InitWait. */
static void connect_device(struct harness *hs, uint32_t domid, uint32_t devid)
{
	assert_true(wait_be(hs, domid, devid, XenbusStateInitWait));
	fe_set(hs, domid, devid, XenbusStateInitialised);
	assert_true(wait_be(hs, domid, devid, XenbusStateConnected));
	fe_set(hs, domid, devid, XenbusStateConnected);
	harness_pump(hs, 20);
	assert_int_equal(be_state(hs, domid, devid), XenbusStateConnected);
}

static void test_present_at_start(void **state)
{
	struct harness *hs = *state;
	ts_create_domain(hs, 1);
	ts_create_device(hs, 1, 0, XenbusStateInitialising, NULL);
	harness_start_backend(hs, NULL, 0);
	connect_device(hs, 1, 0);
	assert_int_equal(fake.probe, 1);
	assert_int_equal(fake.connect, 1);
	assert_int_equal(fake.disconnect, 0);
	assert_int_equal(xb_backend_device_count(hs->be), 1);
	assert_false(fake.bad_call);
}

static void test_appears_later(void **state)
{
	struct harness *hs = *state;
	harness_start_backend(hs, NULL, 0);
	harness_pump(hs, 50);
	assert_int_equal(fake.probe, 0);
	ts_create_domain(hs, 2);
	ts_create_device(hs, 2, 0, XenbusStateInitialising, NULL);
	ts_create_device(hs, 2, 1, XenbusStateInitialising, NULL);
	connect_device(hs, 2, 0);
	connect_device(hs, 2, 1);
	assert_int_equal(fake.probe, 2);
	assert_int_equal(fake.connect, 2);
	assert_int_equal(xb_backend_device_count(hs->be), 2);
	assert_false(fake.bad_call);
}

static bool connects_are(struct harness *hs, void *arg)
{
	(void)hs;
	return fake.connect == *(unsigned *)arg;
}

/* xen-kbdfront: Connected straight from our InitWait; and a daemon
 * restarted under a guest that is already Connected. */
static void test_frontend_connected_early(void **state)
{
	struct harness *hs = *state;
	ts_create_domain(hs, 3);
	ts_create_device(hs, 3, 0, XenbusStateConnected, NULL);
	ts_write(hs, BE_DIR(3, 0) "/state", "4"); /* the old daemon's */
	harness_start_backend(hs, NULL, 0);
	unsigned one = 1;
	assert_true(harness_wait(hs, connects_are, &one));
	assert_int_equal(be_state(hs, 3, 0), XenbusStateConnected);

	ts_create_device(hs, 3, 1, XenbusStateInitialising, NULL);
	assert_true(wait_be(hs, 3, 1, XenbusStateInitWait));
	fe_set(hs, 3, 1, XenbusStateConnected);
	assert_true(wait_be(hs, 3, 1, XenbusStateConnected));
	assert_int_equal(fake.connect, 2);
	assert_false(fake.bad_call);
}

/* Guest reboot / driver reload, 20 times in a row: Closing, Closed,
 * Initialising, and a new connection each time. */
static void test_reconnect_20_times(void **state)
{
	struct harness *hs = *state;
	ts_create_domain(hs, 4);
	ts_create_device(hs, 4, 0, XenbusStateInitialising, NULL);
	harness_start_backend(hs, NULL, 0);
	connect_device(hs, 4, 0);
	for (unsigned i = 1; i <= 20; i++) {
		fe_set(hs, 4, 0, XenbusStateClosing);
		assert_true(wait_be(hs, 4, 0, XenbusStateClosed));
		assert_int_equal(fake.disconnect, i);
		fe_set(hs, 4, 0, XenbusStateClosed);
		harness_pump(hs, 10);
		assert_int_equal(be_state(hs, 4, 0), XenbusStateClosed);
		fe_set(hs, 4, 0, XenbusStateInitialising);
		connect_device(hs, 4, 0);
		assert_int_equal(fake.connect, i + 1);
	}
	/* Also the shortcut: Closed then Initialising seen as one event. */
	fe_set(hs, 4, 0, XenbusStateClosed);
	fe_set(hs, 4, 0, XenbusStateInitialising);
	assert_true(wait_be(hs, 4, 0, XenbusStateInitWait));
	assert_int_equal(fake.disconnect, 21);
	assert_int_equal(fake.probe, 1);
	assert_int_equal(fake.remove, 0);
	assert_false(fake.bad_call);
}

static void test_backend_dir_removed(void **state)
{
	struct harness *hs = *state;
	ts_create_domain(hs, 5);
	ts_create_device(hs, 5, 0, XenbusStateInitialising, NULL);
	harness_start_backend(hs, NULL, 0);
	connect_device(hs, 5, 0);
	ts_rm(hs, BE_DIR(5, 0));
	wait_count(hs, 0);
	assert_int_equal(fake.disconnect, 1);
	assert_int_equal(fake.remove, 1);
	harness_pump(hs, 50);
	/* We must not have written the directory back into existence. */
	char *v = ts_read(hs, BE_DIR(5, 0));
	assert_null(v);
	assert_false(fake.bad_call);
}

static void test_domain_gone(void **state)
{
	struct harness *hs = *state;
	ts_create_domain(hs, 6);
	ts_create_device(hs, 6, 0, XenbusStateInitialising, NULL);
	harness_start_backend(hs, NULL, 0);
	connect_device(hs, 6, 0);
	/* The guest's nodes vanish: its frontend is gone, we close... */
	ts_rm(hs, "/local/domain/6");
	assert_true(wait_be(hs, 6, 0, XenbusStateClosed));
	assert_int_equal(fake.disconnect, 1);
	assert_int_equal(xb_backend_device_count(hs->be), 1);
	/* ...and @releaseDomain drops it, though the toolstack left the
	 * backend directory behind. */
	ts_release_domain(hs, 6);
	wait_count(hs, 0);
	assert_int_equal(fake.remove, 1);
	/* Leftovers of a dead guest are not picked up again. */
	ts_write(hs, BE_DIR(6, 0) "/online", "1");
	harness_pump(hs, 50);
	assert_int_equal(fake.probe, 1);
	assert_false(fake.bad_call);
}

static void test_bad_frontend_refused(void **state)
{
	struct harness *hs = *state;
	ts_create_domain(hs, 7);
	ts_create_domain(hs, 8);
	harness_start_backend(hs, NULL, 0);
	/* Another guest's directory, a non-device path, a climb out. */
	ts_create_device(hs, 7, 0, XenbusStateInitialising,
			 "/local/domain/8/device/" FAKE_TYPE "/0");
	ts_create_device(hs, 7, 1, XenbusStateInitialising,
			 "/local/domain/7/control");
	ts_create_device(hs, 7, 2, XenbusStateInitialising,
			 "/local/domain/7/device/../../0/x");
	ts_create_device(hs, 7, 3, XenbusStateInitialising,
			 "/local/domain/0/device/" FAKE_TYPE "/3");
	harness_pump(hs, 100);
	assert_int_equal(fake.probe, 0);
	assert_int_equal(xb_backend_device_count(hs->be), 0);
	assert_int_equal(be_state(hs, 7, 0), XenbusStateInitialising);
	/* A frontend-id that disagrees with the directory's domid. */
	ts_write(hs, BE_DIR(8, 0) "/frontend-id", "7");
	ts_write(hs, BE_DIR(8, 0) "/frontend",
		 "/local/domain/7/device/" FAKE_TYPE "/0");
	harness_pump(hs, 50);
	assert_int_equal(fake.probe, 0);
	/* Once the bad directory is gone, a good device with the same ids
	 * is served. */
	ts_rm(hs, BE_DIR(7, 0));
	harness_pump(hs, 20);
	ts_create_device(hs, 7, 0, XenbusStateInitialising, NULL);
	connect_device(hs, 7, 0);
	assert_int_equal(fake.probe, 1);
}

static void test_domain_filter(void **state)
{
	struct harness *hs = *state;
	static const uint32_t only[] = {10};
	ts_create_domain(hs, 9);
	ts_create_domain(hs, 10);
	ts_create_device(hs, 9, 0, XenbusStateInitialising, NULL);
	harness_start_backend(hs, only, 1);
	ts_create_device(hs, 10, 0, XenbusStateInitialising, NULL);
	connect_device(hs, 10, 0);
	harness_pump(hs, 50);
	assert_int_equal(be_state(hs, 9, 0), XenbusStateInitialising);
	assert_int_equal(fake.probe, 1);
	assert_int_equal(xb_backend_device_count(hs->be), 1);
}

/* libxl's unplug: online=0 and state Closing on our side. */
static void test_toolstack_unplug(void **state)
{
	struct harness *hs = *state;
	ts_create_domain(hs, 11);
	ts_create_device(hs, 11, 0, XenbusStateInitialising, NULL);
	harness_start_backend(hs, NULL, 0);
	connect_device(hs, 11, 0);
	ts_write(hs, BE_DIR(11, 0) "/online", "0");
	ts_write(hs, BE_DIR(11, 0) "/state", "5");
	assert_true(wait_be(hs, 11, 0, XenbusStateClosed));
	assert_int_equal(fake.disconnect, 1);
	/* Offline: a frontend starting over is not served. */
	fe_set(hs, 11, 0, XenbusStateInitialising);
	harness_pump(hs, 50);
	assert_int_equal(be_state(hs, 11, 0), XenbusStateClosed);
	/* Back online, and the toolstack resets our state: new connection. */
	ts_write(hs, BE_DIR(11, 0) "/online", "1");
	ts_write(hs, BE_DIR(11, 0) "/state", "1");
	connect_device(hs, 11, 0);
	assert_int_equal(fake.connect, 2);
	assert_false(fake.bad_call);
}

static void test_connect_failure(void **state)
{
	struct harness *hs = *state;
	ts_create_domain(hs, 12);
	ts_create_device(hs, 12, 0, XenbusStateInitialising, NULL);
	harness_start_backend(hs, NULL, 0);
	assert_true(wait_be(hs, 12, 0, XenbusStateInitWait));
	fake.fail_connect = -EINVAL;
	fe_set(hs, 12, 0, XenbusStateInitialised);
	assert_true(wait_be(hs, 12, 0, XenbusStateClosed));
	char *err = ts_read(hs, BE_DIR(12, 0) "/error");
	assert_non_null(err);
	assert_non_null(strstr(err, "connect failed"));
	free(err);
	assert_int_equal(fake.disconnect, 0); /* never connected */
	/* The frontend starts over; this time it works. */
	fake.fail_connect = 0;
	fe_set(hs, 12, 0, XenbusStateInitialising);
	connect_device(hs, 12, 0);
	assert_int_equal(fake.connect, 2);
	assert_false(fake.bad_call);
}

/* XenStore refuses the Connected write (quota, memory): the backend must
 * not believe it is Connected. It lets the rings go, stays InitWait as
 * the node says, and connects when the frontend next changes. */
static void test_state_write_refused(void **state)
{
	struct harness *hs = *state;
	ts_create_domain(hs, 14);
	ts_create_device(hs, 14, 0, XenbusStateInitialising, NULL);
	harness_start_backend(hs, NULL, 0);
	assert_true(wait_be(hs, 14, 0, XenbusStateInitWait));
	xs_srv_fail_writes(hs->srv, BE_DIR(14, 0) "/state", ENOSPC);
	fe_set(hs, 14, 0, XenbusStateInitialised);
	unsigned one = 1;
	assert_true(harness_wait(hs, connects_are, &one));
	harness_pump(hs, 50);
	assert_int_equal(fake.disconnect, 1);
	assert_int_equal(be_state(hs, 14, 0), XenbusStateInitWait);
	xs_srv_fail_writes(hs->srv, NULL, 0);
	fe_set(hs, 14, 0, XenbusStateInitialised); /* the frontend again */
	assert_true(wait_be(hs, 14, 0, XenbusStateConnected));
	assert_int_equal(fake.connect, 2);
	assert_false(fake.bad_call);
}

static void fail_each(struct xb_device *dev, void *data)
{
	(void)data;
	xb_device_fail(dev, -EPROTO, "bad request from %s", "the test");
}

/* xb_device_fail from the device type, and a clean shutdown. */
static void test_fail_and_shutdown(void **state)
{
	struct harness *hs = *state;
	ts_create_domain(hs, 13);
	ts_create_device(hs, 13, 0, XenbusStateInitialising, NULL);
	ts_create_device(hs, 13, 1, XenbusStateInitialising, NULL);
	harness_start_backend(hs, NULL, 0);
	connect_device(hs, 13, 0);
	connect_device(hs, 13, 1);
	fe_set(hs, 13, 0, XenbusStateClosing);
	assert_true(wait_be(hs, 13, 0, XenbusStateClosed));
	fe_set(hs, 13, 0, XenbusStateInitialising);
	assert_true(wait_be(hs, 13, 0, XenbusStateInitWait));
	/* One device connected, one waiting: fail both. */
	xb_backend_for_each(hs->be, fail_each, NULL);
	assert_int_equal(be_state(hs, 13, 1), XenbusStateClosed);
	assert_int_equal(fake.disconnect, 2);
	char *err = ts_read(hs, BE_DIR(13, 1) "/error");
	assert_non_null(err);
	assert_non_null(strstr(err, "bad request from the test"));
	free(err);
	/* Shutdown: every device Closed, disconnected, removed. */
	fe_set(hs, 13, 1, XenbusStateInitialising);
	assert_true(wait_be(hs, 13, 1, XenbusStateInitWait));
	fe_set(hs, 13, 1, XenbusStateConnected);
	assert_true(wait_be(hs, 13, 1, XenbusStateConnected));
	xb_backend_destroy(hs->be);
	hs->be = NULL;
	assert_int_equal(be_state(hs, 13, 1), XenbusStateClosed);
	assert_int_equal(fake.disconnect, 3);
	assert_int_equal(fake.remove, 2);
	assert_false(fake.bad_call);
}

static void count_event(void *data, const char *path)
{
	(void)path;
	(*(unsigned *)data)++;
}

static bool seen_is(struct harness *hs, void *arg)
{
	unsigned **p = arg;
	(void)hs;
	return *p[0] == *p[1];
}

/* A burst of watch events is handed out a few per loop turn (so a guest
 * rewriting its nodes cannot hold the loop), and none is lost. */
static void test_watch_events_batched(void **state)
{
	struct harness *hs = *state;
	unsigned seen = 0;
	struct xstore_watch *w =
		xstore_watch(hs->xs, "/local/domain/0/burst", count_event, &seen);

	assert_non_null(w);
	harness_pump(hs, 50); /* the watch's first event */
	assert_int_equal(seen, 1);
	for (unsigned i = 0; i < 40; i++) {
		char path[64];

		snprintf(path, sizeof(path), "/local/domain/0/burst/n%u", i);
		ts_write(hs, path, "x");
	}
	/* The writes are answered: give libxenstore's reader thread time to
	 * queue their events (more than 8 suffice for the check). */
	usleep(200000);
	loop_dispatch(hs->loop, 1000);
	assert_true(seen > 1 && seen <= 1 + 8);
	unsigned want = 41;
	assert_true(harness_wait(hs, seen_is, (void *)(unsigned *[]){&seen, &want}));
	assert_int_equal(seen, 41);
	xstore_unwatch(w);
}

int main(void)
{
	log_init(getenv("XB_TEST_DEBUG") ? LOG_LVL_DEBUG : LOG_LVL_WARN,
		 "test_xenbus");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_present_at_start, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_appears_later, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_frontend_connected_early,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_reconnect_20_times, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_backend_dir_removed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_domain_gone, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_frontend_refused,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_domain_filter, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_toolstack_unplug, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_connect_failure, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_state_write_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fail_and_shutdown, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_watch_events_batched,
						setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
