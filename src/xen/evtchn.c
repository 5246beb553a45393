/* Event channels through one libxenevtchn handle whose fd sits on the loop.
 * The fd is made non-blocking so draining pending ports never sleeps. */
#include "xen_evtchn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xenevtchn.h>

#include "log.h"
#include "xen_log.h"
#include "loop.h"

struct xevtchn_port {
	struct xevtchn *xe;
	evtchn_port_t local;
	uint32_t domid;
	uint32_t remote;
	xevtchn_cb cb;
	void *data;
	struct xevtchn_port *next; /* in its bucket */
};

/* Ports by local port number: every event looks its port up twice, and a
 * list of every guest's ports is many cold cache lines at 60 Hz. */
#define PORT_BUCKETS 256u

struct xevtchn {
	xenevtchn_handle *h;
	struct loop_source *src;
	struct xevtchn_port *ports[PORT_BUCKETS];
	void (*lost_cb)(void *data);
	void *lost_data;
};

void xevtchn_on_lost(struct xevtchn *xe, void (*cb)(void *data), void *data)
{
	xe->lost_cb = cb;
	xe->lost_data = data;
}

/* A read that fails for another reason than "nothing pending" will fail
 * again on every turn (the fd stays readable): stop watching it, say so
 * once, and let the daemon decide (it exits for systemd to restart it). */
static void device_lost(struct xevtchn *xe, int err)
{
	log_error("evtchn: the event channel device failed: %s",
		  strerror(err));
	loop_remove(xe->src);
	xe->src = NULL;
	if (xe->lost_cb)
		xe->lost_cb(xe->lost_data);
}

static struct xevtchn_port **bucket(struct xevtchn *xe, evtchn_port_t local)
{
	return &xe->ports[local % PORT_BUCKETS];
}

static struct xevtchn_port *port_find(struct xevtchn *xe, evtchn_port_t local)
{
	for (struct xevtchn_port *p = *bucket(xe, local); p; p = p->next)
		if (p->local == local)
			return p;
	return NULL;
}

/* Events taken per wake-up; the fd stays readable for the rest. */
#define EVTCHN_BATCH 64

/* Ports are read and unmasked straight on the device fd, many per
 * syscall: /dev/xen/evtchn's read returns as many pending ports as are
 * queued and fit, and its write unmasks every port written (Linux
 * drivers/xen/evtchn.c), where libxenevtchn's pending and unmask move one
 * port per syscall and a drain needs an extra read to meet EAGAIN. A short
 * read means the queue is empty. */
static void unmask_ports(struct xevtchn *xe, int fd, evtchn_port_t *ports,
			 unsigned n)
{
	size_t len = n * sizeof(*ports);
	ssize_t w = len ? write(fd, ports, len) : 0;
	if (w == (ssize_t)len)
		return;
	/* Not all taken (cannot happen on the device): one at a time. */
	for (unsigned i = w > 0 ? (unsigned)((size_t)w / sizeof(*ports)) : 0;
	     i < n; i++)
		if (xenevtchn_unmask(xe->h, ports[i]) < 0)
			log_error("evtchn: unmask port %u: %s", ports[i],
				  strerror(errno));
}

/* A port stays masked from its event until the end of the batch, so a
 * guest notifying as fast as it can gets one callback per loop turn (its
 * callback serves a bounded number of requests) and every other guest's
 * ports are read in the same turn: a notification storm costs the storming
 * guest its own latency, never anyone else's. Callbacks may unbind any
 * port, their own included: only ports still bound are unmasked. */
static void evtchn_readable(void *data, int fd, uint32_t events)
{
	struct xevtchn *xe = data;
	evtchn_port_t ports[EVTCHN_BATCH];
	(void)events;
	ssize_t got = read(fd, ports, sizeof(ports));
	if (got <= 0) {
		int err = got == 0 ? ECONNRESET : errno;
		if (err != EAGAIN && err != EWOULDBLOCK && err != EINTR)
			device_lost(xe, err);
		return;
	}
	unsigned n = (unsigned)((size_t)got / sizeof(ports[0]));
	for (unsigned i = 0; i < n; i++) {
		struct xevtchn_port *p = port_find(xe, ports[i]);
		if (p)
			p->cb(p->data);
		else
			log_debug("evtchn: event on unbound port %u", ports[i]);
	}
	unsigned keep = 0;
	for (unsigned i = 0; i < n; i++)
		if (port_find(xe, ports[i]))
			ports[keep++] = ports[i];
	unmask_ports(xe, fd, ports, keep);
}

struct xevtchn *xevtchn_open(struct loop *loop)
{
	struct xevtchn *xe = calloc(1, sizeof(*xe));
	if (!xe)
		return NULL;
	xe->h = xenevtchn_open(xen_logger(), 0);
	if (!xe->h) {
		int err = errno;
		log_error("evtchn: cannot open the event channel device: %s",
			  strerror(err));
		free(xe);
		errno = err;
		return NULL;
	}
	int fd = xenevtchn_fd(xe->h);
	int flags = fd >= 0 ? fcntl(fd, F_GETFL) : -1;
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		goto fail;
	xe->src = loop_add_fd(loop, fd, EPOLLIN, evtchn_readable, xe);
	if (!xe->src)
		goto fail;
	return xe;
fail:;
	int err = errno;
	log_error("evtchn: cannot put the event channel fd on the loop: %s",
		  strerror(err));
	xenevtchn_close(xe->h);
	free(xe);
	errno = err;
	return NULL;
}

void xevtchn_close(struct xevtchn *xe)
{
	if (!xe)
		return;
	for (unsigned b = 0; b < PORT_BUCKETS; b++) {
		while (xe->ports[b]) {
			log_warn("evtchn: port %u still bound at close",
				 xe->ports[b]->local);
			xevtchn_unbind(xe->ports[b]);
		}
	}
	loop_remove(xe->src);
	xenevtchn_close(xe->h);
	free(xe);
}

struct xevtchn_port *xevtchn_bind(struct xevtchn *xe, uint32_t domid,
				  uint32_t remote_port, xevtchn_cb cb,
				  void *data)
{
	struct xevtchn_port *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	xenevtchn_port_or_error_t local =
		xenevtchn_bind_interdomain(xe->h, domid, remote_port);
	if (local < 0) {
		int err = errno;
		log_error("evtchn: cannot bind dom%u port %u: %s", domid,
			  remote_port, strerror(err));
		free(p);
		errno = err;
		return NULL;
	}
	p->xe = xe;
	p->local = (evtchn_port_t)local;
	p->domid = domid;
	p->remote = remote_port;
	p->cb = cb;
	p->data = data;
	struct xevtchn_port **head = bucket(xe, p->local);
	p->next = *head;
	*head = p;
	return p;
}

int xevtchn_notify(struct xevtchn_port *port)
{
	if (xenevtchn_notify(port->xe->h, port->local) < 0)
		return -errno;
	return 0;
}

void xevtchn_unbind(struct xevtchn_port *port)
{
	if (!port)
		return;
	struct xevtchn *xe = port->xe;
	for (struct xevtchn_port **p = bucket(xe, port->local); *p;
	     p = &(*p)->next) {
		if (*p == port) {
			*p = port->next;
			break;
		}
	}
	if (xenevtchn_unbind(xe->h, port->local) < 0)
		log_warn("evtchn: unbind port %u (dom%u:%u): %s", port->local,
			 port->domid, port->remote, strerror(errno));
	free(port);
}

uint32_t xevtchn_local_port(const struct xevtchn_port *port)
{
	return port->local;
}
