/* The one event loop, on sd-event (libsystemd). Sources are file
 * descriptors and timers (all of a loop's timers share one kernel timer,
 * reprogrammed before a wait only when the earliest deadline moved);
 * "prepare" hooks run before each wait (Wayland needs a flush and
 * prepare_read there); deferred calls run once, at the start of the next
 * turn, so code never re-enters itself from inside a callback. A turn
 * dispatches one event.
 *
 * Removing a source from inside any callback is safe, its own included: a
 * removed source is never called again, and nothing reads it once freed. */
#ifndef VDISPLD_LOOP_H
#define VDISPLD_LOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>

struct loop;
struct loop_source;

typedef void (*loop_fd_cb)(void *data, int fd, uint32_t events);
typedef void (*loop_cb)(void *data);

struct loop *loop_create(void);
/* Frees every source still registered (without closing their fds). */
void loop_destroy(struct loop *loop);

/* events: EPOLLIN / EPOLLOUT ...; the fd stays owned by the caller. */
struct loop_source *loop_add_fd(struct loop *loop, int fd, uint32_t events,
				loop_fd_cb cb, void *data);
int loop_fd_update(struct loop_source *src, uint32_t events);

/* A timer, created disarmed; microsecond resolution, never early. */
struct loop_source *loop_add_timer(struct loop *loop, loop_cb cb, void *data);
/* first_ns == 0 disarms; interval_ns == 0 means one-shot. Relative times. */
int loop_timer_arm(struct loop_source *timer, uint64_t first_ns,
		   uint64_t interval_ns);

/* Runs cb before every sleep, in registration order. */
struct loop_source *loop_add_prepare(struct loop *loop, loop_cb cb,
				     void *data);

/* Runs cb once, at the start of the next turn; the source then frees
 * itself. Removing it before it ran cancels it. */
struct loop_source *loop_defer(struct loop *loop, loop_cb cb, void *data);

/* Unregisters and frees (deferred) any kind of source. NULL is a no-op. */
void loop_remove(struct loop_source *src);

/* One turn: prepare hooks, wait up to timeout_ms (-1 for ever, 0 to poll;
 * no wait while deferred calls or events are pending), dispatch the
 * deferred calls or one event. Returns the number of fd events (0 or 1),
 * or -errno. */
int loop_dispatch(struct loop *loop, int timeout_ms);
/* Turns until loop_quit(); returns the code given to loop_quit. */
int loop_run(struct loop *loop);
void loop_quit(struct loop *loop, int code);
bool loop_running(struct loop *loop);

/* Monotonic clock in nanoseconds. */
uint64_t loop_now_ns(void);

#endif
