/* Pixel formats the copy path knows: how many bytes a pixel takes, and how
 * to turn a run of pixels into XRGB8888 for formats wl_shm lacks. */
#ifndef VDISPLD_PIXEL_CONVERT_H
#define VDISPLD_PIXEL_CONVERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Converts w pixels starting at pixel x0 of one source line to XRGB8888
 * (the X byte set to 0xff). Takes the line start rather than the first
 * pixel so packed formats like YUYV can find their macro-pixel. */
typedef void (*pixconv_row_fn)(uint32_t *dst, const uint8_t *line,
			       uint32_t x0, uint32_t w);

struct pixconv_format {
	uint32_t fourcc; /* DRM fourcc */
	uint32_t bpp;	 /* bytes per pixel (YUYV: 2) */
	/* May be handed to wl_shm as is when the compositor lists it: a
	 * packed RGB format whose bytes mean the same to everyone. */
	bool shm_passthrough;
	/* Bits a native copy sets to one: the padding of 32-bit X formats.
	 * Weston 10's pixman renderer paints an XR24 buffer whose padding
	 * bytes are 0 (what guests write) as black, so the copy we make
	 * anyway fills them. */
	uint32_t x_fill;
	pixconv_row_fn to_xrgb;
};

/* NULL when the format is unknown. */
const struct pixconv_format *pixconv_lookup(uint32_t fourcc);

/* wl_shm's code for a DRM fourcc: equal except the two historic ones. */
uint32_t pixconv_drm_to_wl_shm(uint32_t fourcc);
uint32_t pixconv_wl_shm_to_drm(uint32_t shm_format);

/* Copies the w x h region at (x, y) of src into dst. native: byte copy
 * (dst has the source format); else converted to XRGB8888. The caller has
 * checked bounds. Returns the bytes written to dst. */
size_t pixconv_copy_region(const struct pixconv_format *f, bool native,
			   const uint8_t *src, uint32_t src_stride, uint32_t x,
			   uint32_t y, uint32_t w, uint32_t h, uint8_t *dst,
			   uint32_t dst_stride);

/* Whether the w x h region at (x, y) lies in a width x height buffer of
 * format f (NULL: unknown, never) with stride bytes a line and size bytes
 * readable: what every presenter checks before it reads a guest's fb. */
bool pixconv_region_fits(const struct pixconv_format *f, uint32_t width,
			 uint32_t height, uint32_t stride, size_t size,
			 uint32_t x, uint32_t y, uint32_t w, uint32_t h);

/* Bytes the region needs readable at src: the end of its last pixel. */
size_t pixconv_region_end(const struct pixconv_format *f, uint32_t src_stride,
			  uint32_t x, uint32_t y, uint32_t w, uint32_t h);

#endif
