/* FB_ATTACH pixel formats: the displif entries of the one format table
 * (src/present/pixel_format.c). */
#include "displ_formats.h"

const struct pixel_format *displ_format_find(uint32_t fourcc)
{
	const struct pixel_format *f = pixel_format_find(fourcc);

	return f && f->displif ? f : NULL;
}

size_t displ_format_count(void)
{
	size_t n = 0;

	for (size_t i = 0; i < pixel_format_count(); i++)
		n += pixel_format_at(i)->displif;
	return n;
}

const struct pixel_format *displ_format_at(size_t i)
{
	for (size_t k = 0; k < pixel_format_count(); k++) {
		const struct pixel_format *f = pixel_format_at(k);
		if (f->displif && i-- == 0)
			return f;
	}
	return NULL;
}

uint32_t displ_format_stride(const struct pixel_format *fmt, uint32_t width)
{
	/* Same rounding as the Linux dumb buffer pitch:
	 * DIV_ROUND_UP(width * bits per pixel, 8). */
	uint64_t bits = (uint64_t)width * fmt->bits_per_pixel;
	uint64_t stride = (bits + 7) / 8;

	return stride > UINT32_MAX ? 0 : (uint32_t)stride;
}
