/* The input tests' fixture: see input_fixture.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drm_front.h"
#include "input_cmd.h"
#include "input_fixture.h"
#include "kbd_front.h"
#include "loop.h"
#include "toolstack.h"
#include "xensim.h"
#include "xs_server.h"

int ifix_cmd(struct ifix *fx, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		return -1;
	return input_cmd(fx->cmd_fd, line);
}

static int spawn_vdispld(struct ifix *fx, const char *vdispld,
			 const char *extra)
{
	char conf[4096];
	struct vd_spawn s = {.vdispld = vdispld, .conf_text = conf};
	snprintf(conf, sizeof(conf), "[general]\nlog-level = debug\n%s",
		 extra ? extra : "");
	return vd_fixture_spawn(&fx->vf, &s) < 0 ? -EIO : 0;
}

int ifix_start(struct ifix *fx, const char *vdispld, const char *module,
	       const char *extra_conf)
{
	struct vd_fixture_opts fo = {
		.weston = {.renderer = "pixman", .width = 1600,
			   .height = 1000, .modules = module},
		.defer_sim = true,
	};

	memset(fx, 0, sizeof(*fx));
	fx->cmd_fd = -1;
	if (access(module, R_OK) != 0) {
		printf("SKIP: no Weston input module at %s\n", module);
		return 77;
	}
	if (vd_fixture_create(&fx->vf, "input") < 0)
		return -1;
	snprintf(fx->cmd_path, sizeof(fx->cmd_path), "%s/input.sock",
		 fx->vf.dir);
	setenv("VDISPLD_TEST_INPUT", fx->cmd_path, 1);
	if (vd_fixture_start(&fx->vf, &fo) != 0 || (fx->cmd_fd = input_cmd_connect(fx->cmd_path)) < 0 ||
	    vd_fixture_start_sim(&fx->vf) < 0 ||
	    spawn_vdispld(fx, vdispld, extra_conf) < 0)
		return -1;
	return 0;
}

int ifix_stop(struct ifix *fx)
{
	int ret = 0;

	if (fx->vf.loop && fx->vf.vd) {
		int st = vd_fixture_stop_vdispld(&fx->vf, 10000);

		if (!vd_exit_is(st, 0)) {
			char why[64];

			fprintf(stderr, "vdispld ended with %s\n",
				vd_exit_describe(st, why, sizeof(why)));
			vd_fixture_dump_log(&fx->vf, 60);
			ret = -1;
		}
	}
	if (fx->cmd_fd >= 0)
		close(fx->cmd_fd);
	vd_fixture_destroy(&fx->vf);
	return ret;
}

/* ---- guests ---- */

static bool vkbd_connected(struct ifix *fx, uint32_t domid)
{
	char path[96], *v;
	bool ok;

	snprintf(path, sizeof(path), "/local/domain/0/backend/vinput/%u/0/state",
		 domid);
	v = xs_srv_read(xensim_store(fx->vf.sim), 0, path);
	ok = v && atoi(v) == 4; /* XenbusStateConnected */
	free(v);
	return ok;
}

static bool guest_ready(struct ifix *fx, struct iguest *g, uint32_t domid)
{
	struct drm_front_stats st;
	char app_id[64];

	drm_front_get_stats(g->drm, DRM_FRONT_ALL_CONNS, &st);
	if (st.flip_events < 3 || !vkbd_connected(fx, domid))
		return false;
	snprintf(app_id, sizeof(app_id), "vdispl-%u-0-0", domid);
	return weston_harness_find_view(&fx->vf.wh, app_id, &g->vx, &g->vy,
					&g->vw, &g->vh) == 0;
}

int ifix_guest(struct ifix *fx, const struct iguest_cfg *c, struct iguest *g)
{
	struct xensim_guest_cfg cfg = {
		.domid = c->domid, .vdispl = true, .num_conns = 1,
		.conns = {{c->conn_w, c->conn_h, "c0"}}, .num_vkbs = 1,
		.vkbs = {{.feature_abs_pointer = true,
			  .feature_multi_touch = true, .mt_width = c->mt_w,
			  .mt_height = c->mt_h, .mt_num_contacts = 10,
			  .width = c->ptr_w, .height = c->ptr_h}},
	};
	struct drm_front_client_cfg cc = {.draw = true, .force_be_alloc = -1};
	uint64_t end = loop_now_ns() + 15000000000ull;

	memset(g, 0, sizeof(*g));
	snprintf(cfg.name, sizeof(cfg.name), "%s", c->name);
	snprintf(cfg.vkbs[0].unique_id, XENSIM_ID_LEN, "%s", c->vkb_uid);
	g->g = xensim_guest_create(fx->vf.sim, &cfg);
	if (!g->g || fx->n_guests == IFIX_MAX_GUESTS)
		return -1;
	fx->guests[fx->n_guests++] = g->g;
	g->drm = xensim_guest_drm(g->g);
	g->kbd = xensim_guest_kbd(g->g, 0);
	if (!g->drm || !g->kbd || drm_front_start(g->drm, &cc) < 0)
		return -1;
	while (!guest_ready(fx, g, c->domid)) {
		if (loop_now_ns() > end) {
			fprintf(stderr, "guest %s never got ready\n", c->name);
			vd_fixture_dump_log(&fx->vf, 40);
			return -1;
		}
		vd_fixture_pump(&fx->vf, 50);
	}
	/* The surface is mapped where the shell put it; let the first
	 * configure/enter events settle. */
	vd_fixture_pump(&fx->vf, 100);
	kbd_front_clear_events(g->kbd);
	return 0;
}

/* ---- events ---- */

size_t ifix_wait_events(struct ifix *fx, struct kbd_front *k, size_t n,
			unsigned ms)
{
	uint64_t end = loop_now_ns() + (uint64_t)ms * 1000000u;

	while (kbd_front_event_count(k) < n && loop_now_ns() < end)
		loop_dispatch(fx->vf.loop, 10);
	vd_fixture_pump(&fx->vf, 150);
	return kbd_front_event_count(k);
}

static int describe_mt(const struct xenkbd_mtouch *m, char *s, size_t len)
{
	switch (m->event_type) {
	case XENKBD_MT_EV_DOWN:
		return snprintf(s, len, "DOWN c%d %d,%d", m->contact_id,
				m->u.pos.abs_x, m->u.pos.abs_y);
	case XENKBD_MT_EV_MOTION:
		return snprintf(s, len, "MOTION c%d %d,%d", m->contact_id,
				m->u.pos.abs_x, m->u.pos.abs_y);
	case XENKBD_MT_EV_UP:
		return snprintf(s, len, "UP c%d", m->contact_id);
	case XENKBD_MT_EV_SYN:
		return snprintf(s, len, "SYN");
	case XENKBD_MT_EV_SHAPE:
		return snprintf(s, len, "SHAPE c%d %u,%u", m->contact_id,
				m->u.shape.major, m->u.shape.minor);
	case XENKBD_MT_EV_ORIENT:
		return snprintf(s, len, "ORIENT c%d %d", m->contact_id,
				m->u.orientation);
	default:
		return snprintf(s, len, "MT? %u", m->event_type);
	}
}

static int describe(const union xenkbd_in_event *e, char *s, size_t len)
{
	switch (e->type) {
	case XENKBD_TYPE_MTOUCH:
		return describe_mt(&e->mtouch, s, len);
	case XENKBD_TYPE_KEY:
		return snprintf(s, len, "KEY %u %u", e->key.keycode,
				e->key.pressed);
	case XENKBD_TYPE_POS:
		return snprintf(s, len, "POS %d,%d z%d", e->pos.abs_x,
				e->pos.abs_y, e->pos.rel_z);
	case XENKBD_TYPE_MOTION:
		return snprintf(s, len, "REL %d,%d z%d", e->motion.rel_x,
				e->motion.rel_y, e->motion.rel_z);
	default:
		return snprintf(s, len, "TYPE? %u", e->type);
	}
}

void ifix_describe(struct kbd_front *k, size_t from, char *buf, size_t len)
{
	size_t n = kbd_front_event_count(k), used = 0;

	buf[0] = '\0';
	for (size_t i = from; i < n && used + 64 < len; i++) {
		if (i > from)
			used += (size_t)snprintf(buf + used, len - used, "; ");
		used += (size_t)describe(kbd_front_event(k, i), buf + used,
					 len - used);
	}
}

int ifix_expect(struct ifix *fx, struct kbd_front *k, size_t n,
		const char *want)
{
	static char got[16384];
	size_t have = ifix_wait_events(fx, k, n, 3000);

	ifix_describe(k, 0, got, sizeof(got));
	kbd_front_clear_events(k);
	if (have == n && strcmp(got, want) == 0) {
		printf("  ok: %s\n", want);
		return 0;
	}
	fprintf(stderr, "  want (%zu): %s\n  got  (%zu): %s\n", n, want, have,
		got);
	return -1;
}
