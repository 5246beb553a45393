/* A pointer to a presenter framebuffer that the framebuffer clears when
 * it is destroyed, so nothing can hold a freed fb: the destroy
 * notification of every struct pres_fb.
 *
 * Each presenter's struct pres_fb starts with a struct fb_ref_list (see
 * presenter.h); whoever keeps an fb keeps it through an fb_ref, and the
 * presenter's fb_destroy calls fb_ref_list_release() before it frees. */
#ifndef VDISPLD_FB_REF_H
#define VDISPLD_FB_REF_H

#include <stddef.h>

struct pres_fb;
struct fb_ref;

struct fb_ref_list {
	struct fb_ref *head;
};

struct fb_ref {
	struct pres_fb *fb; /* NULL: none */
	struct fb_ref *next; /* in fb's list */
	/* Called after the fb this ref held was destroyed (ref->fb is NULL
	 * by then); NULL: nothing to do. */
	void (*gone)(struct fb_ref *ref);
};

/* Points ref at fb (NULL: at nothing), leaving the fb it held before. */
void fb_ref_set(struct fb_ref *ref, struct pres_fb *fb);
/* The fb that owns list is being destroyed: every ref to it is cleared,
 * then told (gone). */
void fb_ref_list_release(struct fb_ref_list *list);

#endif
