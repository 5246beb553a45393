/* Flip pacing: the Wayland events that move a connector's owed flip
 * through its lifecycle (conn_frame.h): the first of its commit's frame
 * callback and presentation feedback (conn_frame_frame_shown), or a
 * fallback timer (conn_frame_timeout: a hidden surface gets no frame
 * callbacks; a dead compositor gets nothing), so a guest is answered once
 * per flip, in order, and never waits for its own time-out.
 *
 * The fallback must not outrun a compositor that is slow rather than
 * blind (a software renderer, an emulated machine): answered before its
 * frame is shown, a guest flips faster than the screen changes and most of
 * its frames are never seen. So the fallback waits twice as long as frame
 * callbacks lately took after their commit (up to WL_PRES_SLOW_MAX_NS);
 * the frame callback of a flip the fallback answered is kept to learn
 * that. Each fallback that fires halves the wait, so a surface that
 * becomes hidden costs a few long waits, then flips on the short one. */
#include <errno.h>
#include <stdint.h>

#include "loop.h"
#include "log.h"
#include "presentation-time-client-protocol.h"
#include "wl_internal.h"

void pacing_drop_feedback(struct wl_pres_conn *c)
{
	if (c->frame_cb) {
		wl_callback_destroy(c->frame_cb);
		c->frame_cb = NULL;
	}
	if (c->feedback) {
		wp_presentation_feedback_destroy(c->feedback);
		c->feedback = NULL;
	}
}

static void drop_late(struct wl_pres_conn *c)
{
	if (c->late_cb)
		wl_callback_destroy(c->late_cb);
	c->late_cb = NULL;
}

void pacing_surface_gone(struct wl_pres_conn *c)
{
	pacing_drop_feedback(c);
	drop_late(c);
	c->slow_ns = 0;
	wl_dmabuf_hold_set(c, NULL);
	conn_frame_surface_lost(&c->frame); /* re-arms an owed flip */
}

/* A frame callback came for a commit at committed_ns. How late one comes
 * depends on where in the compositor's cycle the commit fell, so the
 * estimate is the longest seen lately: each sample forgets an eighth. */
static void learn_latency(struct wl_pres_conn *c, uint64_t committed_ns)
{
	uint64_t now = loop_now_ns();
	uint64_t late = now > committed_ns ? now - committed_ns : 0;
	uint64_t kept = c->slow_ns - c->slow_ns / 8;
	c->slow_ns = late > kept ? late : kept;
}

static uint64_t fallback_after_commit(const struct wl_pres_conn *c)
{
	uint64_t ns = c->slow_ns * 2;
	if (ns > WL_PRES_SLOW_MAX_NS)
		ns = WL_PRES_SLOW_MAX_NS;
	return ns > c->pres->fallback_ns ? ns : c->pres->fallback_ns;
}

/* The fallback answers a flip whose frame callback has not come: keep the
 * callback to learn how late it comes (an older one still waiting goes
 * first, unless it has waited longer than any compositor would), and wait
 * half as long next time. */
void pacing_answered_late(void *owner)
{
	struct wl_pres_conn *c = owner;
	c->stats.fallbacks++;
	if (c->frame.hold)
		log_warn("wl: %s: the compositor held a guest buffer for "
			 "%llu ms; answering the flip anyway", c->app_id,
			 (unsigned long long)(CONN_FRAME_HOLD_MAX_NS / 1000000));
	c->slow_ns /= 2;
	if (!c->frame_cb)
		return;
	if (c->late_cb &&
	    loop_now_ns() - c->late_commit_ns < WL_PRES_SLOW_MAX_NS)
		return; /* pacing_flip_timer(NONE) drops this one */
	drop_late(c);
	c->late_cb = c->frame_cb;
	c->late_commit_ns = c->commit_ns;
	c->frame_cb = NULL;
}

/* conn_frame_ops.arm: QUEUED waits for a commit that may come soon
 * (the surface's configure, a free buffer, an import) unless nothing can
 * show it; HELD looks again at the next refresh; NONE forgets the flip. */
void pacing_flip_timer(void *owner, enum conn_flip state)
{
	struct wl_pres_conn *c = owner;
	switch (state) {
	case CONN_FLIP_NONE:
		wl_dmabuf_hold_set(c, NULL);
		pacing_drop_feedback(c);
		pacing_arm(c, 0);
		return;
	case CONN_FLIP_QUEUED:
		pacing_arm(c, c->pres->dead || !c->surface ||
					      c->frame.picture ==
						      CONN_PICTURE_OFF
				      ? WL_PRES_REFRESH_NS
				      : c->pres->fallback_ns);
		return;
	case CONN_FLIP_HELD:
		pacing_arm(c, WL_PRES_REFRESH_NS);
		return;
	case CONN_FLIP_COMMITTED:
		return; /* pacing_watch_commit armed it */
	}
}

/* Each connector's fallback is a loop timer of its own; the loop keeps
 * every timer in one kernel timer at the earliest deadline.
 *
 * A flip moves its deadline two or three times (show, commit, done), and
 * moving the earliest deadline costs the loop a timerfd_settime before its
 * next wait. So the deadline lives in memory (deadline_ns) and the loop
 * timer (armed at armed_ns) moves only when it would fire late or more
 * than half a refresh early; a completed flip leaves it armed. A timer
 * that fires before the deadline is moved on to it, one that finds no
 * deadline does nothing: it never fires late, and a connector flipping
 * back to back reprograms it about once per half refresh, not per flip. */
#define ARM_SLACK_NS (WL_PRES_REFRESH_NS / 2)

static void timer_set(struct wl_pres_conn *c, uint64_t now)
{
	if (loop_timer_arm(c->fallback, c->deadline_ns > now
						 ? c->deadline_ns - now
						 : 1, 0) == 0)
		c->armed_ns = c->deadline_ns;
}

void pacing_arm(struct wl_pres_conn *c, uint64_t ns)
{
	if (!c->fallback) /* pacing_finish ran, or pacing_init failed */
		return;
	uint64_t now = loop_now_ns();
	c->deadline_ns = ns ? now + ns : 0;
	if (!ns)
		return;
	uint64_t armed = c->armed_ns, d = c->deadline_ns;
	if (armed > now && armed <= d && d - armed <= ARM_SLACK_NS)
		return;
	timer_set(c, now);
}

static void fallback_fired(void *data)
{
	struct wl_pres_conn *c = data;
	uint64_t now = loop_now_ns();
	c->armed_ns = 0;
	if (!c->deadline_ns)
		return;
	if (c->deadline_ns > now) {
		timer_set(c, now);
		return;
	}
	c->deadline_ns = 0;
	conn_frame_timeout(&c->frame, now);
}

// cppcheck-suppress constParameter
static void frame_done(void *data, struct wl_callback *cb, uint32_t time)
{
	struct wl_pres_conn *c = data;
	(void)time;
	if (cb == c->late_cb) {
		learn_latency(c, c->late_commit_ns);
		drop_late(c);
		return;
	}
	if (cb != c->frame_cb)
		return;
	learn_latency(c, c->commit_ns);
	wl_callback_destroy(cb);
	c->frame_cb = NULL;
	conn_frame_frame_shown(&c->frame);
}

static const struct wl_callback_listener frame_listener = {.done = frame_done};

static void fb_sync_output(void *data, struct wp_presentation_feedback *f,
			   struct wl_output *output)
{
	(void)data, (void)f, (void)output;
}

// cppcheck-suppress constParameter
static void fb_presented(void *data, struct wp_presentation_feedback *f,
			 uint32_t tv_sec_hi, uint32_t tv_sec_lo, uint32_t tv_nsec,
			 uint32_t refresh, uint32_t seq_hi, uint32_t seq_lo,
			 uint32_t flags)
{
	struct wl_pres_conn *c = data;
	(void)tv_sec_hi, (void)tv_sec_lo, (void)tv_nsec, (void)refresh;
	(void)seq_hi, (void)seq_lo, (void)flags;
	if (f != c->feedback)
		return;
	learn_latency(c, c->commit_ns);
	conn_frame_frame_shown(&c->frame);
}

/* Discarded: superseded or never shown; the flip is over either way. */
// cppcheck-suppress constParameter
static void fb_discarded(void *data, struct wp_presentation_feedback *f)
{
	struct wl_pres_conn *c = data;
	if (f == c->feedback)
		conn_frame_frame_shown(&c->frame);
}

static const struct wp_presentation_feedback_listener feedback_listener = {
	.sync_output = fb_sync_output,
	.presented = fb_presented,
	.discarded = fb_discarded,
};

void pacing_watch_commit(struct wl_pres_conn *c)
{
	if (c->pres->dead)
		return;
	pacing_drop_feedback(c);
	c->commit_ns = loop_now_ns();
	c->frame_cb = wl_surface_frame(c->surface);
	wl_callback_add_listener(c->frame_cb, &frame_listener, c);
	if (c->pres->presentation) {
		c->feedback = wp_presentation_feedback(c->pres->presentation,
						       c->surface);
		wp_presentation_feedback_add_listener(c->feedback,
						      &feedback_listener, c);
	}
	pacing_arm(c, fallback_after_commit(c));
}

int pacing_init(struct wl_pres_conn *c)
{
	c->fallback = loop_add_timer(c->pres->loop, fallback_fired, c);
	return c->fallback ? 0 : -ENOMEM;
}

void pacing_finish(struct wl_pres_conn *c)
{
	pacing_drop_feedback(c);
	drop_late(c);
	loop_remove(c->fallback);
	c->fallback = NULL;
	c->deadline_ns = c->armed_ns = 0;
	/* A connector going away answers nothing more: its listener is gone
	 * (conn_frame_finish forgets the flip). */
}
