/* The KMS plan against a device description recorded from a real DRM
 * driver (tests/data/kms/, written by kms_dump in the kms_virtio_gpu VM,
 * which checks the recording each run): QEMU's virtio-gpu with two
 * outputs. The guest of the real-Xen KMS run (c0 800x600, c1 1024x768)
 * and a guest whose resolution the display lacks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "kms_plan.h"
#include "kms_res_text.h"

static struct kms_res res;

static int load(void **state)
{
	(void)state;
	FILE *f = fopen(KMS_FIXTURE_DIR "/virtio-gpu-2outputs.txt", "r");
	int line;
	assert_non_null(f);
	int r = kms_res_parse(f, &res, &line);
	fclose(f);
	if (r < 0)
		fail_msg("fixture line %d does not parse", line);
	return 0;
}

static int conn_index(const char *name)
{
	for (unsigned i = 0; i < res.n_connectors; i++)
		if (!strcmp(res.connectors[i].name, name))
			return (int)i;
	return -1;
}

static void test_recording_shape(void **state)
{
	(void)state;
	/* Two outputs, both connected (the second forced on), one CRTC and
	 * one primary plane each. */
	assert_int_equal(res.n_crtcs, 2);
	assert_true(conn_index("Virtual-1") >= 0);
	assert_true(conn_index("Virtual-2") >= 0);
	assert_true(res.connectors[conn_index("Virtual-1")].connected);
	assert_true(res.connectors[conn_index("Virtual-2")].connected);
	unsigned primaries = 0;
	for (unsigned i = 0; i < res.n_planes; i++)
		primaries += res.planes[i].primary;
	assert_int_equal(primaries, 2);
}

/* The real-Xen KMS run's guest: each connector on its output in a mode of
 * exactly its resolution, on CRTCs and primary planes of its own. */
static void test_two_connectors_exact_modes(void **state)
{
	(void)state;
	struct kms_want w[2] = {{"Virtual-1", 800, 600, KMS_FIT_CENTRE},
				{"Virtual-2", 1024, 768, KMS_FIT_CENTRE}};
	struct kms_pick p[2];
	assert_int_equal(kms_plan(&res, w, 2, p), 2);
	for (int i = 0; i < 2; i++) {
		assert_null(p[i].why);
		assert_int_equal(p[i].connector, conn_index(w[i].connector));
		const struct kms_mode *m =
			&res.connectors[p[i].connector].modes[p[i].mode];
		assert_int_equal(m->width, w[i].width);
		assert_int_equal(m->height, w[i].height);
		assert_int_equal(p[i].dst.x, 0);
		assert_int_equal(p[i].dst.y, 0);
		assert_int_equal(p[i].dst.w, w[i].width);
		assert_int_equal(p[i].dst.h, w[i].height);
		const struct kms_plane *pl = &res.planes[p[i].plane];
		assert_true(pl->primary);
		assert_true(pl->possible_crtcs & (1u << p[i].crtc));
		assert_true(res.connectors[p[i].connector].possible_crtcs &
			    (1u << p[i].crtc));
	}
	assert_int_not_equal(p[0].crtc, p[1].crtc);
	assert_int_not_equal(p[0].plane, p[1].plane);
}

/* A resolution the output lacks: its preferred mode, the picture centred
 * at 1:1, or scaled to fit keeping its aspect. */
static void test_missing_mode(void **state)
{
	(void)state;
	const struct kms_connector *c = &res.connectors[conn_index("Virtual-1")];
	struct kms_want w = {"Virtual-1", 1000, 500, KMS_FIT_CENTRE};
	struct kms_pick p;
	assert_int_equal(kms_plan(&res, &w, 1, &p), 1);
	const struct kms_mode *m = &c->modes[p.mode];
	assert_true(m->preferred);
	assert_true(m->width >= 1000 && m->height >= 500);
	assert_int_equal(p.dst.x, (int32_t)(m->width - 1000) / 2);
	assert_int_equal(p.dst.y, (int32_t)(m->height - 500) / 2);
	assert_int_equal(p.dst.w, 1000);

	w.fit = KMS_FIT_SCALE;
	assert_int_equal(kms_plan(&res, &w, 1, &p), 1);
	assert_true(p.dst.w == m->width || p.dst.h == m->height);
	assert_true(p.dst.w <= m->width && p.dst.h <= m->height);
	/* 2:1 kept (to a pixel of rounding) */
	assert_true(p.dst.w >= 2 * p.dst.h - 2 && p.dst.w <= 2 * p.dst.h + 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_recording_shape, load),
		cmocka_unit_test_setup(test_two_connectors_exact_modes, load),
		cmocka_unit_test_setup(test_missing_mode, load),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
