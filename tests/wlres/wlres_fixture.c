/* The fixture of the Wayland-resilience tests; see wlres_fixture.h. */
#include "wlres_fixture.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "loop.h"
#include "toolstack.h"
#include "xensim.h"

int wlres_start_weston(struct wlres *w, const struct weston_harness_opts *o)
{
	memset(w, 0, sizeof(*w));
	snprintf(w->dir, sizeof(w->dir), "/tmp/vdispld-wlres-XXXXXX");
	if (wh_mkdtemp(w->dir) < 0) {
		w->dir[0] = '\0';
		return -errno;
	}
	if (access("/usr/bin/weston", X_OK) != 0) {
		printf("SKIP: weston is not installed\n");
		return WLRES_SKIP;
	}
	w->wo = *o;
	int r = weston_harness_start(&w->wh, o);
	if (r < 0) {
		fprintf(stderr, "weston did not start: %s\n", strerror(-r));
		weston_harness_dump_log(&w->wh);
		return r;
	}
	w->wh_started = true;
	return 0;
}

int wlres_start_guests(struct wlres *w, const struct wlres_guest *g,
		       unsigned n)
{
	char xdir[96];
	snprintf(xdir, sizeof(xdir), "%s/xen", w->dir);
	w->loop = loop_create();
	if (!w->loop || mkdir(xdir, 0700) < 0)
		return -EIO;
	w->sim = xensim_create(w->loop, xdir);
	if (!w->sim)
		return -errno;
	struct drm_front_client_cfg cc = {.draw = true, .force_be_alloc = -1};
	for (unsigned i = 0; i < n && i < WLRES_MAX_GUESTS; i++) {
		struct xensim_guest_cfg cfg = {
			.domid = g[i].domid, .vdispl = true,
			.num_conns = g[i].n_conns,
		};
		snprintf(cfg.name, sizeof(cfg.name), "%s", g[i].name);
		for (unsigned c = 0; c < g[i].n_conns && c < 2; c++) {
			cfg.conns[c].width = g[i].width[c];
			cfg.conns[c].height = g[i].height[c];
			snprintf(cfg.conns[c].unique_id, XENSIM_ID_LEN, "%s",
				 g[i].unique_id[c]);
		}
		w->spec[i] = g[i];
		w->guests[i] = xensim_guest_create(w->sim, &cfg);
		if (!w->guests[i] ||
		    drm_front_start(xensim_guest_drm(w->guests[i]), &cc) < 0)
			return -EIO;
		w->n_guests = i + 1;
	}
	return 0;
}

int wlres_write_conf(struct wlres *w, const char *text)
{
	char tmp[160];
	snprintf(w->conf, sizeof(w->conf), "%s/vdispld.conf", w->dir);
	snprintf(tmp, sizeof(tmp), "%s.new", w->conf);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return -errno;
	fputs(text, f);
	if (fclose(f) != 0)
		return -EIO;
	return rename(tmp, w->conf) < 0 ? -errno : 0;
}

int wlres_start_vdispld(struct wlres *w, const char *vdispld,
			const char *conf_text)
{
	int r = wlres_write_conf(w, conf_text);
	if (r < 0)
		return r;
	const char *env[16];
	int n = xensim_env(w->sim, env, 10);
	if (n < 0)
		return -ENOSPC;
	char xdg[128], wl[128], rt[128];
	snprintf(xdg, sizeof(xdg), "XDG_RUNTIME_DIR=%s", w->wh.dir);
	snprintf(wl, sizeof(wl), "WAYLAND_DISPLAY=%s", w->wh.socket);
	snprintf(rt, sizeof(rt), "RUNTIME_DIRECTORY=%s", w->dir);
	env[n++] = xdg;
	env[n++] = wl;
	env[n++] = rt;
	env[n] = NULL;
	const char *argv[] = {vdispld, "-c", w->conf, "-l", "debug", NULL};
	snprintf(w->vd_log, sizeof(w->vd_log), "%s/vdispld.log", w->dir);
	w->vd = wh_spawn(argv, env, NULL, w->vd_log);
	return w->vd > 0 ? 0 : (int)w->vd;
}

void wlres_spin(struct wlres *w, unsigned ms)
{
	uint64_t end = loop_now_ns() + (uint64_t)ms * 1000000u;
	while (loop_now_ns() < end)
		loop_dispatch(w->loop, 10);
}

void wlres_stats(struct wlres *w, unsigned g, unsigned c,
		 struct drm_front_stats *out)
{
	struct drm_front *f = xensim_guest_drm(w->guests[g]);
	*out = (struct drm_front_stats){0};
	if (f)
		drm_front_get_stats(f, c, out);
}

static bool all_have(struct wlres *w, uint64_t n)
{
	for (unsigned g = 0; g < w->n_guests; g++) {
		for (unsigned c = 0; c < w->spec[g].n_conns; c++) {
			struct drm_front_stats st;
			wlres_stats(w, g, c, &st);
			if (st.flip_events < n)
				return false;
		}
	}
	return true;
}

bool wlres_wait_flips(struct wlres *w, uint64_t n, unsigned timeout_ms)
{
	uint64_t end = loop_now_ns() + (uint64_t)timeout_ms * 1000000u;
	while (!all_have(w, n) && loop_now_ns() < end)
		loop_dispatch(w->loop, 10);
	return all_have(w, n);
}

bool wlres_flips_clean(struct wlres *w)
{
	bool ok = true;
	for (unsigned g = 0; g < w->n_guests; g++) {
		for (unsigned c = 0; c < w->spec[g].n_conns; c++) {
			struct drm_front_stats st;
			wlres_stats(w, g, c, &st);
			if (st.flip_timeouts || st.flip_events_bad ||
			    st.req_timeouts || st.flip_events != st.flip_events_in_order) {
				fprintf(stderr, "FAIL: %s conn %u: %llu flip "
					"time-outs, %llu bad flip events, %llu "
					"request time-outs (%llu/%llu in order)\n",
					w->spec[g].name, c,
					(unsigned long long)st.flip_timeouts,
					(unsigned long long)st.flip_events_bad,
					(unsigned long long)st.req_timeouts,
					(unsigned long long)st.flip_events_in_order,
					(unsigned long long)st.flip_events);
				ok = false;
			}
		}
	}
	return ok;
}

bool wlres_vdispld_alive(struct wlres *w)
{
	int st;
	if (w->vd <= 0)
		return false;
	if (waitpid(w->vd, &st, WNOHANG) == w->vd) {
		fprintf(stderr, "vdispld exited (%s %d)\n",
			WIFEXITED(st) ? "code" : "signal",
			WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
		w->vd = 0;
		return false;
	}
	return true;
}

char *wlres_slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	char chunk[4096];
	size_t n;
	while (m && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, m);
	fclose(f);
	if (!m || fclose(m) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

int wlres_log_count(struct wlres *w, const char *needle)
{
	char *log = wlres_slurp(w->vd_log);
	int n = 0;
	for (const char *p = log; p && (p = strstr(p, needle)); p++)
		n++;
	free(log);
	return n;
}

bool wlres_wait_view(struct wlres *w, const char *needle, unsigned timeout_ms,
		     int *x, int *y, int *vw, int *vh)
{
	uint64_t end = loop_now_ns() + (uint64_t)timeout_ms * 1000000u;
	do {
		/* weston-debug runs while the guests keep flipping. */
		wlres_spin(w, 100);
		if (weston_harness_find_view(&w->wh, needle, x, y, vw, vh) == 0)
			return true;
	} while (loop_now_ns() < end);
	return false;
}

double wlres_colour_share(struct wlres *w, const struct wh_image *img,
			  unsigned g, unsigned c, int x, int y, int rw, int rh)
{
	uint32_t width = w->spec[g].width[c];
	/* Frame 0, right of the bar, below the frame counter. */
	uint32_t want = xensim_pattern_pixel(w->spec[g].domid, c, 0, width,
					     width - 1, 20) & 0xffffff;
	long hit = 0, all = 0;
	for (int j = y; j < y + rh; j++) {
		for (int i = x; i < x + rw; i++) {
			if (i < 0 || j < 0 || i >= img->width || j >= img->height)
				continue;
			all++;
			hit += (wh_image_at(img, i, j) & 0xffffff) == want;
		}
	}
	return all ? (double)hit / (double)all : 0.0;
}

void wlres_dump_logs(struct wlres *w)
{
	char *log = w->vd_log[0] ? wlres_slurp(w->vd_log) : NULL;
	if (log) {
		size_t len = strlen(log);
		fprintf(stderr, "---- vdispld log (tail) ----\n%s\n",
			len > 8000 ? log + len - 8000 : log);
		free(log);
	}
	if (w->wh_started)
		weston_harness_dump_log(&w->wh);
}

static void stop_vdispld(struct wlres *w)
{
	pid_t pid = w->vd;
	w->vd = 0;
	kill(pid, SIGTERM);
	/* It closes its devices on the way out: keep the simulator turning. */
	uint64_t end = loop_now_ns() + 5000000000ull;
	while (loop_now_ns() < end) {
		int st;
		if (waitpid(pid, &st, WNOHANG) == pid)
			return;
		if (w->loop)
			loop_dispatch(w->loop, 10);
		else
			usleep(10000);
	}
	wh_kill(pid, SIGKILL, 1000);
}

void wlres_finish(struct wlres *w)
{
	if (w->vd > 0)
		stop_vdispld(w);
	for (unsigned i = 0; i < WLRES_MAX_GUESTS; i++) {
		if (w->guests[i])
			xensim_guest_destroy(w->guests[i]);
		w->guests[i] = NULL;
	}
	if (w->sim)
		xensim_destroy(w->sim);
	w->sim = NULL;
	if (w->loop)
		loop_destroy(w->loop);
	w->loop = NULL;
	weston_harness_destroy(&w->wh);
	if (w->dir[0] && !getenv("WLRES_KEEP"))
		wh_rm_rf(w->dir);
}
