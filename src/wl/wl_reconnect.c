/* Surviving a compositor restart. When the connection drops, every Wayland
 * object goes (surfaces, roles, wl_buffers, globals, the display) but the
 * connectors and fbs stay, and so do the guests: a show completes on the
 * connector's 60 Hz timer. We watch the socket's directory (inotify) for
 * the socket to come back, with a slow retry timer behind it (a directory
 * that can't be watched, a socket bound before it listens), connect, bind
 * the globals again and give every connector a new surface with its
 * current frame. systemd's Restart= stays the last resort, for the daemon
 * itself failing. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"
#include "wl_internal.h"

/* Slow enough to cost nothing while the compositor is away. */
#define RETRY_NS 1000000000ull
/* The socket appeared: Weston binds, then listens; give it a moment. */
#define SOON_NS 20000000ull
/* A compositor that accepts but does not answer in this time is tried
 * again later: the guests' flips wait for nothing meanwhile. */
#define CONNECT_TIMEOUT_MS 1000

int wl_reconnect_init(struct wl_pres *p, const char *display)
{
	const char *name = display ? display : getenv("WAYLAND_DISPLAY");
	if (!name || !*name)
		name = "wayland-0";
	p->inotify_fd = -1;
	p->display_name = strdup(name);
	if (!p->display_name)
		return -ENOMEM;
	const char *slash = strrchr(name, '/');
	if (slash) {
		p->sock_dir = strndup(name, (size_t)(slash - name) + 1);
		p->sock_name = strdup(slash + 1);
	} else {
		const char *rt = getenv("XDG_RUNTIME_DIR");
		p->sock_dir = rt ? strdup(rt) : NULL;
		p->sock_name = strdup(name);
		if (!rt)
			return p->sock_name ? 0 : -ENOMEM;
	}
	return p->sock_dir && p->sock_name ? 0 : -ENOMEM;
}

static void watch_stop(struct wl_pres *p)
{
	loop_remove(p->inotify_src);
	p->inotify_src = NULL;
	if (p->inotify_fd >= 0)
		close(p->inotify_fd);
	p->inotify_fd = -1;
	loop_remove(p->retry_timer);
	p->retry_timer = NULL;
}

void wl_reconnect_finish(struct wl_pres *p)
{
	watch_stop(p);
	free(p->display_name);
	free(p->sock_dir);
	free(p->sock_name);
	p->display_name = p->sock_dir = p->sock_name = NULL;
}

/* Connected again: every fb gets its dma-buf wl_buffer anew (or a reason
 * to copy), every connector a surface showing its current frame. */
static void restore_all(struct wl_pres *p)
{
	struct pres_fb *fb;
	// cppcheck-suppress unknownMacro
	wl_list_for_each(fb, &p->fbs, link)
		wl_dmabuf_fb_init(p, fb);
	struct wl_pres_conn *c;
	unsigned n = 0;
	wl_list_for_each(c, &p->conns, link) {
		wl_pres_conn_surface_create(c);
		wl_pres_conn_restore(c);
		n++;
	}
	log_info("wl: compositor is back (reconnect #%llu): %u connector "
		 "surface(s) re-created", (unsigned long long)p->reconnects, n);
}

static void try_connect(struct wl_pres *p)
{
	if (!p->dead)
		return;
	int r = wl_pres_connect(p, p->display_name, CONNECT_TIMEOUT_MS);
	if (r < 0) {
		wl_pres_drop_globals(p);
		log_debug("wl: reconnect to '%s' failed: %s; still waiting",
			  p->display_name, strerror(-r));
		return;
	}
	p->dead = false;
	p->reconnects++;
	watch_stop(p);
	restore_all(p);
}

static void retry_fired(void *data)
{
	struct wl_pres *p = data;
	try_connect(p);
	if (p->dead && p->retry_timer) /* back to the slow pace */
		loop_timer_arm(p->retry_timer, RETRY_NS, RETRY_NS);
}

static void inotify_readable(void *data, int fd, uint32_t events)
{
	struct wl_pres *p = data;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool ours = false;
	(void)events;
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (char *q = buf; q < buf + n;) {
			const struct inotify_event *ev = (const void *)q;
			if (ev->len && !strcmp(ev->name, p->sock_name))
				ours = true;
			q += sizeof(*ev) + ev->len;
		}
	}
	if (ours && p->retry_timer)
		loop_timer_arm(p->retry_timer, SOON_NS, RETRY_NS);
}

static void watch_start(struct wl_pres *p)
{
	p->retry_timer = loop_add_timer(p->loop, retry_fired, p);
	if (!p->retry_timer || loop_timer_arm(p->retry_timer, RETRY_NS, RETRY_NS) < 0)
		log_error("wl: cannot arm the reconnect timer: %s",
			  strerror(errno));
	if (!p->sock_dir)
		return;
	p->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (p->inotify_fd >= 0 &&
	    inotify_add_watch(p->inotify_fd, p->sock_dir,
			      IN_CREATE | IN_MOVED_TO) >= 0)
		p->inotify_src = loop_add_fd(p->loop, p->inotify_fd, EPOLLIN,
					     inotify_readable, p);
	if (!p->inotify_src)
		log_warn("wl: cannot watch %s for the compositor's socket (%s);"
			 " trying every second", p->sock_dir, strerror(errno));
	log_info("wl: waiting for '%s' in %s to come back", p->sock_name,
		 p->sock_dir);
}

void wl_reconnect_lost(struct wl_pres *p)
{
	/* Guests hear of released input and get their flips from us now. */
	wl_pres_seats_destroy(p);
	struct wl_pres_conn *c;
	wl_list_for_each(c, &p->conns, link)
		wl_pres_conn_lost(c);
	wl_dmabuf_lost(p);
	wl_pres_drop_globals(p);
	if (!p->display_name)
		return; /* not set up for it (never connected) */
	watch_start(p);
}
