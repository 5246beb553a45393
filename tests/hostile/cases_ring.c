/* Hostile cases on the transport: ring indexes, requests rewritten under
 * the backend, garbage slots, floods of requests and notifications, and
 * a lying event page. */
#include <stddef.h>
#include <string.h>

#include "gsim.h"
#include "hostile.h"
#include "loop.h"

static struct xen_displif_sring *bad_ring(struct hfix *fx)
{
	struct drm_front *f = hbad_create(fx, NULL);

	return f ? drm_front_req_page(f, 0) : NULL;
}

static int set_prod_expect_close(struct hfix *fx, uint32_t prod)
{
	struct drm_front *f = xensim_guest_drm(fx->bad);

	HCHECK(drm_front_ring_set_req_prod(f, 0, prod) == 0);
	HCHECK(drm_front_notify(f, 0, 1) == 0);
	HCHECK(hbad_wait_closed(fx, 3000));
	return 0;
}

static int req_prod_ahead(struct hfix *fx)
{
	struct xen_displif_sring *s = bad_ring(fx);

	HCHECK(s);
	return set_prod_expect_close(fx, s->req_prod + 1000);
}

static int req_prod_one_past(struct hfix *fx)
{
	struct xen_displif_sring *s = bad_ring(fx);

	HCHECK(s);
	return set_prod_expect_close(fx, s->rsp_prod + H_RING_SLOTS + 1);
}

static int req_prod_wrap(struct hfix *fx)
{
	HCHECK(bad_ring(fx));
	return set_prod_expect_close(fx, 0xffffffffu);
}

static int req_prod_behind(struct hfix *fx)
{
	struct xen_displif_sring *s = bad_ring(fx);

	HCHECK(s);
	HEXPECT_ERR(fx, 0, hr_fb_detach(77));
	HEXPECT_ERR(fx, 0, hr_fb_detach(78));
	return set_prod_expect_close(fx, s->req_prod - 2);
}

/* The slot of an answered request is rewritten into a destroy of what it
 * created: the backend must not read it again. */
static int rewrite_after_read(struct hfix *fx)
{
	struct xen_displif_sring *s = bad_ring(fx);
	struct xendispl_req evil = hr_dbuf_destroy(0x51);
	struct drm_front *f;
	RING_IDX slot, rsp;
	uint32_t dir;

	HCHECK(s);
	f = xensim_guest_drm(fx->bad);
	dir = hbuf_make(fx, 1, 0);
	HCHECK(dir);
	HEXPECT_OK(fx, 0, hr_dbuf(0x51, 32, 32, 32, 4096, dir));
	slot = s->req_prod - 1;
	rsp = s->rsp_prod;
	evil.id = drm_front_next_id(f, 0) - 1;
	HCHECK(drm_front_ring_write(f, 0,
				    offsetof(struct xen_displif_sring, ring) +
					    (slot & (H_RING_SLOTS - 1)) *
						    sizeof(s->ring[0]),
				    &evil, sizeof(evil)) == 0);
	HCHECK(drm_front_notify(f, 0, 50) == 0);
	vd_fixture_pump(&fx->vf, 200);
	HCHECK(s->rsp_prod == rsp);
	/* Still there: creating it again is refused. */
	HEXPECT_ERR(fx, 0, hr_dbuf(0x51, 32, 32, 32, 4096, dir));
	HEXPECT_OK(fx, 0, hr_dbuf_destroy(0x51));
	return 0;
}

/* Requests rewritten right after req_prod is published: whatever version
 * the backend copied, it must be the one it validated and used. The two
 * versions differ only in the width/height word, each invalid in a
 * different half (height 0, width 0); their mix (32x32) is valid. A
 * backend reading the request twice (validate one read, use another) can
 * see the mix. One copy of the slot cannot: the word is rewritten with
 * single aligned 8-byte stores, and any copy reads it whole. (Versions
 * differing in two words, as this case once had, tear legitimately: a copy
 * made of 16-byte loads can take one word from each version.) */
#define WH_OFS offsetof(struct xendispl_req, op.dbuf_create.width)
_Static_assert(WH_OFS % 8 == 0 &&
		       offsetof(struct xendispl_req, op.dbuf_create.height) ==
			       WH_OFS + 4,
	       "width and height share one aligned 8-byte word");

#define REWRITES_MAX 2000000u /* a few ms */

static uint64_t wh_word(const struct xendispl_req *r)
{
	uint64_t w;

	memcpy(&w, (const char *)r + WH_OFS, sizeof(w));
	return w;
}

static int rewrite_race(struct hfix *fx)
{
	struct xen_displif_sring *s = bad_ring(fx);
	struct drm_front *f;
	uint32_t dir;
	unsigned ok = 0;

	HCHECK(s);
	f = xensim_guest_drm(fx->bad);
	dir = hbuf_make(fx, 1, 0);
	HCHECK(dir);
	for (unsigned i = 0; i < 100; i++) {
		struct xendispl_req a = hr_dbuf(0x1000 + i, 32, 0, 32, 4096, dir);
		struct xendispl_req b = hr_dbuf(0x1000 + i, 0, 32, 32, 4096, dir);
		uint64_t wa = wh_word(&a), wb = wh_word(&b);
		RING_IDX p = s->req_prod;
		struct xendispl_req *slot = &s->ring[p & (H_RING_SLOTS - 1)].req;
		volatile uint64_t *wh =
			(volatile uint64_t *)(void *)((char *)slot + WH_OFS);
		uint64_t end = loop_now_ns() + 3000000000ull;

		a.id = b.id = (uint16_t)(0x4000 + i);
		memcpy(slot, &a, sizeof(a));
		drm_front_ring_set_req_prod(f, 0, p + 1);
		drm_front_notify(f, 0, 1);
		/* Rewrite until the backend answers (it needs nothing from
		 * this process to refuse): its read overlaps the rewriting. */
		for (unsigned k = 0; s->rsp_prod == p && k < REWRITES_MAX; k++)
			*wh = (k & 1) ? wa : wb;
		*wh = wa;
		while (s->rsp_prod == p && loop_now_ns() < end)
			loop_dispatch(fx->vf.loop, 1);
		HCHECK(s->rsp_prod == p + 1);
		ok += s->ring[p & (H_RING_SLOTS - 1)].rsp.status == 0;
	}
	HCHECK(ok == 0); /* only a double read can see 32x32 */
	return 0;
}

static int batch_all_err(struct hfix *fx, struct xendispl_req *r, unsigned n,
			 bool keep_ids)
{
	int32_t st[H_RING_SLOTS];

	HCHECK(hreq_batch(fx, 0, r, n, st, keep_ids) == 0);
	for (unsigned i = 0; i < n; i++) {
		if (st[i] == 0) {
			fprintf(stderr, "  request %u (op %u) accepted\n", i,
				r[i].operation);
			return -1;
		}
	}
	return 0;
}

static int garbage_ff(struct hfix *fx)
{
	struct xendispl_req r[16];

	HCHECK(bad_ring(fx));
	memset(r, 0xff, sizeof(r));
	return batch_all_err(fx, r, 16, false);
}

static int unknown_ops(struct hfix *fx)
{
	static const uint8_t ops[] = {0, 8, 9, 0x10, 0x40, 0x7f, 0x80, 0xfe};
	struct xendispl_req r[sizeof(ops)];

	HCHECK(bad_ring(fx));
	memset(r, 0, sizeof(r));
	for (unsigned i = 0; i < sizeof(ops); i++)
		r[i].operation = ops[i];
	return batch_all_err(fx, r, sizeof(ops), false);
}

static int every_op_ff(struct hfix *fx)
{
	struct xendispl_req r[7];

	HCHECK(bad_ring(fx));
	memset(r, 0xff, sizeof(r));
	for (unsigned i = 0; i < 7; i++)
		r[i].operation = (uint8_t)(XENDISPL_OP_DBUF_CREATE + i);
	return batch_all_err(fx, r, 7, false);
}

static int id_reuse(struct hfix *fx)
{
	struct xendispl_req r[16];

	HCHECK(bad_ring(fx));
	for (unsigned i = 0; i < 16; i++) {
		r[i] = hr_fb_detach(0xabc + i);
		r[i].id = 7;
	}
	return batch_all_err(fx, r, 16, true);
}

/* 10,000 requests as fast as responses come back. */
static int request_storm(struct hfix *fx)
{
	struct xendispl_req r[H_RING_SLOTS];

	HCHECK(bad_ring(fx));
	for (unsigned sent = 0; sent < 10000; sent += H_RING_SLOTS) {
		for (unsigned i = 0; i < H_RING_SLOTS; i++)
			r[i] = hr_flip(0xdead0000u + i);
		if (batch_all_err(fx, r, H_RING_SLOTS, false) < 0)
			return -1;
	}
	return 0;
}

/* 1,000,000 notifications on the request channel within about a second,
 * with the loop turning between bursts. */
static int notify_storm(struct hfix *fx)
{
	struct drm_front *f = hbad_create(fx, NULL);
	uint64_t t0 = loop_now_ns(), dt;

	HCHECK(f);
	for (unsigned i = 0; i < 100; i++) {
		HCHECK(drm_front_notify(f, 0, 10000) == 0);
		loop_dispatch(fx->vf.loop, 0);
		if (i == 50)
			HEXPECT_ERR(fx, 0, hr_flip(0xfeed));
	}
	dt = loop_now_ns() - t0;
	fprintf(stderr, "  1e6 notifications in %.2f s\n", (double)dt / 1e9);
	HCHECK(dt < 2000000000ull);
	HEXPECT_ERR(fx, 0, hr_flip(0xfeed));
	return 0;
}

/* The guest's in_cons on the event page lies: the backend must treat the
 * ring as full (hold, then drop) and never write past what it may. */
static int evt_cons_lie(struct hfix *fx, uint32_t delta)
{
	struct drm_front *f = hbad_create(fx, NULL);
	struct xendispl_event_page *ev;
	uint32_t prod;
	int32_t st;

	HCHECK(f);
	ev = drm_front_evt_page(f, 0);
	HCHECK(hfb_make(fx, 1, 2, H_CONN_W, H_CONN_H) == 0);
	HEXPECT_OK(fx, 0, hr_config(2, 0, 0, H_CONN_W, H_CONN_H));
	prod = ev->in_prod;
	ev->in_cons = prod + delta;
	for (unsigned i = 0; i < 50; i++) {
		struct xendispl_req q = hr_flip(2);

		HCHECK(hreq(fx, 0, &q, &st) == 0); /* 0 or -EBUSY */
		vd_fixture_pump(&fx->vf, 5);
	}
	vd_fixture_pump(&fx->vf, 100);
	HCHECK(ev->in_prod == prod);
	HEXPECT_ERR(fx, 0, hr_flip(0x999));
	return 0;
}

static int evt_cons_garbage(struct hfix *fx)
{
	return evt_cons_lie(fx, 0x80000000u);
}

static int evt_cons_ahead(struct hfix *fx)
{
	return evt_cons_lie(fx, 5);
}

const struct hcase hcases_ring[] = {
	{"ring", "ring_req_prod_ahead", "req_prod 1000 ahead: connector broken, device closed", req_prod_ahead},
	{"ring", "ring_req_prod_one_past", "req_prod one past the ring size: device closed", req_prod_one_past},
	{"ring", "ring_req_prod_wrap", "req_prod 0xffffffff: device closed", req_prod_wrap},
	{"ring", "ring_req_prod_behind", "req_prod moved behind req_cons: device closed", req_prod_behind},
	{"ring", "ring_rewrite_after_read", "answered slot rewritten to DBUF_DESTROY + 50 notifications: no new response, dbuf still exists (re-create gets an error)", rewrite_after_read},
	{"ring", "ring_rewrite_race", "100 requests whose width/height word is rewritten right after publication between 32x0 and 0x32: every answer is an error (only a double read sees 32x32)", rewrite_race},
	{"ring", "ring_garbage_ff", "16 slots of 0xff bytes: 16 error statuses", garbage_ff},
	{"ring", "ring_unknown_ops", "op codes 0, 8, 9, 0x10, 0x40, 0x7f, 0x80, 0xfe: all errors", unknown_ops},
	{"ring", "ring_every_op_ff", "each of the 7 ops with all other bytes 0xff: all errors", every_op_ff},
	{"ring", "ring_id_reuse", "16 requests with the same id: 16 error responses, in order", id_reuse},
	{"ring", "ring_request_storm", "10,000 requests (flip of unknown fbs) back to back: all errors, good guest keeps its rate", request_storm},
	{"ring", "ring_notify_storm", "1,000,000 notifications in < 2 s: requests during and after get their error", notify_storm},
	{"ring", "ring_evt_cons_garbage", "event page in_cons = in_prod + 2^31 while flipping: backend writes no event; unknown flip gets an error", evt_cons_garbage},
	{"ring", "ring_evt_cons_ahead", "event page in_cons 5 ahead of in_prod: backend writes no event; unknown flip gets an error", evt_cons_ahead},
	{NULL, NULL, NULL, NULL},
};
