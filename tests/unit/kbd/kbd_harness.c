/* See kbd_harness.h. */
#include <stdarg.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kbd_harness.h"
#include "xen_grant.h"

void kh_reset(struct kbd_ctx *ctx)
{
	fake_xen_reset();
	fake_xs_reset();
	kbd_ctx_init(ctx, NULL, NULL);
}

void kh_teardown(void)
{
	assert_int_equal(fake_live_maps(), 0);
	assert_int_equal(fake_live_bindings(), 0);
	fake_xen_teardown();
	fake_xs_reset();
}

int kh_test_setup(void **state)
{
	const struct kh_fixture *f = *state;

	kh_reset(f->ctx);
	return 0;
}

int kh_test_teardown(void **state)
{
	const struct kh_fixture *f = *state;

	for (unsigned i = 0; i < 3 && f->devs[i]; i++)
		kh_dev_destroy(f->devs[i]);
	kh_teardown();
	return 0;
}

void kh_be(struct kh_dev *k, const char *node, const char *value)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/%s", k->be, node);
	fake_xs_write(path, value);
}

void kh_fe(struct kh_dev *k, const char *node, const char *value)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/%s", k->fe, node);
	fake_xs_write(path, value);
}

void kh_dev_init(struct kh_dev *k, uint32_t domid, uint32_t devid,
		 const char *uid)
{
	char v[32];

	memset(k, 0, sizeof(*k));
	k->domid = domid;
	k->devid = devid;
	snprintf(k->be, sizeof(k->be), "/local/domain/0/backend/vinput/%u/%u",
		 domid, devid);
	snprintf(k->fe, sizeof(k->fe), "/local/domain/%u/device/vkbd/%u",
		 domid, devid);
	k->gref = fake_guest_grant_new(domid, false);
	k->page = fake_guest_page(k->gref);
	memset(k->page, 0, XGRANT_PAGE_SIZE);
	k->port = 40 + domid * 4 + devid;
	kh_be(k, "frontend", k->fe);
	kh_fe(k, "backend", k->be);
	if (uid)
		kh_be(k, "unique-id", uid);
	snprintf(v, sizeof(v), "%u", k->gref);
	kh_fe(k, "page-gref", v);
	snprintf(v, sizeof(v), "%u", k->port);
	kh_fe(k, "event-channel", v);
}

int kh_probe(struct kh_dev *k, struct kbd_ctx *ctx)
{
	struct xb_device *b;

	k->dev = calloc(1, kbd_xb_impl.device_size);
	assert_non_null(k->dev);
	b = &k->dev->base;
	b->xs = fake_xs();
	b->domid = k->domid;
	b->devid = k->devid;
	b->be_path = strdup(k->be);
	b->fe_path = strdup(k->fe);
	b->dom_name = strdup("domu");
	log_src_init(&b->log, k->domid, "vinput", k->devid, NULL);
	b->backend_ctx = ctx;
	return kbd_xb_impl.probe(b);
}

int kh_connect(struct kh_dev *k, struct kbd_ctx *ctx)
{
	int ret = kh_probe(k, ctx);

	if (ret == 0)
		ret = kbd_xb_impl.connect(&k->dev->base);
	k->dev->base.connected = ret == 0;
	return ret;
}

void kh_dev_destroy(struct kh_dev *k)
{
	if (!k->dev)
		return;
	if (k->dev->base.connected)
		kbd_xb_impl.disconnect(&k->dev->base);
	kbd_xb_impl.remove(&k->dev->base);
	free(k->dev->base.be_path);
	free(k->dev->base.fe_path);
	free(k->dev->base.dom_name);
	free(k->dev);
	k->dev = NULL;
}

void kh_setup_linux(struct kh_dev *k, struct kbd_ctx *ctx, uint32_t mt_w,
		    uint32_t mt_h, uint32_t contacts)
{
	char v[16];

	kh_dev_init(k, 1, 0, "c0");
	kh_be(k, "feature-abs-pointer", "1");
	kh_be(k, "feature-multi-touch", "1");
	snprintf(v, sizeof(v), "%u", mt_w);
	kh_be(k, "multi-touch-width", v);
	snprintf(v, sizeof(v), "%u", mt_h);
	kh_be(k, "multi-touch-height", v);
	snprintf(v, sizeof(v), "%u", contacts);
	kh_be(k, "multi-touch-num-contacts", v);
	kh_fe(k, "request-abs-pointer", "1");
	kh_fe(k, "request-multi-touch", "1");
	assert_int_equal(kh_connect(k, ctx), 0);
}

uint32_t kh_unread(const struct kh_dev *k)
{
	return k->page->in_prod - k->page->in_cons;
}

size_t kh_consume(struct kh_dev *k, union xenkbd_in_event *out, size_t max,
		  bool notify)
{
	uint32_t prod = __atomic_load_n(&k->page->in_prod, __ATOMIC_ACQUIRE);
	uint32_t cons = k->page->in_cons;
	size_t n = 0;

	assert_true(prod - cons <= XENKBD_IN_RING_LEN);
	for (; cons != prod && (max == 0 || n < max); cons++, n++) {
		if (out)
			out[n] = XENKBD_IN_RING_REF(k->page, cons);
	}
	__atomic_store_n(&k->page->in_cons, cons, __ATOMIC_RELEASE);
	if (notify)
		assert_true(fake_evtchn_fire(k->port));
	return n;
}

int kh_touch(struct kbd_ctx *ctx, uint32_t domid, const char *uid,
	     enum vinput_type type, int32_t id, double x, double y)
{
	struct vinput_event ev = { .type = type, .id = id, .x = x, .y = y };

	return kbd_input_event(ctx, domid, uid, 800, 600, &ev);
}

int kh_key(struct kbd_ctx *ctx, uint32_t domid, const char *uid,
	   enum vinput_type type, uint32_t code, bool pressed)
{
	struct vinput_event ev = { .type = type, .code = code,
				   .pressed = pressed };

	return kbd_input_event(ctx, domid, uid, 800, 600, &ev);
}

int kh_simple(struct kbd_ctx *ctx, uint32_t domid, const char *uid,
	      enum vinput_type type)
{
	struct vinput_event ev = { .type = type };

	return kbd_input_event(ctx, domid, uid, 800, 600, &ev);
}

void kh_expect_mt(const union xenkbd_in_event *e, uint8_t sub, uint8_t id,
		  int32_t x, int32_t y)
{
	assert_int_equal(e->type, XENKBD_TYPE_MTOUCH);
	assert_int_equal(e->mtouch.event_type, sub);
	if (sub != XENKBD_MT_EV_SYN)
		assert_int_equal(e->mtouch.contact_id, id);
	if (sub == XENKBD_MT_EV_DOWN || sub == XENKBD_MT_EV_MOTION) {
		assert_int_equal(e->mtouch.u.pos.abs_x, x);
		assert_int_equal(e->mtouch.u.pos.abs_y, y);
	}
}

void kh_expect_key(const union xenkbd_in_event *e, uint32_t code,
		   bool pressed)
{
	assert_int_equal(e->type, XENKBD_TYPE_KEY);
	assert_int_equal(e->key.keycode, code);
	assert_int_equal(e->key.pressed, pressed);
}

void kh_expect_pos(const union xenkbd_in_event *e, int32_t x, int32_t y,
		   int32_t z)
{
	assert_int_equal(e->type, XENKBD_TYPE_POS);
	assert_int_equal(e->pos.abs_x, x);
	assert_int_equal(e->pos.abs_y, y);
	assert_int_equal(e->pos.rel_z, z);
}
