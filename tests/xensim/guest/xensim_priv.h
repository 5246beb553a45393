/* Internals shared by xensim.c and toolstack.c. */
#ifndef XENSIM_XENSIM_PRIV_H
#define XENSIM_XENSIM_PRIV_H

#include <limits.h>
#include <stdint.h>

#include "xs_server.h"

struct xensim {
	struct loop *loop;
	struct xs_server *xs;
	struct gsim *gs;
	char store_path[PATH_MAX];
	char gsim_path[PATH_MAX];
	char env_store[PATH_MAX + 32];
	char env_gsim[PATH_MAX + 32];
	char *env_ld; /* malloc'ed: the current LD_LIBRARY_PATH may be long */
	struct xensim_guest *guests;
};

/* Unlinks g from sim's list (toolstack.c frees it). */
void xensim_unlink_guest(struct xensim *sim, struct xensim_guest *g);
void xensim_link_guest(struct xensim *sim, struct xensim_guest *g);

/* Dom0-privileged write of path=value followed by perms. 0 or -errno. */
int xensim_write_perms(struct xs_server *xs, const char *path,
		       const char *value, const struct xs_srv_perm *perms,
		       unsigned n);

#endif
