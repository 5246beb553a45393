/* The presenter: what displ/ needs from a display server, and nothing of
 * Wayland. wl/ implements it on a Wayland compositor; tests and a future
 * DRM/KMS backend can implement it too.
 *
 * Model: a pres_fb is a guest framebuffer (pixels the guest draws into,
 * shared by all connectors of a device). A pres_conn is one guest
 * connector: one surface. show() puts an fb on a connector; the presenter
 * calls flip_done exactly once per show(), in order, when that frame was
 * really shown (or, when the surface is not being shown at all, on a
 * refresh-rate timer) so the guest never waits on its time-out. */
#ifndef VDISPLD_PRESENTER_H
#define VDISPLD_PRESENTER_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fb_ref.h"

struct presenter;
struct pres_conn;
struct pres_fb;

struct pres_fb_desc {
	uint32_t width, height;
	uint32_t stride;   /* bytes per line, as the guest lays it out */
	uint32_t fourcc;   /* DRM fourcc, as displif carries it */
	const void *pixels; /* first pixel (data_ofs applied); NULL if none */
	size_t size;	   /* bytes readable at pixels */
	int dmabuf_fd;	   /* -1 if the buffer has no dma-buf (copy path) */
	uint32_t dmabuf_offset;
	/* Why dmabuf_fd is -1: -errno of the grant device's export (kernel
	 * without dma-buf support), -ECANCELED when zero copy is switched
	 * off (--no-dmabuf), 0 if unknown. */
	int dmabuf_error;
	/* dmabuf_error's known cause in words (a static string), shown in
	 * place of the bare errno; NULL if none is known. */
	const char *dmabuf_why;
	uint64_t cookie;   /* the guest's fb cookie, for logs */
};

struct pres_conn_info {
	uint32_t domid;
	uint32_t devid;
	uint32_t index;	      /* connector index within the device */
	const char *dom_name; /* guest domain name */
	const char *unique_id;
	uint32_t width, height; /* the connector's resolution */
};

struct pres_conn_listener {
	/* One call per presenter_conn_show(), in order. */
	void (*flip_done)(void *data, struct pres_fb *fb);
};

/* Why a frame took the copy path rather than zero copy (dma-buf). */
enum pres_copy_reason {
	PRES_COPY_DISABLED,   /* zero copy switched off (--no-dmabuf) */
	PRES_COPY_KERNEL,     /* no dma-buf of the guest's pages (gntdev) */
	PRES_COPY_COMPOSITOR, /* the compositor has no linux-dmabuf */
	PRES_COPY_FORMAT,     /* format/modifier not offered by it */
	PRES_COPY_REFUSED,    /* it refused the import ("failed") */
	PRES_COPY_REGION,     /* a connector shows part of the fb only */
	PRES_COPY_REASONS
};

static inline const char *pres_copy_reason_name(enum pres_copy_reason r)
{
	static const char *const names[PRES_COPY_REASONS] = {
		"disabled", "kernel", "compositor", "format", "refused",
		"region",
	};
	return (unsigned)r < PRES_COPY_REASONS ? names[r] : "?";
}

/* Per-connector counters (zero copy vs copy), read by status lines. */
struct pres_conn_stats {
	uint64_t frames;
	uint64_t bytes_copied;
	uint64_t zero_copy_frames;
	uint64_t fallbacks; /* flips completed by the timer, not the compositor */
	/* Flips completed by the page-flip event of the KMS commit that
	 * showed them (KMS presenter; 0 under Wayland). */
	uint64_t kms_flip_events;
	/* Frames that took the copy path, by enum pres_copy_reason. */
	uint64_t fallback_frames[PRES_COPY_REASONS];
	/* Wall time spent copying those frames' pixels (benchmarks compare
	 * it with a plain memcpy of the same bytes). */
	uint64_t copy_ns;
};

/* Every implementation's struct pres_fb starts with the list of its
 * references (fb_ref.h), released by its fb_destroy before it frees. */
static inline struct fb_ref_list *pres_fb_refs(struct pres_fb *fb)
{
	return (struct fb_ref_list *)(void *)fb;
}

struct presenter_impl {
	const char *name;
	struct pres_fb *(*fb_create)(struct presenter *p,
				     const struct pres_fb_desc *desc);
	void (*fb_destroy)(struct presenter *p, struct pres_fb *fb);
	struct pres_conn *(*conn_create)(struct presenter *p,
					 const struct pres_conn_info *info,
					 const struct pres_conn_listener *l,
					 void *data);
	void (*conn_destroy)(struct presenter *p, struct pres_conn *c);
	/* fb == NULL disables (unmaps) the connector. x/y: the region's
	 * offset inside fb; the region has the connector's resolution. */
	int (*conn_set_config)(struct presenter *p, struct pres_conn *c,
			       struct pres_fb *fb, uint32_t x, uint32_t y);
	int (*conn_show)(struct presenter *p, struct pres_conn *c,
			 struct pres_fb *fb);
	void (*conn_stats)(struct presenter *p, struct pres_conn *c,
			   struct pres_conn_stats *out);
	void (*destroy)(struct presenter *p);
};

/* Every implementation embeds this first. */
struct presenter {
	const struct presenter_impl *impl;
};

static inline struct pres_fb *presenter_fb_create(struct presenter *p,
						  const struct pres_fb_desc *d)
{
	return p->impl->fb_create(p, d);
}
static inline void presenter_fb_destroy(struct presenter *p,
					struct pres_fb *fb)
{
	p->impl->fb_destroy(p, fb);
}
/* Checks the arguments every implementation relies on (EINVAL). */
static inline struct pres_conn *
presenter_conn_create(struct presenter *p, const struct pres_conn_info *info,
		      const struct pres_conn_listener *l, void *data)
{
	if (!info || !l || !l->flip_done || !info->width || !info->height) {
		errno = EINVAL;
		return NULL;
	}
	return p->impl->conn_create(p, info, l, data);
}
static inline void presenter_conn_destroy(struct presenter *p,
					  struct pres_conn *c)
{
	p->impl->conn_destroy(p, c);
}
static inline int presenter_conn_set_config(struct presenter *p,
					    struct pres_conn *c,
					    struct pres_fb *fb, uint32_t x,
					    uint32_t y)
{
	return p->impl->conn_set_config(p, c, fb, x, y);
}
static inline int presenter_conn_show(struct presenter *p, struct pres_conn *c,
				      struct pres_fb *fb)
{
	return p->impl->conn_show(p, c, fb);
}
static inline void presenter_conn_stats(struct presenter *p,
					struct pres_conn *c,
					struct pres_conn_stats *out)
{
	*out = (struct pres_conn_stats){0};
	if (p->impl->conn_stats)
		p->impl->conn_stats(p, c, out);
}
static inline void presenter_destroy(struct presenter *p)
{
	if (p)
		p->impl->destroy(p);
}

#endif
