/* A DRM device as the KMS presenter sees it: opened (or handed over as a
 * lease fd), atomic and universal planes switched on, and its connectors,
 * CRTCs, planes, modes and property ids read once into a kms_res for the
 * plan (kms_plan.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <xf86drm.h>

#include "kms_internal.h"
#include "log.h"

/* The id of the property called name on an object, 0 if it has none. */
static uint32_t prop_id(int fd, uint32_t obj, uint32_t type, const char *name)
{
	drmModeObjectProperties *props = drmModeObjectGetProperties(fd, obj, type);
	uint32_t id = 0;
	for (uint32_t i = 0; props && i < props->count_props && !id; i++) {
		drmModePropertyRes *p = drmModeGetProperty(fd, props->props[i]);
		if (p && strcmp(p->name, name) == 0)
			id = p->prop_id;
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	return id;
}

/* A plane's "type" property value: primary, overlay or cursor. */
static bool plane_is_primary(int fd, uint32_t plane)
{
	drmModeObjectProperties *props =
		drmModeObjectGetProperties(fd, plane, DRM_MODE_OBJECT_PLANE);
	bool primary = false;
	for (uint32_t i = 0; props && i < props->count_props; i++) {
		drmModePropertyRes *p = drmModeGetProperty(fd, props->props[i]);
		if (p && strcmp(p->name, "type") == 0)
			primary = props->prop_values[i] == DRM_PLANE_TYPE_PRIMARY;
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	return primary;
}

static void read_connector(struct kms_dev *d, uint32_t id)
{
	drmModeConnector *mc = drmModeGetConnector(d->fd, id);
	if (!mc || d->res.n_connectors == KMS_MAX_CONNECTORS) {
		drmModeFreeConnector(mc);
		return;
	}
	unsigned i = d->res.n_connectors++;
	struct kms_connector *c = &d->res.connectors[i];
	const char *type = drmModeGetConnectorTypeName(mc->connector_type);
	snprintf(c->name, sizeof(c->name), "%s-%u", type ? type : "Unknown",
		 mc->connector_type_id);
	c->id = id;
	c->connected = mc->connection == DRM_MODE_CONNECTED;
	for (int e = 0; e < mc->count_encoders; e++) {
		drmModeEncoder *enc = drmModeGetEncoder(d->fd, mc->encoders[e]);
		if (enc)
			c->possible_crtcs |= enc->possible_crtcs;
		drmModeFreeEncoder(enc);
	}
	for (int m = 0; m < mc->count_modes && c->n_modes < KMS_MAX_MODES; m++) {
		const drmModeModeInfo *mi = &mc->modes[m];
		d->modes[i][c->n_modes] = *mi;
		c->modes[c->n_modes++] = (struct kms_mode){
			.width = mi->hdisplay, .height = mi->vdisplay,
			.refresh_mhz = mi->vrefresh * 1000,
			.preferred = mi->type & DRM_MODE_TYPE_PREFERRED};
	}
	d->conn_props[i].crtc_id =
		prop_id(d->fd, id, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID");
	drmModeFreeConnector(mc);
}

static void read_plane(struct kms_dev *d, uint32_t id)
{
	drmModePlane *mp = drmModeGetPlane(d->fd, id);
	if (!mp || d->res.n_planes == KMS_MAX_PLANES) {
		drmModeFreePlane(mp);
		return;
	}
	unsigned i = d->res.n_planes++;
	d->res.planes[i] = (struct kms_plane){
		.id = id, .possible_crtcs = mp->possible_crtcs,
		.primary = plane_is_primary(d->fd, id)};
	struct kms_plane_props *pp = &d->plane_props[i];
	static const char *const names[] = {
		"FB_ID", "CRTC_ID", "SRC_X", "SRC_Y", "SRC_W",
		"SRC_H", "CRTC_X", "CRTC_Y", "CRTC_W", "CRTC_H"};
	uint32_t *ids[] = {&pp->fb_id, &pp->crtc_id, &pp->src_x, &pp->src_y,
			   &pp->src_w, &pp->src_h, &pp->crtc_x, &pp->crtc_y,
			   &pp->crtc_w, &pp->crtc_h};
	for (unsigned k = 0; k < 10; k++)
		*ids[k] = prop_id(d->fd, id, DRM_MODE_OBJECT_PLANE, names[k]);
	drmModeFreePlane(mp);
}

static int read_resources(struct kms_dev *d)
{
	drmModeRes *r = drmModeGetResources(d->fd);
	drmModePlaneRes *pr = drmModeGetPlaneResources(d->fd);
	if (!r || !pr) {
		int err = errno ? errno : ENODEV;
		drmModeFreeResources(r);
		drmModeFreePlaneResources(pr);
		return -err;
	}
	for (int i = 0; i < r->count_crtcs && d->res.n_crtcs < KMS_MAX_CRTCS;
	     i++) {
		unsigned k = d->res.n_crtcs++;
		d->res.crtc_ids[k] = r->crtcs[i];
		d->crtc_props[k].mode_id = prop_id(d->fd, r->crtcs[i],
						   DRM_MODE_OBJECT_CRTC, "MODE_ID");
		d->crtc_props[k].active = prop_id(d->fd, r->crtcs[i],
						  DRM_MODE_OBJECT_CRTC, "ACTIVE");
	}
	for (int i = 0; i < r->count_connectors; i++)
		read_connector(d, r->connectors[i]);
	for (uint32_t i = 0; i < pr->count_planes; i++)
		read_plane(d, pr->planes[i]);
	drmModeFreeResources(r);
	drmModeFreePlaneResources(pr);
	return 0;
}

int kms_dev_open(struct kms_dev *d, const char *path, int fd)
{
	memset(d, 0, sizeof(*d));
	d->fd = fd >= 0 ? fd : open(path, O_RDWR | O_CLOEXEC);
	if (d->fd < 0) {
		int err = errno;
		log_error("kms: cannot open %s: %s", path, strerror(err));
		return -err;
	}
	/* Universal planes first: atomic implies it, but a lessor's fd may
	 * come without either. */
	if (drmSetClientCap(d->fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) < 0 ||
	    drmSetClientCap(d->fd, DRM_CLIENT_CAP_ATOMIC, 1) < 0) {
		int err = errno;
		log_error("kms: %s has no atomic modesetting: %s",
			  fd >= 0 ? "the DRM fd" : path, strerror(err));
		kms_dev_close(d);
		return -err;
	}
	int r = read_resources(d);
	if (r < 0) {
		log_error("kms: cannot read the device's resources: %s",
			  strerror(-r));
		kms_dev_close(d);
		return r;
	}
	log_info("kms: %u connector(s), %u CRTC(s), %u plane(s)",
		 d->res.n_connectors, d->res.n_crtcs, d->res.n_planes);
	return 0;
}

void kms_dev_close(struct kms_dev *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

bool kms_dev_objects_gone(const struct kms_dev *d, const struct kms_pick *pick)
{
	drmModeCrtc *crtc = drmModeGetCrtc(d->fd, d->res.crtc_ids[pick->crtc]);
	drmModeConnector *conn = drmModeGetConnector(
		d->fd, d->res.connectors[pick->connector].id);
	bool gone = !crtc || !conn;
	drmModeFreeCrtc(crtc);
	drmModeFreeConnector(conn);
	return gone;
}

bool kms_dev_lease_gone(const struct kms_dev *d)
{
	if (!d->res.n_crtcs)
		return false;
	drmModeCrtc *crtc = drmModeGetCrtc(d->fd, d->res.crtc_ids[0]);
	bool gone = !crtc && errno == ENOENT;
	drmModeFreeCrtc(crtc);
	return gone;
}

void kms_dev_plan(const struct kms_dev *d, const struct kms_want *want,
		  struct kms_pick *pick)
{
	/* What other outputs hold is not on offer: no plan moves them. */
	struct kms_res free_res = d->res;
	int held = -1;
	for (unsigned i = 0; i < free_res.n_connectors; i++) {
		struct kms_connector *c = &free_res.connectors[i];
		c->possible_crtcs &= ~d->used_crtcs;
		if (!(d->used_connectors & (1u << i)))
			continue;
		c->connected = false;
		if (want->connector && strcmp(c->name, want->connector) == 0)
			held = (int)i;
	}
	for (unsigned i = 0; i < free_res.n_planes; i++)
		if (d->used_planes & (1u << i))
			free_res.planes[i].primary = false;
	kms_plan(&free_res, want, 1, pick);
	if (held >= 0)
		pick->why = "display connector already given to another";
}
