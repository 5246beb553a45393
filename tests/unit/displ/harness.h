/* A guest behaving like Linux xen-drm-front, driven step by step, against
 * the real vdispl code over tests/common's fake_xen, fake_xstore and fake_presenter. */
#ifndef VDISPLD_TEST_DISPL_HARNESS_H
#define VDISPLD_TEST_DISPL_HARNESS_H

#include <drm_fourcc.h>

#include "displ_priv.h"
#include "fake_presenter.h"
#include "fake_xen.h"
#include "fake_xstore.h"

#define H_DOMID 1u
#define H_MAX_CONNS 4u
#define H_FE "/local/domain/1/device/vdispl/0"
#define H_BE "/local/domain/0/backend/vdispl/1/0"

struct h_conn {
	uint32_t req_ref, evt_ref, req_port, evt_port;
	struct xen_displif_front_ring front;
	struct xendispl_event_page *evt;
};

struct harness {
	struct loop *loop;
	struct fake_presenter pres;
	struct displ_ctx ctx;
	struct displ_device *dev;
	unsigned n_conns;
	struct h_conn conn[H_MAX_CONNS];
	uint16_t next_id;
};

/* Fresh fakes and XenStore nodes for n_conns connectors (800x600,
 * 1024x768, ...), protocol version (NULL: node absent), be-alloc. */
void h_init(struct harness *h, unsigned n_conns, const char *version,
	    bool be_alloc);
/* probe + connect; returns connect's result. */
int h_connect(struct harness *h);
/* h_init + h_connect, asserting success. */
void h_setup(struct harness *h, unsigned n_conns, const char *version,
	     bool be_alloc);
/* disconnect (if connected) and free everything. */
void h_teardown(struct harness *h);
void h_disconnect(struct harness *h);

/* Guest side of the request ring. */
void h_push(struct harness *h, unsigned ci, struct xendispl_req *req);
void h_kick(struct harness *h, unsigned ci);
bool h_pop_resp(struct harness *h, unsigned ci, struct xendispl_resp *out);
/* push + kick + exactly one response; returns its status. */
int32_t h_call(struct harness *h, unsigned ci, struct xendispl_req *req,
	       struct xendispl_resp *out);

/* Guest buffer of npages granted pages with a page directory chained over
 * as many pages as needed; returns the first directory ref. data_refs
 * (optional) gets the data refs; dir_refs (optional, >= 8) the directory's. */
uint32_t h_guest_buffer(struct harness *h, uint32_t npages,
			uint32_t *data_refs, uint32_t *dir_refs);
/* Directory pages only, chained, gref[] left zero (backend allocation). */
uint32_t h_guest_dir_only(struct harness *h, uint32_t npages,
			  uint32_t *dir_refs);

/* Cookies as the real frontend's (kernel addresses), and the usual sizes. */
#define XR24 DRM_FORMAT_XRGB8888
#define DB1 0xffff888006cfc200ull
#define DB2 0xffff888005d84e00ull
#define FB1 0xffff888006ceb600ull
#define FB2 0xffff888006ceb400ull
#define PAGES(sz) (((sz) + 4095u) / 4096u)

int32_t h_dbuf_create(struct harness *h, uint64_t cookie, uint32_t w,
		      uint32_t hgt, uint32_t bpp, uint32_t size,
		      uint32_t gref_dir);
int32_t h_fb_attach(struct harness *h, uint64_t fb, uint64_t dbuf, uint32_t w,
		    uint32_t hgt, uint32_t fourcc);
/* An XR24 dumb buffer + fb of w x hgt, as modetest makes them; asserts
 * both requests succeed. */
void h_make_fb(struct harness *h, uint64_t db, uint64_t fb, uint32_t w,
	       uint32_t hgt);
int32_t h_set_config(struct harness *h, unsigned ci, uint64_t fb, uint32_t x,
		     uint32_t y, uint32_t w, uint32_t hgt);
int32_t h_flip(struct harness *h, unsigned ci, uint64_t fb);
int32_t h_simple(struct harness *h, unsigned ci, uint8_t op, uint64_t cookie);

/* What a refused request must not change: the device's dbufs, fbs and
 * mapped bytes, the fake Xen's live maps, pages and shares, the
 * presenter's fbs. */
struct h_snap {
	unsigned dbufs, fbs, maps, pages, shares, pres_fbs;
	uint64_t mapped;
};
struct h_snap h_snap(struct harness *h);
void h_assert_unchanged(struct harness *h, struct h_snap s);

/* Guest side of the event page. */
unsigned h_evt_pending(struct harness *h, unsigned ci);
struct xendispl_evt h_evt_pop(struct harness *h, unsigned ci);

#endif
