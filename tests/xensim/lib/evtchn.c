/* Drop-in libxenevtchn. Control calls are RPCs on the handle's connection;
 * the pollable fd is a separate socket the simulator writes one port to
 * per event, masking the port until xenevtchn_unmask (as /dev/xen/evtchn
 * does). Errors follow the Linux evtchn driver: ENOTCONN for a port this
 * handle has not bound (and, in xensim, for one whose peer is gone). */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <xenevtchn.h>

#include "gsim_conn.h"

struct xenevtchn_handle {
	struct gsim_conn conn;
	int notify_fd;
};

xenevtchn_handle *xenevtchn_open(struct xentoollog_logger *logger,
				 unsigned int flags)
{
	(void)logger;
	(void)flags;
	xenevtchn_handle *h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	int r = gsim_conn_open(&h->conn, GSIM_KIND_EVTCHN, &h->notify_fd);
	if (r < 0) {
		free(h);
		errno = -r;
		return NULL;
	}
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

int xenevtchn_notify(xenevtchn_handle *xce, evtchn_port_t port)
{
	return call_port(xce, GSIM_OP_EVT_NOTIFY, 0, port) < 0 ? -1 : 0;
}

xenevtchn_port_or_error_t xenevtchn_bind_unbound_port(xenevtchn_handle *xce,
						      uint32_t domid)
{
	return call_port(xce, GSIM_OP_EVT_BIND_UNBOUND, domid, 0);
}

xenevtchn_port_or_error_t
xenevtchn_bind_interdomain(xenevtchn_handle *xce, uint32_t domid,
			   evtchn_port_t remote_port)
{
	return call_port(xce, GSIM_OP_EVT_BIND_INTER, domid, remote_port);
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
	return call_port(xce, GSIM_OP_EVT_UNBIND, 0, port) < 0 ? -1 : 0;
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

int xenevtchn_unmask(xenevtchn_handle *xce, evtchn_port_t port)
{
	return call_port(xce, GSIM_OP_EVT_UNMASK, 0, port) < 0 ? -1 : 0;
}

int xenevtchn_restrict(xenevtchn_handle *xce, domid_t domid)
{
	return call_port(xce, GSIM_OP_EVT_RESTRICT, domid, 0) < 0 ? -1 : 0;
}
