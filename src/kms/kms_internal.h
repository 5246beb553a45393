/* Private to src/kms/: the DRM device, its outputs and the presenter. */
#ifndef VDISPLD_KMS_INTERNAL_H
#define VDISPLD_KMS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <xf86drmMode.h>

#include "conn_frame.h"
#include "kms_plan.h"
#include "kms_presenter.h"
#include "pixel_convert.h"
#include "presenter.h"

struct loop_source;
struct kms_lease_src;
struct pixel_format;

/* The properties an atomic commit sets, per object. */
struct kms_conn_props {
	uint32_t crtc_id;
};
struct kms_crtc_props {
	uint32_t mode_id, active;
};
struct kms_plane_props {
	uint32_t fb_id, crtc_id, src_x, src_y, src_w, src_h;
	uint32_t crtc_x, crtc_y, crtc_w, crtc_h;
};

/* kms_device.c: an open DRM device (a whole card or a lease) and what it
 * offers, read once. */
struct kms_dev {
	int fd;
	struct kms_res res;
	drmModeModeInfo modes[KMS_MAX_CONNECTORS][KMS_MAX_MODES];
	struct kms_conn_props conn_props[KMS_MAX_CONNECTORS];
	struct kms_crtc_props crtc_props[KMS_MAX_CRTCS];
	struct kms_plane_props plane_props[KMS_MAX_PLANES];
	uint32_t used_crtcs, used_planes, used_connectors; /* bit masks */
	void *event_data; /* page-flip events' user data: lives as the fd */
};

/* Opens path (fd < 0) or takes fd over; atomic and universal planes are
 * required. -errno, logged. */
int kms_dev_open(struct kms_dev *d, const char *path, int fd);
void kms_dev_close(struct kms_dev *d);
/* After a refused commit: are the pick's CRTC or connector gone from the
 * fd (a revoked lease shows no objects)? */
bool kms_dev_objects_gone(const struct kms_dev *d, const struct kms_pick *pick);
/* Is the fd's first CRTC gone (a revoked lease)? */
bool kms_dev_lease_gone(const struct kms_dev *d);
/* Plans one want against what no output holds yet. */
void kms_dev_plan(const struct kms_dev *d, const struct kms_want *want,
		  struct kms_pick *pick);

/* A scanout buffer: a dumb buffer with its KMS framebuffer. */
struct kms_buf {
	uint32_t handle, fb_id, pitch;
	uint8_t *map;
	size_t size;
};

/* kms_output.c: one display (connector, CRTC, primary plane, mode) with
 * two dumb buffers for the copy path. */
struct kms_output {
	struct kms_dev *dev;
	struct kms_pick pick;
	uint32_t mode_w, mode_h;
	uint32_t mode_blob; /* 0 until the first modeset */
	struct kms_buf bufs[2];
	int front;	 /* bufs index on screen (or going), -1: none */
	bool active;	 /* the CRTC is on with our mode */
	bool in_flight;	 /* a commit waits for its page-flip event */
};

int kms_output_init(struct kms_output *o, struct kms_dev *d,
		    const struct kms_pick *pick);
void kms_output_finish(struct kms_output *o);
/* The device is gone: unmaps the buffers and forgets the rest (closing
 * the fd frees it in the kernel); no ioctl. */
void kms_output_forget(struct kms_output *o);
/* The buffer a copy goes into next (not the one on screen). */
struct kms_buf *kms_output_back(struct kms_output *o);
/* Shows fb_id (a whole-screen framebuffer) with a page-flip event (and a
 * modeset if the CRTC is off). 0 or -errno. */
int kms_output_commit(struct kms_output *o, uint32_t fb_id);
/* The CRTC off, the plane empty; waits for it. */
void kms_output_off(struct kms_output *o);
uint32_t kms_output_crtc_id(const struct kms_output *o);

struct pres_fb {
	struct fb_ref_list refs; /* first: see pres_fb_refs() */
	struct pres_fb *next;	 /* kms_pres.fbs */
	struct pres_fb_desc desc;
	const struct pixel_format *fmt;
	uint32_t handle, fb_id; /* zero copy: the imported dma-buf */
	int copy_reason;	/* enum pres_copy_reason, -1: none */
};

struct kms_pres_conn {
	struct kms_pres *pres;
	struct kms_pres_conn *next;
	struct pres_conn_info info;
	char *dom_name, *unique_id;
	const struct pres_conn_listener *listener;
	void *data;
	struct conn_frame frame;
	struct kms_output out;
	bool has_output;
	/* The settings it took its display with (want_output NULL: the
	 * first free one), to tell a reload that changes them. */
	char *want_output;
	enum kms_fit want_fit;
	bool replan; /* kms_presenter_reconfigure(): released, to re-take */
	bool flip_in_commit; /* the commit in flight carries the owed flip */
	struct loop_source *timer;
	struct pres_conn_stats stats;
	struct pixconv_row scale_row; /* fit = scale's scratch, kept */
};

struct kms_pres {
	struct presenter base;
	struct loop *loop;
	struct kms_presenter_config cfg;
	struct kms_dev dev;
	struct loop_source *fd_src;
	struct kms_pres_conn *conns;
	struct pres_fb *fbs;
	/* The device is lost (lease revoked): nothing is committed until a
	 * new one is attached; lost_timer drops it outside the callback that
	 * found out. */
	bool lost;
	struct loop_source *lost_timer;
	/* On a lease: looks once a second whether it was revoked, so a
	 * guest that doesn't flip is not the only way to find out. */
	bool is_lease;
	struct loop_source *probe;
	uint64_t losses;
	struct kms_lease_src *lease; /* NULL: no lease socket */
};

/* kms_presenter.c: the device went away (why: for the log). */
void kms_pres_lost(struct kms_pres *p, const char *why);
/* A new DRM fd (lease) to show on: taken over. 0 or -errno. */
int kms_pres_attach(struct kms_pres *p, int fd);

/* kms_lease_src.c: leases from a lease manager's socket (kms_lease.h),
 * asked for again with back-off after each loss. */
struct kms_lease_src *kms_lease_src_create(struct kms_pres *p,
					   const char *path);
/* The first lease, at start: the fd or -errno. */
int kms_lease_src_first(struct kms_lease_src *s);
/* The lease is gone: hand it back, ask for a new one with back-off. */
void kms_lease_src_again(struct kms_lease_src *s);
uint64_t kms_lease_src_received(const struct kms_lease_src *s);
void kms_lease_src_destroy(struct kms_lease_src *s);

/* kms_conn.c: a guest connector on its output. */
struct kms_pres_conn *kms_conn_create(struct kms_pres *p,
				      const struct pres_conn_info *info,
				      const struct pres_conn_listener *l,
				      void *data);
void kms_conn_destroy(struct kms_pres_conn *c);
/* The page-flip event of c's commit came. */
void kms_conn_flipped(struct kms_pres_conn *c);
/* The device went away: forget the display; answer on the timer. */
void kms_conn_device_lost(struct kms_pres_conn *c);
/* A device came (back), or the settings changed: take a display, planned
 * against what the others hold, and show the current picture. */
void kms_conn_replan(struct kms_pres_conn *c);
/* Settings reloaded: if c's output or fit changed, or it has no display,
 * it gives its display back (turned off) and says true; the caller
 * re-plans it once every such connector has given its back, so two may
 * swap displays. */
bool kms_conn_release_if_changed(struct kms_pres_conn *c);

#endif
