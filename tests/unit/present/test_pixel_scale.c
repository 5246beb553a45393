/* pixconv_scale_region: nearest-neighbour scaling of a guest's region
 * into XRGB8888, as the KMS presenter's copy path uses it when the screen's
 * mode is not the guest's resolution and the plane can't scale. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <drm_fourcc.h>
#include <errno.h>
#include <string.h>

#include "pixel_convert.h"

/* A w x h XRGB8888 source whose pixel (x, y) is 0x00XXYY... distinct. */
static void fill_src(uint32_t *src, uint32_t w, uint32_t h)
{
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++)
			src[y * w + x] = (x << 8) | y;
}

static void test_identity(void **state)
{
	(void)state;
	struct pixconv_row row = {0};
	uint32_t src[6 * 4], dst[6 * 4];
	fill_src(src, 6, 4);
	const struct pixel_format *f = pixel_format_find(DRM_FORMAT_XRGB8888);
	assert_int_equal(pixconv_scale_region(f, (uint8_t *)src, 6 * 4, 0, 0, 6,
					      4, (uint8_t *)dst, 6 * 4, 6, 4,
					      &row),
			 0);
	for (unsigned i = 0; i < 6 * 4; i++)
		assert_int_equal(dst[i], src[i] | 0xff000000u);
	pixconv_row_free(&row);
}

static void test_upscale_twice(void **state)
{
	(void)state;
	struct pixconv_row row = {0};
	uint32_t src[3 * 2], dst[6 * 4];
	fill_src(src, 3, 2);
	const struct pixel_format *f = pixel_format_find(DRM_FORMAT_XRGB8888);
	assert_int_equal(pixconv_scale_region(f, (uint8_t *)src, 3 * 4, 0, 0, 3,
					      2, (uint8_t *)dst, 6 * 4, 6, 4,
					      &row),
			 0);
	/* Every source pixel becomes a 2x2 block. */
	for (unsigned y = 0; y < 4; y++)
		for (unsigned x = 0; x < 6; x++)
			assert_int_equal(dst[y * 6 + x],
					 src[(y / 2) * 3 + x / 2] | 0xff000000u);
	pixconv_row_free(&row);
}

static void test_downscale_region_and_stride(void **state)
{
	(void)state;
	struct pixconv_row row = {0};
	/* An 8x8 source; its 4x4 region at (2, 3) halved to 2x2 takes the
	 * pixels nearest the output pixels' centres: region columns 1 and
	 * 3, rows 1 and 3. The output rows are 3 pixels apart (stride). */
	uint32_t src[8 * 8], dst[3 * 2];
	memset(dst, 0x5a, sizeof(dst));
	fill_src(src, 8, 8);
	const struct pixel_format *f = pixel_format_find(DRM_FORMAT_XRGB8888);
	assert_int_equal(pixconv_scale_region(f, (uint8_t *)src, 8 * 4, 2, 3, 4,
					      4, (uint8_t *)dst, 3 * 4, 2, 2,
					      &row),
			 0);
	assert_int_equal(dst[0], 0xff000000u | (3u << 8) | 4u);
	assert_int_equal(dst[1], 0xff000000u | (5u << 8) | 4u);
	assert_int_equal(dst[3], 0xff000000u | (3u << 8) | 6u);
	assert_int_equal(dst[4], 0xff000000u | (5u << 8) | 6u);
	assert_int_equal(dst[2], 0x5a5a5a5au); /* past dst_w: untouched */
	assert_int_equal(dst[5], 0x5a5a5a5au);
	pixconv_row_free(&row);
}

static void test_rgb565_widened(void **state)
{
	(void)state;
	struct pixconv_row row = {0};
	/* Pure red and pure blue, stretched 2x1 -> 4x2. */
	const uint16_t src[2] = {0xf800, 0x001f};
	uint32_t dst[4 * 2];
	const struct pixel_format *f = pixel_format_find(DRM_FORMAT_RGB565);
	assert_int_equal(pixconv_scale_region(f, (const uint8_t *)src, 4, 0, 0,
					      2, 1, (uint8_t *)dst, 4 * 4, 4, 2,
					      &row),
			 0);
	for (unsigned y = 0; y < 2; y++) {
		assert_int_equal(dst[y * 4 + 0], 0xffff0000u);
		assert_int_equal(dst[y * 4 + 1], 0xffff0000u);
		assert_int_equal(dst[y * 4 + 2], 0xff0000ffu);
		assert_int_equal(dst[y * 4 + 3], 0xff0000ffu);
	}
	pixconv_row_free(&row);
}

static void test_refuses_empty(void **state)
{
	(void)state;
	struct pixconv_row row = {0};
	uint32_t px = 0, out = 0;
	const struct pixel_format *f = pixel_format_find(DRM_FORMAT_XRGB8888);
	assert_int_equal(pixconv_scale_region(f, (uint8_t *)&px, 4, 0, 0, 0, 1,
					      (uint8_t *)&out, 4, 1, 1, &row),
			 -EINVAL);
	assert_int_equal(pixconv_scale_region(f, (uint8_t *)&px, 4, 0, 0, 1, 1,
					      (uint8_t *)&out, 4, 1, 0, &row),
			 -EINVAL);
	assert_int_equal(pixconv_scale_region(NULL, (uint8_t *)&px, 4, 0, 0, 1,
					      1, (uint8_t *)&out, 4, 1, 1,
					      &row),
			 -EINVAL);
}

/* The connector's scratch row across frames: allocated by the first,
 * reused by narrower ones (no allocation, its stale tail unread), grown by
 * a wider one; every frame's pixels are its own source's. */
static void test_row_kept_across_frames(void **state)
{
	(void)state;
	struct pixconv_row row = {0};
	uint32_t src[8 * 2], dst[8 * 2];
	const struct pixel_format *f = pixel_format_find(DRM_FORMAT_XRGB8888);
	const uint32_t widths[] = {6, 3, 6, 8};
	uint32_t *first = NULL;
	for (unsigned k = 0; k < 4; k++) {
		uint32_t w = widths[k];
		fill_src(src, w, 2);
		assert_int_equal(pixconv_scale_region(f, (uint8_t *)src, w * 4,
						      0, 0, w, 2,
						      (uint8_t *)dst, w * 4,
						      w, 1, &row),
				 0);
		/* One output row: the source row nearest its centre (1). */
		for (uint32_t x = 0; x < w; x++)
			assert_int_equal(dst[x], src[w + x] | 0xff000000u);
		if (k == 0)
			first = row.px;
		if (k < 3) {
			assert_ptr_equal(row.px, first);
			assert_int_equal(row.cap, 6);
		}
	}
	assert_int_equal(row.cap, 8);
	pixconv_row_free(&row);
	assert_null(row.px);
	assert_int_equal(row.cap, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_upscale_twice),
		cmocka_unit_test(test_downscale_region_and_stride),
		cmocka_unit_test(test_rgb565_widened),
		cmocka_unit_test(test_refuses_empty),
		cmocka_unit_test(test_row_kept_across_frames),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
