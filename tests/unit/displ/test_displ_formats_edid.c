/* Pure functions of vdispl: the FB_ATTACH format table, the EDID block and
 * the "resolution" parser. */
#include <errno.h>
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <drm_fourcc.h>

#include "displ_edid.h"
#include "displ_formats.h"
#include "displ_priv.h"

static void test_formats_linux_list(void **state)
{
	/* Every format Linux xen-drm-front advertises, with its depth. */
	static const struct { uint32_t fourcc, bits_per_pixel; } want[] = {
		{ DRM_FORMAT_RGB565, 16 },   { DRM_FORMAT_RGB888, 24 },
		{ DRM_FORMAT_XRGB8888, 32 }, { DRM_FORMAT_ARGB8888, 32 },
		{ DRM_FORMAT_XRGB4444, 16 }, { DRM_FORMAT_ARGB4444, 16 },
		{ DRM_FORMAT_XRGB1555, 16 }, { DRM_FORMAT_ARGB1555, 16 },
		{ DRM_FORMAT_YUYV, 16 },
	};
	(void)state;
	assert_int_equal(displ_format_count(), sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct pixel_format *f = displ_format_find(want[i].fourcc);

		assert_non_null(f);
		assert_int_equal(f->fourcc, want[i].fourcc);
		assert_int_equal(f->bits_per_pixel, want[i].bits_per_pixel);
		assert_non_null(f->name);
	}
	/* XRGB stays XRGB: never folded into ARGB. */
	assert_ptr_not_equal(displ_format_find(DRM_FORMAT_XRGB8888),
			     displ_format_find(DRM_FORMAT_ARGB8888));
}

static void test_formats_unknown(void **state)
{
	(void)state;
	assert_null(displ_format_find(DRM_FORMAT_NV12));
	assert_null(displ_format_find(0));
	assert_null(displ_format_find(0xffffffffu));
	assert_null(displ_format_at(displ_format_count()));
	assert_non_null(displ_format_at(0));
}

static void test_formats_stride(void **state)
{
	(void)state;
	assert_int_equal(displ_format_stride(
				 displ_format_find(DRM_FORMAT_XRGB8888), 800),
			 3200);
	assert_int_equal(displ_format_stride(
				 displ_format_find(DRM_FORMAT_RGB888), 3),
			 9);
	assert_int_equal(displ_format_stride(
				 displ_format_find(DRM_FORMAT_RGB565), 7),
			 14);
	/* Past 4 GiB per line is an overflow, reported as 0. */
	assert_int_equal(displ_format_stride(
				 displ_format_find(DRM_FORMAT_XRGB8888),
				 0x40000000u),
			 0);
}

static uint8_t checksum(const uint8_t *e)
{
	uint8_t s = 0;

	for (int i = 0; i < 128; i++)
		s += e[i];
	return s;
}

static void check_edid(uint32_t w, uint32_t h)
{
	static const uint8_t magic[8] = { 0, 0xff, 0xff, 0xff,
					  0xff, 0xff, 0xff, 0 };
	uint8_t e[DISPL_EDID_SIZE];
	const uint8_t *d = &e[54];
	uint32_t hact, vact, clk;

	memset(e, 0xaa, sizeof(e));
	assert_int_equal(displ_edid_generate(e, w, h), 0);
	assert_memory_equal(e, magic, 8);
	assert_int_equal(checksum(e), 0);
	assert_int_equal(e[18], 1);
	assert_int_equal(e[19], 4);
	assert_true(e[20] & 0x80);   /* digital */
	assert_true(e[24] & 0x02);   /* preferred timing is native */
	assert_int_equal(e[126], 0); /* no extensions */
	/* Vendor "XEN". */
	assert_int_equal(((e[8] >> 2) & 0x1f) + '@', 'X');
	assert_int_equal((((e[8] & 3) << 3) | (e[9] >> 5)) + '@', 'E');
	assert_int_equal((e[9] & 0x1f) + '@', 'N');

	/* The first descriptor is the preferred detailed timing. */
	clk = d[0] | (uint32_t)d[1] << 8;
	/* 10 MHz at least: edid-decode takes less for invalid data. */
	assert_true(clk >= 1000);
	/* Image size in mm: neither side 0 ("not set"). */
	assert_true(d[12] != 0 || (d[14] >> 4) != 0);
	assert_true(d[13] != 0 || (d[14] & 0x0f) != 0);
	hact = d[2] | (uint32_t)(d[4] >> 4) << 8;
	vact = d[5] | (uint32_t)(d[7] >> 4) << 8;
	assert_int_equal(hact, w);
	assert_int_equal(vact, h);
	/* Second descriptor: monitor name. */
	assert_int_equal(e[72 + 3], 0xfc);
	assert_memory_equal(&e[72 + 5], "vdispl\n", 7);
}

static void test_edid_valid(void **state)
{
	(void)state;
	check_edid(800, 600);
	check_edid(1024, 768);
	check_edid(1920, 1080);
	check_edid(1, 1);
	check_edid(1, 4095);
	check_edid(4095, 1);
	check_edid(100, 100);
	/* Big enough that 60 Hz does not fit the 16-bit pixel clock. */
	check_edid(4095, 4095);
}

static void test_edid_rejects(void **state)
{
	uint8_t e[DISPL_EDID_SIZE];

	(void)state;
	assert_int_equal(displ_edid_generate(e, 0, 600), -EINVAL);
	assert_int_equal(displ_edid_generate(e, 800, 0), -EINVAL);
	assert_int_equal(displ_edid_generate(e, 4096, 600), -EINVAL);
	assert_int_equal(displ_edid_generate(e, 800, 16384), -EINVAL);
}

static void test_resolution_parse(void **state)
{
	static const char *const bad[] = {
		"", "x", "800", "800x", "x600", "0x600", "800x0", "800x600x",
		"800 x600", " 800x600", "+800x600", "-800x600", "800x-600",
		"16385x1", "1x16385", "99999x1", "0800000x1", "0x0", "abcxdef",
		"800X600", "800x600 ", "4294967297x1",
	};
	uint32_t w = 7, h = 7;

	(void)state;
	assert_int_equal(displ_parse_resolution("800x600", &w, &h), 0);
	assert_int_equal(w, 800);
	assert_int_equal(h, 600);
	assert_int_equal(displ_parse_resolution("16384x1", &w, &h), 0);
	assert_int_equal(w, 16384);
	assert_int_equal(h, 1);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (displ_parse_resolution(bad[i], &w, &h) == 0)
			fail_msg("accepted resolution \"%s\"", bad[i]);
	}
	assert_int_not_equal(displ_parse_resolution(NULL, &w, &h), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats_linux_list),
		cmocka_unit_test(test_formats_unknown),
		cmocka_unit_test(test_formats_stride),
		cmocka_unit_test(test_edid_valid),
		cmocka_unit_test(test_edid_rejects),
		cmocka_unit_test(test_resolution_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
