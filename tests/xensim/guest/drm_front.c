/* Simulated xen-drm-front: the XenBus handshake, the per-connector rings
 * and event pages, and raw ring access for hostile tests. */
#include "drm_front_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xen/io/xenbus.h>

#include "gsim.h"
#include "log.h"
#include "loop.h"
#include "xs_server.h"

#define RELOAD_WAIT_MS 1000 /* xen_drv_remove waits 100 x 10 ms */

static void front_write(struct drm_front *f, const char *name, const char *val)
{
	char path[DRM_FRONT_PATH_LEN + 64];
	snprintf(path, sizeof(path), "%s/%s", f->path, name);
	int ret = xs_srv_write(f->xs, f->domid, path, val);
	if (ret < 0)
		log_error("drm_front %u: writing %s: %s", f->domid, path,
			  strerror(-ret));
}

static void set_state(struct drm_front *f, int state)
{
	char val[4];
	snprintf(val, sizeof(val), "%d", state);
	f->state = state;
	front_write(f, "state", val);
	log_debug("drm_front %u: state %d", f->domid, state);
}

/* A node of our own device directory, or NULL. */
static char *front_read(struct drm_front *f, const char *name)
{
	char path[DRM_FRONT_PATH_LEN + 64];
	snprintf(path, sizeof(path), "%s/%s", f->path, name);
	return xs_srv_read(f->xs, f->domid, path);
}

/* ---- rings ---- */

static void log_request(struct drm_front *f, unsigned conn,
			const struct xendispl_req *req)
{
	if (f->nlog >= DRM_FRONT_LOG_MAX)
		return;
	f->log[f->nlog].conn = conn;
	f->log[f->nlog].req = *req;
	f->nlog++;
}

static void put_request(struct drm_chan *ch, const struct xendispl_req *req)
{
	struct drm_front *f = ch->front;
	struct xendispl_req *slot =
		RING_GET_REQUEST(&ch->ring, ch->ring.req_prod_pvt);
	*slot = *req;
	ch->ring.req_prod_pvt++;
	int notify;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&ch->ring, notify);
	if (notify)
		gsim_evtchn_notify(f->dom, (uint32_t)ch->req_port);
	ch->stats->requests_sent++;
	log_request(f, ch->idx, req);
}

void drm_chan_prepare(struct drm_chan *ch, struct xendispl_req *req,
		      uint8_t op)
{
	memset(req, 0, sizeof(*req));
	req->id = ch->next_id++;
	req->operation = op;
}

int drm_chan_send(struct drm_chan *ch, const struct xendispl_req *req,
		  drm_front_resp_cb cb, void *data)
{
	if (!ch->ring.sring)
		return -ENOTCONN;
	if (ch->busy)
		return -EBUSY;
	ch->busy = true;
	ch->wait_id = req->id;
	ch->cb = cb;
	ch->cb_data = data;
	loop_timer_arm(ch->req_timer, DRM_FRONT_REQ_TIMEOUT_MS * 1000000ull, 0);
	put_request(ch, req);
	return 0;
}

static void complete(struct drm_chan *ch, int32_t status,
		     const struct xendispl_resp *resp)
{
	drm_front_resp_cb cb = ch->cb;
	void *data = ch->cb_data;
	ch->busy = false;
	ch->cb = NULL;
	loop_timer_arm(ch->req_timer, 0, 0);
	if (cb)
		cb(data, status, resp);
	if (!ch->busy)
		drm_client_on_chan_idle(ch);
}

/* be_stream_wait_io's 3 s ran out: the request failed with -ETIMEDOUT. */
static void on_req_timeout(void *data)
{
	struct drm_chan *ch = data;
	if (!ch->busy)
		return;
	ch->stats->req_timeouts++;
	log_warn("drm_front %u: connector %u: request id %u timed out",
		 ch->front->domid, ch->idx, ch->wait_id);
	complete(ch, -ETIMEDOUT, NULL);
}

static void account_response(struct drm_chan *ch, const struct xendispl_resp *r)
{
	ch->stats->responses++;
	if (r->status == 0) {
		ch->stats->responses_ok++;
	} else {
		ch->stats->responses_error++;
		ch->stats->last_error_status = r->status;
	}
}

/* evtchnl_interrupt_ctrl: consume every response, complete the awaited
 * one; any other id (late after a time-out, or made up) is ignored. */
static void on_req_channel(void *data)
{
	struct drm_chan *ch = data;
	struct xendispl_resp done;
	bool have_done = false;
	if (!ch->ring.sring)
		return;
again:;
	RING_IDX rp = ch->ring.sring->rsp_prod;
	rmb();
	if (rp - ch->ring.rsp_cons > RING_SIZE(&ch->ring)) {
		ch->stats->responses_unexpected++;
		ch->ring.rsp_cons = rp; /* a backend bug: resync */
	}
	RING_IDX i;
	for (i = ch->ring.rsp_cons; i != rp; i++) {
		struct xendispl_resp r = *RING_GET_RESPONSE(&ch->ring, i);
		account_response(ch, &r);
		if (ch->busy && !have_done && r.id == ch->wait_id) {
			done = r;
			have_done = true;
		} else {
			ch->stats->responses_unexpected++;
		}
	}
	ch->ring.rsp_cons = i;
	int more;
	RING_FINAL_CHECK_FOR_RESPONSES(&ch->ring, more);
	if (more)
		goto again;
	if (have_done)
		complete(ch, done.status, &done);
}

/* evtchnl_interrupt_evt: events from in_cons to in_prod. */
static void on_evt_channel(void *data)
{
	struct drm_chan *ch = data;
	struct xendispl_event_page *page = ch->evt_page;
	if (!page)
		return;
	uint32_t prod = __atomic_load_n(&page->in_prod, __ATOMIC_ACQUIRE);
	uint32_t cons = page->in_cons;
	if (prod - cons > XENDISPL_IN_RING_LEN) {
		ch->stats->evt_ring_errors++;
		page->in_cons = prod;
		return;
	}
	for (; cons != prod; cons++) {
		struct xendispl_evt evt = XENDISPL_IN_RING_REF(page, cons);
		if (evt.type == XENDISPL_EVT_PG_FLIP)
			drm_client_on_flip_evt(ch, evt.op.pg_flip.fb_cookie);
		else
			ch->stats->evt_ring_errors++;
	}
	__atomic_store_n(&page->in_cons, cons, __ATOMIC_RELEASE);
}

/* ---- channels ---- */

/* One shared page granted to the backend, plus an unbound port. */
static int share_page(struct drm_front *f, int64_t *pfn, int64_t *gref,
		      int64_t *port, gsim_evtchn_cb cb, void *data)
{
	*pfn = gsim_alloc_pages(f->dom, 1);
	if (*pfn < 0)
		return (int)*pfn;
	memset(gsim_page(f->dom, (uint32_t)*pfn), 0, GSIM_PAGE_SIZE);
	*gref = gsim_grant(f->dom, f->be_domid, (uint32_t)*pfn, false);
	if (*gref < 0)
		return (int)*gref;
	*port = gsim_evtchn_alloc_unbound(f->dom, f->be_domid, cb, data);
	return *port < 0 ? (int)*port : 0;
}

static void unshare_page(struct drm_front *f, int64_t *pfn, int64_t *gref,
			 int64_t *port, bool domain_dead)
{
	if (!domain_dead) {
		if (*port >= 0)
			gsim_evtchn_close(f->dom, (uint32_t)*port);
		/* Linux defers the free while the backend still maps it;
		 * the page then simply stays allocated. */
		bool busy = *gref > 0 &&
			    gsim_ungrant(f->dom, (uint32_t)*gref) == -EBUSY;
		if (*pfn >= 0 && !busy)
			gsim_free_pages(f->dom, (uint32_t)*pfn, 1);
	}
	*pfn = *gref = *port = -1;
}

static int chan_init(struct drm_front *f, struct drm_chan *ch, unsigned idx)
{
	ch->front = f;
	ch->idx = idx;
	ch->stats = &f->stats[idx];
	ch->req_pfn = ch->evt_pfn = ch->req_gref = ch->evt_gref = -1;
	ch->req_port = ch->evt_port = -1;
	ch->req_timer = loop_add_timer(f->loop, on_req_timeout, ch);
	if (!ch->req_timer)
		return -ENOMEM;
	int ret = share_page(f, &ch->req_pfn, &ch->req_gref, &ch->req_port,
			     on_req_channel, ch);
	if (ret == 0)
		ret = share_page(f, &ch->evt_pfn, &ch->evt_gref, &ch->evt_port,
				 on_evt_channel, ch);
	if (ret < 0)
		return ret;
	struct xen_displif_sring *sring = gsim_page(f->dom, (uint32_t)ch->req_pfn);
	SHARED_RING_INIT(sring);
	FRONT_RING_INIT(&ch->ring, sring, GSIM_PAGE_SIZE);
	ch->evt_page = gsim_page(f->dom, (uint32_t)ch->evt_pfn);
	return 0;
}

static void chan_fini(struct drm_front *f, struct drm_chan *ch, bool dead)
{
	loop_remove(ch->req_timer);
	ch->req_timer = NULL;
	ch->ring.sring = NULL;
	ch->evt_page = NULL;
	unshare_page(f, &ch->req_pfn, &ch->req_gref, &ch->req_port, dead);
	unshare_page(f, &ch->evt_pfn, &ch->evt_gref, &ch->evt_port, dead);
}

static void channels_destroy(struct drm_front *f, bool domain_dead)
{
	drm_client_abort(f, domain_dead);
	for (unsigned i = 0; i < f->num_conns; i++)
		chan_fini(f, &f->chans[i], domain_dead);
	free(f->chans);
	f->chans = NULL;
	f->num_conns = 0;
}

/* xen_drm_front_cfg_card: be-alloc and every <idx>/resolution. */
static int read_config(struct drm_front *f)
{
	char *v = front_read(f, "be-alloc");
	f->be_alloc = v && strcmp(v, "1") == 0;
	free(v);
	unsigned n = 0;
	uint32_t w[XENSIM_MAX_CONNS_FRONT], h[XENSIM_MAX_CONNS_FRONT];
	while (n < XENSIM_MAX_CONNS_FRONT) {
		char name[32];
		snprintf(name, sizeof(name), "%u/resolution", n);
		v = front_read(f, name);
		if (!v)
			break;
		int ok = sscanf(v, "%ux%u", &w[n], &h[n]) == 2 && w[n] && h[n];
		free(v);
		if (!ok)
			return -EINVAL;
		n++;
	}
	if (!n)
		return -ENODEV;
	f->chans = calloc(n, sizeof(*f->chans));
	if (!f->chans)
		return -ENOMEM;
	f->num_conns = n;
	for (unsigned i = 0; i < n; i++) {
		f->chans[i].width = w[i];
		f->chans[i].height = h[i];
	}
	return 0;
}

static void publish_u32(struct drm_front *f, unsigned idx, const char *name,
			int64_t v)
{
	char key[64], val[16];
	snprintf(key, sizeof(key), "%u/%s", idx, name);
	snprintf(val, sizeof(val), "%lld", (long long)v);
	front_write(f, key, val);
}

/* displback_initwait: configuration, channels, publish, Initialised. */
static int initwait(struct drm_front *f)
{
	int ret = read_config(f);
	for (unsigned i = 0; ret == 0 && i < f->num_conns; i++)
		ret = chan_init(f, &f->chans[i], i);
	if (ret < 0) {
		log_error("drm_front %u: connecting to the backend: %s",
			  f->domid, strerror(-ret));
		channels_destroy(f, false);
		return ret;
	}
	for (unsigned i = 0; i < f->num_conns; i++) {
		struct drm_chan *ch = &f->chans[i];
		publish_u32(f, i, XENDISPL_FIELD_REQ_RING_REF, ch->req_gref);
		publish_u32(f, i, XENDISPL_FIELD_REQ_CHANNEL, ch->req_port);
		publish_u32(f, i, XENDISPL_FIELD_EVT_RING_REF, ch->evt_gref);
		publish_u32(f, i, XENDISPL_FIELD_EVT_CHANNEL, ch->evt_port);
	}
	set_state(f, XenbusStateInitialised);
	return 0;
}

/* displback_disconnect: the device goes, the frontend waits anew. */
static void disconnect(struct drm_front *f)
{
	if (!f->chans)
		return;
	channels_destroy(f, false);
	set_state(f, XenbusStateInitialising);
}

static void finish_reload(struct drm_front *f);

/* displback_changed, driven by the backend's state node. */
static void on_backend_state(struct drm_front *f, int be)
{
	f->be_state = be;
	if (f->reloading) {
		if (be == XenbusStateInitWait || be == XenbusStateClosed)
			finish_reload(f);
		return;
	}
	switch (be) {
	case XenbusStateInitialising:
		disconnect(f);
		break;
	case XenbusStateInitWait:
		disconnect(f);
		if (f->state == XenbusStateInitialising && initwait(f) < 0)
			set_state(f, XenbusStateClosing); /* xenbus_dev_fatal */
		break;
	case XenbusStateConnected:
		if (f->state != XenbusStateInitialised)
			break;
		set_state(f, XenbusStateConnected);
		drm_client_on_connected(f);
		break;
	case XenbusStateUnknown:
	case XenbusStateClosed:
		if (f->state != XenbusStateClosed)
			disconnect(f);
		break;
	default: /* Closing: let the backend reach Closed first */
		break;
	}
}

static int read_backend_state(struct drm_front *f)
{
	char path[DRM_FRONT_PATH_LEN + 16];
	snprintf(path, sizeof(path), "%s/state", f->be_path);
	char *v = xs_srv_read(f->xs, f->domid, path);
	int state = v ? atoi(v) : XenbusStateUnknown;
	free(v);
	return state;
}

static void on_backend_watch(void *data, const char *path)
{
	struct drm_front *f = data;
	(void)path;
	int be = read_backend_state(f);
	if (be != f->be_state || f->reloading)
		on_backend_state(f, be);
}

/* ---- driver reload ---- */

static void reprobe(void *data)
{
	struct drm_front *f = data;
	loop_remove(f->reload_defer);
	f->reload_defer = NULL;
	set_state(f, XenbusStateInitialising);
	on_backend_state(f, read_backend_state(f));
}

/* xen_drv_remove after its wait: free everything, Closed; modprobe comes
 * a moment later. */
static void finish_reload(struct drm_front *f)
{
	f->reloading = false;
	loop_timer_arm(f->reload_timer, 0, 0);
	channels_destroy(f, false);
	set_state(f, XenbusStateClosed);
	loop_timer_arm(f->reload_defer, 100 * 1000000ull, 0);
}

static void on_reload_timeout(void *data)
{
	struct drm_front *f = data;
	if (!f->reloading)
		return;
	log_warn("drm_front %u: backend state is %d while removing driver",
		 f->domid, f->be_state);
	finish_reload(f);
}

int drm_front_reload(struct drm_front *f)
{
	if (f->reloading || f->reload_defer)
		return -EBUSY;
	f->reload_defer = loop_add_timer(f->loop, reprobe, f);
	if (!f->reload_defer)
		return -ENOMEM;
	f->reloading = true;
	set_state(f, XenbusStateClosing);
	loop_timer_arm(f->reload_timer, RELOAD_WAIT_MS * 1000000ull, 0);
	return 0;
}

/* ---- life ---- */

static int read_backend_path(struct drm_front *f)
{
	char *be = front_read(f, "backend");
	char *id = front_read(f, "backend-id");
	int ret = 0;
	if (!be || !id || strlen(be) >= sizeof(f->be_path))
		ret = -ENOENT;
	else {
		snprintf(f->be_path, sizeof(f->be_path), "%s", be);
		f->be_domid = (uint32_t)strtoul(id, NULL, 10);
	}
	free(be);
	free(id);
	return ret;
}

struct drm_front *drm_front_create(struct loop *loop, struct xs_server *xs,
				   struct gsim_domain *dom,
				   const struct drm_front_cfg *cfg)
{
	struct drm_front *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->loop = loop;
	f->xs = xs;
	f->dom = dom;
	f->domid = cfg->domid;
	f->devid = cfg->devid;
	f->state = XenbusStateInitialising;
	f->be_state = -1;
	f->cstate = DRM_CLIENT_OFF;
	f->next_cookie = 0xffff888006c00000ull + ((uint64_t)cfg->domid << 32);
	snprintf(f->path, sizeof(f->path), "%s", cfg->path);
	int ret = read_backend_path(f);
	f->log = calloc(DRM_FRONT_LOG_MAX, sizeof(*f->log));
	f->reload_timer = loop_add_timer(loop, on_reload_timeout, f);
	if (ret < 0 || !f->log || !f->reload_timer) {
		log_error("drm_front %u: probing %s failed", f->domid, f->path);
		drm_front_destroy(f, true);
		errno = ret < 0 ? -ret : ENOMEM;
		return NULL;
	}
	char path[DRM_FRONT_PATH_LEN + 16];
	snprintf(path, sizeof(path), "%s/state", f->be_path);
	f->be_watch = xs_srv_watch(xs, f->domid, path, on_backend_watch, f);
	if (!f->be_watch) {
		drm_front_destroy(f, true);
		errno = ENOMEM;
		return NULL;
	}
	return f;
}

void drm_front_destroy(struct drm_front *f, bool domain_dead)
{
	if (!f)
		return;
	if (f->be_watch)
		xs_srv_unwatch(f->be_watch);
	channels_destroy(f, domain_dead);
	loop_remove(f->reload_timer);
	loop_remove(f->reload_defer);
	free(f->log);
	free(f);
}

int drm_front_state(const struct drm_front *f)
{
	return f->state;
}

unsigned drm_front_num_conns(const struct drm_front *f)
{
	return f->num_conns;
}

bool drm_front_be_alloc(const struct drm_front *f)
{
	return f->be_alloc;
}

const struct drm_front_log_entry *drm_front_req_log(const struct drm_front *f,
						    size_t *count)
{
	*count = f->nlog;
	return f->log;
}
