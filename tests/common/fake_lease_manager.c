#include "fake_lease_manager.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int flm_listen(const char *path, int backlog)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	unlink(path);
	int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -1;
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(s, backlog) < 0) {
		int err = errno;
		close(s);
		errno = err;
		return -1;
	}
	return s;
}

int flm_accept(int lsock, int *op)
{
	*op = -1;
	int c = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);
	if (c >= 0 && recv(c, op, sizeof(*op), 0) != (ssize_t)sizeof(*op))
		*op = -1;
	return c;
}

ssize_t flm_send_fds(int c, const int *fds, int n)
{
	if (n < 0 || n > 2) {
		errno = EINVAL;
		return -1;
	}
	char byte = 0;
	union {
		char buf[CMSG_SPACE(2 * sizeof(int))];
		struct cmsghdr align;
	} ctrl;
	memset(&ctrl, 0, sizeof(ctrl));
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	if (n) {
		size_t len = (size_t)n * sizeof(int);
		msg.msg_control = ctrl.buf;
		msg.msg_controllen = CMSG_SPACE(len);
		struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(len);
		memcpy(CMSG_DATA(cm), fds, len);
	}
	return sendmsg(c, &msg, MSG_NOSIGNAL);
}
