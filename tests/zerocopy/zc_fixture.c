/* See zc_fixture.h. */
#include "zc_fixture.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drm_front.h"
#include "gsim.h"
#include "loop.h"
#include "toolstack.h"
#include "xensim.h"

#define GUEST_DOMID 1u

static const char *const reason_keys[] = {
	"fallback_disabled=", "fallback_kernel=", "fallback_compositor=",
	"fallback_format=", "fallback_refused=", "fallback_region=",
};

uint32_t zc_pattern_crc(uint32_t domid, unsigned conn, uint64_t frame,
			uint32_t w, uint32_t h)
{
	static uint32_t table[256];
	if (!table[1]) {
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;
			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
	}
	uint32_t crc = 0xffffffffu;
	for (uint32_t y = 0; y < h; y++) {
		for (uint32_t x = 0; x < w; x++) {
			uint32_t px = xensim_pattern_pixel(domid, conn, frame,
							   w, x, y) & 0x00ffffffu;
			for (int b = 0; b < 4; b++)
				crc = table[(crc ^ (px >> (8 * b))) & 0xff] ^ (crc >> 8);
		}
	}
	return crc ^ 0xffffffffu;
}

void zc_spin(struct zc_fixture *fx, unsigned ms)
{
	uint64_t end = loop_now_ns() + (uint64_t)ms * 1000000u;
	for (uint64_t now = loop_now_ns(); now < end; now = loop_now_ns()) {
		uint64_t left = (end - now) / 1000000u;
		loop_dispatch(fx->loop, (int)(left > 20 ? 20 : left + 1));
	}
}

struct drm_front *zc_front(struct zc_fixture *fx)
{
	return fx->guest ? xensim_guest_drm(fx->guest) : NULL;
}

bool zc_wait_flips(struct zc_fixture *fx, uint64_t n, unsigned ms)
{
	uint64_t end = loop_now_ns() + (uint64_t)ms * 1000000u;
	struct drm_front_stats st = {0};
	while (loop_now_ns() < end) {
		if (zc_front(fx)) {
			drm_front_get_stats(zc_front(fx), DRM_FRONT_ALL_CONNS, &st);
			if (st.flip_events >= n)
				return true;
		}
		loop_dispatch(fx->loop, 10);
	}
	return false;
}

static int start_compositor(struct zc_fixture *fx, const char **xdg,
			    const char **sock)
{
	if (fx->o.compositor) {
		int r = tc_harness_start(&fx->tc, fx->o.compositor,
					 fx->o.tc_args);
		if (r < 0) {
			tc_harness_dump_log(&fx->tc);
			return r;
		}
		fx->tc_started = true;
		*xdg = fx->tc.dir;
		*sock = fx->tc.socket;
		return 0;
	}
	struct weston_harness_opts wo = {
		.renderer = "pixman",
		.width = 1024, .height = 768,
	};
	int r = weston_harness_start(&fx->wh, &wo);
	if (r < 0) {
		weston_harness_dump_log(&fx->wh);
		return r;
	}
	fx->wh_started = true;
	*xdg = fx->wh.dir;
	*sock = fx->wh.socket;
	return 0;
}

static int spawn_vdispld(struct zc_fixture *fx, const char *xdg,
			 const char *sock)
{
	char conf[128], xdg_env[128], wl_env[128];
	const char *env[8];
	const char *argv[12];
	int n = xensim_env(fx->sim, env, 3), a = 0;
	if (n < 0)
		return -EIO;
	snprintf(conf, sizeof(conf), "%s/vdispld.conf", fx->dir);
	FILE *f = fopen(conf, "w");
	if (!f)
		return -errno;
	fprintf(f, "[general]\nstatus-interval = %u\n", fx->o.status_interval_s);
	if (fclose(f) != 0)
		return -EIO;
	snprintf(xdg_env, sizeof(xdg_env), "XDG_RUNTIME_DIR=%s", xdg);
	snprintf(wl_env, sizeof(wl_env), "WAYLAND_DISPLAY=%s", sock);
	env[n++] = xdg_env;
	env[n++] = wl_env;
	env[n] = NULL;
	argv[a++] = fx->o.vdispld;
	argv[a++] = "-c";
	argv[a++] = conf;
	argv[a++] = "-v";
	if (fx->o.no_dmabuf_flag)
		argv[a++] = "--no-dmabuf";
	argv[a] = NULL;
	snprintf(fx->vd_log, sizeof(fx->vd_log), "%s/vdispld.log", fx->dir);
	fx->vd = wh_spawn(argv, env, NULL, fx->vd_log);
	return fx->vd > 0 ? 0 : (int)fx->vd;
}

static int start_guest(struct zc_fixture *fx)
{
	struct xensim_guest_cfg cfg = {
		.domid = GUEST_DOMID, .name = "zc", .vdispl = true,
		.be_alloc = fx->o.be_alloc, .num_conns = 1,
		.conns = {{fx->o.width, fx->o.height, "zc0"}},
	};
	struct drm_front_client_cfg cc = {
		.draw = !fx->o.no_draw, .force_be_alloc = -1,
		.flip_interval_ms = fx->o.fps ? 1000 / fx->o.fps : 0,
		.max_flips = fx->o.max_flips,
	};
	fx->guest = xensim_guest_create(fx->sim, &cfg);
	if (!fx->guest || drm_front_start(xensim_guest_drm(fx->guest), &cc) < 0)
		return -EIO;
	return 0;
}

int zc_start(struct zc_fixture *fx, const struct zc_opts *o)
{
	const char *xdg = NULL, *sock = NULL;
	char xdir[96];
	memset(fx, 0, sizeof(*fx));
	fx->o = *o;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/vdispld-zc-XXXXXX");
	if (wh_mkdtemp(fx->dir) < 0)
		return -errno;
	int r = start_compositor(fx, &xdg, &sock);
	if (r < 0)
		return r;
	snprintf(xdir, sizeof(xdir), "%s/xen", fx->dir);
	fx->loop = loop_create();
	if (!fx->loop || mkdir(xdir, 0700) < 0)
		return -EIO;
	fx->sim = xensim_create(fx->loop, xdir);
	if (!fx->sim)
		return -EIO;
	gsim_set_dmabuf(xensim_gsim(fx->sim), o->kernel_dmabuf);
	if (start_guest(fx) < 0 || spawn_vdispld(fx, xdg, sock) < 0)
		return -EIO;
	return 0;
}

int zc_stop_vdispld(struct zc_fixture *fx)
{
	int st = 0;
	if (fx->vd <= 0)
		return 0;
	kill(fx->vd, SIGTERM);
	uint64_t end = loop_now_ns() + 10000ull * 1000000u;
	/* Our loop turns meanwhile: vdispld talks to our xenstored on its
	 * way out. */
	while (waitpid(fx->vd, &st, WNOHANG) == 0) {
		if (loop_now_ns() > end) {
			kill(fx->vd, SIGKILL);
			waitpid(fx->vd, &st, 0);
			break;
		}
		loop_dispatch(fx->loop, 20);
	}
	fx->vd = 0;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static uint64_t field(const char *line, const char *key)
{
	const char *p = strstr(line, key);
	return p ? strtoull(p + strlen(key), NULL, 10) : 0;
}

int zc_read_stats(const struct zc_fixture *fx, struct zc_stats *out)
{
	FILE *f = fopen(fx->vd_log, "r");
	char line[1024], last[1024] = "";
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "stats: "))
			memcpy(last, line, sizeof(last));
	fclose(f);
	if (!last[0])
		return -ENOENT;
	memset(out, 0, sizeof(*out));
	out->frames = field(last, " frames=");
	out->bytes_copied = field(last, " bytes_copied=");
	out->zero_copy_frames = field(last, " zero_copy_frames=");
	out->timer_flips = field(last, " timer_flips=");
	for (size_t i = 0; i < sizeof(reason_keys) / sizeof(reason_keys[0]); i++)
		out->fallback[i] = field(last, reason_keys[i]);
	return 0;
}

int zc_count_log(const struct zc_fixture *fx, const char *needle)
{
	FILE *f = fopen(fx->vd_log, "r");
	char line[1024];
	int n = 0;
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, needle) != NULL;
	fclose(f);
	return n;
}

void zc_dump_log(const struct zc_fixture *fx, unsigned last_lines)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "tail -n %u '%s' >&2", last_lines,
		 fx->vd_log);
	if (system(cmd) != 0)
		fprintf(stderr, "(no vdispld log)\n");
}

void zc_destroy(struct zc_fixture *fx)
{
	if (fx->loop)
		zc_stop_vdispld(fx);
	if (fx->sim)
		xensim_destroy(fx->sim);
	if (fx->loop)
		loop_destroy(fx->loop);
	if (fx->tc_started)
		tc_harness_destroy(&fx->tc);
	if (fx->wh_started)
		weston_harness_destroy(&fx->wh);
	if (getenv("ZC_KEEP"))
		fprintf(stderr, "kept %s\n", fx->dir);
	else if (fx->dir[0])
		wh_rm_rf(fx->dir);
	fx->loop = NULL;
	fx->sim = NULL;
}
