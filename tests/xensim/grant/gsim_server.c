/* The Unix socket the drop-in libraries talk to: accepts one connection
 * per library handle, frames and validates requests, dispatches them and
 * tears a client down (releasing all it holds) when it goes away. */
#include "gsim_client.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"

uint32_t gsim_new_id(struct gsim *g)
{
	if (g->next_id == 0)
		g->next_id = 1;
	return g->next_id++;
}

struct gsim_domain *gsim_client_domain(struct gsim_client *c)
{
	return gsim_domain_get(c->g, c->domid);
}

int gsim_reply(struct gsim_client *c, uint32_t op, int err, const void *pl,
	       size_t len, const int *fds, unsigned nfds)
{
	struct gsim_wire_rep rep = {.magic = GSIM_WIRE_MAGIC,
				    .op = op,
				    .err = err < 0 ? -err : err,
				    .len = (uint32_t)len};
	struct iovec iov[2] = {{.iov_base = &rep, .iov_len = sizeof(rep)},
			       {.iov_base = (void *)pl, .iov_len = len}};
	union {
		char buf[CMSG_SPACE(sizeof(int) * GSIM_WIRE_MAX_FDS)];
		struct cmsghdr align;
	} ctl;
	struct msghdr msg = {.msg_iov = iov, .msg_iovlen = len ? 2 : 1};
	if (nfds) {
		memset(&ctl, 0, sizeof(ctl));
		msg.msg_control = ctl.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	if (sendmsg(c->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
		log_warn("gsim: reply to client of dom%u: %s", c->domid,
			 strerror(errno));
		return -errno;
	}
	return 0;
}

static void client_destroy(struct gsim_client *c)
{
	struct gsim *g = c->g;
	gsim_client_release_all(c);
	for (struct gsim_client **p = &g->clients; *p; p = &(*p)->next) {
		if (*p == c) {
			*p = c->next;
			break;
		}
	}
	loop_remove(c->src);
	gsim_evtchn_dev_close(c);
	close(c->fd);
	free(c);
}

static int op_hello(struct gsim_client *c, struct gsim_msg *m)
{
	const struct gsim_wire_hello *h = m->payload;
	if (c->hello || m->len != sizeof(*h) || h->kind < GSIM_KIND_GNTTAB ||
	    h->kind > GSIM_KIND_CTRL)
		return -EINVAL;
	if (!gsim_domain_get(c->g, h->domid))
		return -ESRCH;
	c->kind = h->kind;
	c->domid = h->domid;
	c->hello = true;
	if (c->kind != GSIM_KIND_EVTCHN)
		return gsim_reply(c, GSIM_OP_HELLO, 0, NULL, 0, NULL, 0);
	int theirs[2];
	int r = gsim_evtchn_dev_open(c, theirs);
	if (r < 0)
		return r;
	r = gsim_reply(c, GSIM_OP_HELLO, 0, NULL, 0, theirs, 2);
	close(theirs[0]);
	close(theirs[1]);
	return r;
}

/* libxenctrl's getdomaininfolist, one domain at a time. */
static int op_dominfo(struct gsim_client *c, struct gsim_msg *m)
{
	const struct gsim_wire_dominfo *q = m->payload;
	const struct gsim_domain *d;

	if (m->len != sizeof(*q))
		return -EINVAL;
	d = gsim_domain_at_or_above(c->g, q->domid);
	if (!d)
		return -ESRCH;
	struct gsim_wire_dominfo rep = { .domid = d->domid, .type = d->type };
	return gsim_reply(c, GSIM_OP_DOMINFO, 0, &rep, sizeof(rep), NULL, 0);
}

/* Which ops each kind of handle may send. */
static bool op_allowed(uint32_t kind, uint32_t op)
{
	switch (op) {
	case GSIM_OP_MAP:
	case GSIM_OP_UNMAP:
	case GSIM_OP_DMABUF_EXP:
	case GSIM_OP_DMABUF_WAIT:
	case GSIM_OP_DMABUF_IMP:
	case GSIM_OP_DMABUF_IMP_REL:
		return kind == GSIM_KIND_GNTTAB;
	case GSIM_OP_SHARE:
	case GSIM_OP_UNSHARE:
		return kind == GSIM_KIND_GNTSHR;
	case GSIM_OP_DOMINFO:
		return kind == GSIM_KIND_CTRL;
	default:
		return kind == GSIM_KIND_EVTCHN && op > GSIM_OP_UNSHARE &&
		       op < GSIM_OP_MAX;
	}
}

static int dispatch(struct gsim_client *c, uint32_t op, struct gsim_msg *m)
{
	if (op == GSIM_OP_HELLO)
		return op_hello(c, m);
	if (!c->hello || !op_allowed(c->kind, op))
		return -EINVAL;
	switch (op) {
	case GSIM_OP_MAP:
		return gsim_op_map(c, m, false);
	case GSIM_OP_DMABUF_EXP:
		if (!c->g->dmabuf)
			return -ENOTTY; /* no CONFIG_XEN_GNTDEV_DMABUF */
		if (c->g->export_pv)
			return -EINVAL; /* use_ptemod */
		return gsim_op_map(c, m, true);
	case GSIM_OP_UNMAP:
	case GSIM_OP_DMABUF_WAIT:
		return gsim_op_unmap(c, m, op);
	case GSIM_OP_DMABUF_IMP:
		if (!c->g->dmabuf)
			return -ENOTTY;
		return gsim_op_share(c, m, true);
	case GSIM_OP_SHARE:
		return gsim_op_share(c, m, false);
	case GSIM_OP_UNSHARE:
	case GSIM_OP_DMABUF_IMP_REL:
		return gsim_op_unshare(c, m, op);
	case GSIM_OP_DOMINFO:
		return op_dominfo(c, m);
	default:
		return gsim_op_evtchn(c, op, m);
	}
}

static int take_fd(struct msghdr *msg)
{
	int fd = -1;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(msg); cm;
	     cm = CMSG_NXTHDR(msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int f;
			memcpy(&f, CMSG_DATA(cm) + i * sizeof(int), sizeof(f));
			if (fd < 0)
				fd = f;
			else
				close(f); /* one fd per request, at most */
		}
	}
	return fd;
}

/* One request. Returns -1 when the client must go (EOF, framing error). */
static int client_read(struct gsim_client *c)
{
	static uint8_t buf[GSIM_WIRE_MAX_MSG];
	union {
		char b[CMSG_SPACE(sizeof(int) * 4)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl.b,
			     .msg_controllen = sizeof(ctl.b)};
	gsim_evtchn_dev_drain(c); /* what the handle wrote before this call */
	ssize_t n = recvmsg(c->fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	struct gsim_msg m = {.fd = n > 0 ? take_fd(&msg) : -1};
	const struct gsim_wire_req *req = (const void *)buf;
	int r = -1;
	if (n >= (ssize_t)sizeof(*req) && !(msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) &&
	    req->magic == GSIM_WIRE_MAGIC &&
	    req->len == (size_t)n - sizeof(*req)) {
		m.payload = buf + sizeof(*req);
		m.len = req->len;
		r = dispatch(c, req->op, &m);
		if (r < 0 && r != -EPIPE)
			r = gsim_reply(c, req->op, r, NULL, 0, NULL, 0);
	} else if (n > 0) {
		log_warn("gsim: malformed request from a dom%u client", c->domid);
	}
	if (m.fd >= 0)
		close(m.fd);
	return r < 0 ? -1 : 0;
}

static void client_event(void *data, int fd, uint32_t events)
{
	struct gsim_client *c = data;
	(void)fd;
	if ((events & EPOLLIN) && client_read(c) == 0)
		return;
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		client_destroy(c);
}

static void listener_event(void *data, int fd, uint32_t events)
{
	struct gsim *g = data;
	(void)events;
	int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (cfd < 0) {
		log_warn("gsim: accept: %s", strerror(errno));
		return;
	}
	struct gsim_client *c = calloc(1, sizeof(*c));
	if (!c) {
		close(cfd);
		return;
	}
	*c = (struct gsim_client){.g = g, .fd = cfd,
				  .dev_in.fd = -1, .kick_in.fd = -1,
				  .restrict_domid = UINT32_MAX};
	c->src = loop_add_fd(g->loop, cfd, EPOLLIN, client_event, c);
	if (!c->src) {
		close(cfd);
		free(c);
		return;
	}
	c->next = g->clients;
	g->clients = c;
}

int gsim_server_start(struct gsim *g, const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	g->listen_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (g->listen_fd < 0)
		return -errno;
	unlink(path); /* a stale socket from a crashed run */
	if (bind(g->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(g->listen_fd, 64) < 0) {
		int err = errno;
		log_error("gsim: listening on %s: %s", path, strerror(err));
		return -err;
	}
	g->path = strdup(path);
	g->listen_src = loop_add_fd(g->loop, g->listen_fd, EPOLLIN,
				    listener_event, g);
	return g->path && g->listen_src ? 0 : -ENOMEM;
}

void gsim_server_stop(struct gsim *g)
{
	while (g->clients)
		client_destroy(g->clients);
	loop_remove(g->listen_src);
	g->listen_src = NULL;
	if (g->listen_fd >= 0)
		close(g->listen_fd);
	g->listen_fd = -1;
	if (g->path)
		unlink(g->path);
	free(g->path);
	g->path = NULL;
}

static bool dom_match(uint32_t want, uint32_t domid)
{
	return want == UINT32_MAX || want == domid;
}

static void count_ports(struct gsim_domain *d, uint32_t domid,
			struct gsim_stats *s)
{
	for (uint32_t p = 0; p < d->nports; p++) {
		const struct gsim_port *pt = &d->ports[p];
		if (pt->client && pt->state == PORT_INTERDOMAIN &&
		    dom_match(domid, pt->remote_domid))
			s->bound_ports++;
	}
}

void gsim_server_stats(struct gsim *g, uint32_t domid, struct gsim_stats *s)
{
	for (struct gsim_client *c = g->clients; c; c = c->next) {
		s->clients++;
		for (struct gsim_map_rec *r = c->maps; r; r = r->next) {
			if (r->export) {
				s->dmabufs += dom_match(domid, r->pages[0].d->domid);
				continue;
			}
			for (uint32_t i = 0; i < r->count; i++)
				s->mapped_pages += dom_match(domid, r->pages[i].d->domid);
		}
		for (struct gsim_share_rec *r = c->shares; r; r = r->next) {
			if (!dom_match(domid, r->domid))
				continue;
			if (r->import)
				s->dmabufs++;
			else
				s->shared_pages += r->count;
		}
	}
	for (struct gsim_domain *d = g->domains; d; d = d->next)
		count_ports(d, domid, s);
}
