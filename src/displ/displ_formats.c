/* FB_ATTACH pixel formats: the list the Linux xen-drm-front puts on its
 * planes (drivers/gpu/drm/xen/xen_drm_front_conn.c), nothing more: a
 * format no real frontend sends is a format nobody tests. */
#include <drm_fourcc.h>
#include <stddef.h>

#include "displ_formats.h"

static const struct displ_format formats[] = {
	{ DRM_FORMAT_RGB565, 16, "RGB565" },
	{ DRM_FORMAT_RGB888, 24, "RGB888" },
	{ DRM_FORMAT_XRGB8888, 32, "XRGB8888" },
	{ DRM_FORMAT_ARGB8888, 32, "ARGB8888" },
	{ DRM_FORMAT_XRGB4444, 16, "XRGB4444" },
	{ DRM_FORMAT_ARGB4444, 16, "ARGB4444" },
	{ DRM_FORMAT_XRGB1555, 16, "XRGB1555" },
	{ DRM_FORMAT_ARGB1555, 16, "ARGB1555" },
	{ DRM_FORMAT_YUYV, 16, "YUYV" },
};

const struct displ_format *displ_format_find(uint32_t fourcc)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (formats[i].fourcc == fourcc)
			return &formats[i];
	}
	return NULL;
}

size_t displ_format_count(void)
{
	return sizeof(formats) / sizeof(formats[0]);
}

const struct displ_format *displ_format_at(size_t i)
{
	return i < displ_format_count() ? &formats[i] : NULL;
}

uint32_t displ_format_stride(const struct displ_format *fmt, uint32_t width)
{
	/* Same rounding as the Linux dumb buffer pitch:
	 * DIV_ROUND_UP(width * bpp, 8). */
	uint64_t bits = (uint64_t)width * fmt->bpp;
	uint64_t stride = (bits + 7) / 8;

	return stride > UINT32_MAX ? 0 : (uint32_t)stride;
}
