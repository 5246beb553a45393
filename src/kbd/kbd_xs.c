/* Reading a vkbd's configuration. The toolstack writes unique-id, the
 * feature-* flags and the sizes into the BACKEND directory (from the vkb=
 * line); the guest writes its request-* flags, page-gref and event-channel
 * into its OWN (frontend) directory. Every value is parsed strictly and
 * bounded: a bad value fails that device only. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbd_priv.h"
#include "xen_store.h"

/* A 0/1 flag; absent means 0 (kbdif.h: "0 must be set or feature entry
 * omitted"). */
static int read_flag(struct kbd_device *d, const char *dir, const char *node,
		     bool *out)
{
	uint64_t v = 0;
	int ret = xstore_read_uint(d->base.xs, dir, node, 0, 1, &v);

	if (ret == -ENOENT) {
		*out = false;
		return 0;
	}
	if (ret < 0) {
		xb_log(LOG_LVL_ERROR, &d->base, "%s/%s is not 0 or 1: %s",
			  dir, node, strerror(-ret));
		return ret;
	}
	*out = v == 1;
	return 0;
}

/* A bounded number; absent gives def (what xen-kbdfront assumes). */
static int read_bounded(struct kbd_device *d, const char *dir,
			const char *node, uint32_t min, uint32_t max,
			uint32_t def, uint32_t *out)
{
	uint64_t v = 0;
	int ret = xstore_read_uint(d->base.xs, dir, node, min, max, &v);

	if (ret == -ENOENT) {
		*out = def;
		return 0;
	}
	if (ret < 0) {
		xb_log(LOG_LVL_ERROR, &d->base,
		       "%s/%s is not a number within %u..%u: %s", dir, node,
		       min, max, strerror(-ret));
		return ret;
	}
	*out = (uint32_t)v;
	return 0;
}

static int read_unique_id(struct kbd_device *d)
{
	char *uid = xstore_read_at(d->base.xs, d->base.be_path,
				   XENKBD_FIELD_UNIQUE_ID);

	if (!uid) {
		/* xl always writes one. Without it the device number pairs
		 * with the connector of that index (displ's fallback id). */
		snprintf(d->unique_id, sizeof(d->unique_id), "%u",
			 d->base.devid);
		return 0;
	}
	if (!xstore_id_ok(uid, KBD_MAX_UNIQUE_ID)) {
		xb_log(LOG_LVL_ERROR, &d->base,
		       "%s/unique-id \"%s\" is empty, too long or not "
		       "printable", d->base.be_path, log_text(uid));
		free(uid);
		return -EINVAL;
	}
	snprintf(d->unique_id, sizeof(d->unique_id), "%s", uid);
	free(uid);
	return 0;
}

int kbd_xs_read_backend(struct kbd_device *d)
{
	const char *be = d->base.be_path;
	uint32_t max_contacts = d->ctx->limits.max_contacts;
	int ret;

	if (max_contacts == 0 || max_contacts > KBD_MAX_CONTACTS)
		max_contacts = KBD_MAX_CONTACTS;
	ret = read_unique_id(d);
	if (!ret)
		ret = read_flag(d, be, XENKBD_FIELD_FEAT_ABS_POINTER,
				&d->feat_abs);
	if (!ret)
		ret = read_flag(d, be, XENKBD_FIELD_FEAT_RAW_POINTER,
				&d->feat_raw);
	if (!ret)
		ret = read_flag(d, be, XENKBD_FIELD_FEAT_MTOUCH, &d->feat_mt);
	if (!ret)
		ret = read_bounded(d, be, XENKBD_FIELD_WIDTH, 1,
				   KBD_MAX_MT_DIMENSION, KBD_DEFAULT_WIDTH,
				   &d->width);
	if (!ret)
		ret = read_bounded(d, be, XENKBD_FIELD_HEIGHT, 1,
				   KBD_MAX_MT_DIMENSION, KBD_DEFAULT_HEIGHT,
				   &d->height);
	if (!ret && d->feat_mt)
		ret = read_bounded(d, be, XENKBD_FIELD_MT_WIDTH, 1,
				   KBD_MAX_MT_DIMENSION, KBD_DEFAULT_WIDTH,
				   &d->mt_width);
	if (!ret && d->feat_mt)
		ret = read_bounded(d, be, XENKBD_FIELD_MT_HEIGHT, 1,
				   KBD_MAX_MT_DIMENSION, KBD_DEFAULT_HEIGHT,
				   &d->mt_height);
	if (!ret && d->feat_mt)
		ret = read_bounded(d, be, XENKBD_FIELD_MT_NUM_CONTACTS, 1,
				   max_contacts, KBD_DEFAULT_CONTACTS,
				   &d->mt_contacts);
	return ret;
}

int kbd_xs_read_frontend(struct kbd_device *d)
{
	const char *fe = d->base.fe_path;
	bool req_abs = false, req_raw = false, req_mt = false;
	uint64_t v;
	int ret;

	/* The guest's requests live in ITS directory; a request for what
	 * we did not advertise has no effect (kbdif.h). */
	ret = read_flag(d, fe, XENKBD_FIELD_REQ_ABS_POINTER, &req_abs);
	if (!ret)
		ret = read_flag(d, fe, XENKBD_FIELD_REQ_RAW_POINTER, &req_raw);
	if (!ret)
		ret = read_flag(d, fe, XENKBD_FIELD_REQ_MTOUCH, &req_mt);
	if (ret < 0)
		return ret;
	d->abs = d->feat_abs && req_abs;
	/* Raw is only valid together with absolute. */
	d->raw = d->abs && d->feat_raw && req_raw;
	d->mt = d->feat_mt && req_mt;

	ret = xstore_read_uint(d->base.xs, fe, XENKBD_FIELD_RING_GREF, 0,
			       UINT32_MAX, &v);
	if (ret < 0) {
		xb_log(LOG_LVL_ERROR, &d->base, "%s/%s missing or invalid: %s",
		       fe, XENKBD_FIELD_RING_GREF, strerror(-ret));
		return ret;
	}
	d->gref = (uint32_t)v;
	ret = xstore_read_uint(d->base.xs, fe, XENKBD_FIELD_EVT_CHANNEL, 0,
			       UINT32_MAX, &v);
	if (ret < 0) {
		xb_log(LOG_LVL_ERROR, &d->base, "%s/%s missing or invalid: %s",
		       fe, XENKBD_FIELD_EVT_CHANNEL, strerror(-ret));
		return ret;
	}
	d->port = (uint32_t)v;
	return 0;
}
