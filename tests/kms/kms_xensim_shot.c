/* kms_xensim_shot: is a screenshot of one display exactly a frame of the
 * simulated guest's test pattern (xensim_pattern_pixel)? The guest flips
 * while the shot is taken, so the frame is read from the pattern itself
 * (its number in binary across the top 8 rows) and then every pixel of
 * the W x H picture is compared with that frame's.
 * Usage: kms_xensim_shot SHOT.png DOMID CONN W H MIN_FRAME
 * Exit 0 when exact and the frame is at least MIN_FRAME. */
#include <stdio.h>
#include <stdlib.h>

#include "drm_front.h"
#include "weston_harness.h"

int main(int argc, char **argv)
{
	if (argc != 7) {
		fprintf(stderr, "usage: %s SHOT.png DOMID CONN W H MIN_FRAME\n",
			argv[0]);
		return 2;
	}
	uint32_t domid = (uint32_t)atoi(argv[2]);
	unsigned conn = (unsigned)atoi(argv[3]);
	int w = atoi(argv[4]), h = atoi(argv[5]);
	uint64_t min_frame = (uint64_t)atoll(argv[6]);
	struct wh_image img = {0};
	if (wh_image_load_png(argv[1], &img) < 0) {
		fprintf(stderr, "%s: cannot read the PNG\n", argv[1]);
		return 1;
	}
	if (img.width != w || img.height != h) {
		fprintf(stderr, "%s: %dx%d, want %dx%d\n", argv[1], img.width,
			img.height, w, h);
		wh_image_free(&img);
		return 1;
	}
	uint64_t frame = 0;
	for (int bit = 0; bit < 32; bit++)
		if ((wh_image_at(&img, bit * 8 + 4, 4) & 0xffffff) == 0xffffff)
			frame |= 1ull << bit;
	long bad = 0;
	for (int y = 0; y < h; y++) {
		for (int x = 0; x < w; x++) {
			uint32_t got = wh_image_at(&img, x, y) & 0xffffff;
			uint32_t want = xensim_pattern_pixel(
				domid, conn, frame, (uint32_t)w, (uint32_t)x,
				(uint32_t)y);
			if (got != want && bad++ == 0)
				fprintf(stderr, "%s: pixel %d,%d is %06x, want "
					"%06x\n", argv[1], x, y, got, want);
		}
	}
	int rc = bad || frame < min_frame;
	printf("%s: guest %u conn %u frame %llu: %s (%ld of %d pixels "
	       "differ)\n", argv[1], domid, conn, (unsigned long long)frame,
	       rc ? "FAIL" : "exact", bad, w * h);
	wh_image_free(&img);
	return rc;
}
