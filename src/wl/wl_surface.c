/* A connector's Wayland side: its wl_surface, the role that places it (an
 * xdg_toplevel, or an ivi_surface under ivi-shell), and the wp_viewport
 * that crops the connector's region out of a larger fb (zero copy) and
 * scales the frame to the surface's size.
 *
 * Surface size: the connector's resolution, or the configured `size`, or,
 * for a connector set fullscreen, the size the compositor's configure
 * asks for, fitted keeping the frame's aspect ratio (the compositor
 * centres what does not fill). Without wp_viewporter, always the
 * resolution. Input maps surface coordinates through this size
 * (wl_seat_surface_size). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aspect_fit.h"
#include "ivi-application-client-protocol.h"
#include "log.h"
#include "viewporter-client-protocol.h"
#include "wl_internal.h"
#include "xdg-shell-client-protocol.h"

/* Works out the surface size; true if it changed. */
static bool update_size(struct wl_pres_conn *c)
{
	uint32_t w = c->info.width, h = c->info.height;
	if (c->pres->viewporter && c->size_w && c->size_h) {
		w = c->size_w;
		h = c->size_h;
	}
	if (c->pres->viewporter && c->fullscreen && c->fs_w > 0 && c->fs_h > 0)
		aspect_fit(w, h, (uint32_t)c->fs_w, (uint32_t)c->fs_h, &w, &h);
	bool changed = w != c->dest_w || h != c->dest_h;
	c->dest_w = w;
	c->dest_h = h;
	if (changed && c->toplevel) {
		xdg_toplevel_set_min_size(c->toplevel, (int32_t)w, (int32_t)h);
		xdg_toplevel_set_max_size(c->toplevel, (int32_t)w, (int32_t)h);
		xdg_surface_set_window_geometry(c->xdg_surface, 0, 0,
						(int32_t)w, (int32_t)h);
	}
	if (changed && (w != c->info.width || h != c->info.height))
		log_info("wl: %s: %ux%u shown as %ux%u (wp_viewport)",
			 c->app_id, c->info.width, c->info.height, w, h);
	return changed;
}

void wl_pres_conn_viewport(struct wl_pres_conn *c, bool crop, uint32_t x,
			   uint32_t y)
{
	if (!c->viewport)
		return;
	if (crop && (!c->vp_src_set || c->vp_src_x != x || c->vp_src_y != y)) {
		wp_viewport_set_source(c->viewport, wl_fixed_from_int((int)x),
				       wl_fixed_from_int((int)y),
				       wl_fixed_from_int((int)c->info.width),
				       wl_fixed_from_int((int)c->info.height));
		c->vp_src_set = true;
		c->vp_src_x = x;
		c->vp_src_y = y;
	} else if (!crop && c->vp_src_set) {
		wl_fixed_t unset = wl_fixed_from_int(-1);
		wp_viewport_set_source(c->viewport, unset, unset, unset, unset);
		c->vp_src_set = false;
	}
	if (c->vp_dst_w != c->dest_w || c->vp_dst_h != c->dest_h) {
		wp_viewport_set_destination(c->viewport, (int32_t)c->dest_w,
					    (int32_t)c->dest_h);
		c->vp_dst_w = c->dest_w;
		c->vp_dst_h = c->dest_h;
	}
}

static void xdg_surface_configure(void *data, struct xdg_surface *xs,
				  uint32_t serial)
{
	struct wl_pres_conn *c = data;
	xdg_surface_ack_configure(xs, serial);
	bool first = !c->configured;
	bool resized = update_size(c);
	c->configured = true;
	if (first) {
		/* Buffers may go up now: the picture that waited for it. */
		conn_frame_retry(&c->frame);
	} else if (resized && c->mapped) {
		/* The same buffer at the new size. */
		wl_pres_conn_viewport(c, c->vp_src_set, c->vp_src_x,
				      c->vp_src_y);
		wl_surface_commit(c->surface);
	}
}

static const struct xdg_surface_listener xdg_surface_listener = {
	.configure = xdg_surface_configure,
};

/* A fullscreen connector takes the compositor's size (applied at the
 * xdg_surface.configure that follows); otherwise the suggestion changes
 * nothing: the guest's mode (or the configured size) is the size. */
static void toplevel_configure(void *data, struct xdg_toplevel *t, int32_t w,
			       int32_t h, struct wl_array *states)
{
	struct wl_pres_conn *c = data;
	const uint32_t *st;
	bool fs = false;
	(void)t;
	wl_array_for_each(st, states) {
		if (*st == XDG_TOPLEVEL_STATE_FULLSCREEN)
			fs = true;
	}
	c->fs_w = fs && c->fullscreen ? w : 0;
	c->fs_h = fs && c->fullscreen ? h : 0;
}

static void toplevel_close(void *data, struct xdg_toplevel *t)
{
	struct wl_pres_conn *c = data;
	(void)t;
	log_info("wl: compositor asked to close %s; a guest display stays open",
		 c->app_id);
}

static void toplevel_bounds(void *data, struct xdg_toplevel *t, int32_t w,
			    int32_t h)
{
	(void)data, (void)t, (void)w, (void)h;
}

static void toplevel_caps(void *data, struct xdg_toplevel *t,
			  struct wl_array *caps)
{
	(void)data, (void)t, (void)caps;
}

static const struct xdg_toplevel_listener toplevel_listener = {
	.configure = toplevel_configure,
	.close = toplevel_close,
	.configure_bounds = toplevel_bounds,
	.wm_capabilities = toplevel_caps,
};

static void ivi_configure(void *data, struct ivi_surface *s, int32_t w,
			  int32_t h)
{
	(void)data, (void)s, (void)w, (void)h;
}

static const struct ivi_surface_listener ivi_listener = {
	.configure = ivi_configure,
};

static void toplevel_create(struct wl_pres_conn *c)
{
	struct wl_pres *p = c->pres;
	c->xdg_surface = xdg_wm_base_get_xdg_surface(p->wm_base, c->surface);
	xdg_surface_add_listener(c->xdg_surface, &xdg_surface_listener, c);
	c->toplevel = xdg_surface_get_toplevel(c->xdg_surface);
	xdg_toplevel_add_listener(c->toplevel, &toplevel_listener, c);
	xdg_toplevel_set_app_id(c->toplevel, c->app_id);
	xdg_toplevel_set_title(c->toplevel, c->title);
	c->dest_w = c->dest_h = 0; /* min/max/geometry sent anew */
	update_size(c);
	if (c->fullscreen) {
		struct wl_output *out =
			c->fs_output ? wl_pres_find_output(p, c->fs_output) : NULL;
		if (c->fs_output && !out)
			log_warn("wl: %s: no output named '%s'; fullscreen on "
				 "any", c->app_id, c->fs_output);
		xdg_toplevel_set_fullscreen(c->toplevel, out);
	}
	wl_surface_commit(c->surface);
}

/* Gives the surface its role; xdg needs an initial empty commit and waits
 * for configure, ivi may show at once. */
static void role_create(struct wl_pres_conn *c)
{
	struct wl_pres *p = c->pres;
	c->fs_w = c->fs_h = 0;
	if (c->ivi_id && p->ivi) {
		c->ivi_surface = ivi_application_surface_create(p->ivi, c->ivi_id,
								c->surface);
		ivi_surface_add_listener(c->ivi_surface, &ivi_listener, c);
		update_size(c);
		c->configured = true;
		return;
	}
	if (c->ivi_id)
		log_warn("wl: %s: no ivi_application; using xdg_toplevel",
			 c->app_id);
	if (!p->wm_base) {
		log_error("wl: %s: no xdg_wm_base to show it with", c->app_id);
		return;
	}
	toplevel_create(c);
}

static void role_destroy(struct wl_pres_conn *c)
{
	if (c->ivi_surface)
		ivi_surface_destroy(c->ivi_surface);
	if (c->toplevel)
		xdg_toplevel_destroy(c->toplevel);
	if (c->xdg_surface)
		xdg_surface_destroy(c->xdg_surface);
	c->ivi_surface = NULL;
	c->toplevel = NULL;
	c->xdg_surface = NULL;
	c->configured = false;
}

void wl_pres_conn_surface_create(struct wl_pres_conn *c)
{
	struct wl_pres *p = c->pres;
	if (p->dead || c->surface)
		return;
	c->surface = wl_compositor_create_surface(p->compositor);
	if (p->viewporter)
		c->viewport = wp_viewporter_get_viewport(p->viewporter,
							 c->surface);
	c->vp_dst_w = c->vp_dst_h = 0;
	c->vp_src_set = false;
	role_create(c);
}

/* The surface goes; the connector, its pool and its pacing stay. */
void wl_pres_conn_surface_drop(struct wl_pres_conn *c)
{
	wl_pres_seats_forget_conn(c->pres, c);
	pacing_surface_gone(c);
	role_destroy(c);
	if (c->viewport)
		wp_viewport_destroy(c->viewport);
	c->viewport = NULL;
	if (c->surface)
		wl_surface_destroy(c->surface);
	c->surface = NULL;
	c->mapped = false;
	c->dmabuf_attached = NULL;
}

void wl_pres_conn_role_renew(struct wl_pres_conn *c)
{
	role_destroy(c);
	role_create(c);
}

static char *dup_or_default(const char *s, const char *fallback)
{
	return strdup(s ? s : fallback);
}

struct conn_opts {
	char *app_id, *title, *fs_output;
	uint32_t ivi_id, size_w, size_h;
	bool fullscreen;
};

static void conn_opts_free(struct conn_opts *o)
{
	free(o->app_id);
	free(o->title);
	free(o->fs_output);
}

/* app_id / title / fullscreen / ivi id / size: the config's lookup, then
 * the defaults. */
static int conn_opts_get(struct wl_pres *p, const struct pres_conn_info *info,
			 struct conn_opts *o)
{
	struct wl_presenter_conn_opts opts = {0};
	if (p->cfg.lookup)
		p->cfg.lookup(p->cfg.lookup_data, info, &opts);
	char app_id[64], title[256];
	snprintf(app_id, sizeof(app_id), "vdispl-%u-%u-%u", info->domid,
		 info->devid, info->index);
	snprintf(title, sizeof(title), "%s %s",
		 info->dom_name ? info->dom_name : "",
		 info->unique_id ? info->unique_id : "");
	*o = (struct conn_opts){
		.app_id = dup_or_default(opts.app_id, app_id),
		.title = dup_or_default(opts.title, title),
		.fs_output = opts.fullscreen_output ? strdup(opts.fullscreen_output)
						    : NULL,
		.ivi_id = opts.ivi_id,
		.fullscreen = opts.fullscreen || opts.fullscreen_output,
		.size_w = opts.width && opts.height ? opts.width : 0,
		.size_h = opts.width && opts.height ? opts.height : 0,
	};
	if (!o->app_id || !o->title ||
	    (opts.fullscreen_output && !o->fs_output)) {
		conn_opts_free(o);
		return -ENOMEM;
	}
	return 0;
}

static void conn_opts_take(struct wl_pres_conn *c, struct conn_opts *o)
{
	free(c->app_id);
	free(c->title);
	free(c->fs_output);
	c->app_id = o->app_id;
	c->title = o->title;
	c->fs_output = o->fs_output;
	c->ivi_id = o->ivi_id;
	c->fullscreen = o->fullscreen;
	c->size_w = o->size_w;
	c->size_h = o->size_h;
}

int wl_pres_conn_load_opts(struct wl_pres_conn *c,
			   const struct pres_conn_info *info)
{
	c->dom_name = dup_or_default(info->dom_name, "");
	c->unique_id = dup_or_default(info->unique_id, "");
	c->info = *info;
	c->info.dom_name = c->dom_name;
	c->info.unique_id = c->unique_id;
	if (!c->dom_name || !c->unique_id)
		return -ENOMEM;
	struct conn_opts o;
	if (conn_opts_get(c->pres, &c->info, &o) < 0)
		return -ENOMEM;
	conn_opts_take(c, &o);
	return 0;
}

static bool str_differs(const char *a, const char *b)
{
	if (!a || !b)
		return a != b;
	return strcmp(a, b) != 0;
}

void wl_pres_conn_reconfigure(struct wl_pres_conn *c)
{
	struct conn_opts o;
	if (conn_opts_get(c->pres, &c->info, &o) < 0) {
		log_error("wl: %s: out of memory re-reading its settings",
			  c->app_id);
		return;
	}
	bool new_role = str_differs(o.app_id, c->app_id) ||
			o.ivi_id != c->ivi_id || o.fullscreen != c->fullscreen ||
			str_differs(o.fs_output, c->fs_output) ||
			o.size_w != c->size_w || o.size_h != c->size_h;
	bool new_title = str_differs(o.title, c->title);
	if (!new_role && !new_title) {
		conn_opts_free(&o);
		return;
	}
	char *old_app_id = strdup(c->app_id);
	conn_opts_take(c, &o);
	if (!new_role) {
		log_info("wl: %s: title now '%s'", c->app_id, c->title);
		if (c->toplevel)
			xdg_toplevel_set_title(c->toplevel, c->title);
		free(old_app_id);
		return;
	}
	log_info("wl: %s: settings changed (app_id %s, ivi-id %u, fullscreen "
		 "%s, size %ux%u): new surface", old_app_id ? old_app_id : "?",
		 c->app_id, c->ivi_id, c->fullscreen ? "yes" : "no", c->size_w,
		 c->size_h);
	free(old_app_id);
	if (c->pres->dead)
		return; /* the reconnect makes it as it is now */
	wl_pres_conn_surface_drop(c);
	wl_pres_conn_surface_create(c);
	wl_pres_conn_restore(c);
}
