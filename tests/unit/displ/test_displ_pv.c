/* be-alloc on an x86 PV guest (docs/be-alloc-pv.md): DBUF_CREATE with
 * XENDISPL_DBUF_FLG_REQ_ALLOC is refused with -XEN_EOPNOTSUPP and nothing
 * else changes; the device says why once, at connect. Guests of every
 * other type (and of unknown type) keep backend allocation. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fake_xdomain.h"
#include "harness.h"

#define PV_LINE                                                                \
	"dom1(domu) vdispl/0: a PV guest's xen-drm-front cannot map "          \
	"backend-allocated buffers; set be-alloc=0"

/* DBUF_CREATE asking the backend to allocate npages pages. */
static int32_t be_alloc_create(struct harness *h, uint64_t cookie,
			       uint32_t npages)
{
	struct xendispl_req r = { .operation = XENDISPL_OP_DBUF_CREATE };

	r.op.dbuf_create = (struct xendispl_dbuf_create_req){
		.dbuf_cookie = cookie,
		.width = 64,
		.height = 64,
		.bpp = 32,
		.buffer_sz = npages * 4096,
		.flags = XENDISPL_DBUF_FLG_REQ_ALLOC,
		.gref_directory = h_guest_dir_only(h, npages, NULL),
	};
	return h_call(h, 0, &r, NULL);
}

static void test_pv_refuses_be_alloc(void **state)
{
	struct harness h;

	(void)state;
	fake_xdomain_set_type(XDOMAIN_PV);
	h_setup(&h, 1, NULL, true);
	assert_true(h.dev->guest_pv);
	struct h_snap before = h_snap(&h);
	assert_int_equal(be_alloc_create(&h, DB1, 4), -XEN_EOPNOTSUPP);
	h_assert_unchanged(&h, before);
	assert_int_equal(fake_live_shares(), 0);
	assert_null(displ_dbuf_find(h.dev, DB1));
	/* The guest stays connected and may use its own buffers. */
	assert_int_equal(fake_fail_count(), 0);
	assert_true(h.dev->base.connected);
	h_make_fb(&h, DB2, FB1, 800, 600);
	assert_int_equal(h_set_config(&h, 0, FB1, 0, 0, 800, 600), 0);
	h_teardown(&h);
}

/* HVM, PVH, ARM and unknown guests: backend allocation as before. */
static void test_other_types_keep_be_alloc(void **state)
{
	static const enum xdomain_type types[] = {
		XDOMAIN_HVM, XDOMAIN_PVH, XDOMAIN_ARM, XDOMAIN_UNKNOWN,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct harness h;

		fake_xdomain_set_type(types[i]);
		h_setup(&h, 1, NULL, true);
		assert_false(h.dev->guest_pv);
		assert_int_equal(be_alloc_create(&h, DB1, 4), 0);
		assert_int_equal(fake_live_shares(), 1);
		assert_int_equal(fake_xdomain_queries(), 1);
		h_teardown(&h);
	}
}

/* Runs fn with stderr (where log.c writes) going to a file; returns how
 * many times line occurs in what was written. */
static unsigned count_logged(void (*fn)(struct harness *h), struct harness *h,
			     const char *line)
{
	char path[] = "/tmp/test_displ_pv.XXXXXX", buf[8192];
	int fd = mkstemp(path), saved = dup(2);
	unsigned n = 0;
	ssize_t len;

	assert_true(fd >= 0 && saved >= 0);
	fflush(stderr);
	assert_int_equal(dup2(fd, 2), 2);
	fn(h);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	len = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	unlink(path);
	assert_true(len >= 0);
	buf[len] = '\0';
	for (const char *p = buf; (p = strstr(p, line)) != NULL; p++)
		n++;
	return n;
}

/* Connect, disconnect and connect again: the frontend coming back (a
 * module reload) is the same device. */
static void connect_twice(struct harness *h)
{
	assert_int_equal(h_connect(h), 0);
	h_disconnect(h);
	assert_int_equal(displ_xb_impl.connect(&h->dev->base), 0);
	h->dev->base.connected = true;
}

static void test_pv_logs_once_per_device(void **state)
{
	struct harness h;

	(void)state;
	fake_xdomain_set_type(XDOMAIN_PV);
	h_init(&h, 1, NULL, true);
	assert_int_equal(count_logged(connect_twice, &h, PV_LINE), 1);
	assert_true(h.dev->guest_pv); /* still refused after reconnecting */
	assert_int_equal(be_alloc_create(&h, DB1, 4), -XEN_EOPNOTSUPP);
	h_teardown(&h);
}

/* No line where nothing is wrong: a PV guest without be-alloc (whose type
 * is not even asked), an HVM guest with it. */
static void test_no_line_otherwise(void **state)
{
	struct harness h;

	(void)state;
	fake_xdomain_set_type(XDOMAIN_PV);
	h_init(&h, 1, NULL, false);
	assert_int_equal(count_logged(connect_twice, &h, "set be-alloc=0"), 0);
	assert_int_equal(fake_xdomain_queries(), 0);
	assert_false(h.dev->guest_pv);
	h_teardown(&h);

	fake_xdomain_set_type(XDOMAIN_HVM);
	h_init(&h, 1, NULL, true);
	assert_int_equal(count_logged(connect_twice, &h, "set be-alloc=0"), 0);
	h_teardown(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pv_refuses_be_alloc),
		cmocka_unit_test(test_other_types_keep_be_alloc),
		cmocka_unit_test(test_pv_logs_once_per_device),
		cmocka_unit_test(test_no_line_otherwise),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
