/* One guest connector = one Wayland surface: an xdg_toplevel (or an
 * ivi_surface) showing the picture its frame lifecycle (conn_frame.h)
 * wants: mapped by SET_CONFIG's fb, updated by every flip, unmapped by
 * set_config(NULL); fed by zero copy (wl_dmabuf.c) or by copies of the
 * guest's pixels into wl_shm. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "loop.h"
#include "pixel_convert.h"
#include "wl_internal.h"

static const struct conn_frame_ops frame_ops;

/* A buffer came back: a picture that found them all busy goes up now. */
static void buffer_released(void *data)
{
	struct wl_pres_conn *c = data;
	conn_frame_retry(&c->frame);
}

struct wl_pres_conn *wl_pres_conn_create(struct wl_pres *p,
					 const struct pres_conn_info *info,
					 const struct pres_conn_listener *l,
					 void *data)
{
	struct wl_pres_conn *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->pres = p;
	c->listener = l;
	c->data = data;
	c->pool.fd = -1;
	c->pool.released = buffer_released;
	c->pool.data = c;
	conn_frame_init(&c->frame, &frame_ops, c);
	wl_list_insert(p->conns.prev, &c->link);
	if (wl_pres_conn_load_opts(c, info) < 0 || pacing_init(c) < 0) {
		log_error("wl: connector %u/%u/%u: out of memory", info->domid,
			  info->devid, info->index);
		wl_pres_conn_destroy(c);
		errno = ENOMEM;
		return NULL;
	}
	wl_pres_conn_surface_create(c);
	log_info("wl: connector %s (\"%s\") %ux%u as %s", c->app_id,
		 log_text(c->title),
		 info->width, info->height,
		 c->ivi_surface ? "ivi_surface" : "xdg_toplevel");
	return c;
}

void wl_pres_conn_destroy(struct wl_pres_conn *c)
{
	if (!c)
		return;
	pacing_finish(c);
	conn_frame_finish(&c->frame);
	wl_pres_conn_surface_drop(c);
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
	uint32_t w = c->info.width, h = c->info.height;
	if (!d->pixels || !pixconv_region_fits(fb->fmt, d->width, d->height,
					       d->stride, d->size, x, y, w, h)) {
		log_warn("wl: %s: fb %#llx (%ux%u stride %u, %zu bytes) cannot "
			 "hold %ux%u at %u,%u", c->app_id,
			 (unsigned long long)d->cookie, d->width, d->height,
			 d->stride, d->size, w, h, x, y);
		return -EINVAL;
	}
	return 0;
}

/* wl_shm takes the guest's format as is when it can; else XRGB8888. XR24
 * stays XR24: its zero padding byte must never turn into alpha. */
static int ensure_pool(struct wl_pres_conn *c, struct pres_fb *fb)
{
	const struct pixel_format *f = fb->fmt;
	bool native = f->shm_passthrough && wl_pres_shm_has(c->pres, f->fourcc);
	uint32_t want = native ? f->fourcc : pixconv_wl_shm_to_drm(WL_SHM_FORMAT_XRGB8888);
	if (c->pool.map && c->pool.drm_format == want)
		return 0;
	shm_pool_finish(&c->pool);
	return shm_pool_init(&c->pool, c->pres->shm, c->info.width,
			     c->info.height, want, native ? f->bytes_per_pixel : 4);
}

/* conn_frame_ops.unpresent: the surface shows nothing. */
static void unpresent(void *owner)
{
	struct wl_pres_conn *c = owner;
	c->dmabuf_attached = NULL; /* the NULL attach lets it go */
	if (!c->mapped || c->pres->dead || !c->surface)
		return;
	c->mapped = false;
	wl_surface_attach(c->surface, NULL, 0, 0);
	wl_surface_commit(c->surface);
	if (c->xdg_surface) {
		/* An unmapped toplevel must wait for a new configure before its
		 * next buffer, which Weston 10 never sends after a NULL
		 * attach: a fresh xdg role gets one on every compositor. */
		wl_pres_conn_role_renew(c);
	}
}

int wl_pres_conn_set_config(struct wl_pres_conn *c, struct pres_fb *fb,
			    uint32_t x, uint32_t y)
{
	if (fb) {
		int r = check_region(c, fb, x, y);
		if (r < 0)
			return r;
		if (!c->pres->dead && (r = ensure_pool(c, fb)) < 0)
			return r;
		/* An fb known to be copied: the pool's page faults happen
		 * here, not in the first frames (docs/performance.md). */
		if (!c->pres->dead && (!fb->dmabuf || fb->copy_reason >= 0))
			shm_pool_warm(&c->pool, c->pres->loop);
	}
	conn_frame_set_config(&c->frame, fb, x, y);
	return 0;
}

/* Copies the connector's region at (x, y) of fb into a free buffer; NULL
 * when the compositor still holds every buffer. */
static struct shm_buf *copy_frame(struct wl_pres_conn *c, struct pres_fb *fb,
				  uint32_t x, uint32_t y)
{
	struct shm_buf *buf = shm_pool_acquire(&c->pool);
	if (!buf) {
		log_debug("wl: %s: all buffers busy; the frame waits",
			  c->app_id);
		return NULL;
	}
	bool native = c->pool.drm_format == fb->fmt->fourcc;
	/* Two vDSO clock reads per copied frame: nothing next to the copy. */
	uint64_t t0 = loop_now_ns();
	c->stats.bytes_copied += pixconv_copy_region(
		fb->fmt, native, fb->desc.pixels, fb->desc.stride, x, y,
		c->info.width, c->info.height, buf->data, c->pool.stride);
	c->stats.copy_ns += loop_now_ns() - t0;
	return buf;
}

/* The copy path of present(): the compositor reads our wl_shm copy. */
static enum conn_present present_copy(struct wl_pres_conn *c,
				      struct pres_fb *fb, uint32_t x,
				      uint32_t y, bool flip, int reason)
{
	int r = ensure_pool(c, fb);
	if (r < 0) {
		log_warn("wl: %s: no wl_shm pool for fb %#llx: %s", c->app_id,
			 (unsigned long long)fb->desc.cookie, strerror(-r));
		return CONN_PRESENT_LATER;
	}
	struct shm_buf *buf = copy_frame(c, fb, x, y);
	if (!buf)
		return CONN_PRESENT_LATER; /* buffer_released() retries */
	c->stats.fallback_frames[reason]++;
	buf->busy = true;
	c->dmabuf_attached = NULL;
	wl_pres_conn_viewport(c, false, 0, 0); /* the buffer is the region */
	wl_surface_attach(c->surface, buf->buffer, 0, 0);
	wl_surface_damage_buffer(c->surface, 0, 0, INT32_MAX, INT32_MAX);
	c->mapped = true;
	if (flip)
		pacing_watch_commit(c);
	wl_surface_commit(c->surface);
	c->stats.frames++;
	return CONN_PRESENT_SHOWN;
}

/* conn_frame_ops.present: zero copy where it can, else a copy. */
static enum conn_present present(void *owner, struct pres_fb *fb, uint32_t x,
				 uint32_t y, bool flip)
{
	struct wl_pres_conn *c = owner;
	if (c->pres->dead || !c->surface || !c->configured)
		return CONN_PRESENT_LATER; /* restore / configure retries */
	int reason;
	int r = wl_dmabuf_present(c, fb, x, y, flip, &reason);
	if (r >= 0)
		return (enum conn_present)r;
	return present_copy(c, fb, x, y, flip, reason);
}

static void flip_done(void *owner, struct pres_fb *fb)
{
	struct wl_pres_conn *c = owner;
	c->listener->flip_done(c->data, fb);
}

static const struct conn_frame_ops frame_ops = {
	.present = present,
	.unpresent = unpresent,
	.arm = pacing_flip_timer,
	.answered_late = pacing_answered_late,
	.flip_done = flip_done,
};

int wl_pres_conn_show(struct wl_pres_conn *c, struct pres_fb *fb)
{
	if (!fb)
		return -EINVAL;
	if (c->frame.picture != CONN_PICTURE_OFF) {
		int r = check_region(c, fb, c->frame.x, c->frame.y);
		if (r < 0 || (!c->pres->dead && (r = ensure_pool(c, fb)) < 0))
			return r;
	}
	conn_frame_show(&c->frame, fb, loop_now_ns());
	return 0;
}

/* The compositor is gone: what was in flight completes on the timer; the
 * surface and the pool's wl_buffers go with the connection. */
void wl_pres_conn_lost(struct wl_pres_conn *c)
{
	wl_pres_conn_surface_drop(c);
	shm_pool_finish(&c->pool);
}

void wl_pres_conn_restore(struct wl_pres_conn *c)
{
	conn_frame_retry(&c->frame);
}
