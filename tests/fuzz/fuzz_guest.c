/* See fuzz_guest.h. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_xen.h"
#include "fuzz_guest.h"
#include "fuzz_xs.h"
#include "loop.h"
#include "xen_grant.h"
#include "xen_store.h"

static const int xen_errnos[] = {
#define XEN_ERRNO(name, value) value,
#include <xen/errno.h>
};

static const char *const resolutions[FG_MAX_CONNS] = {
	"800x600", "1024x768", "640x480", "320x200"
};
static const char *const unique_ids[FG_MAX_CONNS] = { "c0", "c1", "c2", "c3" };

bool fg_trace;

void fg_check(bool ok, const char *what, const char *file, int line)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz invariant broken at %s:%d: %s\n", file, line,
		what);
	abort();
}

bool fg_is_xen_status(int32_t status)
{
	if (status == 0)
		return true;
	for (size_t i = 0; i < sizeof(xen_errnos) / sizeof(xen_errnos[0]); i++) {
		if (status == -xen_errnos[i])
			return true;
	}
	return false;
}

void fg_limits(struct displ_limits *l)
{
	displ_limits_default(l);
	l->max_dbufs = 16;
	l->max_fbs = 32;
	l->max_mapped_bytes = 2048ull * XGRANT_PAGE_SIZE;
}

static void node(unsigned ci, const char *name, const char *value)
{
	char path[128];

	snprintf(path, sizeof(path), FG_FE "/%u/%s", ci, name);
	fuzz_xs_set_str(path, value);
}

static void node_uint(unsigned ci, const char *name, uint32_t v)
{
	char val[16];

	snprintf(val, sizeof(val), "%u", v);
	node(ci, name, val);
}

void fg_reset_rings(struct fg *g)
{
	for (unsigned i = 0; i < g->n_conns; i++) {
		struct fg_conn *c = &g->conn[i];
		struct xen_displif_sring *sring = fake_guest_page(c->req_ref);

		memset(c->ids, 0, sizeof(c->ids));
		memset(c->ops, 0, sizeof(c->ops));
		c->hostile_req = c->hostile_evt = g->ring_nodes_tainted;
		c->flips_ok = c->events = 0;
		c->evt = fake_guest_page(c->evt_ref);
		if (!sring || !c->evt) {
			/* The guest revoked its own ring: it can only lose. */
			c->hostile_req = c->hostile_evt = true;
			continue;
		}
		memset(sring, 0, XGRANT_PAGE_SIZE);
		memset(c->evt, 0, XGRANT_PAGE_SIZE);
		SHARED_RING_INIT(sring);
		FRONT_RING_INIT(&c->front, sring, XGRANT_PAGE_SIZE);
		FG_CHECK(RING_SIZE(&c->front) == FG_RING_SIZE);
	}
}

void fg_init(struct fg *g, unsigned n_conns, const char *version,
	     bool be_alloc)
{
	memset(g, 0, sizeof(*g));
	fake_xen_reset();
	fuzz_xs_reset();
	g->loop = loop_create();
	FG_CHECK(g->loop != NULL);
	g->xs = xstore_open(g->loop);
	FG_CHECK(g->xs != NULL);
	fake_presenter_init(&g->pres);
	displ_ctx_init(&g->ctx, &g->pres.base, NULL, NULL);
	fg_limits(&g->ctx.limits);
	g->n_conns = n_conns;
	g->next_id = 1;

	fuzz_xs_set_str(FG_BE "/frontend", FG_FE);
	fuzz_xs_set_str(FG_FE "/backend", FG_BE);
	fuzz_xs_set_str(FG_FE "/be-alloc", be_alloc ? "1" : "0");
	if (version)
		fuzz_xs_set_str(FG_FE "/version", version);
	for (unsigned i = 0; i < n_conns; i++) {
		struct fg_conn *c = &g->conn[i];

		c->req_ref = fake_guest_grant_new(FG_DOMID, false);
		c->evt_ref = fake_guest_grant_new(FG_DOMID, false);
		c->req_port = 9 + 2 * i;
		c->evt_port = 10 + 2 * i;
		node(i, "resolution", resolutions[i]);
		node(i, "unique-id", unique_ids[i]);
		node_uint(i, "req-ring-ref", c->req_ref);
		node_uint(i, "req-event-channel", c->req_port);
		node_uint(i, "evt-ring-ref", c->evt_ref);
		node_uint(i, "evt-event-channel", c->evt_port);
	}
	fg_reset_rings(g);

	g->dev = calloc(1, displ_xb_impl.device_size);
	FG_CHECK(g->dev != NULL);
	g->dev->base.loop = g->loop;
	g->dev->base.xs = g->xs;
	g->dev->base.domid = FG_DOMID;
	g->dev->base.be_path = strdup(FG_BE);
	g->dev->base.fe_path = strdup(FG_FE);
	g->dev->base.dom_name = strdup("domu");
	log_src_init(&g->dev->base.log, 1, "vdispl", 0, "domu");
	g->dev->base.backend_ctx = &g->ctx;
	FG_CHECK(displ_xb_impl.probe(&g->dev->base) == 0);
}

/* Nothing of a device may outlive its connection. */
static void check_idle(struct fg *g)
{
	FG_CHECK(fake_live_maps() == 0);
	FG_CHECK(fake_live_shares() == 0);
	FG_CHECK(fake_live_imports() == 0);
	FG_CHECK(fake_live_bindings() == 0);
	FG_CHECK(g->pres.live_fbs == 0);
	FG_CHECK(g->pres.live_conns == 0);
	FG_CHECK(g->dev->conns == NULL && g->dev->n_conns == 0);
	FG_CHECK(g->dev->dbufs == NULL && g->dev->fbs == NULL);
	FG_CHECK(g->dev->n_dbufs == 0 && g->dev->n_fbs == 0);
	FG_CHECK(g->dev->mapped_bytes == 0);
}

int fg_connect(struct fg *g)
{
	int ret;

	FG_CHECK(!g->connected);
	g->fails_seen = fake_fail_count();
	ret = displ_xb_impl.connect(&g->dev->base);
	FG_CHECK(ret <= 0);
	if (ret < 0) {
		check_idle(g);
		return ret;
	}
	g->connected = true;
	g->dev->base.connected = true;
	/* Nodes the guest added may bring connectors this side does not
	 * drive; they are still the backend's to serve. */
	FG_CHECK(g->dev->n_conns >= 1 &&
		 g->dev->n_conns <= DISPL_MAX_CONNECTORS);
	FG_CHECK(fake_live_bindings() == 2 * g->dev->n_conns);
	return 0;
}

void fg_disconnect(struct fg *g)
{
	if (!g->connected)
		return;
	displ_xb_impl.disconnect(&g->dev->base);
	g->dev->base.connected = false;
	g->connected = false;
	check_idle(g);
}

void fg_dispatch(struct fg *g)
{
	loop_dispatch(g->loop, 0);
	if (g->connected && fake_fail_count() != g->fails_seen)
		fg_disconnect(g);
	g->fails_seen = fake_fail_count();
}

void fg_destroy(struct fg *g)
{
	fg_disconnect(g);
	displ_xb_impl.remove(&g->dev->base);
	free(g->dev->base.be_path);
	free(g->dev->base.fe_path);
	free(g->dev->base.dom_name);
	free(g->dev);
	g->dev = NULL;
	/* Whatever the device deferred runs (or is dropped) before the
	 * loop goes. */
	loop_dispatch(g->loop, 0);
	xstore_close(g->xs);
	loop_destroy(g->loop);
	fuzz_xs_reset();
	fake_xen_reset();
}

static bool conn_live(struct fg *g, unsigned ci)
{
	return g->connected && ci < g->n_conns && ci < g->dev->n_conns &&
	       !g->conn[ci].detached &&
	       g->conn[ci].evt &&
	       fake_guest_page(g->conn[ci].req_ref);
}

bool fg_push(struct fg *g, unsigned ci, struct xendispl_req *req)
{
	struct fg_conn *c = &g->conn[ci];
	RING_IDX i = c->front.req_prod_pvt;

	if (ci >= g->n_conns || !fake_guest_page(c->req_ref) ||
	    i - c->front.rsp_cons >= FG_RING_SIZE)
		return false;
	req->id = g->next_id++;
	memcpy(RING_GET_REQUEST(&c->front, i), req, sizeof(*req));
	c->ids[i % FG_RING_SIZE] = req->id;
	c->ops[i % FG_RING_SIZE] = req->operation;
	c->front.req_prod_pvt++;
	RING_PUSH_REQUESTS(&c->front);
	return true;
}

bool fg_kick(struct fg *g, unsigned ci)
{
	return ci < g->n_conns && fake_evtchn_fire(g->conn[ci].req_port);
}

/* Reads up to the backend's private producer: a response slot the guest
 * rewrote itself is not the backend's answer. */
void fg_drain(struct fg *g, unsigned ci)
{
	struct fg_conn *c = &g->conn[ci];
	const struct displ_conn *bc;
	RING_IDX prod;

	if (!conn_live(g, ci))
		return;
	bc = &g->dev->conns[ci];
	prod = bc->ring.rsp_prod_pvt;
	if (!c->hostile_req)
		FG_CHECK(c->front.sring->rsp_prod == prod);
	/* Never more answers than the ring holds: older ones would have
	 * been overwritten before the guest saw them. */
	FG_CHECK(prod - c->front.rsp_cons <= FG_RING_SIZE);
	while (c->front.rsp_cons != prod) {
		RING_IDX i = c->front.rsp_cons++;
		const struct xendispl_resp *r = RING_GET_RESPONSE(&c->front, i);

		if (fg_trace)
			fprintf(stderr, "  c%u resp id=%u op=0x%02x status=%d\n",
				ci, (unsigned)r->id, (unsigned)r->operation,
				(int)r->status);
		FG_CHECK(fg_is_xen_status(r->status));
		if (!c->hostile_req) {
			FG_CHECK(r->id == c->ids[i % FG_RING_SIZE]);
			FG_CHECK(r->operation == c->ops[i % FG_RING_SIZE]);
		}
		if (r->operation == XENDISPL_OP_GET_EDID && r->status == 0)
			FG_CHECK(r->op.get_edid.edid_sz == 128);
		if (r->operation == XENDISPL_OP_PG_FLIP && r->status == 0)
			c->flips_ok++;
	}
}

void fg_consume_events(struct fg *g, unsigned ci)
{
	struct fg_conn *c = &g->conn[ci];
	struct xendispl_event_page *p = c->evt;
	uint32_t prod;

	if (!conn_live(g, ci))
		return;
	prod = p->in_prod;
	if (!c->hostile_evt)
		FG_CHECK(prod - p->in_cons <= XENDISPL_IN_RING_LEN);
	for (unsigned n = 0; p->in_cons != prod && n < XENDISPL_IN_RING_LEN;
	     n++) {
		struct xendispl_evt e = XENDISPL_IN_RING_REF(p, p->in_cons);

		if (fg_trace)
			fprintf(stderr, "  c%u event type=%u ck=%016llx\n", ci,
				(unsigned)e.type,
				(unsigned long long)e.op.pg_flip.fb_cookie);
		FG_CHECK(e.type == XENDISPL_EVT_PG_FLIP);
		p->in_cons++;
		c->events++;
	}
}

static bool settle_round(struct fg *g)
{
	bool busy = false;

	for (unsigned ci = 0; g->connected && ci < g->dev->n_conns; ci++) {
		while (fake_pres_flip_done(&g->pres, ci))
			busy = true;
		if (ci < g->n_conns) {
			fg_consume_events(g, ci);
			/* A sign of life: the backend delivers what it
			 * held. */
			fake_evtchn_fire(g->conn[ci].evt_port);
			fg_consume_events(g, ci);
		}
		if (g->dev->conns[ci].held_len > 0)
			busy = true;
	}
	return busy;
}

void fg_settle_flips(struct fg *g)
{
	for (unsigned round = 0; round < 64 && settle_round(g); round++)
		;
	if (!g->connected)
		return;
	for (unsigned ci = 0; ci < g->n_conns && ci < g->dev->n_conns; ci++) {
		const struct fg_conn *c = &g->conn[ci];
		const struct displ_conn *bc = &g->dev->conns[ci];

		if (c->hostile_evt || c->detached || bc->broken)
			continue;
		if (fg_trace)
			fprintf(stderr, "c%u: %llu flips, %llu events, %llu "
				"dropped\n", ci, (unsigned long long)c->flips_ok,
				(unsigned long long)c->events,
				(unsigned long long)bc->evt_dropped);
		FG_CHECK(bc->held_len == 0 && bc->flip_len == 0);
		FG_CHECK(c->flips_ok == c->events + bc->evt_dropped);
	}
}

void fg_set_dmabuf(bool ok)
{
	fake_set_dmabuf_export(ok);
	fake_set_dmabuf_import(ok);
}

unsigned fuzz_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	unsigned n = 0;

	if (!d)
		abort();
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}
