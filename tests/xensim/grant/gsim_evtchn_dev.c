/* The simulator's end of an evtchn handle's two fds (gsim_wire.h): the
 * device socket, on which pending ports go out and unmasked ports come
 * back, and the pipe on which the handle's notifications arrive.
 *
 * Notifications wake the simulator (they wake a guest on real Xen);
 * unmasks do not (on real Xen they wake nobody, and a wake-up here would
 * be charged to the backend that wrote them). They are read when a port
 * of the handle is about to get an event, and watched for only while an
 * event waits for one. */
#include "gsim_client.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "loop.h"

static void port_word(struct gsim_client *c, bool notify, uint32_t port)
{
	struct gsim_domain *cd = gsim_client_domain(c);
	if (!cd)
		return;
	/* Like the device: nobody hears of a port the handle has not bound. */
	if (notify)
		gsim_port_notify_client(cd, c, port);
	else
		gsim_port_unmask_client(cd, c, port);
}

/* Every whole port written on one of the fds so far. */
static void in_drain(struct gsim_client *c, struct gsim_port_in *in)
{
	uint8_t buf[4096];
	while (in->src) {
		memcpy(buf, in->part, in->part_len);
		size_t room = sizeof(buf) - in->part_len;
		ssize_t n = read(in->fd, buf + in->part_len, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
				/* the handle's end is gone: its connection
				 * going tears the client down */
				loop_remove(in->src);
				in->src = NULL;
			}
			return;
		}
		size_t len = in->part_len + (size_t)n, i;
		for (i = 0; i + sizeof(uint32_t) <= len; i += sizeof(uint32_t)) {
			uint32_t port;
			memcpy(&port, buf + i, sizeof(port));
			port_word(c, in == &c->kick_in, port);
		}
		in->part_len = (unsigned)(len - i);
		memcpy(in->part, buf + i, in->part_len);
		if ((size_t)n < room)
			return; /* drained */
	}
}

void gsim_evtchn_dev_drain(struct gsim_client *c)
{
	in_drain(c, &c->dev_in);
	in_drain(c, &c->kick_in);
}

void gsim_client_read_unmasks(struct gsim_client *c)
{
	in_drain(c, &c->dev_in);
}

void gsim_client_watch_unmasks(struct gsim_client *c)
{
	if (!c->dev_in.src)
		return;
	bool want = gsim_port_client_awaits_unmask(gsim_client_domain(c), c);
	if (want != c->dev_in.watched &&
	    loop_fd_update(c->dev_in.src, want ? EPOLLIN : 0) == 0)
		c->dev_in.watched = want;
}

static void dev_readable(void *data, int fd, uint32_t events)
{
	struct gsim_client *c = data;
	(void)events;
	if (fd == c->kick_in.fd) {
		in_drain(c, &c->kick_in);
		return;
	}
	in_drain(c, &c->dev_in); /* hang-ups come here watched or not */
	gsim_client_watch_unmasks(c);
}

static int in_start(struct gsim_client *c, struct gsim_port_in *in, int fd,
		    bool watched)
{
	in->fd = fd;
	in->watched = watched;
	if (fcntl(fd, F_SETFL, O_NONBLOCK) < 0)
		return -errno;
	in->src = loop_add_fd(c->g->loop, fd, watched ? EPOLLIN : 0,
			      dev_readable, c);
	return in->src ? 0 : -ENOMEM;
}

int gsim_evtchn_dev_open(struct gsim_client *c, int theirs[2])
{
	int sv[2], pp[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	if (pipe2(pp, O_CLOEXEC) < 0) {
		int err = errno;
		close(sv[0]);
		close(sv[1]);
		return -err;
	}
	theirs[0] = sv[1];
	theirs[1] = pp[1];
	int r = in_start(c, &c->dev_in, sv[0], false);
	if (r == 0)
		r = in_start(c, &c->kick_in, pp[0], true);
	if (r < 0) {
		close(theirs[0]);
		close(theirs[1]);
	}
	return r; /* our ends go with the client */
}

void gsim_evtchn_dev_close(struct gsim_client *c)
{
	struct gsim_port_in *ins[] = {&c->dev_in, &c->kick_in};
	for (unsigned i = 0; i < 2; i++) {
		loop_remove(ins[i]->src);
		ins[i]->src = NULL;
		if (ins[i]->fd >= 0)
			close(ins[i]->fd);
		ins[i]->fd = -1;
	}
}

int gsim_client_deliver(struct gsim_client *c, uint32_t port)
{
	/* Each port is in flight at most once (it is masked until
	 * unmasked), so the socket cannot fill up. */
	if (send(c->dev_in.fd, &port, sizeof(port),
		 MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		return -errno;
	return 0;
}
