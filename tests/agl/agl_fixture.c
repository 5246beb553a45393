/* The fixture of the AGL/shell tests; see agl_fixture.h. */
#include "agl_fixture.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drm_front.h"
#include "loop.h"
#include "toolstack.h"
#include "xensim.h"

int agl_start_weston(struct agl *a, const struct weston_harness_opts *opts)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->dir, sizeof(a->dir), "/tmp/vdispld-agl-XXXXXX");
	if (wh_mkdtemp(a->dir) < 0) {
		a->dir[0] = '\0';
		return -errno;
	}
	if (access("/usr/bin/weston", X_OK) != 0) {
		printf("SKIP: weston is not installed\n");
		return AGL_SKIP;
	}
	int r = weston_harness_start(&a->wh, opts);
	if (r < 0) {
		fprintf(stderr, "weston did not start: %s\n", strerror(-r));
		weston_harness_dump_log(&a->wh);
		return r;
	}
	a->wh_started = true;
	return 0;
}

int agl_start_guest(struct agl *a, const struct agl_conn *conns, unsigned n)
{
	char xdir[96];
	snprintf(xdir, sizeof(xdir), "%s/xen", a->dir);
	a->loop = loop_create();
	if (!a->loop || mkdir(xdir, 0700) < 0)
		return -EIO;
	a->sim = xensim_create(a->loop, xdir);
	if (!a->sim)
		return -errno;
	struct xensim_guest_cfg cfg = {
		.domid = AGL_DOMID, .name = "agl-guest", .vdispl = true,
		.num_conns = n,
	};
	for (unsigned i = 0; i < n && i < XENSIM_MAX_CONNECTORS; i++) {
		cfg.conns[i].width = conns[i].width;
		cfg.conns[i].height = conns[i].height;
		snprintf(cfg.conns[i].unique_id, XENSIM_ID_LEN, "%s",
			 conns[i].unique_id);
	}
	a->n_conns = n;
	struct drm_front_client_cfg cc = {
		.draw = true, .force_be_alloc = -1,
		.max_flips = AGL_MAX_FLIPS,
	};
	a->guest = xensim_guest_create(a->sim, &cfg);
	if (!a->guest || drm_front_start(xensim_guest_drm(a->guest), &cc) < 0)
		return -EIO;
	return 0;
}

/* The simulator's three variables, the compositor's two, RUNTIME_DIRECTORY
 * (where the status file goes), then extra; NULL-terminated. */
static int child_env(struct agl *a, const char **env, size_t max,
		     char *xdg, char *wl, const char *extra)
{
	int n = xensim_env(a->sim, env, max);
	if (n < 0 || (size_t)n + 5 > max)
		return -ENOSPC;
	snprintf(xdg, 128, "XDG_RUNTIME_DIR=%s", a->wh.dir);
	snprintf(wl, 128, "WAYLAND_DISPLAY=%s", a->wh.socket);
	snprintf(a->runtime_env, sizeof(a->runtime_env),
		 "RUNTIME_DIRECTORY=%s", a->dir);
	env[n++] = xdg;
	env[n++] = wl;
	env[n++] = a->runtime_env;
	if (extra)
		env[n++] = extra;
	env[n] = NULL;
	return n;
}

int agl_start_vdispld(struct agl *a, const char *vdispld,
		      const char *conf_text)
{
	return agl_start_vdispld_env(a, vdispld, conf_text, NULL);
}

int agl_start_vdispld_env(struct agl *a, const char *vdispld,
			  const char *conf_text, const char *const extra[])
{
	snprintf(a->conf, sizeof(a->conf), "%s/vdispld.conf", a->dir);
	FILE *f = fopen(a->conf, "w");
	if (!f)
		return -errno;
	fputs(conf_text, f);
	if (fclose(f) != 0)
		return -EIO;
	const char *env[16];
	char xdg[128], wl[128];
	int n = child_env(a, env, 12, xdg, wl, NULL);
	if (n < 0)
		return -ENOSPC;
	for (int i = 0; extra && extra[i] && n < 15; i++)
		env[n++] = extra[i];
	env[n] = NULL;
	const char *argv[] = {vdispld, "-c", a->conf, "-l", "debug", NULL};
	snprintf(a->vd_log, sizeof(a->vd_log), "%s/vdispld.log", a->dir);
	a->vd = wh_spawn(argv, env, NULL, a->vd_log);
	return a->vd > 0 ? 0 : (int)a->vd;
}

int agl_run(struct agl *a, const char *const argv[], const char *extra,
	    const char *out_path, unsigned timeout_ms)
{
	const char *env[12];
	char xdg[128], wl[128];
	if (child_env(a, env, 12, xdg, wl, extra) < 0)
		return -ENOSPC;
	pid_t pid = wh_spawn(argv, env, NULL, out_path);
	if (pid < 0)
		return (int)pid;
	/* The child may talk to the simulator, which lives on our loop. */
	uint64_t end = loop_now_ns() + (uint64_t)timeout_ms * 1000000u;
	while (loop_now_ns() < end) {
		int st;
		pid_t w = waitpid(pid, &st, WNOHANG);
		if (w == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		loop_dispatch(a->loop, 10);
	}
	wh_kill(pid, SIGKILL, 1000);
	return -ETIMEDOUT;
}

void agl_spin(struct agl *a, unsigned ms)
{
	uint64_t end = loop_now_ns() + (uint64_t)ms * 1000000u;
	while (loop_now_ns() < end)
		loop_dispatch(a->loop, 10);
}

static bool all_flipped(struct agl *a)
{
	struct drm_front *f = xensim_guest_drm(a->guest);
	for (unsigned i = 0; f && i < a->n_conns; i++) {
		struct drm_front_stats st;
		drm_front_get_stats(f, i, &st);
		if (st.flip_events < AGL_MAX_FLIPS)
			return false;
	}
	return f != NULL;
}

bool agl_wait_static(struct agl *a, unsigned timeout_ms)
{
	uint64_t end = loop_now_ns() + (uint64_t)timeout_ms * 1000000u;
	while (!all_flipped(a) && loop_now_ns() < end)
		loop_dispatch(a->loop, 10);
	if (all_flipped(a)) {
		agl_spin(a, 300); /* let the compositor repaint once more */
		return true;
	}
	fprintf(stderr, "the guest did not finish its %u flips\n",
		AGL_MAX_FLIPS);
	agl_dump_logs(a);
	return false;
}

long agl_compare(struct agl *a, const struct wh_image *img, unsigned conn,
		 int ox, int oy)
{
	struct drm_front *f = xensim_guest_drm(a->guest);
	const struct xensim_guest_cfg *cfg = xensim_guest_cfg(a->guest);
	uint64_t cookie, frame;
	if (!f || drm_front_shown(f, conn, &cookie, &frame) < 0)
		return -1;
	uint32_t w = cfg->conns[conn].width, h = cfg->conns[conn].height;
	if (ox < 0 || oy < 0 || ox + (int)w > img->width ||
	    oy + (int)h > img->height)
		return -1;
	long bad = 0;
	for (uint32_t y = 0; y < h; y++) {
		for (uint32_t x = 0; x < w; x++) {
			uint32_t want = xensim_pattern_pixel(AGL_DOMID, conn,
							     frame, w, x, y);
			uint32_t got = wh_image_at(img, ox + (int)x,
						   oy + (int)y);
			if (((want ^ got) & 0xffffff) == 0)
				continue;
			if (bad++ < 5)
				fprintf(stderr, "conn %u frame %llu (%u,%u): "
					"want %06x got %06x\n", conn,
					(unsigned long long)frame, x, y,
					want & 0xffffff, got & 0xffffff);
		}
	}
	return bad;
}

bool agl_rect_is(const struct wh_image *img, int x, int y, int w, int h,
		 uint32_t rgb)
{
	for (int j = y; j < y + h; j++)
		for (int i = x; i < x + w; i++)
			if (((wh_image_at(img, i, j) ^ rgb) & 0xffffff) != 0)
				return false;
	return true;
}

char *agl_slurp(const char *path)
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

void agl_dump_logs(struct agl *a)
{
	char *log = a->vd_log[0] ? agl_slurp(a->vd_log) : NULL;
	if (log) {
		size_t len = strlen(log);
		fprintf(stderr, "---- vdispld log (tail) ----\n%s\n",
			len > 6000 ? log + len - 6000 : log);
		free(log);
	}
	if (a->wh_started)
		weston_harness_dump_log(&a->wh);
}

int agl_stop_vdispld(struct agl *a)
{
	if (a->vd <= 0)
		return -ECHILD;
	pid_t pid = a->vd;
	a->vd = 0;
	kill(pid, SIGTERM);
	/* vdispld closes every device in XenStore on the way out: the
	 * simulator answering it runs on our loop, so keep turning it. */
	uint64_t end = loop_now_ns() + 5000000000ull;
	while (loop_now_ns() < end) {
		int st;
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st)
					     : 128 + WTERMSIG(st);
		if (a->loop)
			loop_dispatch(a->loop, 10);
		else
			usleep(10000);
	}
	wh_kill(pid, SIGKILL, 1000);
	return -ETIMEDOUT;
}

void agl_finish(struct agl *a)
{
	if (a->vd > 0)
		agl_stop_vdispld(a);
	if (a->guest)
		xensim_guest_destroy(a->guest);
	a->guest = NULL;
	if (a->sim)
		xensim_destroy(a->sim);
	a->sim = NULL;
	if (a->loop)
		loop_destroy(a->loop);
	a->loop = NULL;
	weston_harness_destroy(&a->wh);
	if (a->dir[0] && !getenv("AGL_KEEP"))
		wh_rm_rf(a->dir);
}
