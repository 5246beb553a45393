/* The KMS presenter object: presenter_impl glue, framebuffers (kept for
 * copying, and imported as KMS framebuffers where the guest's buffer came
 * as a dma-buf), and the DRM fd's page-flip events. */
#include <assert.h>
#include <drm_fourcc.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <xf86drm.h>

#include "kms_internal.h"
#include "log.h"
#include "loop.h"
#include "pixel_convert.h"

static const struct presenter_impl kms_presenter_impl;

static struct kms_pres *kms_pres_from(struct presenter *base)
{
	assert(base->impl == &kms_presenter_impl);
	return (struct kms_pres *)base;
}

/* The guest's dma-buf as a KMS framebuffer: zero copy, or why not. */
static void import_dmabuf(struct kms_pres *p, struct pres_fb *fb)
{
	const struct pres_fb_desc *d = &fb->desc;
	fb->copy_reason = -1;
	if (d->dmabuf_fd < 0) {
		fb->copy_reason = d->dmabuf_error == -ECANCELED
					  ? PRES_COPY_DISABLED
					  : PRES_COPY_KERNEL;
		return;
	}
	if (p->cfg.no_zero_copy) {
		fb->copy_reason = PRES_COPY_DISABLED;
		return;
	}
	uint32_t handles[4] = {0}, pitches[4] = {d->stride};
	uint32_t offsets[4] = {d->dmabuf_offset};
	uint64_t modifiers[4] = {DRM_FORMAT_MOD_LINEAR};
	if (drmPrimeFDToHandle(p->dev.fd, d->dmabuf_fd, &fb->handle) < 0 ||
	    (handles[0] = fb->handle,
	     drmModeAddFB2WithModifiers(p->dev.fd, d->width, d->height,
					d->fourcc, handles, pitches, offsets,
					modifiers, &fb->fb_id,
					DRM_MODE_FB_MODIFIERS) < 0)) {
		log_info("kms: fb %#llx (%ux%u %.4s) takes the copy path: the "
			 "device refused the dma-buf: %s",
			 (unsigned long long)d->cookie, d->width, d->height,
			 (const char *)&d->fourcc, strerror(errno));
		fb->copy_reason = PRES_COPY_REFUSED;
		fb->fb_id = 0;
	}
}

static struct pres_fb *fb_create(struct presenter *base,
				 const struct pres_fb_desc *desc)
{
	struct kms_pres *p = kms_pres_from(base);
	struct pres_fb *fb = calloc(1, sizeof(*fb));
	if (!fb)
		return NULL;
	fb->desc = *desc;
	fb->fmt = pixel_format_find(desc->fourcc);
	if (!fb->fmt)
		log_warn("kms: fb %#llx has format %.4s the copy path can't "
			 "show", (unsigned long long)desc->cookie,
			 (const char *)&desc->fourcc);
	import_dmabuf(p, fb);
	return fb;
}

static void fb_destroy(struct presenter *base, struct pres_fb *fb)
{
	struct kms_pres *p = kms_pres_from(base);
	if (!fb)
		return;
	fb_ref_list_release(&fb->refs); /* off every output showing it */
	if (fb->fb_id)
		drmModeRmFB(p->dev.fd, fb->fb_id);
	if (fb->handle) {
		struct drm_gem_close req = {.handle = fb->handle};
		/* A failure leaves it to the fd's close. */
		(void)drmIoctl(p->dev.fd, DRM_IOCTL_GEM_CLOSE, &req);
	}
	free(fb);
}

static struct pres_conn *conn_create(struct presenter *base,
				     const struct pres_conn_info *info,
				     const struct pres_conn_listener *l,
				     void *data)
{
	return (struct pres_conn *)kms_conn_create(kms_pres_from(base), info,
						   l, data);
}

static void conn_destroy(struct presenter *base, struct pres_conn *c)
{
	(void)kms_pres_from(base);
	kms_conn_destroy((struct kms_pres_conn *)c);
}

/* The region at (x, y) of the connector's size must lie in fb's pixels,
 * in a format the copy path knows. */
static int check_region(const struct kms_pres_conn *c,
			const struct pres_fb *fb, uint32_t x, uint32_t y)
{
	const struct pres_fb_desc *d = &fb->desc;
	if (!d->pixels || !pixconv_region_fits(fb->fmt, d->width, d->height,
					       d->stride, d->size, x, y,
					       c->info.width, c->info.height))
		return -EINVAL;
	return 0;
}

static int conn_set_config(struct presenter *base, struct pres_conn *pc,
			   struct pres_fb *fb, uint32_t x, uint32_t y)
{
	struct kms_pres_conn *c = (struct kms_pres_conn *)pc;
	(void)kms_pres_from(base);
	if (fb && check_region(c, fb, x, y) < 0)
		return -EINVAL;
	conn_frame_set_config(&c->frame, fb, x, y);
	return 0;
}

static int conn_show(struct presenter *base, struct pres_conn *pc,
		     struct pres_fb *fb)
{
	struct kms_pres_conn *c = (struct kms_pres_conn *)pc;
	(void)kms_pres_from(base);
	if (!fb)
		return -EINVAL;
	if (c->frame.picture != CONN_PICTURE_OFF &&
	    check_region(c, fb, c->frame.x, c->frame.y) < 0)
		return -EINVAL;
	conn_frame_show(&c->frame, fb, loop_now_ns());
	return 0;
}

static void conn_stats(struct presenter *base, struct pres_conn *c,
		       struct pres_conn_stats *out)
{
	(void)kms_pres_from(base);
	*out = ((struct kms_pres_conn *)c)->stats;
}

// cppcheck-suppress constParameterCallback
static void page_flip(int fd, unsigned seq, unsigned sec, unsigned usec,
		      unsigned crtc_id, void *user)
{
	struct kms_pres *p = user;
	(void)fd, (void)seq, (void)sec, (void)usec;
	for (struct kms_pres_conn *c = p->conns; c; c = c->next) {
		if (c->has_output && kms_output_crtc_id(&c->out) == crtc_id) {
			kms_conn_flipped(c);
			return;
		}
	}
}

static void drm_readable(void *data, int fd, uint32_t events)
{
	(void)data, (void)events; /* the events carry the presenter */
	drmEventContext ev = {.version = 3, .page_flip_handler2 = page_flip};
	if (drmHandleEvent(fd, &ev) < 0)
		log_warn("kms: reading DRM events: %s", strerror(errno));
}

static void destroy(struct presenter *base)
{
	struct kms_pres *p = kms_pres_from(base);
	while (p->conns)
		kms_conn_destroy(p->conns);
	if (p->fd_src)
		loop_remove(p->fd_src);
	kms_dev_close(&p->dev);
	free(p);
}

static const struct presenter_impl kms_presenter_impl = {
	.name = "kms",
	.fb_create = fb_create,
	.fb_destroy = fb_destroy,
	.conn_create = conn_create,
	.conn_destroy = conn_destroy,
	.conn_set_config = conn_set_config,
	.conn_show = conn_show,
	.conn_stats = conn_stats,
	.destroy = destroy,
};

struct presenter *kms_presenter_create(struct loop *loop,
				       const struct kms_presenter_config *cfg)
{
	struct kms_pres *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->base.impl = &kms_presenter_impl;
	p->loop = loop;
	p->cfg = *cfg;
	const char *path = cfg->device ? cfg->device : "/dev/dri/card0";
	int r = kms_dev_open(&p->dev, path, cfg->fd);
	p->dev.event_data = p;
	if (r == 0) {
		p->fd_src = loop_add_fd(loop, p->dev.fd, EPOLLIN, drm_readable,
					p);
		if (!p->fd_src)
			r = -ENOMEM;
	}
	if (r < 0) {
		kms_dev_close(&p->dev);
		free(p);
		errno = -r;
		return NULL;
	}
	p->cfg.device = NULL; /* not ours to keep */
	p->cfg.fd = -1;
	return &p->base;
}
