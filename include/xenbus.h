/* Generic PV backend: finds devices of one type under
 * /local/domain/<own-domid>/backend/<type>/<domid>/<devid>, runs the XenBus
 * state machine with each frontend, and calls a small per-type vtable.
 * Survives guest reboot (frontend goes Closing/Closed/Initialising again)
 * and guest crash (@releaseDomain, domain's nodes gone). */
#ifndef VDISPLD_XENBUS_H
#define VDISPLD_XENBUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xen/io/xenbus.h>

#include "log.h"

struct loop;
struct xstore;
struct xb_backend;
struct xb_device;

struct xb_impl {
	/* Directory name under backend/: "vdispl", "vinput". */
	const char *type;
	/* sizeof the derived device struct; struct xb_device comes first. */
	size_t device_size;
	/* Device found: read backend-side nodes, publish features (e.g.
	 * "versions"). 0 moves us to InitWait; -errno fails the device. */
	int (*probe)(struct xb_device *dev);
	/* Frontend is Initialised (or already Connected): read its nodes,
	 * map rings, bind channels. 0 moves us to Connected. */
	int (*connect)(struct xb_device *dev);
	/* Frontend went away (Closing, Closed, Initialising again, domain
	 * gone): release all that connect took. Called at most once per
	 * successful connect. */
	void (*disconnect)(struct xb_device *dev);
	/* Device removed for good: free what probe allocated (not dev). */
	void (*remove)(struct xb_device *dev);
};

struct xb_device {
	struct xb_backend *backend;
	const struct xb_impl *impl;
	struct loop *loop;
	struct xstore *xs;
	uint32_t domid;
	uint32_t devid;
	char *be_path;	/* our half */
	char *fe_path;	/* the guest's half, from be_path/frontend */
	char *dom_name; /* /local/domain/<domid>/name, "dom<N>" if absent */
	/* Prefix "dom3(name) vdispl/0", journald fields and rate limit of
	 * every line about this device (xb_log). */
	struct log_src log;
	enum xenbus_state be_state;
	enum xenbus_state fe_state;
	bool connected; /* connect() succeeded and no disconnect() since */
	void *backend_ctx; /* the ctx given to xb_backend_create */
};

/* domains/n_domains: serve only these guests (n_domains == 0: all). */
struct xb_backend *xb_backend_create(struct loop *loop, struct xstore *xs,
				     const struct xb_impl *impl, void *ctx,
				     const uint32_t *domains,
				     unsigned n_domains);
void xb_backend_destroy(struct xb_backend *be);

/* Calls fn for every device currently known. */
void xb_backend_for_each(struct xb_backend *be,
			 void (*fn)(struct xb_device *dev, void *data),
			 void *data);
unsigned xb_backend_device_count(const struct xb_backend *be);
/* Moves whenever one of the backend's devices connects or disconnects:
 * what depends on the set of connected devices is recomputed only then. */
unsigned xb_backend_changes(const struct xb_backend *be);

/* A line about dev: its prefix, its journald fields, its rate limit. */
#define xb_log(lvl, dev, ...) log_src_msg(lvl, &(dev)->log, -1, __VA_ARGS__)

int xb_device_set_state(struct xb_device *dev, enum xenbus_state state);
/* Logs why, writes "error" under be_path, disconnects and goes Closing. */
void xb_device_fail(struct xb_device *dev, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
