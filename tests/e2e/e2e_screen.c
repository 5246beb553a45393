/* What Weston shows, read while the simulator's loop keeps turning: the
 * scene graph (view positions and stacking) and screenshots, and the
 * pixel-exact comparison of a connector's surface with the guest's pattern.
 *
 * Placement: desktop-shell puts toplevels where it likes and they may
 * overlap. Rather than forcing positions, the test reads each surface's
 * position from the scene graph (`weston-debug scene-graph`), which also
 * gives the stacking order (layers top to bottom, views top to bottom in
 * each). Every pixel of a surface that no view above it covers must equal
 * xensim_pattern_pixel() for the frame the guest last flipped there, and
 * that uncovered part must be a large share of the surface so the check
 * means something. Guests stop flipping (max_flips) before the screenshot,
 * so the screen is static and the last frame stays up. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drm_front.h"
#include "e2e_fixture.h"
#include "toolstack.h"

static int parse_views(char *text, struct e2e_view *views, size_t max)
{
	int n = 0;
	struct e2e_view *cur = NULL;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		const char *p = line + strspn(line, " \t");
		int x1, y1, x2, y2;
		if (!strncmp(p, "View ", 5)) {
			cur = NULL;
			if ((size_t)n < max) {
				cur = &views[n];
				snprintf(cur->desc, sizeof(cur->desc), "%s", p);
				cur->w = cur->h = -1;
			}
		} else if (cur && cur->w < 0 &&
			   sscanf(p, "position: (%d, %d) -> (%d, %d)", &x1,
				  &y1, &x2, &y2) == 4) {
			cur->x = x1;
			cur->y = y1;
			cur->w = x2 - x1;
			cur->h = y2 - y1;
			n++;
			cur = NULL;
		}
	}
	return n;
}

int e2e_views(struct e2e *e, struct e2e_view *views, size_t max)
{
	char rt[128], wd[128], path[160];
	snprintf(rt, sizeof(rt), "XDG_RUNTIME_DIR=%s", e->fx.wh.dir);
	snprintf(wd, sizeof(wd), "WAYLAND_DISPLAY=%s", e->fx.wh.socket);
	snprintf(path, sizeof(path), "%s/scene-graph.txt", e->fx.dir);
	/* wh_spawn appends: a second call would parse the first dump */
	unlink(path);
	const char *argv[] = {"weston-debug", "scene-graph", NULL};
	const char *env[] = {rt, wd, NULL};
	int st = vd_fixture_run(&e->fx, argv, env, e->fx.dir, path, 5000);
	if (st < 0)
		return st;
	char *text = vd_slurp(path);
	if (!text)
		return -EIO;
	if (getenv("E2E_DEBUG"))
		fprintf(stderr, "---- scene graph ----\n%s\n", text);
	int r = parse_views(text, views, max);
	free(text);
	return r;
}

int e2e_view_find(const struct e2e_view *views, int n, const char *needle)
{
	size_t len = strlen(needle);
	for (int i = 0; i < n; i++) {
		/* "vdispl-1-0-1" must not match "vdispl-1-0-10". */
		for (const char *p = views[i].desc; (p = strstr(p, needle)); p++)
			if (p[len] < '0' || p[len] > '9')
				return i;
	}
	return -1;
}

static int find_png(const char *dir, char *out, size_t len)
{
	DIR *d = opendir(dir);
	if (!d)
		return -errno;
	int r = -ENOENT;
	for (struct dirent *de; r && (de = readdir(d));) {
		if (!strncmp(de->d_name, "wayland-screenshot", 18) &&
		    strstr(de->d_name, ".png")) {
			snprintf(out, len, "%s/%s", dir, de->d_name);
			r = 0;
		}
	}
	closedir(d);
	return r;
}

int e2e_screenshot(struct e2e *e, struct wh_image *out)
{
	char shots[128], rt[128], wd[128], pics[160], log[160], png[512];
	snprintf(shots, sizeof(shots), "%s/shot.XXXXXX", e->fx.dir);
	int r = wh_mkdtemp(shots);
	if (r < 0)
		return r;
	snprintf(rt, sizeof(rt), "XDG_RUNTIME_DIR=%s", e->fx.wh.dir);
	snprintf(wd, sizeof(wd), "WAYLAND_DISPLAY=%s", e->fx.wh.socket);
	snprintf(pics, sizeof(pics), "XDG_PICTURES_DIR=%s", shots);
	snprintf(log, sizeof(log), "%s/screenshooter.log", e->fx.dir);
	const char *argv[] = {"weston-screenshooter", NULL};
	const char *env[] = {rt, wd, pics, NULL};
	int st = vd_fixture_run(&e->fx, argv, env, shots, log, 15000);
	r = st < 0 ? st : (WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -EIO);
	if (r == 0)
		r = find_png(shots, png, sizeof(png));
	if (r == 0)
		r = wh_image_load_png(png, out);
	if (r == 0 && getenv("E2E_SAVE_SHOT"))
		wh_image_save_png(out, getenv("E2E_SAVE_SHOT"));
	wh_rm_rf(shots);
	return r;
}

/* Marks what views above vi cover of view vi: a w*h byte mask. */
static unsigned char *covered_mask(const struct e2e_view *views, int vi)
{
	const struct e2e_view *v = &views[vi];
	unsigned char *m = calloc((size_t)v->w * (size_t)v->h, 1);
	if (!m)
		return NULL;
	for (int i = 0; i < vi; i++) {
		const struct e2e_view *o = &views[i];
		int x0 = o->x > v->x ? o->x : v->x;
		int y0 = o->y > v->y ? o->y : v->y;
		int x1 = o->x + o->w < v->x + v->w ? o->x + o->w : v->x + v->w;
		int y1 = o->y + o->h < v->y + v->h ? o->y + o->h : v->y + v->h;
		for (int y = y0; y < y1; y++)
			for (int x = x0; x < x1; x++)
				m[(size_t)(y - v->y) * (size_t)v->w +
				  (size_t)(x - v->x)] = 1;
	}
	return m;
}

#define E2E_MIN_VISIBLE_PX 100000u

int e2e_check_conn_pixels(struct xensim_guest *g, unsigned conn,
			  const struct wh_image *img,
			  const struct e2e_view *views, int nviews, int vi,
			  int min_visible_pct)
{
	struct drm_front *f = xensim_guest_drm(g);
	uint64_t cookie, frame;
	(void)nviews;
	if (!f || drm_front_shown(f, conn, &cookie, &frame) < 0 ||
	    frame == UINT64_MAX) {
		fprintf(stderr, "dom%u c%u: nothing shown\n",
			xensim_guest_domid(g), conn);
		return -1;
	}
	return e2e_check_conn_frame(g, conn, frame, img, views, vi,
				    min_visible_pct);
}

int e2e_check_conn_frame(struct xensim_guest *g, unsigned conn,
			 uint64_t frame, const struct wh_image *img,
			 const struct e2e_view *views, int vi,
			 int min_visible_pct)
{
	const struct e2e_view *v = &views[vi];
	const struct xensim_conn_cfg *cc = &xensim_guest_cfg(g)->conns[conn];
	if (v->w != (int)cc->width || v->h != (int)cc->height) {
		fprintf(stderr, "dom%u c%u: view is %dx%d, connector %ux%u\n",
			xensim_guest_domid(g), conn, v->w, v->h, cc->width,
			cc->height);
		return -1;
	}
	unsigned char *m = covered_mask(views, vi);
	if (!m)
		return -1;
	uint64_t visible = 0, bad = 0;
	for (int y = 0; y < v->h; y++) {
		for (int x = 0; x < v->w; x++) {
			int sx = v->x + x, sy = v->y + y;
			if (m[(size_t)y * (size_t)v->w + (size_t)x] || sx < 0 ||
			    sy < 0 || sx >= img->width || sy >= img->height)
				continue;
			visible++;
			uint32_t want = xensim_pattern_pixel(
				xensim_guest_domid(g), conn, frame, cc->width,
				(uint32_t)x, (uint32_t)y);
			uint32_t got = wh_image_at(img, sx, sy) & 0xffffffu;
			if (got != want && bad++ < 5)
				fprintf(stderr, "dom%u c%u frame %llu: pixel %d,%d "
					"(screen %d,%d): got %06x want %06x\n",
					xensim_guest_domid(g), conn,
					(unsigned long long)frame, x, y, sx, sy,
					got, want);
		}
	}
	free(m);
	uint64_t total = (uint64_t)v->w * (uint64_t)v->h;
	printf("dom%u c%u %dx%d at %d,%d: frame %llu, %llu/%llu px visible, "
	       "%llu differ\n", xensim_guest_domid(g), conn, v->w, v->h, v->x,
	       v->y, (unsigned long long)frame, (unsigned long long)visible,
	       (unsigned long long)total, (unsigned long long)bad);
	/* Weston places windows where it likes and ours may cover each
	 * other: a window must show min_visible_pct of itself, or at least
	 * E2E_MIN_VISIBLE_PX pixels (each one checked exactly). */
	if (visible * 100 < total * (uint64_t)min_visible_pct &&
	    visible < E2E_MIN_VISIBLE_PX) {
		fprintf(stderr, "dom%u c%u: only %llu of %llu px visible\n",
			xensim_guest_domid(g), conn,
			(unsigned long long)visible, (unsigned long long)total);
		return -1;
	}
	return bad ? -1 : 0;
}

int e2e_check_guest_pixels(struct e2e *e, struct xensim_guest *g,
			   const struct wh_image *img,
			   const struct e2e_view *views, int nviews)
{
	(void)e;
	int ret = 0;
	const struct xensim_guest_cfg *cfg = xensim_guest_cfg(g);
	for (unsigned c = 0; c < cfg->num_conns; c++) {
		char needle[64];
		snprintf(needle, sizeof(needle), "vdispl-%u-0-%u",
			 xensim_guest_domid(g), c);
		int vi = e2e_view_find(views, nviews, needle);
		if (vi < 0) {
			fprintf(stderr, "no view %s in the scene graph\n", needle);
			ret = -1;
			continue;
		}
		if (e2e_check_conn_pixels(g, c, img, views, nviews, vi, 25) < 0)
			ret = -1;
	}
	return ret;
}
