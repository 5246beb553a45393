/* Every displif request but the display buffers' (test_displ_dbuf.c), good
 * and bad, against the real vdispl code with a fake guest. A bad request
 * gets a non-zero status and changes nothing. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>
#include <drm_fourcc.h>

#include "displ_edid.h"
#include "harness.h"

static void test_modetest_sequence(void **state)
{
	struct harness h;
	struct pres_conn *pc;
	uint32_t refs[469];

	(void)state;
	h_setup(&h, 1, NULL, false);
	assert_int_equal(h.dev->protocol, 1);
	pc = fake_pres_conn(&h.pres, 0);
	assert_non_null(pc);
	assert_int_equal(pc->info.width, 800);
	assert_string_equal(pc->info.unique_id, "c0");

	/* The real trace: 1,920,000 bytes = 469 pages, one dir page. */
	uint32_t dir = h_guest_buffer(&h, 469, refs, NULL);
	((uint32_t *)fake_guest_page(refs[12]))[100] = 0x00c0ffee;
	assert_int_equal(h_dbuf_create(&h, DB1, 800, 600, 32, 1920000, dir), 0);
	/* Mapped once, as one region of all 469 pages. */
	assert_int_equal(fake_live_mapped_pages(), 2 + 469);
	assert_int_equal(h_fb_attach(&h, FB1, DB1, 800, 600, XR24), 0);
	assert_int_equal(h.pres.last_desc.stride, 3200);
	assert_int_equal(h.pres.last_desc.fourcc, XR24);
	assert_int_equal(h.pres.last_desc.size, 1920000);
	assert_int_equal(h.pres.last_desc.dmabuf_fd, -1);
	assert_int_equal(((const uint32_t *)h.pres.last_desc.pixels)
				 [12 * 1024 + 100],
			 0x00c0ffee);
	assert_int_equal(h_set_config(&h, 0, FB1, 0, 0, 800, 600), 0);
	assert_ptr_equal(pc->config_fb, h.pres.conns[0]->config_fb);
	assert_non_null(pc->config_fb);
	h_make_fb(&h, DB2, FB2, 800, 600);

	unsigned maps_before = fake_total_maps();
	for (int i = 0; i < 6; i++) {
		uint64_t ck = i % 2 ? FB1 : FB2;

		assert_int_equal(h_flip(&h, 0, ck), 0);
		assert_int_equal(h_evt_pending(&h, 0), 0);
		assert_true(fake_pres_flip_done(&h.pres, 0));
		assert_int_equal(h_evt_pending(&h, 0), 1);
		struct xendispl_evt e = h_evt_pop(&h, 0);
		assert_int_equal(e.type, XENDISPL_EVT_PG_FLIP);
		assert_int_equal(e.op.pg_flip.fb_cookie, ck);
		assert_int_equal(e.id, i);
	}
	/* No grant work per frame. */
	assert_int_equal(fake_total_maps(), maps_before);
	assert_int_equal(fake_evtchn_notifies(h.conn[0].evt_port), 6);
	assert_true(fake_evtchn_notifies(h.conn[0].req_port) > 0);

	assert_int_equal(h_simple(&h, 0, XENDISPL_OP_SET_CONFIG, 0), 0);
	assert_null(pc->config_fb);
	assert_int_equal(h_simple(&h, 0, XENDISPL_OP_FB_DETACH, FB2), 0);
	assert_int_equal(h_simple(&h, 0, XENDISPL_OP_DBUF_DESTROY, DB2), 0);
	assert_int_equal(h.dev->n_dbufs, 1);
	assert_int_equal(fake_live_mapped_pages(), 2 + 469);
	h_teardown(&h);
}

static void test_fb_attach_bad(void **state)
{
	struct harness h;
	struct h_snap s;

	(void)state;
	h_init(&h, 1, NULL, false);
	h.ctx.limits.max_fbs = 2;
	assert_int_equal(h_connect(&h), 0);
	h_make_fb(&h, DB1, FB1, 64, 64);
	uint32_t dir = h_guest_buffer(&h, 10, NULL, NULL);
	assert_int_equal(h_dbuf_create(&h, DB2, 0, 0, 0, 10 * 4096, dir), 0);
	s = h_snap(&h);

	assert_int_equal(h_fb_attach(&h, FB2, 0x1234, 64, 64, XR24),
			 -XEN_ENOENT);
	assert_int_equal(h_fb_attach(&h, FB1, DB1, 64, 64, XR24), -XEN_EEXIST);
	assert_int_not_equal(h_fb_attach(&h, 0, DB1, 64, 64, XR24), 0);
	assert_int_not_equal(h_fb_attach(&h, FB2, 0, 64, 64, XR24), 0);
	assert_int_not_equal(h_fb_attach(&h, FB2, DB1, 64, 64,
					 DRM_FORMAT_NV12), 0);
	assert_int_not_equal(h_fb_attach(&h, FB2, DB1, 64, 64, 0), 0);
	/* Wider than the dumb buffer's pitch; taller than its lines. */
	assert_int_not_equal(h_fb_attach(&h, FB2, DB1, 65, 64, XR24), 0);
	assert_int_not_equal(h_fb_attach(&h, FB2, DB1, 64, 65, XR24), 0);
	assert_int_not_equal(h_fb_attach(&h, FB2, DB1, 0, 64, XR24), 0);
	/* PRIME dbuf of 40 KiB cannot hold 800x600 XR24, nor RGB888 at
	 * 128x128 (48 KiB). */
	assert_int_not_equal(h_fb_attach(&h, FB2, DB2, 800, 600, XR24), 0);
	assert_int_not_equal(h_fb_attach(&h, FB2, DB2, 128, 128,
					 DRM_FORMAT_RGB888), 0);
	assert_int_not_equal(h_fb_attach(&h, FB2, DB2, 0xffffffffu, 0xffffffffu,
					 XR24), 0);
	h_assert_unchanged(&h, s);

	/* PRIME: geometry comes with FB_ATTACH. 100x100 RGB565 = 200/line. */
	assert_int_equal(h_fb_attach(&h, FB2, DB2, 100, 100, DRM_FORMAT_RGB565),
			 0);
	assert_int_equal(h.pres.last_desc.stride, 200);
	assert_int_equal(h.pres.last_desc.width, 100);
	/* fb limit is 2 */
	assert_int_equal(h_fb_attach(&h, 77, DB2, 10, 10, XR24), -XEN_ENOSPC);
	/* presenter refusing: an error, nothing kept */
	assert_int_equal(h_simple(&h, 0, XENDISPL_OP_FB_DETACH, FB2), 0);
	s = h_snap(&h);
	h.pres.fail_fb_create = true;
	assert_int_not_equal(h_fb_attach(&h, FB2, DB2, 10, 10, XR24), 0);
	h_assert_unchanged(&h, s);
	h_teardown(&h);
}

static void test_set_config(void **state)
{
	struct harness h;
	struct pres_conn *c0, *c1;

	(void)state;
	h_setup(&h, 2, NULL, false);
	c0 = fake_pres_conn(&h.pres, 0);
	c1 = fake_pres_conn(&h.pres, 1);
	/* modetest with two -s: one 1824x768 fb for 800x600 + 1024x768. */
	h_make_fb(&h, DB1, FB1, 1824, 768);
	assert_int_equal(h_set_config(&h, 0, FB1, 0, 0, 1824, 768), 0);
	assert_int_equal(h_set_config(&h, 1, FB1, 800, 0, 1824, 768), 0);
	assert_non_null(c0->config_fb);
	assert_ptr_equal(c0->config_fb, c1->config_fb);
	assert_int_equal(c1->x, 800);
	assert_int_equal(c1->y, 0);
	unsigned n0 = c0->set_configs, n1 = c1->set_configs;

	/* Outside the fb: refused, the connector keeps its config. */
	assert_int_equal(h_set_config(&h, 1, FB1, 801, 0, 1024, 768),
			 -XEN_EINVAL);
	assert_int_equal(h_set_config(&h, 0, FB1, 0, 169, 800, 600),
			 -XEN_EINVAL);
	assert_int_equal(h_set_config(&h, 0, FB1, 0xffffffffu, 0, 800, 600),
			 -XEN_EINVAL);
	assert_int_equal(h_set_config(&h, 0, 0x999, 0, 0, 800, 600),
			 -XEN_ENOENT);
	assert_int_equal(c0->set_configs, n0);
	assert_int_equal(c1->set_configs, n1);
	assert_int_equal(c1->x, 800);

	/* Flips keep the offset: the same fb again on c1 is fine. */
	assert_int_equal(h_flip(&h, 1, FB1), 0);
	/* An fb too small for c1's region at (800, 0) is refused. */
	h_make_fb(&h, DB2, FB2, 1024, 768);
	assert_int_equal(h_flip(&h, 1, FB2), -XEN_EINVAL);
	assert_int_equal(h_flip(&h, 0, FB2), 0);

	/* fb 0: disable. */
	assert_int_equal(h_set_config(&h, 1, 0, 0, 0, 0, 0), 0);
	assert_null(c1->config_fb);
	/* A disabled connector's flip is answered and shows nothing: Linux
	 * sends them (DPMS off, a modeset), and an error would make the
	 * frontend report the connector disconnected. */
	assert_int_equal(h_flip(&h, 1, FB1), 0);
	assert_null(c1->config_fb);
	/* An unknown fb is still refused there. */
	assert_int_equal(h_flip(&h, 1, 0x999), -XEN_ENOENT);
	h_teardown(&h);
}

static void test_flip_and_detach(void **state)
{
	struct harness h;
	struct pres_conn *c0;

	(void)state;
	h_setup(&h, 1, NULL, false);
	c0 = fake_pres_conn(&h.pres, 0);
	h_make_fb(&h, DB1, FB1, 800, 600);
	h_make_fb(&h, DB2, FB2, 800, 600);
	assert_int_equal(h_set_config(&h, 0, FB1, 0, 0, 800, 600), 0);
	assert_int_equal(h_flip(&h, 0, FB2), 0);
	/* Unknown, zero and detached cookies. */
	assert_int_equal(h_flip(&h, 0, 0x42), -XEN_ENOENT);
	assert_int_equal(h_flip(&h, 0, 0), -XEN_ENOENT);
	assert_int_equal(h_simple(&h, 0, XENDISPL_OP_FB_DETACH, FB1), 0);
	assert_int_equal(h_flip(&h, 0, FB1), -XEN_ENOENT);
	assert_int_equal(h_simple(&h, 0, XENDISPL_OP_FB_DETACH, FB1),
			 -XEN_ENOENT);
	assert_int_equal(h_simple(&h, 0, XENDISPL_OP_FB_DETACH, 0),
			 -XEN_ENOENT);
	assert_int_equal(c0->shows, 1);

	/* Detaching the fb on screen takes it off the screen first (the
	 * fake presenter aborts otherwise); the pending flip still gets
	 * its event with the right cookie. */
	assert_int_equal(h_simple(&h, 0, XENDISPL_OP_FB_DETACH, FB2), 0);
	assert_null(c0->config_fb);
	assert_true(fake_pres_flip_done(&h.pres, 0));
	assert_int_equal(h_evt_pop(&h, 0).op.pg_flip.fb_cookie, FB2);
	assert_int_equal(h.pres.live_fbs, 0);
	h_teardown(&h);
}

static void test_get_edid(void **state)
{
	struct harness h;
	struct xendispl_req r = { .operation = XENDISPL_OP_GET_EDID };
	struct xendispl_resp resp;
	uint32_t refs[8];
	uint8_t sum = 0;

	(void)state;
	h_setup(&h, 2, "2", false);
	assert_int_equal(h.dev->protocol, 2);
	uint32_t dir = h_guest_buffer(&h, 8, refs, NULL);
	r.op.get_edid.buffer_sz = XENDISPL_EDID_MAX_SIZE;
	r.op.get_edid.gref_directory = dir;
	assert_int_equal(h_call(&h, 1, &r, &resp), 0);
	assert_int_equal(resp.op.get_edid.edid_sz, 128);
	const uint8_t *e = fake_guest_page(refs[0]);
	assert_int_equal(e[0], 0);
	assert_int_equal(e[1], 0xff);
	assert_int_equal(e[7], 0);
	for (int i = 0; i < 128; i++)
		sum += e[i];
	assert_int_equal(sum, 0);
	/* connector 1 is 1024x768 */
	assert_int_equal(e[54 + 2] | (e[54 + 4] >> 4) << 8, 1024);
	assert_int_equal(e[54 + 5] | (e[54 + 7] >> 4) << 8, 768);
	assert_int_equal(fake_live_maps(), 4);

	/* too small, too big, bad directory */
	r.op.get_edid.buffer_sz = 64;
	assert_int_not_equal(h_call(&h, 0, &r, NULL), 0);
	r.op.get_edid.buffer_sz = XENDISPL_EDID_MAX_SIZE + 1;
	assert_int_not_equal(h_call(&h, 0, &r, NULL), 0);
	r.op.get_edid.buffer_sz = 4096;
	r.op.get_edid.gref_directory = 0;
	assert_int_not_equal(h_call(&h, 0, &r, NULL), 0);
	h_teardown(&h);

	/* Protocol 1 (no "version" node, like Linux): not available. */
	h_setup(&h, 1, NULL, false);
	dir = h_guest_buffer(&h, 8, refs, NULL);
	r.op.get_edid.buffer_sz = XENDISPL_EDID_MAX_SIZE;
	r.op.get_edid.gref_directory = dir;
	assert_int_equal(h_call(&h, 0, &r, NULL), -XEN_EOPNOTSUPP);
	assert_int_equal(((uint8_t *)fake_guest_page(refs[0]))[1], 0);
	h_teardown(&h);
}

static void test_unknown_op(void **state)
{
	struct harness h;
	struct xendispl_req r = { .operation = 0x42 };
	struct xendispl_resp resp;
	struct h_snap s;

	(void)state;
	h_setup(&h, 1, "2", false);
	h_make_fb(&h, DB1, FB1, 64, 64);
	s = h_snap(&h);
	assert_int_equal(h_call(&h, 0, &r, &resp), -XEN_EOPNOTSUPP);
	assert_int_equal(resp.operation, 0x42);
	r.operation = 0;
	assert_int_equal(h_call(&h, 0, &r, NULL), -XEN_EOPNOTSUPP);
	r.operation = 0xff;
	assert_int_equal(h_call(&h, 0, &r, NULL), -XEN_EOPNOTSUPP);
	h_assert_unchanged(&h, s);
	h_teardown(&h);
}

static void test_disconnect_leak_free(void **state)
{
	struct harness h;

	(void)state;
	fake_xen_reset();
	fake_set_dmabuf_export(true);
	h_init(&h, 2, "2", false);
	fake_set_dmabuf_export(true); /* h_init reset the fakes */
	assert_int_equal(h_connect(&h), 0);
	assert_int_equal(fake_live_bindings(), 4);
	assert_int_equal(fake_live_maps(), 4);
	assert_int_equal(h.pres.live_conns, 2);
	h_make_fb(&h, DB1, FB1, 1824, 768);
	int dmabuf = fake_last_dmabuf_fd();
	assert_true(dmabuf >= 0);
	assert_int_equal(h.pres.last_desc.dmabuf_fd, dmabuf);
	h_make_fb(&h, DB2, FB2, 1024, 768);
	assert_int_equal(h_set_config(&h, 0, FB1, 0, 0, 1824, 768), 0);
	assert_int_equal(h_set_config(&h, 1, FB2, 0, 0, 1024, 768), 0);
	assert_int_equal(h_flip(&h, 0, FB1), 0); /* left in flight */
	assert_int_equal(h_flip(&h, 1, FB2), 0);

	h_disconnect(&h);
	assert_int_equal(fake_live_maps(), 0);
	assert_int_equal(fake_live_mapped_pages(), 0);
	assert_int_equal(fake_live_shares(), 0);
	assert_int_equal(fake_live_bindings(), 0);
	assert_int_equal(h.pres.live_fbs, 0);
	assert_int_equal(h.pres.live_conns, 0);
	assert_int_equal(fcntl(dmabuf, F_GETFD), -1);

	/* The frontend may come back: connect again on the same device. */
	assert_int_equal(displ_xb_impl.connect(&h.dev->base), 0);
	h.dev->base.connected = true;
	assert_int_equal(fake_live_bindings(), 4);
	h_teardown(&h);
	assert_int_equal(fake_live_bindings(), 0);
}

/* Broken XenStore configuration: connect fails, leaving nothing behind. */
static void bad_config(const char *node, const char *value, unsigned n)
{
	struct harness h;

	h_init(&h, n, NULL, false);
	if (node && value)
		fake_xs_write(node, value);
	if (h_connect(&h) == 0)
		fail_msg("connected with %s = \"%s\"", node, value);
	assert_int_equal(fake_live_maps(), 0);
	assert_int_equal(fake_live_bindings(), 0);
	assert_int_equal(h.pres.live_conns, 0);
	h_teardown(&h);
}

static void test_bad_config(void **state)
{
	char id[100];

	(void)state;
	bad_config(H_FE "/0/resolution", "0x600", 1);
	bad_config(H_FE "/1/resolution", "800x", 2);
	bad_config(H_FE "/0/resolution", "16385x600", 1);
	bad_config(H_FE "/0/resolution", "", 1);
	memset(id, 'a', sizeof(id) - 1);
	id[sizeof(id) - 1] = 0;
	bad_config(H_FE "/0/unique-id", id, 1);
	bad_config(H_FE "/0/unique-id", "has space", 1);
	bad_config(H_FE "/1/req-ring-ref", "x", 2);
	bad_config(H_FE "/1/req-ring-ref", "0", 2);
	bad_config(H_FE "/0/evt-event-channel", "4294967296", 1);
	bad_config(H_FE "/0/req-ring-ref", "3999", 1); /* not granted */
	bad_config(H_FE "/version", "3", 1);
	bad_config(NULL, NULL, 0); /* no connectors */
	/* 17 connectors: more than anyone may have. */
	struct harness h;

	h_init(&h, 4, NULL, false);
	for (int i = 4; i <= 16; i++) {
		char p[128];

		snprintf(p, sizeof(p), H_FE "/%d/resolution", i);
		fake_xs_write(p, "800x600");
	}
	assert_int_not_equal(h_connect(&h), 0);
	assert_int_equal(fake_live_bindings(), 0);
	h_teardown(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modetest_sequence),
		cmocka_unit_test(test_fb_attach_bad),
		cmocka_unit_test(test_set_config),
		cmocka_unit_test(test_flip_and_detach),
		cmocka_unit_test(test_get_edid),
		cmocka_unit_test(test_unknown_op),
		cmocka_unit_test(test_disconnect_leak_free),
		cmocka_unit_test(test_bad_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
