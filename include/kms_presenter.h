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
 * a 60 Hz timer. */
#ifndef VDISPLD_KMS_PRESENTER_H
#define VDISPLD_KMS_PRESENTER_H

#include "kms_plan.h"
#include "presenter.h"

struct loop;

struct kms_presenter_conn_opts {
	/* The display connector; NULL: the first connected one nobody
	 * holds. */
	const char *output;
};

typedef void (*kms_presenter_lookup_fn)(void *data,
					const struct pres_conn_info *info,
					struct kms_presenter_conn_opts *opts);

struct kms_presenter_config {
	const char *device; /* NULL: /dev/dri/card0 */
	int fd;		    /* >= 0: use this DRM fd (a lease); taken over */
	kms_presenter_lookup_fn lookup; /* NULL: defaults for everyone */
	void *lookup_data;
	/* Don't import guests' dma-bufs: always copy (--no-dmabuf). */
	bool no_zero_copy;
};

/* NULL (errno set, reason logged) when the device can't be used. */
struct presenter *kms_presenter_create(struct loop *loop,
				       const struct kms_presenter_config *cfg);

#endif
