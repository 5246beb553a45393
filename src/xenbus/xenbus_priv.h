/* Private to src/xenbus/: the backend's bookkeeping around each public
 * struct xb_device. */
#ifndef VDISPLD_XENBUS_PRIV_H
#define VDISPLD_XENBUS_PRIV_H

#include <stdalign.h>
#include <stddef.h>

#include "xenbus.h"

struct xstore_watch;

/* One allocation per device: our fields, then the impl's derived struct
 * (which starts with struct xb_device) in the flexible tail. */
struct xb_node {
	struct xb_node *next;
	struct xstore_watch *be_watch; /* our backend directory */
	struct xstore_watch *fe_watch; /* the frontend's state node */
	bool online;		       /* be_path/online != "0" */
	bool probed;		       /* probe() succeeded: remove() owed */
	bool fe_seen;		       /* frontend state read at least once */
	alignas(max_align_t) unsigned char dev[];
};

/* Devices refused at discovery (bad frontend path), remembered so we log
 * once and don't retry on every event under their directory. */
struct xb_refused {
	struct xb_refused *next;
	uint32_t domid, devid;
};

struct xb_backend {
	struct loop *loop;
	struct xstore *xs;
	const struct xb_impl *impl;
	void *ctx;
	uint32_t *domains;
	unsigned n_domains;
	uint32_t own_domid;
	char *type_path; /* /local/domain/<own>/backend/<type> */
	struct xstore_watch *type_watch;
	struct xstore_watch *release_watch;
	struct xb_node *nodes;
	struct xb_refused *refused;
	unsigned changes; /* devices connected or disconnected so far */
};

static inline struct xb_device *xb_node_dev(struct xb_node *n)
{
	return (struct xb_device *)(void *)n->dev;
}

static inline struct xb_node *xb_dev_node(struct xb_device *dev)
{
	return (struct xb_node *)(void *)((unsigned char *)dev -
					  offsetof(struct xb_node, dev));
}

/* device.c */
const char *xb_state_name(enum xenbus_state state);
/* Reads the device's nodes, validates them, probes and starts watching.
 * 0 if added, -EAGAIN if nodes are still missing (try again on the next
 * event), -EPERM if refused for good, other -errno on failure. */
int xb_device_add(struct xb_backend *be, uint32_t domid, uint32_t devid);
/* Disconnects, calls remove(), unlinks and frees. write_closed: tell the
 * frontend we are Closed (only while our backend directory still
 * exists). */
void xb_device_destroy(struct xb_device *dev, bool write_closed,
		       const char *why);
bool xb_domain_alive(struct xstore *xs, uint32_t domid);

#endif
