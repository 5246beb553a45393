/* The copy path: regions of a guest's framebuffer copied as they are or
 * turned into XRGB8888 for formats wl_shm lacks (formats: pixel_format.h). */
#ifndef VDISPLD_PIXEL_CONVERT_H
#define VDISPLD_PIXEL_CONVERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pixel_format.h"

/* wl_shm's code for a DRM fourcc: equal except the two historic ones. */
uint32_t pixconv_drm_to_wl_shm(uint32_t fourcc);
uint32_t pixconv_wl_shm_to_drm(uint32_t shm_format);

/* Copies the w x h region at (x, y) of src into dst. native: byte copy
 * (dst has the source format); else converted to XRGB8888. The caller has
 * checked bounds. Returns the bytes written to dst. */
size_t pixconv_copy_region(const struct pixel_format *f, bool native,
			   const uint8_t *src, uint32_t src_stride, uint32_t x,
			   uint32_t y, uint32_t w, uint32_t h, uint8_t *dst,
			   uint32_t dst_stride);

/* The scale's scratch: one source row converted to XRGB8888. Its owner
 * (a KMS connector) keeps it across frames, so it grows to the widest
 * region scaled and a frame allocates nothing. Zeroed to start;
 * pixconv_row_free() releases it. */
struct pixconv_row {
	uint32_t *px;
	uint32_t cap; /* pixels px holds */
};

void pixconv_row_free(struct pixconv_row *row);

/* Scales the w x h region at (x, y) of src to dst_w x dst_h XRGB8888
 * pixels at dst (nearest neighbour: each output pixel is the source pixel
 * nearest its centre), through row (grown when narrower than w). The
 * caller has checked bounds. 0, -EINVAL (an empty size, unknown format)
 * or -ENOMEM (row could not grow). */
int pixconv_scale_region(const struct pixel_format *f, const uint8_t *src,
			 uint32_t src_stride, uint32_t x, uint32_t y,
			 uint32_t w, uint32_t h, uint8_t *dst,
			 uint32_t dst_stride, uint32_t dst_w, uint32_t dst_h,
			 struct pixconv_row *row);

/* Whether the w x h region at (x, y) lies in a width x height buffer of
 * format f (NULL: unknown, never) with stride bytes a line and size bytes
 * readable: what every presenter checks before it reads a guest's fb. */
bool pixconv_region_fits(const struct pixel_format *f, uint32_t width,
			 uint32_t height, uint32_t stride, size_t size,
			 uint32_t x, uint32_t y, uint32_t w, uint32_t h);

/* Bytes the region needs readable at src: the end of its last pixel. */
size_t pixconv_region_end(const struct pixel_format *f, uint32_t src_stride,
			  uint32_t x, uint32_t y, uint32_t w, uint32_t h);

#endif
