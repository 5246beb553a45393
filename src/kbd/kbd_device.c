/* The vkbd device type for the generic XenBus backend, and the registry
 * input is routed by: probe reads what the toolstack configured, connect
 * maps the guest's event page and binds its channel, and a connected
 * device is found by (domid, connector unique-id): ids are only unique
 * within one guest, so the domid always takes part. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kbd_priv.h"
#include "xen_evtchn.h"
#include "xen_grant.h"

void kbd_limits_default(struct kbd_limits *limits)
{
	*limits = (struct kbd_limits){
		.max_contacts = KBD_MAX_CONTACTS,
		.queue_len = KBD_MAX_QUEUE,
	};
}

void kbd_ctx_init(struct kbd_ctx *ctx, struct xgrant *xg, struct xevtchn *xe)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->xg = xg;
	ctx->xe = xe;
	kbd_limits_default(&ctx->limits);
}

void kbd_device_kick(struct kbd_device *d)
{
	if (d->ring.unnotified == 0 || !d->chan)
		return;
	d->ring.unnotified = 0;
	if (xevtchn_notify(d->chan) < 0)
		xb_log(LOG_LVL_WARN, &d->base,
		       "cannot notify the guest's event channel");
}

/* The guest consumed (xen-kbdfront notifies after moving in_cons): room
 * for what we hold. */
static void on_guest_notify(void *data)
{
	struct kbd_device *d = data;

	kbd_ring_flush(&d->ring, &d->base.log);
	kbd_device_kick(d);
}

static void registry_add(struct kbd_device *d)
{
	d->next_connected = d->ctx->connected;
	d->ctx->connected = d;
}

static void registry_remove(struct kbd_device *d)
{
	for (struct kbd_device **pp = &d->ctx->connected; *pp;
	     pp = &(*pp)->next_connected) {
		if (*pp == d) {
			*pp = d->next_connected;
			break;
		}
	}
	d->next_connected = NULL;
}

static void choose_pairing(struct kbd_device *d)
{
	const char *id = NULL;

	if (d->ctx->pairing)
		id = d->ctx->pairing(d->ctx->pairing_data, d->base.domid,
				     d->base.dom_name, d->base.devid,
				     d->unique_id);
	snprintf(d->pair_id, sizeof(d->pair_id), "%s", id ? id : d->unique_id);
}

static int kbd_probe(struct xb_device *dev)
{
	struct kbd_device *d = kbd_device_from_xb(dev);

	d->ctx = dev->backend_ctx;
	return kbd_xs_read_backend(d);
}

static void kbd_disconnect(struct xb_device *dev)
{
	struct kbd_device *d = kbd_device_from_xb(dev);

	registry_remove(d);
	if (d->chan)
		xevtchn_unbind(d->chan);
	d->chan = NULL;
	if (d->ring.page)
		(void)xgrant_unmap(d->ctx->xg, d->ring.page, 1); /* logged */
	if (d->ring.dropped || d->ring.bogus_cons || d->st.touches_dropped)
		xb_log(LOG_LVL_INFO, dev,
		       "%llu event(s) dropped, %llu bad in_cons seen, %llu "
		       "touch(es) beyond %u contacts",
		       (unsigned long long)d->ring.dropped,
		       (unsigned long long)d->ring.bogus_cons,
		       (unsigned long long)d->st.touches_dropped,
		       d->mt_contacts);
	memset(&d->ring, 0, sizeof(d->ring));
	kbd_state_reset(&d->st);
	xb_log(LOG_LVL_INFO, dev, "disconnected");
}

static int kbd_connect(struct xb_device *dev)
{
	struct kbd_device *d = kbd_device_from_xb(dev);
	struct xenkbd_page *page;
	int ret;

	d->ctx = dev->backend_ctx;
	ret = kbd_xs_read_frontend(d);
	if (ret < 0)
		return ret;
	page = xgrant_map(d->ctx->xg, dev->domid, 1, &d->gref, true);
	if (!page) {
		ret = errno ? -errno : -EIO;
		xb_log(LOG_LVL_ERROR, dev,
		       "cannot map event page (gref %u): %s", d->gref,
		       strerror(-ret));
		return ret;
	}
	kbd_ring_init(&d->ring, page, d->ctx->limits.queue_len);
	kbd_state_reset(&d->st);
	d->chan = xevtchn_bind(d->ctx->xe, dev->domid, d->port,
			       on_guest_notify, d);
	if (!d->chan) {
		ret = errno ? -errno : -EIO;
		xb_log(LOG_LVL_ERROR, dev, "cannot bind event channel %u: %s",
		       d->port, strerror(-ret));
		kbd_disconnect(dev);
		return ret;
	}
	choose_pairing(d);
	registry_add(d);
	xb_log(LOG_LVL_INFO, dev,
	       "connected, follows connector \"%s\"; pointer %s%s, "
	       "multi-touch %s (%u contacts, %ux%u)", log_text(d->pair_id),
		 d->abs ? "absolute" : "relative", d->raw ? " raw" : "",
		 d->mt ? "on" : "off", d->mt_contacts, d->mt_width,
		 d->mt_height);
	return 0;
}

static void kbd_remove(struct xb_device *dev)
{
	(void)dev; /* probe allocates nothing */
}

const struct xb_impl kbd_xb_impl = {
	.type = "vinput",
	.device_size = sizeof(struct kbd_device),
	.probe = kbd_probe,
	.connect = kbd_connect,
	.disconnect = kbd_disconnect,
	.remove = kbd_remove,
};

static struct kbd_device *find_device(struct kbd_ctx *ctx, uint32_t domid,
				      const char *unique_id)
{
	for (struct kbd_device *d = ctx->connected; d; d = d->next_connected) {
		if (d->base.domid == domid && strcmp(d->pair_id, unique_id) == 0)
			return d;
	}
	return NULL;
}

int kbd_input_event(struct kbd_ctx *ctx, uint32_t domid,
		    const char *unique_id, uint32_t width, uint32_t height,
		    const struct vinput_event *ev)
{
	struct kbd_device *d;
	int ret;

	if (!unique_id || !ev)
		return -EINVAL;
	/* No vkbd for this connector (yet): nothing to do. */
	d = find_device(ctx, domid, unique_id);
	if (!d)
		return -ENODEV;
	ret = kbd_map_event(d, width, height, ev);
	kbd_device_kick(d);
	return ret;
}

static void sink_event(void *data, uint32_t domid, const char *unique_id,
		       uint32_t width, uint32_t height,
		       const struct vinput_event *ev)
{
	kbd_input_event(data, domid, unique_id, width, height, ev);
}

struct vinput_sink kbd_vinput_sink(struct kbd_ctx *ctx)
{
	return (struct vinput_sink){ .event = sink_event, .data = ctx };
}
