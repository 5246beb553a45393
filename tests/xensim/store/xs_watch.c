/* Watches: matching changes to registrations, and delivery. Wire watches
 * get an XS_WATCH_EVENT queued on their connection; in-process watches get
 * their callback from the loop (deferred), never from inside the call that
 * made the change. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdint.h> /* xs_wire.h needs it first */
#include <xen/io/xs_wire.h>

#include "log.h"
#include "loop.h"
#include "xs_internal.h"

struct xs_pending {
	struct xs_srv_watch *w;
	char *path;
	struct xs_pending *next;
};

int xs_watch_add(struct xs_server *srv, struct xs_srv_watch *w)
{
	struct xs_srv_watch **tail = &srv->watches;
	while (*tail)
		tail = &(*tail)->next;
	w->next = NULL;
	*tail = w;
	return 0;
}

void xs_watch_free(struct xs_srv_watch *w)
{
	if (!w)
		return;
	free(w->path);
	free(w->token);
	free(w);
}

static void unlink_watch(struct xs_server *srv, struct xs_srv_watch *w)
{
	for (struct xs_srv_watch **p = &srv->watches; *p; p = &(*p)->next) {
		if (*p == w) {
			*p = w->next;
			return;
		}
	}
}

/* Events of a relative registration are reported relative too. */
static const char *reported_path(const struct xs_srv_watch *w,
				 const char *path)
{
	char prefix[40];
	if (!w->relative)
		return path;
	int len = snprintf(prefix, sizeof(prefix), "/local/domain/%u/",
			   w->domid);
	if (strncmp(path, prefix, (size_t)len) == 0)
		return path + len;
	return path;
}

static void deliver_pending(void *data)
{
	struct xs_server *srv = data;
	struct xs_pending *ev = srv->pending;
	srv->deliver_src = NULL;
	srv->pending = NULL;
	srv->pending_tail = &srv->pending;
	srv->delivering = true;
	while (ev) {
		struct xs_pending *next = ev->next;
		if (!ev->w->dead)
			ev->w->cb(ev->w->data, ev->path);
		free(ev->path);
		free(ev);
		ev = next;
	}
	srv->delivering = false;
	while (srv->zombies) {
		struct xs_srv_watch *z = srv->zombies;
		srv->zombies = z->next;
		xs_watch_free(z);
	}
}

static void queue_callback(struct xs_srv_watch *w, const char *path)
{
	struct xs_server *srv = w->srv;
	struct xs_pending *ev = calloc(1, sizeof(*ev));
	if (!ev || !(ev->path = strdup(path))) {
		free(ev);
		log_error("xs_server: dropping watch event for %s: %s", path,
			  strerror(ENOMEM));
		return;
	}
	ev->w = w;
	*srv->pending_tail = ev;
	srv->pending_tail = &ev->next;
	if (!srv->deliver_src)
		srv->deliver_src = loop_defer(srv->loop, deliver_pending, srv);
}

static void deliver(struct xs_srv_watch *w, const char *path)
{
	if (w->dead)
		return;
	const char *shown = reported_path(w, path);
	if (!w->conn) {
		queue_callback(w, shown);
		return;
	}
	size_t plen = strlen(shown) + 1, tlen = strlen(w->token) + 1;
	if (plen + tlen > XENSTORE_PAYLOAD_MAX) {
		/* libxenstore would reject it; a long token is the client's
		 * own doing. */
		log_warn("xs_server: watch event for %s too big, dropped",
			 shown);
		return;
	}
	char *msg = malloc(plen + tlen);
	if (!msg)
		return;
	memcpy(msg, shown, plen);
	memcpy(msg + plen, w->token, tlen);
	xs_conn_send(w->conn, XS_WATCH_EVENT, 0, 0, msg, plen + tlen);
	free(msg);
}

void xs_watch_fire_one(struct xs_srv_watch *w, const char *path)
{
	deliver(w, path);
}

static bool may_read(const struct xs_srv_watch *w,
		     const struct xs_srv_perm *perms, unsigned n)
{
	return !perms || (xs_perm_for(perms, n, w->domid) & XS_PERM_READ);
}

void xs_watch_fire(struct xs_server *srv, const char *path,
		   const struct xs_srv_perm *perms, unsigned nperms,
		   bool recursive)
{
	bool special = xs_path_is_special(path);
	for (struct xs_srv_watch *w = srv->watches; w; w = w->next) {
		if (special || xs_path_is_special(w->path)) {
			if (strcmp(w->path, path) == 0)
				deliver(w, path);
		} else if (xs_path_is_child(path, w->path)) {
			if (may_read(w, perms, nperms))
				deliver(w, path);
		} else if (recursive && xs_path_is_child(w->path, path)) {
			/* A watch inside a removed subtree reports its own
			 * path, if its node was readable to it. */
			const struct xs_node *n =
				xs_tree_lookup(&srv->tree, w->path);
			if (!n || may_read(w, n->perms, n->nperms))
				deliver(w, w->path);
		}
	}
}

static void purge_pending(struct xs_server *srv,
			  const struct xs_srv_watch *w)
{
	struct xs_pending **p = &srv->pending;
	srv->pending_tail = &srv->pending;
	while (*p) {
		struct xs_pending *ev = *p;
		if (ev->w == w) {
			*p = ev->next;
			free(ev->path);
			free(ev);
		} else {
			srv->pending_tail = &ev->next;
			p = &ev->next;
		}
	}
}

/* Frees now, or once the delivery in progress can no longer see it. */
static void watch_retire(struct xs_server *srv, struct xs_srv_watch *w)
{
	unlink_watch(srv, w);
	purge_pending(srv, w);
	if (srv->delivering) {
		w->dead = true;
		w->next = srv->zombies;
		srv->zombies = w;
	} else {
		xs_watch_free(w);
	}
}

void xs_watch_drop_conn(struct xs_server *srv, const struct xs_conn *conn)
{
	struct xs_srv_watch *w = srv->watches;
	while (w) {
		struct xs_srv_watch *next = w->next;
		if (w->conn == conn)
			watch_retire(srv, w);
		w = next;
	}
}

void xs_watch_drop_domain(struct xs_server *srv, uint32_t domid)
{
	for (struct xs_srv_watch *w = srv->watches; w; w = w->next) {
		if (!w->conn && w->domid == domid) {
			w->dead = true;
			purge_pending(srv, w);
		}
	}
}

void xs_watch_cleanup(struct xs_server *srv)
{
	while (srv->watches)
		watch_retire(srv, srv->watches);
	loop_remove(srv->deliver_src);
	srv->deliver_src = NULL;
}

unsigned xs_watch_conn_count(const struct xs_server *srv,
			     const struct xs_conn *conn)
{
	unsigned n = 0;
	for (const struct xs_srv_watch *w = srv->watches; w; w = w->next)
		if (w->conn == conn)
			n++;
	return n;
}

unsigned xs_srv_watch_count(const struct xs_server *srv)
{
	unsigned n = 0;
	for (const struct xs_srv_watch *w = srv->watches; w; w = w->next)
		if (!w->dead && (!w->conn || xs_conn_alive(w->conn)))
			n++;
	return n;
}

struct xs_srv_watch *xs_srv_watch(struct xs_server *srv, uint32_t caller,
				  const char *path, xs_srv_watch_cb cb,
				  void *data)
{
	struct xs_srv_watch *w = calloc(1, sizeof(*w));
	if (!w) {
		errno = ENOMEM;
		return NULL;
	}
	int r = xs_path_canonical(caller, path, true, &w->path);
	if (r < 0) {
		free(w);
		errno = -r;
		return NULL;
	}
	w->srv = srv;
	w->domid = caller;
	w->relative = path[0] != '/' && !xs_path_is_special(path);
	w->cb = cb;
	w->data = data;
	xs_watch_add(srv, w);
	xs_watch_fire_one(w, w->path);
	return w;
}

void xs_srv_unwatch(struct xs_srv_watch *w)
{
	if (!w)
		return;
	/* A released domain's watch is dead but still linked: same path. */
	watch_retire(w->srv, w);
}
