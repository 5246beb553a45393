/* The display client of the simulated xen-drm-front: a serial script of
 * steps (DBUF_CREATE / FB_ATTACH on connector 0's ring, SET_CONFIG and
 * PG_FLIP as the pipe model in drm_pipe.c makes them, on the connector's
 * ring; local draws), then for the default program (modetest -v) per
 * connector a flip engine (draw back buffer, PG_FLIP, wait for the
 * response and the flip event), for the others the program's next phase
 * (drm_program.c); last a teardown script. */
#include "drm_front_priv.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <xen/io/xenbus.h>

#include "log.h"
#include "loop.h"

static void run_step(struct drm_front *f);
static void flip_next(struct drm_chan *ch);

struct drm_step *drm_client_add_step(struct drm_front *f,
				     enum drm_step_kind k, unsigned conn,
				     unsigned buf)
{
	if (f->nsteps >= DRM_MAX_STEPS)
		return NULL;
	struct drm_step *s = &f->steps[f->nsteps++];
	*s = (struct drm_step){.kind = k, .conn = conn, .buf = buf};
	return s;
}

static void add_step(struct drm_front *f, enum drm_step_kind k, unsigned conn,
		     unsigned buf)
{
	drm_client_add_step(f, k, conn, buf);
}

static bool flip_program(const struct drm_front *f)
{
	return f->ccfg.program == DRM_PROG_FLIP;
}

/* modetest -s: per connector buffer A, SET_CONFIG with it, buffer B; the
 * first flip then shows B (as in displif-requests-modetest-1conn.txt). */
static void plan_setup(struct drm_front *f)
{
	f->nsteps = f->cur_step = 0;
	if (drm_shared(f)) {
		drm_shared_plan_setup(f);
		return;
	}
	for (unsigned c = 0; c < f->num_conns; c++) {
		if (f->ccfg.get_edid)
			add_step(f, STEP_GET_EDID, c, 0);
		add_step(f, STEP_DBUF_CREATE, c, 0);
		add_step(f, STEP_FB_ATTACH, c, 0);
		drm_pipe_set_crtc(f, c, 0, 0, 0, false);
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
		drm_pipe_reset(&f->chans[c]);
	}
}

/* ---- setup and teardown scripts ---- */

void drm_client_set_state(struct drm_front *f, enum drm_front_client_state s)
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
	if (s->kind == STEP_SET_CONFIG_OFF ||
	    (s->kind == STEP_SET_CONFIG && !flip_program(f))) {
		/* display_enable / _disable only log a failure: the commit
		 * goes on (modetest -v's setup still stops on one) */
		drm_pipe_result(ch, s->kind, status);
		return true;
	}
	if (s->kind == STEP_PG_FLIP) {
		/* display_send_page_flip: a failed PG_FLIP logs and
		 * releases the event at once; the commit goes on */
		drm_pipe_result(ch, s->kind, status);
		if (status != 0 && ch->flip_pending) {
			ch->flip_pending = false;
			loop_timer_arm(ch->flip_timer, 0, 0);
		}
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
		if (f->ccfg.draw && flip_program(f) && s->buf == 0)
			drm_client_draw(f, ch, b, ch->frame);
	}
	return true;
}

static void start_flipping(struct drm_front *f)
{
	drm_client_set_state(f, DRM_CLIENT_FLIPPING);
	uint64_t ns = (uint64_t)f->ccfg.flip_interval_ms * 1000000ull;
	for (unsigned c = 0; c < f->num_conns; c++) {
		struct drm_chan *ch = &f->chans[c];
		ch->flipping = true;
		if (ns)
			loop_timer_arm(ch->tick_timer, ns, ns);
		flip_next(ch);
	}
}

static bool all_idle(const struct drm_front *f)
{
	for (unsigned c = 0; c < f->num_conns; c++)
		if (f->chans[c].busy || f->chans[c].flip_pending)
			return false;
	return true;
}

static void script_done(struct drm_front *f)
{
	if (f->cstate == DRM_CLIENT_TEARDOWN) {
		free_buffers(f, false);
		drm_client_set_state(f, DRM_CLIENT_STOPPED);
		return;
	}
	if (f->stop_wanted) { /* stopped during setup */
		drm_client_set_state(f, DRM_CLIENT_TEARDOWN);
		plan_teardown(f);
		run_step(f);
		return;
	}
	if (flip_program(f))
		start_flipping(f);
	else if (all_idle(f))
		drm_program_phase_done(f);
	else /* a phase ends with its last flip event (flip_settled) */
		f->phase_wait_flips = true;
}

static void on_step_resp(void *data, int32_t status,
			 const struct xendispl_resp *resp)
{
	struct drm_front *f = data;
	const struct drm_step *s = &f->steps[f->cur_step];
	if (!step_result(f, s, status, resp)) {
		drm_client_set_state(f, DRM_CLIENT_FAILED);
		return;
	}
	f->cur_step++;
	run_step(f);
}

void drm_client_run_script(struct drm_front *f)
{
	f->cur_step = 0;
	f->script_blocked = false;
	run_step(f);
}

static void mark_flip_sent(struct drm_chan *ch, unsigned buf);

/* A commit waits for the last one's event on that CRTC (see drm_pipe.c):
 * true when step s must wait for a flip event first. */
static bool step_waits(struct drm_front *f, const struct drm_step *s)
{
	bool commit = s->kind == STEP_SET_CONFIG ||
		      s->kind == STEP_SET_CONFIG_OFF || s->kind == STEP_PG_FLIP;
	if (!commit || !f->chans[s->conn].flip_pending)
		return false;
	f->script_blocked = true;
	return true;
}

static void run_step(struct drm_front *f)
{
	while (f->cur_step < f->nsteps) {
		struct xendispl_req req;
		const struct drm_step *s = &f->steps[f->cur_step];
		struct drm_chan *ch = &f->chans[s->conn];
		if (s->kind == STEP_DRAW) {
			drm_client_draw(f, ch, drm_chan_buf(ch, s->buf), s->frame);
			f->cur_step++;
			continue;
		}
		if (step_waits(f, s))
			return; /* flip_settled resumes */
		int ring = drm_client_build_step(f, s, &req);
		if (ring >= 0 &&
		    drm_chan_send(&f->chans[ring], &req, on_step_resp, f) == 0) {
			if (s->kind == STEP_PG_FLIP)
				mark_flip_sent(ch, s->buf);
			return;
		}
		log_error("drm_front %u: cannot send step %d of connector %u",
			  f->domid, s->kind, s->conn);
		if (f->cstate != DRM_CLIENT_TEARDOWN) {
			drm_client_set_state(f, DRM_CLIENT_FAILED);
			return;
		}
		f->cur_step++;
	}
	script_done(f);
}

/* ---- flips ---- */


static void maybe_teardown(struct drm_front *f)
{
	if (!f->stop_wanted || f->cstate != DRM_CLIENT_FLIPPING || !all_idle(f))
		return;
	drm_client_set_state(f, DRM_CLIENT_TEARDOWN);
	plan_teardown(f);
	run_step(f);
}

static void flip_settled(struct drm_chan *ch)
{
	struct drm_front *f = ch->front;
	if (f->script_blocked) {
		f->script_blocked = false;
		run_step(f);
		return;
	}
	if (f->phase_wait_flips) {
		if (all_idle(f)) {
			f->phase_wait_flips = false;
			drm_program_phase_done(f);
		}
		return;
	}
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
	ch->flips_done++;
	if (!ch->pipe.active)
		return; /* DPMS off sends a PG_FLIP too; nothing is lit */
	ch->shown_cookie = ch->flip_cookie;
	ch->shown_frame = drm_chan_buf(ch, ch->flip_buf)->frame;
}

static void on_flip_resp(void *data, int32_t status,
			 const struct xendispl_resp *resp)
{
	struct drm_chan *ch = data;
	(void)resp;
	if (status != 0)
		drm_pipe_result(ch, STEP_PG_FLIP, status);
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
	mark_flip_sent(ch, back);
}

/* The flip's event is awaited (pflip_to_worker: 3.1 s). */
static void mark_flip_sent(struct drm_chan *ch, unsigned back)
{
	struct drm_buf *b = drm_chan_buf(ch, back);
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
		drm_pipe_reset(ch);
		if (!ch->flip_timer)
			ch->flip_timer = loop_add_timer(f->loop, on_flip_timeout, ch);
		if (!ch->tick_timer)
			ch->tick_timer = loop_add_timer(f->loop, on_tick, ch);
		if (!ch->flip_timer || !ch->tick_timer) {
			drm_client_set_state(f, DRM_CLIENT_FAILED);
			return;
		}
	}
	drm_client_set_state(f, DRM_CLIENT_SETUP);
	if (flip_program(f)) {
		plan_setup(f);
		run_step(f);
		return;
	}
	f->phases_done = 0;
	if (drm_program_init(f) < 0 || !drm_program_plan(f, 0)) {
		drm_client_set_state(f, DRM_CLIENT_FAILED);
		return;
	}
	drm_client_run_script(f);
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
	drm_program_fini(f);
	f->script_blocked = f->phase_wait_flips = false;
	free_buffers(f, domain_dead);
	if (f->cstate == DRM_CLIENT_OFF)
		return;
	/* modetest dies with the device; a new one starts on reconnect */
	bool again = f->client_wanted && !f->stop_wanted;
	drm_client_set_state(f, again ? DRM_CLIENT_WAITING : DRM_CLIENT_STOPPED);
}

int drm_front_start(struct drm_front *f, const struct drm_front_client_cfg *c)
{
	if (f->cstate != DRM_CLIENT_OFF && f->cstate != DRM_CLIENT_STOPPED &&
	    f->cstate != DRM_CLIENT_FAILED)
		return -EBUSY;
	if (!drm_front_program_name(c->program))
		return -EINVAL;
	f->ccfg = *c;
	if (c->program == DRM_PROG_SHARED)
		f->ccfg.shared_fb = true;
	f->client_wanted = true;
	f->stop_wanted = false;
	drm_client_set_state(f, DRM_CLIENT_WAITING);
	if (f->state == XenbusStateConnected)
		drm_client_on_connected(f);
	return 0;
}

int drm_front_stop(struct drm_front *f)
{
	f->client_wanted = false;
	switch (f->cstate) {
	case DRM_CLIENT_WAITING:
		drm_client_set_state(f, DRM_CLIENT_STOPPED);
		return 0;
	case DRM_CLIENT_SETUP:
		f->stop_wanted = true; /* script_done turns to teardown */
		return 0;
	case DRM_CLIENT_HOLDING: /* a program between phases: all idle */
		drm_program_fini(f);
		f->stop_wanted = true;
		drm_client_set_state(f, DRM_CLIENT_TEARDOWN);
		plan_teardown(f);
		run_step(f);
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
