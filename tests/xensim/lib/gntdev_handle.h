/* The handle behind xengnttab_handle and xengntshr_handle (the real
 * headers make both "struct xengntdev_handle"): a connection and what this
 * process got through it, keyed the way the API names things (addresses,
 * dma-buf fd numbers). */
#ifndef XENSIM_GNTDEV_HANDLE_H
#define XENSIM_GNTDEV_HANDLE_H

#include <stdint.h>

#include "gsim_conn.h"

struct xentoollog_logger;

struct gntdev_obj {
	struct gntdev_obj *next;
	void *addr;	/* mapping or share: start address */
	int fd;		/* dma-buf export/import: the fd number */
	uint32_t count; /* pages */
	uint32_t id;	/* the simulator's record */
	int tag;	/* enum gntdev_obj_tag */
};

enum gntdev_obj_tag { OBJ_MAP, OBJ_SHARE, OBJ_EXPORT, OBJ_IMPORT };

struct xengntdev_handle {
	struct gsim_conn conn;
	pthread_mutex_t lock; /* objs */
	struct gntdev_obj *objs;
	/* The caller's logger (may be NULL): where libxengnttab reports its
	 * errors, e.g. "mmap failed" for a refused grant. */
	struct xentoollog_logger *logger;
};

struct xengntdev_handle *gntdev_handle_open(uint32_t kind);
int gntdev_handle_close(struct xengntdev_handle *h);
int gntdev_obj_add(struct xengntdev_handle *h, int tag, void *addr, int fd,
		   uint32_t count, uint32_t id);
/* Unlinks and returns the object of that tag with that address (maps,
 * shares) or fd (dma-bufs); NULL if none. */
struct gntdev_obj *gntdev_obj_take(struct xengntdev_handle *h, int tag,
				   const void *addr, int fd);
void gntdev_obj_put_back(struct xengntdev_handle *h, struct gntdev_obj *o);

#endif
