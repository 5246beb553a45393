/* Looking at what Weston shows: screenshots (weston-screenshooter + libpng)
 * and view positions (weston-debug scene-graph). */
#include <dirent.h>
#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "weston_harness.h"

void wh_image_free(struct wh_image *img)
{
	free(img->pixels);
	img->pixels = NULL;
	img->width = img->height = 0;
}

int wh_image_load_png(const char *path, struct wh_image *out)
{
	png_image png;
	memset(&png, 0, sizeof(png));
	png.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&png, path)) {
		fprintf(stderr, "png %s: %s\n", path, png.message);
		return -EIO;
	}
	/* BGRA bytes are one little-endian 0xAARRGGBB word per pixel. */
	png.format = PNG_FORMAT_BGRA;
	size_t n = (size_t)png.width * png.height;
	uint32_t *px = malloc(n * 4);
	if (!px) {
		png_image_free(&png);
		return -ENOMEM;
	}
	if (!png_image_finish_read(&png, NULL, px, 0, NULL)) {
		fprintf(stderr, "png %s: %s\n", path, png.message);
		free(px);
		return -EIO;
	}
	for (size_t i = 0; i < n; i++)
		px[i] |= 0xff000000u;
	out->width = (int)png.width;
	out->height = (int)png.height;
	out->pixels = px;
	return 0;
}

int wh_image_save_png(const struct wh_image *img, const char *path)
{
	png_image png;
	memset(&png, 0, sizeof(png));
	png.version = PNG_IMAGE_VERSION;
	png.width = (png_uint_32)img->width;
	png.height = (png_uint_32)img->height;
	png.format = PNG_FORMAT_BGRA;
	if (!png_image_write_to_file(&png, path, 0, img->pixels, 0, NULL))
		return -EIO;
	return 0;
}

/* The newest (only) wayland-screenshot-*.png in dir. */
static int find_png(const char *dir, char *path, size_t len)
{
	DIR *d = opendir(dir);
	if (!d)
		return -errno;
	struct dirent *e;
	int r = -ENOENT;
	while ((e = readdir(d))) {
		if (!strncmp(e->d_name, "wayland-screenshot", 18) &&
		    strstr(e->d_name, ".png")) {
			snprintf(path, len, "%s/%s", dir, e->d_name);
			r = 0;
		}
	}
	closedir(d);
	return r;
}

static void client_env(const struct weston_harness *h, char *rt, size_t rtl,
		       char *wd, size_t wdl)
{
	snprintf(rt, rtl, "XDG_RUNTIME_DIR=%s", h->dir);
	snprintf(wd, wdl, "WAYLAND_DISPLAY=%s", h->socket);
}

int weston_harness_screenshot(struct weston_harness *h, struct wh_image *out)
{
	char shots[128], rt[128], wd[128], pics[160], log[160], png[512];
	snprintf(shots, sizeof(shots), "%s/shot.XXXXXX", h->dir);
	int r = wh_mkdtemp(shots);
	if (r < 0)
		return r;
	client_env(h, rt, sizeof(rt), wd, sizeof(wd));
	snprintf(pics, sizeof(pics), "XDG_PICTURES_DIR=%s", shots);
	snprintf(log, sizeof(log), "%s/screenshooter.log", h->dir);
	const char *argv[] = {"weston-screenshooter", NULL};
	const char *env[] = {rt, wd, pics, NULL};
	pid_t pid = wh_spawn(argv, env, shots, log);
	if (pid < 0) {
		wh_rm_rf(shots);
		return pid;
	}
	int status = 0;
	r = wh_wait(pid, 10000, &status);
	if (r == -ETIMEDOUT)
		wh_kill(pid, SIGKILL, 1000);
	if (r == 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
		r = -EIO;
	if (r == 0)
		r = find_png(shots, png, sizeof(png));
	if (r == 0)
		r = wh_image_load_png(png, out);
	wh_rm_rf(shots);
	return r;
}

bool wh_image_find(const struct wh_image *img, const uint32_t *pattern,
		   int w, int h, int stride, int *x, int *y)
{
	for (int oy = 0; oy + h <= img->height; oy++) {
		for (int ox = 0; ox + w <= img->width; ox++) {
			bool match = true;
			for (int py = 0; py < h && match; py++) {
				const uint32_t *row = &img->pixels[(size_t)(oy + py) *
								   (size_t)img->width + (size_t)ox];
				const uint32_t *pat = &pattern[(size_t)py * (size_t)stride];
				for (int px = 0; px < w; px++) {
					if ((row[px] ^ pat[px]) & 0xffffffu) {
						match = false;
						break;
					}
				}
			}
			if (match) {
				*x = ox;
				*y = oy;
				return true;
			}
		}
	}
	return false;
}

static int read_file(const char *path, char **text)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -errno;
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	size_t n;
	while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len < 2) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	fclose(f);
	if (!buf)
		return -ENOMEM;
	buf[len] = '\0';
	*text = buf;
	return 0;
}

int weston_harness_scene_graph(struct weston_harness *h, char **text)
{
	char rt[128], wd[128], path[160];
	client_env(h, rt, sizeof(rt), wd, sizeof(wd));
	snprintf(path, sizeof(path), "%s/scene-graph.txt", h->dir);
	unlink(path);
	const char *argv[] = {"weston-debug", "scene-graph", NULL};
	const char *env[] = {rt, wd, NULL};
	pid_t pid = wh_spawn(argv, env, h->dir, path);
	if (pid < 0)
		return pid;
	/* The stream ends after one dump; weston-debug then exits. */
	int status = 0;
	int r = wh_wait(pid, 5000, &status);
	if (r == -ETIMEDOUT)
		wh_kill(pid, SIGTERM, 1000);
	if (r < 0)
		return r;
	return read_file(path, text);
}

int weston_harness_find_view(struct weston_harness *h, const char *needle,
			     int *x, int *y, int *w, int *hgt)
{
	char *text;
	int r = weston_harness_scene_graph(h, &text);
	if (r < 0)
		return r;
	r = -ENOENT;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (!strstr(line, "View ") || !strstr(line, needle))
			continue;
		/* The view's own "position:" line follows its header. */
		char *pos = strtok(NULL, "\n");
		int x1, y1, x2, y2;
		if (pos && sscanf(pos, " position: (%d, %d) -> (%d, %d)", &x1,
				  &y1, &x2, &y2) == 4) {
			*x = x1;
			*y = y1;
			*w = x2 - x1;
			*hgt = y2 - y1;
			r = 0;
		}
		break;
	}
	free(text);
	return r;
}
