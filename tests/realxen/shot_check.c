/* realxen_shot_check: does a Weston screenshot show, pixel for pixel,
 * modetest's SMPTE frame where the scene graph says each guest connector's
 * surface is?
 *
 * modetest given several connectors draws ONE framebuffer as wide as all
 * of them (fb_w = sum of widths, fb_h = the tallest) and points each CRTC
 * at its own x offset into it; the backend must show, per connector, the
 * region at that offset. So the expected colour of connector pixel (cx, cy)
 * is modetest's colour of framebuffer pixel (fb_x + cx, cy), derived below
 * from libdrm's tests/util/pattern.c (fill_smpte_rgb32, fill_smpte_rgb16)
 * and then from what vdispld's copy path makes of that format
 * (src/present/pixel_convert.c):
 *   XR24  the padding byte is 0 (MAKE_RGBA with no alpha bits): the
 *         picture is exact only if it reaches Weston as XRGB (as ARGB it
 *         would be transparent);
 *   AR24  the middle band has alpha 127 and is blended with whatever lies
 *         beneath: those pixels are counted as translucent, not compared;
 *   RG16  each channel cut to 5/6/5 bits by MAKE_RGBA, widened back by
 *         repeating its top bits (widen5 / widen6).
 *
 * Usage: realxen_shot_check SHOT.png SCENE.txt FMT FB_W FB_H
 *            NEEDLE:FB_X:W:H [NEEDLE:FB_X:W:H ...]
 * NEEDLE picks the view by a substring of its scene-graph header that starts
 * a word (the app_id "vdispl-5-0-0," must not match "vdispl-15-0-0,"). Pixels
 * covered by a view listed earlier in the scene graph (stacked above) are
 * skipped, not failed: desktop-shell places windows at random and they may
 * overlap; at least 1/20 of a connector must be visible.
 *
 * modetest -v flips between two buffers: the bars and a plain fill of
 * 0x77 bytes (UTIL_PATTERN_PLAIN). Per connector one line
 * "frame NEEDLE bars|fill|bad" says which one every visible pixel showed
 * (bad: neither, a mix, or too little visible); the caller decides what it
 * wanted. Exit 0 when no connector is bad. */
#include <ctype.h>
#include <errno.h>
#include <png.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_VIEWS 64
#define NO_PIXEL 0xffffffffu /* translucent: not compared */

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

struct format {
	const char *name;
	uint32_t (*shown)(uint32_t rgb, unsigned alpha);
	uint32_t fill; /* the 0x77 bytes as shown; NO_PIXEL: not comparable */
};

static uint32_t widen5(uint32_t v) { return v << 3 | v >> 2; }
static uint32_t widen6(uint32_t v) { return v << 2 | v >> 4; }

static uint32_t shown_xr24(uint32_t rgb, unsigned alpha)
{
	(void)alpha; /* XRGB: no alpha bits at all */
	return rgb;
}

static uint32_t shown_ar24(uint32_t rgb, unsigned alpha)
{
	return alpha == 255 ? rgb : NO_PIXEL;
}

/* MAKE_RGBA into RGB565 (r >> 3, g >> 2, b >> 3), then vdispld's widening. */
static uint32_t shown_rg16(uint32_t rgb, unsigned alpha)
{
	(void)alpha;
	uint32_t r = (rgb >> 16) >> 3, g = ((rgb >> 8) & 0xff) >> 2,
		 b = (rgb & 0xff) >> 3;
	return widen5(r) << 16 | widen6(g) << 8 | widen5(b);
}

/* 0x7777: r = 0x0e, g = 0x3b, b = 0x17 -> 0x73, 0xef, 0xbd. */
static const struct format formats[] = {
	{"XR24", shown_xr24, 0x777777},
	{"AR24", shown_ar24, NO_PIXEL}, /* alpha 0x77: blended */
	{"RG16", shown_rg16, 0x73efbd},
};

/* fill_smpte_rgb32/rgb16: colour and alpha of fb pixel (x, y). */
static uint32_t smpte_at(unsigned x, unsigned y, unsigned w, unsigned h,
			 unsigned *alpha)
{
	static const uint32_t top[7] = {0xc0c0c0, 0xc0c000, 0x00c0c0,
					0x00c000, 0xc000c0, 0xc00000,
					0x0000c0};
	static const uint32_t mid[7] = {0x0000c0, 0x131313, 0xc000c0,
					0x131313, 0x00c0c0, 0x131313,
					0xc0c0c0};
	static const uint32_t bottom[8] = {0x00214c, 0xffffff, 0x32006a,
					   0x131313, 0x090909, 0x131313,
					   0x1d1d1d, 0x131313};
	*alpha = 255;
	if (y < h * 6 / 9)
		return top[x * 7 / w];
	if (y < h * 7 / 9) {
		*alpha = 127;
		return mid[x * 7 / w];
	}
	if (x < w * 5 / 7)
		return bottom[x * 4 / (w * 5 / 7)];
	if (x < w * 6 / 7)
		return bottom[(x - w * 5 / 7) * 3 / (w / 7) + 4];
	return bottom[7];
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

/* NEEDLE in HEADER, not preceded by a letter, digit or '-'. */
static bool header_has(const char *header, const char *needle)
{
	for (const char *p = header; (p = strstr(p, needle)); p++)
		if (p == header || !(isalnum((unsigned char)p[-1]) || p[-1] == '-'))
			return true;
	return false;
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
	return c->w > 0 && c->h > 0 && c->fb_x >= 0 ? 0 : -EINVAL;
}

struct tally {
	long bars, fill, neither, hidden, translucent;
};

/* Every pixel of the connector's view: the bars, the fill, or neither. */
static enum frame check_conn(const struct image *img, const struct rect *views,
			     int n_views, const struct conn *c,
			     const struct format *f, unsigned fb_w,
			     unsigned fb_h)
{
	int me = -1;
	for (int i = 0; i < n_views && me < 0; i++)
		if (header_has(views[i].header, c->needle))
			me = i;
	if (me < 0) {
		printf("shot: %s: no view in the scene graph (no window)\n",
		       c->needle);
		return FRAME_BAD;
	}
	const struct rect *r = &views[me];
	printf("shot: %s: view at %d,%d %dx%d (%s)\n", c->needle, r->x, r->y,
	       r->w, r->h, r->header);
	if (r->w != c->w || r->h != c->h)
		printf("shot: %s: view is %dx%d, the connector %dx%d\n",
		       c->needle, r->w, r->h, c->w, c->h);
	struct tally t = {0};
	int shown = 0;
	/* REALXEN_SHOT_STEP=N: every Nth row and column only. Dom0 (emulated,
	 * slow) asks for a sample to know when to stop taking shots; the
	 * host checks every pixel of the same shots. */
	const char *step_env = getenv("REALXEN_SHOT_STEP");
	int step = step_env && atoi(step_env) > 0 ? atoi(step_env) : 1;
	long sampled = (long)((c->w + step - 1) / step) *
		       ((c->h + step - 1) / step);
	for (int cy = 0; cy < c->h; cy += step) {
		for (int cx = 0; cx < c->w; cx += step) {
			int sx = r->x + cx, sy = r->y + cy;
			bool covered = sx < 0 || sy < 0 || sx >= img->w ||
				       sy >= img->h;
			for (int i = 0; i < me && !covered; i++)
				covered = sx >= views[i].x && sy >= views[i].y &&
					  sx < views[i].x + views[i].w &&
					  sy < views[i].y + views[i].h;
			if (covered) {
				t.hidden++;
				continue;
			}
			unsigned alpha;
			uint32_t rgb = smpte_at((unsigned)(c->fb_x + cx),
						(unsigned)cy, fb_w, fb_h,
						&alpha);
			uint32_t want = f->shown(rgb, alpha);
			uint32_t got = img->px[(size_t)sy * (size_t)img->w +
					       (size_t)sx];
			if (want == NO_PIXEL) {
				t.translucent++;
			} else if (got == want) {
				t.bars++;
			} else if (got == f->fill) {
				t.fill++;
			} else {
				t.neither++;
				if (shown++ < 3)
					printf("shot: %s %s: pixel (%d,%d) is "
					       "%06x, want %06x (bars) or %06x "
					       "(fill)\n", c->needle, f->name,
					       cx, cy, got, want, f->fill);
			}
		}
	}
	long compared = t.bars + t.fill + t.neither;
	printf("shot: %s %s: %ld pixels compared: %ld show the bars, %ld the "
	       "fill, %ld differ from both; %ld hidden, %ld translucent\n",
	       c->needle, f->name, compared, t.bars, t.fill, t.neither,
	       t.hidden, t.translucent);
	if (compared < sampled / 20) {
		printf("shot: %s: too little of it visible to judge\n",
		       c->needle);
		return FRAME_BAD;
	}
	if (t.neither == 0 && t.fill == 0)
		return FRAME_BARS;
	if (t.neither == 0 && t.bars == 0)
		return FRAME_FILL;
	return FRAME_BAD; /* a mix is a wrong region or a torn frame */
}

int main(int argc, char **argv)
{
	if (argc < 7) {
		fprintf(stderr, "usage: %s SHOT.png SCENE.txt XR24|AR24|RG16 "
				"FB_W FB_H NEEDLE:FB_X:W:H...\n", argv[0]);
		return 2;
	}
	const struct format *f = NULL;
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(argv[3], formats[i].name) == 0)
			f = &formats[i];
	int fb_w = atoi(argv[4]), fb_h = atoi(argv[5]);
	if (!f || fb_w <= 0 || fb_h <= 0) {
		fprintf(stderr, "shot: bad format or size '%s' %sx%s\n",
			argv[3], argv[4], argv[5]);
		return 2;
	}
	struct image img;
	static struct rect views[MAX_VIEWS];
	if (load_png(argv[1], &img) < 0)
		return 1;
	int n_views = load_views(argv[2], views, MAX_VIEWS);
	bool ok = n_views > 0;
	printf("shot: %dx%d screenshot, %d views, %s fb %dx%d\n", img.w, img.h,
	       n_views, f->name, fb_w, fb_h);
	/* Every connector is reported, even after one failed. */
	for (int i = 6; i < argc; i++) {
		struct conn c;
		if (parse_conn(argv[i], &c) < 0) {
			fprintf(stderr, "shot: bad connector '%s'\n", argv[i]);
			ok = false;
			continue;
		}
		enum frame fr = n_views > 0
			? check_conn(&img, views, n_views, &c, f,
				     (unsigned)fb_w, (unsigned)fb_h)
			: FRAME_BAD;
		printf("frame %s %s\n", c.needle, frame_names[fr]);
		ok &= fr != FRAME_BAD;
	}
	free(img.px);
	return ok ? 0 : 1;
}
