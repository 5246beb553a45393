/* What the simulated display client tells tests: its state, counters,
 * buffers and what it last showed. */
#include "drm_front_priv.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

enum drm_front_client_state drm_front_client_state(const struct drm_front *f)
{
	return f->cstate;
}

static void add_stats(struct drm_front_stats *to,
		      const struct drm_front_stats *s)
{
	const uint64_t *src = (const uint64_t *)s;
	uint64_t *dst = (uint64_t *)to;
	int32_t last = to->last_error_status;
	/* every field before last_error_status is a uint64_t counter */
	size_t n = offsetof(struct drm_front_stats, last_error_status) /
		   sizeof(uint64_t);
	for (size_t i = 0; i < n; i++)
		dst[i] += src[i];
	to->last_error_status = s->last_error_status ? s->last_error_status : last;
}

void drm_front_get_stats(const struct drm_front *f, unsigned conn,
			 struct drm_front_stats *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned c = 0; c < XENSIM_MAX_CONNS_FRONT; c++)
		if (conn == DRM_FRONT_ALL_CONNS || conn == c)
			add_stats(out, &f->stats[c]);
}

int drm_front_buf_info(const struct drm_front *f, unsigned conn, unsigned buf,
		       struct drm_front_buf_info *out)
{
	if (conn >= f->num_conns || buf >= DRM_FRONT_NUM_BUFS)
		return -EINVAL;
	const struct drm_buf *b = drm_chan_buf(&f->chans[conn], buf);
	if (!b->allocated)
		return -ENOENT;
	*out = (struct drm_front_buf_info){
		.dbuf_cookie = b->dbuf_cookie, .fb_cookie = b->fb_cookie,
		.width = b->width, .height = b->height, .pitch = b->pitch,
		.frame = b->frame, .be_alloc = b->be_alloc,
	};
	return 0;
}

int drm_front_shown(const struct drm_front *f, unsigned conn,
		    uint64_t *fb_cookie, uint64_t *frame)
{
	if (conn >= f->num_conns)
		return -EINVAL;
	*fb_cookie = f->chans[conn].shown_cookie;
	*frame = f->chans[conn].shown_frame;
	return 0;
}
