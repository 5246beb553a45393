/* vdispl: the para-virtual display protocol engine (xen/io/displif.h,
 * protocol versions 1 and 2). Plugs into the generic XenBus backend as an
 * xb_impl and talks to a presenter; knows nothing of Wayland.
 *
 * Usage:
 *   struct displ_ctx ctx;
 *   displ_ctx_init(&ctx, presenter, xgrant, xevtchn);
 *   ctx.trace = true;                      (optional)
 *   xb_backend_create(loop, xs, &displ_xb_impl, &ctx, NULL, 0);
 * The ctx must outlive the backend. */
#ifndef VDISPLD_DISPL_H
#define VDISPLD_DISPL_H

#include <stdbool.h>
#include <stdint.h>

#include "log.h"
#include "presenter.h"
#include "xenbus.h"

struct presenter;
struct xgrant;
struct xevtchn;
struct xdomain;

/* Hard ceilings: what we accept from XenStore whatever the config says. */
#define DISPL_MAX_CONNECTORS 16u
#define DISPL_MAX_DIMENSION 16384u
#define DISPL_MAX_UNIQUE_ID 64u

/* What one guest device may cost us. A guest over a limit gets an error
 * status for that request; nothing else changes. */
struct displ_limits {
	uint32_t max_connectors;   /* per device, <= DISPL_MAX_CONNECTORS */
	uint32_t max_dbufs;	   /* display buffers per device */
	uint32_t max_fbs;	   /* framebuffers per device */
	uint64_t max_mapped_bytes; /* sum of all dbuf sizes per device */
	uint32_t max_reqs_per_turn; /* per connector and wake-up */
	uint32_t max_flips_in_flight; /* per connector */
	/* How long a DBUF_DESTROY reply may wait for the compositor to let go
	 * of the buffer's dma-buf; below the frontend's 3 s request time-out.
	 * 0: answer at once. */
	uint32_t release_wait_ms;
};

struct displ_ctx {
	struct presenter *presenter;
	struct xgrant *xg;
	struct xevtchn *xe;
	/* Guests' domain types (xen_domain.h); NULL: every type unknown,
	 * backend allocation allowed for all. Not set by displ_ctx_init. */
	struct xdomain *xdom;
	struct displ_limits limits;
	/* Log every request and reply at info level. */
	bool trace;
	/* Try xgrant_dmabuf_export on DBUF_CREATE (zero copy). */
	bool try_dmabuf;
};

/* Sane defaults: 16 connectors, 128 dbufs, 128 fbs, 512 MiB mapped,
 * 64 requests per turn, 8 flips in flight, 2.5 s release wait. */
void displ_limits_default(struct displ_limits *limits);
/* Fills ctx with the given handles, default limits, trace off, dma-buf
 * export on. */
void displ_ctx_init(struct displ_ctx *ctx, struct presenter *presenter,
		    struct xgrant *xg, struct xevtchn *xe);

/* One "stats: ..." line per connected connector with its presenter
 * counters (totals since the connector was created) at the given level. */
void displ_log_stats(struct displ_ctx *ctx, struct xb_backend *vdispl,
		     enum log_level level);

/* One guest connector as views outside displ see it (the status file,
 * the stats log): a read-only snapshot, valid during the callback. */
struct displ_conn_view {
	const struct xb_device *dev; /* domid, devid, names, states, log */
	/* DISPL_VIEW_NO_CONN: the device has no connectors (yet); the
	 * fields below are empty. */
	uint32_t index;
	const char *unique_id; /* "" when the guest gave none */
	uint32_t width, height;
	bool broken;	    /* refused further requests */
	bool on;	    /* a framebuffer is up (SET_CONFIG / PG_FLIP) */
	const char *format; /* its pixel format's name; NULL when off */
	bool has_pres;	    /* a presenter connector exists: stats valid */
	struct pres_conn_stats stats;
};
#define DISPL_VIEW_NO_CONN UINT32_MAX

/* Calls fn for every connector of every device of vdispl (the backend
 * created with displ_xb_impl), and once with DISPL_VIEW_NO_CONN for a
 * device that has none. From the loop thread only. */
void displ_for_each_conn(struct xb_backend *vdispl,
			 void (*fn)(const struct displ_conn_view *view,
				    void *data),
			 void *data);

/* type "vdispl"; backend_ctx must be a struct displ_ctx *. */
extern const struct xb_impl displ_xb_impl;

#endif
