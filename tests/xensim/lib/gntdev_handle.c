/* Handle bookkeeping shared by the gnttab and gntshr halves. */
#include "gntdev_handle.h"

#include <errno.h>
#include <stdlib.h>

struct xengntdev_handle *gntdev_handle_open(uint32_t kind)
{
	struct xengntdev_handle *h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	int r = gsim_conn_open(&h->conn, kind, NULL);
	if (r < 0) {
		free(h);
		errno = -r;
		return NULL;
	}
	pthread_mutex_init(&h->lock, NULL);
	return h;
}

/* Like closing /dev/xen/gntdev: the simulator drops the records; the
 * process's mappings stay readable until munmap (as real mappings do). */
int gntdev_handle_close(struct xengntdev_handle *h)
{
	if (!h)
		return 0;
	gsim_conn_close(&h->conn);
	while (h->objs) {
		struct gntdev_obj *o = h->objs;
		h->objs = o->next;
		free(o);
	}
	pthread_mutex_destroy(&h->lock);
	free(h);
	return 0;
}

int gntdev_obj_add(struct xengntdev_handle *h, int tag, void *addr, int fd,
		   uint32_t count, uint32_t id)
{
	struct gntdev_obj *o = calloc(1, sizeof(*o));
	if (!o)
		return -ENOMEM;
	*o = (struct gntdev_obj){.addr = addr, .fd = fd, .count = count,
				 .id = id, .tag = tag};
	gntdev_obj_put_back(h, o);
	return 0;
}

struct gntdev_obj *gntdev_obj_take(struct xengntdev_handle *h, int tag,
				   const void *addr, int fd)
{
	pthread_mutex_lock(&h->lock);
	struct gntdev_obj *found = NULL;
	for (struct gntdev_obj **p = &h->objs; *p; p = &(*p)->next) {
		struct gntdev_obj *o = *p;
		if (o->tag == tag && (addr ? o->addr == addr : o->fd == fd)) {
			*p = o->next;
			found = o;
			break;
		}
	}
	pthread_mutex_unlock(&h->lock);
	return found;
}

void gntdev_obj_put_back(struct xengntdev_handle *h, struct gntdev_obj *o)
{
	pthread_mutex_lock(&h->lock);
	o->next = h->objs;
	h->objs = o;
	pthread_mutex_unlock(&h->lock);
}
