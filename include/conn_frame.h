/* A guest connector's frame lifecycle, the same for every presenter: the
 * picture the guest configured, whether it is on screen, and the page flip
 * the guest is owed. One state machine in one place (conn_frame.c); the
 * presenter does the showing through conn_frame_ops and feeds the events
 * back in.
 *
 * What the Linux frontend sends decides the shape (xen_drm_front_kms.c):
 * the enabling framebuffer comes only inside SET_CONFIG and no PG_FLIP
 * follows it; PG_FLIP comes when the plane had an fb and still has one,
 * the same fb included (the guest drew into it); disabling is SET_CONFIG
 * with cookie 0. So SET_CONFIG shows its fb, and every PG_FLIP shows its
 * fb again, even the one already on screen.
 *
 * Picture: what the connector shows.
 *
 *   OFF ---set_config(fb)---> WANTED ---present(): shown---> SHOWN
 *    ^                        |    ^                           |
 *    |                        |    +--- show(fb), set_config(fb),
 *    |                        |         surface_lost() --------+
 *    |                        +-- present(): later: stays WANTED until
 *    |                            retry() (surface configured, a buffer
 *    |                            released, an import answered)
 *    +--- set_config(NULL), or its fb destroyed (from WANTED or SHOWN)
 *
 * Flip: the PG_FLIP the guest waits for an event of (at most one; a new
 * show() answers the older one first, so events stay in order).
 *
 *   NONE ---show(fb)---> QUEUED ---its fb presented---> COMMITTED
 *                          |                               |
 *                          |               frame_shown(): hold? --yes--> HELD
 *                          |                               | no            |
 *                          |                               v               |
 *                          +---------- timeout() -------> NONE <-released()+
 *                                    (answered late)   flip_done()
 *
 *   timeout() answers QUEUED and COMMITTED flips at once; a flip with a
 *   hold waits for the release up to CONN_FRAME_HOLD_MAX_NS after show().
 *   surface_lost(): COMMITTED and HELD go back to QUEUED (nothing of the
 *   old surface will answer them). A flip on an OFF connector stays
 *   QUEUED until the timer answers it.
 *
 * "hold": zero copy hands the compositor the guest's own memory; the guest
 * draws into the buffer it showed before as soon as it has the flip event,
 * so the event waits until the compositor released that buffer. */
#ifndef VDISPLD_CONN_FRAME_H
#define VDISPLD_CONN_FRAME_H

#include <stdbool.h>
#include <stdint.h>

#include "fb_ref.h"

/* How long a flip may wait for the previous buffer's release: well inside
 * the Linux frontend's 3.1 s flip time-out. */
#define CONN_FRAME_HOLD_MAX_NS 2000000000ull

enum conn_picture {
	CONN_PICTURE_OFF,
	CONN_PICTURE_WANTED,
	CONN_PICTURE_SHOWN,
};

enum conn_flip {
	CONN_FLIP_NONE,
	CONN_FLIP_QUEUED,
	CONN_FLIP_COMMITTED,
	CONN_FLIP_HELD,
};

enum conn_present {
	CONN_PRESENT_LATER, /* not now: retry() when that changes */
	CONN_PRESENT_SHOWN, /* committed */
	CONN_PRESENT_SHOWN_HOLD, /* committed; a flip waits for a release */
};

struct conn_frame_ops {
	/* Puts fb's region at (x, y) on screen. flip: this commit carries
	 * the owed flip's frame, so ask to hear when it is shown
	 * (frame_shown()) and arm the timer behind it. */
	enum conn_present (*present)(void *owner, struct pres_fb *fb,
				     uint32_t x, uint32_t y, bool flip);
	/* Takes the picture off the screen (nothing may be on it). */
	void (*unpresent)(void *owner);
	/* The flip's timer: QUEUED: answer it if its frame is not committed
	 * in time; HELD: look again soon; NONE: the flip is over, forget
	 * what waited for it. (COMMITTED's timer is present()'s.) */
	void (*arm)(void *owner, enum conn_flip state);
	/* The timer answers a flip whose frame was not seen (yet), or whose
	 * hold outlasted CONN_FRAME_HOLD_MAX_NS (f->hold still set). */
	void (*answered_late)(void *owner);
	/* The owed flip is answered; fb is NULL if it was destroyed. */
	void (*flip_done)(void *owner, struct pres_fb *fb);
};

struct conn_frame {
	const struct conn_frame_ops *ops;
	void *owner;
	enum conn_picture picture;
	struct fb_ref picture_fb; /* set unless OFF */
	uint32_t x, y; /* the region's offset in picture_fb */
	enum conn_flip flip;
	struct fb_ref flip_fb; /* the flip's fb while one is owed */
	bool hold; /* the flip waits for a release too */
	uint64_t flip_since_ns; /* when show() queued it */
};

void conn_frame_init(struct conn_frame *f, const struct conn_frame_ops *ops,
		     void *owner);
/* The connector goes: forgets everything, answers nothing. */
void conn_frame_finish(struct conn_frame *f);

/* SET_CONFIG: fb's region at (x, y) (fb NULL: off). */
void conn_frame_set_config(struct conn_frame *f, struct pres_fb *fb,
			   uint32_t x, uint32_t y);
/* PG_FLIP of fb at now_ns (CLOCK_MONOTONIC). */
void conn_frame_show(struct conn_frame *f, struct pres_fb *fb,
		     uint64_t now_ns);
/* What stopped present() changed: try again. */
void conn_frame_retry(struct conn_frame *f);
/* The compositor showed (or discarded) the flip's commit. */
void conn_frame_frame_shown(struct conn_frame *f);
/* The buffer the flip's hold waits for was released. */
void conn_frame_released(struct conn_frame *f);
/* The flip's timer fired at now_ns. */
void conn_frame_timeout(struct conn_frame *f, uint64_t now_ns);
/* The surface is gone (compositor lost, role re-made): nothing on it
 * answers; the picture must go up again on the next one. */
void conn_frame_surface_lost(struct conn_frame *f);

static inline struct pres_fb *conn_frame_fb(const struct conn_frame *f)
{
	return f->picture_fb.fb;
}

#endif
