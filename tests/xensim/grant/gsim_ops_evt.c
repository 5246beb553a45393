/* Event-channel requests of the drop-in libxenevtchn. */
#include "gsim_client.h"

#include <errno.h>

static int reply_port(struct gsim_client *c, uint32_t op, int64_t port)
{
	if (port < 0)
		return (int)port;
	struct gsim_wire_evt rep = {.port = (uint32_t)port};
	return gsim_reply(c, op, 0, &rep, sizeof(rep), NULL, 0);
}

static int reply_rc(struct gsim_client *c, uint32_t op, int rc)
{
	return rc < 0 ? rc : gsim_reply(c, op, 0, NULL, 0, NULL, 0);
}

int gsim_op_evtchn(struct gsim_client *c, uint32_t op, struct gsim_msg *m)
{
	const struct gsim_wire_evt *q = m->payload;
	struct gsim_domain *cd = gsim_client_domain(c);
	if (m->len != sizeof(*q))
		return -EINVAL;
	if (!cd)
		return -ESRCH;
	bool restricted = c->restrict_domid != UINT32_MAX &&
			  q->domid != c->restrict_domid;
	switch (op) {
	case GSIM_OP_EVT_BIND_INTER:
		if (restricted)
			return -EPERM;
		return reply_port(c, op, gsim_port_bind_client(cd, c, q->domid,
								q->port));
	case GSIM_OP_EVT_BIND_UNBOUND:
		if (restricted)
			return -EPERM;
		if (q->domid == c->domid)
			return -EINVAL;
		return reply_port(c, op, gsim_port_unbound_client(cd, c, q->domid));
	case GSIM_OP_EVT_UNBIND:
		return reply_rc(c, op, gsim_port_unbind_client(cd, c, q->port));
	case GSIM_OP_EVT_RESTRICT:
		if (c->restrict_domid != UINT32_MAX)
			return -EINVAL;
		c->restrict_domid = q->domid;
		return reply_rc(c, op, 0);
	default:
		return -EINVAL;
	}
}
