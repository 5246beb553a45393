/* One PV device: its nodes, its two watches and the XenBus state machine.
 *
 * Every watch event re-reads the nodes and decides from the (backend state,
 * frontend state) pair, not from the event: watches coalesce, so we may see
 * Initialising without the Closing and Closed that came before it. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xen_store.h"
#include "xenbus/xenbus_priv.h"

const char *xb_state_name(enum xenbus_state state)
{
	static const char *const names[] = {
		"Unknown",   "Initialising", "InitWait",
		"Initialised", "Connected",  "Closing",
		"Closed",    "Reconfiguring", "Reconfigured",
	};
	if ((unsigned)state < sizeof(names) / sizeof(names[0]))
		return names[state];
	return "Invalid";
}

bool xb_domain_alive(struct xstore *xs, uint32_t domid)
{
	char path[40];
	snprintf(path, sizeof(path), "/local/domain/%" PRIu32, domid);
	char *v = xstore_read(xs, path);
	if (v) {
		free(v);
		return true;
	}
	/* Only a definite "no such node" means gone; other errors keep the
	 * device (a transient failure must not kill a guest's display). */
	return errno != ENOENT;
}

/* The state is ours only once XenStore holds it: the frontend acts on the
 * node, and the watch compares the node with be_state. */
int xb_device_set_state(struct xb_device *dev, enum xenbus_state state)
{
	enum xenbus_state old = dev->be_state;
	char value[4];
	snprintf(value, sizeof(value), "%d", (int)state);
	int r = xstore_write_at(dev->xs, dev->be_path, "state", value);
	if (r < 0) {
		log_error("%s: cannot write backend state %s (staying %s): %s",
			  dev->log_prefix, xb_state_name(state),
			  xb_state_name(old), strerror(-r));
		return r;
	}
	dev->be_state = state;
	if (old != state)
		log_info("%s: backend %s -> %s", dev->log_prefix,
			 xb_state_name(old), xb_state_name(state));
	return 0;
}

static void device_disconnect(struct xb_device *dev)
{
	if (!dev->connected)
		return;
	dev->connected = false;
	dev->backend->changes++;
	log_info("%s: disconnecting", dev->log_prefix);
	dev->impl->disconnect(dev);
}

/* Closing then Closed: Linux xen-kbdfront closes on our Closing, while
 * xen-drm-front waits for Closed before it tears down and starts over. */
static void device_close(struct xb_device *dev)
{
	device_disconnect(dev);
	if (dev->be_state == XenbusStateClosed)
		return;
	if (dev->be_state != XenbusStateClosing)
		(void)xb_device_set_state(dev, XenbusStateClosing);
	/* Closed is tried even if Closing failed (logged): our side is
	 * closed either way, and the node says what XenStore took. */
	(void)xb_device_set_state(dev, XenbusStateClosed);
}

void xb_device_fail(struct xb_device *dev, int err, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	int e = err < 0 ? -err : err;
	log_error("%s: %s: %s", dev->log_prefix, msg, strerror(e));

	char node[320];
	snprintf(node, sizeof(node), "%d %s", e, msg);
	if (xstore_write_at(dev->xs, dev->be_path, "error", node) < 0)
		log_warn("%s: cannot write the error node", dev->log_prefix);
	device_close(dev);
}

static void device_connect(struct xb_device *dev)
{
	log_info("%s: frontend is %s, connecting", dev->log_prefix,
		 xb_state_name(dev->fe_state));
	int r = dev->impl->connect(dev);
	if (r == 0) {
		dev->connected = true;
		dev->backend->changes++;
		/* A frontend never told we are Connected never uses the
		 * rings: let them go and stay InitWait; the frontend's next
		 * state change tries again. */
		if (xb_device_set_state(dev, XenbusStateConnected) < 0)
			device_disconnect(dev);
		return;
	}
	/* connect() may have failed the device itself already. */
	if (dev->be_state == XenbusStateInitWait)
		xb_device_fail(dev, r, "connect failed");
}

/* Back to InitWait for a new connection. Written even when we already are
 * InitWait: the frontend acts on our write, and it may have ignored the
 * earlier one (xen-drm-front does while it is Reconfiguring). */
static void device_restart(struct xb_device *dev)
{
	device_disconnect(dev);
	/* Failed (logged): the frontend's next change restarts again. */
	(void)xb_device_set_state(dev, XenbusStateInitWait);
}

static enum xenbus_state read_fe_state(struct xb_device *dev)
{
	uint64_t v;
	int r = xstore_read_uint(dev->xs, dev->fe_path, "state", 0,
				 XenbusStateReconfigured, &v);
	if (r == 0)
		return (enum xenbus_state)v;
	if (r == -ENOENT)
		return XenbusStateUnknown;
	/* displif: a frontend error is handled as if it went Closed. */
	if (dev->fe_state != XenbusStateClosed)
		log_warn("%s: frontend state unreadable or invalid (%s), "
			 "treating as Closed",
			 dev->log_prefix, strerror(-r));
	return XenbusStateClosed;
}

static void apply_fe_state(struct xb_node *n, enum xenbus_state prev)
{
	struct xb_device *dev = xb_node_dev(n);
	bool first = !n->fe_seen;
	n->fe_seen = true;
	switch (dev->fe_state) {
	case XenbusStateInitialising:
		if (dev->be_state != XenbusStateInitWait ||
		    prev != XenbusStateInitialising)
			device_restart(dev);
		break;
	case XenbusStateInitialised:
	case XenbusStateConnected:
		/* xen-kbdfront goes Connected straight from our InitWait. */
		if (dev->be_state == XenbusStateInitWait)
			device_connect(dev);
		break;
	case XenbusStateClosing:
		device_close(dev);
		break;
	case XenbusStateClosed:
	case XenbusStateReconfiguring:
	case XenbusStateReconfigured:
		/* Found idle at discovery (e.g. after our own clean shutdown):
		 * our fresh InitWait is the invitation, keep it. */
		if (first && dev->be_state == XenbusStateInitWait)
			break;
		device_close(dev);
		break;
	case XenbusStateUnknown:
		/* Frontend nodes not written yet, or removed under a live
		 * connection. */
		if (dev->connected || dev->be_state == XenbusStateConnected)
			device_close(dev);
		break;
	case XenbusStateInitWait:
		break;
	}
}

/* The toolstack may write our state node: Closing/Closed to unplug,
 * Initialising to reset. Anything else is put back. */
static void check_be_state(struct xb_node *n)
{
	struct xb_device *dev = xb_node_dev(n);
	uint64_t v;
	if (xstore_read_uint(dev->xs, dev->be_path, "state", 0,
			     XenbusStateReconfigured, &v) < 0 ||
	    v == (uint64_t)dev->be_state)
		return;
	enum xenbus_state st = (enum xenbus_state)v;
	log_info("%s: backend state set to %s by someone else (we were %s)",
		 dev->log_prefix, xb_state_name(st),
		 xb_state_name(dev->be_state));
	switch (st) {
	case XenbusStateInitialising:
		device_restart(dev);
		break;
	case XenbusStateClosing:
	case XenbusStateClosed:
		dev->be_state = st;
		device_close(dev);
		break;
	default:
		/* Put back; a failure is logged and the next write of the
		 * node brings us here again. */
		(void)xb_device_set_state(dev, dev->be_state);
		break;
	}
}

static void read_online(struct xb_node *n)
{
	struct xb_device *dev = xb_node_dev(n);
	char *v = xstore_read_at(dev->xs, dev->be_path, "online");
	bool online = !v || strcmp(v, "0") != 0;
	free(v);
	if (online != n->online)
		log_info("%s: toolstack set online=%d", dev->log_prefix,
			 online ? 1 : 0);
	n->online = online;
}

static void device_update(struct xb_node *n)
{
	struct xb_device *dev = xb_node_dev(n);
	char *dir = xstore_read(dev->xs, dev->be_path);
	if (!dir && errno == ENOENT) {
		xb_device_destroy(dev, false, "backend directory removed");
		return;
	}
	free(dir);
	read_online(n);
	check_be_state(n);

	enum xenbus_state prev = dev->fe_state;
	dev->fe_state = read_fe_state(dev);
	if (dev->fe_state != prev || !n->fe_seen)
		log_info("%s: frontend %s -> %s", dev->log_prefix,
			 xb_state_name(prev), xb_state_name(dev->fe_state));
	if (!n->online) {
		/* Unplugged: close and stay closed until the toolstack
		 * removes the directory or sets online again. */
		n->fe_seen = true;
		device_close(dev);
		return;
	}
	apply_fe_state(n, prev);
}

static void node_watch_fired(void *data, const char *path)
{
	(void)path;
	device_update(data);
}

/* The frontend path comes from a node the guest can't write, but the
 * toolstack is not the only one that can get it wrong: accept only a
 * device directory of the guest named by frontend-id. */
static bool frontend_path_ok(const char *path, uint32_t fe_domid)
{
	char prefix[48];
	int n = snprintf(prefix, sizeof(prefix), "/local/domain/%" PRIu32
			 "/device/", fe_domid);
	if (strncmp(path, prefix, (size_t)n) != 0 || !path[n])
		return false;
	return !strstr(path, "//") && !strstr(path, "/..") &&
	       path[strlen(path) - 1] != '/';
}

static char *read_dom_name(struct xstore *xs, uint32_t domid)
{
	char dir[40];
	snprintf(dir, sizeof(dir), "/local/domain/%" PRIu32, domid);
	char *name = xstore_read_at(xs, dir, "name");
	if (!name && asprintf(&name, "dom%" PRIu32, domid) < 0)
		name = NULL;
	return name;
}

/* Reads frontend and frontend-id; -EAGAIN while missing, -EPERM if bad. */
static int read_frontend(struct xb_backend *be, const char *be_path,
			 uint32_t domid, char **fe_path)
{
	uint64_t fe_id;
	int r = xstore_read_uint(be->xs, be_path, "frontend-id", 0, 0x7fef,
				 &fe_id);
	char *fe = xstore_read_at(be->xs, be_path, "frontend");
	if (r == -ENOENT || !fe) {
		free(fe);
		return -EAGAIN;
	}
	if (r < 0 || fe_id != domid) {
		log_error("%s: refusing device: frontend-id is not %" PRIu32,
			  be_path, domid);
		free(fe);
		return -EPERM;
	}
	if (!frontend_path_ok(fe, domid)) {
		log_error("%s: refusing device: frontend \"%s\" is not a "
			  "device directory of dom%" PRIu32,
			  be_path, fe, domid);
		free(fe);
		return -EPERM;
	}
	*fe_path = fe;
	return 0;
}

static struct xb_node *node_alloc(struct xb_backend *be, uint32_t domid,
				  uint32_t devid, char *be_path, char *fe_path)
{
	struct xb_node *n = calloc(1, sizeof(*n) + be->impl->device_size);
	if (!n)
		return NULL;
	struct xb_device *dev = xb_node_dev(n);
	dev->backend = be;
	dev->impl = be->impl;
	dev->loop = be->loop;
	dev->xs = be->xs;
	dev->domid = domid;
	dev->devid = devid;
	dev->be_path = be_path;
	dev->fe_path = fe_path;
	dev->dom_name = read_dom_name(be->xs, domid);
	dev->be_state = XenbusStateInitialising;
	dev->fe_state = XenbusStateUnknown;
	dev->backend_ctx = be->ctx;
	snprintf(dev->log_prefix, sizeof(dev->log_prefix),
		 "dom%" PRIu32 "(%s) %s/%" PRIu32, domid,
		 dev->dom_name ? dev->dom_name : "?", be->impl->type, devid);
	n->online = true;
	return n;
}

static void node_free(struct xb_node *n)
{
	struct xb_device *dev = xb_node_dev(n);
	xstore_unwatch(n->be_watch);
	xstore_unwatch(n->fe_watch);
	free(dev->be_path);
	free(dev->fe_path);
	free(dev->dom_name);
	free(n);
}

static int node_start(struct xb_node *n)
{
	struct xb_device *dev = xb_node_dev(n);
	log_info("%s: found (frontend %s)", dev->log_prefix, dev->fe_path);
	int r = dev->impl->probe(dev);
	if (r < 0) {
		/* Kept in the list, Closed, so we don't probe it again on
		 * every event; it goes when its directory goes. */
		xb_device_fail(dev, r, "probe failed");
	} else {
		n->probed = true;
		/* Failed (logged): the frontend's Initialising restarts us. */
		(void)xb_device_set_state(dev, XenbusStateInitWait);
	}
	char *fe_state;
	if (asprintf(&fe_state, "%s/state", dev->fe_path) < 0)
		return -ENOMEM;
	n->be_watch = xstore_watch(dev->xs, dev->be_path, node_watch_fired, n);
	n->fe_watch = xstore_watch(dev->xs, fe_state, node_watch_fired, n);
	r = errno;
	free(fe_state);
	if (!n->be_watch || !n->fe_watch)
		return r > 0 ? -r : -ENOMEM;
	return 0;
}

int xb_device_add(struct xb_backend *be, uint32_t domid, uint32_t devid)
{
	char *be_path;
	if (asprintf(&be_path, "%s/%" PRIu32 "/%" PRIu32, be->type_path,
		     domid, devid) < 0)
		return -ENOMEM;
	char *fe_path = NULL;
	int r = read_frontend(be, be_path, domid, &fe_path);
	if (r == 0 && !xb_domain_alive(be->xs, domid))
		r = -EAGAIN; /* leftovers of a dead guest: not ours to serve */
	if (r < 0) {
		free(be_path);
		free(fe_path);
		return r;
	}
	struct xb_node *n = node_alloc(be, domid, devid, be_path, fe_path);
	if (!n) {
		free(be_path);
		free(fe_path);
		return -ENOMEM;
	}
	n->next = be->nodes;
	be->nodes = n;
	r = node_start(n);
	if (r < 0) {
		log_error("%s: cannot watch the device's nodes: %s",
			  xb_node_dev(n)->log_prefix, strerror(-r));
		xb_device_destroy(xb_node_dev(n), true, "setup failed");
	}
	return r;
}

void xb_device_destroy(struct xb_device *dev, bool write_closed,
		       const char *why)
{
	struct xb_node *n = xb_dev_node(dev);
	struct xb_backend *be = dev->backend;
	log_info("%s: removing (%s)", dev->log_prefix, why);
	device_disconnect(dev);
	if (write_closed && dev->be_state != XenbusStateClosed) {
		char *dir = xstore_read(dev->xs, dev->be_path);
		if (dir) /* failed (logged): the device goes anyway */
			(void)xb_device_set_state(dev, XenbusStateClosed);
		free(dir);
	}
	if (n->probed && dev->impl->remove)
		dev->impl->remove(dev);
	for (struct xb_node **p = &be->nodes; *p; p = &(*p)->next) {
		if (*p == n) {
			*p = n->next;
			break;
		}
	}
	node_free(n);
}
