/* One drop-in library handle connected to the simulator, and everything it
 * holds, so that its disconnection (close, exit, crash) releases it all. */
#ifndef XENSIM_GSIM_CLIENT_H
#define XENSIM_GSIM_CLIENT_H

#include "gsim_internal.h"
#include "gsim_wire.h"

#include <stddef.h>

struct gsim_mpage {
	struct gsim_domain *d; /* held */
	uint32_t ref;
};

/* A grant mapping, or a dma-buf export (which maps the grants too). */
struct gsim_map_rec {
	struct gsim_map_rec *next;
	uint32_t id;
	uint32_t count;
	bool export;
	/* export: when a wait first found it held (0: not asked) and for how
	 * long it stays held (gsim_set_dmabuf_hold_ms at that time) */
	uint64_t held_since_ns;
	uint32_t hold_ms;
	uint32_t notify_offset, notify_port; /* UINT32_MAX: none */
	struct gsim_mpage pages[];
};

/* Pages of the client's own domain granted to a guest: a gntshr share or
 * an imported dma-buf. */
struct gsim_share_rec {
	struct gsim_share_rec *next;
	uint32_t id;
	uint32_t domid; /* grantee */
	uint32_t pfn, count;
	bool import;
	uint32_t notify_offset, notify_port;
	uint32_t refs[];
};

/* Our end of a stream of uint32_t ports from an evtchn handle. */
struct gsim_port_in {
	int fd; /* -1: none */
	struct loop_source *src;
	uint8_t part[4]; /* a port not yet whole */
	unsigned part_len;
	bool watched; /* EPOLLIN asked for */
};

struct gsim_client {
	struct gsim *g;
	struct gsim_client *next;
	int fd;
	struct loop_source *src;
	bool hello;
	uint32_t kind, domid;
	uint32_t restrict_domid; /* UINT32_MAX: none */
	struct gsim_port_in dev_in, kick_in; /* evtchn (gsim_evtchn_dev.c) */
	struct gsim_map_rec *maps;
	struct gsim_share_rec *shares;
};

struct gsim_msg {
	const void *payload;
	size_t len;
	int fd; /* received with the request, -1 if none; handler may take it */
};

/* gsim_server.c */
int gsim_reply(struct gsim_client *c, uint32_t op, int err, const void *pl,
	       size_t len, const int *fds, unsigned nfds);
struct gsim_domain *gsim_client_domain(struct gsim_client *c);
uint32_t gsim_new_id(struct gsim *g);

/* gsim_ops.c: each returns 0 once it has replied, or -errno for the
 * dispatcher to reply with. */
int gsim_op_map(struct gsim_client *c, struct gsim_msg *m, bool export);
int gsim_op_unmap(struct gsim_client *c, struct gsim_msg *m, uint32_t op);
int gsim_op_share(struct gsim_client *c, struct gsim_msg *m, bool import);
int gsim_op_unshare(struct gsim_client *c, struct gsim_msg *m, uint32_t op);
void gsim_client_release_all(struct gsim_client *c);

/* gsim_evtchn_dev.c: an evtchn handle's device socket and notify pipe;
 * theirs gets the handle's ends. */
int gsim_evtchn_dev_open(struct gsim_client *c, int theirs[2]);
void gsim_evtchn_dev_drain(struct gsim_client *c);
void gsim_evtchn_dev_close(struct gsim_client *c);

/* gsim_ops_evt.c */
int gsim_op_evtchn(struct gsim_client *c, uint32_t op, struct gsim_msg *m);

#endif
