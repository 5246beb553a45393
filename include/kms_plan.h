/* The KMS presenter's plan: which display connector, CRTC and primary
 * plane each guest connector gets, in which mode, and where its picture
 * lands on that mode. Pure: it reads a description of the device's
 * resources (what drmModeGetResources, drmModeGetConnector,
 * drmModeGetEncoder and drmModeGetPlane say; kms_res_drm.c fills it) and
 * never touches a device, so it is unit-tested against fixtures.
 *
 * Mode: the connector's mode of exactly the guest's resolution (highest
 * refresh; the preferred one among equals) shows the picture 1:1;
 * otherwise the preferred mode (else the first), with the picture centred
 * at 1:1 (KMS_FIT_CENTRE: cropped where larger) or scaled to fit keeping
 * its aspect (KMS_FIT_SCALE), on black.
 *
 * CRTCs and planes: each display connector drives one CRTC its encoders
 * can reach, with a primary plane that can feed that CRTC; the search
 * backtracks, so a connector that can reach one CRTC only still gets it
 * when an earlier one could have used another. */
#ifndef VDISPLD_KMS_PLAN_H
#define VDISPLD_KMS_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#define KMS_MAX_CONNECTORS 16
#define KMS_MAX_CRTCS 16 /* a possible_crtcs mask has 32 bits; 16 here */
#define KMS_MAX_PLANES 32
#define KMS_MAX_MODES 32
#define KMS_NAME_LEN 32

struct kms_mode {
	uint32_t width, height;
	uint32_t refresh_mhz; /* vertical refresh in mHz */
	bool preferred;	      /* DRM_MODE_TYPE_PREFERRED */
};

struct kms_connector {
	uint32_t id;
	char name[KMS_NAME_LEN]; /* "<type>-<type_id>", e.g. Virtual-1 */
	bool connected;
	uint32_t possible_crtcs; /* bit i: crtcs[i]; all its encoders' */
	struct kms_mode modes[KMS_MAX_MODES];
	unsigned n_modes;
};

struct kms_plane {
	uint32_t id;
	uint32_t possible_crtcs;
	bool primary;
};

struct kms_res {
	struct kms_connector connectors[KMS_MAX_CONNECTORS];
	unsigned n_connectors;
	uint32_t crtc_ids[KMS_MAX_CRTCS];
	unsigned n_crtcs;
	struct kms_plane planes[KMS_MAX_PLANES];
	unsigned n_planes;
};

enum kms_fit {
	KMS_FIT_CENTRE, /* 1:1, centred, cropped where larger */
	KMS_FIT_SCALE,	/* scaled to fit, aspect kept, centred */
};

/* What one guest connector asks for. */
struct kms_want {
	const char *connector; /* display connector's name */
	uint32_t width, height; /* the guest's resolution */
	enum kms_fit fit;
};

struct kms_rect {
	int32_t x, y;
	uint32_t w, h;
};

/* What it gets: indices into kms_res (-1: nothing), or why not. */
struct kms_pick {
	int connector, crtc, plane, mode;
	/* Where the picture goes on the mode (dst) and which part of the
	 * picture is shown (src: all of it unless centred and larger). */
	struct kms_rect dst, src;
	const char *why; /* NULL when picked */
};

/* Plans every want; returns how many got a display (each pick says why
 * not otherwise). Two wants naming one connector: the first gets it. */
unsigned kms_plan(const struct kms_res *res, const struct kms_want *wants,
		  unsigned n, struct kms_pick *picks);

/* The mode for a w x h picture among c's modes: an index, or -1. */
int kms_mode_pick(const struct kms_connector *c, uint32_t w, uint32_t h);
/* Where a w x h picture lands on a mode_w x mode_h screen. */
void kms_place(uint32_t w, uint32_t h, uint32_t mode_w, uint32_t mode_h,
	       enum kms_fit fit, struct kms_rect *dst, struct kms_rect *src);

#endif
