/* Event channels: a port table per domain. Guest ports call back through
 * the loop (deferred, coalesced like a pending bit); client ports follow
 * the Linux evtchn driver: a delivered port is masked until unmasked, a
 * notification meanwhile stays pending and is delivered on unmask. */
#include "gsim_internal.h"

#include <errno.h>
#include <stdlib.h>

#include "loop.h"

#define FIRST_PORT 1u /* port 0 is never valid in Xen */
#define MAX_PORTS 4096u

static struct gsim_port *port_get(struct gsim_domain *d, uint32_t port)
{
	if (!d || port < FIRST_PORT || port >= d->nports ||
	    d->ports[port].state == PORT_FREE)
		return NULL;
	return &d->ports[port];
}

static int64_t port_alloc(struct gsim_domain *d)
{
	for (uint32_t p = FIRST_PORT; p < d->nports; p++)
		if (d->ports[p].state == PORT_FREE)
			return p;
	uint32_t n = d->nports ? d->nports * 2 : 64;
	if (n > MAX_PORTS)
		return -ENOSPC;
	struct gsim_port *t = realloc(d->ports, n * sizeof(*t));
	if (!t)
		return -ENOMEM;
	for (uint32_t i = d->nports; i < n; i++)
		t[i] = (struct gsim_port){0};
	int64_t p = d->nports ? d->nports : FIRST_PORT;
	d->ports = t;
	d->nports = n;
	return p;
}

int64_t gsim_evtchn_alloc_unbound(struct gsim_domain *d, uint32_t remote_domid,
				  gsim_evtchn_cb cb, void *data)
{
	if (!d || d->dying)
		return -ESRCH;
	int64_t p = port_alloc(d);
	if (p < 0)
		return p;
	d->ports[p] = (struct gsim_port){.state = PORT_UNBOUND,
					 .remote_domid = remote_domid,
					 .cb = cb,
					 .data = data};
	return p;
}

bool gsim_evtchn_is_bound(struct gsim_domain *d, uint32_t port)
{
	struct gsim_port *p = port_get(d, port);
	return p && p->state == PORT_INTERDOMAIN;
}

static struct gsim_port *peer_of(struct gsim *g, struct gsim_port *p)
{
	if (p->state != PORT_INTERDOMAIN)
		return NULL;
	struct gsim_domain *rd = gsim_domain_get(g, p->remote_domid);
	struct gsim_port *rp = port_get(rd, p->remote_port);
	return rp && rp->state == PORT_INTERDOMAIN ? rp : NULL;
}

static void cancel_fire(struct gsim_port *p)
{
	if (!p->defer)
		return;
	loop_remove(p->defer);
	free(p->fire);
	p->defer = NULL;
	p->fire = NULL;
}

static void deliver_to_client(struct gsim_port *p, uint32_t port)
{
	/* Already waiting for its unmask, which the watch will see: a guest
	 * storming the port costs nothing more here. */
	if (p->masked && p->pending)
		return;
	/* The handle's unmasks are read only now: on real Xen an unmask wakes
	 * nobody, so the simulator must not be woken by each one either. */
	if (p->masked)
		gsim_client_read_unmasks(p->client);
	if (p->masked) {
		p->pending = true;
		gsim_client_watch_unmasks(p->client);
		return;
	}
	p->masked = true;
	p->pending = false;
	gsim_client_deliver(p->client, port);
}

int gsim_evtchn_notify(struct gsim_domain *d, uint32_t port)
{
	struct gsim_port *p = port_get(d, port);
	if (!p || d->dying)
		return -EINVAL;
	struct gsim_port *rp = peer_of(d->g, p);
	if (!rp)
		return -ENOTCONN;
	gsim_counter(d->g, d->domid)->out++;
	if (rp->client)
		deliver_to_client(rp, p->remote_port);
	return 0;
}

/* The peer's end goes back to unbound (as Xen does): it may be bound again
 * by a restarted backend; a client port is left unusable until unbound. */
static void disconnect_peer(struct gsim *g, struct gsim_port *p)
{
	struct gsim_port *rp = peer_of(g, p);
	if (!rp)
		return;
	rp->state = PORT_UNBOUND;
	rp->remote_port = 0;
	cancel_fire(rp);
}

int gsim_evtchn_close(struct gsim_domain *d, uint32_t port)
{
	struct gsim_port *p = port_get(d, port);
	if (!p || p->client)
		return -EINVAL;
	disconnect_peer(d->g, p);
	cancel_fire(p);
	*p = (struct gsim_port){0};
	return 0;
}

void gsim_ports_fini(struct gsim_domain *d)
{
	for (uint32_t p = FIRST_PORT; p < d->nports; p++)
		if (d->ports[p].state != PORT_FREE && !d->ports[p].client)
			gsim_evtchn_close(d, p);
	free(d->ports);
	d->ports = NULL;
	d->nports = 0;
}

int64_t gsim_port_bind_client(struct gsim_domain *cd, struct gsim_client *c,
			      uint32_t remote_domid, uint32_t remote_port)
{
	struct gsim_domain *rd = gsim_domain_get(cd->g, remote_domid);
	if (!rd || rd->dying)
		return -ESRCH;
	struct gsim_port *rp = port_get(rd, remote_port);
	if (!rp || rp->state != PORT_UNBOUND || rp->remote_domid != cd->domid)
		return -EINVAL;
	int64_t lp = port_alloc(cd);
	if (lp < 0)
		return lp;
	rp = &rd->ports[remote_port]; /* rd may be cd: table may have moved */
	cd->ports[lp] = (struct gsim_port){.state = PORT_INTERDOMAIN,
					   .remote_domid = remote_domid,
					   .remote_port = remote_port,
					   .client = c};
	rp->state = PORT_INTERDOMAIN;
	rp->remote_port = (uint32_t)lp;
	return lp;
}

int64_t gsim_port_unbound_client(struct gsim_domain *cd, struct gsim_client *c,
				 uint32_t remote_domid)
{
	int64_t lp = port_alloc(cd);
	if (lp < 0)
		return lp;
	cd->ports[lp] = (struct gsim_port){.state = PORT_UNBOUND,
					   .remote_domid = remote_domid,
					   .client = c};
	return lp;
}

static struct gsim_port *client_port(struct gsim_domain *cd,
				     const struct gsim_client *c, uint32_t port)
{
	struct gsim_port *p = port_get(cd, port);
	return p && p->client == c ? p : NULL;
}

/* Deferred guest callback: the port table may move meanwhile, so the call
 * carries (domain, port) and looks the port up again when it runs. */
struct guest_fire {
	struct gsim *g;
	uint32_t domid, port;
};

static void guest_cb_run(void *data)
{
	struct guest_fire f = *(struct guest_fire *)data;
	free(data);
	struct gsim_port *p = port_get(gsim_domain_get(f.g, f.domid), f.port);
	if (!p || !p->defer)
		return;
	p->defer = NULL;
	p->fire = NULL;
	if (p->cb)
		p->cb(p->data);
}

static int queue_guest_cb(struct gsim *g, struct gsim_port *rp,
			  uint32_t domid, uint32_t port)
{
	if (!rp->cb || rp->defer)
		return 0; /* already pending: coalesce like a pending bit */
	struct guest_fire *f = malloc(sizeof(*f));
	if (!f)
		return -ENOMEM;
	*f = (struct guest_fire){.g = g, .domid = domid, .port = port};
	rp->defer = loop_defer(g->loop, guest_cb_run, f);
	if (!rp->defer) {
		free(f);
		return -ENOMEM;
	}
	rp->fire = f;
	return 0;
}

int gsim_port_notify_client(struct gsim_domain *cd, struct gsim_client *c,
			    uint32_t port)
{
	if (!client_port(cd, c, port))
		return -ENOTCONN;
	return gsim_port_send(cd, port);
}

int gsim_port_send(struct gsim_domain *cd, uint32_t port)
{
	struct gsim_port *p = port_get(cd, port);
	struct gsim_port *rp = p ? peer_of(cd->g, p) : NULL;
	if (!rp)
		return -ENOTCONN; /* guest closed it or died */
	gsim_counter(cd->g, p->remote_domid)->in++;
	return queue_guest_cb(cd->g, rp, p->remote_domid, p->remote_port);
}

int gsim_port_unbind_client(struct gsim_domain *cd, struct gsim_client *c,
			    uint32_t port)
{
	struct gsim_port *p = client_port(cd, c, port);
	if (!p)
		return -ENOTCONN;
	disconnect_peer(cd->g, p);
	*p = (struct gsim_port){0};
	return 0;
}

bool gsim_port_client_awaits_unmask(struct gsim_domain *cd,
				    const struct gsim_client *c)
{
	for (uint32_t p = FIRST_PORT; cd && p < cd->nports; p++)
		if (cd->ports[p].client == c && cd->ports[p].pending)
			return true;
	return false;
}

int gsim_port_unmask_client(struct gsim_domain *cd, struct gsim_client *c,
			    uint32_t port)
{
	struct gsim_port *p = client_port(cd, c, port);
	if (!p)
		return -ENOTCONN;
	p->masked = false;
	if (p->pending)
		deliver_to_client(p, port);
	return 0;
}
