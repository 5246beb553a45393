/* Client end of the simulator wire (see gsim_conn.h). */
#include "gsim_conn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int connect_socket(void)
{
	const char *path = getenv("XENSIM_SOCKET");
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (!path || !*path)
		return -ENOENT; /* as if /dev/xen/... were missing */
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = errno;
		close(fd);
		return -err;
	}
	return fd;
}

static uint32_t own_domid(void)
{
	const char *s = getenv("XENSIM_DOMID");
	return s && *s ? (uint32_t)strtoul(s, NULL, 10) : 0;
}

int gsim_conn_open(struct gsim_conn *c, uint32_t kind, int fds[2])
{
	c->fd = connect_socket();
	if (c->fd < 0)
		return c->fd;
	pthread_mutex_init(&c->lock, NULL);
	struct gsim_wire_hello h = {.kind = kind, .domid = own_domid()};
	int got[2] = {-1, -1};
	struct gsim_call call = {.op = GSIM_OP_HELLO, .req = &h,
				 .req_len = sizeof(h), .send_fd = -1,
				 .fds = got, .max_fds = 2};
	int r = gsim_conn_call(c, &call);
	if (r == 0 && call.nfds != (fds ? 2u : 0u))
		r = -EPROTO;
	if (r < 0) {
		for (unsigned i = 0; i < call.nfds; i++)
			close(got[i]);
		gsim_conn_close(c);
		return r;
	}
	if (fds) {
		fds[0] = got[0];
		fds[1] = got[1];
	}
	return 0;
}

void gsim_conn_close(struct gsim_conn *c)
{
	if (c->fd < 0)
		return;
	close(c->fd);
	c->fd = -1;
	pthread_mutex_destroy(&c->lock);
}

static int send_request(struct gsim_conn *c, const struct gsim_call *call)
{
	struct gsim_wire_req h = {.magic = GSIM_WIRE_MAGIC, .op = call->op,
				  .len = (uint32_t)call->req_len};
	struct iovec iov[2] = {{.iov_base = &h, .iov_len = sizeof(h)},
			       {.iov_base = (void *)call->req,
				.iov_len = call->req_len}};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct msghdr msg = {.msg_iov = iov, .msg_iovlen = call->req_len ? 2 : 1};
	if (call->send_fd >= 0) {
		memset(&ctl, 0, sizeof(ctl));
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &call->send_fd, sizeof(int));
	}
	return sendmsg(c->fd, &msg, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

static void collect_fds(struct msghdr *msg, struct gsim_call *call)
{
	call->nfds = 0;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(msg); cm;
	     cm = CMSG_NXTHDR(msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(fd));
			if (call->fds && call->nfds < call->max_fds)
				call->fds[call->nfds++] = fd;
			else
				close(fd);
		}
	}
}

static int recv_reply(struct gsim_conn *c, struct gsim_call *call)
{
	struct gsim_wire_rep h = {0};
	union {
		char buf[CMSG_SPACE(sizeof(int) * GSIM_WIRE_MAX_FDS)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov[2] = {{.iov_base = &h, .iov_len = sizeof(h)},
			       {.iov_base = call->rep, .iov_len = call->rep_max}};
	struct msghdr msg = {.msg_iov = iov, .msg_iovlen = call->rep ? 2 : 1,
			     .msg_control = ctl.buf,
			     .msg_controllen = sizeof(ctl.buf)};
	ssize_t n;
	do
		n = recvmsg(c->fd, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	collect_fds(&msg, call);
	if (n < (ssize_t)sizeof(h) || (msg.msg_flags & MSG_TRUNC) ||
	    h.magic != GSIM_WIRE_MAGIC || h.op != call->op ||
	    h.len != (size_t)n - sizeof(h))
		return n == 0 ? -ECONNRESET : -EPROTO;
	call->rep_len = h.len;
	return h.err > 0 ? -h.err : 0;
}

int gsim_conn_call(struct gsim_conn *c, struct gsim_call *call)
{
	call->nfds = 0;
	call->rep_len = 0;
	if (c->fd < 0)
		return -EBADF;
	pthread_mutex_lock(&c->lock);
	int r = send_request(c, call);
	if (r == 0)
		r = recv_reply(c, call);
	pthread_mutex_unlock(&c->lock);
	if (r < 0) {
		for (unsigned i = 0; i < call->nfds; i++)
			close(call->fds[i]);
		call->nfds = 0;
	}
	return r;
}

int gsim_conn_simple(struct gsim_conn *c, uint32_t op, const void *req,
		     size_t len)
{
	struct gsim_call call = {.op = op, .req = req, .req_len = len,
				 .send_fd = -1};
	return gsim_conn_call(c, &call);
}
