/* Reading a vdispl device's configuration from the frontend's directory.
 * The toolstack writes be-alloc, resolution and unique-id there (read-only
 * to the guest); the guest writes version and the ring/channel nodes.
 * Every value is bounded: a guest's garbage fails its own device only. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "displ_priv.h"
#include "xen_store.h"

static int parse_dim(const char *s, const char **end, uint32_t *out)
{
	uint64_t v = 0;
	const char *p = s;

	/* Digits only: no sign, no spaces, no hex, at most 5 of them. */
	while (*p >= '0' && *p <= '9' && p - s < 6) {
		v = v * 10 + (uint64_t)(*p - '0');
		p++;
	}
	if (p == s || p - s > 5 || v == 0 || v > DISPL_MAX_DIMENSION)
		return -EINVAL;
	*end = p;
	*out = (uint32_t)v;
	return 0;
}

int displ_parse_resolution(const char *s, uint32_t *w, uint32_t *h)
{
	const char *p;

	if (!s || parse_dim(s, &p, w) < 0 ||
	    *p != XENDISPL_RESOLUTION_SEPARATOR[0])
		return -EINVAL;
	if (parse_dim(p + 1, &p, h) < 0 || *p != '\0')
		return -EINVAL;
	return 0;
}

static int read_conn_uint(struct displ_device *d, const char *dir,
			  const char *node, uint32_t *out)
{
	uint64_t v;
	int ret = xstore_read_uint(d->base.xs, dir, node, 1, UINT32_MAX, &v);

	if (ret < 0) {
		xb_log(LOG_LVL_ERROR, &d->base, "%s/%s missing or invalid: %s",
		       dir, node, strerror(-ret));
		return ret;
	}
	*out = (uint32_t)v;
	return 0;
}

static int read_conn(struct displ_device *d, struct displ_conn *c,
		     const char *dir)
{
	char *res = xstore_read_at(d->base.xs, dir, XENDISPL_FIELD_RESOLUTION);
	char *uid;
	int ret = displ_parse_resolution(res, &c->width, &c->height);

	if (ret < 0) {
		/* The value is the guest's: escaped and capped. */
		xb_log(LOG_LVL_ERROR, &d->base,
		       "%s/resolution \"%s\" is not WxH within 1..%u", dir,
		       log_text(res), DISPL_MAX_DIMENSION);
		free(res);
		return ret;
	}
	free(res);

	uid = xstore_read_at(d->base.xs, dir, XENDISPL_FIELD_UNIQUE_ID);
	if (!uid) {
		/* xl always writes one; others may not: the index will do. */
		snprintf(c->unique_id, sizeof(c->unique_id), "%u", c->index);
	} else if (!xstore_id_ok(uid, DISPL_MAX_UNIQUE_ID)) {
		xb_log(LOG_LVL_ERROR, &d->base,
		       "%s/unique-id \"%s\" is empty, too long or not "
		       "printable", dir, log_text(uid));
		free(uid);
		return -EINVAL;
	} else {
		snprintf(c->unique_id, sizeof(c->unique_id), "%s", uid);
		free(uid);
	}

	if (read_conn_uint(d, dir, XENDISPL_FIELD_REQ_RING_REF, &c->req_ref) ||
	    read_conn_uint(d, dir, XENDISPL_FIELD_REQ_CHANNEL, &c->req_port) ||
	    read_conn_uint(d, dir, XENDISPL_FIELD_EVT_RING_REF, &c->evt_ref) ||
	    read_conn_uint(d, dir, XENDISPL_FIELD_EVT_CHANNEL, &c->evt_port))
		return -EINVAL;
	return 0;
}

/* Connectors are the subdirectories "0", "1", ... with no gap. */
static int count_connectors(struct displ_device *d, uint32_t max)
{
	unsigned num = 0;
	char **names = xstore_directory(d->base.xs, d->base.fe_path, &num);
	uint32_t n = 0;
	bool found;

	if (!names)
		return -ENOENT;
	do {
		char want[12];

		found = false;
		snprintf(want, sizeof(want), "%u", n);
		for (unsigned i = 0; i < num && !found; i++)
			found = strcmp(names[i], want) == 0;
		if (found)
			n++;
	} while (found && n <= max);
	free(names);
	if (n == 0 || n > max)
		return -E2BIG;
	return (int)n;
}

static int read_version(struct displ_device *d)
{
	char *v = xstore_read_at(d->base.xs, d->base.fe_path,
				 XENDISPL_FIELD_FE_VERSION);

	/* Linux xen-drm-front writes no version: that is protocol 1. */
	d->protocol = 1;
	if (!v)
		return 0;
	if (strcmp(v, "1") == 0 || strcmp(v, "2") == 0) {
		d->protocol = (unsigned)(v[0] - '0');
		free(v);
		return 0;
	}
	xb_log(LOG_LVL_ERROR, &d->base,
	       "frontend asks for protocol version \"%s\"; we speak 1,2",
	       log_text(v));
	free(v);
	return -EPROTONOSUPPORT;
}

int displ_xs_read_config(struct displ_device *d)
{
	uint32_t max = d->ctx->limits.max_connectors;
	char *be_alloc;
	int n, ret;

	if (max == 0 || max > DISPL_MAX_CONNECTORS)
		max = DISPL_MAX_CONNECTORS;
	ret = read_version(d);
	if (ret < 0)
		return ret;
	be_alloc = xstore_read_at(d->base.xs, d->base.fe_path,
				  XENDISPL_FIELD_BE_ALLOC);
	d->be_alloc = be_alloc && strcmp(be_alloc, "1") == 0;
	free(be_alloc);

	n = count_connectors(d, max);
	if (n < 0) {
		xb_log(LOG_LVL_ERROR, &d->base,
		       "%s has no connectors 0..%u (at most %u allowed)",
		       d->base.fe_path, max - 1, max);
		return n;
	}
	d->conns = calloc((size_t)n, sizeof(*d->conns));
	if (!d->conns)
		return -ENOMEM;
	d->n_conns = (uint32_t)n;
	for (uint32_t i = 0; i < d->n_conns; i++) {
		struct displ_conn *c = &d->conns[i];
		char dir[256];

		c->dev = d;
		c->index = i;
		snprintf(dir, sizeof(dir), "%s/%u", d->base.fe_path, i);
		ret = read_conn(d, c, dir);
		if (ret < 0)
			return ret;
	}
	return 0;
}
