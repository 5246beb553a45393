/* Private to src/kms/: the DRM device, its outputs and the presenter. */
#ifndef VDISPLD_KMS_INTERNAL_H
#define VDISPLD_KMS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <xf86drmMode.h>

#include "conn_frame.h"
#include "kms_plan.h"
#include "kms_presenter.h"
#include "presenter.h"

struct loop_source;
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
	bool flip_in_commit; /* the commit in flight carries the owed flip */
	struct loop_source *timer;
	struct pres_conn_stats stats;
};

struct kms_pres {
	struct presenter base;
	struct loop *loop;
	struct kms_presenter_config cfg;
	struct kms_dev dev;
	struct loop_source *fd_src;
	struct kms_pres_conn *conns;
};

/* kms_conn.c: a guest connector on its output. */
struct kms_pres_conn *kms_conn_create(struct kms_pres *p,
				      const struct pres_conn_info *info,
				      const struct pres_conn_listener *l,
				      void *data);
void kms_conn_destroy(struct kms_pres_conn *c);
/* The page-flip event of c's commit came. */
void kms_conn_flipped(struct kms_pres_conn *c);

#endif
