/* kms_shot_check: is a screenshot of one display exactly what kms_check
 * showed on it? Every pixel of the W x H picture, at the top left (the
 * mode is the picture's size), must be kms_pattern(CONN, FRAME).
 * With PIC_W PIC_H the display's mode is W x H and a PIC_W x PIC_H
 * picture was scaled to fit it (fit = scale): inside the placement
 * kms_place gives, each pixel must be the picture's pixel nearest its
 * centre; around it, black.
 * Usage: kms_shot_check SHOT.png CONN FRAME W H [PIC_W PIC_H]
 * Exit 0 when it is; prints the first differing pixel otherwise. */
#include <stdio.h>
#include <stdlib.h>

#include "kms_pattern.h"
#include "kms_plan.h"
#include "weston_harness.h"

/* What the screen's pixel (x, y) must be. */
static uint32_t want_at(unsigned conn, unsigned frame, int x, int y,
			const struct kms_rect *dst, const struct kms_rect *src)
{
	if (x < dst->x || y < dst->y || x >= dst->x + (int)dst->w ||
	    y >= dst->y + (int)dst->h)
		return 0; /* black around the picture */
	uint64_t dx = (uint64_t)(x - dst->x), dy = (uint64_t)(y - dst->y);
	uint32_t sx = (uint32_t)((dx * 2 + 1) * src->w / (2 * (uint64_t)dst->w));
	uint32_t sy = (uint32_t)((dy * 2 + 1) * src->h / (2 * (uint64_t)dst->h));
	return kms_pattern(conn, frame, (uint32_t)src->x + sx,
			   (uint32_t)src->y + sy);
}

int main(int argc, char **argv)
{
	if (argc != 6 && argc != 8) {
		fprintf(stderr, "usage: %s SHOT.png CONN FRAME W H [PIC_W PIC_H]\n",
			argv[0]);
		return 2;
	}
	unsigned conn = (unsigned)atoi(argv[2]), frame = (unsigned)atoi(argv[3]);
	int w = atoi(argv[4]), h = atoi(argv[5]);
	struct kms_rect dst = {0, 0, (uint32_t)w, (uint32_t)h}, src = dst;
	if (argc == 8)
		kms_place((uint32_t)atoi(argv[6]), (uint32_t)atoi(argv[7]),
			  (uint32_t)w, (uint32_t)h, KMS_FIT_SCALE, &dst, &src);
	struct wh_image img = {0};
	if (wh_image_load_png(argv[1], &img) < 0) {
		fprintf(stderr, "%s: cannot read the PNG\n", argv[1]);
		return 1;
	}
	int rc = 0;
	if (img.width != w || img.height != h) {
		fprintf(stderr, "%s: %dx%d, want %dx%d\n", argv[1], img.width,
			img.height, w, h);
		rc = 1;
	}
	long bad = 0;
	for (int y = 0; !rc && y < h; y++) {
		for (int x = 0; x < w; x++) {
			uint32_t got = wh_image_at(&img, x, y) & 0xffffff;
			uint32_t want = want_at(conn, frame, x, y, &dst, &src);
			if (got != want && bad++ == 0)
				fprintf(stderr, "%s: pixel %d,%d is %06x, want "
					"%06x\n", argv[1], x, y, got, want);
		}
	}
	if (bad)
		rc = 1;
	printf("%s: conn %u frame %u: %s (%ld of %d pixels differ)\n", argv[1],
	       conn, frame, rc ? "FAIL" : "exact", bad, w * h);
	wh_image_free(&img);
	return rc;
}
