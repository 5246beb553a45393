/* The fixture of the AGL/shell tests; see agl_fixture.h. */
#include "agl_fixture.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "drm_front.h"
#include "toolstack.h"
#include "xensim.h"

int agl_start_weston(struct agl *a, const struct weston_harness_opts *opts)
{
	struct vd_fixture_opts fo = {.weston = *opts,
				     .skip_without_weston = true,
				     .defer_sim = true};
	memset(a, 0, sizeof(*a));
	return vd_fixture_setup(&a->vf, "agl", &fo);
}

int agl_start_guest(struct agl *a, const struct agl_conn *conns, unsigned n)
{
	int r = vd_fixture_start_sim(&a->vf);
	if (r < 0)
		return r;
	uint32_t sizes[XENSIM_MAX_CONNECTORS][2];
	const char *uids[XENSIM_MAX_CONNECTORS];
	for (unsigned i = 0; i < n && i < XENSIM_MAX_CONNECTORS; i++) {
		sizes[i][0] = conns[i].width;
		sizes[i][1] = conns[i].height;
		uids[i] = conns[i].unique_id;
	}
	struct xensim_guest_cfg cfg;
	struct drm_front_client_cfg cc;
	vd_guest_cfg(&cfg, AGL_DOMID, "agl-guest", n, sizes, uids);
	vd_client_cfg(&cc, 0, AGL_MAX_FLIPS);
	a->n_conns = n;
	a->guest = vd_fixture_guest(&a->vf, &cfg, &cc);
	return a->guest ? 0 : -EIO;
}

int agl_start_with_guest(struct agl *a, const struct weston_harness_opts *opts,
			 const struct agl_conn *conns, unsigned n)
{
	int r = agl_start_weston(a, opts);
	if (r != 0 || agl_start_guest(a, conns, n) < 0) {
		agl_finish(a);
		return r == AGL_SKIP ? AGL_SKIP : 1;
	}
	return 0;
}

int agl_start_vdispld(struct agl *a, const char *vdispld,
		      const char *conf_text)
{
	return agl_start_vdispld_env(a, vdispld, conf_text, NULL);
}

int agl_start_vdispld_env(struct agl *a, const char *vdispld,
			  const char *conf_text, const char *const extra[])
{
	const char *args[] = {"-l", "debug", NULL};
	struct vd_spawn s = {.vdispld = vdispld, .conf_text = conf_text,
			     .args = args, .env = extra,
			     .runtime_directory = true};
	return vd_fixture_spawn(&a->vf, &s);
}

/* An exit code, or 128 + the signal. */
static int exit_code(int st)
{
	if (st < 0)
		return st;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int agl_run(struct agl *a, const char *const argv[], const char *extra,
	    const char *out_path, unsigned timeout_ms)
{
	const char *more[] = {extra, NULL};
	struct vd_env env;
	if (vd_fixture_env(&a->vf, &env, true, more) < 0)
		return -ENOSPC;
	/* The child may talk to the simulator, which lives on our loop. */
	return exit_code(vd_fixture_run(&a->vf, argv, env.v, NULL, out_path,
					(int)timeout_ms));
}

static bool all_flipped(void *data)
{
	struct agl *a = data;
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
	if (vd_fixture_pump_until(&a->vf, all_flipped, a, (int)timeout_ms)) {
		/* let the compositor repaint once more */
		vd_fixture_pump(&a->vf, 300);
		return true;
	}
	fprintf(stderr, "the guest did not finish its %u flips\n",
		AGL_MAX_FLIPS);
	vd_fixture_report(&a->vf);
	return false;
}

int agl_screenshot(struct agl *a, struct wh_image *img)
{
	int r = weston_harness_screenshot(&a->vf.wh, img);
	if (r < 0)
		fprintf(stderr, "screenshot failed: %s\n", strerror(-r));
	return r;
}

void agl_keep_shot(struct agl *a, const struct wh_image *img)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/shot.png", a->vf.dir);
	wh_image_save_png(img, path);
	fprintf(stderr, "screenshot kept in %s (set AGL_KEEP=1)\n", path);
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

int agl_stop_vdispld(struct agl *a)
{
	if (!a->vf.vd)
		return -ECHILD;
	/* vdispld closes every device in XenStore on the way out: the
	 * simulator answering it runs on our loop, which the stop turns. */
	return exit_code(vd_fixture_stop_vdispld(&a->vf, 5000));
}

void agl_finish(struct agl *a)
{
	vd_fixture_destroy(&a->vf);
	a->guest = NULL;
}
