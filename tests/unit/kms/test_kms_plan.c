/* The KMS presenter's plan against device descriptions shaped like the
 * drivers it meets: QEMU's virtio-gpu with two outputs (one CRTC, encoder
 * and primary plane per output), bochs-drm (-vga std: one of each) and a
 * display unit whose outputs reach only some CRTCs (as R-Car DU's do).
 * These are written from the drivers' shapes, not recorded from a device:
 * the real-KMS checks belong to the real-Xen tier. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "kms_plan.h"

#define MODE(w, h, hz) {(w), (h), (hz) * 1000, false}
#define PREF(w, h, hz) {(w), (h), (hz) * 1000, true}

static void add_conn(struct kms_res *r, uint32_t id, const char *name,
		     bool connected, uint32_t crtcs,
		     const struct kms_mode *modes, unsigned n)
{
	struct kms_connector *c = &r->connectors[r->n_connectors++];
	c->id = id;
	strncpy(c->name, name, sizeof(c->name) - 1);
	c->connected = connected;
	c->possible_crtcs = crtcs;
	memcpy(c->modes, modes, n * sizeof(*modes));
	c->n_modes = n;
}

static void add_plane(struct kms_res *r, uint32_t id, uint32_t crtcs,
		      bool primary)
{
	r->planes[r->n_planes++] = (struct kms_plane){id, crtcs, primary};
}

static const struct kms_mode virtio_modes[] = {
	PREF(1024, 768, 75), MODE(1920, 1080, 60), MODE(1280, 1024, 60),
	MODE(1280, 720, 60), MODE(800, 600, 60), MODE(800, 600, 75),
	MODE(640, 480, 60),
};

/* virtio-gpu, max_outputs=2: Virtual-1 on CRTC 0, Virtual-2 on CRTC 1,
 * a primary and a cursor plane each. */
static void virtio_gpu_2(struct kms_res *r)
{
	memset(r, 0, sizeof(*r));
	r->crtc_ids[r->n_crtcs++] = 36;
	r->crtc_ids[r->n_crtcs++] = 39;
	add_conn(r, 35, "Virtual-1", true, 1u << 0, virtio_modes, 7);
	add_conn(r, 38, "Virtual-2", true, 1u << 1, virtio_modes, 7);
	add_plane(r, 31, 1u << 0, true);
	add_plane(r, 32, 1u << 0, false);
	add_plane(r, 33, 1u << 1, true);
	add_plane(r, 34, 1u << 1, false);
}

/* A display unit: VGA-1 reaches CRTC 0 or 1, HDMI-A-1 only CRTC 0,
 * LVDS-1 is not connected; one primary plane per CRTC, listed first for
 * CRTC 1. */
static void du_like(struct kms_res *r)
{
	static const struct kms_mode m[] = {PREF(1920, 1080, 60),
					    MODE(1024, 768, 60)};
	memset(r, 0, sizeof(*r));
	r->crtc_ids[r->n_crtcs++] = 60;
	r->crtc_ids[r->n_crtcs++] = 61;
	add_conn(r, 70, "VGA-1", true, 3, m, 2);
	add_conn(r, 71, "HDMI-A-1", true, 1, m, 2);
	add_conn(r, 72, "LVDS-1", false, 3, m, 2);
	add_plane(r, 80, 1u << 1, true);
	add_plane(r, 81, 1u << 0, true);
}

static void test_mode_exact_highest_refresh(void **state)
{
	(void)state;
	struct kms_res r;
	virtio_gpu_2(&r);
	int m = kms_mode_pick(&r.connectors[0], 800, 600);
	assert_int_equal(m, 5); /* 75 Hz over 60 */
	assert_int_equal(kms_mode_pick(&r.connectors[0], 1920, 1080), 1);
}

static void test_mode_preferred_tie(void **state)
{
	(void)state;
	struct kms_connector c = {.n_modes = 2,
				  .modes = {MODE(800, 600, 60),
					    PREF(800, 600, 60)}};
	assert_int_equal(kms_mode_pick(&c, 800, 600), 1);
}

static void test_mode_fallbacks(void **state)
{
	(void)state;
	struct kms_res r;
	virtio_gpu_2(&r);
	/* no 1366x768: the preferred mode */
	assert_int_equal(kms_mode_pick(&r.connectors[0], 1366, 768), 0);
	struct kms_connector c = {.n_modes = 2,
				  .modes = {MODE(640, 480, 60),
					    MODE(800, 600, 60)}};
	assert_int_equal(kms_mode_pick(&c, 1024, 768), 0); /* first */
	c.n_modes = 0;
	assert_int_equal(kms_mode_pick(&c, 1024, 768), -1);
}

static void test_place_centre(void **state)
{
	(void)state;
	struct kms_rect d, s;
	kms_place(800, 600, 1024, 768, KMS_FIT_CENTRE, &d, &s);
	assert_int_equal(d.x, 112);
	assert_int_equal(d.y, 84);
	assert_int_equal(d.w, 800);
	assert_int_equal(d.h, 600);
	assert_int_equal(s.x, 0);
	assert_int_equal(s.w, 800);
	/* larger than the screen: its middle, cropped */
	kms_place(1920, 1080, 1024, 768, KMS_FIT_CENTRE, &d, &s);
	assert_int_equal(d.x, 0);
	assert_int_equal(d.w, 1024);
	assert_int_equal(s.x, 448);
	assert_int_equal(s.y, 156);
	assert_int_equal(s.w, 1024);
	assert_int_equal(s.h, 768);
}

static void test_place_scale(void **state)
{
	(void)state;
	struct kms_rect d, s;
	kms_place(800, 600, 1920, 1080, KMS_FIT_SCALE, &d, &s);
	assert_int_equal(d.w, 1440);
	assert_int_equal(d.h, 1080);
	assert_int_equal(d.x, 240);
	assert_int_equal(d.y, 0);
	assert_int_equal(s.w, 800);
	assert_int_equal(s.h, 600);
}

static void test_plan_two_outputs(void **state)
{
	(void)state;
	struct kms_res r;
	virtio_gpu_2(&r);
	struct kms_want w[] = {{"Virtual-2", 1024, 768, KMS_FIT_CENTRE},
			       {"Virtual-1", 800, 600, KMS_FIT_CENTRE}};
	struct kms_pick p[2];
	assert_int_equal(kms_plan(&r, w, 2, p), 2);
	assert_int_equal(p[0].connector, 1);
	assert_int_equal(p[0].crtc, 1);
	assert_int_equal(r.planes[p[0].plane].id, 33);
	assert_int_equal(p[0].mode, 0);
	assert_int_equal(p[1].connector, 0);
	assert_int_equal(p[1].crtc, 0);
	assert_int_equal(r.planes[p[1].plane].id, 31);
	assert_int_equal(p[1].mode, 5);
	assert_int_equal(p[1].dst.x, 0); /* 800x600 mode: 1:1, full */
	assert_null(p[0].why);
	assert_null(p[1].why);
}

/* Greedy would give VGA-1 CRTC 0 and leave HDMI-A-1 nothing. */
static void test_plan_backtracks(void **state)
{
	(void)state;
	struct kms_res r;
	du_like(&r);
	struct kms_want w[] = {{"VGA-1", 1024, 768, KMS_FIT_SCALE},
			       {"HDMI-A-1", 1920, 1080, KMS_FIT_CENTRE}};
	struct kms_pick p[2];
	assert_int_equal(kms_plan(&r, w, 2, p), 2);
	assert_int_equal(p[0].crtc, 1);
	assert_int_equal(r.planes[p[0].plane].id, 80);
	assert_int_equal(p[1].crtc, 0);
	assert_int_equal(r.planes[p[1].plane].id, 81);
}

static void test_plan_refusals(void **state)
{
	(void)state;
	struct kms_res r;
	du_like(&r);
	struct kms_want w[] = {{"HDMI-A-1", 800, 600, KMS_FIT_CENTRE},
			       {"HDMI-A-1", 800, 600, KMS_FIT_CENTRE},
			       {"LVDS-1", 800, 600, KMS_FIT_CENTRE},
			       {"DP-9", 800, 600, KMS_FIT_CENTRE},
			       {NULL, 800, 600, KMS_FIT_CENTRE}};
	struct kms_pick p[5];
	assert_int_equal(kms_plan(&r, w, 5, p), 1);
	assert_int_equal(p[0].crtc, 0);
	assert_string_equal(p[1].why,
			    "display connector already given to another");
	assert_string_equal(p[2].why, "display connector not connected");
	assert_string_equal(p[3].why, "no display connector of that name");
	assert_non_null(p[4].why);
	for (int i = 1; i < 5; i++)
		assert_int_equal(p[i].crtc, -1);
}

/* More outputs wanted than CRTCs: the first ones get them. */
static void test_plan_out_of_crtcs(void **state)
{
	(void)state;
	struct kms_res r;
	du_like(&r);
	r.connectors[2].connected = true; /* LVDS-1 too, CRTC 0 or 1 */
	struct kms_want w[] = {{"LVDS-1", 1024, 768, KMS_FIT_CENTRE},
			       {"VGA-1", 1024, 768, KMS_FIT_CENTRE},
			       {"HDMI-A-1", 1024, 768, KMS_FIT_CENTRE}};
	struct kms_pick p[3];
	assert_int_equal(kms_plan(&r, w, 3, p), 2);
	assert_int_not_equal(p[0].crtc, -1);
	assert_int_not_equal(p[1].crtc, -1);
	assert_int_equal(p[2].crtc, -1);
	assert_string_equal(p[2].why,
			    "no free CRTC with a primary plane reaches it");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mode_exact_highest_refresh),
		cmocka_unit_test(test_mode_preferred_tie),
		cmocka_unit_test(test_mode_fallbacks),
		cmocka_unit_test(test_place_centre),
		cmocka_unit_test(test_place_scale),
		cmocka_unit_test(test_plan_two_outputs),
		cmocka_unit_test(test_plan_backtracks),
		cmocka_unit_test(test_plan_refusals),
		cmocka_unit_test(test_plan_out_of_crtcs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
