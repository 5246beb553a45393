/* Raw ring access of the simulated xen-drm-front, for hostile tests:
 * requests exactly as given, bytes anywhere in the ring, any req_prod,
 * any number of notifications. */
#include "drm_front_priv.h"

#include <errno.h>
#include <string.h>

#include "gsim.h"
#include "loop.h"

struct drm_chan *drm_front_chan(struct drm_front *f, unsigned conn)
{
	if (conn >= f->num_conns || !f->chans[conn].ring.sring)
		return NULL;
	return &f->chans[conn];
}

int drm_front_send_raw(struct drm_front *f, unsigned conn,
		       const struct xendispl_req *req, drm_front_resp_cb cb,
		       void *data)
{
	struct drm_chan *ch = drm_front_chan(f, conn);
	if (!ch)
		return -ENOTCONN;
	/* keep the client's ids ahead of whatever the test used */
	if ((int16_t)(req->id - ch->next_id) >= 0)
		ch->next_id = (uint16_t)(req->id + 1);
	return drm_chan_send(ch, req, cb, data);
}

struct sync_wait {
	bool done;
	int32_t status;
};

static void on_sync_resp(void *data, int32_t status,
			 const struct xendispl_resp *resp)
{
	struct sync_wait *w = data;
	(void)resp;
	w->done = true;
	w->status = status;
}

int drm_front_send_raw_sync(struct drm_front *f, unsigned conn,
			    const struct xendispl_req *req, int32_t *status)
{
	struct sync_wait w = {0};
	int ret = drm_front_send_raw(f, conn, req, on_sync_resp, &w);
	while (ret == 0 && !w.done) {
		int n = loop_dispatch(f->loop, 100);
		if (n < 0 && n != -EINTR)
			ret = n;
	}
	if (ret < 0)
		return ret;
	*status = w.status;
	return w.status == -ETIMEDOUT ? -ETIMEDOUT : 0;
}

uint16_t drm_front_next_id(const struct drm_front *f, unsigned conn)
{
	return conn < f->num_conns ? f->chans[conn].next_id : 0;
}

int drm_front_ring_write(struct drm_front *f, unsigned conn, size_t offset,
			 const void *bytes, size_t len)
{
	struct drm_chan *ch = drm_front_chan(f, conn);
	if (!ch)
		return -ENOTCONN;
	if (offset > GSIM_PAGE_SIZE || len > GSIM_PAGE_SIZE - offset)
		return -EINVAL;
	memcpy((char *)ch->ring.sring + offset, bytes, len);
	return 0;
}

int drm_front_ring_set_req_prod(struct drm_front *f, unsigned conn,
				uint32_t req_prod)
{
	struct drm_chan *ch = drm_front_chan(f, conn);
	if (!ch)
		return -ENOTCONN;
	ch->ring.req_prod_pvt = req_prod;
	wmb();
	ch->ring.sring->req_prod = req_prod;
	return 0;
}

int drm_front_notify(struct drm_front *f, unsigned conn, unsigned n)
{
	struct drm_chan *ch = drm_front_chan(f, conn);
	if (!ch)
		return -ENOTCONN;
	for (unsigned i = 0; i < n; i++) {
		int ret = gsim_evtchn_notify(f->dom, (uint32_t)ch->req_port);
		if (ret < 0)
			return ret;
	}
	return 0;
}

void *drm_front_req_page(struct drm_front *f, unsigned conn)
{
	struct drm_chan *ch = drm_front_chan(f, conn);
	return ch ? (void *)ch->ring.sring : NULL;
}

void *drm_front_evt_page(struct drm_front *f, unsigned conn)
{
	struct drm_chan *ch = drm_front_chan(f, conn);
	return ch ? (void *)ch->evt_page : NULL;
}
