/* kms_shot_check: is a screenshot of one display exactly what kms_check
 * showed on it? Every pixel of the W x H picture, at the top left (the
 * mode is the picture's size), must be kms_pattern(CONN, FRAME).
 * Usage: kms_shot_check SHOT.png CONN FRAME W H
 * Exit 0 when it is; prints the first differing pixel otherwise. */
#include <stdio.h>
#include <stdlib.h>

#include "kms_pattern.h"
#include "weston_harness.h"

int main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "usage: %s SHOT.png CONN FRAME W H\n", argv[0]);
		return 2;
	}
	unsigned conn = (unsigned)atoi(argv[2]), frame = (unsigned)atoi(argv[3]);
	int w = atoi(argv[4]), h = atoi(argv[5]);
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
			uint32_t want = kms_pattern(conn, frame, (uint32_t)x,
						    (uint32_t)y);
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
