#include "aspect_fit.h"

void aspect_fit(uint32_t bw, uint32_t bh, uint32_t box_w, uint32_t box_h,
		uint32_t *w, uint32_t *h)
{
	if ((uint64_t)box_w * bh <= (uint64_t)box_h * bw) {
		*w = box_w;
		*h = (uint32_t)(((uint64_t)box_w * bh + bw / 2) / bw);
	} else {
		*h = box_h;
		*w = (uint32_t)(((uint64_t)box_h * bw + bh / 2) / bh);
	}
	if (!*w)
		*w = 1;
	if (!*h)
		*h = 1;
}
