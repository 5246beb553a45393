/* Frame callbacks on a fixed 60 Hz grid, like a virtual output's vblank:
 * callbacks committed between two ticks are all done at the next tick. The
 * timer runs only while callbacks wait, so an idle compositor sleeps.
 * --unthrottled does them at the commit itself, so a client's frame rate
 * is bounded by its own cost only (benchmarks of the client's overhead).
 * --frame-period-ms makes the grid coarser (a slow compositor);
 * --frames-stop-after-ms stops doing them (every surface hidden): the
 * callbacks wait until their client goes (a client cannot destroy one). */
#include <errno.h>
#include <string.h>
#include <wayland-server-protocol.h>

#include "log.h"
#include "loop.h"
#include "tc.h"

#define TC_FRAME_PERIOD_NS 16666667ull

static uint64_t frame_period_ns(const struct tc_server *server)
{
	unsigned ms = server->cfg.frame_period_ms;
	return ms ? ms * 1000000ull : TC_FRAME_PERIOD_NS;
}

static bool frames_stopped(const struct tc_server *server)
{
	unsigned ms = server->cfg.frames_stop_ms;
	return ms && loop_now_ns() - server->epoch_ns >= ms * 1000000ull;
}

static void arm_next_tick(struct tc_server *server)
{
	uint64_t now = loop_now_ns();
	uint64_t since = now - server->epoch_ns;
	uint64_t period = frame_period_ns(server);
	uint64_t next = (since / period + 1) * period;
	int ret = loop_timer_arm(server->tick, next - since, 0);
	if (ret < 0)
		log_error("cannot arm the frame timer: %s", strerror(-ret));
	server->tick_armed = ret == 0;
}

static void send_done(struct wl_list *callbacks)
{
	uint32_t ms = (uint32_t)(loop_now_ns() / 1000000ull);
	struct wl_resource *cb, *tmp;
	// cppcheck-suppress unknownMacro
	wl_resource_for_each_safe (cb, tmp, callbacks) {
		wl_callback_send_done(cb, ms);
		wl_resource_destroy(cb);	/* unlinks itself */
	}
}

static void tick(void *data)
{
	struct tc_server *server = data;
	server->tick_armed = false;
	if (!frames_stopped(server))
		send_done(&server->frame_callbacks);
}

int tc_frame_create(struct tc_server *server)
{
	wl_list_init(&server->frame_callbacks);
	server->epoch_ns = loop_now_ns();
	server->tick = loop_add_timer(server->loop, tick, server);
	return server->tick ? 0 : -errno;
}

void tc_frame_destroy(struct tc_server *server)
{
	loop_remove(server->tick);
	server->tick = NULL;
}

void tc_frame_queue(struct tc_server *server, struct wl_list *callbacks)
{
	if (wl_list_empty(callbacks))
		return;
	if (server->cfg.unthrottled && !frames_stopped(server)) {
		send_done(callbacks);
		return;
	}
	wl_list_insert_list(server->frame_callbacks.prev, callbacks);
	wl_list_init(callbacks);
	if (!server->tick_armed && !frames_stopped(server))
		arm_next_tick(server);
}
