/* Framebuffer references that the framebuffer clears when it goes. A
 * singly linked list per fb: an fb has a few refs (a picture and a flip
 * per connector that uses it), so unlinking walks a handful. */
#include "fb_ref.h"

#include "presenter.h"

static void unlink_ref(struct fb_ref *ref)
{
	for (struct fb_ref **p = &pres_fb_refs(ref->fb)->head; *p;
	     p = &(*p)->next) {
		if (*p == ref) {
			*p = ref->next;
			break;
		}
	}
	ref->next = NULL;
	ref->fb = NULL;
}

void fb_ref_set(struct fb_ref *ref, struct pres_fb *fb)
{
	if (ref->fb == fb)
		return;
	if (ref->fb)
		unlink_ref(ref);
	if (!fb)
		return;
	struct fb_ref_list *list = pres_fb_refs(fb);
	ref->fb = fb;
	ref->next = list->head;
	list->head = ref;
}

void fb_ref_list_release(struct fb_ref_list *list)
{
	/* Each gone() may set refs again (to other fbs, or to nothing):
	 * take a ref off the list before telling it. */
	while (list->head) {
		struct fb_ref *ref = list->head;
		list->head = ref->next;
		ref->next = NULL;
		ref->fb = NULL;
		if (ref->gone)
			ref->gone(ref);
	}
}
