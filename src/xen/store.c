/* XenStore access through libxenstore, with watches dispatched from the
 * loop. Each watch gets a token that is a unique, never reused number, so
 * an event still queued for a watch that was removed meanwhile (or freed
 * and its memory reused) finds nothing and is dropped. */
#include "xen_store.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "log.h"
#include "loop.h"

struct xstore_watch {
	struct xstore *xs;
	uint64_t id;
	char token[24];
	char *path;
	xstore_watch_cb cb;
	void *data;
	struct xstore_watch *next;
};

struct xstore {
	struct xs_handle *h;
	struct loop_source *src;
	struct loop_source *probe; /* see probe_fired */
	struct xstore_watch *watches;
	uint64_t next_id;
	void (*lost_cb)(void *data);
	void *lost_data;
};

void xstore_on_lost(struct xstore *xs, void (*cb)(void *data), void *data)
{
	xs->lost_cb = cb;
	xs->lost_data = data;
}

/* libxenstore closes its connection on a protocol error (and xenstored may
 * go away): nothing will ever work again on this handle, so stop watching
 * the fd (it would spin) and say so once. */
static void connection_lost(struct xstore *xs, const char *why)
{
	log_error("xenstore: connection lost (%s)", why);
	loop_remove(xs->src);
	xs->src = NULL;
	loop_remove(xs->probe);
	xs->probe = NULL;
	if (xs->lost_cb)
		xs->lost_cb(xs->lost_data);
}

static struct xstore_watch *watch_find(struct xstore *xs, const char *token)
{
	for (struct xstore_watch *w = xs->watches; w; w = w->next)
		if (strcmp(w->token, token) == 0)
			return w;
	return NULL;
}

/* Watch events handled per wake-up. A guest rewriting its nodes in a
 * tight loop must not hold the loop: the rest stay queued in libxenstore,
 * whose watch pipe keeps its byte until the queue is empty, so the
 * (level-triggered) fd wakes us again on the next turn, after every other
 * ready source had its turn. */
#define STORE_BATCH 8

/* Looks each event's token up again before calling out: a callback may
 * remove any watch, including its own and the next one's. */
static void store_readable(void *data, int fd, uint32_t events)
{
	struct xstore *xs = data;
	(void)fd;
	if (events & (EPOLLERR | EPOLLHUP)) {
		connection_lost(xs, "error on the watch fd");
		return;
	}
	for (unsigned n = 0; n < STORE_BATCH; n++) {
		char **vec = xs_check_watch(xs->h);
		if (!vec) {
			if (errno != EAGAIN)
				connection_lost(xs, strerror(errno));
			return;
		}
		struct xstore_watch *w = watch_find(xs, vec[XS_WATCH_TOKEN]);
		if (w)
			w->cb(w->data, vec[XS_WATCH_PATH]);
		else
			log_debug("xenstore: dropped event %s for stale token %s",
				  vec[XS_WATCH_PATH], vec[XS_WATCH_TOKEN]);
		free(vec);
	}
}

/* When xenstored closes the connection, libxenstore's reader thread
 * closes its socket and wakes blocked callers, but writes nothing to the
 * watch pipe: the watch fd never turns readable again, and a daemon with
 * nothing to ask would not notice for ever. Asking the queue once a second
 * (a mutex, no syscall) does: it fails once the socket is gone. */
#define PROBE_NS 1000000000ull

static void probe_fired(void *data)
{
	struct xstore *xs = data;
	store_readable(xs, -1, 0);
}

struct xstore *xstore_open(struct loop *loop)
{
	struct xstore *xs = calloc(1, sizeof(*xs));
	if (!xs)
		return NULL;
	xs->next_id = 1;
	xs->h = xs_open(0);
	if (!xs->h) {
		int err = errno;
		log_error("xenstore: cannot connect (XENSTORED_PATH=%s): %s",
			  getenv("XENSTORED_PATH") ? getenv("XENSTORED_PATH")
						   : "default",
			  strerror(err));
		free(xs);
		errno = err;
		return NULL;
	}
	int fd = xs_fileno(xs->h);
	if (fd < 0) {
		int err = errno;
		log_error("xenstore: no watch fd: %s", strerror(err));
		xs_close(xs->h);
		free(xs);
		errno = err;
		return NULL;
	}
	xs->src = loop_add_fd(loop, fd, EPOLLIN, store_readable, xs);
	xs->probe = loop_add_timer(loop, probe_fired, xs);
	if (!xs->src || !xs->probe ||
	    loop_timer_arm(xs->probe, PROBE_NS, PROBE_NS) < 0) {
		int err = errno;
		log_error("xenstore: cannot watch fd: %s", strerror(err));
		loop_remove(xs->src);
		loop_remove(xs->probe);
		xs_close(xs->h);
		free(xs);
		errno = err;
		return NULL;
	}
	return xs;
}

void xstore_close(struct xstore *xs)
{
	if (!xs)
		return;
	while (xs->watches) {
		struct xstore_watch *w = xs->watches;
		log_warn("xenstore: watch on %s still registered at close",
			 w->path);
		xstore_unwatch(w);
	}
	loop_remove(xs->src);
	loop_remove(xs->probe);
	xs_close(xs->h);
	free(xs);
}

int xstore_own_domid(struct xstore *xs)
{
	uint64_t domid;
	/* Relative: xenstored resolves it against our own domain's path, so
	 * a driver domain gets its own id, Dom0 gets 0. */
	int r = xstore_read_uint(xs, "", "domid", 0, 0x7fef, &domid);
	if (r == 0)
		return (int)domid;
	if (r == -ENOENT) {
		log_warn("xenstore: no \"domid\" node in our domain, assuming "
			 "we are Dom0");
		return 0;
	}
	log_error("xenstore: cannot read our domid: %s", strerror(-r));
	return -1;
}

char *xstore_read(struct xstore *xs, const char *path)
{
	unsigned len;
	return xs_read(xs->h, XBT_NULL, path, &len);
}

/* "dir/node", or "node" alone when dir is empty (relative path). */
static char *join(const char *dir, const char *node)
{
	char *path;
	int n = dir[0] ? asprintf(&path, "%s/%s", dir, node)
		       : asprintf(&path, "%s", node);
	if (n < 0) {
		errno = ENOMEM;
		return NULL;
	}
	return path;
}

char *xstore_read_at(struct xstore *xs, const char *dir, const char *node)
{
	char *path = join(dir, node);
	if (!path)
		return NULL;
	char *v = xstore_read(xs, path);
	int err = errno;
	free(path);
	errno = err;
	return v;
}

/* Decimal digits only: no sign, no spaces, no hex, no trailing bytes. */
static int parse_uint(const char *s, uint64_t min, uint64_t max,
		      uint64_t *out)
{
	if (!s[0] || strlen(s) > 20)
		return -EINVAL;
	uint64_t v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		unsigned d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int xstore_read_uint(struct xstore *xs, const char *dir, const char *node,
		     uint64_t min, uint64_t max, uint64_t *out)
{
	char *v = xstore_read_at(xs, dir, node);
	if (!v)
		return errno ? -errno : -ENOENT;
	int r = parse_uint(v, min, max, out);
	free(v);
	return r;
}

int xstore_write(struct xstore *xs, const char *path, const char *value)
{
	if (!xs_write(xs->h, XBT_NULL, path, value, strlen(value)))
		return -errno;
	return 0;
}

int xstore_write_at(struct xstore *xs, const char *dir, const char *node,
		    const char *value)
{
	char *path = join(dir, node);
	if (!path)
		return -ENOMEM;
	int r = xstore_write(xs, path, value);
	free(path);
	return r;
}

char **xstore_directory(struct xstore *xs, const char *path, unsigned *num)
{
	*num = 0;
	return xs_directory(xs->h, XBT_NULL, path, num);
}

struct xstore_watch *xstore_watch(struct xstore *xs, const char *path,
				  xstore_watch_cb cb, void *data)
{
	struct xstore_watch *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->path = strdup(path);
	if (!w->path) {
		free(w);
		errno = ENOMEM;
		return NULL;
	}
	w->xs = xs;
	w->id = xs->next_id++;
	snprintf(w->token, sizeof(w->token), "vd%" PRIu64, w->id);
	w->cb = cb;
	w->data = data;
	if (!xs_watch(xs->h, path, w->token)) {
		int err = errno;
		log_error("xenstore: cannot watch %s: %s", path, strerror(err));
		free(w->path);
		free(w);
		errno = err;
		return NULL;
	}
	w->next = xs->watches;
	xs->watches = w;
	return w;
}

void xstore_unwatch(struct xstore_watch *w)
{
	if (!w)
		return;
	struct xstore *xs = w->xs;
	for (struct xstore_watch **p = &xs->watches; *p; p = &(*p)->next) {
		if (*p == w) {
			*p = w->next;
			break;
		}
	}
	/* Events already queued for this token are dropped by the lookup in
	 * store_readable, so freeing now is safe even inside w's callback. */
	if (!xs_unwatch(xs->h, w->path, w->token) && errno != ENOENT)
		log_debug("xenstore: unwatch %s: %s", w->path,
			  strerror(errno));
	free(w->path);
	free(w);
}
