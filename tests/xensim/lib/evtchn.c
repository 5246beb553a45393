/* Drop-in libxenevtchn. Control calls are RPCs on the handle's connection;
 * the pollable fd behaves like the Linux /dev/xen/evtchn it stands for
 * (gsim_wire.h): reads return pending ports, a port is masked from its
 * event until written back (unmask). notify writes the port on a pipe to
 * the simulator: one syscall without a reply, like the real ioctl. As in
 * the Linux library, pending and unmask move one port; a program may move
 * many at once on the fd, as on the device. Errors follow the driver:
 * ENOTCONN for a port this handle has not bound (the handle keeps its own
 * table of bound ports to answer at once). A notify whose peer is gone is
 * dropped, as Xen drops a send on a port whose peer closed (ECS_UNBOUND).
 * Order is kept: the simulator reads the fd and the pipe before each
 * call. */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>
#include <xenevtchn.h>

#include "gsim_conn.h"

#define PORT_LIMIT 4096u /* the simulator's per-domain port table size */
#define PORT_WORDS (PORT_LIMIT / 64u)

struct xenevtchn_handle {
	struct gsim_conn conn;
	int notify_fd; /* the device */
	int kick_fd;   /* notifications to the simulator */
	uint64_t bound[PORT_WORDS]; /* atomically updated: bind vs notify */
};

static void port_mark(xenevtchn_handle *xce, int port, bool on)
{
	if (port <= 0 || (unsigned)port >= PORT_LIMIT)
		return;
	uint64_t bit = 1ull << ((unsigned)port % 64u);
	uint64_t *w = &xce->bound[(unsigned)port / 64u];
	if (on)
		__atomic_fetch_or(w, bit, __ATOMIC_RELAXED);
	else
		__atomic_fetch_and(w, ~bit, __ATOMIC_RELAXED);
}

static bool port_bound(xenevtchn_handle *xce, evtchn_port_t port)
{
	if (port == 0 || port >= PORT_LIMIT)
		return false;
	uint64_t w = __atomic_load_n(&xce->bound[port / 64u], __ATOMIC_RELAXED);
	return (w >> (port % 64u)) & 1u;
}

xenevtchn_handle *xenevtchn_open(struct xentoollog_logger *logger,
				 unsigned int flags)
{
	(void)logger;
	(void)flags;
	xenevtchn_handle *h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	int fds[2];
	int r = gsim_conn_open(&h->conn, GSIM_KIND_EVTCHN, fds);
	if (r < 0) {
		free(h);
		errno = -r;
		return NULL;
	}
	h->notify_fd = fds[0];
	h->kick_fd = fds[1];
	return h;
}

/* Wrapping an already open /dev/xen/evtchn fd has no simulated meaning. */
xenevtchn_handle *xenevtchn_fdopen(struct xentoollog_logger *logger, int fd,
				   unsigned open_flags)
{
	(void)logger;
	(void)fd;
	(void)open_flags;
	errno = EOPNOTSUPP;
	return NULL;
}

int xenevtchn_close(xenevtchn_handle *xce)
{
	if (!xce)
		return 0;
	gsim_conn_close(&xce->conn);
	close(xce->notify_fd);
	close(xce->kick_fd);
	free(xce);
	return 0;
}

int xenevtchn_fd(xenevtchn_handle *xce) { return xce->notify_fd; }

static int call_port(xenevtchn_handle *xce, uint32_t op, uint32_t domid,
		     uint32_t port)
{
	struct gsim_wire_evt req = {.domid = domid, .port = port}, rep = {0};
	struct gsim_call call = {.op = op, .req = &req, .req_len = sizeof(req),
				 .send_fd = -1, .rep = &rep,
				 .rep_max = sizeof(rep)};
	int r = gsim_conn_call(&xce->conn, &call);
	if (r < 0) {
		errno = -r;
		return -1;
	}
	return (int)rep.port;
}

/* One port on fd for a port this handle has bound (see the top). The
 * program may have made the device non-blocking; the device never refuses
 * a write, so a full socket is waited out. */
static int write_port(xenevtchn_handle *xce, int fd, evtchn_port_t port)
{
	if (!port_bound(xce, port)) {
		errno = ENOTCONN;
		return -1;
	}
	uint32_t w = port;
	for (;;) {
		ssize_t n = write(fd, &w, sizeof(w));
		if (n == (ssize_t)sizeof(w))
			return 0;
		if (n >= 0) {
			errno = EPROTO;
			return -1;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			struct pollfd p = {.fd = fd, .events = POLLOUT};
			(void)poll(&p, 1, -1);
		} else if (errno != EINTR) {
			return -1;
		}
	}
}

int xenevtchn_notify(xenevtchn_handle *xce, evtchn_port_t port)
{
	return write_port(xce, xce->kick_fd, port);
}

xenevtchn_port_or_error_t xenevtchn_bind_unbound_port(xenevtchn_handle *xce,
						      uint32_t domid)
{
	int port = call_port(xce, GSIM_OP_EVT_BIND_UNBOUND, domid, 0);
	port_mark(xce, port, true);
	return port;
}

xenevtchn_port_or_error_t
xenevtchn_bind_interdomain(xenevtchn_handle *xce, uint32_t domid,
			   evtchn_port_t remote_port)
{
	int port = call_port(xce, GSIM_OP_EVT_BIND_INTER, domid, remote_port);
	port_mark(xce, port, true);
	return port;
}

/* No virtual IRQs are simulated. */
xenevtchn_port_or_error_t xenevtchn_bind_virq(xenevtchn_handle *xce,
					      unsigned int virq)
{
	(void)xce;
	(void)virq;
	errno = EINVAL;
	return -1;
}

int xenevtchn_unbind(xenevtchn_handle *xce, evtchn_port_t port)
{
	if (call_port(xce, GSIM_OP_EVT_UNBIND, 0, port) < 0)
		return -1;
	port_mark(xce, (int)port, false);
	return 0;
}

/* Blocks like a read of /dev/xen/evtchn when nothing is pending. */
xenevtchn_port_or_error_t xenevtchn_pending(xenevtchn_handle *xce)
{
	uint32_t port;
	ssize_t n;
	do
		n = read(xce->notify_fd, &port, sizeof(port));
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(port)) {
		if (n >= 0)
			errno = n == 0 ? ECONNRESET : EPROTO;
		return -1;
	}
	return (xenevtchn_port_or_error_t)port;
}

/* The driver's write() of a port ignores ports it does not know; the
 * ENOTCONN here is stricter but harmless. */
int xenevtchn_unmask(xenevtchn_handle *xce, evtchn_port_t port)
{
	return write_port(xce, xce->notify_fd, port);
}

int xenevtchn_restrict(xenevtchn_handle *xce, domid_t domid)
{
	return call_port(xce, GSIM_OP_EVT_RESTRICT, domid, 0) < 0 ? -1 : 0;
}
