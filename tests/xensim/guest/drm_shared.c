/* The shared-framebuffer mode of the simulated display client: what Linux
 * xen-drm-front does when one fb feeds several CRTCs (modetest with two
 * -s: one 1824x768 fb for an 800x600 and a 1024x768 connector). Every
 * connector shows the region at its x offset; the backend must crop. */
#include "drm_front_priv.h"

bool drm_shared(const struct drm_front *f)
{
	return f->ccfg.shared_fb && f->num_conns > 1;
}

struct drm_buf *drm_chan_buf(struct drm_chan *ch, unsigned i)
{
	return drm_shared(ch->front) ? &ch->front->chans[0].bufs[i]
				     : &ch->bufs[i];
}

void drm_shared_size(const struct drm_chan *ch, uint32_t *w, uint32_t *h)
{
	const struct drm_front *f = ch->front;
	*w = ch->width;
	*h = ch->height;
	if (!drm_shared(f))
		return;
	*w = *h = 0;
	for (unsigned c = 0; c < f->num_conns; c++) {
		*w += f->chans[c].width;
		if (f->chans[c].height > *h)
			*h = f->chans[c].height;
	}
}

uint32_t drm_shared_x(const struct drm_front *f, unsigned conn)
{
	uint32_t x = 0;
	for (unsigned c = 0; drm_shared(f) && c < conn; c++)
		x += f->chans[c].width;
	return x;
}

void drm_client_draw(struct drm_front *f, struct drm_chan *ch,
		     struct drm_buf *b, uint64_t frame)
{
	if (!drm_shared(f)) {
		drm_buf_draw(f, ch, b, frame);
		return;
	}
	for (unsigned c = 0; c < f->num_conns; c++) {
		struct drm_chan *cc = &f->chans[c];
		drm_buf_draw_region(f, cc, b, frame, drm_shared_x(f, c),
				    cc->width, cc->height);
	}
}

/* modetest: all buffers first, then one drmModeSetCrtc per pipe, x
 * growing by each mode's width (set_mode in modetest.c). */
void drm_shared_plan_setup(struct drm_front *f)
{
	for (unsigned c = 0; c < f->num_conns; c++)
		if (f->ccfg.get_edid)
			drm_client_add_step(f, STEP_GET_EDID, c, 0);
	for (unsigned b = 0; b < DRM_FRONT_NUM_BUFS; b++) {
		drm_client_add_step(f, STEP_DBUF_CREATE, 0, b);
		drm_client_add_step(f, STEP_FB_ATTACH, 0, b);
	}
	for (unsigned c = 0; c < f->num_conns; c++)
		drm_pipe_set_crtc(f, c, 0, drm_shared_x(f, c), 0, false);
}
