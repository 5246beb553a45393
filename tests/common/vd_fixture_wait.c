/* Waits that keep the simulator's loop turning, and the guests' side of
 * the fixture: see vd_fixture.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "drm_front.h"
#include "loop.h"
#include "toolstack.h"
#include "vd_fixture.h"
#include "xensim.h"

void vd_fixture_pump(struct vd_fixture *fx, int ms)
{
	uint64_t end = loop_now_ns() + (uint64_t)ms * 1000000u;
	for (uint64_t now; (now = loop_now_ns()) < end;) {
		uint64_t left = (end - now) / 1000000u;
		loop_dispatch(fx->loop, left > 20 ? 20 : (int)left + 1);
	}
}

void vd_fixture_poll(struct vd_fixture *fx)
{
	loop_dispatch(fx->loop, 0);
}

bool vd_fixture_pump_until(struct vd_fixture *fx, vd_cond_fn cond,
			   void *data, int timeout_ms)
{
	uint64_t end = loop_now_ns() + (uint64_t)timeout_ms * 1000000u;
	while (!cond(data)) {
		if (loop_now_ns() >= end)
			return false;
		loop_dispatch(fx->loop, 10);
	}
	return true;
}

int vd_fixture_wait_child(struct vd_fixture *fx, pid_t pid, int timeout_ms,
			  int *status)
{
	uint64_t end = loop_now_ns() + (uint64_t)timeout_ms * 1000000u;
	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (loop_now_ns() >= end)
			return -ETIMEDOUT;
		if (fx->loop)
			loop_dispatch(fx->loop, 5);
		else
			usleep(5000);
	}
}

void vd_guest_cfg(struct xensim_guest_cfg *cfg, uint32_t domid,
		  const char *name, unsigned nconns, const uint32_t sizes[][2],
		  const char *const *uids)
{
	*cfg = (struct xensim_guest_cfg){
		.domid = domid, .vdispl = true, .num_conns = nconns,
	};
	snprintf(cfg->name, sizeof(cfg->name), "%s", name);
	for (unsigned i = 0; i < nconns && i < XENSIM_MAX_CONNECTORS; i++) {
		cfg->conns[i].width = sizes[i][0];
		cfg->conns[i].height = sizes[i][1];
		if (uids)
			snprintf(cfg->conns[i].unique_id, XENSIM_ID_LEN, "%s",
				 uids[i]);
		else
			snprintf(cfg->conns[i].unique_id, XENSIM_ID_LEN,
				 "%s-c%u", name, i);
	}
}

struct xensim_guest *vd_fixture_guest(struct vd_fixture *fx,
				      const struct xensim_guest_cfg *cfg,
				      const struct drm_front_client_cfg *cc)
{
	struct xensim_guest *g = xensim_guest_create(fx->sim, cfg);
	if (!g) {
		fprintf(stderr, "creating guest %s (dom%u): %s\n", cfg->name,
			cfg->domid, strerror(errno));
		return NULL;
	}
	if (cc && drm_front_start(xensim_guest_drm(g), cc) < 0) {
		fprintf(stderr, "guest %s: its display client did not start\n",
			cfg->name);
		xensim_guest_destroy(g);
		return NULL;
	}
	return g;
}

void vd_client_cfg(struct drm_front_client_cfg *c, uint32_t interval_ms,
		   uint64_t max_flips)
{
	*c = (struct drm_front_client_cfg){
		.draw = true,
		.force_be_alloc = -1,
		.flip_interval_ms = interval_ms,
		.max_flips = max_flips,
	};
}

uint64_t vd_guest_min_flip_events(struct xensim_guest *g)
{
	struct drm_front *f = g ? xensim_guest_drm(g) : NULL;
	unsigned n = f ? drm_front_num_conns(f) : 0;
	uint64_t least = UINT64_MAX;
	for (unsigned i = 0; i < n; i++) {
		struct drm_front_stats st;
		drm_front_get_stats(f, i, &st);
		if (st.flip_events < least)
			least = st.flip_events;
	}
	return n ? least : 0;
}

bool vd_guest_flips_done(struct xensim_guest *g, uint64_t max_flips)
{
	struct drm_front *f = xensim_guest_drm(g);
	if (!f)
		return false;
	unsigned n = drm_front_num_conns(f);
	for (unsigned i = 0; i < n; i++) {
		struct drm_front_stats s;
		drm_front_get_stats(f, i, &s);
		if (s.flips_sent < max_flips ||
		    s.flip_events + s.flip_timeouts < s.flips_sent)
			return false;
	}
	return n > 0;
}

bool vd_fixture_wait_view(struct vd_fixture *fx, const char *needle,
			  int timeout_ms, int *x, int *y, int *w, int *h)
{
	uint64_t end = loop_now_ns() + (uint64_t)timeout_ms * 1000000u;
	do {
		/* weston-debug runs while the guests keep flipping. */
		vd_fixture_pump(fx, 100);
		if (weston_harness_find_view(&fx->wh, needle, x, y, w, h) == 0)
			return true;
	} while (loop_now_ns() < end);
	return false;
}
