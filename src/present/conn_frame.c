/* A guest connector's frame lifecycle: the state machine drawn in
 * conn_frame.h. Every change of f->picture and f->flip happens here. */
#include "conn_frame.h"

#include <stddef.h>

#define container_of(ptr, type, member)                                        \
	((type *)(void *)((char *)(ptr)-offsetof(type, member)))

static void picture_off(struct conn_frame *f)
{
	fb_ref_set(&f->picture_fb, NULL);
	f->picture = CONN_PICTURE_OFF;
	f->x = f->y = 0;
	f->ops->unpresent(f->owner);
}

/* The picture's fb was destroyed: nothing can be read from it again. */
static void picture_fb_gone(struct fb_ref *ref)
{
	picture_off(container_of(ref, struct conn_frame, picture_fb));
}

void conn_frame_init(struct conn_frame *f, const struct conn_frame_ops *ops,
		     void *owner)
{
	*f = (struct conn_frame){.ops = ops, .owner = owner};
	f->picture_fb.gone = picture_fb_gone;
}

void conn_frame_finish(struct conn_frame *f)
{
	fb_ref_set(&f->picture_fb, NULL);
	fb_ref_set(&f->flip_fb, NULL);
	f->picture = CONN_PICTURE_OFF;
	f->flip = CONN_FLIP_NONE;
}

/* The owed flip is answered. State first: flip_done may show the next
 * frame at once. */
static void flip_complete(struct conn_frame *f)
{
	if (f->flip == CONN_FLIP_NONE)
		return;
	struct pres_fb *fb = f->flip_fb.fb;
	fb_ref_set(&f->flip_fb, NULL);
	f->flip = CONN_FLIP_NONE;
	f->hold = false;
	f->ops->arm(f->owner, CONN_FLIP_NONE);
	f->ops->flip_done(f->owner, fb);
}

/* WANTED -> SHOWN when the presenter can put it up now. */
static void update(struct conn_frame *f)
{
	if (f->picture != CONN_PICTURE_WANTED)
		return;
	bool for_flip = f->flip == CONN_FLIP_QUEUED &&
			f->flip_fb.fb == f->picture_fb.fb;
	enum conn_present r = f->ops->present(f->owner, f->picture_fb.fb,
					      f->x, f->y, for_flip);
	if (r == CONN_PRESENT_LATER)
		return;
	f->picture = CONN_PICTURE_SHOWN;
	if (for_flip) {
		f->flip = CONN_FLIP_COMMITTED;
		f->hold = r == CONN_PRESENT_SHOWN_HOLD;
	}
}

void conn_frame_set_config(struct conn_frame *f, struct pres_fb *fb,
			   uint32_t x, uint32_t y)
{
	if (!fb) {
		picture_off(f);
		return;
	}
	fb_ref_set(&f->picture_fb, fb);
	f->x = x;
	f->y = y;
	f->picture = CONN_PICTURE_WANTED;
	update(f);
}

void conn_frame_show(struct conn_frame *f, struct pres_fb *fb,
		     uint64_t now_ns)
{
	flip_complete(f); /* the older one first: order is the contract */
	fb_ref_set(&f->flip_fb, fb);
	f->flip = CONN_FLIP_QUEUED;
	f->hold = false;
	f->flip_since_ns = now_ns;
	f->ops->arm(f->owner, CONN_FLIP_QUEUED);
	if (f->picture == CONN_PICTURE_OFF)
		return; /* nothing to show: the timer answers it */
	/* Keeps the region SET_CONFIG gave; the same fb again is a frame
	 * too (the guest drew into it). */
	fb_ref_set(&f->picture_fb, fb);
	f->picture = CONN_PICTURE_WANTED;
	update(f);
}

void conn_frame_retry(struct conn_frame *f)
{
	update(f);
}

void conn_frame_frame_shown(struct conn_frame *f)
{
	if (f->flip != CONN_FLIP_COMMITTED)
		return;
	if (f->hold)
		f->flip = CONN_FLIP_HELD; /* its timer stays as it is */
	else
		flip_complete(f);
}

void conn_frame_released(struct conn_frame *f)
{
	if (!f->hold)
		return;
	f->hold = false;
	if (f->flip == CONN_FLIP_HELD)
		flip_complete(f);
}

void conn_frame_timeout(struct conn_frame *f, uint64_t now_ns)
{
	if (f->flip == CONN_FLIP_NONE)
		return;
	/* A hold outlives the frame's own wait, up to a bound that keeps
	 * the guest inside its time-out. */
	if (f->hold && (f->flip == CONN_FLIP_COMMITTED ||
			f->flip == CONN_FLIP_HELD)) {
		if (now_ns - f->flip_since_ns < CONN_FRAME_HOLD_MAX_NS) {
			f->flip = CONN_FLIP_HELD;
			f->ops->arm(f->owner, CONN_FLIP_HELD);
			return;
		}
	}
	f->ops->answered_late(f->owner); /* f->hold says if it was held */
	flip_complete(f);
}

void conn_frame_surface_lost(struct conn_frame *f)
{
	if (f->picture == CONN_PICTURE_SHOWN)
		f->picture = CONN_PICTURE_WANTED;
	if (f->flip == CONN_FLIP_COMMITTED || f->flip == CONN_FLIP_HELD) {
		f->flip = CONN_FLIP_QUEUED;
		f->hold = false;
		f->ops->arm(f->owner, CONN_FLIP_QUEUED);
	}
}
