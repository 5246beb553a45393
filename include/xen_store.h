/* XenStore access for vdispld: the only door to libxenstore.
 * Watches are dispatched from the loop; every callback gets the path that
 * changed. Paths are absolute unless noted. */
#ifndef VDISPLD_XEN_STORE_H
#define VDISPLD_XEN_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A guest-supplied id (a connector's or a vkbd's unique-id): 1..max bytes
 * of printable ASCII, no space. One rule for every room, since ids of
 * different device types are compared with each other (vkbd pairing) and
 * end up in logs and Wayland app_ids. */
static inline bool xstore_id_ok(const char *s, size_t max)
{
	size_t len = strnlen(s, max + 1);

	if (len == 0 || len > max)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] <= ' ' || s[i] > '~')
			return false;
	}
	return true;
}

struct loop;
struct xstore;
struct xstore_watch;

typedef void (*xstore_watch_cb)(void *data, const char *path);

/* Connects (XENSTORED_PATH honoured by libxenstore) and registers the
 * store's fd on the loop. NULL with errno set on failure. */
struct xstore *xstore_open(struct loop *loop);
void xstore_close(struct xstore *xs);

/* cb runs (from the loop) once if the connection to xenstored is lost:
 * every later read, write and watch would fail. */
void xstore_on_lost(struct xstore *xs, void (*cb)(void *data), void *data);

/* The domid we run in, read from the store ("domid" relative to our own
 * domain path), not assumed to be 0. -1 if unreadable. */
int xstore_own_domid(struct xstore *xs);

/* malloc'ed value, NULL (errno set) if absent. */
char *xstore_read(struct xstore *xs, const char *path);
/* Reads "dir/node". */
char *xstore_read_at(struct xstore *xs, const char *dir, const char *node);
/* Strict unsigned parse of "dir/node" within [min, max]; -errno on absent,
 * garbage or out-of-range. */
int xstore_read_uint(struct xstore *xs, const char *dir, const char *node,
		     uint64_t min, uint64_t max, uint64_t *out);
int xstore_write(struct xstore *xs, const char *path, const char *value);
int xstore_write_at(struct xstore *xs, const char *dir, const char *node,
		    const char *value);
/* malloc'ed array of malloc'ed names (one free() frees all, as libxenstore
 * returns it); NULL if absent. */
char **xstore_directory(struct xstore *xs, const char *path, unsigned *num);

/* Registers a watch; fires once at registration and on every change under
 * path. Removing a watch from inside its own callback is safe. */
struct xstore_watch *xstore_watch(struct xstore *xs, const char *path,
				  xstore_watch_cb cb, void *data);
void xstore_unwatch(struct xstore_watch *w);

#endif
