/* Flip pacing: one show in flight per connector, completed by the first of
 * its frame callback, its presentation feedback, or a fallback timer (a
 * hidden surface gets no frame callbacks; a dead compositor gets nothing),
 * so a guest is answered once per flip, in order, and never waits for its
 * own time-out. */
#include <errno.h>
#include <stdint.h>
#include <sys/timerfd.h>
#include <unistd.h>

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

void pacing_complete(struct wl_pres_conn *c)
{
	c->hold_for = NULL;
	c->flip_held = false;
	pacing_drop_feedback(c);
	pacing_arm(c, 0);
	if (!c->has_pending)
		return;
	struct pres_fb *fb = c->pending;
	/* State first: the listener may show the next frame right away. */
	c->has_pending = false;
	c->pending = NULL;
	c->listener->flip_done(c->data, fb);
}

/* The fallback timer is our own timerfd on the loop (loop_add_fd).
 *
 * A flip sets its deadline two or three times (show, commit, done) and
 * each timerfd_settime is a syscall, so the deadline lives in memory and
 * reaches the timerfd once per loop turn, from a prepare hook, and only
 * when the kernel's expiry is later than the deadline or more than half a
 * refresh earlier. A completed flip leaves the timerfd armed: an expiry
 * that finds a later deadline (or none) re-arms (or does nothing), so
 * the timer never fires late and costs about one syscall per flip. */
#define SYNC_SLACK_NS (WL_PRES_REFRESH_NS / 2)

static void timer_program(struct wl_pres_conn *c, uint64_t at)
{
	struct itimerspec its = {
		.it_value = {.tv_sec = (time_t)(at / 1000000000ull),
			     .tv_nsec = (long)(at % 1000000000ull)}};
	if (c->timer_fd >= 0 &&
	    timerfd_settime(c->timer_fd, TFD_TIMER_ABSTIME, &its, NULL) == 0)
		c->armed_ns = at;
}

static void timer_sync(void *data)
{
	struct wl_pres_conn *c = data;
	uint64_t d = c->deadline_ns;
	if (!c->deadline_dirty)
		return;
	c->deadline_dirty = false;
	if (d && (!c->armed_ns || c->armed_ns > d ||
		  d - c->armed_ns > SYNC_SLACK_NS))
		timer_program(c, d);
}

void pacing_arm(struct wl_pres_conn *c, uint64_t ns)
{
	c->deadline_ns = ns ? loop_now_ns() + ns : 0;
	c->deadline_dirty = true;
}

static void fallback_fired(void *data, int fd, uint32_t events)
{
	struct wl_pres_conn *c = data;
	uint64_t expirations;
	(void)events;
	if (read(fd, &expirations, sizeof(expirations)) != sizeof(expirations))
		return; /* re-armed meanwhile */
	c->armed_ns = 0;
	if (!c->deadline_ns)
		return; /* the flip it was armed for is done */
	if (loop_now_ns() < c->deadline_ns) {
		timer_program(c, c->deadline_ns); /* a later flip's deadline */
		return;
	}
	c->deadline_ns = 0;
	/* The guest draws into the previous buffer once this flip is
	 * answered: while the compositor may still read that buffer (zero
	 * copy), the release answers the flip, not the timer, up to a bound
	 * that keeps the guest inside its time-out. */
	if (c->has_pending && !c->pres->dead && wl_dmabuf_hold_flip(c)) {
		if (loop_now_ns() - c->pending_since_ns < WL_PRES_HOLD_MAX_NS) {
			pacing_arm(c, WL_PRES_REFRESH_NS);
			return;
		}
		log_warn("wl: %s: the compositor held a guest buffer for 2 s; "
			 "answering the flip anyway", c->app_id);
	}
	if (c->has_pending)
		c->stats.fallbacks++;
	pacing_complete(c);
}

// cppcheck-suppress constParameter
static void frame_done(void *data, struct wl_callback *cb, uint32_t time)
{
	struct wl_pres_conn *c = data;
	(void)time;
	if (cb == c->frame_cb && !wl_dmabuf_hold_flip(c))
		pacing_complete(c);
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
	if (f == c->feedback && !wl_dmabuf_hold_flip(c))
		pacing_complete(c);
}

/* Discarded: superseded or never shown; the flip is over either way. */
// cppcheck-suppress constParameter
static void fb_discarded(void *data, struct wp_presentation_feedback *f)
{
	struct wl_pres_conn *c = data;
	if (f == c->feedback && !wl_dmabuf_hold_flip(c))
		pacing_complete(c);
}

static const struct wp_presentation_feedback_listener feedback_listener = {
	.sync_output = fb_sync_output,
	.presented = fb_presented,
	.discarded = fb_discarded,
};

void pacing_start(struct wl_pres_conn *c, struct pres_fb *fb)
{
	pacing_complete(c); /* the older show first: order is the contract */
	c->has_pending = true;
	c->pending = fb;
	c->pending_since_ns = loop_now_ns();
	pacing_arm(c, WL_PRES_REFRESH_NS);
}

void pacing_watch_commit(struct wl_pres_conn *c)
{
	if (!c->has_pending || c->pres->dead)
		return;
	pacing_drop_feedback(c);
	c->frame_cb = wl_surface_frame(c->surface);
	wl_callback_add_listener(c->frame_cb, &frame_listener, c);
	if (c->pres->presentation) {
		c->feedback = wp_presentation_feedback(c->pres->presentation,
						       c->surface);
		wp_presentation_feedback_add_listener(c->feedback,
						      &feedback_listener, c);
	}
	pacing_arm(c, c->pres->fallback_ns);
}

int pacing_init(struct wl_pres_conn *c)
{
	c->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (c->timer_fd < 0)
		return -errno;
	c->timer = loop_add_fd(c->pres->loop, c->timer_fd, EPOLLIN,
			       fallback_fired, c);
	c->timer_sync = loop_add_prepare(c->pres->loop, timer_sync, c);
	return c->timer && c->timer_sync ? 0 : -ENOMEM;
}

void pacing_finish(struct wl_pres_conn *c)
{
	pacing_drop_feedback(c);
	loop_remove(c->timer);
	c->timer = NULL;
	loop_remove(c->timer_sync);
	c->timer_sync = NULL;
	c->deadline_ns = c->armed_ns = 0;
	if (c->timer_fd >= 0)
		close(c->timer_fd);
	c->timer_fd = -1;
	/* A connector going away answers nothing more: its listener is gone. */
	c->has_pending = false;
}
