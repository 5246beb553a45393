/* vdispl internals shared by the files of src/displ (and its unit tests).
 * Not a public interface. */
#ifndef VDISPLD_DISPL_PRIV_H
#define VDISPLD_DISPL_PRIV_H

/* Userspace build of the Xen ring macros: ask for the current interface
 * and give them C11 fences as their barriers. */
#ifndef __XEN_TOOLS__
#define __XEN_TOOLS__ 1
#endif
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#ifndef xen_mb
#define xen_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define xen_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define xen_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#endif
#include <xen/errno.h>
#include <xen/io/displif.h>

#include "displ.h"
#include "displ_formats.h"
#include "log.h"
#include "xenbus.h"

struct loop_source;
struct xevtchn_port;
struct pres_conn;
struct pres_fb;
struct prefault_job;
struct displ_device;
struct displ_release;

/* An exported dma-buf whose fd we closed but the grant device does not call
 * released yet: fd keeps the export's fd number taken (see export_close). */
struct displ_export_wait {
	int fd;
	uint32_t handle;
	uint64_t cookie;
};

/* Grant refs in one page-directory page after its next-page header. */
#define DISPL_GREFS_PER_DIR_PAGE                                               \
	((4096u - offsetof(struct xendispl_page_directory, gref)) /            \
	 sizeof(grant_ref_t))
/* Events held back while the guest's event ring is full. */
#define DISPL_EVT_HOLD 32u
/* Upper bound for max_flips_in_flight (array size). */
#define DISPL_MAX_FLIPS_IN_FLIGHT 32u

struct displ_dbuf {
	struct displ_dbuf *next;
	uint64_t cookie;
	uint32_t width, height;
	uint32_t bits_per_pixel; /* the request's bpp; all 0: a PRIME import */
	uint32_t size;		     /* buffer_sz */
	uint32_t data_ofs;
	uint32_t npages;
	uint32_t *refs;	 /* npages data refs (ours when be_alloc) */
	void *map;	 /* npages pages, mapped once at create */
	bool be_alloc;	 /* pages are ours, shared to the guest */
	bool imported;	 /* be_alloc from our own dma-buf (zero copy) */
	int dmabuf_fd;	 /* -1 without zero copy */
	int dmabuf_err;	 /* why dmabuf_fd is -1 (pres_fb_desc.dmabuf_error) */
	const char *dmabuf_why; /* its known cause (pres_fb_desc.dmabuf_why) */
	uint32_t dmabuf_wait;
	unsigned n_fbs; /* fbs attached to it */
	struct prefault_job *prefault; /* copy path: map faulting in */
};

struct displ_fb {
	struct displ_fb *next;
	uint64_t cookie;
	struct displ_dbuf *dbuf;
	const struct pixel_format *fmt;
	uint32_t width, height, stride;
	struct pres_fb *pres;
};

struct displ_conn {
	struct displ_device *dev;
	uint32_t index;
	char unique_id[DISPL_MAX_UNIQUE_ID + 1];
	uint32_t width, height;
	uint32_t req_ref, req_port, evt_ref, evt_port;

	struct xen_displif_back_ring ring;
	void *req_page;
	struct xendispl_event_page *evt_page;
	struct xevtchn_port *req_chan, *evt_chan;
	struct pres_conn *pres;
	struct loop_source *more;     /* deferred ring re-run */
	struct loop_source *evt_retry; /* timer while events are held */
	bool broken;

	/* The fb set by SET_CONFIG / last PG_FLIP, and its offset. */
	struct displ_fb *cur_fb;
	uint32_t x, y;

	/* Cookies of shows the presenter has not reported done, in order. */
	uint64_t flips[DISPL_MAX_FLIPS_IN_FLIGHT];
	unsigned flip_head, flip_len;

	/* Our producer index: never re-read from the guest's page. */
	uint32_t evt_prod;
	uint16_t evt_id;
	uint64_t held[DISPL_EVT_HOLD];
	unsigned held_head, held_len;
	uint64_t evt_dropped;
};

struct displ_device {
	struct xb_device base; /* first: xenbus allocates device_size */
	struct displ_ctx *ctx;
	unsigned protocol;     /* 1 or 2, from the frontend's "version" */
	bool be_alloc;
	/* An x86 PV guest: be-alloc is refused (docs/be-alloc-pv.md). */
	bool guest_pv;
	/* The be-alloc-on-PV warning was logged: once per device, not on
	 * every reconnect of its frontend. */
	bool pv_warned;
	/* The domain we run in, read once at the first refused export. */
	int own_domid;
	bool own_domid_read;
	uint32_t n_conns;
	struct displ_conn *conns;
	struct displ_dbuf *dbufs;
	struct displ_fb *fbs;
	unsigned n_dbufs, n_fbs;
	uint64_t mapped_bytes;
	struct loop_source *fail_later;
	int fail_err;
	/* DBUF_DESTROY replies waiting for the compositor (displ_release.c). */
	struct displ_release *releases;
	/* Refusals (displ_ops.c): why the current request was refused, and
	 * which (operation, status) causes were already shown at warn. */
	char refuse_why[128];
	uint64_t refused_seen[8];
};

static inline struct displ_device *displ_device_from_xb(struct xb_device *d)
{
	return (struct displ_device *)d;
}

#define displ_log(lvl, conn, ...)                                               \
	log_src_msg(lvl, &(conn)->dev->base.log, (int)(conn)->index,           \
		    __VA_ARGS__)

/* --trace lines (at lvl: info with --trace, else debug): every one, not
 * rate-limited. */
#define displ_trace(lvl, conn, ...)                                            \
	log_src_every(lvl, &(conn)->dev->base.log, (int)(conn)->index,         \
		      __VA_ARGS__)

/* displ_xs.c: XenStore parsing. */
int displ_parse_resolution(const char *s, uint32_t *w, uint32_t *h);
int displ_xs_read_config(struct displ_device *d);

/* displ_ring.c: request ring consumer, event ring producer. */
int displ_conn_connect(struct displ_conn *c);
void displ_conn_disconnect(struct displ_conn *c);
void displ_conn_process(struct displ_conn *c);
void displ_conn_send_flip_evt(struct displ_conn *c, uint64_t cookie);
void displ_conn_flush_held(struct displ_conn *c);
/* Writes one response outside the consume loop (a held reply), pushes it
 * and notifies. Nothing if the connector is down or broken. */
void displ_conn_reply(struct displ_conn *c, const struct xendispl_resp *r);

/* displ_dbuf.c: dbuf/fb tables and page directories. All return 0 or a
 * negative XEN_E* status for the guest. */
struct displ_dbuf *displ_dbuf_find(struct displ_device *d, uint64_t cookie);
struct displ_fb *displ_fb_find(struct displ_device *d, uint64_t cookie);
int displ_dir_walk(struct displ_device *d, uint32_t first_ref,
		   uint32_t npages, uint32_t *refs, bool fill);
int displ_dbuf_create(struct displ_device *d,
		      const struct xendispl_dbuf_create_req *r);
/* On success with the dbuf's export still held, *held (if not NULL)
 * gets the wait (fd >= 0, the caller's now); else held->fd is -1. */
int displ_dbuf_destroy(struct displ_device *d, uint64_t cookie,
		       struct displ_export_wait *held);
int displ_fb_attach(struct displ_device *d,
		    const struct xendispl_fb_attach_req *r);
int displ_fb_detach(struct displ_device *d, uint64_t cookie);
void displ_tables_clear(struct displ_device *d);

/* displ_mem.c: size bytes of display memory for a be-alloc buffer as a
 * dma-buf (or memfd) fd; *kind says which. -errno on failure. */
int displ_mem_alloc(size_t size, const char **kind);

/* displ_ops.c: says why the request being handled is refused (shown
 * with the refusal, see displ_handle_request). Returns status. */
int displ_refuse(struct displ_device *d, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* displ_ops.c: one call per request; fills resp->status (and payload).
 * Returns false when the reply is held (displ_release answers later). */
bool displ_handle_request(struct displ_conn *c, const struct xendispl_req *req,
			  struct xendispl_resp *resp);
const char *displ_op_name(uint8_t op);
void displ_conn_flip_done(void *data, struct pres_fb *fb);

/* displ_release.c: holds resp (a DBUF_DESTROY reply on c) until the
 * export in *w is released or limits.release_wait_ms passed. Takes w->fd
 * on success (0); on failure (-errno) the caller replies now. */
int displ_release_hold(struct displ_conn *c, const struct xendispl_resp *resp,
		       const struct displ_export_wait *w);
/* Disconnect: drops every held reply unanswered (the ring is going). */
void displ_release_cancel_all(struct displ_device *d);

/* displ_device.c */
void displ_device_fail_later(struct displ_device *d, int err);

#endif
