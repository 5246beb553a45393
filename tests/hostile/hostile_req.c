/* What the hostile guest sends: raw requests one at a time or straight
 * into the ring in batches, buffers and page directories built by hand
 * (bent as a case asks), and a hand-played frontend handshake for the
 * XenStore cases. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gsim.h"
#include "hostile.h"
#include "loop.h"
#include "toolstack.h"

#define RING_SLOTS H_RING_SLOTS
#define REFS_PER_DIR                                                           \
	((GSIM_PAGE_SIZE - offsetof(struct xendispl_page_directory, gref)) /   \
	 sizeof(grant_ref_t))

static struct drm_front *bad_front(struct hfix *fx)
{
	return fx->bad ? xensim_guest_drm(fx->bad) : NULL;
}

int hreq(struct hfix *fx, unsigned conn, struct xendispl_req *req,
	 int32_t *status)
{
	struct drm_front *f = bad_front(fx);

	if (!f)
		return -ENOTCONN;
	req->id = drm_front_next_id(f, conn);
	return drm_front_send_raw_sync(f, conn, req, status);
}

int hreq_batch(struct hfix *fx, unsigned conn, struct xendispl_req *reqs,
	       unsigned n, int32_t *st, bool keep_ids)
{
	struct drm_front *f = bad_front(fx);
	struct xen_displif_sring *s = f ? drm_front_req_page(f, conn) : NULL;
	uint64_t end = loop_now_ns() + 5000000000ull * (fx->valgrind ? 8 : 1);
	RING_IDX prod;
	uint16_t id;

	if (!s || n == 0 || n > RING_SLOTS)
		return -EINVAL;
	prod = s->req_prod;
	id = drm_front_next_id(f, conn);
	for (unsigned i = 0; i < n; i++) {
		if (!keep_ids)
			reqs[i].id = (uint16_t)(id + i);
		memcpy(&s->ring[(prod + i) & (RING_SLOTS - 1)].req, &reqs[i],
		       sizeof(reqs[i]));
	}
	drm_front_ring_set_req_prod(f, conn, prod + n);
	drm_front_notify(f, conn, 1);
	while ((RING_IDX)(s->rsp_prod - prod) < n) {
		if (loop_now_ns() > end || !fx->bad)
			return -ETIMEDOUT;
		loop_dispatch(fx->vf.loop, 5);
	}
	for (unsigned i = 0; i < n; i++) {
		const struct xendispl_resp *r =
			&s->ring[(prod + i) & (RING_SLOTS - 1)].rsp;

		if (r->id != reqs[i].id)
			return -EPROTO;
		st[i] = r->status;
	}
	return 0;
}

static struct xendispl_req req_of(uint8_t op)
{
	struct xendispl_req r;

	memset(&r, 0, sizeof(r));
	r.operation = op;
	return r;
}

struct xendispl_req hr_dbuf(uint64_t cookie, uint32_t w, uint32_t h,
			    uint32_t bpp, uint32_t size, uint32_t dir)
{
	struct xendispl_req r = req_of(XENDISPL_OP_DBUF_CREATE);

	r.op.dbuf_create.dbuf_cookie = cookie;
	r.op.dbuf_create.width = w;
	r.op.dbuf_create.height = h;
	r.op.dbuf_create.bpp = bpp;
	r.op.dbuf_create.buffer_sz = size;
	r.op.dbuf_create.gref_directory = dir;
	return r;
}

struct xendispl_req hr_dbuf_destroy(uint64_t cookie)
{
	struct xendispl_req r = req_of(XENDISPL_OP_DBUF_DESTROY);

	r.op.dbuf_destroy.dbuf_cookie = cookie;
	return r;
}

struct xendispl_req hr_fb(uint64_t dbuf, uint64_t fb, uint32_t w, uint32_t h,
			  uint32_t fourcc)
{
	struct xendispl_req r = req_of(XENDISPL_OP_FB_ATTACH);

	r.op.fb_attach.dbuf_cookie = dbuf;
	r.op.fb_attach.fb_cookie = fb;
	r.op.fb_attach.width = w;
	r.op.fb_attach.height = h;
	r.op.fb_attach.pixel_format = fourcc;
	return r;
}

struct xendispl_req hr_fb_detach(uint64_t fb)
{
	struct xendispl_req r = req_of(XENDISPL_OP_FB_DETACH);

	r.op.fb_detach.fb_cookie = fb;
	return r;
}

struct xendispl_req hr_config(uint64_t fb, uint32_t x, uint32_t y,
			      uint32_t w, uint32_t h)
{
	struct xendispl_req r = req_of(XENDISPL_OP_SET_CONFIG);

	r.op.set_config.fb_cookie = fb;
	r.op.set_config.x = x;
	r.op.set_config.y = y;
	r.op.set_config.width = w;
	r.op.set_config.height = h;
	r.op.set_config.bpp = 32;
	return r;
}

struct xendispl_req hr_flip(uint64_t fb)
{
	struct xendispl_req r = req_of(XENDISPL_OP_PG_FLIP);

	r.op.pg_flip.fb_cookie = fb;
	return r;
}

struct xendispl_req hr_edid(uint32_t dir, uint32_t size)
{
	struct xendispl_req r = req_of(XENDISPL_OP_GET_EDID);

	r.op.get_edid.gref_directory = dir;
	r.op.get_edid.buffer_sz = size;
	return r;
}

/* ---- buffers ---- */

static int grant_run(struct gsim_domain *d, int64_t pfn, uint32_t n,
		     uint32_t to, bool ro, uint32_t *refs)
{
	for (uint32_t i = 0; i < n; i++) {
		int64_t ref = gsim_grant(d, to, (uint32_t)pfn + i, ro);

		if (ref <= 0)
			return -1;
		refs[i] = (uint32_t)ref;
	}
	return 0;
}

static void fill_dir(struct gsim_domain *d, int64_t dir_pfn, uint32_t ndir,
		     const uint32_t *dir_refs, const uint32_t *refs,
		     uint32_t npages, unsigned flags)
{
	for (uint32_t i = 0; i < ndir; i++) {
		struct xendispl_page_directory *p =
			gsim_page(d, (uint32_t)dir_pfn + i);
		uint32_t first = i * (uint32_t)REFS_PER_DIR;
		uint32_t n = npages - first;

		if (n > REFS_PER_DIR)
			n = (uint32_t)REFS_PER_DIR;
		memset(p, 0, GSIM_PAGE_SIZE);
		p->gref_dir_next_page = i + 1 < ndir ? dir_refs[i + 1] : 0;
		if ((flags & HB_DIR_LOOP) && i == 1)
			p->gref_dir_next_page = dir_refs[0];
		if ((flags & HB_DIR_SELF) && i == 0)
			p->gref_dir_next_page = dir_refs[0];
		if ((flags & HB_DIR_SHORT) && i + 2 == ndir)
			p->gref_dir_next_page = 0;
		if (refs)
			memcpy(p->gref, &refs[first], n * sizeof(*refs));
	}
}

static uint32_t make_data(struct gsim_domain *d, uint32_t npages,
			  unsigned flags, uint32_t *refs)
{
	int64_t pfn;

	if (flags & HB_DATA_ZERO)
		return 0; /* refs stay 0 */
	if (flags & HB_DATA_BOGUS) {
		for (uint32_t i = 0; i < npages; i++)
			refs[i] = 0x7ff00000u + i;
		return 0;
	}
	pfn = gsim_alloc_pages(d, npages);
	if (pfn < 0)
		return 1;
	return grant_run(d, pfn, npages,
			 (flags & HB_DATA_FOREIGN) ? H_FOREIGN_DOMID : 0,
			 (flags & HB_DATA_RO) != 0, refs) < 0;
}

uint32_t hbuf_make(struct hfix *fx, uint32_t npages, unsigned flags)
{
	struct gsim_domain *d = hbad_domain(fx);
	uint32_t ndir = (npages + (uint32_t)REFS_PER_DIR - 1) /
			(uint32_t)REFS_PER_DIR;
	uint32_t *refs = calloc(npages ? npages : 1, sizeof(*refs));
	uint32_t *dir_refs = calloc(ndir ? ndir : 1, sizeof(*dir_refs));
	uint32_t first = 0;
	int64_t dir_pfn;

	if (!d || !refs || !dir_refs || ndir == 0)
		goto out;
	if (!(flags & HB_NO_DATA) && make_data(d, npages, flags, refs) != 0)
		goto out;
	dir_pfn = gsim_alloc_pages(d, ndir);
	if (dir_pfn < 0 ||
	    grant_run(d, dir_pfn, ndir,
		      (flags & HB_DIR_FOREIGN) ? H_FOREIGN_DOMID : 0,
		      (flags & HB_DIR_RO) != 0, dir_refs) < 0)
		goto out;
	fill_dir(d, dir_pfn, ndir, dir_refs,
		 (flags & HB_NO_DATA) ? NULL : refs, npages, flags);
	first = dir_refs[0];
out:
	free(refs);
	free(dir_refs);
	if (!first)
		fprintf(stderr, "  building a %u-page buffer failed\n", npages);
	return first;
}

int hfb_make(struct hfix *fx, uint64_t dbuf, uint64_t fb, uint32_t w,
	     uint32_t h)
{
	uint32_t size = w * h * 4;
	uint32_t dir = hbuf_make(fx, (size + GSIM_PAGE_SIZE - 1) /
					     GSIM_PAGE_SIZE, 0);

	HCHECK(dir != 0);
	HEXPECT_OK(fx, 0, hr_dbuf(dbuf, w, h, 32, size, dir));
	HEXPECT_OK(fx, 0, hr_fb(dbuf, fb, w, h, H_FMT_XRGB8888));
	return 0;
}

/* ---- the hand-played frontend ---- */

static void ignore_event(void *data)
{
	(void)data;
}

static bool be_initwait(void *data)
{
	return hbad_be_state(data) == XenbusStateInitWait;
}

static int64_t shared_page(struct gsim_domain *d, bool ring, unsigned flags,
			   bool ro, bool foreign)
{
	int64_t pfn = gsim_alloc_pages(d, 1);
	int64_t ref;

	if (pfn < 0)
		return -1;
	memset(gsim_page(d, (uint32_t)pfn), 0, GSIM_PAGE_SIZE);
	if (ring)
		SHARED_RING_INIT((struct xen_displif_sring *)gsim_page(
			d, (uint32_t)pfn));
	ref = gsim_grant(d, foreign ? H_FOREIGN_DOMID : 0, (uint32_t)pfn, ro);
	(void)flags;
	return ref;
}

static int write_u(struct hfix *fx, unsigned conn, const char *node,
		   int64_t v, const char *override)
{
	char path[64], val[24];

	snprintf(path, sizeof(path), "%u/%s", conn, node);
	snprintf(val, sizeof(val), "%lld", (long long)v);
	return hxs_write(fx, fx->bad_domid, path,
			 conn == 0 && override ? override : val);
}

static int share_conn(struct hfix *fx, unsigned i, unsigned flags,
		      const char *ring_ref, const char *port)
{
	struct gsim_domain *d = hbad_domain(fx);
	int64_t req = shared_page(d, true, flags, flags & HMF_RING_RO,
				  flags & HMF_RING_FOREIGN);
	int64_t evt = shared_page(d, false, flags, flags & HMF_EVT_RO, false);
	int64_t p1 = gsim_evtchn_alloc_unbound(d, 0, ignore_event, NULL);
	int64_t p2 = gsim_evtchn_alloc_unbound(d, 0, ignore_event, NULL);
	int ret = 0;

	if (req <= 0 || evt <= 0 || p1 <= 0 || p2 <= 0)
		return -1;
	/* Revoked after the event page took its ref, so that ref number is
	 * not handed out again under the ring's name. */
	if ((flags & HMF_RING_REVOKED) && gsim_ungrant(d, (uint32_t)req) < 0)
		return -1;
	if (flags & HMF_NO_PORT)
		p1 = 4000;
	if (!(flags & HMF_NO_RING_REF))
		ret |= write_u(fx, i, XENDISPL_FIELD_REQ_RING_REF, req,
			       ring_ref);
	ret |= write_u(fx, i, XENDISPL_FIELD_REQ_CHANNEL, p1, port);
	ret |= write_u(fx, i, XENDISPL_FIELD_EVT_RING_REF, evt, NULL);
	ret |= write_u(fx, i, XENDISPL_FIELD_EVT_CHANNEL, p2, NULL);
	return ret ? -1 : 0;
}

int hmf_start(struct hfix *fx, unsigned conns, unsigned flags,
	      const char *ring_ref, const char *port)
{
	if (!vd_fixture_pump_until(&fx->vf, be_initwait, fx, fx->valgrind ? 40000 : 5000)) {
		fprintf(stderr, "  backend never reached InitWait (state %d)\n",
			hbad_be_state(fx));
		return -1;
	}
	for (unsigned i = 0; i < conns; i++) {
		if (share_conn(fx, i, flags, ring_ref, port) < 0) {
			fprintf(stderr, "  sharing connector %u failed\n", i);
			return -1;
		}
	}
	hbad_clear_seen(fx);
	return hxs_write(fx, fx->bad_domid, "state", "3") < 0 ? -1 : 0;
}
