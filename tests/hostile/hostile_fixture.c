/* The fixture of the hostile catalogue: Weston, the simulator on our loop,
 * vdispld (optionally under valgrind) as a child, the good guest, and the
 * life of the hostile guest with a record of the backend states it saw. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gsim.h"
#include "hostile.h"
#include "loop.h"
#include "toolstack.h"
#include "xensim.h"
#include "xs_server.h"

#define GOOD_DOMID 1u
#define BASELINE_SHARE 0.75

static int measure_baseline(struct hfix *fx);

static unsigned slow(const struct hfix *fx, unsigned ms)
{
	return fx->valgrind ? ms * 8 : ms;
}

struct drm_front *hfix_good_front(struct hfix *fx)
{
	return fx->good ? xensim_guest_drm(fx->good) : NULL;
}

static bool good_flipping(void *data)
{
	struct drm_front_stats st;

	drm_front_get_stats(data, DRM_FRONT_ALL_CONNS, &st);
	return st.flip_events >= 10;
}

static int start_good_guest(struct hfix *fx)
{
	struct xensim_guest_cfg cfg = {
		.domid = GOOD_DOMID, .name = "good", .vdispl = true,
		.num_conns = 1,
		.conns = {{H_CONN_W, H_CONN_H, "g0"}},
	};
	struct drm_front_client_cfg cc = {
		.draw = true, .force_be_alloc = -1, .flip_interval_ms = 0,
	};

	fx->good = vd_fixture_guest(&fx->vf, &cfg, &cc);
	return fx->good ? 0 : -EIO;
}

const char *hfix_vdispld_level = "debug";
bool hfix_status_file;

static int spawn_vdispld(struct hfix *fx, const char *vdispld)
{
	char conf[160];
	const char *args[] = {"-l", hfix_vdispld_level, NULL};
	struct vd_spawn s = {.vdispld = vdispld, .conf_text = conf,
			     .args = args, .valgrind = fx->valgrind,
			     .runtime_directory = hfix_status_file};

	snprintf(conf, sizeof(conf), "[general]\nmax-dbufs = %u\nmax-fbs = %u\n"
		 "max-mapped-mb = %u\nrequests-per-turn = 64\n",
		 H_MAX_DBUFS, H_MAX_FBS, H_MAX_MAPPED_MB);
	return vd_fixture_spawn(&fx->vf, &s);
}

int hfix_start(struct hfix *fx, const char *vdispld, bool valgrind)
{
	struct vd_fixture_opts fo = {
		.weston = {.renderer = "pixman", .width = 1024, .height = 768},
	};

	memset(fx, 0, sizeof(*fx));
	fx->valgrind = valgrind;
	fx->next_domid = 10;
	int r = vd_fixture_setup(&fx->vf, "hostile", &fo);
	if (r != 0)
		return r < 0 ? r : -ECHILD;
	if (start_good_guest(fx) < 0 || spawn_vdispld(fx, vdispld) < 0)
		return -EIO;
	if (!vd_fixture_pump_until(&fx->vf, good_flipping, hfix_good_front(fx),
				   (int)slow(fx, 10000))) {
		fprintf(stderr, "the good guest never flipped\n");
		vd_fixture_dump_log(&fx->vf, 40);
		return -ETIMEDOUT;
	}
	return measure_baseline(fx);
}

/* The good guest's flip rate with nobody else around: the bar for every
 * case is BASELINE_SHARE of it. */
static int measure_baseline(struct hfix *fx)
{
	struct drm_front_stats a, b;
	uint64_t t0 = loop_now_ns(), dt;
	double rate;

	drm_front_get_stats(hfix_good_front(fx), DRM_FRONT_ALL_CONNS, &a);
	vd_fixture_pump(&fx->vf, slow(fx, 1000));
	drm_front_get_stats(hfix_good_front(fx), DRM_FRONT_ALL_CONNS, &b);
	dt = loop_now_ns() - t0;
	rate = (double)(b.flip_events - a.flip_events) * 1e9 / (double)dt;
	fx->min_rate = (unsigned)(rate * BASELINE_SHARE);
	fprintf(stderr, "good guest alone: %.1f flips/s; each case must keep "
			">= %u/s\n", rate, fx->min_rate);
	if (fx->min_rate < (fx->valgrind ? 2u : 20u)) {
		fprintf(stderr, "the good guest is too slow to judge fairness\n");
		return -EIO;
	}
	return 0;
}

int hfix_stop(struct hfix *fx)
{
	int ret = 0;

	if (fx->bad && hbad_destroy(fx) < 0)
		ret = -1;
	if (fx->vf.loop && fx->vf.vd) {
		/* vdispld talks to our xenstored on its way out: the stop turns
		 * our loop. */
		int st = vd_fixture_stop_vdispld(&fx->vf, (int)slow(fx, 10000));

		if (!vd_exit_is(st, 0)) {
			char why[64];

			fprintf(stderr, "vdispld ended with %s\n",
				vd_exit_describe(st, why, sizeof(why)));
			ret = -1;
		}
	}
	if (ret < 0 && fx->vf.vd_log[0])
		vd_fixture_report(&fx->vf);
	vd_fixture_destroy(&fx->vf);
	return ret;
}

/* ---- the hostile guest ---- */

static void be_state_changed(void *data, const char *path)
{
	struct hfix *fx = data;
	char *v = xs_srv_read(xensim_store(fx->vf.sim), 0, path);

	if (v) {
		fx->be_state = atoi(v);
		if (fx->be_state >= 0 && fx->be_state < 16)
			fx->be_seen |= 1u << fx->be_state;
		free(v);
	}
}

static bool bad_connected(void *data)
{
	struct hfix *fx = data;
	struct drm_front *f = xensim_guest_drm(fx->bad);

	return f && drm_front_state(f) == XenbusStateConnected;
}

struct drm_front *hbad_create(struct hfix *fx, const struct hbad_opts *o)
{
	struct xensim_guest_cfg cfg = {.vdispl = true};
	char path[160];

	if (fx->bad && hbad_destroy(fx) < 0)
		return NULL;
	cfg.domid = fx->next_domid++;
	snprintf(cfg.name, sizeof(cfg.name), "bad%u", cfg.domid);
	cfg.num_conns = o && o->conns ? o->conns : 1;
	for (unsigned i = 0; i < cfg.num_conns; i++) {
		cfg.conns[i].width = H_CONN_W;
		cfg.conns[i].height = H_CONN_H;
		snprintf(cfg.conns[i].unique_id, XENSIM_ID_LEN, "h%u", i);
	}
	cfg.be_alloc = o && o->be_alloc;
	cfg.defer_drivers = o && (o->defer || o->protocol2);
	fx->bad = xensim_guest_create(fx->vf.sim, &cfg);
	if (!fx->bad) {
		fprintf(stderr, "  creating hostile guest: %s\n",
			strerror(errno));
		return NULL;
	}
	fx->bad_domid = cfg.domid;
	snprintf(fx->fe_path, sizeof(fx->fe_path),
		 "/local/domain/%u/device/vdispl/0", cfg.domid);
	snprintf(fx->be_path, sizeof(fx->be_path),
		 "/local/domain/0/backend/vdispl/%u/0", cfg.domid);
	snprintf(path, sizeof(path), "%s/state", fx->be_path);
	fx->be_seen = 0;
	fx->be_watch = xs_srv_watch(xensim_store(fx->vf.sim), 0, path,
				    be_state_changed, fx);
	if (o && o->defer)
		return NULL; /* no driver: the case plays the frontend */
	if (o && o->protocol2 &&
	    (hxs_write(fx, cfg.domid, "version", "2") < 0 ||
	     xensim_guest_start_drivers(fx->bad) < 0))
		return NULL;
	if (!vd_fixture_pump_until(&fx->vf, bad_connected, fx, slow(fx, 5000))) {
		fprintf(stderr, "  hostile guest never connected\n");
		return NULL;
	}
	hbad_clear_seen(fx);
	return xensim_guest_drm(fx->bad);
}

struct gsim_domain *hbad_domain(struct hfix *fx)
{
	return fx->bad ? xensim_guest_domain(fx->bad) : NULL;
}

void hbad_clear_seen(struct hfix *fx)
{
	fx->be_seen = 0;
}

static bool bad_closed(void *data)
{
	struct hfix *fx = data;
	unsigned down = (1u << XenbusStateClosing) | (1u << XenbusStateClosed) |
			(1u << XenbusStateInitWait);

	return (fx->be_seen & down) != 0;
}

bool hbad_wait_closed(struct hfix *fx, unsigned ms)
{
	return vd_fixture_pump_until(&fx->vf, bad_closed, fx, slow(fx, ms));
}

int hbad_be_state(struct hfix *fx)
{
	char path[160];
	char *v;
	int st;

	snprintf(path, sizeof(path), "%s/state", fx->be_path);
	v = xs_srv_read(xensim_store(fx->vf.sim), 0, path);
	if (!v)
		return -1;
	st = atoi(v);
	free(v);
	return st;
}

int hxs_write(struct hfix *fx, uint32_t caller, const char *path,
	      const char *value)
{
	char full[256];

	if (path[0] == '/')
		snprintf(full, sizeof(full), "%s", path);
	else
		snprintf(full, sizeof(full), "%s/%s", fx->fe_path, path);
	return xs_srv_write(xensim_store(fx->vf.sim), caller, full, value);
}

struct leak_wait {
	struct hfix *fx;
	uint32_t domid;
	struct gsim_stats st;
};

static bool nothing_held(void *data)
{
	struct leak_wait *w = data;

	gsim_get_stats(xensim_gsim(w->fx->vf.sim), w->domid, &w->st);
	return w->st.mapped_pages == 0 && w->st.shared_pages == 0 &&
	       w->st.bound_ports == 0;
}

int hleak_wait(struct hfix *fx, uint32_t domid)
{
	struct leak_wait w = {.fx = fx, .domid = domid};

	if (!vd_fixture_pump_until(&fx->vf, nothing_held, &w, slow(fx, 5000))) {
		fprintf(stderr, "  dom%u gone, vdispld still holds %u mapped "
				"pages, %u shared pages, %u ports, %u "
				"dma-bufs\n", w.domid, w.st.mapped_pages,
			w.st.shared_pages, w.st.bound_ports, w.st.dmabufs);
		return -1;
	}
	/* Not a failure: the simulator counts an exported dma-buf until the
	 * backend calls xengnttab_dmabuf_exp_wait_released, which vdispld
	 * never does (see docs/security.md, "Hostile-guest catalogue"). */
	if (w.st.dmabufs)
		fprintf(stderr, "  note: dom%u gone, %u dma-buf exports never "
				"waited for\n", domid, w.st.dmabufs);
	return 0;
}

int hbad_destroy(struct hfix *fx)
{
	if (!fx->bad)
		return 0;
	xs_srv_unwatch(fx->be_watch);
	fx->be_watch = NULL;
	xensim_guest_destroy(fx->bad);
	fx->bad = NULL;
	return hleak_wait(fx, fx->bad_domid);
}
