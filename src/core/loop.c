/* The event loop of loop.h on sd-event: fds are io sources, timers are
 * CLOCK_MONOTONIC time sources (sd-event keeps them in one timerfd, armed
 * at the earliest deadline), deferred calls run from one defer source.
 * docs/performance.md has its A/B benchmark against an epoll loop.
 *
 * sd-event dispatches one source per iteration, so one loop_dispatch() is
 * one sd_event_run(): prepare hooks, a wait, one callback. Deferred calls
 * and prepare hooks stay in lists of their own: loop.h promises them in
 * registration order, which sd-event's priority queue does not keep among
 * equals, and prepare hooks run before every wait, which sd-event's own
 * prepare callbacks do only for enabled sources. */
#include "loop.h"

#include <errno.h>
#include <stdlib.h>
#include <systemd/sd-event.h>
#include <time.h>

#define NS_PER_US 1000ull

enum source_kind { SRC_FD, SRC_TIMER, SRC_PREPARE, SRC_DEFER };

struct loop_source {
	struct loop *loop;
	enum source_kind kind;
	sd_event_source *sd; /* SRC_FD, SRC_TIMER */
	loop_fd_cb fd_cb;
	loop_cb cb;
	void *data;
	uint64_t interval_us; /* SRC_TIMER: 0 for one-shot */
	bool removed;	      /* SRC_PREPARE, SRC_DEFER: freed at reap */
	/* SRC_FD, SRC_TIMER: in loop->wakers (both ways, for O(1) removal);
	 * SRC_PREPARE, SRC_DEFER: next in its list. */
	struct loop_source *next, *prev;
};

/* Prepare hooks and deferred calls: appended, walked in order. */
struct call_list {
	struct loop_source *first, *last;
};

struct loop {
	sd_event *sd;
	sd_event_source *turn; /* runs the deferred calls */
	struct loop_source *wakers;
	struct call_list prepare, defer;
	unsigned fd_events; /* fd callbacks in this loop_dispatch() */
	bool quit, running, need_reap;
	int quit_code;
};

uint64_t loop_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void run_calls(struct loop *loop, struct call_list *l);
static void reap(struct loop *loop);

/* Deferred calls made while these run wait for the next turn. */
static int turn_cb(sd_event_source *s, void *userdata)
{
	struct loop *loop = userdata;
	(void)s;
	run_calls(loop, &loop->defer);
	reap(loop);
	if (loop->defer.first)
		sd_event_source_set_enabled(loop->turn, SD_EVENT_ONESHOT);
	return 0;
}

struct loop *loop_create(void)
{
	struct loop *loop = calloc(1, sizeof(*loop));
	if (!loop)
		return NULL;
	if (sd_event_new(&loop->sd) < 0)
		goto fail;
	if (sd_event_add_defer(loop->sd, &loop->turn, turn_cb, loop) < 0 ||
	    sd_event_source_set_priority(loop->turn,
					 SD_EVENT_PRIORITY_IMPORTANT) < 0 ||
	    sd_event_source_set_enabled(loop->turn, SD_EVENT_OFF) < 0)
		goto fail;
	return loop;
fail:
	sd_event_source_unref(loop->turn);
	sd_event_unref(loop->sd);
	free(loop);
	return NULL;
}

static void free_calls(struct call_list *l)
{
	while (l->first) {
		struct loop_source *src = l->first;
		l->first = src->next;
		free(src);
	}
	l->last = NULL;
}

void loop_destroy(struct loop *loop)
{
	if (!loop)
		return;
	while (loop->wakers) {
		struct loop_source *src = loop->wakers;
		loop->wakers = src->next;
		sd_event_source_disable_unref(src->sd);
		free(src);
	}
	free_calls(&loop->prepare);
	free_calls(&loop->defer);
	sd_event_source_disable_unref(loop->turn);
	sd_event_unref(loop->sd);
	free(loop);
}

static struct loop_source *source_new(struct loop *loop, enum source_kind kind,
				      void *data)
{
	struct loop_source *src = calloc(1, sizeof(*src));
	if (!src)
		return NULL;
	src->loop = loop;
	src->kind = kind;
	src->data = data;
	return src;
}

static void waker_link(struct loop_source *src)
{
	struct loop *loop = src->loop;
	src->next = loop->wakers;
	if (loop->wakers)
		loop->wakers->prev = src;
	loop->wakers = src;
}

/* src is not touched after the callback: it may have removed itself. */
static int fd_ready(sd_event_source *s, int fd, uint32_t revents,
		    void *userdata)
{
	const struct loop_source *src = userdata;
	(void)s;
	src->loop->fd_events++;
	src->fd_cb(src->data, fd, revents);
	return 0;
}

struct loop_source *loop_add_fd(struct loop *loop, int fd, uint32_t events,
				loop_fd_cb cb, void *data)
{
	struct loop_source *src = source_new(loop, SRC_FD, data);
	if (!src)
		return NULL;
	src->fd_cb = cb;
	int r = sd_event_add_io(loop->sd, &src->sd, fd, events, fd_ready, src);
	if (r < 0) {
		free(src);
		errno = -r;
		return NULL;
	}
	waker_link(src);
	return src;
}

/* -errno, with errno set too, as the epoll calls this loop replaced did
 * (callers read either). */
static int fail_errno(int r)
{
	if (r < 0)
		errno = -r;
	return r < 0 ? r : 0;
}

int loop_fd_update(struct loop_source *src, uint32_t events)
{
	return fail_errno(sd_event_source_set_io_events(src->sd, events));
}

static uint64_t now_us(void) { return loop_now_ns() / NS_PER_US; }

/* A periodic timer keeps its grid, as a timerfd does: the next expiry is
 * the first one in the future, missed ones fold into this call. */
static int timer_fired(sd_event_source *s, uint64_t usec, void *userdata)
{
	const struct loop_source *src = userdata;
	if (src->interval_us) {
		uint64_t next = usec + src->interval_us, now = now_us();
		if (next <= now)
			next += ((now - next) / src->interval_us + 1) *
				src->interval_us;
		sd_event_source_set_time(s, next);
	}
	src->cb(src->data);
	return 0;
}

struct loop_source *loop_add_timer(struct loop *loop, loop_cb cb, void *data)
{
	struct loop_source *src = source_new(loop, SRC_TIMER, data);
	if (!src)
		return NULL;
	src->cb = cb;
	/* Accuracy 1 us: loop.h's timers fire on time, not in a window. */
	int r = sd_event_add_time(loop->sd, &src->sd, CLOCK_MONOTONIC, 0, 1,
				  timer_fired, src);
	if (r >= 0)
		r = sd_event_source_set_enabled(src->sd, SD_EVENT_OFF);
	if (r < 0) {
		sd_event_source_unref(src->sd);
		free(src);
		errno = -r;
		return NULL;
	}
	waker_link(src);
	return src;
}

/* Rounded up: a timer never fires before its time. */
static uint64_t ns_to_us(uint64_t ns) { return (ns + NS_PER_US - 1) / NS_PER_US; }

int loop_timer_arm(struct loop_source *timer, uint64_t first_ns,
		   uint64_t interval_ns)
{
	if (first_ns == 0)
		return fail_errno(
			sd_event_source_set_enabled(timer->sd, SD_EVENT_OFF));
	timer->interval_us = ns_to_us(interval_ns);
	int r = sd_event_source_set_time(timer->sd, now_us() + ns_to_us(first_ns));
	if (r >= 0)
		r = sd_event_source_set_enabled(timer->sd, interval_ns
								   ? SD_EVENT_ON
								   : SD_EVENT_ONESHOT);
	return fail_errno(r);
}

static void call_append(struct call_list *l, struct loop_source *src)
{
	if (l->last)
		l->last->next = src;
	else
		l->first = src;
	l->last = src;
}

struct loop_source *loop_add_prepare(struct loop *loop, loop_cb cb, void *data)
{
	struct loop_source *src = source_new(loop, SRC_PREPARE, data);
	if (!src)
		return NULL;
	src->cb = cb;
	call_append(&loop->prepare, src);
	return src;
}

struct loop_source *loop_defer(struct loop *loop, loop_cb cb, void *data)
{
	struct loop_source *src = source_new(loop, SRC_DEFER, data);
	if (!src)
		return NULL;
	src->cb = cb;
	call_append(&loop->defer, src);
	sd_event_source_set_enabled(loop->turn, SD_EVENT_ONESHOT);
	return src;
}

/* sd-event frees a source that removes itself from its own callback once
 * that callback has returned, and drops a removed source's pending event;
 * the wrapper goes at once because nothing reads it after the callback. */
void loop_remove(struct loop_source *src)
{
	if (!src || src->removed)
		return;
	if (src->kind == SRC_PREPARE || src->kind == SRC_DEFER) {
		src->removed = true;
		src->loop->need_reap = true;
		return;
	}
	struct loop *loop = src->loop;
	if (src->prev)
		src->prev->next = src->next;
	else
		loop->wakers = src->next;
	if (src->next)
		src->next->prev = src->prev;
	sd_event_source_disable_unref(src->sd);
	free(src);
}

static void reap_calls(struct call_list *l)
{
	struct loop_source **p = &l->first;
	l->last = NULL;
	while (*p) {
		struct loop_source *src = *p;
		if (src->removed) {
			*p = src->next;
			free(src);
		} else {
			l->last = src;
			p = &src->next;
		}
	}
}

static void reap(struct loop *loop)
{
	if (!loop->need_reap)
		return;
	loop->need_reap = false;
	reap_calls(&loop->prepare);
	reap_calls(&loop->defer);
}

/* Each callback of the list once; ones added meanwhile wait for the next
 * walk (removed ones stay linked until reap). */
static void run_calls(struct loop *loop, struct call_list *l)
{
	const struct loop_source *last = l->last;
	for (struct loop_source *src = l->first; src; src = src->next) {
		if (!src->removed) {
			if (src->kind == SRC_DEFER)
				loop_remove(src);
			src->cb(src->data);
		}
		if (src == last)
			break;
	}
}

int loop_dispatch(struct loop *loop, int timeout_ms)
{
	run_calls(loop, &loop->prepare);
	reap(loop);
	if (loop->quit)
		timeout_ms = 0;
	loop->fd_events = 0;
	int r = sd_event_run(loop->sd, timeout_ms < 0
					       ? UINT64_MAX
					       : (uint64_t)timeout_ms * 1000);
	reap(loop);
	if (r < 0)
		return r == -EINTR ? 0 : r;
	return (int)loop->fd_events;
}

int loop_run(struct loop *loop)
{
	loop->quit = false;
	loop->running = true;
	while (!loop->quit) {
		int r = loop_dispatch(loop, -1);
		if (r < 0) {
			loop->quit_code = r;
			break;
		}
	}
	loop->running = false;
	return loop->quit_code;
}

void loop_quit(struct loop *loop, int code)
{
	loop->quit = true;
	loop->quit_code = code;
}

bool loop_running(struct loop *loop) { return loop->running && !loop->quit; }
