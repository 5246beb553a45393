/* realxen_shot_check: does a Weston screenshot show modetest's SMPTE bars
 * where the scene graph says each guest connector's surface is?
 *
 * modetest given two connectors draws ONE framebuffer as wide as both
 * (fb_w = sum of widths, fb_h = the tallest) and points each CRTC at its
 * own x offset into it; the backend must show, per connector, the region
 * at that offset. So the expected colour of a connector pixel (cx, cy) is
 * the SMPTE colour of framebuffer pixel (fb_x + cx, cy).
 *
 * Usage: realxen_shot_check SHOT.png SCENE.txt FB_W FB_H
 *            NEEDLE:FB_X:W:H [NEEDLE:FB_X:W:H ...]
 * NEEDLE picks the view by a substring of its scene-graph header (the
 * title "domu c0"). Samples covered by a view listed earlier in the scene
 * graph (stacked above) are skipped, not failed: desktop-shell places
 * windows at random and they may overlap.
 *
 * modetest -v flips between two buffers: the bars and a 0x77 fill (see
 * tests/data/real-xen/displif-requests-modetest-1conn.txt). A screenshot may catch either, so a connector
 * passes when at least MIN_SAMPLES samples are visible and ALL of them are
 * the bars, or all are the fill; one line "frame NEEDLE bars|fill|bad" per
 * connector tells which (the caller takes several screenshots and wants
 * the bars at least once). Exit 0 when no connector is bad. */
#include <errno.h>
#include <png.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_VIEWS 64
#define MIN_SAMPLES 6
#define FILL_COLOUR 0x777777u

enum frame { FRAME_BAD, FRAME_BARS, FRAME_FILL };
static const char *const frame_names[] = {"bad", "bars", "fill"};

struct rect {
	int x, y, w, h;
	char header[256];
};

struct image {
	int w, h;
	uint32_t *px; /* 0xRRGGBB */
};

static bool rect_has(const struct rect *r, int x, int y)
{
	return x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h;
}

/* modetest's fill_smpte_rgb32: three bands of bars (top 6/9, middle 1/9);
 * the bottom band is not sampled. 0 = don't sample here. */
static uint32_t smpte_at(int x, int y, int w, int h, bool *valid)
{
	static const uint32_t top[7] = {0xc0c0c0, 0xc0c000, 0x00c0c0,
					0x00c000, 0xc000c0, 0xc00000,
					0x0000c0};
	static const uint32_t mid[7] = {0x0000c0, 0x131313, 0xc000c0,
					0x131313, 0x00c0c0, 0x131313,
					0xc0c0c0};
	*valid = true;
	if (y < h * 6 / 9)
		return top[x * 7 / w];
	if (y < h * 7 / 9)
		return mid[x * 7 / w];
	*valid = false;
	return 0;
}

static int load_png(const char *path, struct image *img)
{
	png_image png;
	memset(&png, 0, sizeof(png));
	png.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&png, path)) {
		fprintf(stderr, "shot: %s: %s\n", path, png.message);
		return -EINVAL;
	}
	png.format = PNG_FORMAT_BGRA;
	img->w = (int)png.width;
	img->h = (int)png.height;
	img->px = malloc(PNG_IMAGE_SIZE(png));
	if (!img->px) {
		png_image_free(&png);
		return -ENOMEM;
	}
	if (!png_image_finish_read(&png, NULL, img->px, 0, NULL)) {
		fprintf(stderr, "shot: %s: %s\n", path, png.message);
		free(img->px);
		return -EINVAL;
	}
	for (size_t i = 0; i < (size_t)img->w * (size_t)img->h; i++)
		img->px[i] &= 0xffffff;
	return 0;
}

/* Views in scene-graph order (topmost first): a "View N (...)" header,
 * then its "position: (x1, y1) -> (x2, y2)" line. */
static int load_views(const char *path, struct rect *v, int max)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "shot: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	char line[512], header[256] = "";
	int n = 0, x1, y1, x2, y2;
	while (n < max && fgets(line, sizeof(line), f)) {
		const char *p = line + strspn(line, " \t");
		if (strncmp(p, "View ", 5) == 0) {
			snprintf(header, sizeof(header), "%s", p);
			header[strcspn(header, "\n")] = '\0';
		} else if (header[0] &&
			   sscanf(p, "position: (%d, %d) -> (%d, %d)", &x1, &y1,
				  &x2, &y2) == 4) {
			v[n] = (struct rect){x1, y1, x2 - x1, y2 - y1, ""};
			snprintf(v[n].header, sizeof(v[n].header), "%s", header);
			header[0] = '\0';
			n++;
		}
	}
	fclose(f);
	return n;
}

struct conn {
	const char *needle;
	int fb_x, w, h;
};

static int parse_conn(char *arg, struct conn *c)
{
	char *save = NULL;
	c->needle = strtok_r(arg, ":", &save);
	const char *fx = strtok_r(NULL, ":", &save);
	const char *w = strtok_r(NULL, ":", &save);
	const char *h = strtok_r(NULL, ":", &save);
	if (!c->needle || !fx || !w || !h)
		return -EINVAL;
	c->fb_x = atoi(fx);
	c->w = atoi(w);
	c->h = atoi(h);
	return c->w > 0 && c->h > 0 ? 0 : -EINVAL;
}

/* Samples a 7 x 2 grid per band: the middle of each bar, two rows. */
static enum frame check_conn(const struct image *img, const struct rect *views,
			     int n_views, const struct conn *c, int fb_w,
			     int fb_h)
{
	int me = -1;
	for (int i = 0; i < n_views && me < 0; i++)
		if (strstr(views[i].header, c->needle))
			me = i;
	if (me < 0) {
		printf("shot: %s: no view in the scene graph\n", c->needle);
		return FRAME_BAD;
	}
	const struct rect *r = &views[me];
	printf("shot: %s: view at %d,%d %dx%d (%s)\n", c->needle, r->x, r->y,
	       r->w, r->h, r->header);
	int good = 0, bad = 0, fill = 0, hidden = 0;
	for (int row = 1; row <= 12; row++) {
		int cy = c->h * row / 14;
		for (int xs = 0; xs < 28; xs++) {
			int cx = c->w * (2 * xs + 1) / 56;
			bool valid;
			uint32_t want = smpte_at(c->fb_x + cx, cy, fb_w, fb_h,
						 &valid);
			int sx = r->x + cx, sy = r->y + cy;
			if (!valid || sx < 0 || sy < 0 || sx >= img->w ||
			    sy >= img->h)
				continue;
			bool covered = false;
			for (int i = 0; i < me; i++)
				covered |= rect_has(&views[i], sx, sy);
			if (covered) {
				hidden++;
				continue;
			}
			uint32_t got = img->px[(size_t)sy * (size_t)img->w +
					       (size_t)sx];
			if (got == FILL_COLOUR)
				fill++;
			if (got == want) {
				good++;
			} else if (got != FILL_COLOUR && bad++ < 5) {
				printf("shot: %s: (%d,%d) is %06x, want %06x\n",
				       c->needle, cx, cy, got, want);
			}
		}
	}
	printf("shot: %s: %d samples match the bars, %d the fill, %d neither, "
	       "%d hidden\n", c->needle, good, fill, bad, hidden);
	if (bad == 0 && good >= MIN_SAMPLES && fill == 0)
		return FRAME_BARS;
	if (bad == 0 && fill >= MIN_SAMPLES && good == 0)
		return FRAME_FILL;
	return FRAME_BAD; /* a mix is a wrong region or a torn frame */
}

int main(int argc, char **argv)
{
	if (argc < 6) {
		fprintf(stderr, "usage: %s SHOT.png SCENE.txt FB_W FB_H "
				"NEEDLE:FB_X:W:H...\n", argv[0]);
		return 2;
	}
	struct image img;
	static struct rect views[MAX_VIEWS];
	if (load_png(argv[1], &img) < 0)
		return 1;
	int n_views = load_views(argv[2], views, MAX_VIEWS);
	int fb_w = atoi(argv[3]), fb_h = atoi(argv[4]);
	bool ok = n_views > 0 && fb_w > 0 && fb_h > 0;
	printf("shot: %dx%d screenshot, %d views\n", img.w, img.h, n_views);
	/* Every connector is reported, even after one failed. */
	for (int i = 5; i < argc && n_views > 0; i++) {
		struct conn c;
		if (parse_conn(argv[i], &c) < 0) {
			fprintf(stderr, "shot: bad connector '%s'\n", argv[i]);
			ok = false;
		} else {
			enum frame f = check_conn(&img, views, n_views, &c,
						  fb_w, fb_h);
			printf("frame %s %s\n", c.needle, frame_names[f]);
			ok &= f != FRAME_BAD;
		}
	}
	free(img.px);
	return ok ? 0 : 1;
}
