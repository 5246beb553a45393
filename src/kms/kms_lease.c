/* The lease manager's client side (kms_lease.h): connect, ask, receive
 * the fd. Blocking with a time-out: a manager answers at once, and a lease
 * is asked for at start or on a slow back-off timer. */
#include "kms_lease.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int connect_to(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	while (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno == EINTR)
			continue;
		int err = errno;
		close(s);
		return -err;
	}
	return s;
}

static int send_op(int s, enum kms_lease_op op)
{
	int v = (int)op;
	ssize_t n;
	do
		n = send(s, &v, sizeof(v), MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(v) ? 0 : n < 0 ? -errno : -EPROTO;
}

/* The answer: one byte with one fd; any other fds are closed. */
static int recv_fd(int s, int timeout_ms)
{
	struct pollfd pfd = {.fd = s, .events = POLLIN};
	int pr;
	do
		pr = poll(&pfd, 1, timeout_ms);
	while (pr < 0 && errno == EINTR);
	if (pr <= 0)
		return pr < 0 ? -errno : -ETIMEDOUT;
	char byte;
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} ctrl;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctrl.buf,
			     .msg_controllen = sizeof(ctrl.buf)};
	ssize_t n;
	do
		n = recvmsg(s, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -EACCES; /* hung up without a lease: refused */
	int fd = -1, extra = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c;
	     c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t nfds = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < nfds; i++) {
			int got;
			memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof(got));
			if (fd < 0) {
				fd = got;
			} else {
				close(got);
				extra++;
			}
		}
	}
	if (fd >= 0 && (extra || (msg.msg_flags & MSG_CTRUNC))) {
		close(fd);
		fd = -1;
	}
	return fd >= 0 ? fd : -EPROTO;
}

int kms_lease_request(const char *path, int timeout_ms, int *conn)
{
	int s = connect_to(path);
	if (s < 0)
		return s;
	int r = send_op(s, KMS_LEASE_GET);
	if (r == 0)
		r = recv_fd(s, timeout_ms);
	if (r < 0) {
		close(s);
		return r;
	}
	*conn = s;
	return r;
}

void kms_lease_release(int conn)
{
	if (conn < 0)
		return;
	(void)send_op(conn, KMS_LEASE_RELEASE); /* closing says it too */
	close(conn);
}
