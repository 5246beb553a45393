/* The fixture of the Wayland-resilience tests; see wlres_fixture.h. */
#include "wlres_fixture.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "toolstack.h"
#include "xensim.h"

static int start_guests(struct wlres *w, const struct wlres_guest *g,
			unsigned n)
{
	int r = vd_fixture_start_sim(&w->vf);
	if (r < 0)
		return r;
	struct drm_front_client_cfg cc;
	vd_client_cfg(&cc, 0, 0);
	for (unsigned i = 0; i < n && i < WLRES_MAX_GUESTS; i++) {
		const uint32_t sizes[][2] = {{g[i].width[0], g[i].height[0]},
					     {g[i].width[1], g[i].height[1]}};
		struct xensim_guest_cfg cfg;
		vd_guest_cfg(&cfg, g[i].domid, g[i].name, g[i].n_conns, sizes,
			     g[i].unique_id);
		w->spec[i] = g[i];
		w->guests[i] = vd_fixture_guest(&w->vf, &cfg, &cc);
		if (!w->guests[i])
			return -EIO;
		w->n_guests = i + 1;
	}
	return 0;
}

int wlres_main(const char *vdispld, const struct weston_harness_opts *wo,
	       const struct wlres_guest *guests, unsigned n,
	       const char *conf_text, int (*run)(struct wlres *w))
{
	struct vd_fixture_opts fo = {.weston = *wo, .skip_without_weston = true,
				     .defer_sim = true};
	const char *args[] = {"-l", "debug", NULL};
	struct vd_spawn s = {.vdispld = vdispld, .conf_text = conf_text,
			     .args = args, .runtime_directory = true};
	struct wlres w = {.wo = *wo};
	int r = vd_fixture_setup(&w.vf, "wlres", &fo);
	int fails = 1;
	if (r == 0 && start_guests(&w, guests, n) == 0 &&
	    vd_fixture_spawn(&w.vf, &s) == 0) {
		fails = run(&w);
		if (fails)
			vd_fixture_report(&w.vf);
	}
	vd_fixture_destroy(&w.vf);
	if (r == WLRES_SKIP)
		return WLRES_SKIP;
	printf("%s\n", fails ? "FAIL" : "PASS");
	return fails ? 1 : 0;
}

void wlres_stats(struct wlres *w, unsigned g, unsigned c,
		 struct drm_front_stats *out)
{
	struct drm_front *f = xensim_guest_drm(w->guests[g]);
	*out = (struct drm_front_stats){0};
	if (f)
		drm_front_get_stats(f, c, out);
}

static bool all_have(void *data)
{
	struct wlres *w = ((void **)data)[0];
	uint64_t n = *(const uint64_t *)((void **)data)[1];
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
	void *a[2] = {w, &n};
	return vd_fixture_pump_until(&w->vf, all_have, a, (int)timeout_ms);
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
