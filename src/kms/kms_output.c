/* One display output of the KMS presenter: a display connector driven by
 * a CRTC whose primary plane scans out one of two dumb buffers (the copy
 * path draws into the other) or a guest's imported dma-buf (zero copy).
 * Every commit is atomic and asks for a page-flip event; the first one on
 * a dark CRTC also sets the mode. */
#include <drm_fourcc.h>
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <xf86drm.h>

#include "kms_internal.h"
#include "log.h"

static void buf_free(int fd, struct kms_buf *b)
{
	if (b->map)
		munmap(b->map, b->size);
	if (b->fb_id)
		drmModeRmFB(fd, b->fb_id);
	if (b->handle) {
		/* A failure leaves it to the fd's close, which frees it. */
		struct drm_mode_destroy_dumb req = {.handle = b->handle};
		(void)drmIoctl(fd, DRM_IOCTL_MODE_DESTROY_DUMB, &req);
	}
	*b = (struct kms_buf){0};
}

/* An XRGB8888 dumb buffer of w x h, black. */
static int buf_make(int fd, struct kms_buf *b, uint32_t w, uint32_t h)
{
	struct drm_mode_create_dumb create = {.width = w, .height = h,
					      .bpp = 32};
	if (drmIoctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &create) < 0)
		return -errno;
	b->handle = create.handle;
	b->pitch = create.pitch;
	b->size = create.size;
	uint32_t handles[4] = {b->handle}, pitches[4] = {b->pitch};
	uint32_t offsets[4] = {0};
	struct drm_mode_map_dumb map = {.handle = b->handle};
	int err = 0;
	if (drmModeAddFB2(fd, w, h, DRM_FORMAT_XRGB8888, handles, pitches,
			  offsets, &b->fb_id, 0) < 0 ||
	    drmIoctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &map) < 0)
		err = errno;
	if (!err) {
		void *p = mmap(NULL, b->size, PROT_READ | PROT_WRITE,
			       MAP_SHARED, fd, (off_t)map.offset);
		if (p == MAP_FAILED)
			err = errno;
		else
			b->map = p;
	}
	if (err) {
		buf_free(fd, b);
		return -err;
	}
	memset(b->map, 0, b->size);
	return 0;
}

int kms_output_init(struct kms_output *o, struct kms_dev *d,
		    const struct kms_pick *pick)
{
	const struct kms_mode *m =
		&d->res.connectors[pick->connector].modes[pick->mode];
	*o = (struct kms_output){.dev = d, .pick = *pick, .mode_w = m->width,
				 .mode_h = m->height, .front = -1};
	for (int i = 0; i < 2; i++) {
		int r = buf_make(d->fd, &o->bufs[i], o->mode_w, o->mode_h);
		if (r < 0) {
			log_error("kms: %s: scanout buffer %ux%u: %s",
				  d->res.connectors[pick->connector].name,
				  o->mode_w, o->mode_h, strerror(-r));
			kms_output_finish(o);
			return r;
		}
	}
	d->used_connectors |= 1u << pick->connector;
	d->used_crtcs |= 1u << pick->crtc;
	d->used_planes |= 1u << pick->plane;
	return 0;
}

void kms_output_finish(struct kms_output *o)
{
	struct kms_dev *d = o->dev;
	if (!d)
		return;
	if (o->active)
		kms_output_off(o);
	for (int i = 0; i < 2; i++)
		buf_free(d->fd, &o->bufs[i]);
	if (o->mode_blob)
		drmModeDestroyPropertyBlob(d->fd, o->mode_blob);
	d->used_connectors &= ~(1u << o->pick.connector);
	d->used_crtcs &= ~(1u << o->pick.crtc);
	d->used_planes &= ~(1u << o->pick.plane);
	o->dev = NULL;
}

void kms_output_forget(struct kms_output *o)
{
	for (int i = 0; i < 2; i++)
		if (o->bufs[i].map)
			munmap(o->bufs[i].map, o->bufs[i].size);
	*o = (struct kms_output){.front = -1};
}

struct kms_buf *kms_output_back(struct kms_output *o)
{
	return &o->bufs[o->front == 0 ? 1 : 0];
}

uint32_t kms_output_crtc_id(const struct kms_output *o)
{
	return o->dev->res.crtc_ids[o->pick.crtc];
}

/* The plane shows fb_id over the whole mode; the CRTC and connector on. */
static int add_scanout(drmModeAtomicReq *req, const struct kms_output *o,
		       uint32_t fb_id, bool modeset)
{
	const struct kms_dev *d = o->dev;
	const struct kms_plane_props *pp = &d->plane_props[o->pick.plane];
	uint32_t plane = d->res.planes[o->pick.plane].id;
	uint32_t crtc = kms_output_crtc_id(o);
	int r = 0;
	if (modeset) {
		const struct kms_crtc_props *cp = &d->crtc_props[o->pick.crtc];
		r |= drmModeAtomicAddProperty(
			req, d->res.connectors[o->pick.connector].id,
			d->conn_props[o->pick.connector].crtc_id, crtc) < 0;
		r |= drmModeAtomicAddProperty(req, crtc, cp->mode_id,
					      o->mode_blob) < 0;
		r |= drmModeAtomicAddProperty(req, crtc, cp->active, 1) < 0;
	}
	const uint64_t v[] = {fb_id, crtc, 0, 0, (uint64_t)o->mode_w << 16,
			      (uint64_t)o->mode_h << 16, 0, 0, o->mode_w,
			      o->mode_h};
	const uint32_t ids[] = {pp->fb_id, pp->crtc_id, pp->src_x, pp->src_y,
				pp->src_w, pp->src_h, pp->crtc_x, pp->crtc_y,
				pp->crtc_w, pp->crtc_h};
	for (unsigned i = 0; i < 10; i++)
		r |= drmModeAtomicAddProperty(req, plane, ids[i], v[i]) < 0;
	return r ? -ENOMEM : 0;
}

int kms_output_commit(struct kms_output *o, uint32_t fb_id)
{
	struct kms_dev *d = o->dev;
	bool modeset = !o->active;
	if (modeset && !o->mode_blob &&
	    drmModeCreatePropertyBlob(
		    d->fd, &d->modes[o->pick.connector][o->pick.mode],
		    sizeof(drmModeModeInfo), &o->mode_blob) < 0)
		return -errno;
	drmModeAtomicReq *req = drmModeAtomicAlloc();
	if (!req)
		return -ENOMEM;
	uint32_t flags = DRM_MODE_PAGE_FLIP_EVENT | DRM_MODE_ATOMIC_NONBLOCK;
	if (modeset)
		flags |= DRM_MODE_ATOMIC_ALLOW_MODESET;
	int r = add_scanout(req, o, fb_id, modeset);
	/* The event names its CRTC, and the presenter finds the output by
	 * it: no pointer to a connector outlives it. */
	if (r == 0 &&
	    drmModeAtomicCommit(d->fd, req, flags, d->event_data) < 0)
		r = -errno;
	drmModeAtomicFree(req);
	if (r == 0) {
		o->active = true;
		o->in_flight = true;
	}
	return r;
}

void kms_output_off(struct kms_output *o)
{
	struct kms_dev *d = o->dev;
	const struct kms_plane_props *pp = &d->plane_props[o->pick.plane];
	uint32_t plane = d->res.planes[o->pick.plane].id;
	uint32_t crtc = kms_output_crtc_id(o);
	drmModeAtomicReq *req = drmModeAtomicAlloc();
	if (!req)
		return;
	drmModeAtomicAddProperty(req, plane, pp->fb_id, 0);
	drmModeAtomicAddProperty(req, plane, pp->crtc_id, 0);
	drmModeAtomicAddProperty(req, d->res.connectors[o->pick.connector].id,
				 d->conn_props[o->pick.connector].crtc_id, 0);
	drmModeAtomicAddProperty(req, crtc, d->crtc_props[o->pick.crtc].active,
				 0);
	drmModeAtomicAddProperty(req, crtc, d->crtc_props[o->pick.crtc].mode_id,
				 0);
	/* Blocking: the kernel finishes a commit in flight first. */
	if (drmModeAtomicCommit(d->fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET,
				NULL) < 0)
		log_warn("kms: %s: turning the output off: %s",
			 d->res.connectors[o->pick.connector].name,
			 strerror(errno));
	drmModeAtomicFree(req);
	o->active = false;
	o->front = -1;
}
