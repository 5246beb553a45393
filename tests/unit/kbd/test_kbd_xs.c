/* XenStore side of a vkbd: what is read from where, strictly; matching
 * input to a device by (domid, unique-id); connect/disconnect cleanup. */
#include <stdarg.h>
#include <setjmp.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kbd_harness.h"

int kbd_tests_xs(void);

static struct kbd_ctx ctx;
static struct kh_dev k, k2;
static union xenkbd_in_event ev[64];

static struct kh_fixture fix = { &ctx, { &k, &k2 } };

/* The real xl + xen-kbdfront tree (tests/data/real-xen/): no
 * width/height, the requests in the frontend's directory. */
static void real_tree(void **state)
{
	(void)state;
	kh_dev_init(&k, 1, 0, "c0");
	kh_be(&k, "feature-abs-pointer", "1");
	kh_be(&k, "feature-multi-touch", "1");
	kh_be(&k, "multi-touch-width", "800");
	kh_be(&k, "multi-touch-height", "600");
	kh_be(&k, "multi-touch-num-contacts", "10");
	kh_fe(&k, "request-multi-touch", "1");
	kh_fe(&k, "request-abs-pointer", "1");
	kh_fe(&k, "page-ref", "241347");
	assert_int_equal(kh_connect(&k, &ctx), 0);
	assert_true(k.dev->abs);
	assert_true(k.dev->mt);
	assert_false(k.dev->raw);
	assert_int_equal(k.dev->mt_contacts, 10);
	assert_int_equal(k.dev->width, 800); /* xen-kbdfront's default */
	assert_int_equal(k.dev->height, 600);
	assert_string_equal(k.dev->pair_id, "c0");
	assert_int_equal(fake_live_maps(), 1);
	assert_int_equal(fake_live_bindings(), 1);
	kbd_xb_impl.disconnect(&k.dev->base);
	k.dev->base.connected = false;
	assert_int_equal(fake_live_maps(), 0);
	assert_int_equal(fake_live_bindings(), 0);
	assert_int_equal(kh_key(&ctx, 1, "c0", VINPUT_KEY, KEY_A, true),
			 -ENODEV);
}

/* Requests are read from the frontend's directory only: the same nodes in
 * the backend's directory request nothing; an unadvertised feature is not
 * honoured even when requested. */
static void requests_from_frontend(void **state)
{
	(void)state;
	kh_dev_init(&k, 1, 0, "c0");
	kh_be(&k, "feature-abs-pointer", "1");
	kh_be(&k, "request-abs-pointer", "1");
	kh_be(&k, "request-multi-touch", "1");
	kh_fe(&k, "request-multi-touch", "1"); /* not advertised */
	assert_int_equal(kh_connect(&k, &ctx), 0);
	assert_false(k.dev->abs);
	assert_false(k.dev->mt);
}

static int probe_with(const char *node, const char *value)
{
	int ret;

	kh_dev_destroy(&k);
	fake_xen_reset();
	fake_xs_reset();
	kh_dev_init(&k, 1, 0, "c0");
	kh_be(&k, "feature-multi-touch", "1");
	kh_be(&k, node, value);
	ret = kh_probe(&k, &ctx);
	return ret;
}

static void strict_parsing(void **state)
{
	(void)state;
	assert_int_equal(probe_with("multi-touch-num-contacts", "64"), 0);
	assert_int_equal(k.dev->mt_contacts, 64);
	assert_true(probe_with("multi-touch-num-contacts", "0") < 0);
	assert_true(probe_with("multi-touch-num-contacts", "65") < 0);
	assert_true(probe_with("multi-touch-num-contacts", "10x") < 0);
	assert_true(probe_with("multi-touch-num-contacts", "-1") < 0);
	assert_true(probe_with("multi-touch-width", "32768") < 0);
	assert_true(probe_with("multi-touch-height", "") < 0);
	assert_true(probe_with("width", "abc") < 0);
	assert_true(probe_with("feature-abs-pointer", "2") < 0);
	assert_true(probe_with("unique-id", "has space") < 0);
	assert_int_equal(probe_with("multi-touch-width", "32767"), 0);
	/* Absent sizes: what xen-kbdfront assumes. */
	assert_int_equal(k.dev->mt_height, 600);
	assert_int_equal(k.dev->mt_contacts, 1);
}

static void frontend_garbage(void **state)
{
	(void)state;
	kh_dev_init(&k, 1, 0, "c0");
	kh_fe(&k, "page-gref", "12abc");
	assert_true(kh_connect(&k, &ctx) < 0);
	kh_dev_destroy(&k);
	kh_dev_init(&k, 1, 1, "c0");
	kh_fe(&k, "request-abs-pointer", "yes");
	assert_true(kh_connect(&k, &ctx) < 0);
	kh_dev_destroy(&k);
	/* A grant of another domain is not mapped. */
	kh_dev_init(&k, 1, 2, "c0");
	{
		char v[16];

		snprintf(v, sizeof(v), "%u", fake_guest_grant_new(2, false));
		kh_fe(&k, "page-gref", v);
	}
	assert_true(kh_connect(&k, &ctx) < 0);
	assert_int_equal(fake_live_maps(), 0);
	assert_int_equal(fake_live_bindings(), 0);
}

/* Two guests, both with unique-id c0: input for one never reaches the
 * other. */
static void match_never_crosses_guests(void **state)
{
	(void)state;
	kh_dev_init(&k, 1, 0, "c0");
	kh_dev_init(&k2, 2, 0, "c0");
	assert_int_equal(kh_connect(&k, &ctx), 0);
	assert_int_equal(kh_connect(&k2, &ctx), 0);
	assert_int_equal(kh_key(&ctx, 2, "c0", VINPUT_KEY, KEY_B, true), 0);
	assert_int_equal(kh_unread(&k), 0);
	assert_int_equal(kh_consume(&k2, ev, 0, false), 1);
	kh_expect_key(&ev[0], KEY_B, true);
	assert_int_equal(kh_key(&ctx, 1, "c0", VINPUT_KEY, KEY_C, true), 0);
	assert_int_equal(kh_unread(&k2), 0);
	assert_int_equal(kh_consume(&k, ev, 0, false), 1);
	kh_expect_key(&ev[0], KEY_C, true);
	assert_int_equal(kh_key(&ctx, 3, "c0", VINPUT_KEY, KEY_C, true),
			 -ENODEV);
	assert_int_equal(kh_key(&ctx, 1, "c1", VINPUT_KEY, KEY_C, true),
			 -ENODEV);
	/* Through the sink too. */
	{
		struct vinput_sink sink = kbd_vinput_sink(&ctx);
		struct vinput_event e = { .type = VINPUT_KEY, .code = KEY_D,
					  .pressed = true };

		sink.event(sink.data, 2, "c0", 800, 600, &e);
		assert_int_equal(kh_consume(&k2, ev, 0, false), 1);
		kh_expect_key(&ev[0], KEY_D, true);
		assert_int_equal(kh_unread(&k), 0);
	}
}

static const char *pair_to_c1(void *data, uint32_t domid,
			      const char *dom_name, uint32_t devid,
			      const char *unique_id)
{
	(void)dom_name, (void)unique_id;
	*(unsigned *)data += 1;
	return domid == 1 && devid == 0 ? "c1" : NULL;
}

/* The pairing hook overrides the vkbd's own unique-id; no unique-id at
 * all falls back to the device number (displ's fallback for a connector
 * index). */
static void pairing_override(void **state)
{
	unsigned calls = 0;

	(void)state;
	ctx.pairing = pair_to_c1;
	ctx.pairing_data = &calls;
	kh_dev_init(&k, 1, 0, "c0");
	kh_dev_init(&k2, 1, 1, NULL);
	assert_int_equal(kh_connect(&k, &ctx), 0);
	assert_int_equal(kh_connect(&k2, &ctx), 0);
	assert_int_equal(calls, 2);
	assert_int_equal(kh_key(&ctx, 1, "c0", VINPUT_KEY, KEY_A, true),
			 -ENODEV);
	assert_int_equal(kh_key(&ctx, 1, "c1", VINPUT_KEY, KEY_A, true), 0);
	assert_int_equal(kh_unread(&k), 1);
	assert_int_equal(kh_key(&ctx, 1, "1", VINPUT_KEY, KEY_A, true), 0);
	assert_int_equal(kh_unread(&k2), 1);
}

int kbd_tests_xs(void)
{
	const struct CMUnitTest tests[] = {
		KH_TEST(real_tree, &fix),
		KH_TEST(requests_from_frontend, &fix),
		KH_TEST(strict_parsing, &fix),
		KH_TEST(frontend_garbage, &fix),
		KH_TEST(match_never_crosses_guests, &fix),
		KH_TEST(pairing_override, &fix),
	};

	return cmocka_run_group_tests_name("kbd_xs", tests, NULL, NULL);
}
