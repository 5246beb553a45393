/* The rig for one scenario: the dma-buf test compositor (its 60 Hz grid,
 * or --unthrottled; --no-read always, so its own pixel reads do not load
 * the two cores we share), the Xen simulator on our loop with the
 * scenario's guests flipping as fast as flip events return without
 * drawing, and the shipping vdispld with the malloc counting shim. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "drm_front.h"
#include "gsim.h"
#include "loop.h"
#include "toolstack.h"
#include "weston_harness.h"
#include "xensim.h"

static int start_compositor(struct bench_rig *r)
{
	const char *args[4] = {"--no-read", NULL, NULL, NULL};
	if (r->sc->unthrottled)
		args[1] = "--unthrottled";
	int ret = tc_harness_start(&r->tc, r->paths->compositor, args);
	if (ret < 0) {
		tc_harness_dump_log(&r->tc);
		return ret;
	}
	r->tc_started = true;
	return 0;
}

static int map_counts(struct bench_rig *r)
{
	snprintf(r->count_file, sizeof(r->count_file), "%s/malloc-count",
		 r->dir);
	int fd = open(r->count_file, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	void *map = MAP_FAILED;
	if (ftruncate(fd, 4096) == 0)
		map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return -EIO;
	r->counts = map;
	return 0;
}

static int spawn_vdispld(struct bench_rig *r)
{
	char conf[128], xdg[128], wl[128], pre[512], cnt[160];
	const char *env[10];
	int n = xensim_env(r->sim, env, 3);
	if (n < 0)
		return -EIO;
	snprintf(conf, sizeof(conf), "%s/vdispld.conf", r->dir);
	FILE *f = fopen(conf, "w");
	if (!f)
		return -errno;
	fprintf(f, "[general]\nstatus-interval = 0\n");
	if (fclose(f) != 0)
		return -EIO;
	snprintf(xdg, sizeof(xdg), "XDG_RUNTIME_DIR=%s", r->tc.dir);
	snprintf(wl, sizeof(wl), "WAYLAND_DISPLAY=%s", r->tc.socket);
	snprintf(pre, sizeof(pre), "LD_PRELOAD=%s", r->paths->malloc_shim);
	snprintf(cnt, sizeof(cnt), "MALLOC_COUNT_FILE=%s", r->count_file);
	env[n++] = xdg;
	env[n++] = wl;
	env[n++] = pre;
	env[n++] = cnt;
	env[n] = NULL;
	const char *argv[] = {r->paths->vdispld, "-c", conf, "-v", NULL};
	snprintf(r->vd_log, sizeof(r->vd_log), "%s/vdispld.log", r->dir);
	r->vd = wh_spawn(argv, env, NULL, r->vd_log);
	return r->vd > 0 ? 0 : (int)r->vd;
}

static int start_guests(struct bench_rig *r)
{
	const struct bench_scenario *sc = r->sc;
	struct drm_front_client_cfg cc = {.draw = false, .force_be_alloc = -1};
	for (unsigned g = 0; g < sc->guests; g++) {
		struct xensim_guest_cfg cfg = {
			.domid = 1 + g, .vdispl = true,
			.num_conns = sc->conns_per_guest,
		};
		snprintf(cfg.name, sizeof(cfg.name), "bench%u", g);
		for (unsigned c = 0; c < sc->conns_per_guest; c++) {
			cfg.conns[c].width = sc->width;
			cfg.conns[c].height = sc->height;
			snprintf(cfg.conns[c].unique_id, XENSIM_ID_LEN,
				 "b%u-%u", g, c);
		}
		r->guests[g] = xensim_guest_create(r->sim, &cfg);
		if (!r->guests[g] ||
		    drm_front_start(xensim_guest_drm(r->guests[g]), &cc) < 0)
			return -EIO;
	}
	return 0;
}

int bench_rig_start(struct bench_rig *r, const struct bench_scenario *sc,
		    const struct bench_paths *paths)
{
	char xdir[96];
	memset(r, 0, sizeof(*r));
	r->sc = sc;
	r->paths = paths;
	if (sc->guests > BENCH_MAX_GUESTS ||
	    sc->conns_per_guest > XENSIM_MAX_CONNECTORS)
		return -EINVAL;
	snprintf(r->dir, sizeof(r->dir), "/tmp/vdispld-bench-XXXXXX");
	if (wh_mkdtemp(r->dir) < 0)
		return -errno;
	int ret = start_compositor(r);
	if (ret < 0 || (ret = map_counts(r)) < 0)
		return ret;
	snprintf(xdir, sizeof(xdir), "%s/xen", r->dir);
	r->loop = loop_create();
	if (!r->loop || mkdir(xdir, 0700) < 0)
		return -EIO;
	r->sim = xensim_create(r->loop, xdir);
	if (!r->sim)
		return -EIO;
	gsim_set_dmabuf(xensim_gsim(r->sim), sc->zero_copy);
	if ((ret = start_guests(r)) < 0 || (ret = spawn_vdispld(r)) < 0)
		return ret;
	return 0;
}

struct drm_front *bench_rig_front(struct bench_rig *r, unsigned guest)
{
	return r->guests[guest] ? xensim_guest_drm(r->guests[guest]) : NULL;
}

void bench_rig_spin(struct bench_rig *r, unsigned ms)
{
	uint64_t end = loop_now_ns() + (uint64_t)ms * 1000000u;
	while (loop_now_ns() < end)
		loop_dispatch(r->loop, 5);
}

bool bench_rig_wait_flips(struct bench_rig *r, uint64_t n, unsigned ms)
{
	uint64_t end = loop_now_ns() + (uint64_t)ms * 1000000u;
	while (loop_now_ns() < end) {
		bool all = true;
		for (unsigned g = 0; g < r->sc->guests && all; g++) {
			struct drm_front *f = bench_rig_front(r, g);
			for (unsigned c = 0; f && c < r->sc->conns_per_guest; c++) {
				struct drm_front_stats st;
				drm_front_get_stats(f, c, &st);
				all = all && st.flip_events >= n;
			}
			all = all && f;
		}
		if (all)
			return true;
		loop_dispatch(r->loop, 10);
	}
	return false;
}

void bench_rig_front_stats(struct bench_rig *r, uint64_t *flip_events,
			   uint64_t *flip_timeouts)
{
	*flip_events = *flip_timeouts = 0;
	for (unsigned g = 0; g < r->sc->guests; g++) {
		struct drm_front *f = bench_rig_front(r, g);
		struct drm_front_stats st;
		if (!f)
			continue;
		drm_front_get_stats(f, DRM_FRONT_ALL_CONNS, &st);
		*flip_events += st.flip_events;
		*flip_timeouts += st.flip_timeouts;
	}
}

static uint64_t field(const char *line, const char *key)
{
	const char *p = strstr(line, key);
	return p ? strtoull(p + strlen(key), NULL, 10) : 0;
}

#define USR1_MARK "SIGUSR1: counters"

/* Reads the log for the reply to the `nth` SIGUSR1 (1-based): the first
 * `want` "stats:" lines right after its marker, summed (the periodic -v
 * lines may follow in the same loop turn). The lines found, or -errno. */
static int read_counters(const struct bench_rig *r, unsigned nth,
			 unsigned want, struct bench_counters *out)
{
	FILE *f = fopen(r->vd_log, "r");
	char line[1024];
	unsigned marks = 0;
	int lines = 0;
	if (!f)
		return -errno;
	memset(out, 0, sizeof(*out));
	while (lines < (int)want && fgets(line, sizeof(line), f)) {
		if (strstr(line, USR1_MARK)) {
			if (++marks > nth)
				break;
			continue;
		}
		if (marks != nth)
			continue;
		if (!strstr(line, "stats: "))
			break; /* the reply ends at the first other line */
		lines++;
		out->frames += field(line, " frames=");
		out->bytes_copied += field(line, " bytes_copied=");
		out->zero_copy_frames += field(line, " zero_copy_frames=");
		out->copy_ns += field(line, " copy_ns=");
		out->timer_flips += field(line, " timer_flips=");
	}
	fclose(f);
	return lines;
}

int bench_rig_counters(struct bench_rig *r, struct bench_counters *out)
{
	unsigned want = r->sc->guests * r->sc->conns_per_guest;
	unsigned nth = ++r->usr1_sent;
	uint64_t end = loop_now_ns() + 3000ull * 1000000u;
	if (kill(r->vd, SIGUSR1) < 0)
		return -errno;
	/* Our loop turns meanwhile: the guests keep flipping. */
	for (;;) {
		int got = read_counters(r, nth, want, out);
		if (got >= (int)want)
			return 0;
		if (got < 0 && got != -ENOENT)
			return got;
		if (loop_now_ns() > end)
			return -ETIMEDOUT;
		loop_dispatch(r->loop, 2);
	}
}

int bench_rig_stop_vdispld(struct bench_rig *r)
{
	int st = 0;
	if (r->vd <= 0)
		return -ESRCH;
	kill(r->vd, SIGTERM);
	uint64_t end = loop_now_ns() + 10000ull * 1000000u;
	/* Our loop turns meanwhile: vdispld talks to our xenstored on its
	 * way out. */
	while (waitpid(r->vd, &st, WNOHANG) == 0) {
		if (loop_now_ns() > end) {
			kill(r->vd, SIGKILL);
			waitpid(r->vd, &st, 0);
			break;
		}
		loop_dispatch(r->loop, 20);
	}
	r->vd = 0;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -ECHILD;
}

void bench_rig_dump_log(const struct bench_rig *r)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "tail -n 20 '%s' >&2", r->vd_log);
	if (system(cmd) != 0)
		fprintf(stderr, "(no vdispld log)\n");
}

void bench_rig_destroy(struct bench_rig *r)
{
	if (r->loop && r->vd > 0)
		bench_rig_stop_vdispld(r);
	if (r->sim)
		xensim_destroy(r->sim);
	if (r->loop)
		loop_destroy(r->loop);
	if (r->tc_started)
		tc_harness_destroy(&r->tc);
	if (r->counts)
		munmap(r->counts, 4096);
	if (getenv("BENCH_KEEP"))
		fprintf(stderr, "kept %s\n", r->dir);
	else if (r->dir[0])
		wh_rm_rf(r->dir);
	memset(r, 0, sizeof(*r));
}
