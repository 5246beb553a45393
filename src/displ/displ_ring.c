/* One connector's transport: the request ring we consume and answer, the
 * event page we produce PG_FLIP events into, their two event channels.
 *
 * Everything the guest can write is read once into a private copy before
 * we look at it: requests (RING_COPY_REQUEST), req_prod (checked against
 * the ring size), in_cons (only used to decide "full"). Our producer
 * indexes live here, never re-read from shared memory. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "displ_priv.h"
#include "loop.h"
#include "presenter.h"
#include "xen_evtchn.h"
#include "xen_grant.h"

/* Retry period for events held while the guest's event ring is full. */
#define EVT_RETRY_NS (5u * 1000u * 1000u)

static void conn_process_deferred(void *data)
{
	struct displ_conn *c = data;

	c->more = NULL;
	displ_conn_process(c);
}

static void req_notified(void *data)
{
	struct displ_conn *c = data;

	/* A wake-up while a deferred run is pending changes nothing: the
	 * deferred run will see the new requests too. */
	if (!c->more)
		displ_conn_process(c);
}

static void evt_notified(void *data)
{
	/* The frontend does not signal on the event channel; if it does,
	 * it may have consumed events: try what we hold. */
	displ_conn_flush_held(data);
}

static void evt_retry_fired(void *data)
{
	displ_conn_flush_held(data);
}

static void conn_break(struct displ_conn *c, const char *why)
{
	if (c->broken)
		return;
	c->broken = true;
	displ_log(LOG_LVL_ERROR, c, "%s: connector broken", why);
	displ_device_fail_later(c->dev, -EPROTO);
}

static void put_response(struct displ_conn *c, const struct xendispl_resp *r)
{
	struct xendispl_resp *slot =
		RING_GET_RESPONSE(&c->ring, c->ring.rsp_prod_pvt);

	memcpy(slot, r, sizeof(*r));
	c->ring.rsp_prod_pvt++;
}

static void trace_request(struct displ_conn *c, const struct xendispl_req *q,
			  const struct xendispl_resp *r)
{
	if (!c->dev->ctx->trace)
		return;
	displ_trace(LOG_LVL_INFO, c,
		    "req id=%u op=%s(0x%02x) ck=%016llx -> status %d",
		    (unsigned)q->id, displ_op_name(q->operation),
		    (unsigned)q->operation,
		    (unsigned long long)q->op.pg_flip.fb_cookie, (int)r->status);
}

/* Consumes up to the per-turn budget; returns true if requests remain. */
static bool consume(struct displ_conn *c, unsigned *budget)
{
	RING_IDX rp = c->ring.sring->req_prod;

	xen_rmb(); /* read requests only after req_prod */
	if (RING_REQUEST_PROD_OVERFLOW(&c->ring, rp)) {
		displ_log(LOG_LVL_ERROR, c,
			  "req_prod %u is %u ahead of us (ring holds %u)", rp,
			  rp - c->ring.rsp_prod_pvt, RING_SIZE(&c->ring));
		conn_break(c, "request ring overflow");
		return false;
	}
	while (c->ring.req_cons != rp) {
		struct xendispl_req req;
		struct xendispl_resp resp;

		if (*budget == 0)
			return true;
		RING_COPY_REQUEST(&c->ring, c->ring.req_cons, &req);
		c->ring.req_cons++;
		(*budget)--;

		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		resp.operation = req.operation;
		if (!displ_handle_request(c, &req, &resp))
			continue; /* displ_release answers it later */
		trace_request(c, &req, &resp);
		put_response(c, &resp);
		if (c->broken)
			return false;
	}
	return false;
}

static void conn_process(struct displ_conn *c);

/* Grant maps made for this guest's requests: library messages are its. */
void displ_conn_process(struct displ_conn *c)
{
	struct log_src *prev = log_set_current(&c->dev->base.log);
	conn_process(c);
	log_set_current(prev);
}

static void conn_process(struct displ_conn *c)
{
	unsigned budget = c->dev->ctx->limits.max_reqs_per_turn;
	bool more, notify;

	if (c->broken || !c->req_page)
		return;
	if (budget == 0)
		budget = 1;
	/* Any sign of life from the guest is a chance to deliver events
	 * it had no room for. */
	if (c->held_len > 0)
		displ_conn_flush_held(c);
	for (;;) {
		more = consume(c, &budget);
		RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&c->ring, notify);
		if (notify)
			xevtchn_notify(c->req_chan);
		if (c->broken)
			return;
		if (more)
			break; /* budget spent, requests left */
		RING_FINAL_CHECK_FOR_REQUESTS(&c->ring, more);
		if (!more || budget == 0)
			break;
	}

	/* Out of budget with work left: let other guests run first. */
	if (more && !c->more) {
		c->more = loop_defer(c->dev->base.loop, conn_process_deferred,
				     c);
		if (!c->more)
			displ_log(LOG_LVL_ERROR, c,
				  "cannot defer ring work: %s",
				  strerror(errno));
	}
}

void displ_conn_reply(struct displ_conn *c, const struct xendispl_resp *r)
{
	bool notify;

	if (c->broken || !c->req_page)
		return;
	put_response(c, r);
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&c->ring, notify);
	if (notify)
		xevtchn_notify(c->req_chan);
}

/* Writes one event if the ring has room. */
static bool evt_write(struct displ_conn *c, uint64_t cookie)
{
	struct xendispl_event_page *page = c->evt_page;
	uint32_t cons = __atomic_load_n(&page->in_cons, __ATOMIC_ACQUIRE);
	struct xendispl_evt evt;

	if (c->evt_prod - cons >= XENDISPL_IN_RING_LEN)
		return false;
	memset(&evt, 0, sizeof(evt));
	evt.id = c->evt_id++;
	evt.type = XENDISPL_EVT_PG_FLIP;
	evt.op.pg_flip.fb_cookie = cookie;
	memcpy(&XENDISPL_IN_RING_REF(page, c->evt_prod), &evt, sizeof(evt));
	c->evt_prod++;
	xen_wmb(); /* the event before the index that publishes it */
	__atomic_store_n(&page->in_prod, c->evt_prod, __ATOMIC_RELEASE);
	return true;
}

static void hold_event(struct displ_conn *c, uint64_t cookie)
{
	if (c->held_len == DISPL_EVT_HOLD) {
		/* The guest reads no events at all; losing one beats growing
		 * without bound. Its flip waits time out on its side. */
		c->evt_dropped++;
		displ_log(LOG_LVL_WARN, c,
			  "event ring full and %u events held: dropped flip "
			  "event for %016llx (%llu dropped)",
			  DISPL_EVT_HOLD, (unsigned long long)cookie,
			  (unsigned long long)c->evt_dropped);
		return;
	}
	c->held[(c->held_head + c->held_len) % DISPL_EVT_HOLD] = cookie;
	c->held_len++;
	if (c->evt_retry)
		loop_timer_arm(c->evt_retry, EVT_RETRY_NS, EVT_RETRY_NS);
}

void displ_conn_flush_held(struct displ_conn *c)
{
	bool wrote = false;

	/* Nothing held means the retry timer is disarmed already: touching
	 * it here would cost a timerfd_settime on every flip event. */
	if (!c->evt_page || c->broken || c->held_len == 0)
		return;
	while (c->held_len > 0 && evt_write(c, c->held[c->held_head])) {
		c->held_head = (c->held_head + 1) % DISPL_EVT_HOLD;
		c->held_len--;
		wrote = true;
	}
	if (c->held_len == 0 && c->evt_retry)
		loop_timer_arm(c->evt_retry, 0, 0);
	if (wrote)
		xevtchn_notify(c->evt_chan);
}

void displ_conn_send_flip_evt(struct displ_conn *c, uint64_t cookie)
{
	if (!c->evt_page || c->broken)
		return;
	/* Keep order: nothing overtakes events already held. */
	displ_conn_flush_held(c);
	if (c->held_len > 0 || !evt_write(c, cookie)) {
		hold_event(c, cookie);
		return;
	}
	xevtchn_notify(c->evt_chan);
}

static const struct pres_conn_listener conn_listener = {
	.flip_done = displ_conn_flip_done,
};

static int map_rings(struct displ_conn *c)
{
	struct displ_device *d = c->dev;
	struct xgrant *xg = d->ctx->xg;
	struct xen_displif_sring *sring;

	c->req_page = xgrant_map(xg, d->base.domid, 1, &c->req_ref, true);
	if (!c->req_page) {
		int err = errno;

		displ_log(LOG_LVL_ERROR, c, "cannot map req-ring-ref %u: %s",
			  c->req_ref, strerror(err));
		return -err;
	}
	c->evt_page = xgrant_map(xg, d->base.domid, 1, &c->evt_ref, true);
	if (!c->evt_page) {
		int err = errno;

		displ_log(LOG_LVL_ERROR, c, "cannot map evt-ring-ref %u: %s",
			  c->evt_ref, strerror(err));
		return -err;
	}
	sring = c->req_page;
	BACK_RING_INIT(&c->ring, sring, XGRANT_PAGE_SIZE);
	/* Continue where the page says the guest is, then own the index. */
	c->evt_prod = __atomic_load_n(&c->evt_page->in_prod, __ATOMIC_ACQUIRE);
	return 0;
}

static int bind_channels(struct displ_conn *c)
{
	struct displ_device *d = c->dev;

	c->req_chan = xevtchn_bind(d->ctx->xe, d->base.domid, c->req_port,
				   req_notified, c);
	if (!c->req_chan) {
		int err = errno;

		displ_log(LOG_LVL_ERROR, c, "cannot bind req-event-channel "
			  "%u: %s", c->req_port, strerror(err));
		return -err;
	}
	c->evt_chan = xevtchn_bind(d->ctx->xe, d->base.domid, c->evt_port,
				   evt_notified, c);
	if (!c->evt_chan) {
		int err = errno;

		displ_log(LOG_LVL_ERROR, c, "cannot bind evt-event-channel "
			  "%u: %s", c->evt_port, strerror(err));
		return -err;
	}
	return 0;
}

int displ_conn_connect(struct displ_conn *c)
{
	struct displ_device *d = c->dev;
	struct pres_conn_info info = {
		.domid = d->base.domid,
		.devid = d->base.devid,
		.index = c->index,
		.dom_name = d->base.dom_name,
		.unique_id = c->unique_id,
		.width = c->width,
		.height = c->height,
	};
	int ret = map_rings(c);

	if (ret == 0)
		ret = bind_channels(c);
	if (ret < 0)
		return ret;
	c->evt_retry = loop_add_timer(d->base.loop, evt_retry_fired, c);
	if (!c->evt_retry)
		return -errno;
	c->pres = presenter_conn_create(d->ctx->presenter, &info,
					&conn_listener, c);
	if (!c->pres) {
		displ_log(LOG_LVL_ERROR, c, "presenter refused the connector");
		return -EIO;
	}
	displ_log(LOG_LVL_INFO, c, "connected: %ux%u \"%s\"", c->width,
		  c->height, log_text(c->unique_id));
	return 0;
}

/* Safe on a half-connected connector. */
void displ_conn_disconnect(struct displ_conn *c)
{
	struct displ_device *d = c->dev;

	if (c->pres)
		presenter_conn_destroy(d->ctx->presenter, c->pres);
	c->pres = NULL;
	c->cur_fb = NULL;
	c->flip_len = 0;
	c->held_len = 0;
	loop_remove(c->more);
	c->more = NULL;
	loop_remove(c->evt_retry);
	c->evt_retry = NULL;
	if (c->req_chan)
		xevtchn_unbind(c->req_chan);
	if (c->evt_chan)
		xevtchn_unbind(c->evt_chan);
	c->req_chan = c->evt_chan = NULL;
	if (c->req_page)
		(void)xgrant_unmap(d->ctx->xg, c->req_page, 1); /* logged */
	if (c->evt_page)
		(void)xgrant_unmap(d->ctx->xg, c->evt_page, 1); /* logged */
	c->req_page = NULL;
	c->evt_page = NULL;
}
