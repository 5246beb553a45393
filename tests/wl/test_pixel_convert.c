/* Unit tests of the copy path's pixel formats: every conversion to XRGB8888
 * against values worked out by hand, region/stride handling, and the
 * wl_shm <-> DRM format codes, and the streamed (non-temporal) copy of big
 * frames against a byte model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <drm_fourcc.h>
#include <wayland-client-protocol.h>

#include "pixel_convert.h"
#include "pixel_stream.h"

/* Converts one pixel given as bytes in memory order. */
static uint32_t convert1(uint32_t fourcc, const uint8_t *bytes)
{
	const struct pixel_format *f = pixel_format_find(fourcc);
	assert_non_null(f);
	uint32_t out = 0;
	f->to_xrgb(&out, bytes, 0, 1);
	return out;
}

static void test_32bit(void **state)
{
	(void)state;
	const uint8_t px[] = {0x11, 0x22, 0x33, 0x00}; /* padding 0 */
	/* XR24 / AR24: bytes B, G, R, X|A; output is opaque. */
	assert_int_equal(convert1(DRM_FORMAT_XRGB8888, px), 0xff332211);
	assert_int_equal(convert1(DRM_FORMAT_ARGB8888, px), 0xff332211);
	/* XB24 / AB24: bytes R, G, B, X|A. */
	assert_int_equal(convert1(DRM_FORMAT_XBGR8888, px), 0xff112233);
	assert_int_equal(convert1(DRM_FORMAT_ABGR8888, px), 0xff112233);
}

static void test_24bit(void **state)
{
	(void)state;
	const uint8_t px[] = {0x11, 0x22, 0x33};
	/* RG24: [23:0] R:G:B little endian -> bytes B, G, R. */
	assert_int_equal(convert1(DRM_FORMAT_RGB888, px), 0xff332211);
	/* BG24: bytes R, G, B. */
	assert_int_equal(convert1(DRM_FORMAT_BGR888, px), 0xff112233);
}

static void le16(uint8_t *b, uint16_t v)
{
	b[0] = v & 0xff;
	b[1] = v >> 8;
}

static void test_16bit(void **state)
{
	(void)state;
	uint8_t b[2];
	/* RGB565: full red / green / blue widen to 0xff, 0 stays 0. */
	le16(b, 0xf800);
	assert_int_equal(convert1(DRM_FORMAT_RGB565, b), 0xffff0000);
	le16(b, 0x07e0);
	assert_int_equal(convert1(DRM_FORMAT_RGB565, b), 0xff00ff00);
	le16(b, 0x001f);
	assert_int_equal(convert1(DRM_FORMAT_RGB565, b), 0xff0000ff);
	/* r=0b10000 -> 0x84, g=0b100000 -> 0x82, b=0b00001 -> 0x08. */
	le16(b, 0x8401);
	assert_int_equal(convert1(DRM_FORMAT_RGB565, b), 0xff848208);
	/* 1555: the top bit (X or A) is ignored. */
	le16(b, 0x7c00);
	assert_int_equal(convert1(DRM_FORMAT_XRGB1555, b), 0xffff0000);
	le16(b, 0x8000 | 0x03e0);
	assert_int_equal(convert1(DRM_FORMAT_ARGB1555, b), 0xff00ff00);
	le16(b, 0x801f);
	assert_int_equal(convert1(DRM_FORMAT_XRGB1555, b), 0xff0000ff);
	/* 4444: nibbles x17. */
	le16(b, 0x0f84);
	assert_int_equal(convert1(DRM_FORMAT_XRGB4444, b), 0xffff8844);
	le16(b, 0xa123);
	assert_int_equal(convert1(DRM_FORMAT_ARGB4444, b), 0xff112233);
}

static void test_yuyv(void **state)
{
	(void)state;
	const struct pixel_format *f = pixel_format_find(DRM_FORMAT_YUYV);
	assert_non_null(f);
	assert_int_equal(f->bytes_per_pixel, 2);
	assert_false(f->shm_passthrough);
	/* Y0=16 (black), U=V=128, Y1=235 (white); then a red-ish pair. */
	const uint8_t line[] = {16, 128, 235, 128, 81, 90, 81, 240};
	uint32_t out[4];
	f->to_xrgb(out, line, 0, 4);
	assert_int_equal(out[0], 0xff000000);
	assert_int_equal(out[1], 0xffffffff);
	/* BT.601 limited red (Y 81, U 90, V 240) -> (255, 0, 0). */
	assert_int_equal(out[2], 0xffff0000);
	assert_int_equal(out[3], 0xffff0000);
	/* Starting at an odd pixel picks Y1 of the first macro-pixel, then
	 * moves on to the next macro-pixel's chroma. */
	f->to_xrgb(out, line, 1, 2);
	assert_int_equal(out[0], 0xffffffff);
	assert_int_equal(out[1], 0xffff0000);
}

static void test_region_stride(void **state)
{
	(void)state;
	/* A 6x4 XR24 fb with a 32-byte stride (8 bytes slack per line);
	 * copy the 3x2 region at (2, 1). */
	uint8_t src[32 * 4];
	memset(src, 0xee, sizeof(src));
	for (uint32_t y = 0; y < 4; y++)
		for (uint32_t x = 0; x < 6; x++) {
			uint8_t *p = src + y * 32 + x * 4;
			p[0] = (uint8_t)x, p[1] = (uint8_t)y, p[2] = 0x40, p[3] = 0;
		}
	const struct pixel_format *f = pixel_format_find(DRM_FORMAT_XRGB8888);
	uint32_t dst[4 * 2]; /* dst stride 16 bytes: one pixel of slack */
	memset(dst, 0, sizeof(dst));
	size_t n = pixconv_copy_region(f, false, src, 32, 2, 1, 3, 2,
				       (uint8_t *)dst, 16);
	assert_int_equal(n, 3 * 2 * 4);
	assert_int_equal(dst[0], 0xff400102);
	assert_int_equal(dst[2], 0xff400104);
	assert_int_equal(dst[3], 0); /* slack untouched */
	assert_int_equal(dst[4], 0xff400202);
	/* A native copy keeps the colour bytes but fills the padding: a
	 * compositor must never see XR24 padding 0 (it may paint black). */
	memset(dst, 0, sizeof(dst));
	n = pixconv_copy_region(f, true, src, 32, 2, 1, 3, 2, (uint8_t *)dst, 16);
	assert_int_equal(n, 3 * 2 * 4);
	assert_int_equal(dst[1], 0xff400103);
	assert_int_equal(dst[3], 0);
	/* ARGB keeps its alpha byte as the guest wrote it. */
	const struct pixel_format *a = pixel_format_find(DRM_FORMAT_ARGB8888);
	pixconv_copy_region(a, true, src, 32, 2, 1, 3, 2, (uint8_t *)dst, 16);
	assert_int_equal(dst[1], 0x00400103);
	/* The region ends at the last pixel of its last line. */
	assert_int_equal(pixconv_region_end(f, 32, 2, 1, 3, 2), 32 * 2 + 5 * 4);
	const struct pixel_format *y = pixel_format_find(DRM_FORMAT_YUYV);
	assert_int_equal(pixconv_region_end(y, 8, 1, 0, 2, 1), 8); /* whole pair */
}

static void test_lookup_and_codes(void **state)
{
	(void)state;
	static const uint32_t required[] = {
		DRM_FORMAT_XRGB8888, DRM_FORMAT_ARGB8888, DRM_FORMAT_RGB565,
		DRM_FORMAT_XRGB1555, DRM_FORMAT_ARGB1555, DRM_FORMAT_XRGB4444,
		DRM_FORMAT_ARGB4444, DRM_FORMAT_RGB888,	  DRM_FORMAT_BGR888,
		DRM_FORMAT_XBGR8888, DRM_FORMAT_ABGR8888, DRM_FORMAT_YUYV};
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		assert_non_null(pixel_format_find(required[i]));
	assert_null(pixel_format_find(DRM_FORMAT_NV12));
	assert_int_equal(pixconv_drm_to_wl_shm(DRM_FORMAT_XRGB8888),
			 WL_SHM_FORMAT_XRGB8888);
	assert_int_equal(pixconv_drm_to_wl_shm(DRM_FORMAT_ARGB8888),
			 WL_SHM_FORMAT_ARGB8888);
	assert_int_equal(pixconv_drm_to_wl_shm(DRM_FORMAT_RGB565),
			 WL_SHM_FORMAT_RGB565);
	assert_int_equal(pixconv_wl_shm_to_drm(WL_SHM_FORMAT_XRGB8888),
			 DRM_FORMAT_XRGB8888);
	assert_int_equal(pixconv_wl_shm_to_drm(WL_SHM_FORMAT_ARGB8888),
			 DRM_FORMAT_ARGB8888);
	/* XR24 must never be mistaken for AR24. */
	assert_int_not_equal(pixconv_drm_to_wl_shm(DRM_FORMAT_XRGB8888),
			     pixconv_drm_to_wl_shm(DRM_FORMAT_ARGB8888));
}

/* The streamed row against a byte model: every misalignment of source and
 * destination, lengths around the 16- and 64-byte blocks, padding patterns
 * of 4- and 2-byte formats; bytes around the row stay untouched. */
static void test_stream_row(void **state)
{
	(void)state;
	static const uint32_t fills[] = {0, 0xff000000u, 0xf000f000u,
					 0x80008000u};
	uint8_t src[400], dst[420], want[420];

	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 7 + 3);
	for (size_t fi = 0; fi < 4; fi++)
		for (size_t so = 0; so < 16; so++)
			for (size_t dO = 0; dO < 16; dO++)
				for (size_t n = 0; n < 300; n += 1 + n / 8) {
					uint32_t f = fills[fi];
					memset(dst, 0x5a, sizeof(dst));
					memcpy(want, dst, sizeof(want));
					for (size_t j = 0; j < n; j++)
						want[dO + j] = src[so + j] |
							(uint8_t)(f >> 8 * (j & 3));
					pixstream_row(dst + dO, src + so, n, f);
					pixstream_done();
					assert_memory_equal(dst, want, sizeof(dst));
				}
}

/* A region big enough for the streamed path: the same bytes as the row by
 * row model, padding filled, slack untouched, for XR24 and XR15. */
static void test_stream_region(void **state)
{
	(void)state;
	const uint32_t w = 1000, h = 600, sstride = 4 * 1031, dstride = 4 * 1004;
	static const struct {
		uint32_t fourcc, bytes_per_pixel, fill;
	} cases[] = {{DRM_FORMAT_XRGB8888, 4, 0xff000000u},
		     {DRM_FORMAT_XRGB1555, 2, 0x8000},
		     {DRM_FORMAT_RGB888, 3, 0}};

	for (size_t k = 0; k < 3; k++) {
		const struct pixel_format *f = pixel_format_find(cases[k].fourcc);
		size_t row = (size_t)w * cases[k].bytes_per_pixel;
		uint8_t *src = malloc((size_t)sstride * (h + 3));
		uint8_t *dst = malloc((size_t)dstride * h);
		assert_non_null(src);
		assert_non_null(dst);
		assert_true(row * h >= PIXSTREAM_MIN_FRAME); /* streamed */
		for (size_t i = 0; i < (size_t)sstride * (h + 3); i++)
			src[i] = (uint8_t)(i * 13 + i / 977);
		memset(dst, 0x77, (size_t)dstride * h);
		size_t n = pixconv_copy_region(f, true, src, sstride, 3, 2, w,
					       h, dst, dstride);
		assert_int_equal(n, row * h);
		for (uint32_t y = 0; y < h; y++) {
			const uint8_t *in = src + (size_t)(y + 2) * sstride +
					    3 * cases[k].bytes_per_pixel;
			const uint8_t *out = dst + (size_t)y * dstride;
			for (size_t j = 0; j < row; j++) {
				uint32_t px = cases[k].fill;
				uint8_t fb = (uint8_t)(px >> 8 * (j % cases[k].bytes_per_pixel));
				if (out[j] != (uint8_t)(in[j] | fb))
					fail_msg("format %zu row %u byte %zu", k, y, j);
			}
			for (size_t j = row; j < dstride; j++)
				assert_int_equal(out[j], 0x77);
		}
		free(src);
		free(dst);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_32bit),
		cmocka_unit_test(test_24bit),
		cmocka_unit_test(test_16bit),
		cmocka_unit_test(test_yuyv),
		cmocka_unit_test(test_region_stride),
		cmocka_unit_test(test_lookup_and_codes),
		cmocka_unit_test(test_stream_row),
		cmocka_unit_test(test_stream_region),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
