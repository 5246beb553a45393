/* Every pixel format vdispld knows, in one table (src/present/
 * pixel_format.c): its DRM fourcc and name, its size with the unit in the
 * field's name, whether the Linux frontend sends it, and how the copy
 * path treats it. displ/ accepts the displif ones in FB_ATTACH
 * (displ_formats.h); the presenters copy or hand over any of them. */
#ifndef VDISPLD_PIXEL_FORMAT_H
#define VDISPLD_PIXEL_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Converts w pixels starting at pixel x0 of one source line to XRGB8888
 * (the X byte set to 0xff). Takes the line start rather than the first
 * pixel so packed formats like YUYV can find their macro-pixel. */
typedef void (*pixconv_row_fn)(uint32_t *dst, const uint8_t *line,
			       uint32_t x0, uint32_t w);

struct pixel_format {
	uint32_t fourcc;	  /* DRM fourcc */
	const char *name;	  /* "XRGB8888" ... */
	uint32_t bits_per_pixel;  /* packed, single plane (YUYV: 16) */
	uint32_t bytes_per_pixel; /* a pixel's step along a line (YUYV: 2) */
	/* On the Linux xen-drm-front's planes
	 * (drivers/gpu/drm/xen/xen_drm_front_conn.c): what FB_ATTACH
	 * accepts. A format no real frontend sends is a format nobody
	 * tests. */
	bool displif;
	/* May be handed to wl_shm as is when the compositor lists it: a
	 * packed RGB format whose bytes mean the same to everyone. */
	bool shm_passthrough;
	/* Bits a native copy sets to one: the padding of X formats. Weston
	 * 10's pixman renderer paints an XR24 buffer whose padding bytes are
	 * 0 (what guests write) as black, so the copy we make anyway fills
	 * them. */
	uint32_t x_fill;
	pixconv_row_fn to_xrgb;
};

/* NULL when the format is unknown. */
const struct pixel_format *pixel_format_find(uint32_t fourcc);
size_t pixel_format_count(void);
/* i < pixel_format_count(), else NULL. */
const struct pixel_format *pixel_format_at(size_t i);

#endif
