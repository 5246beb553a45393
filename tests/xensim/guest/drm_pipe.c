/* The KMS pipe of Linux xen-drm-front, as a DRM client's calls reach it.
 *
 * The driver is a drm_simple_display_pipe per connector
 * (drivers/gpu/drm/xen/xen_drm_front_kms.c) under the atomic helpers
 * (mode_config_funcs: drm_atomic_helper_check / _commit, no commit_tail
 * of its own, so drm_atomic_helper_commit_tail runs). Every legacy call
 * becomes one atomic commit, and commit_tail runs, in this order:
 *   1. drm_atomic_helper_commit_modeset_disables: for a CRTC that was
 *      active and needs a modeset, display_disable ->
 *      xen_drm_front_mode_set(0, 0, 0, 0, 0, cookie 0): SET_CONFIG 0;
 *   2. drm_atomic_helper_commit_planes(dev, state, 0): no ACTIVE_ONLY,
 *      so every plane in the state, of an active CRTC or not, gets
 *      drm_simple_kms_plane_atomic_update -> display_update ->
 *      display_send_page_flip, which sends PG_FLIP(new fb) only when
 *      old_plane_state->fb && plane_state->fb (the same fb included);
 *   3. drm_atomic_helper_commit_modeset_enables: for a CRTC now active
 *      that needs a modeset, display_enable -> xen_drm_front_mode_set(
 *      crtc->x, crtc->y, fb->width, fb->height, bpp, fb cookie):
 *      SET_CONFIG with the fb and no PG_FLIP for it. crtc->x/y are the
 *      plane's src x/y, set by drm_atomic_helper_update_legacy_modeset_state
 *      in step 1.
 * A modeset is needed (drm_atomic_crtc_needs_modeset) when the mode or
 * active changed; drm_atomic_helper_check_modeset then adds the CRTC's
 * planes to the state (drm_atomic_add_affected_planes), so their update
 * runs even when their fb did not change. Hence:
 *   drmModeSetCrtc(fb) on an off CRTC    SET_CONFIG(fb)
 *   drmModeSetCrtc(B), same mode, on     PG_FLIP(B)
 *   drmModeSetCrtc(B), another mode, on  SET_CONFIG 0, PG_FLIP(B),
 *                                        SET_CONFIG(B)
 *   drmModeSetCrtc(no fb)                SET_CONFIG 0
 *   DPMS off (active = false)            SET_CONFIG 0, PG_FLIP(fb)
 *   DPMS on                              PG_FLIP(fb), SET_CONFIG(fb)
 *   drmModePageFlip(B)                   PG_FLIP(B); -EINVAL when off
 *                                        (drm_atomic_crtc_check: an event
 *                                        on an inactive CRTC)
 * Drawing into the fb on screen sends nothing: the driver has no .dirty
 * in its drm_framebuffer_funcs (fb_destroy only).
 *
 * Every commit carries an event (drm_atomic_helper_setup_commit makes one
 * when the client asked for none); display_update parks it until the
 * backend's EVT_PG_FLIP or the 3.1 s pflip_to_worker, and the next commit
 * on that CRTC waits for it. The script runner does the same: a step on
 * a connector whose flip is pending waits (drm_client.c). The FLIP
 * program's drmModePageFlip calls are the flip engine in drm_client.c:
 * on an active pipe a page flip is a plane update and nothing else. */
#include "drm_front_priv.h"

void drm_pipe_reset(struct drm_chan *ch)
{
	/* xen_drm_front_conn_init: conn_connected = true */
	ch->pipe = (struct drm_pipe){.active = false, .fb = -1, .connected = true};
}

/* display_enable and display_send_page_flip set conn_connected = false
 * when their request fails; display_disable sets it true whatever the
 * backend said ("so we can restart with enabled connector next time"). */
void drm_pipe_result(struct drm_chan *ch, enum drm_step_kind k,
		     int32_t status)
{
	if (k == STEP_SET_CONFIG_OFF) {
		ch->pipe.connected = true;
		return;
	}
	if (!status || !ch->pipe.connected)
		return;
	ch->pipe.connected = false;
	ch->stats->conn_disconnects++;
}

bool drm_front_conn_connected(const struct drm_front *f, unsigned conn)
{
	return conn < f->num_conns && f->chans[conn].pipe.connected;
}

static void add_set_config(struct drm_front *f, unsigned conn,
			   const struct drm_pipe *p)
{
	struct drm_step *s = drm_client_add_step(f, STEP_SET_CONFIG, conn,
						 (unsigned)p->fb);
	if (s) {
		s->x = p->x;
		s->y = p->y;
	}
}

/* drm_atomic_helper_commit_tail for one pipe going from ch->pipe to *to;
 * plane_in_state: the commit touches the primary plane itself. */
static void commit(struct drm_front *f, unsigned conn,
		   const struct drm_pipe *to, bool mode_changed,
		   bool plane_in_state)
{
	struct drm_chan *ch = &f->chans[conn];
	const struct drm_pipe *from = &ch->pipe;
	bool modeset = mode_changed || from->active != to->active;
	if (modeset && from->active) /* display_disable */
		drm_client_add_step(f, STEP_SET_CONFIG_OFF, conn, 0);
	if ((plane_in_state || modeset) && from->fb >= 0 && to->fb >= 0)
		drm_client_add_step(f, STEP_PG_FLIP, conn, (unsigned)to->fb);
	if (modeset && to->active) /* display_enable */
		add_set_config(f, conn, to);
	ch->pipe = *to;
}

/* drm_mode_setcrtc -> drm_atomic_helper_set_config: fb and src x/y on
 * the primary plane, the mode on the CRTC (active = enable = fb set). */
void drm_pipe_set_crtc(struct drm_front *f, unsigned conn, int buf,
		       uint32_t x, uint32_t y, bool new_mode)
{
	struct drm_pipe to = {.active = buf >= 0, .fb = buf, .x = x, .y = y,
			      .connected = f->chans[conn].pipe.connected};
	if (buf < 0)
		to.x = to.y = 0;
	commit(f, conn, &to, new_mode && buf >= 0, true);
}

/* drm_atomic_connector_commit_dpms: only crtc_state->active changes. */
void drm_pipe_dpms(struct drm_front *f, unsigned conn, bool on)
{
	struct drm_pipe to = f->chans[conn].pipe;
	if (to.fb < 0)
		return; /* no CRTC on the connector: nothing to switch */
	to.active = on;
	commit(f, conn, &to, false, false);
}
