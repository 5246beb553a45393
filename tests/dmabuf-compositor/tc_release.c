/* --release-delay-ms: a compositor that goes on reading a buffer for a
 * while after it was replaced (a slow GPU, scan-out that flips at the next
 * vblank) releases it that much later. Lets tests show that vdispld never
 * answers a zero-copy flip, and so never lets the guest draw into the
 * previous buffer, before that buffer is released. */
#include <stdint.h>
#include <stdlib.h>
#include <wayland-server-protocol.h>

#include "loop.h"
#include "tc.h"

struct late_release {
	struct wl_list link;
	struct wl_resource *buffer;
	struct wl_listener destroy;
	uint64_t due_ns;
};

static void late_free(struct late_release *r)
{
	wl_list_remove(&r->link);
	wl_list_remove(&r->destroy.link);
	free(r);
}

/* The client destroyed the buffer first: nothing left to release. */
static void late_buffer_gone(struct wl_listener *listener, void *data)
{
	struct late_release *r = wl_container_of(listener, r, destroy);
	(void)data;
	late_free(r);
}

static void send_release(struct wl_resource *buffer)
{
	tc_dmabuf_buffer_released(buffer);
	wl_buffer_send_release(buffer);
}

static void release_due(void *data)
{
	struct tc_server *server = data;
	uint64_t now = loop_now_ns(), next = UINT64_MAX;
	struct late_release *r, *tmp;
	wl_list_for_each_safe(r, tmp, &server->late_releases, link) {
		// cppcheck-suppress uninitvar
		if (r->due_ns <= now) {
			send_release(r->buffer);
			late_free(r);
		} else if (r->due_ns < next) {
			next = r->due_ns;
		}
	}
	if (next != UINT64_MAX)
		loop_timer_arm(server->release_timer, next - now, 0);
}

void tc_release_buffer(struct tc_server *server, struct wl_resource *buffer)
{
	uint64_t delay = (uint64_t)server->cfg.release_delay_ms * 1000000ull;
	struct late_release *r = delay ? calloc(1, sizeof(*r)) : NULL;
	if (!r) {
		send_release(buffer);
		return;
	}
	r->buffer = buffer;
	r->due_ns = loop_now_ns() + delay;
	r->destroy.notify = late_buffer_gone;
	wl_resource_add_destroy_listener(buffer, &r->destroy);
	bool first = wl_list_empty(&server->late_releases);
	wl_list_insert(server->late_releases.prev, &r->link);
	if (first)
		loop_timer_arm(server->release_timer, delay, 0);
}

int tc_release_init(struct tc_server *server)
{
	wl_list_init(&server->late_releases);
	server->release_timer = loop_add_timer(server->loop, release_due, server);
	return server->release_timer ? 0 : -1;
}

void tc_release_destroy(struct tc_server *server)
{
	struct late_release *r, *tmp;
	wl_list_for_each_safe(r, tmp, &server->late_releases, link) {
		// cppcheck-suppress uninitvar
		late_free(r);
	}
	loop_remove(server->release_timer);
	server->release_timer = NULL;
}
