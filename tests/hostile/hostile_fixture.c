/* The fixture of the hostile catalogue: Weston, the simulator on our loop,
 * vdispld (optionally under valgrind) as a child, the good guest, and the
 * life of the hostile guest with a record of the backend states it saw. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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

void hfix_spin(struct hfix *fx, unsigned ms)
{
	uint64_t end = loop_now_ns() + (uint64_t)ms * 1000000u;

	for (uint64_t now = loop_now_ns(); now < end; now = loop_now_ns()) {
		uint64_t left = (end - now) / 1000000u;

		loop_dispatch(fx->loop, (int)(left > 50 ? 50 : left + 1));
	}
}

bool hfix_wait(struct hfix *fx, bool (*pred)(void *data), void *data,
	       unsigned ms)
{
	uint64_t end = loop_now_ns() + (uint64_t)ms * 1000000u;

	while (!pred(data) && loop_now_ns() < end)
		loop_dispatch(fx->loop, 10);
	return pred(data);
}

bool hfix_vdispld_alive(struct hfix *fx)
{
	int st;

	return fx->vd > 0 && waitpid(fx->vd, &st, WNOHANG) == 0;
}

void hfix_dump_vdispld_log(struct hfix *fx, unsigned last_lines)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "tail -n %u '%s' >&2", last_lines,
		 fx->vd_log);
	if (system(cmd) != 0)
		fprintf(stderr, "(no vdispld log)\n");
}

struct drm_front *hfix_good_front(struct hfix *fx)
{
	return fx->good ? xensim_guest_drm(fx->good) : NULL;
}

static int write_config(struct hfix *fx, char *path, size_t len)
{
	FILE *f;

	snprintf(path, len, "%s/vdispld.conf", fx->dir);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "[general]\nmax-dbufs = %u\nmax-fbs = %u\n"
		   "max-mapped-mb = %u\nrequests-per-turn = 64\n",
		H_MAX_DBUFS, H_MAX_FBS, H_MAX_MAPPED_MB);
	return fclose(f) == 0 ? 0 : -EIO;
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

	fx->good = xensim_guest_create(fx->sim, &cfg);
	if (!fx->good || drm_front_start(xensim_guest_drm(fx->good), &cc) < 0)
		return -EIO;
	return 0;
}

static int spawn_vdispld(struct hfix *fx, const char *vdispld)
{
	char conf[128], xdg[128], wl[128], vglog[160];
	const char *env[8];
	const char *argv[16];
	int n = xensim_env(fx->sim, env, 3), a = 0;

	if (n < 0 || write_config(fx, conf, sizeof(conf)) < 0)
		return -EIO;
	snprintf(xdg, sizeof(xdg), "XDG_RUNTIME_DIR=%s", fx->wh.dir);
	snprintf(wl, sizeof(wl), "WAYLAND_DISPLAY=%s", fx->wh.socket);
	env[n++] = xdg;
	env[n++] = wl;
	env[n] = NULL;
	if (fx->valgrind) {
		snprintf(vglog, sizeof(vglog), "--log-file=%s/valgrind.log",
			 fx->dir);
		argv[a++] = "valgrind";
		argv[a++] = "--leak-check=full";
		argv[a++] = "--errors-for-leak-kinds=definite";
		argv[a++] = "--error-exitcode=99";
		argv[a++] = vglog;
	}
	argv[a++] = vdispld;
	argv[a++] = "-c";
	argv[a++] = conf;
	argv[a++] = "-l";
	argv[a++] = "debug";
	argv[a] = NULL;
	snprintf(fx->vd_log, sizeof(fx->vd_log), "%s/vdispld.log", fx->dir);
	fx->vd = wh_spawn(argv, env, NULL, fx->vd_log);
	return fx->vd > 0 ? 0 : (int)fx->vd;
}

int hfix_start(struct hfix *fx, const char *vdispld, bool valgrind)
{
	struct weston_harness_opts wo = {.renderer = "pixman", .width = 1024,
					 .height = 768};
	char xdir[96];

	memset(fx, 0, sizeof(*fx));
	fx->valgrind = valgrind;
	fx->next_domid = 10;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/vdispld-hostile-XXXXXX");
	if (wh_mkdtemp(fx->dir) < 0)
		return -errno;
	if (weston_harness_start(&fx->wh, &wo) < 0) {
		weston_harness_dump_log(&fx->wh);
		return -ECHILD;
	}
	fx->wh_started = true;
	snprintf(xdir, sizeof(xdir), "%s/xen", fx->dir);
	fx->loop = loop_create();
	if (!fx->loop || mkdir(xdir, 0700) < 0)
		return -EIO;
	fx->sim = xensim_create(fx->loop, xdir);
	if (!fx->sim || start_good_guest(fx) < 0 ||
	    spawn_vdispld(fx, vdispld) < 0)
		return -EIO;
	if (!hfix_wait(fx, good_flipping, hfix_good_front(fx),
		       slow(fx, 10000))) {
		fprintf(stderr, "the good guest never flipped\n");
		hfix_dump_vdispld_log(fx, 40);
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
	hfix_spin(fx, slow(fx, 1000));
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

/* SIGTERM, turning our loop meanwhile: vdispld talks to our xenstored on
 * its way out. */
static int stop_vdispld(struct hfix *fx)
{
	uint64_t end;
	int st = 0;

	if (fx->vd <= 0)
		return 0;
	kill(fx->vd, SIGTERM);
	end = loop_now_ns() + (uint64_t)slow(fx, 10000) * 1000000u;
	while (waitpid(fx->vd, &st, WNOHANG) == 0) {
		if (loop_now_ns() > end) {
			fprintf(stderr, "vdispld ignored SIGTERM\n");
			kill(fx->vd, SIGKILL);
			waitpid(fx->vd, &st, 0);
			fx->vd = 0;
			return -1;
		}
		loop_dispatch(fx->loop, 20);
	}
	fx->vd = 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	fprintf(stderr, "vdispld ended with %s %d%s\n",
		WIFEXITED(st) ? "exit code" : "signal",
		WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st),
		WIFEXITED(st) && WEXITSTATUS(st) == 99 ? " (valgrind errors)"
						       : "");
	return -1;
}

int hfix_stop(struct hfix *fx)
{
	int ret = 0;

	if (fx->bad && hbad_destroy(fx) < 0)
		ret = -1;
	if (fx->loop && stop_vdispld(fx) < 0)
		ret = -1;
	if (ret < 0 && fx->vd_log[0]) {
		hfix_dump_vdispld_log(fx, 60);
		if (fx->valgrind) {
			char cmd[160];

			snprintf(cmd, sizeof(cmd), "cat %s/valgrind.log >&2",
				 fx->dir);
			if (system(cmd) != 0)
				fprintf(stderr, "(no valgrind log)\n");
		}
	}
	if (fx->sim)
		xensim_destroy(fx->sim);
	if (fx->loop)
		loop_destroy(fx->loop);
	if (fx->wh_started)
		weston_harness_destroy(&fx->wh);
	if (getenv("HOSTILE_KEEP"))
		fprintf(stderr, "kept %s\n", fx->dir);
	else
		wh_rm_rf(fx->dir);
	return ret;
}

/* ---- the hostile guest ---- */

static void be_state_changed(void *data, const char *path)
{
	struct hfix *fx = data;
	char *v = xs_srv_read(xensim_store(fx->sim), 0, path);

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
	fx->bad = xensim_guest_create(fx->sim, &cfg);
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
	fx->be_watch = xs_srv_watch(xensim_store(fx->sim), 0, path,
				    be_state_changed, fx);
	if (o && o->defer)
		return NULL; /* no driver: the case plays the frontend */
	if (o && o->protocol2 &&
	    (hxs_write(fx, cfg.domid, "version", "2") < 0 ||
	     xensim_guest_start_drivers(fx->bad) < 0))
		return NULL;
	if (!hfix_wait(fx, bad_connected, fx, slow(fx, 5000))) {
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
	return hfix_wait(fx, bad_closed, fx, slow(fx, ms));
}

int hbad_be_state(struct hfix *fx)
{
	char path[160];
	char *v;
	int st;

	snprintf(path, sizeof(path), "%s/state", fx->be_path);
	v = xs_srv_read(xensim_store(fx->sim), 0, path);
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
	return xs_srv_write(xensim_store(fx->sim), caller, full, value);
}

struct leak_wait {
	struct hfix *fx;
	uint32_t domid;
	struct gsim_stats st;
};

static bool nothing_held(void *data)
{
	struct leak_wait *w = data;

	gsim_get_stats(xensim_gsim(w->fx->sim), w->domid, &w->st);
	return w->st.mapped_pages == 0 && w->st.shared_pages == 0 &&
	       w->st.bound_ports == 0;
}

int hleak_wait(struct hfix *fx, uint32_t domid)
{
	struct leak_wait w = {.fx = fx, .domid = domid};

	if (!hfix_wait(fx, nothing_held, &w, slow(fx, 5000))) {
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
