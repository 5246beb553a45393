/* The pixel formats vdispl accepts in FB_ATTACH: every format the Linux
 * xen-drm-front advertises on its planes, as DRM fourcc codes. */
#ifndef VDISPLD_DISPL_FORMATS_H
#define VDISPLD_DISPL_FORMATS_H

#include <stddef.h>
#include <stdint.h>

struct displ_format {
	uint32_t fourcc;
	uint32_t bpp;	  /* bits per pixel (packed, single plane) */
	const char *name; /* "XRGB8888" ... */
};

/* NULL if the fourcc is not supported. */
const struct displ_format *displ_format_find(uint32_t fourcc);
size_t displ_format_count(void);
/* i < displ_format_count(), else NULL. */
const struct displ_format *displ_format_at(size_t i);
/* Bytes per line for width pixels (rounded up to whole bytes); 0 on
 * overflow past UINT32_MAX. */
uint32_t displ_format_stride(const struct displ_format *fmt, uint32_t width);

#endif
