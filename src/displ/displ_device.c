/* The vdispl device type for the generic XenBus backend: probe publishes
 * the protocol versions we speak, connect reads the frontend's nodes and
 * brings up every connector, disconnect takes all of it down again. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "displ_priv.h"
#include "loop.h"
#include "xen_domain.h"
#include "xen_store.h"

void displ_limits_default(struct displ_limits *limits)
{
	*limits = (struct displ_limits){
		.max_connectors = DISPL_MAX_CONNECTORS,
		.max_dbufs = 128,
		.max_fbs = 128,
		.max_mapped_bytes = 512ull << 20,
		.max_reqs_per_turn = 64,
		.max_flips_in_flight = 8,
		.release_wait_ms = 2500,
	};
}

void displ_ctx_init(struct displ_ctx *ctx, struct presenter *presenter,
		    struct xgrant *xg, struct xevtchn *xe)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->presenter = presenter;
	ctx->xg = xg;
	ctx->xe = xe;
	displ_limits_default(&ctx->limits);
	ctx->try_dmabuf = true;
}

static void fail_now(void *data)
{
	struct displ_device *d = data;

	d->fail_later = NULL;
	xb_device_fail(&d->base, d->fail_err,
		       "guest broke the vdispl protocol");
}

/* Failing tears the device down; never do that under the feet of the
 * ring code that found the fault. */
void displ_device_fail_later(struct displ_device *d, int err)
{
	if (d->fail_later)
		return;
	d->fail_err = err;
	d->fail_later = loop_defer(d->base.loop, fail_now, d);
	if (!d->fail_later)
		xb_device_fail(&d->base, err, "guest broke the vdispl protocol");
}

static int displ_probe(struct xb_device *dev)
{
	struct displ_device *d = displ_device_from_xb(dev);
	int ret;

	d->ctx = dev->backend_ctx;
	ret = xstore_write_at(dev->xs, dev->be_path, XENDISPL_FIELD_BE_VERSIONS,
			      "1,2");
	if (ret < 0)
		log_error("%s: cannot write %s/versions: %s", dev->log_prefix,
			  dev->be_path, strerror(-ret));
	return ret;
}

static void displ_disconnect(struct xb_device *dev)
{
	struct displ_device *d = displ_device_from_xb(dev);

	loop_remove(d->fail_later);
	d->fail_later = NULL;
	displ_release_cancel_all(d);
	/* Connectors first: the presenter stops showing fbs before they go. */
	for (uint32_t i = 0; i < d->n_conns; i++)
		displ_conn_disconnect(&d->conns[i]);
	displ_tables_clear(d);
	free(d->conns);
	d->conns = NULL;
	d->n_conns = 0;
	log_info("%s: disconnected", dev->log_prefix);
}

/* Only a device with be-alloc needs its guest's type: on an x86 PV guest
 * every REQ_ALLOC buffer is refused (displ_dbuf.c), and the admin is told
 * once per device what to change. Unknown types are allowed. */
static void check_guest_type(struct displ_device *d)
{
	d->guest_pv = d->be_alloc &&
		      xdomain_type(d->ctx->xdom, d->base.domid) == XDOMAIN_PV;
	if (!d->guest_pv || d->pv_warned)
		return;
	d->pv_warned = true;
	log_warn("%s: a PV guest's xen-drm-front cannot map "
		 "backend-allocated buffers; set be-alloc=0",
		 d->base.log_prefix);
}

static int displ_connect(struct xb_device *dev)
{
	struct displ_device *d = displ_device_from_xb(dev);
	int ret;

	d->ctx = dev->backend_ctx;
	ret = displ_xs_read_config(d);
	if (ret == 0)
		check_guest_type(d);
	for (uint32_t i = 0; ret == 0 && i < d->n_conns; i++)
		ret = displ_conn_connect(&d->conns[i]);
	if (ret < 0) {
		displ_disconnect(dev);
		return ret;
	}
	log_info("%s: connected, protocol %u, %u connector(s)%s",
		 dev->log_prefix, d->protocol, d->n_conns,
		 d->be_alloc ? ", backend allocation" : "");
	/* Requests queued before we bound the channels got no wake-up. */
	for (uint32_t i = 0; i < d->n_conns; i++)
		displ_conn_process(&d->conns[i]);
	return 0;
}

static void displ_remove(struct xb_device *dev)
{
	(void)dev; /* probe allocates nothing */
}

const struct xb_impl displ_xb_impl = {
	.type = XENDISPL_DRIVER_NAME,
	.device_size = sizeof(struct displ_device),
	.probe = displ_probe,
	.connect = displ_connect,
	.disconnect = displ_disconnect,
	.remove = displ_remove,
};
