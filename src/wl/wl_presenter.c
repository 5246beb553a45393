/* The Wayland presenter object: presenter_impl glue, framebuffers, and the
 * lifetime of the connection and its connectors. */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pixel_convert.h"
#include "wl_internal.h"
#include "wl_presenter.h"

/* The compositor answers a client in milliseconds; one that accepted but
 * stays silent this long is not there. */
#define START_TIMEOUT_MS 5000

static const struct presenter_impl wl_presenter_impl;

static struct wl_pres *wl_pres_from(struct presenter *base)
{
	assert(base->impl == &wl_presenter_impl);
	return (struct wl_pres *)base;
}

static struct pres_fb *fb_create(struct presenter *base,
				 const struct pres_fb_desc *desc)
{
	struct wl_pres *p = wl_pres_from(base);
	const struct pixel_format *fmt = pixel_format_find(desc->fourcc);
	if (!fmt) {
		/* Kept anyway: only showing it fails, like on real hardware
		 * that can't scan it out. */
		log_warn("wl: fb %#llx has format %.4s the copy path can't show",
			 (unsigned long long)desc->cookie, (const char *)&desc->fourcc);
	}
	struct pres_fb *fb = calloc(1, sizeof(*fb));
	if (!fb)
		return NULL;
	fb->desc = *desc;
	fb->fmt = fmt;
	wl_list_insert(p->fbs.prev, &fb->link);
	wl_dmabuf_fb_init(p, fb); /* zero copy, or why not */
	return fb;
}

static void fb_destroy(struct presenter *base, struct pres_fb *fb)
{
	struct wl_pres *p = wl_pres_from(base);
	if (!fb)
		return;
	/* Every picture and flip that holds it lets go (a connector showing
	 * it goes off: its pixels can't be read again). */
	fb_ref_list_release(&fb->refs);
	wl_list_remove(&fb->link);
	wl_dmabuf_fb_finish(p, fb);
	free(fb);
}

static struct pres_conn *conn_create(struct presenter *base,
				     const struct pres_conn_info *info,
				     const struct pres_conn_listener *l,
				     void *data)
{
	return (struct pres_conn *)wl_pres_conn_create(wl_pres_from(base), info,
							l, data);
}

static void conn_destroy(struct presenter *base, struct pres_conn *c)
{
	(void)wl_pres_from(base);
	wl_pres_conn_destroy((struct wl_pres_conn *)c);
}

static int conn_set_config(struct presenter *base, struct pres_conn *c,
			   struct pres_fb *fb, uint32_t x, uint32_t y)
{
	(void)wl_pres_from(base);
	return wl_pres_conn_set_config((struct wl_pres_conn *)c, fb, x, y);
}

static int conn_show(struct presenter *base, struct pres_conn *c,
		     struct pres_fb *fb)
{
	(void)wl_pres_from(base);
	return wl_pres_conn_show((struct wl_pres_conn *)c, fb);
}

static void conn_stats(struct presenter *base, struct pres_conn *c,
		       struct pres_conn_stats *out)
{
	(void)wl_pres_from(base);
	*out = ((struct wl_pres_conn *)c)->stats;
}

static void destroy(struct presenter *base)
{
	struct wl_pres *p = wl_pres_from(base);
	struct wl_pres_conn *c, *tmp;
	// cppcheck-suppress unknownMacro
	wl_list_for_each_safe(c, tmp, &p->conns, link)
		wl_pres_conn_destroy(c);
	pacing_timer_finish(p);
	wl_pres_disconnect(p);
	wl_reconnect_finish(p);
	free(p);
}

static const struct presenter_impl wl_presenter_impl = {
	.name = "wayland",
	.fb_create = fb_create,
	.fb_destroy = fb_destroy,
	.conn_create = conn_create,
	.conn_destroy = conn_destroy,
	.conn_set_config = conn_set_config,
	.conn_show = conn_show,
	.conn_stats = conn_stats,
	.destroy = destroy,
};

struct presenter *wl_presenter_create(struct loop *loop,
				      const struct wl_presenter_config *cfg)
{
	struct wl_pres *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->base.impl = &wl_presenter_impl;
	p->loop = loop;
	if (cfg)
		p->cfg = *cfg;
	/* Two 60 Hz frames: a visible surface answers well within that. */
	p->fallback_ns = (p->cfg.fallback_ms ? p->cfg.fallback_ms : 33) * 1000000ull;
	wl_list_init(&p->conns);
	wl_list_init(&p->seats);
	wl_list_init(&p->fbs);
	int r = wl_reconnect_init(p, p->cfg.display);
	if (r == 0)
		r = wl_pres_connect(p, p->cfg.display, START_TIMEOUT_MS);
	if (r < 0) {
		wl_pres_disconnect(p);
		wl_reconnect_finish(p);
		free(p);
		errno = -r;
		return NULL;
	}
	p->cfg.display = NULL; /* not ours to keep */
	return &p->base;
}

bool wl_presenter_connected(struct presenter *base)
{
	return !wl_pres_from(base)->dead;
}

uint64_t wl_presenter_reconnects(struct presenter *base)
{
	return wl_pres_from(base)->reconnects;
}

void wl_presenter_reconfigure(struct presenter *base)
{
	struct wl_pres *p = wl_pres_from(base);
	struct wl_pres_conn *c;
	wl_list_for_each(c, &p->conns, link)
		wl_pres_conn_reconfigure(c);
}

bool wl_presenter_has_presentation(struct presenter *base)
{
	return wl_pres_from(base)->presentation != NULL;
}

bool wl_presenter_has_ivi(struct presenter *base)
{
	return wl_pres_from(base)->ivi != NULL;
}

bool wl_presenter_has_xdg(struct presenter *base)
{
	return wl_pres_from(base)->wm_base != NULL;
}
