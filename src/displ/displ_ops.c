/* The displif requests, one handler each. A handler sees only our private
 * copy of the request, answers with 0 or -XEN_E*, and on failure leaves
 * every table and every connector as it found them. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "displ_edid.h"
#include "displ_priv.h"
#include "presenter.h"
#include "xen_grant.h"

const char *displ_op_name(uint8_t op)
{
	switch (op) {
	case XENDISPL_OP_DBUF_CREATE:
		return "DBUF_CREATE";
	case XENDISPL_OP_DBUF_DESTROY:
		return "DBUF_DESTROY";
	case XENDISPL_OP_FB_ATTACH:
		return "FB_ATTACH";
	case XENDISPL_OP_FB_DETACH:
		return "FB_DETACH";
	case XENDISPL_OP_SET_CONFIG:
		return "SET_CONFIG";
	case XENDISPL_OP_PG_FLIP:
		return "PG_FLIP";
	case XENDISPL_OP_GET_EDID:
		return "GET_EDID";
	default:
		return "unknown";
	}
}

/* The connector's visible area at (x, y) must lie inside the fb. Linux
 * sends the CRTC offset and the fb's full size in SET_CONFIG (two
 * connectors can share one wide fb), so width/height of the request say
 * nothing about the region: we check the region, not them. */
static bool region_fits(const struct displ_conn *c, const struct displ_fb *f,
			uint32_t x, uint32_t y)
{
	return (uint64_t)x + c->width <= f->width &&
	       (uint64_t)y + c->height <= f->height;
}

static int op_set_config(struct displ_conn *c,
			 const struct xendispl_set_config_req *r)
{
	struct displ_device *d = c->dev;
	struct displ_fb *f;

	if (r->fb_cookie == 0) {
		presenter_conn_set_config(d->ctx->presenter, c->pres, NULL, 0,
					  0);
		c->cur_fb = NULL;
		c->x = c->y = 0;
		return 0;
	}
	f = displ_fb_find(d, r->fb_cookie);
	if (!f)
		return displ_refuse(d, -XEN_ENOENT, "no fb %016llx",
				    (unsigned long long)r->fb_cookie);
	if (!region_fits(c, f, r->x, r->y)) {
		displ_log(LOG_LVL_WARN, c,
			  "SET_CONFIG %ux%u at %u,%u lies outside fb "
			  "%016llx (%ux%u)", c->width, c->height, r->x, r->y,
			  (unsigned long long)f->cookie, f->width, f->height);
		return -XEN_EINVAL;
	}
	if (presenter_conn_set_config(d->ctx->presenter, c->pres, f->pres,
				      r->x, r->y) < 0)
		return -XEN_EIO;
	c->cur_fb = f;
	c->x = r->x;
	c->y = r->y;
	return 0;
}

static int op_pg_flip(struct displ_conn *c,
		      const struct xendispl_page_flip_req *r)
{
	struct displ_device *d = c->dev;
	struct displ_fb *f = r->fb_cookie ? displ_fb_find(d, r->fb_cookie)
					  : NULL;
	unsigned max = d->ctx->limits.max_flips_in_flight;
	unsigned slot;

	if (!f)
		return displ_refuse(d, -XEN_ENOENT, "no fb %016llx",
				    (unsigned long long)r->fb_cookie);
	/* Flips keep the offset SET_CONFIG gave. A disabled connector gets
	 * flips too: Linux's display_update() runs for the plane on every
	 * commit, on a CRTC switched off as well (DPMS off, a modeset), and
	 * a failed PG_FLIP makes the frontend report the connector
	 * disconnected. Nothing is shown; the presenter answers it on its
	 * timer. */
	if (c->cur_fb && !region_fits(c, f, c->x, c->y))
		return displ_refuse(d, -XEN_EINVAL, "fb smaller than the mode");
	if (max == 0 || max > DISPL_MAX_FLIPS_IN_FLIGHT)
		max = DISPL_MAX_FLIPS_IN_FLIGHT;
	if (c->flip_len >= max)
		return displ_refuse(d, -XEN_EBUSY, "%u flips in flight", max);
	/* Queue the cookie first: flip_done may come from inside show(). */
	slot = (c->flip_head + c->flip_len) % DISPL_MAX_FLIPS_IN_FLIGHT;
	c->flips[slot] = f->cookie;
	c->flip_len++;
	if (presenter_conn_show(d->ctx->presenter, c->pres, f->pres) < 0) {
		c->flip_len--;
		return -XEN_EIO;
	}
	if (c->cur_fb)
		c->cur_fb = f;
	return 0;
}

void displ_conn_flip_done(void *data, struct pres_fb *fb)
{
	struct displ_conn *c = data;
	uint64_t cookie;

	(void)fb; /* the fb may be gone by now: the queued cookie is not */
	if (c->flip_len == 0) {
		displ_log(LOG_LVL_WARN, c, "flip done without a flip");
		return;
	}
	cookie = c->flips[c->flip_head];
	c->flip_head = (c->flip_head + 1) % DISPL_MAX_FLIPS_IN_FLIGHT;
	c->flip_len--;
	displ_conn_send_flip_evt(c, cookie);
}

static int op_get_edid(struct displ_conn *c,
		       const struct xendispl_get_edid_req *r,
		       struct xendispl_resp *resp)
{
	struct displ_device *d = c->dev;
	uint8_t edid[DISPL_EDID_SIZE];
	uint32_t npages, refs[XENDISPL_EDID_MAX_SIZE / 4096];
	void *page;
	int ret;

	if (d->protocol < 2)
		return -XEN_EOPNOTSUPP;
	if (r->buffer_sz < DISPL_EDID_SIZE ||
	    r->buffer_sz > XENDISPL_EDID_MAX_SIZE)
		return -XEN_EINVAL;
	if (displ_edid_generate(edid, c->width, c->height) < 0)
		return -XEN_EOPNOTSUPP; /* guest falls back to "resolution" */
	npages = (r->buffer_sz + 4095) / 4096;
	ret = displ_dir_walk(d, r->gref_directory, npages, refs, false);
	if (ret < 0)
		return ret;
	/* 128 bytes: the first page is all we write. */
	page = xgrant_map(d->ctx->xg, d->base.domid, 1, &refs[0], true);
	if (!page)
		return -XEN_EINVAL;
	memcpy(page, edid, sizeof(edid));
	(void)xgrant_unmap(d->ctx->xg, page, 1); /* logged */
	resp->op.get_edid.edid_sz = DISPL_EDID_SIZE;
	return 0;
}

/* The reply waits while the compositor may still read the buffer: the
 * guest frees the pages once it has it. */
static int op_dbuf_destroy(struct displ_conn *c, uint64_t cookie,
			   const struct xendispl_resp *resp, bool *reply_now)
{
	struct displ_export_wait held;
	int ret = displ_dbuf_destroy(c->dev, cookie, &held);

	if (ret == 0 && held.fd >= 0)
		*reply_now = displ_release_hold(c, resp, &held) < 0;
	return ret;
}

static int dispatch(struct displ_conn *c, const struct xendispl_req *req,
		    struct xendispl_resp *resp, bool *reply_now)
{
	struct displ_device *d = c->dev;

	switch (req->operation) {
	case XENDISPL_OP_DBUF_CREATE:
		return displ_dbuf_create(d, &req->op.dbuf_create);
	case XENDISPL_OP_DBUF_DESTROY:
		return op_dbuf_destroy(c, req->op.dbuf_destroy.dbuf_cookie,
				       resp, reply_now);
	case XENDISPL_OP_FB_ATTACH:
		return displ_fb_attach(d, &req->op.fb_attach);
	case XENDISPL_OP_FB_DETACH:
		return displ_fb_detach(d, req->op.fb_detach.fb_cookie);
	case XENDISPL_OP_SET_CONFIG:
		return op_set_config(c, &req->op.set_config);
	case XENDISPL_OP_PG_FLIP:
		return op_pg_flip(c, &req->op.pg_flip);
	case XENDISPL_OP_GET_EDID:
		return op_get_edid(c, &req->op.get_edid, resp);
	default:
		return displ_refuse(d, -XEN_EOPNOTSUPP, "unknown operation %u",
				    (unsigned)req->operation);
	}
}

int displ_refuse(struct displ_device *d, int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->refuse_why, sizeof(d->refuse_why), fmt, ap);
	va_end(ap);
	return status;
}

/* An operator at the default level sees that a guest is being refused and
 * why, once per device and cause (operation, status), within the device's
 * rate limit; -v shows every refusal, --trace every request. */
static void log_refusal(struct displ_conn *c, const struct xendispl_req *req,
			int status)
{
	struct displ_device *d = c->dev;
	unsigned op = req->operation < 8 ? req->operation : 0;
	unsigned bit = -status > 0 && -status < 64 ? (unsigned)-status : 0;
	bool first = !(d->refused_seen[op] & (1ull << bit));
	enum log_level lvl = first ? LOG_LVL_WARN : LOG_LVL_DEBUG;

	d->refused_seen[op] |= 1ull << bit;
	if (!first && d->ctx->trace)
		return; /* trace_request has the line */
	if (!log_enabled(lvl))
		return;
	displ_log(lvl, c, "%s id=%u refused (%d): %s%s",
		  displ_op_name(req->operation), (unsigned)req->id, status,
		  d->refuse_why[0] ? d->refuse_why : strerror(-status),
		  first ? " (further ones like it at debug level)" : "");
}

bool displ_handle_request(struct displ_conn *c, const struct xendispl_req *req,
			  struct xendispl_resp *resp)
{
	bool reply_now = true;

	/* status 0 before dispatch: a held reply is a copy of resp as the
	 * handler left it, and a hold happens only on success. */
	resp->status = 0;
	c->dev->refuse_why[0] = '\0';
	resp->status = dispatch(c, req, resp, &reply_now);
	if (resp->status != 0)
		log_refusal(c, req, resp->status);
	return reply_now;
}
