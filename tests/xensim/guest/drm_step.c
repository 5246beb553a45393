/* The requests of the display client's script steps: what each step puts
 * on which ring (DBUF and FB requests carry no connector and go on
 * connector 0's, like xen_drm_front.c's be_dbuf_create / fb_attach). */
#include "drm_front_priv.h"

#include <errno.h>

#define DRM_FORMAT_XRGB8888 0x34325258u /* 'XR24' */

static bool want_be_alloc(const struct drm_front *f)
{
	if (f->ccfg.force_be_alloc >= 0)
		return f->ccfg.force_be_alloc;
	return f->be_alloc;
}

static int build_dbuf_create(struct drm_front *f, struct drm_chan *ch,
			     struct drm_buf *b, struct xendispl_req *req)
{
	bool be = want_be_alloc(f);
	drm_shared_size(ch, &b->width, &b->height);
	b->pitch = b->width * 4;
	int ret = drm_buf_alloc(f, b, b->pitch * b->height, be);
	if (ret < 0)
		return ret;
	b->dbuf_cookie = f->next_cookie += 0x200;
	b->fb_cookie = f->next_cookie += 0x200;
	if (!be && f->ccfg.draw && f->ccfg.program == DRM_PROG_FLIP && b == &ch->bufs[0])
		drm_client_draw(f, ch, b, ch->frame);
	struct xendispl_dbuf_create_req *d = &req->op.dbuf_create;
	d->dbuf_cookie = b->dbuf_cookie;
	if (!f->ccfg.prime) { /* PRIME imports carry no geometry */
		d->width = b->width;
		d->height = b->height;
		d->bpp = 32;
	}
	d->buffer_sz = b->size;
	d->flags = be ? XENDISPL_DBUF_FLG_REQ_ALLOC : 0;
	d->gref_directory = drm_buf_gref_dir(b);
	d->data_ofs = 0;
	return 0;
}

static int build_edid(struct drm_front *f, struct xendispl_req *req)
{
	drm_buf_free(f, &f->edid, false);
	int ret = drm_buf_alloc(f, &f->edid, XENDISPL_EDID_MAX_SIZE, false);
	req->op.get_edid.buffer_sz = XENDISPL_EDID_MAX_SIZE;
	req->op.get_edid.gref_directory = drm_buf_gref_dir(&f->edid);
	return ret;
}

/* Fills req for step s; returns the ring it goes on, or -errno. */
int drm_client_build_step(struct drm_front *f, const struct drm_step *s,
			  struct xendispl_req *req)
{
	struct drm_chan *ch = &f->chans[s->conn];
	struct drm_buf *b = drm_chan_buf(ch, s->buf);
	static const uint8_t ops[] = {
		[STEP_GET_EDID] = XENDISPL_OP_GET_EDID,
		[STEP_DBUF_CREATE] = XENDISPL_OP_DBUF_CREATE,
		[STEP_FB_ATTACH] = XENDISPL_OP_FB_ATTACH,
		[STEP_SET_CONFIG] = XENDISPL_OP_SET_CONFIG,
		[STEP_FB_DETACH] = XENDISPL_OP_FB_DETACH,
		[STEP_DBUF_DESTROY] = XENDISPL_OP_DBUF_DESTROY,
		[STEP_SET_CONFIG_OFF] = XENDISPL_OP_SET_CONFIG,
		[STEP_PG_FLIP] = XENDISPL_OP_PG_FLIP,
	};
	/* DBUF and FB requests carry no connector: connector 0's ring */
	bool own_ring = s->kind == STEP_GET_EDID || s->kind == STEP_SET_CONFIG ||
			s->kind == STEP_SET_CONFIG_OFF || s->kind == STEP_PG_FLIP;
	unsigned ring = own_ring ? s->conn : 0;
	drm_chan_prepare(&f->chans[ring], req, ops[s->kind]);
	switch (s->kind) {
	case STEP_GET_EDID:
		return build_edid(f, req) < 0 ? -ENOMEM : (int)ring;
	case STEP_DBUF_CREATE: {
		int ret = build_dbuf_create(f, ch, b, req);
		return ret < 0 ? ret : (int)ring;
	}
	case STEP_FB_ATTACH:
		req->op.fb_attach.dbuf_cookie = b->dbuf_cookie;
		req->op.fb_attach.fb_cookie = b->fb_cookie;
		req->op.fb_attach.width = b->width;
		req->op.fb_attach.height = b->height;
		req->op.fb_attach.pixel_format = DRM_FORMAT_XRGB8888;
		break;
	case STEP_SET_CONFIG: /* display_enable: crtc x/y, the fb's size */
		req->op.set_config.fb_cookie = b->fb_cookie;
		req->op.set_config.x = s->x;
		req->op.set_config.y = s->y;
		req->op.set_config.width = b->width;
		req->op.set_config.height = b->height;
		req->op.set_config.bpp = 32;
		ch->shown_cookie = b->fb_cookie;
		ch->shown_frame = b->frame;
		ch->front_buf = s->buf;
		break;
	case STEP_FB_DETACH:
		req->op.fb_detach.fb_cookie = b->fb_cookie;
		break;
	case STEP_DBUF_DESTROY:
		req->op.dbuf_destroy.dbuf_cookie = b->dbuf_cookie;
		break;
	case STEP_SET_CONFIG_OFF: /* display_disable: all 0 */
		ch->shown_cookie = 0;
		ch->shown_frame = UINT64_MAX;
		break;
	case STEP_PG_FLIP:
		req->op.pg_flip.fb_cookie = b->fb_cookie;
		break;
	case STEP_DRAW:
		return -EINVAL; /* not a request: run_step draws */
	}
	return (int)ring;
}

