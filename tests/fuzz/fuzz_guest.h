/* One vdispl device driven by a fuzzer: the frontend's XenStore nodes,
 * rings and event pages on the guest side, the real displ code (through
 * displ_xb_impl, as xenbus calls it) on the other, over tests/common's
 * fake_xen (in FAKE_XEN_FUZZ mode) and fake_presenter, and fuzz_xs. Checks the invariants that hold for any guest. */
#ifndef VDISPLD_FUZZ_GUEST_H
#define VDISPLD_FUZZ_GUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "displ_priv.h"
#include "fake_presenter.h"

#define FG_DOMID 1u
#define FG_MAX_CONNS 4u
#define FG_FE "/local/domain/1/device/vdispl/0"
#define FG_BE "/local/domain/0/backend/vdispl/1/0"
#define FG_RING_SIZE 32u /* __CONST_RING_SIZE(xen_displif, 4096) */

/* abort() with a message: the fuzzer records the input as a crash. */
#define FG_CHECK(cond) fg_check((cond), #cond, __FILE__, __LINE__)
void fg_check(bool ok, const char *what, const char *file, int line);

struct fg_conn {
	uint32_t req_ref, evt_ref, req_port, evt_port;
	struct xen_displif_front_ring front;
	struct xendispl_event_page *evt;
	/* What we pushed, by ring slot, to match responses against. */
	uint16_t ids[FG_RING_SIZE];
	uint8_t ops[FG_RING_SIZE];
	/* The guest scribbled over its ring / event page / store nodes:
	 * only the invariants that hold for any guest are checked. */
	bool hostile_req, hostile_evt;
	/* Its ring-ref nodes were rewritten: the backend may be serving some
	 * other page, so this side stops reading the ring. */
	bool detached;
	uint64_t flips_ok, events;
};

struct fg {
	struct loop *loop;
	struct xstore *xs;
	struct fake_presenter pres;
	struct displ_ctx ctx;
	struct displ_device *dev;
	unsigned n_conns;
	struct fg_conn conn[FG_MAX_CONNS];
	bool connected;
	uint16_t next_id;
	unsigned fails_seen;
	/* Some ring-ref node was rewritten: pages may be shared between
	 * connectors, so no connector's ring is the guest's alone. */
	bool ring_nodes_tainted;
};

/* Limits small enough that the grant pool always outlasts them. */
void fg_limits(struct displ_limits *l);
/* Rings, channels and nodes for n_conns (1..FG_MAX_CONNS) connectors.
 * version NULL leaves the node out (Linux does). */
void fg_init(struct fg *g, unsigned n_conns, const char *version,
	     bool be_alloc);
/* probe + connect; on failure nothing may stay mapped or bound. */
int fg_connect(struct fg *g);
/* disconnect (if connected), then everything must be released. */
void fg_disconnect(struct fg *g);
/* Fresh rings and event pages for the next connect. */
void fg_reset_rings(struct fg *g);
void fg_destroy(struct fg *g);
/* Runs deferred work; a device that failed is disconnected, as xenbus
 * would. */
void fg_dispatch(struct fg *g);

/* Guest side. false if the ring is full (nothing pushed). */
bool fg_push(struct fg *g, unsigned ci, struct xendispl_req *req);
bool fg_kick(struct fg *g, unsigned ci);
/* Reads and checks every response the backend produced. */
void fg_drain(struct fg *g, unsigned ci);
/* Consumes and checks the events on ci's event page. */
void fg_consume_events(struct fg *g, unsigned ci);
/* Completes every flip and collects every event; checks that each
 * successful PG_FLIP got exactly one event (or was counted dropped). */
void fg_settle_flips(struct fg *g);

bool fg_is_xen_status(int32_t status);

/* dma-buf both ways (export of guest refs, import of be-alloc buffers),
 * as one gntdev feature of the kernel is. */
void fg_set_dmabuf(bool ok);

/* Open fds of this process, for leak checks around one input. */
unsigned fuzz_count_fds(void);

/* FUZZ_TRACE=1: print actions, responses and events (to debug a crash). */
extern bool fg_trace;

#endif
