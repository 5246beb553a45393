/* The KMS presenter object: presenter_impl glue, framebuffers (kept for
 * copying, and imported as KMS framebuffers where the guest's buffer came
 * as a dma-buf), the DRM fd's page-flip events, and the fd itself going
 * (a lease revoked) and a new one coming. */
#include <assert.h>
#include <drm_fourcc.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xf86drm.h>

#include "kms_internal.h"
#include "log.h"
#include "loop.h"
#include "pixel_convert.h"

static const struct presenter_impl kms_presenter_impl;

/* How often a lease is looked at for a revocation nobody told us of. */
#define PROBE_NS 1000000000ull

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
	if (p->dev.fd < 0) {
		fb->copy_reason = PRES_COPY_REFUSED; /* again on attach */
		return;
	}
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
	fb->next = p->fbs;
	p->fbs = fb;
	return fb;
}

static void fb_destroy(struct presenter *base, struct pres_fb *fb)
{
	struct kms_pres *p = kms_pres_from(base);
	if (!fb)
		return;
	fb_ref_list_release(&fb->refs); /* off every output showing it */
	for (struct pres_fb **pp = &p->fbs; *pp; pp = &(*pp)->next) {
		if (*pp == fb) {
			*pp = fb->next;
			break;
		}
	}
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
	if (p->lost_timer)
		loop_remove(p->lost_timer);
	loop_remove(p->probe);
	kms_lease_src_destroy(p->lease);
	kms_dev_close(&p->dev);
	free(p);
}

/* Everything made on the old fd goes with it: closing the fd frees it in
 * the kernel. The connectors answer on their timers meanwhile. */
static void drop_device(void *data)
{
	struct kms_pres *p = data;
	if (p->dev.fd < 0)
		return;
	p->losses++;
	for (struct kms_pres_conn *c = p->conns; c; c = c->next)
		kms_conn_device_lost(c);
	for (struct pres_fb *fb = p->fbs; fb; fb = fb->next)
		fb->handle = fb->fb_id = 0;
	loop_remove(p->fd_src);
	p->fd_src = NULL;
	kms_dev_close(&p->dev);
	if (p->lease)
		kms_lease_src_again(p->lease);
	else
		log_error("kms: no lease socket to ask for another device: the "
			  "guests' flips are answered on a timer until vdispld "
			  "restarts");
}

void kms_pres_lost(struct kms_pres *p, const char *why)
{
	if (p->lost)
		return;
	log_warn("kms: lost the DRM device (%s); every connector answers on "
		 "a timer until a new lease comes", why);
	p->lost = true;
	loop_timer_arm(p->lost_timer, 1, 0);
}

static void probe_fired(void *data)
{
	struct kms_pres *p = data;
	if (!p->lost && p->dev.fd >= 0 && kms_dev_lease_gone(&p->dev))
		kms_pres_lost(p, "the lease's CRTC is gone: revoked");
}

int kms_pres_attach(struct kms_pres *p, int fd)
{
	int r = kms_dev_open(&p->dev, NULL, fd);
	p->dev.event_data = p;
	if (r == 0) {
		p->fd_src = loop_add_fd(p->loop, p->dev.fd, EPOLLIN,
					drm_readable, p);
		if (!p->fd_src)
			r = -ENOMEM;
	}
	if (r < 0) {
		kms_dev_close(&p->dev);
		return r;
	}
	p->lost = false;
	for (struct pres_fb *fb = p->fbs; fb; fb = fb->next)
		import_dmabuf(p, fb);
	for (struct kms_pres_conn *c = p->conns; c; c = c->next)
		kms_conn_replan(c);
	return 0;
}

void kms_presenter_reconfigure(struct presenter *base)
{
	struct kms_pres *p = kms_pres_from(base);
	if (p->dev.fd < 0 || p->lost)
		return; /* the next device plans everyone with the new settings */
	bool any = false;
	for (struct kms_pres_conn *c = p->conns; c; c = c->next) {
		c->replan = kms_conn_release_if_changed(c);
		any = any || c->replan;
	}
	if (!any)
		return;
	/* Turning a display off waited for its last commit: that commit's
	 * page-flip event is queued now. Read it while its CRTC is nobody's,
	 * so it can't be taken for the next owner's. */
	struct pollfd pfd = {.fd = p->dev.fd, .events = POLLIN};
	if (poll(&pfd, 1, 0) > 0)
		drm_readable(p, p->dev.fd, POLLIN);
	for (struct kms_pres_conn *c = p->conns; c; c = c->next) {
		if (c->replan)
			kms_conn_replan(c);
		c->replan = false;
	}
}

bool kms_presenter_has_device(struct presenter *base)
{
	const struct kms_pres *p = kms_pres_from(base);
	return p->dev.fd >= 0 && !p->lost;
}

bool kms_presenter_shown_on(struct presenter *base, const char *output,
			    struct kms_shown *out)
{
	const struct kms_pres *p = kms_pres_from(base);
	for (const struct kms_pres_conn *c = p->conns; c; c = c->next) {
		if (!c->has_output || p->lost)
			continue;
		const struct kms_pick *pick = &c->out.pick;
		if (strcmp(p->dev.res.connectors[pick->connector].name,
			   output) != 0)
			continue;
		*out = (struct kms_shown){
			.domid = c->info.domid,
			.unique_id = c->unique_id,
			.width = c->info.width,
			.height = c->info.height,
			.mode_w = c->out.mode_w,
			.mode_h = c->out.mode_h,
			.dst = pick->dst,
			.src = pick->src,
		};
		return true;
	}
	return false;
}

uint64_t kms_presenter_losses(struct presenter *base)
{
	return kms_pres_from(base)->losses;
}

uint64_t kms_presenter_leases(struct presenter *base)
{
	return kms_lease_src_received(kms_pres_from(base)->lease);
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
	p->dev.fd = -1;
	p->lost_timer = loop_add_timer(loop, drop_device, p);
	p->is_lease = cfg->fd >= 0 || cfg->lease_socket;
	p->probe = p->is_lease ? loop_add_timer(loop, probe_fired, p) : NULL;
	int fd = cfg->fd;
	int r = p->lost_timer && (p->probe || !p->is_lease) ? 0 : -ENOMEM;
	if (r == 0 && p->probe)
		r = loop_timer_arm(p->probe, PROBE_NS, PROBE_NS) < 0 ? -errno : 0;
	/* An inherited fd that isn't open is a wrong --drm-fd, not a
	 * device without atomic modesetting. */
	if (r == 0 && fd >= 0 && fcntl(fd, F_GETFD) < 0) {
		r = -errno;
		log_error("kms: DRM fd %d is not open: %s", fd, strerror(-r));
	}
	if (r == 0 && cfg->lease_socket) {
		p->lease = kms_lease_src_create(p, cfg->lease_socket);
		r = !p->lease ? -ENOMEM : fd < 0 ? kms_lease_src_first(p->lease)
						 : fd;
		fd = r;
	} else if (r == 0 && fd < 0) {
		const char *path = cfg->device ? cfg->device : "/dev/dri/card0";
		fd = open(path, O_RDWR | O_CLOEXEC);
		r = fd < 0 ? -errno : 0;
		if (r < 0)
			log_error("kms: cannot open %s: %s", path, strerror(-r));
	}
	if (r >= 0)
		r = kms_pres_attach(p, fd);
	p->cfg.device = NULL; /* not ours to keep */
	p->cfg.lease_socket = NULL;
	p->cfg.fd = -1;
	if (r < 0) {
		destroy(&p->base);
		errno = -r;
		return NULL;
	}
	return &p->base;
}
