/* See zc_fixture.h. */
#include "zc_fixture.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drm_front.h"
#include "gsim.h"
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

struct drm_front *zc_front(struct zc_fixture *fx)
{
	return fx->guest ? xensim_guest_drm(fx->guest) : NULL;
}

static bool flipped(void *data)
{
	struct zc_fixture *fx = ((void **)data)[0];
	const uint64_t *n = ((void **)data)[1];
	struct drm_front_stats st = {0};
	if (zc_front(fx))
		drm_front_get_stats(zc_front(fx), DRM_FRONT_ALL_CONNS, &st);
	return st.flip_events >= *n;
}

bool zc_wait_flips(struct zc_fixture *fx, uint64_t n, unsigned ms)
{
	void *a[2] = {fx, &n};
	return vd_fixture_pump_until(&fx->vf, flipped, a, (int)ms);
}

static int spawn_vdispld(struct zc_fixture *fx)
{
	char conf[64];
	const char *args[] = {"-v", fx->o.no_dmabuf_flag ? "--no-dmabuf" : NULL,
			      NULL};
	struct vd_spawn s = {.vdispld = fx->o.vdispld, .conf_text = conf,
			     .args = args};
	snprintf(conf, sizeof(conf), "[general]\nstatus-interval = %u\n",
		 fx->o.status_interval_s);
	return vd_fixture_spawn(&fx->vf, &s);
}

static int start_guest(struct zc_fixture *fx)
{
	static const char *const uids[] = {"zc0", "zc1"};
	const uint32_t one[][2] = {{fx->o.width, fx->o.height}};
	static const uint32_t two[][2] = {{320, 240}, {400, 300}};
	struct xensim_guest_cfg cfg;
	struct drm_front_client_cfg cc;
	vd_guest_cfg(&cfg, GUEST_DOMID, "zc", fx->o.shared_fb ? 2 : 1,
		     fx->o.shared_fb ? two : one, uids);
	cfg.be_alloc = fx->o.be_alloc;
	vd_client_cfg(&cc, fx->o.fps ? 1000 / fx->o.fps : 0, fx->o.max_flips);
	cc.draw = !fx->o.no_draw;
	cc.shared_fb = fx->o.shared_fb;
	fx->guest = vd_fixture_guest(&fx->vf, &cfg, &cc);
	return fx->guest ? 0 : -EIO;
}

int zc_start(struct zc_fixture *fx, const struct zc_opts *o)
{
	struct vd_fixture_opts fo = {
		.tc_binary = o->compositor, .tc_args = o->tc_args,
		.weston = {.renderer = "pixman", .width = 1024, .height = 768},
	};
	memset(fx, 0, sizeof(*fx));
	fx->o = *o;
	int r = vd_fixture_setup(&fx->vf, "zc", &fo);
	if (r != 0)
		return r < 0 ? r : -EIO;
	gsim_set_dmabuf(xensim_gsim(fx->vf.sim), o->kernel_dmabuf);
	gsim_set_dmabuf_export_pv(xensim_gsim(fx->vf.sim), o->export_pv);
	if (start_guest(fx) < 0 || spawn_vdispld(fx) < 0)
		return -EIO;
	return 0;
}

int zc_stop_vdispld(struct zc_fixture *fx)
{
	if (!fx->vf.vd)
		return 0;
	return vd_exit_is(vd_fixture_stop_vdispld(&fx->vf, 10000), 0) ? 0 : -1;
}

static uint64_t field(const char *line, const char *key)
{
	const char *p = strstr(line, key);
	return p ? strtoull(p + strlen(key), NULL, 10) : 0;
}

static void parse_stats(const char *line, struct zc_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->frames = field(line, " frames=");
	out->bytes_copied = field(line, " bytes_copied=");
	out->zero_copy_frames = field(line, " zero_copy_frames=");
	out->timer_flips = field(line, " timer_flips=");
	for (size_t i = 0; i < sizeof(reason_keys) / sizeof(reason_keys[0]); i++)
		out->fallback[i] = field(line, reason_keys[i]);
}

/* The last "stats:" line containing key (any with NULL). */
static int read_stats(const struct zc_fixture *fx, const char *key,
		      struct zc_stats *out)
{
	FILE *f = fopen(fx->vf.vd_log, "r");
	char line[1024], last[1024] = "";
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "stats: ") && (!key || strstr(line, key)))
			memcpy(last, line, sizeof(last));
	fclose(f);
	if (!last[0])
		return -ENOENT;
	parse_stats(last, out);
	return 0;
}

#define USR1_MARK "SIGUSR1: counters"

static bool usr1_logged(void *data)
{
	return vd_fixture_log_lines(data, USR1_MARK) > 0;
}

int zc_ask_stats(struct zc_fixture *fx, struct zc_stats *out)
{
	char line[1024];
	bool marker = false;
	int ret = -ENOENT;
	if (kill(fx->vf.vd, SIGUSR1) < 0)
		return -errno;
	if (!vd_fixture_pump_until(&fx->vf, usr1_logged, &fx->vf, 3000))
		return -ETIMEDOUT;
	vd_fixture_pump(&fx->vf, 50); /* the counters follow the marker */
	FILE *f = fopen(fx->vf.vd_log, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (marker) {
			if (strstr(line, "stats: ")) {
				parse_stats(line, out);
				ret = 0;
			}
			break;
		}
		marker = strstr(line, USR1_MARK) != NULL;
	}
	fclose(f);
	return ret;
}

int zc_read_stats(const struct zc_fixture *fx, struct zc_stats *out)
{
	return read_stats(fx, NULL, out);
}

int zc_read_conn_stats(const struct zc_fixture *fx, unsigned conn,
		       struct zc_stats *out)
{
	char key[32];
	snprintf(key, sizeof(key), " c%u: frames=", conn);
	return read_stats(fx, key, out);
}
