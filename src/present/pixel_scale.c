/* Scaled copies for screens whose mode is not the guest's resolution and
 * whose planes can't scale (virtio-gpu's and most primary planes refuse
 * SRC != CRTC size): nearest-neighbour, so every output pixel is exactly
 * one of the guest's pixels, converted to XRGB8888 by the format's row
 * converter. A source row is converted once however many output rows
 * repeat it. */
#include "pixel_convert.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void pixconv_row_free(struct pixconv_row *row)
{
	free(row->px);
	row->px = NULL;
	row->cap = 0;
}

static int row_fit(struct pixconv_row *row, uint32_t w)
{
	if (row->cap >= w)
		return 0;
	uint32_t *px = realloc(row->px, (size_t)w * sizeof(*px));
	if (!px)
		return -ENOMEM;
	row->px = px;
	row->cap = w;
	return 0;
}

int pixconv_scale_region(const struct pixel_format *f, const uint8_t *src,
			 uint32_t src_stride, uint32_t x, uint32_t y,
			 uint32_t w, uint32_t h, uint8_t *dst,
			 uint32_t dst_stride, uint32_t dst_w, uint32_t dst_h,
			 struct pixconv_row *row)
{
	if (!f || !w || !h || !dst_w || !dst_h)
		return -EINVAL;
	if (row_fit(row, w) < 0)
		return -ENOMEM;
	const uint32_t *conv = row->px;
	uint64_t have = UINT64_MAX; /* the source row in conv[] */
	for (uint32_t j = 0; j < dst_h; j++) {
		/* The source pixel whose centre is nearest the output's. */
		uint64_t sy = ((uint64_t)j * 2 + 1) * h / ((uint64_t)dst_h * 2);
		if (sy != have) {
			f->to_xrgb(row->px, src + (size_t)(y + sy) * src_stride,
				   x, w);
			have = sy;
		}
		uint32_t *out = (uint32_t *)(void *)(dst + (size_t)j * dst_stride);
		for (uint32_t i = 0; i < dst_w; i++)
			out[i] = conv[((uint64_t)i * 2 + 1) * w /
				      ((uint64_t)dst_w * 2)];
	}
	return 0;
}
