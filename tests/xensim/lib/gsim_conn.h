/* The drop-in libraries' side of the simulator wire: one connection per
 * handle, synchronous calls serialised by a mutex. Not exported (the
 * version scripts keep everything but the Xen API local). */
#ifndef XENSIM_GSIM_CONN_H
#define XENSIM_GSIM_CONN_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "gsim_wire.h"

struct gsim_conn {
	int fd;
	pthread_mutex_t lock; /* one call at a time on fd */
};

/* Connects to $XENSIM_SOCKET as $XENSIM_DOMID (default 0) and says HELLO.
 * fds (evtchn only) gets the device fd and the notify pipe (gsim_wire.h).
 * -errno. */
int gsim_conn_open(struct gsim_conn *c, uint32_t kind, int fds[2]);
void gsim_conn_close(struct gsim_conn *c);

struct gsim_call {
	uint32_t op;
	const void *req;
	size_t req_len;
	int send_fd; /* -1: none */
	void *rep;   /* reply payload buffer */
	size_t rep_max;
	size_t rep_len; /* out */
	int *fds;	/* received fds (caller closes), may be NULL */
	unsigned max_fds;
	unsigned nfds; /* out */
};

/* One request/reply. Returns 0 or -errno (the server's or the socket's). */
int gsim_conn_call(struct gsim_conn *c, struct gsim_call *call);

/* Same, with no payload back. */
int gsim_conn_simple(struct gsim_conn *c, uint32_t op, const void *req,
		     size_t len);

#endif
