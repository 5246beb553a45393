/* The modetest-like display client of the simulated xen-drm-front: a
 * serial setup script (DBUF_CREATE / FB_ATTACH on connector 0's ring,
 * SET_CONFIG on the connector's), then per connector a flip engine
 * (draw back buffer, PG_FLIP, wait for the response and the flip event),
 * then a teardown script. */
#include "drm_front_priv.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <xen/io/xenbus.h>

#include "log.h"
#include "loop.h"

#define DRM_FORMAT_XRGB8888 0x34325258u /* 'XR24' */

static void run_step(struct drm_front *f);
static void flip_next(struct drm_chan *ch);

static bool want_be_alloc(const struct drm_front *f)
{
	if (f->ccfg.force_be_alloc >= 0)
		return f->ccfg.force_be_alloc;
	return f->be_alloc;
}

static void add_step(struct drm_front *f, enum drm_step_kind k, unsigned conn,
		     unsigned buf)
{
	if (f->nsteps < DRM_MAX_STEPS)
		f->steps[f->nsteps++] = (struct drm_step){k, conn, buf};
}

/* modetest -s: per connector buffer A, SET_CONFIG with it, buffer B; the
 * first flip then shows B (as in displif-requests-modetest-1conn.txt). */
static void plan_setup(struct drm_front *f)
{
	f->nsteps = f->cur_step = 0;
	if (drm_shared(f)) {
		drm_shared_plan_setup(f, add_step);
		return;
	}
	for (unsigned c = 0; c < f->num_conns; c++) {
		if (f->ccfg.get_edid)
			add_step(f, STEP_GET_EDID, c, 0);
		add_step(f, STEP_DBUF_CREATE, c, 0);
		add_step(f, STEP_FB_ATTACH, c, 0);
		add_step(f, STEP_SET_CONFIG, c, 0);
		add_step(f, STEP_DBUF_CREATE, c, 1);
		add_step(f, STEP_FB_ATTACH, c, 1);
	}
}

/* modetest on exit: FB_DETACH, DBUF_DESTROY, then SET_CONFIG with 0. */
static void plan_teardown(struct drm_front *f)
{
	f->nsteps = f->cur_step = 0;
	for (unsigned c = 0; c < f->num_conns; c++) {
		for (unsigned b = 0; b < DRM_FRONT_NUM_BUFS; b++) {
			if (!f->chans[c].bufs[b].allocated)
				continue;
			add_step(f, STEP_FB_DETACH, c, b);
			add_step(f, STEP_DBUF_DESTROY, c, b);
		}
		add_step(f, STEP_SET_CONFIG_OFF, c, 0);
	}
}

static int build_dbuf_create(struct drm_front *f, struct drm_chan *ch,
			     struct drm_buf *b, struct xendispl_req *req)
{
	bool be = want_be_alloc(f);
	drm_shared_size(ch, &b->width, &b->height);
	b->pitch = b->width * 4;
	int ret = drm_buf_alloc(f, b, b->pitch * b->height, be);
	if (ret < 0)
		return ret;
	b->dbuf_cookie = f->next_cookie += 0x200;
	b->fb_cookie = f->next_cookie += 0x200;
	if (!be && f->ccfg.draw && b == &ch->bufs[0])
		drm_client_draw(f, ch, b, ch->frame);
	struct xendispl_dbuf_create_req *d = &req->op.dbuf_create;
	d->dbuf_cookie = b->dbuf_cookie;
	if (!f->ccfg.prime) { /* PRIME imports carry no geometry */
		d->width = b->width;
		d->height = b->height;
		d->bpp = 32;
	}
	d->buffer_sz = b->size;
	d->flags = be ? XENDISPL_DBUF_FLG_REQ_ALLOC : 0;
	d->gref_directory = drm_buf_gref_dir(b);
	d->data_ofs = 0;
	return 0;
}

static int build_edid(struct drm_front *f, struct xendispl_req *req)
{
	drm_buf_free(f, &f->edid, false);
	int ret = drm_buf_alloc(f, &f->edid, XENDISPL_EDID_MAX_SIZE, false);
	req->op.get_edid.buffer_sz = XENDISPL_EDID_MAX_SIZE;
	req->op.get_edid.gref_directory = drm_buf_gref_dir(&f->edid);
	return ret;
}

/* Fills req for step s; returns the ring it goes on, or -errno. */
static int build_step(struct drm_front *f, const struct drm_step *s,
		      struct xendispl_req *req)
{
	struct drm_chan *ch = &f->chans[s->conn];
	struct drm_buf *b = drm_chan_buf(ch, s->buf);
	static const uint8_t ops[] = {
		[STEP_GET_EDID] = XENDISPL_OP_GET_EDID,
		[STEP_DBUF_CREATE] = XENDISPL_OP_DBUF_CREATE,
		[STEP_FB_ATTACH] = XENDISPL_OP_FB_ATTACH,
		[STEP_SET_CONFIG] = XENDISPL_OP_SET_CONFIG,
		[STEP_FB_DETACH] = XENDISPL_OP_FB_DETACH,
		[STEP_DBUF_DESTROY] = XENDISPL_OP_DBUF_DESTROY,
		[STEP_SET_CONFIG_OFF] = XENDISPL_OP_SET_CONFIG,
	};
	bool own_ring = s->kind == STEP_GET_EDID || s->kind == STEP_SET_CONFIG ||
			s->kind == STEP_SET_CONFIG_OFF;
	unsigned ring = own_ring ? s->conn : 0;
	drm_chan_prepare(&f->chans[ring], req, ops[s->kind]);
	switch (s->kind) {
	case STEP_GET_EDID:
		return build_edid(f, req) < 0 ? -ENOMEM : (int)ring;
	case STEP_DBUF_CREATE: {
		int ret = build_dbuf_create(f, ch, b, req);
		return ret < 0 ? ret : (int)ring;
	}
	case STEP_FB_ATTACH:
		req->op.fb_attach.dbuf_cookie = b->dbuf_cookie;
		req->op.fb_attach.fb_cookie = b->fb_cookie;
		req->op.fb_attach.width = b->width;
		req->op.fb_attach.height = b->height;
		req->op.fb_attach.pixel_format = DRM_FORMAT_XRGB8888;
		break;
	case STEP_SET_CONFIG: /* display_enable: crtc x/y, the fb's size */
		req->op.set_config.fb_cookie = b->fb_cookie;
		req->op.set_config.x = drm_shared_x(f, s->conn);
		req->op.set_config.width = b->width;
		req->op.set_config.height = b->height;
		req->op.set_config.bpp = 32;
		ch->shown_cookie = b->fb_cookie;
		ch->shown_frame = b->frame;
		ch->front_buf = s->buf;
		break;
	case STEP_FB_DETACH:
		req->op.fb_detach.fb_cookie = b->fb_cookie;
		break;
	case STEP_DBUF_DESTROY:
		req->op.dbuf_destroy.dbuf_cookie = b->dbuf_cookie;
		break;
	case STEP_SET_CONFIG_OFF:
		ch->shown_cookie = 0;
		break;
	}
	return (int)ring;
}

/* ---- setup and teardown scripts ---- */

static void set_cstate(struct drm_front *f, enum drm_front_client_state s)
{
	f->cstate = s;
	log_debug("drm_front %u: client state %d", f->domid, s);
}

static void free_buffers(struct drm_front *f, bool domain_dead)
{
	for (unsigned c = 0; c < f->num_conns; c++)
		for (unsigned b = 0; b < DRM_FRONT_NUM_BUFS; b++)
			drm_buf_free(f, &f->chans[c].bufs[b], domain_dead);
	drm_buf_free(f, &f->edid, domain_dead);
}

static void edid_done(struct drm_front *f, struct drm_chan *ch, int32_t status,
		      const struct xendispl_resp *resp)
{
	if (status == 0 && resp) {
		if (drm_buf_check_edid(&f->edid, resp->op.get_edid.edid_sz) == 0)
			ch->stats->edid_ok++;
		else
			ch->stats->edid_bad++;
	}
	drm_buf_free(f, &f->edid, false);
}

/* Returns false when the script must stop (a setup request failed). */
static bool step_result(struct drm_front *f, const struct drm_step *s,
			int32_t status, const struct xendispl_resp *resp)
{
	struct drm_chan *ch = &f->chans[s->conn];
	struct drm_buf *b = &ch->bufs[s->buf];
	if (s->kind == STEP_GET_EDID) {
		edid_done(f, ch, status, resp);
		return true; /* optional: the resolution node still holds */
	}
	if (f->cstate == DRM_CLIENT_TEARDOWN) {
		if (s->kind == STEP_DBUF_DESTROY)
			drm_buf_free(f, b, false);
		return true;
	}
	if (status != 0) {
		log_error("drm_front %u: connector %u: request %d failed: %d",
			  f->domid, s->conn, s->kind, status);
		/* Linux drops the GEM object whose DBUF_CREATE failed (the
		 * error path of xen_drm_drv_dumb_create); a client started
		 * again allocates it anew. */
		if (s->kind == STEP_DBUF_CREATE)
			drm_buf_free(f, b, false);
		return false;
	}
	if (s->kind == STEP_DBUF_CREATE && b->be_alloc) {
		if (drm_buf_map_backend(f, b) < 0) {
			ch->stats->responses_error++;
			return false;
		}
		if (f->ccfg.draw && s->buf == 0)
			drm_client_draw(f, ch, b, ch->frame);
	}
	return true;
}

static void start_flipping(struct drm_front *f)
{
	set_cstate(f, DRM_CLIENT_FLIPPING);
	uint64_t ns = (uint64_t)f->ccfg.flip_interval_ms * 1000000ull;
	for (unsigned c = 0; c < f->num_conns; c++) {
		struct drm_chan *ch = &f->chans[c];
		ch->flipping = true;
		if (ns)
			loop_timer_arm(ch->tick_timer, ns, ns);
		flip_next(ch);
	}
}

static void script_done(struct drm_front *f)
{
	if (f->cstate == DRM_CLIENT_TEARDOWN) {
		free_buffers(f, false);
		set_cstate(f, DRM_CLIENT_STOPPED);
		return;
	}
	if (f->stop_wanted) { /* stopped during setup */
		set_cstate(f, DRM_CLIENT_TEARDOWN);
		plan_teardown(f);
		run_step(f);
		return;
	}
	start_flipping(f);
}

static void on_step_resp(void *data, int32_t status,
			 const struct xendispl_resp *resp)
{
	struct drm_front *f = data;
	const struct drm_step *s = &f->steps[f->cur_step];
	if (!step_result(f, s, status, resp)) {
		set_cstate(f, DRM_CLIENT_FAILED);
		return;
	}
	f->cur_step++;
	run_step(f);
}

static void run_step(struct drm_front *f)
{
	while (f->cur_step < f->nsteps) {
		struct xendispl_req req;
		const struct drm_step *s = &f->steps[f->cur_step];
		int ring = build_step(f, s, &req);
		if (ring >= 0 &&
		    drm_chan_send(&f->chans[ring], &req, on_step_resp, f) == 0)
			return;
		log_error("drm_front %u: cannot send step %d of connector %u",
			  f->domid, s->kind, s->conn);
		if (f->cstate != DRM_CLIENT_TEARDOWN) {
			set_cstate(f, DRM_CLIENT_FAILED);
			return;
		}
		f->cur_step++;
	}
	script_done(f);
}

/* ---- flips ---- */

static bool all_idle(const struct drm_front *f)
{
	for (unsigned c = 0; c < f->num_conns; c++)
		if (f->chans[c].busy || f->chans[c].flip_pending)
			return false;
	return true;
}

static void maybe_teardown(struct drm_front *f)
{
	if (!f->stop_wanted || f->cstate != DRM_CLIENT_FLIPPING || !all_idle(f))
		return;
	set_cstate(f, DRM_CLIENT_TEARDOWN);
	plan_teardown(f);
	run_step(f);
}

static void flip_settled(struct drm_chan *ch)
{
	struct drm_front *f = ch->front;
	if (f->stop_wanted)
		maybe_teardown(f);
	else if (!f->ccfg.flip_interval_ms)
		flip_next(ch);
}

static void flip_finish(struct drm_chan *ch)
{
	ch->flip_pending = false;
	loop_timer_arm(ch->flip_timer, 0, 0);
	ch->front_buf = ch->flip_buf;
	ch->shown_cookie = ch->flip_cookie;
	ch->shown_frame = drm_chan_buf(ch, ch->flip_buf)->frame;
	ch->flips_done++;
}

static void on_flip_resp(void *data, int32_t status,
			 const struct xendispl_resp *resp)
{
	struct drm_chan *ch = data;
	(void)resp;
	if (status != 0 && ch->flip_pending) {
		/* no event will come: Linux signals the vblank at once */
		ch->flip_pending = false;
		loop_timer_arm(ch->flip_timer, 0, 0);
	}
	flip_settled(ch);
}

/* The 3.1 s pflip time-out: Linux releases the flip anyway. */
static void on_flip_timeout(void *data)
{
	struct drm_chan *ch = data;
	if (!ch->flip_pending)
		return;
	ch->stats->flip_timeouts++;
	log_warn("drm_front %u: connector %u: flip event timed out",
		 ch->front->domid, ch->idx);
	flip_finish(ch);
	flip_settled(ch);
}

void drm_client_on_flip_evt(struct drm_chan *ch, uint64_t cookie)
{
	ch->stats->flip_events++;
	if (!ch->flip_pending || cookie != ch->flip_cookie) {
		ch->stats->flip_events_bad++;
		return;
	}
	ch->stats->flip_events_in_order++;
	flip_finish(ch);
	flip_settled(ch);
}

/* Linux queues a flip behind a request in flight (be_stream_do_io waits
 * for the channel); here a flip due meanwhile (its event came while a
 * test's raw request held the channel) goes out once the channel is free,
 * or the client would stop flipping. */
void drm_client_on_chan_idle(struct drm_chan *ch)
{
	if (!ch->front->ccfg.flip_interval_ms)
		flip_next(ch);
}

static bool flip_ready(const struct drm_chan *ch)
{
	const struct drm_front *f = ch->front;
	if (!ch->flipping || ch->busy || ch->flip_pending || f->stop_wanted)
		return false;
	return !f->ccfg.max_flips || ch->stats->flips_sent < f->ccfg.max_flips;
}

static void send_flip(struct drm_chan *ch, unsigned back);

/* Shared fb: one new frame for every connector at once, once all are
 * done with the last (an atomic commit over all CRTCs). */
static void flip_next_shared(struct drm_front *f)
{
	for (unsigned c = 0; c < f->num_conns; c++)
		if (!flip_ready(&f->chans[c]))
			return;
	unsigned back = 1 - f->chans[0].front_buf;
	uint64_t frame = f->chans[0].frame + 1;
	for (unsigned c = 0; c < f->num_conns; c++)
		f->chans[c].frame = frame;
	if (f->ccfg.draw)
		drm_client_draw(f, &f->chans[0], &f->chans[0].bufs[back], frame);
	for (unsigned c = 0; c < f->num_conns; c++)
		send_flip(&f->chans[c], back);
}

static void flip_next(struct drm_chan *ch)
{
	struct drm_front *f = ch->front;
	if (drm_shared(f)) {
		flip_next_shared(f);
		return;
	}
	if (!flip_ready(ch))
		return;
	unsigned back = 1 - ch->front_buf;
	ch->frame++;
	if (f->ccfg.draw)
		drm_buf_draw(f, ch, &ch->bufs[back], ch->frame);
	send_flip(ch, back);
}

static void send_flip(struct drm_chan *ch, unsigned back)
{
	struct drm_buf *b = drm_chan_buf(ch, back);
	struct xendispl_req req;
	drm_chan_prepare(ch, &req, XENDISPL_OP_PG_FLIP);
	req.op.pg_flip.fb_cookie = b->fb_cookie;
	if (drm_chan_send(ch, &req, on_flip_resp, ch) < 0)
		return;
	ch->stats->flips_sent++;
	ch->flip_pending = true;
	ch->flip_cookie = b->fb_cookie;
	ch->flip_buf = back;
	loop_timer_arm(ch->flip_timer, DRM_FRONT_FLIP_TIMEOUT_MS * 1000000ull, 0);
}

static void on_tick(void *data)
{
	flip_next(data);
}

/* ---- life ---- */

void drm_client_on_connected(struct drm_front *f)
{
	if (!f->client_wanted || f->cstate != DRM_CLIENT_WAITING)
		return;
	for (unsigned c = 0; c < f->num_conns; c++) {
		struct drm_chan *ch = &f->chans[c];
		ch->frame = 0;
		ch->front_buf = 0;
		if (!ch->flip_timer)
			ch->flip_timer = loop_add_timer(f->loop, on_flip_timeout, ch);
		if (!ch->tick_timer)
			ch->tick_timer = loop_add_timer(f->loop, on_tick, ch);
		if (!ch->flip_timer || !ch->tick_timer) {
			set_cstate(f, DRM_CLIENT_FAILED);
			return;
		}
	}
	set_cstate(f, DRM_CLIENT_SETUP);
	plan_setup(f);
	run_step(f);
}

void drm_client_abort(struct drm_front *f, bool domain_dead)
{
	for (unsigned c = 0; c < f->num_conns; c++) {
		struct drm_chan *ch = &f->chans[c];
		loop_remove(ch->flip_timer);
		loop_remove(ch->tick_timer);
		ch->flip_timer = ch->tick_timer = NULL;
		ch->flipping = ch->flip_pending = false;
		free(ch->row);
		ch->row = NULL;
	}
	free_buffers(f, domain_dead);
	if (f->cstate == DRM_CLIENT_OFF)
		return;
	/* modetest dies with the device; a new one starts on reconnect */
	bool again = f->client_wanted && !f->stop_wanted;
	set_cstate(f, again ? DRM_CLIENT_WAITING : DRM_CLIENT_STOPPED);
}

int drm_front_start(struct drm_front *f, const struct drm_front_client_cfg *c)
{
	if (f->cstate != DRM_CLIENT_OFF && f->cstate != DRM_CLIENT_STOPPED &&
	    f->cstate != DRM_CLIENT_FAILED)
		return -EBUSY;
	f->ccfg = *c;
	f->client_wanted = true;
	f->stop_wanted = false;
	set_cstate(f, DRM_CLIENT_WAITING);
	if (f->state == XenbusStateConnected)
		drm_client_on_connected(f);
	return 0;
}

int drm_front_stop(struct drm_front *f)
{
	f->client_wanted = false;
	switch (f->cstate) {
	case DRM_CLIENT_WAITING:
		set_cstate(f, DRM_CLIENT_STOPPED);
		return 0;
	case DRM_CLIENT_SETUP:
		f->stop_wanted = true; /* script_done turns to teardown */
		return 0;
	case DRM_CLIENT_FLIPPING:
		f->stop_wanted = true;
		for (unsigned c = 0; c < f->num_conns; c++) {
			f->chans[c].flipping = false;
			loop_timer_arm(f->chans[c].tick_timer, 0, 0);
		}
		maybe_teardown(f);
		return 0;
	default:
		return -EALREADY;
	}
}

enum drm_front_client_state drm_front_client_state(const struct drm_front *f)
{
	return f->cstate;
}

static void add_stats(struct drm_front_stats *to,
		      const struct drm_front_stats *s)
{
	const uint64_t *src = (const uint64_t *)s;
	uint64_t *dst = (uint64_t *)to;
	int32_t last = to->last_error_status;
	/* every field before last_error_status is a uint64_t counter */
	size_t n = offsetof(struct drm_front_stats, last_error_status) /
		   sizeof(uint64_t);
	for (size_t i = 0; i < n; i++)
		dst[i] += src[i];
	to->last_error_status = s->last_error_status ? s->last_error_status : last;
}

void drm_front_get_stats(const struct drm_front *f, unsigned conn,
			 struct drm_front_stats *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned c = 0; c < XENSIM_MAX_CONNS_FRONT; c++)
		if (conn == DRM_FRONT_ALL_CONNS || conn == c)
			add_stats(out, &f->stats[c]);
}

int drm_front_buf_info(const struct drm_front *f, unsigned conn, unsigned buf,
		       struct drm_front_buf_info *out)
{
	if (conn >= f->num_conns || buf >= DRM_FRONT_NUM_BUFS)
		return -EINVAL;
	const struct drm_buf *b = drm_chan_buf(&f->chans[conn], buf);
	if (!b->allocated)
		return -ENOENT;
	*out = (struct drm_front_buf_info){
		.dbuf_cookie = b->dbuf_cookie, .fb_cookie = b->fb_cookie,
		.width = b->width, .height = b->height, .pitch = b->pitch,
		.frame = b->frame, .be_alloc = b->be_alloc,
	};
	return 0;
}

int drm_front_shown(const struct drm_front *f, unsigned conn,
		    uint64_t *fb_cookie, uint64_t *frame)
{
	if (conn >= f->num_conns)
		return -EINVAL;
	*fb_cookie = f->chans[conn].shown_cookie;
	*frame = f->chans[conn].shown_frame;
	return 0;
}
