/* A guest connector on a display output: the frame lifecycle's presenter
 * (conn_frame_ops) for KMS. A picture goes up as one atomic commit; the
 * next waits for that commit's page-flip event, which also answers the
 * flip the commit carried. */
#include <drm_fourcc.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kms_internal.h"
#include "log.h"
#include "loop.h"
#include "pixel_convert.h"

/* A connector whose display is off or missing answers on the refresh;
 * one whose commit's event is lost (never seen, but a guest must not
 * hang on it) after a second. */
#define REFRESH_NS 16666667ull
#define EVENT_LOST_NS 1000000000ull

static const char *conn_name(const struct kms_pres_conn *c)
{
	return c->has_output
		       ? c->pres->dev.res.connectors[c->out.pick.connector].name
		       : "(no display)";
}

/* Zero copy when the guest's buffer is the region and fills the mode:
 * primary planes on most hardware must cover the whole CRTC. */
static bool can_scan_out(const struct kms_pres_conn *c,
			 const struct pres_fb *fb, uint32_t x, uint32_t y)
{
	return fb->fb_id && x == 0 && y == 0 &&
	       fb->desc.width == c->out.mode_w &&
	       fb->desc.height == c->out.mode_h &&
	       c->info.width == c->out.mode_w &&
	       c->info.height == c->out.mode_h;
}

/* The region at (x, y) into the back buffer where the plan placed it. */
static uint32_t copy_region(struct kms_pres_conn *c, struct pres_fb *fb,
			    uint32_t x, uint32_t y)
{
	struct kms_buf *b = kms_output_back(&c->out);
	const struct kms_pick *p = &c->out.pick;
	bool native = fb->fmt->fourcc == DRM_FORMAT_XRGB8888 ||
		      fb->fmt->fourcc == DRM_FORMAT_ARGB8888;
	uint8_t *dst = b->map + (size_t)p->dst.y * b->pitch +
		       (size_t)p->dst.x * 4;
	uint64_t t0 = loop_now_ns();
	uint32_t sx = x + (uint32_t)p->src.x, sy = y + (uint32_t)p->src.y;
	if (p->dst.w == p->src.w && p->dst.h == p->src.h) {
		c->stats.bytes_copied += pixconv_copy_region(
			fb->fmt, native, fb->desc.pixels, fb->desc.stride, sx,
			sy, p->src.w, p->src.h, dst, b->pitch);
	} else if (pixconv_scale_region(fb->fmt, fb->desc.pixels,
					fb->desc.stride, sx, sy, p->src.w,
					p->src.h, dst, b->pitch, p->dst.w,
					p->dst.h, &c->scale_row) == 0) {
		/* fit = scale: the plane can't scale (virtio-gpu's and most
		 * primary planes refuse SRC != CRTC size), the copy does. */
		c->stats.bytes_copied += (uint64_t)p->dst.w * p->dst.h * 4;
	}
	c->stats.copy_ns += loop_now_ns() - t0;
	return b->fb_id;
}

static enum conn_present present(void *owner, struct pres_fb *fb, uint32_t x,
				 uint32_t y, bool flip)
{
	struct kms_pres_conn *c = owner;
	if (!c->has_output || c->out.in_flight || c->pres->lost)
		return CONN_PRESENT_LATER; /* kms_conn_flipped() retries */
	bool zc = can_scan_out(c, fb, x, y);
	int reason = fb->copy_reason >= 0 ? fb->copy_reason : PRES_COPY_REGION;
	uint32_t fb_id = zc ? fb->fb_id : copy_region(c, fb, x, y);
	int r = kms_output_commit(&c->out, fb_id);
	if (r < 0) {
		log_warn("kms: %s: commit failed: %s; its flips go on the "
			 "timer", conn_name(c), strerror(-r));
		/* A revoked lease refuses commits (ENOENT: its objects are
		 * gone; EACCES: no longer master of them). */
		if (r == -EACCES || kms_dev_objects_gone(&c->pres->dev,
							 &c->out.pick))
			kms_pres_lost(c->pres, "a commit was refused and the "
					       "display's objects are gone");
		return CONN_PRESENT_LATER;
	}
	if (!zc)
		c->out.front = c->out.front == 0 ? 1 : 0;
	c->stats.frames++;
	if (zc)
		c->stats.zero_copy_frames++;
	else
		c->stats.fallback_frames[reason]++;
	c->flip_in_commit = flip;
	if (flip)
		loop_timer_arm(c->timer, EVENT_LOST_NS, 0);
	return CONN_PRESENT_SHOWN;
}

static void unpresent(void *owner)
{
	struct kms_pres_conn *c = owner;
	if (c->has_output && c->out.active)
		kms_output_off(&c->out);
}

static void arm(void *owner, enum conn_flip state)
{
	struct kms_pres_conn *c = owner;
	switch (state) {
	case CONN_FLIP_NONE:
		loop_timer_arm(c->timer, 0, 0);
		return;
	case CONN_FLIP_QUEUED:
		/* A display that is on answers with its event; the timer
		 * only covers one that never comes. */
		loop_timer_arm(c->timer,
			       c->has_output && c->out.active ? EVENT_LOST_NS
							      : REFRESH_NS,
			       0);
		return;
	case CONN_FLIP_HELD:
	case CONN_FLIP_COMMITTED:
		return; /* no holds on KMS; present() armed COMMITTED */
	}
}

static void answered_late(void *owner)
{
	struct kms_pres_conn *c = owner;
	c->stats.fallbacks++;
}

static void flip_done(void *owner, struct pres_fb *fb)
{
	struct kms_pres_conn *c = owner;
	c->listener->flip_done(c->data, fb);
}

static const struct conn_frame_ops frame_ops = {
	.present = present,
	.unpresent = unpresent,
	.arm = arm,
	.answered_late = answered_late,
	.flip_done = flip_done,
};

static void timer_fired(void *data)
{
	struct kms_pres_conn *c = data;
	if (c->frame.flip == CONN_FLIP_COMMITTED && c->out.in_flight) {
		/* The kernel sends every commit's event; one this late is
		 * lost to us. The next commit says EBUSY if it is not. */
		log_warn("kms: %s: no page-flip event in %llu ms",
			 conn_name(c),
			 (unsigned long long)(EVENT_LOST_NS / 1000000));
		c->out.in_flight = false;
		c->flip_in_commit = false;
	}
	conn_frame_timeout(&c->frame, loop_now_ns());
}

void kms_conn_flipped(struct kms_pres_conn *c)
{
	c->out.in_flight = false;
	if (c->flip_in_commit) {
		c->flip_in_commit = false;
		c->stats.kms_flip_events++;
		conn_frame_frame_shown(&c->frame);
	}
	conn_frame_retry(&c->frame); /* a newer picture may wait */
}

/* The connector's settings as they are now (the config may have been
 * reloaded since it took its display). */
static struct kms_presenter_conn_opts settings_of(const struct kms_pres_conn *c)
{
	const struct kms_pres *p = c->pres;
	struct kms_presenter_conn_opts opts = {0};
	if (p->cfg.lookup)
		p->cfg.lookup(p->cfg.lookup_data, &c->info, &opts);
	return opts;
}

/* The display this connector takes, planned against what others hold. */
static void take_output(struct kms_pres_conn *c)
{
	struct kms_pres *p = c->pres;
	struct kms_presenter_conn_opts opts = settings_of(c);
	free(c->want_output);
	c->want_output = opts.output ? strdup(opts.output) : NULL;
	c->want_fit = opts.fit;
	struct kms_want want = {.connector = opts.output,
				.width = c->info.width,
				.height = c->info.height,
				.fit = opts.fit};
	for (unsigned i = 0; !want.connector && i < p->dev.res.n_connectors;
	     i++) {
		const struct kms_connector *k = &p->dev.res.connectors[i];
		if (k->connected && !(p->dev.used_connectors & (1u << i)))
			want.connector = k->name;
	}
	struct kms_pick pick;
	kms_dev_plan(&p->dev, &want, &pick);
	if (pick.why) {
		log_warn("kms: connector %u/%u/%u: no display (%s: %s); its "
			 "flips are answered on a timer", c->info.domid,
			 c->info.devid, c->info.index,
			 want.connector ? want.connector : "none free",
			 pick.why);
		return;
	}
	if (kms_output_init(&c->out, &p->dev, &pick) < 0)
		return;
	c->has_output = true;
	log_info("kms: connector %u/%u/%u (%ux%u) on %s, %ux%u at %d,%d%s",
		 c->info.domid, c->info.devid, c->info.index, c->info.width,
		 c->info.height, want.connector, c->out.mode_w, c->out.mode_h,
		 pick.dst.x, pick.dst.y,
		 pick.dst.w != pick.src.w || pick.dst.h != pick.src.h
			 ? ", scaled" : "");
}

void kms_conn_device_lost(struct kms_pres_conn *c)
{
	if (c->has_output)
		kms_output_forget(&c->out);
	c->has_output = false;
	c->flip_in_commit = false;
	conn_frame_surface_lost(&c->frame);
	/* A flip queued while the display still looked on waits for an
	 * event that won't come: the refresh timer answers it now. */
	if (c->frame.flip == CONN_FLIP_QUEUED)
		loop_timer_arm(c->timer, REFRESH_NS, 0);
}

void kms_conn_replan(struct kms_pres_conn *c)
{
	take_output(c);
	conn_frame_retry(&c->frame); /* the current picture goes up */
}

static bool same_output(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) == 0 : a == b;
}

bool kms_conn_release_if_changed(struct kms_pres_conn *c)
{
	struct kms_presenter_conn_opts now = settings_of(c);
	if (!c->has_output)
		return true; /* a display may be free for it now */
	if (same_output(now.output, c->want_output) && now.fit == c->want_fit)
		return false;
	log_info("kms: connector %u/%u/%u: settings changed (output %s, fit "
		 "%s): leaving %s", c->info.domid, c->info.devid,
		 c->info.index, now.output ? now.output : "any",
		 now.fit == KMS_FIT_SCALE ? "scale" : "centre", conn_name(c));
	kms_output_finish(&c->out); /* off, buffers freed, objects free */
	c->has_output = false;
	c->flip_in_commit = false;
	/* A flip its last commit carried is answered by the next display's
	 * commit, or by the timer. */
	conn_frame_surface_lost(&c->frame);
	return true;
}

struct kms_pres_conn *kms_conn_create(struct kms_pres *p,
				      const struct pres_conn_info *info,
				      const struct pres_conn_listener *l,
				      void *data)
{
	struct kms_pres_conn *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->pres = p;
	c->info = *info;
	c->listener = l;
	c->data = data;
	c->dom_name = strdup(info->dom_name ? info->dom_name : "");
	c->unique_id = strdup(info->unique_id ? info->unique_id : "");
	c->info.dom_name = c->dom_name;
	c->info.unique_id = c->unique_id;
	c->timer = loop_add_timer(p->loop, timer_fired, c);
	if (!c->dom_name || !c->unique_id || !c->timer) {
		kms_conn_destroy(c);
		errno = ENOMEM;
		return NULL;
	}
	conn_frame_init(&c->frame, &frame_ops, c);
	c->next = p->conns;
	p->conns = c;
	take_output(c);
	return c;
}

void kms_conn_destroy(struct kms_pres_conn *c)
{
	if (!c)
		return;
	const struct kms_presenter_config *cfg = &c->pres->cfg;
	if (cfg->conn_gone && c->unique_id)
		cfg->conn_gone(cfg->conn_gone_data, c->info.domid,
			       c->unique_id);
	for (struct kms_pres_conn **pp = &c->pres->conns; *pp;
	     pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	conn_frame_finish(&c->frame);
	if (c->has_output)
		kms_output_finish(&c->out);
	if (c->timer)
		loop_remove(c->timer);
	pixconv_row_free(&c->scale_row);
	free(c->dom_name);
	free(c->unique_id);
	free(c->want_output);
	free(c);
}
