/* The simulated Xen host: one simulated xenstored, one grant/event-channel
 * hypervisor, Dom0's XenStore nodes, and the guests the toolstack creates.
 *
 * Everything runs on the caller's loop. vdispld (or any stock Xen tool)
 * reaches the simulator through the environment xensim_env() describes:
 * XENSTORED_PATH for libxenstore, XENSIM_SOCKET for the drop-in
 * libxengnttab/libxenevtchn, LD_LIBRARY_PATH so the drop-ins are loaded. */
#ifndef XENSIM_XENSIM_H
#define XENSIM_XENSIM_H

#include <stddef.h>
#include <stdint.h>

struct loop;
struct xs_server;
struct gsim;
struct xensim;
struct xensim_guest;

/* Creates <dir>/xenstored and <dir>/gsim (dir must exist) and writes the
 * nodes xen-init-dom0 writes. NULL + errno on failure. */
struct xensim *xensim_create(struct loop *loop, const char *dir);
/* Destroys every guest (as "xl destroy"), then the servers. */
void xensim_destroy(struct xensim *sim);

struct loop *xensim_loop(struct xensim *sim);
struct xs_server *xensim_store(struct xensim *sim);
struct gsim *xensim_gsim(struct xensim *sim);
const char *xensim_store_path(const struct xensim *sim);
const char *xensim_gsim_path(const struct xensim *sim);
/* Folder holding the drop-in libxengnttab.so.1 / libxenevtchn.so.1. */
const char *xensim_lib_dir(void);

/* Fills env[0..] with "XENSTORED_PATH=...", "XENSIM_SOCKET=...",
 * "LD_LIBRARY_PATH=<lib dir>[:<current LD_LIBRARY_PATH>]" (strings owned by
 * sim, valid until xensim_destroy). Returns the count (3) or -ENOSPC. */
int xensim_env(struct xensim *sim, const char **env, size_t max);
/* The current environment with those three set: a malloc'ed
 * NULL-terminated array for execve(), freed with xensim_environ_free(). */
char **xensim_environ(struct xensim *sim);
void xensim_environ_free(char **envp);

/* Guests alive, in creation order (for iteration: first, then next). */
struct xensim_guest *xensim_first_guest(struct xensim *sim);
struct xensim_guest *xensim_next_guest(struct xensim_guest *g);
struct xensim_guest *xensim_find_guest(struct xensim *sim, const char *name);

#endif
