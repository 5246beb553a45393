/* epoll event loop: fds, timerfds, prepare hooks and deferred calls. */
#include "loop.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

enum source_kind { SRC_FD, SRC_TIMER, SRC_PREPARE, SRC_DEFER };

/* Sources live in one list per kind of turn work, so a turn walks only its
 * few hooks and deferred calls, never the fds and timers of every guest. */
enum source_list { LIST_WAKE, LIST_PREPARE, LIST_DEFER, LIST_COUNT };

static enum source_list list_of(enum source_kind kind)
{
	return kind == SRC_PREPARE ? LIST_PREPARE
	       : kind == SRC_DEFER ? LIST_DEFER
				   : LIST_WAKE;
}

struct loop_source {
	struct loop *loop;
	enum source_kind kind;
	int fd; /* SRC_FD: caller's; SRC_TIMER: ours */
	loop_fd_cb fd_cb;
	loop_cb cb;
	void *data;
	bool removed;
	struct loop_source *next; /* in loop->lists[list_of(kind)] */
};

struct loop {
	int epfd;
	struct loop_source *lists[LIST_COUNT];
	struct loop_source *lasts[LIST_COUNT];
	bool quit;
	bool running;
	int quit_code;
	bool need_reap;
};

uint64_t loop_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct loop *loop_create(void)
{
	struct loop *loop = calloc(1, sizeof(*loop));
	if (!loop)
		return NULL;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0) {
		free(loop);
		return NULL;
	}
	return loop;
}

static void source_free(struct loop_source *src)
{
	if (src->kind == SRC_TIMER && src->fd >= 0)
		close(src->fd);
	free(src);
}

void loop_destroy(struct loop *loop)
{
	if (!loop)
		return;
	for (int i = 0; i < LIST_COUNT; i++) {
		struct loop_source *src = loop->lists[i];
		while (src) {
			struct loop_source *next = src->next;
			source_free(src);
			src = next;
		}
	}
	close(loop->epfd);
	free(loop);
}

/* Appends, so prepare hooks and deferred calls run in registration order. */
static struct loop_source *source_new(struct loop *loop, enum source_kind kind,
				      void *data)
{
	struct loop_source *src = calloc(1, sizeof(*src));
	if (!src)
		return NULL;
	src->loop = loop;
	src->kind = kind;
	src->fd = -1;
	src->data = data;
	enum source_list l = list_of(kind);
	if (loop->lasts[l])
		loop->lasts[l]->next = src;
	else
		loop->lists[l] = src;
	loop->lasts[l] = src;
	return src;
}

/* Frees the removed sources of one list. */
static void reap_list(struct loop *loop, enum source_list l)
{
	struct loop_source **p = &loop->lists[l];
	loop->lasts[l] = NULL;
	while (*p) {
		struct loop_source *src = *p;
		if (src->removed) {
			*p = src->next;
			source_free(src);
		} else {
			loop->lasts[l] = src;
			p = &src->next;
		}
	}
}

/* A source that could not be registered: the last of its list, never
 * seen by a turn, so it goes at once (the others wait for reap). */
static void source_drop_new(struct loop *loop, struct loop_source *src)
{
	enum source_list l = list_of(src->kind);
	struct loop_source *prev = NULL;
	for (struct loop_source *s = loop->lists[l]; s != src; s = s->next)
		prev = s;
	if (prev)
		prev->next = NULL;
	else
		loop->lists[l] = NULL;
	loop->lasts[l] = prev;
	source_free(src);
}

static int epoll_register(struct loop_source *src, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.ptr = src};
	return epoll_ctl(src->loop->epfd, EPOLL_CTL_ADD, src->fd, &ev);
}

struct loop_source *loop_add_fd(struct loop *loop, int fd, uint32_t events,
				loop_fd_cb cb, void *data)
{
	struct loop_source *src = source_new(loop, SRC_FD, data);
	if (!src)
		return NULL;
	src->fd = fd;
	src->fd_cb = cb;
	if (epoll_register(src, events) < 0) {
		int err = errno;
		src->fd = -1; /* the caller's */
		source_drop_new(loop, src);
		errno = err;
		return NULL;
	}
	return src;
}

int loop_fd_update(struct loop_source *src, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.ptr = src};
	return epoll_ctl(src->loop->epfd, EPOLL_CTL_MOD, src->fd, &ev) < 0
		       ? -errno
		       : 0;
}

/* Timers get their own source (not the user's data) so they can drain the
 * timerfd before calling the user's callback. */
static void timer_fired(void *data, int fd, uint32_t events)
{
	struct loop_source *src = data;
	(void)events;
	uint64_t expirations;
	/* Drain the expiration count; a spurious wake-up reads EAGAIN. */
	if (read(fd, &expirations, sizeof(expirations)) != sizeof(expirations))
		return;
	src->cb(src->data);
}

struct loop_source *loop_add_timer(struct loop *loop, loop_cb cb, void *data)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (fd < 0)
		return NULL;
	struct loop_source *src = source_new(loop, SRC_TIMER, data);
	if (!src) {
		close(fd);
		return NULL;
	}
	src->fd = fd;
	src->cb = cb;
	src->fd_cb = timer_fired;
	if (epoll_register(src, EPOLLIN) < 0) {
		int err = errno;
		source_drop_new(loop, src);
		errno = err;
		return NULL;
	}
	return src;
}

static struct timespec ns_to_ts(uint64_t ns)
{
	return (struct timespec){.tv_sec = (time_t)(ns / 1000000000ull),
				 .tv_nsec = (long)(ns % 1000000000ull)};
}

int loop_timer_arm(struct loop_source *timer, uint64_t first_ns,
		   uint64_t interval_ns)
{
	struct itimerspec its = {.it_value = ns_to_ts(first_ns),
				 .it_interval = ns_to_ts(interval_ns)};
	return timerfd_settime(timer->fd, 0, &its, NULL) < 0 ? -errno : 0;
}

struct loop_source *loop_add_prepare(struct loop *loop, loop_cb cb, void *data)
{
	struct loop_source *src = source_new(loop, SRC_PREPARE, data);
	if (src)
		src->cb = cb;
	return src;
}

struct loop_source *loop_defer(struct loop *loop, loop_cb cb, void *data)
{
	struct loop_source *src = source_new(loop, SRC_DEFER, data);
	if (src)
		src->cb = cb;
	return src;
}

void loop_remove(struct loop_source *src)
{
	if (!src || src->removed)
		return;
	src->removed = true;
	src->loop->need_reap = true;
	if (src->fd >= 0 && (src->kind == SRC_FD || src->kind == SRC_TIMER))
		epoll_ctl(src->loop->epfd, EPOLL_CTL_DEL, src->fd, NULL);
}

static void reap(struct loop *loop)
{
	if (!loop->need_reap)
		return;
	loop->need_reap = false;
	for (int l = 0; l < LIST_COUNT; l++)
		reap_list(loop, (enum source_list)l);
}

/* Runs each callback of one list once. Sources added meanwhile wait for
 * the next turn: the walk stops at the last one there when it started
 * (removed sources stay linked until the turn is over). */
static void run_list(struct loop *loop, enum source_list l)
{
	const struct loop_source *last = loop->lasts[l];
	for (struct loop_source *src = loop->lists[l]; src; src = src->next) {
		if (!src->removed) {
			if (l == LIST_DEFER)
				loop_remove(src);
			src->cb(src->data);
		}
		if (src == last)
			break;
	}
}

static bool has_deferred(const struct loop *loop)
{
	for (const struct loop_source *src = loop->lists[LIST_DEFER]; src;
	     src = src->next)
		if (!src->removed)
			return true;
	return false;
}

int loop_dispatch(struct loop *loop, int timeout_ms)
{
	run_list(loop, LIST_DEFER);
	reap(loop);
	run_list(loop, LIST_PREPARE);
	if (has_deferred(loop) || loop->quit)
		timeout_ms = 0;
	struct epoll_event events[32];
	int n = epoll_wait(loop->epfd, events, 32, timeout_ms);
	if (n < 0) {
		int err = errno;
		return err == EINTR ? 0 : -err;
	}
	for (int i = 0; i < n; i++) {
		struct loop_source *src = events[i].data.ptr;
		if (src->removed)
			continue;
		void *arg = src->kind == SRC_TIMER ? (void *)src : src->data;
		src->fd_cb(arg, src->fd, events[i].events);
	}
	reap(loop);
	return n;
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
