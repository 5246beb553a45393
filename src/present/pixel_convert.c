/* Pixel conversion for the wl_shm copy path. Every source format is read
 * byte by byte as the little-endian layout DRM defines, so unaligned guest
 * strides and big-endian hosts need no special case. */
#include "pixel_convert.h"
#include "pixel_rows.h"
#include "pixel_stream.h"

#include <drm_fourcc.h>
#include <string.h>
#include <wayland-client-protocol.h>

static inline uint32_t xrgb(uint32_t r, uint32_t g, uint32_t b)
{
	return 0xff000000u | r << 16 | g << 8 | b;
}

static inline uint32_t le16(const uint8_t *p) { return p[0] | (uint32_t)p[1] << 8; }

static inline uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Widens an n-bit channel to 8 bits by repeating its top bits, so full
 * scale stays full scale (0x1f -> 0xff). */
static inline uint32_t widen5(uint32_t v) { return v << 3 | v >> 2; }
static inline uint32_t widen6(uint32_t v) { return v << 2 | v >> 4; }
static inline uint32_t widen4(uint32_t v) { return v << 4 | v; }

void pixrow_xrgb8888(uint32_t *dst, const uint8_t *line, uint32_t x0,
			 uint32_t w)
{
	const uint8_t *p = line + (size_t)x0 * 4;
	for (uint32_t i = 0; i < w; i++, p += 4)
		dst[i] = 0xff000000u | (le32(p) & 0xffffffu);
}

void pixrow_xbgr8888(uint32_t *dst, const uint8_t *line, uint32_t x0,
			 uint32_t w)
{
	const uint8_t *p = line + (size_t)x0 * 4;
	for (uint32_t i = 0; i < w; i++, p += 4)
		dst[i] = xrgb(p[0], p[1], p[2]); /* bytes R, G, B, x */
}

void pixrow_rgb565(uint32_t *dst, const uint8_t *line, uint32_t x0,
		       uint32_t w)
{
	const uint8_t *p = line + (size_t)x0 * 2;
	for (uint32_t i = 0; i < w; i++, p += 2) {
		uint32_t v = le16(p);
		dst[i] = xrgb(widen5(v >> 11), widen6((v >> 5) & 0x3f),
			      widen5(v & 0x1f));
	}
}

void pixrow_xrgb1555(uint32_t *dst, const uint8_t *line, uint32_t x0,
			 uint32_t w)
{
	const uint8_t *p = line + (size_t)x0 * 2;
	for (uint32_t i = 0; i < w; i++, p += 2) {
		uint32_t v = le16(p);
		dst[i] = xrgb(widen5((v >> 10) & 0x1f), widen5((v >> 5) & 0x1f),
			      widen5(v & 0x1f));
	}
}

void pixrow_xrgb4444(uint32_t *dst, const uint8_t *line, uint32_t x0,
			 uint32_t w)
{
	const uint8_t *p = line + (size_t)x0 * 2;
	for (uint32_t i = 0; i < w; i++, p += 2) {
		uint32_t v = le16(p);
		dst[i] = xrgb(widen4((v >> 8) & 0xf), widen4((v >> 4) & 0xf),
			      widen4(v & 0xf));
	}
}

void pixrow_rgb888(uint32_t *dst, const uint8_t *line, uint32_t x0,
		       uint32_t w)
{
	const uint8_t *p = line + (size_t)x0 * 3;
	for (uint32_t i = 0; i < w; i++, p += 3)
		dst[i] = xrgb(p[2], p[1], p[0]); /* bytes B, G, R */
}

void pixrow_bgr888(uint32_t *dst, const uint8_t *line, uint32_t x0,
		       uint32_t w)
{
	const uint8_t *p = line + (size_t)x0 * 3;
	for (uint32_t i = 0; i < w; i++, p += 3)
		dst[i] = xrgb(p[0], p[1], p[2]); /* bytes R, G, B */
}

static inline uint32_t clamp8(int v)
{
	return v < 0 ? 0 : v > 255 ? 255 : (uint32_t)v;
}

/* BT.601 limited range, what video sources and DRM default to. */
static uint32_t yuv_to_xrgb(int y, int u, int v)
{
	int c = 298 * (y - 16) + 128, d = u - 128, e = v - 128;
	return xrgb(clamp8((c + 409 * e) >> 8),
		    clamp8((c - 100 * d - 208 * e) >> 8),
		    clamp8((c + 516 * d) >> 8));
}

void pixrow_yuyv(uint32_t *dst, const uint8_t *line, uint32_t x0,
		     uint32_t w)
{
	for (uint32_t i = 0; i < w; i++) {
		uint32_t x = x0 + i;
		const uint8_t *m = line + (size_t)(x & ~1u) * 2; /* Y0 U Y1 V */
		dst[i] = yuv_to_xrgb(m[(x & 1) ? 2 : 0], m[1], m[3]);
	}
}

uint32_t pixconv_drm_to_wl_shm(uint32_t fourcc)
{
	if (fourcc == DRM_FORMAT_ARGB8888)
		return WL_SHM_FORMAT_ARGB8888;
	if (fourcc == DRM_FORMAT_XRGB8888)
		return WL_SHM_FORMAT_XRGB8888;
	return fourcc;
}

uint32_t pixconv_wl_shm_to_drm(uint32_t shm_format)
{
	if (shm_format == WL_SHM_FORMAT_ARGB8888)
		return DRM_FORMAT_ARGB8888;
	if (shm_format == WL_SHM_FORMAT_XRGB8888)
		return DRM_FORMAT_XRGB8888;
	return shm_format;
}

size_t pixconv_region_end(const struct pixel_format *f, uint32_t src_stride,
			  uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
	if (w == 0 || h == 0)
		return 0;
	uint64_t end_x = (uint64_t)x + w;
	if (f->fourcc == DRM_FORMAT_YUYV)
		end_x = (end_x + 1) & ~(uint64_t)1; /* whole macro-pixel */
	return (size_t)((uint64_t)(y + h - 1) * src_stride + end_x * f->bytes_per_pixel);
}

bool pixconv_region_fits(const struct pixel_format *f, uint32_t width,
			 uint32_t height, uint32_t stride, size_t size,
			 uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
	return f && (uint64_t)x + w <= width && (uint64_t)y + h <= height &&
	       pixconv_region_end(f, stride, x, y, w, h) <= size;
}

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
typedef uint32_t pixconv_v4 __attribute__((vector_size(16)));

/* 32-bit pixels on a little-endian host: the guest's layout is the host's,
 * so pixels go 16 at a time through 16-byte vector load/OR/store (memcpy:
 * unaligned-safe, one instruction each; GCC and clang lower the vector
 * type on any target), so the copy stays memory-bound like memcpy
 * rather than CPU-bound like byte-by-byte assembly (docs/performance.md
 * has the copy rows). */
static void copy_filled32(uint8_t *out, const uint8_t *in, uint32_t w,
			  uint32_t fill)
{
	const pixconv_v4 f4 = {fill, fill, fill, fill};
	uint32_t i = 0;
	for (; i + 16 <= w; i += 16, in += 64, out += 64) {
		pixconv_v4 v[4];
		memcpy(v, in, sizeof(v));
		v[0] |= f4;
		v[1] |= f4;
		v[2] |= f4;
		v[3] |= f4;
		memcpy(out, v, sizeof(v));
	}
	for (; i < w; i++, in += 4, out += 4) {
		uint32_t v;
		memcpy(&v, in, 4);
		v |= fill;
		memcpy(out, &v, 4);
	}
}
#endif

/* A native copy that sets the padding bits (x_fill) on the way. */
static void copy_filled(const struct pixel_format *f, uint8_t *out,
			const uint8_t *in, uint32_t w)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (f->bytes_per_pixel == 4) {
		copy_filled32(out, in, w, f->x_fill);
		return;
	}
#endif
	if (f->bytes_per_pixel == 4) {
		for (uint32_t i = 0; i < w; i++, in += 4, out += 4) {
			uint32_t v = le32(in) | f->x_fill;
			memcpy(out, &v, 4); /* wl_shm is host order */
		}
	} else {
		for (uint32_t i = 0; i < w; i++, in += 2, out += 2) {
			uint16_t v = (uint16_t)(le16(in) | f->x_fill);
			memcpy(out, &v, 2);
		}
	}
}

/* The padding pattern of a native format repeated over a 32-bit lane
 * (bytes per pixel divides 4 wherever there is padding). */
static uint32_t fill_lane(const struct pixel_format *f)
{
	return f->bytes_per_pixel == 2 ? f->x_fill | f->x_fill << 16 : f->x_fill;
}

size_t pixconv_copy_region(const struct pixel_format *f, bool native,
			   const uint8_t *src, uint32_t src_stride, uint32_t x,
			   uint32_t y, uint32_t w, uint32_t h, uint8_t *dst,
			   uint32_t dst_stride)
{
	size_t out_bytes_pp = native ? f->bytes_per_pixel : 4;
	size_t bytes = (size_t)w * h * out_bytes_pp;
	bool stream = native && pixstream_available() &&
		      bytes >= PIXSTREAM_MIN_FRAME;
	uint32_t fill = fill_lane(f);

	for (uint32_t row = 0; row < h; row++) {
		const uint8_t *line = src + (size_t)(y + row) * src_stride;
		uint8_t *out = dst + (size_t)row * dst_stride;
		const uint8_t *in = line + (size_t)x * f->bytes_per_pixel;
		if (stream)
			pixstream_row(out, in, (size_t)w * f->bytes_per_pixel, fill);
		else if (native && f->x_fill)
			copy_filled(f, out, in, w);
		else if (native)
			memcpy(out, in, (size_t)w * f->bytes_per_pixel);
		else
			f->to_xrgb((uint32_t *)(void *)out, line, x, w);
	}
	if (stream)
		pixstream_done();
	return bytes;
}
