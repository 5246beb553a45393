/* The one table of pixel formats (pixel_format.h). */
#include "pixel_format.h"
#include "pixel_rows.h"

#include <drm_fourcc.h>

#define X32 0xff000000u

static const struct pixel_format formats[] = {
	/* fourcc, name, bits, bytes, displif, shm_passthrough, x_fill, row */
	{DRM_FORMAT_RGB565, "RGB565", 16, 2, true, true, 0, pixrow_rgb565},
	{DRM_FORMAT_RGB888, "RGB888", 24, 3, true, true, 0, pixrow_rgb888},
	{DRM_FORMAT_XRGB8888, "XRGB8888", 32, 4, true, true, X32,
	 pixrow_xrgb8888},
	{DRM_FORMAT_ARGB8888, "ARGB8888", 32, 4, true, true, 0,
	 pixrow_xrgb8888},
	{DRM_FORMAT_XRGB4444, "XRGB4444", 16, 2, true, true, 0xf000,
	 pixrow_xrgb4444},
	{DRM_FORMAT_ARGB4444, "ARGB4444", 16, 2, true, true, 0,
	 pixrow_xrgb4444},
	{DRM_FORMAT_XRGB1555, "XRGB1555", 16, 2, true, true, 0x8000,
	 pixrow_xrgb1555},
	{DRM_FORMAT_ARGB1555, "ARGB1555", 16, 2, true, true, 0,
	 pixrow_xrgb1555},
	/* Chroma is shared by pixel pairs: never handed over as is, so an odd
	 * region offset can't split a macro-pixel for the compositor. */
	{DRM_FORMAT_YUYV, "YUYV", 16, 2, true, false, 0, pixrow_yuyv},
	/* Not from xen-drm-front: the copy path knows them for other
	 * producers (tests, the compositor's own formats). */
	{DRM_FORMAT_XBGR8888, "XBGR8888", 32, 4, false, true, X32,
	 pixrow_xbgr8888},
	{DRM_FORMAT_ABGR8888, "ABGR8888", 32, 4, false, true, 0,
	 pixrow_xbgr8888},
	{DRM_FORMAT_BGR888, "BGR888", 24, 3, false, true, 0, pixrow_bgr888},
};

size_t pixel_format_count(void)
{
	return sizeof(formats) / sizeof(formats[0]);
}

const struct pixel_format *pixel_format_at(size_t i)
{
	return i < pixel_format_count() ? &formats[i] : NULL;
}

const struct pixel_format *pixel_format_find(uint32_t fourcc)
{
	for (size_t i = 0; i < pixel_format_count(); i++)
		if (formats[i].fourcc == fourcc)
			return &formats[i];
	return NULL;
}
