/* Fuzz target 1: the request decoder and handlers. An input is a device
 * set-up byte, then a program of guest actions: push a request (built from
 * the input, or 64 raw bytes), kick, rewrite the ring or the event page,
 * set req_prod to anything, build or corrupt page directories, revoke
 * grants, complete flips, rewrite XenStore nodes and reconnect. The real
 * src/displ code answers over fake Xen memory.
 *
 * Checked on every input: no crash or sanitizer report; every response
 * status is 0 or a negative XEN errno, matches the request it answers and
 * never overruns the ring; every successful flip gets one event (or is
 * counted dropped); after disconnect nothing stays mapped, shared, bound
 * or known to the presenter; no fd and (LeakSanitizer) no memory leaks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "displ_edid.h"
#include "fake_xen.h"
#include "fuzz_guest.h"
#include "fuzz_input.h"
#include "fuzz_xs.h"
#include "xen_grant.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define N_SLOTS 8u
#define MAX_DIR 3u
#define MAX_ACTIONS 512u

/* A guest buffer: its page directory and (unless dir-only) data pages. */
struct gbuf {
	uint32_t dir[MAX_DIR];
	unsigned ndir;
	uint32_t data0;
	uint32_t npages;
};

struct run {
	struct fg g;
	struct fin in;
	struct gbuf bufs[N_SLOTS];
};

enum action {
	A_REQ,
	A_REQ_RAW,
	A_KICK,
	A_DISPATCH,
	A_FLIP_DONE,
	A_EVT_CONSUME,
	A_EVT_FIRE,
	A_REQ_PROD,
	A_RING_POKE,
	A_IN_CONS,
	A_BUF_NEW,
	A_DIR_POKE,
	A_REVOKE,
	A_PRES_MODE,
	A_STORE_POKE,
	A_RECONNECT,
	A_COUNT
};

static uint64_t pick_cookie(struct fin *in)
{
	uint8_t b = fin_u8(in);

	if (b >= 0xf8)
		return fin_u64(in);
	b %= 9;
	return b ? 0xffff888006cfc000ull + 0x200ull * b : 0;
}

static uint32_t pick_dim(struct fin *in)
{
	static const uint32_t dims[8] = { 800, 600, 1024, 0, 1, 4096,
					  16384, 16385 };
	uint8_t b = fin_u8(in);

	switch (b & 3) {
	case 0:
		return dims[(b >> 2) % 8];
	case 1:
		return b >> 2;
	case 2:
		return fin_u16(in);
	default:
		return fin_u32(in);
	}
}

static uint32_t pick_gref_dir(struct run *r)
{
	uint8_t b = fin_u8(&r->in);

	if (b >= 0xf0)
		return fin_u32(&r->in);
	return r->bufs[b % N_SLOTS].dir[0];
}

static uint32_t pick_size(struct fin *in, uint64_t exact)
{
	uint8_t b = fin_u8(in);

	switch (b & 3) {
	case 0:
		return exact > UINT32_MAX ? UINT32_MAX : (uint32_t)exact;
	case 1:
		return (uint32_t)((exact + 4095) / 4096 * 4096);
	case 2:
		return (uint32_t)(exact - 1);
	default:
		return fin_u32(in);
	}
}

static void build_dbuf_create(struct run *r, struct xendispl_req *q)
{
	static const uint32_t bpps[8] = { 32, 16, 24, 8, 1, 0, 128, 129 };
	struct xendispl_dbuf_create_req *c = &q->op.dbuf_create;
	uint8_t b;

	c->dbuf_cookie = pick_cookie(&r->in);
	c->width = pick_dim(&r->in);
	c->height = pick_dim(&r->in);
	c->bpp = bpps[fin_u8(&r->in) % 8];
	b = fin_u8(&r->in);
	c->data_ofs = b < 0xc0 ? 0 : (b & 1) ? fin_u16(&r->in) : fin_u32(&r->in);
	c->buffer_sz = pick_size(&r->in, ((uint64_t)c->width * c->bpp + 7) / 8 *
						 c->height +
					 c->data_ofs);
	b = fin_u8(&r->in);
	c->flags = (b & 3) == 0 ? 0 : (b & 3) == 1 ? XENDISPL_DBUF_FLG_REQ_ALLOC
						   : fin_u32(&r->in);
	c->gref_directory = pick_gref_dir(r);
}

static void build_fb_attach(struct run *r, struct xendispl_req *q)
{
	struct xendispl_fb_attach_req *a = &q->op.fb_attach;
	uint8_t b;

	a->fb_cookie = pick_cookie(&r->in);
	a->dbuf_cookie = pick_cookie(&r->in);
	a->width = pick_dim(&r->in);
	a->height = pick_dim(&r->in);
	b = fin_u8(&r->in);
	a->pixel_format = b < 0xf0 ? displ_format_at(b % displ_format_count())
					     ->fourcc
				   : fin_u32(&r->in);
}

static void build_set_config(struct run *r, struct xendispl_req *q)
{
	struct xendispl_set_config_req *s = &q->op.set_config;

	s->fb_cookie = pick_cookie(&r->in);
	s->x = pick_dim(&r->in) % 2 ? pick_dim(&r->in) : 0;
	s->y = pick_dim(&r->in) % 2 ? pick_dim(&r->in) : 0;
	s->width = pick_dim(&r->in);
	s->height = pick_dim(&r->in);
	s->bpp = 32;
}

static void build_get_edid(struct run *r, struct xendispl_req *q)
{
	static const uint32_t sizes[8] = { 128, 4096, 127, 4097, 8192,
					   XENDISPL_EDID_MAX_SIZE,
					   XENDISPL_EDID_MAX_SIZE + 1, 0 };
	uint8_t b;

	q->op.get_edid.gref_directory = pick_gref_dir(r);
	b = fin_u8(&r->in);
	q->op.get_edid.buffer_sz = b < 0xf0 ? sizes[b % 8] : fin_u32(&r->in);
}

static void act_request(struct run *r, unsigned ci)
{
	static const uint8_t ops[8] = {
		XENDISPL_OP_DBUF_CREATE, XENDISPL_OP_DBUF_DESTROY,
		XENDISPL_OP_FB_ATTACH,	 XENDISPL_OP_FB_DETACH,
		XENDISPL_OP_SET_CONFIG,	 XENDISPL_OP_PG_FLIP,
		XENDISPL_OP_GET_EDID,	 0xff,
	};
	struct xendispl_req q;

	memset(&q, 0, sizeof(q));
	q.operation = ops[fin_u8(&r->in) % 8];
	switch (q.operation) {
	case XENDISPL_OP_DBUF_CREATE:
		build_dbuf_create(r, &q);
		break;
	case XENDISPL_OP_FB_ATTACH:
		build_fb_attach(r, &q);
		break;
	case XENDISPL_OP_SET_CONFIG:
		build_set_config(r, &q);
		break;
	case XENDISPL_OP_GET_EDID:
		build_get_edid(r, &q);
		break;
	case 0xff:
		q.operation = fin_u8(&r->in);
		break;
	default: /* DBUF_DESTROY, FB_DETACH, PG_FLIP: a cookie first */
		q.op.pg_flip.fb_cookie = pick_cookie(&r->in);
		break;
	}
	fg_push(&r->g, ci, &q);
}

static void act_request_raw(struct run *r, unsigned ci)
{
	struct xendispl_req q;

	fin_bytes(&r->in, &q, sizeof(q));
	fg_push(&r->g, ci, &q);
}

/* A chained page directory over npages, like xen-drm-front builds it. */
static void act_buf_new(struct run *r)
{
	/* 469: an 800x600 XRGB8888 dumb buffer; 1023 refs fill one
	 * directory page exactly. */
	static const uint32_t sizes[10] = { 1,	  2,	4,    30,   469,
					    470,  1023, 1024, 1500, 2045 };
	struct gbuf *b = &r->bufs[fin_u8(&r->in) % N_SLOTS];
	uint8_t sel = fin_u8(&r->in);
	uint32_t npages = sizes[sel % 10], done = 0;
	uint32_t ndir = (npages + DISPL_GREFS_PER_DIR_PAGE - 1) /
			DISPL_GREFS_PER_DIR_PAGE;
	bool dir_only = sel & 0x80, ro = sel & 0x40;
	uint32_t first_data = 0;

	if (npages + ndir + 8 > fake_pages_left())
		return;
	for (uint32_t i = 0; !dir_only && i < npages; i++) {
		uint32_t ref = fake_guest_grant_new(FG_DOMID, false);

		if (i == 0)
			first_data = ref;
	}
	memset(b, 0, sizeof(*b));
	b->npages = npages;
	b->ndir = ndir;
	b->data0 = first_data;
	for (uint32_t i = 0; i < ndir; i++)
		b->dir[i] = fake_guest_grant_new(FG_DOMID, ro);
	for (uint32_t i = 0; i < ndir; i++) {
		struct xendispl_page_directory *pd = fake_guest_page(b->dir[i]);
		uint32_t n = npages - done;

		if (n > DISPL_GREFS_PER_DIR_PAGE)
			n = DISPL_GREFS_PER_DIR_PAGE;
		pd->gref_dir_next_page = i + 1 < ndir ? b->dir[i + 1] : 0;
		for (uint32_t j = 0; !dir_only && j < n; j++)
			pd->gref[j] = first_data + done + j;
		done += n;
	}
}

/* Loops, short directories, foreign refs: one word of a directory. */
static void act_dir_poke(struct run *r)
{
	struct gbuf *b = &r->bufs[fin_u8(&r->in) % N_SLOTS];
	uint8_t page = fin_u8(&r->in), sel = fin_u8(&r->in);
	uint16_t word = fin_u16(&r->in) % (XGRANT_PAGE_SIZE / 4);
	uint32_t *pd, v;

	if (b->ndir == 0)
		return;
	pd = fake_guest_page(b->dir[page % b->ndir]);
	if (!pd)
		return;
	switch (sel & 3) {
	case 0:
		v = b->dir[(sel >> 2) % b->ndir];
		break;
	case 1:
		v = 0;
		break;
	case 2:
		v = r->g.conn[0].req_ref; /* a ring page as data */
		break;
	default:
		v = fin_u32(&r->in);
		break;
	}
	pd[word] = v;
}

static void act_revoke(struct run *r)
{
	uint8_t sel = fin_u8(&r->in);
	struct gbuf *b = &r->bufs[(sel >> 2) % N_SLOTS];
	struct fg_conn *c = &r->g.conn[(sel >> 5) % r->g.n_conns];

	switch (sel & 3) {
	case 0:
		fake_guest_revoke(b->dir[0]);
		break;
	case 1:
		fake_guest_revoke(b->data0 + b->npages / 2);
		break;
	case 2:
		fake_guest_revoke(c->req_ref);
		c->hostile_req = c->hostile_evt = true; /* it sees nothing */
		break;
	default:
		fake_guest_revoke(c->evt_ref);
		c->hostile_req = c->hostile_evt = true;
		break;
	}
}

static void act_ring_poke(struct run *r, unsigned ci)
{
	struct fg_conn *c = &r->g.conn[ci];
	uint32_t *page = fake_guest_page(c->req_ref);
	uint16_t word = fin_u16(&r->in) % (XGRANT_PAGE_SIZE / 4);
	uint32_t v = fin_u32(&r->in);

	if (!page)
		return;
	page[word] = v;
	c->hostile_req = true;
}

static void act_req_prod(struct run *r, unsigned ci)
{
	struct fg_conn *c = &r->g.conn[ci];
	uint8_t sel = fin_u8(&r->in);
	uint32_t v;

	if (!fake_guest_page(c->req_ref))
		return;
	/* Near the real index is where the off-by-ones live. */
	v = sel < 0xc0 ? c->front.req_prod_pvt + (int8_t)fin_u8(&r->in)
		       : fin_u32(&r->in);
	c->front.sring->req_prod = v;
	c->front.req_prod_pvt = v;
	c->hostile_req = true;
}

static void act_in_cons(struct run *r, unsigned ci)
{
	struct fg_conn *c = &r->g.conn[ci];

	if (!fake_guest_page(c->evt_ref))
		return;
	c->evt->in_cons = fin_u8(&r->in) < 0x80 ? c->evt->in_prod
						: fin_u32(&r->in);
	c->hostile_evt = true;
}

static void act_pres_mode(struct run *r)
{
	uint8_t b = fin_u8(&r->in);

	r->g.pres.sync_flips = b & 1;
	r->g.pres.fail_fb_create = (b & 6) == 6;
	r->g.pres.fail_show = (b & 24) == 24;
	fg_set_dmabuf(b & 32);
	r->g.ctx.trace = b & 64;
}

/* Takes effect at the next connect, like any change the toolstack or the
 * guest makes to the nodes. */
static void act_store_poke(struct run *r)
{
	static const char *const names[8] = {
		"resolution",	     "unique-id",    "req-ring-ref",
		"req-event-channel", "evt-ring-ref", "evt-event-channel",
		"../version",	     "../be-alloc",
	};
	static const char *const values[8] = { "0", "1", "2", "800x600",
					       "16384x16384", "",
					       "4294967296", "c0" };
	uint8_t sel = fin_u8(&r->in), vsel = fin_u8(&r->in);
	unsigned ci = sel % (FG_MAX_CONNS + 1), name = (sel >> 3) % 8;
	char path[160];

	if (name >= 6)
		snprintf(path, sizeof(path), FG_FE "/%s", names[name] + 3);
	else
		snprintf(path, sizeof(path), FG_FE "/%u/%s", ci, names[name]);
	if (vsel < 0xc0) {
		fuzz_xs_set_str(path, values[vsel % 8]);
	} else {
		char raw[32];
		size_t len = vsel % sizeof(raw);

		fin_bytes(&r->in, raw, len);
		fuzz_xs_set(path, raw, len);
	}
	if (name >= 2 && name <= 5) {
		r->g.ring_nodes_tainted = true;
		if (ci < r->g.n_conns)
			r->g.conn[ci].detached = true;
	}
}

static void act_reconnect(struct run *r)
{
	fg_disconnect(&r->g);
	fg_reset_rings(&r->g);
	fg_connect(&r->g);
}

static void act_one(struct run *r, enum action a)
{
	unsigned ci = fin_u8(&r->in) % r->g.n_conns;

	if (fg_trace)
		fprintf(stderr, "action %d on c%u\n", (int)a, ci);
	switch (a) {
	case A_REQ:
		act_request(r, ci);
		break;
	case A_REQ_RAW:
		act_request_raw(r, ci);
		break;
	case A_KICK:
		fg_kick(&r->g, ci);
		break;
	case A_DISPATCH:
		fg_dispatch(&r->g);
		break;
	case A_FLIP_DONE:
		fake_pres_flip_done(&r->g.pres, ci);
		break;
	case A_EVT_CONSUME:
		fg_consume_events(&r->g, ci);
		break;
	case A_EVT_FIRE:
		fake_evtchn_fire(r->g.conn[ci].evt_port);
		break;
	case A_REQ_PROD:
		act_req_prod(r, ci);
		break;
	case A_RING_POKE:
		act_ring_poke(r, ci);
		break;
	case A_IN_CONS:
		act_in_cons(r, ci);
		break;
	case A_BUF_NEW:
		act_buf_new(r);
		break;
	case A_DIR_POKE:
		act_dir_poke(r);
		break;
	case A_REVOKE:
		act_revoke(r);
		break;
	case A_PRES_MODE:
		act_pres_mode(r);
		break;
	case A_STORE_POKE:
		act_store_poke(r);
		break;
	default:
		act_reconnect(r);
		break;
	}
	for (unsigned i = 0; i < r->g.n_conns; i++)
		fg_drain(&r->g, i);
}

/* Set-up byte: connectors, protocol version node, backend allocation,
 * and how the presenter behaves. */
static void setup(struct run *r)
{
	static const char *const versions[4] = { NULL, "1", "2", "3" };
	uint8_t b = fin_u8(&r->in), l = fin_u8(&r->in);

	fg_init(&r->g, 1 + (b & 3), versions[(b >> 2) & 3], b & 0x10);
	fg_set_dmabuf(b & 0x20);
	r->g.pres.sync_flips = b & 0x40;
	r->g.ctx.trace = b & 0x80;
	r->g.ctx.limits.max_reqs_per_turn = 1 + (l & 63);
	r->g.ctx.limits.max_flips_in_flight = l >> 6 == 3 ? 0 : 1u << (l >> 6);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_log_from_env();
	fg_trace = getenv("FUZZ_TRACE") != NULL;
	fake_xen_set_mode(FAKE_XEN_FUZZ);
	fake_xen_reset(); /* the memfd lives for the whole process */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct run r;
	unsigned fds;

	memset(&r, 0, sizeof(r));
	r.in = (struct fin){ .p = data, .n = size };
	fds = fuzz_count_fds();
	setup(&r);
	fg_connect(&r.g);
	for (unsigned n = 0; r.in.n > 0 && n < MAX_ACTIONS; n++)
		act_one(&r, (enum action)(fin_u8(&r.in) % A_COUNT));
	fg_settle_flips(&r.g);
	fg_dispatch(&r.g);
	fg_destroy(&r.g);
	FG_CHECK(fuzz_count_fds() == fds);
	return 0;
}
