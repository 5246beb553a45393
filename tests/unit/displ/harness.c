/* See harness.h. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <drm_fourcc.h>

#include "fake_xdomain.h"
#include "harness.h"
#include "loop.h"
#include "xen_grant.h"

static const char *const resolutions[H_MAX_CONNS] = { "800x600", "1024x768",
						      "640x480", "320x200" };

void h_init(struct harness *h, unsigned n_conns, const char *version,
	    bool be_alloc)
{
	memset(h, 0, sizeof(*h));
	fake_xen_reset();
	fake_xs_reset();
	h->loop = loop_create();
	assert_non_null(h->loop);
	fake_presenter_init(&h->pres);
	displ_ctx_init(&h->ctx, &h->pres.base, NULL, NULL);
	h->ctx.try_dmabuf = true;
	h->n_conns = n_conns;
	h->next_id = 1;

	fake_xs_write(H_BE "/frontend", H_FE);
	fake_xs_write(H_FE "/backend", H_BE);
	fake_xs_write(H_FE "/be-alloc", be_alloc ? "1" : "0");
	if (version)
		fake_xs_write(H_FE "/version", version);
	for (unsigned i = 0; i < n_conns && i < H_MAX_CONNS; i++) {
		struct h_conn *c = &h->conn[i];
		struct xen_displif_sring *sring;
		char path[128], val[32];

		c->req_ref = fake_guest_grant_new(H_DOMID, false);
		c->evt_ref = fake_guest_grant_new(H_DOMID, false);
		c->req_port = 20 + 2 * i;
		c->evt_port = 21 + 2 * i;
		sring = fake_guest_page(c->req_ref);
		SHARED_RING_INIT(sring);
		FRONT_RING_INIT(&c->front, sring, XGRANT_PAGE_SIZE);
		c->evt = fake_guest_page(c->evt_ref);

#define NODE(name, fmt, v)                                                     \
	do {                                                                   \
		snprintf(path, sizeof(path), H_FE "/%u/%s", i, name);          \
		snprintf(val, sizeof(val), fmt, v);                            \
		fake_xs_write(path, val);                                      \
	} while (0)
		NODE("resolution", "%s", resolutions[i]);
		NODE("unique-id", "c%u", i);
		NODE("req-ring-ref", "%u", c->req_ref);
		NODE("req-event-channel", "%u", c->req_port);
		NODE("evt-ring-ref", "%u", c->evt_ref);
		NODE("evt-event-channel", "%u", c->evt_port);
#undef NODE
	}
}

int h_connect(struct harness *h)
{
	struct xb_device *b;
	int ret;

	h->dev = calloc(1, displ_xb_impl.device_size);
	assert_non_null(h->dev);
	b = &h->dev->base;
	b->loop = h->loop;
	b->xs = fake_xs();
	b->domid = H_DOMID;
	b->devid = 0;
	b->be_path = strdup(H_BE);
	b->fe_path = strdup(H_FE);
	b->dom_name = strdup("domu");
	log_src_init(&b->log, 1, "vdispl", 0, "domu");
	b->backend_ctx = &h->ctx;
	ret = displ_xb_impl.probe(b);
	assert_int_equal(ret, 0);
	assert_string_equal(fake_xs_get(H_BE "/versions"), "1,2");
	ret = displ_xb_impl.connect(b);
	b->connected = ret == 0;
	return ret;
}

void h_setup(struct harness *h, unsigned n_conns, const char *version,
	     bool be_alloc)
{
	h_init(h, n_conns, version, be_alloc);
	assert_int_equal(h_connect(h), 0);
}

void h_disconnect(struct harness *h)
{
	if (h->dev && h->dev->base.connected) {
		displ_xb_impl.disconnect(&h->dev->base);
		h->dev->base.connected = false;
	}
}

void h_teardown(struct harness *h)
{
	h_disconnect(h);
	if (h->dev) {
		displ_xb_impl.remove(&h->dev->base);
		free(h->dev->base.be_path);
		free(h->dev->base.fe_path);
		free(h->dev->base.dom_name);
		free(h->dev);
	}
	/* Run what the device deferred, then drop the loop. */
	loop_dispatch(h->loop, 0);
	loop_destroy(h->loop);
	fake_xen_teardown();
	fake_xs_reset();
	fake_xdomain_set_type(XDOMAIN_UNKNOWN);
}

void h_push(struct harness *h, unsigned ci, struct xendispl_req *req)
{
	struct h_conn *c = &h->conn[ci];

	req->id = h->next_id++;
	*RING_GET_REQUEST(&c->front, c->front.req_prod_pvt) = *req;
	c->front.req_prod_pvt++;
	RING_PUSH_REQUESTS(&c->front);
}

void h_kick(struct harness *h, unsigned ci)
{
	assert_true(fake_evtchn_fire(h->conn[ci].req_port));
}

bool h_pop_resp(struct harness *h, unsigned ci, struct xendispl_resp *out)
{
	struct h_conn *c = &h->conn[ci];

	if (!RING_HAS_UNCONSUMED_RESPONSES(&c->front))
		return false;
	*out = *RING_GET_RESPONSE(&c->front, c->front.rsp_cons);
	c->front.rsp_cons++;
	return true;
}

int32_t h_call(struct harness *h, unsigned ci, struct xendispl_req *req,
	       struct xendispl_resp *out)
{
	struct xendispl_resp r = {0}, extra; /* gcc -O3: maybe-uninitialized */

	h_push(h, ci, req);
	h_kick(h, ci);
	assert_true(h_pop_resp(h, ci, &r));
	assert_false(h_pop_resp(h, ci, &extra));
	assert_int_equal(r.id, req->id);
	assert_int_equal(r.operation, req->operation);
	if (out)
		*out = r;
	return r.status;
}

static uint32_t build_dir(uint32_t npages, const uint32_t *data_refs,
			  uint32_t *dir_refs)
{
	uint32_t ndir = (npages + DISPL_GREFS_PER_DIR_PAGE - 1) /
			DISPL_GREFS_PER_DIR_PAGE;
	uint32_t refs[64] = { 0 }, done = 0;

	assert_true(ndir >= 1 && ndir <= 64);
	for (uint32_t i = 0; i < ndir; i++)
		refs[i] = fake_guest_grant_new(H_DOMID, false);
	for (uint32_t i = 0; i < ndir; i++) {
		struct xendispl_page_directory *pd = fake_guest_page(refs[i]);
		uint32_t n = npages - done;

		if (n > DISPL_GREFS_PER_DIR_PAGE)
			n = DISPL_GREFS_PER_DIR_PAGE;
		memset(pd, 0, XGRANT_PAGE_SIZE);
		pd->gref_dir_next_page = i + 1 < ndir ? refs[i + 1] : 0;
		if (data_refs)
			memcpy(pd->gref, &data_refs[done], n * sizeof(uint32_t));
		done += n;
		if (dir_refs && i < 8)
			dir_refs[i] = refs[i];
	}
	return refs[0];
}

uint32_t h_guest_buffer(struct harness *h, uint32_t npages,
			uint32_t *data_refs, uint32_t *dir_refs)
{
	uint32_t *refs = calloc(npages, sizeof(*refs)), first;

	(void)h;
	assert_non_null(refs);
	for (uint32_t i = 0; i < npages; i++)
		refs[i] = fake_guest_grant_new(H_DOMID, false);
	first = build_dir(npages, refs, dir_refs);
	if (data_refs)
		memcpy(data_refs, refs, npages * sizeof(*refs));
	free(refs);
	return first;
}

uint32_t h_guest_dir_only(struct harness *h, uint32_t npages,
			  uint32_t *dir_refs)
{
	(void)h;
	return build_dir(npages, NULL, dir_refs);
}

int32_t h_dbuf_create(struct harness *h, uint64_t cookie, uint32_t w,
		      uint32_t hgt, uint32_t bpp, uint32_t size,
		      uint32_t gref_dir)
{
	struct xendispl_req r = { .operation = XENDISPL_OP_DBUF_CREATE };

	r.op.dbuf_create = (struct xendispl_dbuf_create_req){
		.dbuf_cookie = cookie, .width = w, .height = hgt, .bpp = bpp,
		.buffer_sz = size, .gref_directory = gref_dir,
	};
	return h_call(h, 0, &r, NULL);
}

int32_t h_fb_attach(struct harness *h, uint64_t fb, uint64_t dbuf, uint32_t w,
		    uint32_t hgt, uint32_t fourcc)
{
	struct xendispl_req r = { .operation = XENDISPL_OP_FB_ATTACH };

	r.op.fb_attach = (struct xendispl_fb_attach_req){
		.dbuf_cookie = dbuf, .fb_cookie = fb, .width = w,
		.height = hgt, .pixel_format = fourcc,
	};
	return h_call(h, 0, &r, NULL);
}

int32_t h_set_config(struct harness *h, unsigned ci, uint64_t fb, uint32_t x,
		     uint32_t y, uint32_t w, uint32_t hgt)
{
	struct xendispl_req r = { .operation = XENDISPL_OP_SET_CONFIG };

	r.op.set_config = (struct xendispl_set_config_req){
		.fb_cookie = fb, .x = x, .y = y, .width = w, .height = hgt,
		.bpp = 32,
	};
	return h_call(h, ci, &r, NULL);
}

int32_t h_flip(struct harness *h, unsigned ci, uint64_t fb)
{
	return h_simple(h, ci, XENDISPL_OP_PG_FLIP, fb);
}

/* Requests whose payload is one cookie at the start of op. */
int32_t h_simple(struct harness *h, unsigned ci, uint8_t op, uint64_t cookie)
{
	struct xendispl_req r = { .operation = op };

	r.op.pg_flip.fb_cookie = cookie;
	return h_call(h, ci, &r, NULL);
}

unsigned h_evt_pending(struct harness *h, unsigned ci)
{
	struct xendispl_event_page *p = h->conn[ci].evt;

	return p->in_prod - p->in_cons;
}

struct xendispl_evt h_evt_pop(struct harness *h, unsigned ci)
{
	struct xendispl_event_page *p = h->conn[ci].evt;
	struct xendispl_evt e;

	assert_true(p->in_prod != p->in_cons);
	e = XENDISPL_IN_RING_REF(p, p->in_cons);
	p->in_cons++;
	return e;
}

void h_make_fb(struct harness *h, uint64_t db, uint64_t fb, uint32_t w,
	       uint32_t hgt)
{
	uint32_t size = w * 4 * hgt;
	uint32_t dir = h_guest_buffer(h, PAGES(size), NULL, NULL);

	assert_int_equal(h_dbuf_create(h, db, w, hgt, 32, size, dir), 0);
	assert_int_equal(h_fb_attach(h, fb, db, w, hgt, XR24), 0);
}

struct h_snap h_snap(struct harness *h)
{
	return (struct h_snap){
		.dbufs = h->dev->n_dbufs, .fbs = h->dev->n_fbs,
		.maps = fake_live_maps(), .pages = fake_live_mapped_pages(),
		.shares = fake_live_shares(), .pres_fbs = h->pres.live_fbs,
		.mapped = h->dev->mapped_bytes,
	};
}

void h_assert_unchanged(struct harness *h, struct h_snap s)
{
	struct h_snap n = h_snap(h);

	assert_int_equal(n.dbufs, s.dbufs);
	assert_int_equal(n.fbs, s.fbs);
	assert_int_equal(n.maps, s.maps);
	assert_int_equal(n.pages, s.pages);
	assert_int_equal(n.shares, s.shares);
	assert_int_equal(n.pres_fbs, s.pres_fbs);
	assert_int_equal(n.mapped, s.mapped);
}
