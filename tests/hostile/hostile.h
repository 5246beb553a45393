/* The hostile-guest catalogue: one process runs the Xen simulator on its
 * own loop, a real Weston, vdispld as a child process, a well-behaved guest
 * flipping at full rate, and one hostile guest per case.
 *
 * A case sets up what it needs (hbad_create / hmf_start), acts (raw
 * requests, ring writes, notifications, XenStore writes, destroy) and
 * asserts what the hostile guest got: an error status, or its device
 * closed. The runner then checks, for every case, that vdispld is alive,
 * that the good guest kept flipping in order at full rate during and after
 * the case, and that destroying the hostile guest gave back every mapping,
 * binding and shared page it held in vdispld. */
#ifndef HOSTILE_H
#define HOSTILE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "ring_compat.h" /* before displif.h: the ring barriers */

#include <xen/io/xenbus.h>

#include "drm_front.h"
#include "toolstack.h"
#include "vd_fixture.h"

struct xensim_guest;
struct gsim_domain;
struct xs_srv_watch;

/* The limits in the settings file the fixture gives vdispld (small, so the
 * limit cases stay quick). */
#define H_MAX_DBUFS 32u
#define H_MAX_FBS 32u
#define H_MAX_MAPPED_MB 16u
#define H_CONN_W 320u
#define H_CONN_H 240u
#define H_FOREIGN_DOMID 99u /* a domain that is not the backend */
/* DRM fourcc codes (drm_fourcc.h) of the formats the cases use. */
#define H_FMT_XRGB8888 0x34325258u /* 'XR24' */
#define H_FMT_RGB565 0x36314752u   /* 'RG16' */

/* The shared fixture (tests/common/vd_fixture.h) plus the good guest and
 * the current hostile one. */
struct hfix {
	struct vd_fixture vf;
	struct xensim_guest *good;
	bool valgrind;
	unsigned min_rate; /* good guest flip events per second, at least */
	uint32_t next_domid;

	/* The current hostile guest (NULL: none). */
	struct xensim_guest *bad;
	uint32_t bad_domid;
	char be_path[128], fe_path[128];
	struct xs_srv_watch *be_watch;
	unsigned be_seen; /* bit n: backend state n seen since hbad_clear */
	int be_state;
};

/* ---- fixture (hostile_fixture.c) ---- */
/* vdispld's -l for the next hfix_start: "debug" unless a suite (the log
 * suite, which counts lines at the operator's level) says otherwise. */
extern const char *hfix_vdispld_level;
/* RUNTIME_DIRECTORY=<fixture dir>: the status file at <dir>/status. */
extern bool hfix_status_file;
int hfix_start(struct hfix *fx, const char *vdispld, bool valgrind);
/* Stops everything; returns vdispld's exit status check (0 ok). */
int hfix_stop(struct hfix *fx);
struct drm_front *hfix_good_front(struct hfix *fx);

/* ---- the hostile guest ---- */
struct hbad_opts {
	unsigned conns;	   /* default 1 */
	bool be_alloc;
	bool defer;	   /* drivers not loaded: a manual frontend follows */
	bool protocol2;	   /* write version=2 before the frontend probes */
};
/* Creates the hostile guest and (unless defer) waits for Connected. */
struct drm_front *hbad_create(struct hfix *fx, const struct hbad_opts *o);
/* Destroys it ("xl destroy") and waits until vdispld holds nothing of it.
 * 0, or -1 (leak) with the counts printed. */
int hbad_destroy(struct hfix *fx);
/* Waits until vdispld holds no mapping, shared page, port or dma-buf of
 * domid (a guest that is gone). 0, or -1 with the counts printed. */
int hleak_wait(struct hfix *fx, uint32_t domid);
struct gsim_domain *hbad_domain(struct hfix *fx);
void hbad_clear_seen(struct hfix *fx);
/* Waits (up to ms) for the backend to close the device (Closing/Closed)
 * or to restart it (InitWait after Connected). */
bool hbad_wait_closed(struct hfix *fx, unsigned ms);
/* Reads the backend's state node (-1 if absent). */
int hbad_be_state(struct hfix *fx);
/* Writes a node as `caller`: path relative to the frontend dir if it does
 * not start with '/'. */
int hxs_write(struct hfix *fx, uint32_t caller, const char *path,
	      const char *value);

/* ---- raw requests (hostile_req.c) ---- */
/* Sends one request (id filled in) on conn and waits for its answer.
 * 0 and *status, or -errno (-ETIMEDOUT when vdispld never answered). */
int hreq(struct hfix *fx, unsigned conn, struct xendispl_req *req,
	 int32_t *status);
/* Puts n requests (ids filled in unless keep_ids) straight into the ring,
 * bumps req_prod once, notifies once, and waits for n responses; their
 * statuses go to st[]. 0 or -errno. */
int hreq_batch(struct hfix *fx, unsigned conn, struct xendispl_req *reqs,
	       unsigned n, int32_t *st, bool keep_ids);
/* Slots in one request ring. */
#define H_RING_SLOTS __CONST_RING_SIZE(xen_displif, 4096)
struct xendispl_req hr_dbuf(uint64_t cookie, uint32_t w, uint32_t h,
			    uint32_t bpp, uint32_t size, uint32_t dir);
struct xendispl_req hr_dbuf_destroy(uint64_t cookie);
struct xendispl_req hr_fb(uint64_t dbuf, uint64_t fb, uint32_t w, uint32_t h,
			  uint32_t fourcc);
struct xendispl_req hr_fb_detach(uint64_t fb);
struct xendispl_req hr_config(uint64_t fb, uint32_t x, uint32_t y,
			      uint32_t w, uint32_t h);
struct xendispl_req hr_flip(uint64_t fb);
struct xendispl_req hr_edid(uint32_t dir, uint32_t size);

/* Guest buffers built by hand: data pages and a page directory. */
enum hbuf_flags {
	HB_DATA_RO = 1u << 0,	   /* data pages granted read-only */
	HB_DIR_RO = 1u << 1,	   /* directory pages granted read-only */
	HB_DATA_FOREIGN = 1u << 2, /* data granted to another domain */
	HB_DIR_FOREIGN = 1u << 3,  /* directory granted to another domain */
	HB_DIR_LOOP = 1u << 4,	   /* second directory page points to the first */
	HB_DIR_SELF = 1u << 5,	   /* first directory page points to itself */
	HB_DIR_SHORT = 1u << 6,	   /* chain ends one page early */
	HB_DATA_ZERO = 1u << 7,	   /* data refs all 0 */
	HB_DATA_BOGUS = 1u << 8,   /* data refs never granted */
	HB_NO_DATA = 1u << 9,	   /* be-alloc: directory only */
};
/* npages of data; returns the first directory gref (> 0) or 0. */
uint32_t hbuf_make(struct hfix *fx, uint32_t npages, unsigned flags);
/* A valid dbuf + fb of w x h XRGB8888 on the hostile guest. 0 or -1. */
int hfb_make(struct hfix *fx, uint64_t dbuf, uint64_t fb, uint32_t w,
	     uint32_t h);

/* ---- manual frontend for XenStore cases (hostile_req.c) ---- */
enum hmf_flags {
	HMF_RING_RO = 1u << 0,
	HMF_EVT_RO = 1u << 1,
	HMF_RING_FOREIGN = 1u << 2,
	HMF_RING_REVOKED = 1u << 3,
	HMF_NO_RING_REF = 1u << 4,
	HMF_NO_PORT = 1u << 5, /* req-event-channel names an unallocated port */
};
/* With a deferred hostile guest: once the backend is InitWait, shares the
 * rings of `conns` connectors (flags bend them), writes their nodes and
 * Initialised as the guest. Overrides: if ring_ref / port are non-NULL
 * they are written instead. 0 or -1. */
int hmf_start(struct hfix *fx, unsigned conns, unsigned flags,
	      const char *ring_ref, const char *port);

/* ---- the catalogue ---- */
struct hcase {
	const char *group;
	const char *name;
	const char *asserts;
	int (*run)(struct hfix *fx);
};
extern const struct hcase hcases_ring[], hcases_dbuf[], hcases_dir[],
	hcases_fb[], hcases_xs[], hcases_state[], hcases_life[];

/* Checks inside cases: print and fail the case. */
#define HCHECK(cond)                                                           \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "  %s:%d: check failed: %s\n",         \
				__FILE__, __LINE__, #cond);                    \
			return -1;                                             \
		}                                                              \
	} while (0)
/* A request that must be refused. */
#define HEXPECT_ERR(fx, conn, reqv)                                            \
	do {                                                                   \
		struct xendispl_req hq_ = (reqv);                              \
		int32_t hst_ = 0;                                              \
		HCHECK(hreq((fx), (conn), &hq_, &hst_) == 0);                  \
		if (hst_ == 0) {                                               \
			fprintf(stderr, "  %s:%d: request accepted: %s\n",     \
				__FILE__, __LINE__, #reqv);                    \
			return -1;                                             \
		}                                                              \
	} while (0)
#define HEXPECT_OK(fx, conn, reqv)                                             \
	do {                                                                   \
		struct xendispl_req hq_ = (reqv);                              \
		int32_t hst_ = -1;                                             \
		HCHECK(hreq((fx), (conn), &hq_, &hst_) == 0);                  \
		if (hst_ != 0) {                                               \
			fprintf(stderr, "  %s:%d: status %d: %s\n", __FILE__,  \
				__LINE__, hst_, #reqv);                        \
			return -1;                                             \
		}                                                              \
	} while (0)

#endif
