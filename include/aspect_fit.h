/* The largest w x h with the aspect of bw x bh inside box_w x box_h (each
 * at least 1): how a picture is scaled to fit a surface or a screen. */
#ifndef VDISPLD_ASPECT_FIT_H
#define VDISPLD_ASPECT_FIT_H

#include <stdint.h>

void aspect_fit(uint32_t bw, uint32_t bh, uint32_t box_w, uint32_t box_h,
		uint32_t *w, uint32_t *h);

#endif
