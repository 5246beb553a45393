/* The KMS presenter's plan (kms_plan.h): modes, placement, and a
 * backtracking assignment of CRTCs and primary planes. */
#include "kms_plan.h"

#include <string.h>

#include "aspect_fit.h"

int kms_mode_pick(const struct kms_connector *c, uint32_t w, uint32_t h)
{
	int exact = -1, preferred = -1;
	for (unsigned i = 0; i < c->n_modes; i++) {
		const struct kms_mode *m = &c->modes[i];
		if (m->preferred && preferred < 0)
			preferred = (int)i;
		if (m->width != w || m->height != h)
			continue;
		const struct kms_mode *best = exact < 0 ? NULL : &c->modes[exact];
		if (!best || m->refresh_mhz > best->refresh_mhz ||
		    (m->refresh_mhz == best->refresh_mhz && m->preferred &&
		     !best->preferred))
			exact = (int)i;
	}
	if (exact >= 0)
		return exact;
	if (preferred >= 0)
		return preferred;
	return c->n_modes ? 0 : -1;
}

/* One axis of a centred 1:1 picture: where it lands and what of it shows. */
static void centre_axis(uint32_t len, uint32_t screen, int32_t *dst,
			uint32_t *dst_len, int32_t *src, uint32_t *src_len)
{
	if (len <= screen) {
		*dst = (int32_t)((screen - len) / 2);
		*dst_len = *src_len = len;
		*src = 0;
	} else {
		*dst = 0;
		*dst_len = *src_len = screen;
		*src = (int32_t)((len - screen) / 2);
	}
}

void kms_place(uint32_t w, uint32_t h, uint32_t mode_w, uint32_t mode_h,
	       enum kms_fit fit, struct kms_rect *dst, struct kms_rect *src)
{
	if (fit == KMS_FIT_SCALE) {
		aspect_fit(w, h, mode_w, mode_h, &dst->w, &dst->h);
		dst->x = (int32_t)((mode_w - dst->w) / 2);
		dst->y = (int32_t)((mode_h - dst->h) / 2);
		*src = (struct kms_rect){0, 0, w, h};
		return;
	}
	centre_axis(w, mode_w, &dst->x, &dst->w, &src->x, &src->w);
	centre_axis(h, mode_h, &dst->y, &dst->h, &src->y, &src->h);
}

static int find_connector(const struct kms_res *res, const char *name)
{
	for (unsigned i = 0; name && i < res->n_connectors; i++)
		if (strcmp(res->connectors[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int primary_plane_for(const struct kms_res *res, unsigned crtc,
			     uint32_t used_planes)
{
	for (unsigned p = 0; p < res->n_planes; p++)
		if (res->planes[p].primary &&
		    (res->planes[p].possible_crtcs & (1u << crtc)) &&
		    !(used_planes & (1u << p)))
			return (int)p;
	return -1;
}

struct search {
	const struct kms_res *res;
	struct kms_pick *picks;
	unsigned n;
	unsigned best_count;
	int best_crtc[KMS_MAX_CONNECTORS], best_plane[KMS_MAX_CONNECTORS];
	int crtc[KMS_MAX_CONNECTORS], plane[KMS_MAX_CONNECTORS];
};

/* Depth-first over the wants that have a display connector: each takes
 * a free CRTC it can reach (or none); the assignment that serves the
 * most wants, earliest first, wins. At most 16 x 16: small. */
static void search(struct search *s, unsigned i, uint32_t used_crtcs,
		   uint32_t used_planes, unsigned count)
{
	if (count + (s->n - i) <= s->best_count)
		return; /* cannot beat what we have */
	if (i == s->n) {
		s->best_count = count;
		memcpy(s->best_crtc, s->crtc, sizeof(s->crtc));
		memcpy(s->best_plane, s->plane, sizeof(s->plane));
		return;
	}
	s->crtc[i] = s->plane[i] = -1;
	if (s->picks[i].connector >= 0) {
		const struct kms_connector *c =
			&s->res->connectors[s->picks[i].connector];
		for (unsigned k = 0; k < s->res->n_crtcs; k++) {
			if (!(c->possible_crtcs & (1u << k)) ||
			    (used_crtcs & (1u << k)))
				continue;
			int p = primary_plane_for(s->res, k, used_planes);
			if (p < 0)
				continue;
			s->crtc[i] = (int)k;
			s->plane[i] = p;
			search(s, i + 1, used_crtcs | 1u << k,
			       used_planes | 1u << p, count + 1);
		}
		s->crtc[i] = s->plane[i] = -1;
	}
	search(s, i + 1, used_crtcs, used_planes, count);
}

/* Display connector and mode for each want, before any CRTC. */
static void pick_connectors(const struct kms_res *res,
			    const struct kms_want *wants, unsigned n,
			    struct kms_pick *picks)
{
	uint32_t taken = 0;
	for (unsigned i = 0; i < n; i++) {
		struct kms_pick *p = &picks[i];
		*p = (struct kms_pick){.connector = -1, .crtc = -1,
				       .plane = -1, .mode = -1};
		int ci = find_connector(res, wants[i].connector);
		if (ci < 0) {
			p->why = "no display connector of that name";
			continue;
		}
		if (taken & (1u << ci)) {
			p->why = "display connector already given to another";
			continue;
		}
		const struct kms_connector *c = &res->connectors[ci];
		if (!c->connected) {
			p->why = "display connector not connected";
			continue;
		}
		p->mode = kms_mode_pick(c, wants[i].width, wants[i].height);
		if (p->mode < 0) {
			p->why = "display connector has no mode";
			continue;
		}
		p->connector = ci;
		taken |= 1u << ci;
	}
}

unsigned kms_plan(const struct kms_res *res, const struct kms_want *wants,
		  unsigned n, struct kms_pick *picks)
{
	struct search s = {.res = res, .picks = picks};
	s.n = n < KMS_MAX_CONNECTORS ? n : KMS_MAX_CONNECTORS;
	for (unsigned i = 0; i < KMS_MAX_CONNECTORS; i++)
		s.best_crtc[i] = s.best_plane[i] = -1; /* none serves */
	for (unsigned i = s.n; i < n; i++)
		picks[i] = (struct kms_pick){.connector = -1, .crtc = -1,
					     .plane = -1, .mode = -1,
					     .why = "too many connectors"};
	pick_connectors(res, wants, s.n, picks);
	search(&s, 0, 0, 0, 0);
	for (unsigned i = 0; i < s.n; i++) {
		struct kms_pick *p = &picks[i];
		if (p->connector < 0)
			continue;
		if (s.best_crtc[i] < 0) {
			p->connector = p->mode = -1;
			p->why = "no free CRTC with a primary plane reaches it";
			continue;
		}
		p->crtc = s.best_crtc[i];
		p->plane = s.best_plane[i];
		const struct kms_mode *m =
			&res->connectors[p->connector].modes[p->mode];
		kms_place(wants[i].width, wants[i].height, m->width,
			  m->height, wants[i].fit, &p->dst, &p->src);
	}
	return s.best_count;
}
