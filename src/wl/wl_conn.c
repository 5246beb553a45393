/* One guest connector = one Wayland surface: an xdg_toplevel (or an
 * ivi_surface), mapped on the first show after set_config, unmapped by
 * set_config(NULL), fed by copies of the guest's pixels into wl_shm. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ivi-application-client-protocol.h"
#include "log.h"
#include "loop.h"
#include "pixel_convert.h"
#include "wl_internal.h"
#include "xdg-shell-client-protocol.h"

static void commit_buffer(struct wl_pres_conn *c, struct shm_buf *buf)
{
	buf->busy = true;
	wl_surface_attach(c->surface, buf->buffer, 0, 0);
	wl_surface_damage_buffer(c->surface, 0, 0, INT32_MAX, INT32_MAX);
	c->mapped = true;
}

static void xdg_surface_configure(void *data, struct xdg_surface *xs,
				  uint32_t serial)
{
	struct wl_pres_conn *c = data;
	xdg_surface_ack_configure(xs, serial);
	bool first = !c->configured;
	c->configured = true;
	if (first)
		wl_dmabuf_conn_configured(c);
	if (first && c->staged && c->cfg_fb) {
		/* A show came before the compositor was ready: its pixels go
		 * up now; its flip already completes on the timer. */
		commit_buffer(c, c->staged);
		c->staged = NULL;
		wl_surface_commit(c->surface);
	}
}

static const struct xdg_surface_listener xdg_surface_listener = {
	.configure = xdg_surface_configure,
};

/* The guest's mode is the size; a compositor's suggestion changes nothing
 * (fullscreen shells centre the buffer on black). */
static void toplevel_configure(void *data, struct xdg_toplevel *t, int32_t w,
			       int32_t h, struct wl_array *states)
{
	(void)data, (void)t, (void)w, (void)h, (void)states;
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

/* Gives the surface its role; xdg needs an initial empty commit and waits
 * for configure, ivi may show at once. */
static void role_create(struct wl_pres_conn *c)
{
	struct wl_pres *p = c->pres;
	if (c->ivi_id && p->ivi) {
		c->ivi_surface = ivi_application_surface_create(p->ivi, c->ivi_id,
								c->surface);
		ivi_surface_add_listener(c->ivi_surface, &ivi_listener, c);
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
	c->xdg_surface = xdg_wm_base_get_xdg_surface(p->wm_base, c->surface);
	xdg_surface_add_listener(c->xdg_surface, &xdg_surface_listener, c);
	c->toplevel = xdg_surface_get_toplevel(c->xdg_surface);
	xdg_toplevel_add_listener(c->toplevel, &toplevel_listener, c);
	xdg_toplevel_set_app_id(c->toplevel, c->app_id);
	xdg_toplevel_set_title(c->toplevel, c->title);
	xdg_toplevel_set_min_size(c->toplevel, (int32_t)c->info.width,
				  (int32_t)c->info.height);
	xdg_toplevel_set_max_size(c->toplevel, (int32_t)c->info.width,
				  (int32_t)c->info.height);
	xdg_surface_set_window_geometry(c->xdg_surface, 0, 0,
					(int32_t)c->info.width,
					(int32_t)c->info.height);
	if (c->fs_output) {
		struct wl_output *out = wl_pres_find_output(p, c->fs_output);
		if (!out)
			log_warn("wl: %s: no output named '%s'; fullscreen on "
				 "any", c->app_id, c->fs_output);
		xdg_toplevel_set_fullscreen(c->toplevel, out);
	}
	wl_surface_commit(c->surface);
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

static char *dup_or_default(const char *s, const char *fallback)
{
	return strdup(s ? s : fallback);
}

/* app_id / title / fullscreen output / ivi id: the config's lookup, then
 * the defaults. */
static int apply_opts(struct wl_pres_conn *c, const struct pres_conn_info *info)
{
	struct wl_presenter_conn_opts opts = {0};
	if (c->pres->cfg.lookup)
		c->pres->cfg.lookup(c->pres->cfg.lookup_data, info, &opts);
	char app_id[64], title[256];
	snprintf(app_id, sizeof(app_id), "vdispl-%u-%u-%u", info->domid,
		 info->devid, info->index);
	snprintf(title, sizeof(title), "%s %s",
		 info->dom_name ? info->dom_name : "", info->unique_id ? info->unique_id : "");
	c->app_id = dup_or_default(opts.app_id, app_id);
	c->title = dup_or_default(opts.title, title);
	c->dom_name = dup_or_default(info->dom_name, "");
	c->unique_id = dup_or_default(info->unique_id, "");
	c->fs_output = opts.fullscreen_output ? strdup(opts.fullscreen_output) : NULL;
	c->ivi_id = opts.ivi_id;
	c->info = *info;
	c->info.dom_name = c->dom_name;
	c->info.unique_id = c->unique_id;
	bool oom = !c->app_id || !c->title || !c->dom_name || !c->unique_id ||
		   (opts.fullscreen_output && !c->fs_output);
	return oom ? -ENOMEM : 0;
}

static struct shm_buf *copy_frame(struct wl_pres_conn *c, struct pres_fb *fb);

/* A buffer came back: show the frame that found them all busy. */
static void buffer_released(void *data)
{
	struct wl_pres_conn *c = data;
	struct pres_fb *fb = c->deferred;
	if (!fb || !c->cfg_fb || !c->configured || c->pres->dead)
		return;
	c->deferred = NULL;
	struct shm_buf *buf = copy_frame(c, fb);
	if (!buf)
		return;
	commit_buffer(c, buf);
	if (c->has_pending && c->pending == fb)
		pacing_watch_commit(c);
	wl_surface_commit(c->surface);
	c->stats.frames++;
}

struct wl_pres_conn *wl_pres_conn_create(struct wl_pres *p,
					 const struct pres_conn_info *info,
					 const struct pres_conn_listener *l,
					 void *data)
{
	if (!info || !l || !l->flip_done || !info->width || !info->height) {
		errno = EINVAL;
		return NULL;
	}
	struct wl_pres_conn *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->pres = p;
	c->listener = l;
	c->data = data;
	c->pool.fd = -1;
	c->pool.released = buffer_released;
	c->pool.data = c;
	c->timer_fd = -1;
	wl_list_insert(p->conns.prev, &c->link);
	if (apply_opts(c, info) < 0 || pacing_init(c) < 0) {
		log_error("wl: connector %u/%u/%u: out of memory", info->domid,
			  info->devid, info->index);
		wl_pres_conn_destroy(c);
		errno = ENOMEM;
		return NULL;
	}
	if (!p->dead) {
		c->surface = wl_compositor_create_surface(p->compositor);
		role_create(c);
	}
	log_info("wl: connector %s (%s) %ux%u as %s", c->app_id, c->title,
		 info->width, info->height,
		 c->ivi_surface ? "ivi_surface" : "xdg_toplevel");
	return c;
}

void wl_pres_conn_destroy(struct wl_pres_conn *c)
{
	if (!c)
		return;
	wl_pres_seats_forget_conn(c->pres, c);
	pacing_finish(c);
	role_destroy(c);
	if (c->surface)
		wl_surface_destroy(c->surface);
	shm_pool_finish(&c->pool);
	wl_list_remove(&c->link);
	free(c->app_id);
	free(c->title);
	free(c->dom_name);
	free(c->unique_id);
	free(c->fs_output);
	free(c);
}

struct wl_pres_conn *wl_pres_conn_from_surface(struct wl_pres *p,
					       const struct wl_surface *surface)
{
	/* A search, not wl_surface user data: events may name a surface
	 * we destroyed a moment ago (libwayland then gives NULL). */
	if (!surface)
		return NULL;
	for (struct wl_list *l = p->conns.next; l != &p->conns; l = l->next) {
		struct wl_pres_conn *c = wl_container_of(l, c, link);

		if (c->surface == surface)
			return c;
	}
	return NULL;
}

/* The region at (x, y) of the connector's size must lie in fb's pixels. */
static int check_region(struct wl_pres_conn *c, struct pres_fb *fb,
			uint32_t x, uint32_t y)
{
	const struct pres_fb_desc *d = &fb->desc;
	uint64_t w = c->info.width, h = c->info.height;
	if (!fb->fmt || !d->pixels || x + w > d->width || y + h > d->height ||
	    pixconv_region_end(fb->fmt, d->stride, x, y, (uint32_t)w,
			       (uint32_t)h) > d->size) {
		log_warn("wl: %s: fb %#llx (%ux%u stride %u, %zu bytes) cannot "
			 "hold %llux%llu at %u,%u", c->app_id,
			 (unsigned long long)d->cookie, d->width, d->height,
			 d->stride, d->size, (unsigned long long)w,
			 (unsigned long long)h, x, y);
		return -EINVAL;
	}
	return 0;
}

/* wl_shm takes the guest's format as is when it can; else XRGB8888. XR24
 * stays XR24: its zero padding byte must never turn into alpha. */
static int ensure_pool(struct wl_pres_conn *c, struct pres_fb *fb)
{
	const struct pixconv_format *f = fb->fmt;
	bool native = f->shm_passthrough && wl_pres_shm_has(c->pres, f->fourcc);
	uint32_t want = native ? f->fourcc : pixconv_wl_shm_to_drm(WL_SHM_FORMAT_XRGB8888);
	if (c->pool.map && c->pool.drm_format == want)
		return 0;
	if (c->staged) {
		c->staged->busy = false;
		c->staged = NULL;
	}
	shm_pool_finish(&c->pool);
	return shm_pool_init(&c->pool, c->pres->shm, c->info.width,
			     c->info.height, want, native ? f->bpp : 4);
}

static void unmap(struct wl_pres_conn *c)
{
	c->deferred = NULL;
	c->dmabuf_await = NULL;
	c->dmabuf_shown = NULL; /* the NULL attach lets it go */
	if (c->staged) {
		c->staged->busy = false;
		c->staged = NULL;
	}
	if (!c->mapped || c->pres->dead || !c->surface)
		return;
	c->mapped = false;
	wl_surface_attach(c->surface, NULL, 0, 0);
	wl_surface_commit(c->surface);
	if (c->xdg_surface) {
		/* An unmapped toplevel must wait for a new configure before its
		 * next buffer, which Weston 10 never sends after a NULL
		 * attach: a fresh xdg role gets one on every compositor. */
		role_destroy(c);
		role_create(c);
	}
}

int wl_pres_conn_set_config(struct wl_pres_conn *c, struct pres_fb *fb,
			    uint32_t x, uint32_t y)
{
	if (!fb) {
		c->cfg_fb = NULL;
		unmap(c);
		return 0;
	}
	int r = check_region(c, fb, x, y);
	if (r < 0)
		return r;
	if (!c->pres->dead && (r = ensure_pool(c, fb)) < 0)
		return r;
	c->cfg_fb = fb;
	c->cfg_x = x;
	c->cfg_y = y;
	return 0;
}

/* Copies the connector's region of fb into a free buffer; NULL when the
 * compositor still holds every buffer (the frame is dropped). */
static struct shm_buf *copy_frame(struct wl_pres_conn *c, struct pres_fb *fb)
{
	struct shm_buf *buf = shm_pool_acquire(&c->pool);
	if (!buf) {
		log_debug("wl: %s: all buffers busy; frame dropped", c->app_id);
		return NULL;
	}
	bool native = c->pool.drm_format == fb->fmt->fourcc;
	c->stats.bytes_copied += pixconv_copy_region(
		fb->fmt, native, fb->desc.pixels, fb->desc.stride, c->cfg_x,
		c->cfg_y, c->info.width, c->info.height, buf->data,
		c->pool.stride);
	return buf;
}

int wl_pres_conn_show(struct wl_pres_conn *c, struct pres_fb *fb)
{
	if (!fb)
		return -EINVAL;
	if (!c->cfg_fb || c->pres->dead || !c->surface) {
		pacing_start(c, fb); /* nothing to show: answer in time */
		return 0;
	}
	int r = check_region(c, fb, c->cfg_x, c->cfg_y);
	if (r < 0 || (r = ensure_pool(c, fb)) < 0)
		return r;
	if (wl_dmabuf_conn_show(c, fb))
		return 0; /* zero copy: attached, damaged, committed */
	pacing_start(c, fb);
	c->deferred = NULL;
	struct shm_buf *buf = copy_frame(c, fb);
	if (!buf) {
		/* The compositor holds every buffer: copy when it gives one
		 * back, so the newest frame is never the one lost. */
		c->deferred = fb;
		pacing_arm(c, c->pres->fallback_ns);
		return 0;
	}
	if (!c->configured) {
		if (c->staged)
			c->staged->busy = false;
		buf->busy = true;
		c->staged = buf;
		return 0;
	}
	commit_buffer(c, buf);
	pacing_watch_commit(c);
	wl_surface_commit(c->surface);
	c->stats.frames++;
	return 0;
}

/* The compositor is gone: what was in flight completes on the timer. */
void wl_pres_conn_lost(struct wl_pres_conn *c)
{
	if (c->has_pending)
		pacing_arm(c, WL_PRES_REFRESH_NS);
}
