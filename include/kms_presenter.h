/* The KMS presenter: shows each guest connector on a display of its own,
 * without a compositor, through atomic modesetting on a DRM device (a
 * whole card, or a DRM lease fd handed to vdispld). Each guest connector
 * takes one display connector (by name, e.g. "Virtual-1", "HDMI-A-1"),
 * a CRTC and its primary plane (kms_plan.h), in the mode of the guest's
 * resolution or the display's preferred one with the picture centred.
 * Guest frames are copied into double-buffered dumb buffers, or scanned
 * out directly when the guest's buffer came as a dma-buf the kernel can
 * import and it fills the mode. A flip is answered by the page-flip event
 * of the commit that showed it; a connector without a display answers on
 * a 60 Hz timer.
 *
 * Leases: the DRM fd may be a lease, inherited (fd) or asked for from a
 * lease manager's socket (lease_socket, AGL drm-lease-manager's protocol:
 * kms_lease.h). A lease revoked (commits refused, its objects gone, or
 * the manager hanging up) is lost like a compositor: every connector
 * answers its flips on the timer, and with a lease socket a new lease is
 * asked for (with back-off); when it comes every connector is planned
 * again and shows its current picture. */
#ifndef VDISPLD_KMS_PRESENTER_H
#define VDISPLD_KMS_PRESENTER_H

#include "kms_plan.h"
#include "presenter.h"

struct loop;

struct kms_presenter_conn_opts {
	/* The display connector; NULL: the first connected one nobody
	 * holds. */
	const char *output;
	/* On a mode that is not the guest's resolution: centred at 1:1
	 * (KMS_FIT_CENTRE, the default) or scaled to fit. */
	enum kms_fit fit;
};

typedef void (*kms_presenter_lookup_fn)(void *data,
					const struct pres_conn_info *info,
					struct kms_presenter_conn_opts *opts);

struct kms_presenter_config {
	const char *device; /* NULL: /dev/dri/card0 */
	int fd;		    /* >= 0: use this DRM fd (a lease); taken over */
	/* Non-NULL: the lease manager's socket; the first lease (when fd
	 * is -1) and every one after a loss come from there. */
	const char *lease_socket;
	kms_presenter_lookup_fn lookup; /* NULL: defaults for everyone */
	void *lookup_data;
	/* Don't import guests' dma-bufs: always copy (--no-dmabuf). */
	bool no_zero_copy;
	/* A guest connector goes (presenter_destroy included): what Dom0's
	 * input devices hold on it is to be released (linput_src_forget).
	 * NULL: nobody asks. */
	void (*conn_gone)(void *data, uint32_t domid, const char *unique_id);
	void *conn_gone_data;
};

/* NULL (errno set, reason logged) when the device can't be used. */
struct presenter *kms_presenter_create(struct loop *loop,
				       const struct kms_presenter_config *cfg);

/* Settings reloaded (SIGHUP): every guest connector whose output or fit
 * changed (or that has no display) leaves its display and is planned
 * again, showing its current picture; the guests stay connected. */
void kms_presenter_reconfigure(struct presenter *p);
/* False while the device (lease) is lost and no new one came. */
bool kms_presenter_has_device(struct presenter *p);
/* Leases lost since start, and leases received over the socket. */
uint64_t kms_presenter_losses(struct presenter *p);
uint64_t kms_presenter_leases(struct presenter *p);

/* The guest connector shown on a display output (a KMS connector name)
 * and where its picture lies on the mode: what Dom0's input devices of
 * that output reach. */
struct kms_shown {
	uint32_t domid;
	const char *unique_id;	/* lives as long as the connector */
	uint32_t width, height; /* the guest connector's resolution */
	uint32_t mode_w, mode_h;
	struct kms_rect dst, src; /* the plan's placement on the mode */
};
/* False when no guest connector is shown on output. */
bool kms_presenter_shown_on(struct presenter *p, const char *output,
			    struct kms_shown *out);

#endif
