/* The read-only view of displ's connectors for code outside the room
 * (status, the stats log): a snapshot per connector, so those views need
 * none of displ's internal tables. */
#include "displ_priv.h"

struct view_walk {
	void (*fn)(const struct displ_conn_view *view, void *data);
	void *data;
};

static void view_conn(const struct view_walk *w, struct displ_device *d,
		      const struct displ_conn *c)
{
	struct displ_conn_view v = {
		.dev = &d->base,
		.index = c->index,
		.unique_id = c->unique_id,
		.width = c->width,
		.height = c->height,
		.broken = c->broken,
		.on = c->cur_fb != NULL,
		.format = c->cur_fb && c->cur_fb->fmt ? c->cur_fb->fmt->name
						      : NULL,
	};
	struct presenter *p = d->ctx ? d->ctx->presenter : NULL;
	if (p && c->pres) {
		presenter_conn_stats(p, c->pres, &v.stats);
		v.has_pres = true;
	}
	w->fn(&v, w->data);
}

static void view_device(struct xb_device *xb, void *data)
{
	const struct view_walk *w = data;
	struct displ_device *d = displ_device_from_xb(xb);

	if (!xb->connected || !d->n_conns || !d->conns) {
		struct displ_conn_view v = {.dev = xb,
					    .index = DISPL_VIEW_NO_CONN,
					    .unique_id = ""};
		w->fn(&v, w->data);
		return;
	}
	for (uint32_t i = 0; i < d->n_conns; i++)
		view_conn(w, d, &d->conns[i]);
}

void displ_for_each_conn(struct xb_backend *vdispl,
			 void (*fn)(const struct displ_conn_view *view,
				    void *data),
			 void *data)
{
	struct view_walk w = {.fn = fn, .data = data};

	if (vdispl)
		xb_backend_for_each(vdispl, view_device, &w);
}
