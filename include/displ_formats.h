/* The pixel formats vdispl accepts in FB_ATTACH: the displif ones of the
 * one format table (pixel_format.h), i.e. every format the Linux
 * xen-drm-front advertises on its planes. */
#ifndef VDISPLD_DISPL_FORMATS_H
#define VDISPLD_DISPL_FORMATS_H

#include <stddef.h>
#include <stdint.h>

#include "pixel_format.h"

/* NULL if FB_ATTACH does not accept the fourcc. */
const struct pixel_format *displ_format_find(uint32_t fourcc);
size_t displ_format_count(void);
/* i < displ_format_count(), else NULL. */
const struct pixel_format *displ_format_at(size_t i);
/* Bytes per line for width pixels (rounded up to whole bytes); 0 on
 * overflow past UINT32_MAX. */
uint32_t displ_format_stride(const struct pixel_format *fmt, uint32_t width);

#endif
