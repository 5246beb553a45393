/* Flip pacing: one show in flight per connector, completed by the first of
 * its frame callback, its presentation feedback, or a fallback timer (a
 * hidden surface gets no frame callbacks; a dead compositor gets nothing),
 * so a guest is answered once per flip, in order, and never waits for its
 * own time-out. */
#include <errno.h>

#include "loop.h"
#include "log.h"
#include "presentation-time-client-protocol.h"
#include "wl_internal.h"

static void drop_feedback(struct wl_pres_conn *c)
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

void pacing_complete(struct wl_pres_conn *c)
{
	drop_feedback(c);
	loop_timer_arm(c->timer, 0, 0);
	if (!c->has_pending)
		return;
	struct pres_fb *fb = c->pending;
	/* State first: the listener may show the next frame right away. */
	c->has_pending = false;
	c->pending = NULL;
	c->listener->flip_done(c->data, fb);
}

static void fallback_fired(void *data)
{
	struct wl_pres_conn *c = data;
	if (c->has_pending)
		c->stats.fallbacks++;
	pacing_complete(c);
}

static void frame_done(void *data, struct wl_callback *cb, uint32_t time)
{
	struct wl_pres_conn *c = data;
	(void)time;
	if (cb == c->frame_cb)
		pacing_complete(c);
}

static const struct wl_callback_listener frame_listener = {.done = frame_done};

static void fb_sync_output(void *data, struct wp_presentation_feedback *f,
			   struct wl_output *output)
{
	(void)data, (void)f, (void)output;
}

static void fb_presented(void *data, struct wp_presentation_feedback *f,
			 uint32_t tv_sec_hi, uint32_t tv_sec_lo, uint32_t tv_nsec,
			 uint32_t refresh, uint32_t seq_hi, uint32_t seq_lo,
			 uint32_t flags)
{
	struct wl_pres_conn *c = data;
	(void)tv_sec_hi, (void)tv_sec_lo, (void)tv_nsec, (void)refresh;
	(void)seq_hi, (void)seq_lo, (void)flags;
	if (f == c->feedback)
		pacing_complete(c);
}

/* Discarded: superseded or never shown; the flip is over either way. */
static void fb_discarded(void *data, struct wp_presentation_feedback *f)
{
	struct wl_pres_conn *c = data;
	if (f == c->feedback)
		pacing_complete(c);
}

static const struct wp_presentation_feedback_listener feedback_listener = {
	.sync_output = fb_sync_output,
	.presented = fb_presented,
	.discarded = fb_discarded,
};

void pacing_start(struct wl_pres_conn *c, struct pres_fb *fb, bool committing)
{
	pacing_complete(c); /* the older show first: order is the contract */
	c->has_pending = true;
	c->pending = fb;
	uint64_t wait = WL_PRES_REFRESH_NS;
	if (committing && !c->pres->dead) {
		c->frame_cb = wl_surface_frame(c->surface);
		wl_callback_add_listener(c->frame_cb, &frame_listener, c);
		if (c->pres->presentation) {
			c->feedback = wp_presentation_feedback(
				c->pres->presentation, c->surface);
			wp_presentation_feedback_add_listener(
				c->feedback, &feedback_listener, c);
		}
		wait = c->pres->fallback_ns;
	}
	loop_timer_arm(c->timer, wait, 0);
}

int pacing_init(struct wl_pres_conn *c)
{
	c->timer = loop_add_timer(c->pres->loop, fallback_fired, c);
	return c->timer ? 0 : -ENOMEM;
}

void pacing_finish(struct wl_pres_conn *c)
{
	drop_feedback(c);
	loop_remove(c->timer);
	c->timer = NULL;
	/* A connector going away answers nothing more: its listener is gone. */
	c->has_pending = false;
}
