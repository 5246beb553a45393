/* One client connection on a Unix socket: xs_wire.h framing with partial
 * reads and writes, an output queue, and teardown that drops the client's
 * watches and transactions. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdint.h> /* xs_wire.h needs it first */
#include <xen/io/xs_wire.h>

#include "log.h"
#include "loop.h"
#include "xs_internal.h"

/* Messages handled per wake-up, so one chatty client can't starve the
 * others (epoll is level-triggered: we come back). */
#define XS_CONN_BURST 64

struct xs_conn {
	struct xs_server *srv;
	int fd;
	uint32_t domid;
	struct loop_source *src;
	struct xsd_sockmsg hdr;
	size_t hdr_got;
	/* One spare byte: payloads get a terminating NUL we never trust. */
	char body[XENSTORE_PAYLOAD_MAX + 1];
	size_t body_got;
	/* Bytes of an oversized message still to throw away. */
	uint64_t skip;
	char *out;
	size_t out_len, out_cap;
	bool dead;
	unsigned handled; /* messages dispatched this wake-up */
	struct loop_source *kill_src;
	struct xs_transaction *txs;
	struct xs_conn *next;
};

static void conn_kill_deferred(void *data)
{
	struct xs_conn *conn = data;
	conn->kill_src = NULL;
	xs_conn_destroy(conn);
}

/* Destroying from inside a callback that may still use conn is unsafe;
 * mark it and let the loop finish it. */
static void conn_kill(struct xs_conn *conn)
{
	if (conn->dead)
		return;
	conn->dead = true;
	conn->kill_src = loop_defer(conn->srv->loop, conn_kill_deferred, conn);
}

static void conn_flush(struct xs_conn *conn)
{
	size_t off = 0;
	while (off < conn->out_len) {
		ssize_t n = send(conn->fd, conn->out + off, conn->out_len - off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			log_debug("xs_server: client write failed: %s",
				  strerror(errno));
			conn_kill(conn);
			return;
		}
		off += (size_t)n;
	}
	memmove(conn->out, conn->out + off, conn->out_len - off);
	conn->out_len -= off;
	loop_fd_update(conn->src, conn->out_len ? EPOLLIN | EPOLLOUT : EPOLLIN);
}

static int out_reserve(struct xs_conn *conn, size_t more)
{
	size_t want = conn->out_len + more;
	if (want > XS_MAX_OUTPUT_BYTES)
		return -ENOSPC;
	if (want <= conn->out_cap)
		return 0;
	size_t cap = conn->out_cap ? conn->out_cap : 8192;
	while (cap < want)
		cap *= 2;
	char *out = realloc(conn->out, cap);
	if (!out)
		return -ENOMEM;
	conn->out = out;
	conn->out_cap = cap;
	return 0;
}

void xs_conn_send(struct xs_conn *conn, uint32_t type, uint32_t req_id,
		  uint32_t tx_id, const void *payload, size_t len)
{
	if (conn->dead)
		return;
	struct xsd_sockmsg hdr = {.type = type, .req_id = req_id,
				  .tx_id = tx_id, .len = (uint32_t)len};
	int r = out_reserve(conn, sizeof(hdr) + len);
	if (r < 0) {
		log_warn("xs_server: dropping domain %u client: %s",
			 conn->domid, strerror(-r));
		conn_kill(conn);
		return;
	}
	memcpy(conn->out + conn->out_len, &hdr, sizeof(hdr));
	if (len)
		memcpy(conn->out + conn->out_len + sizeof(hdr), payload, len);
	conn->out_len += sizeof(hdr) + len;
	conn_flush(conn);
}

static void send_error(struct xs_conn *conn, uint32_t req_id, uint32_t tx_id,
		       int err)
{
	const char *name = "EIO";
	for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
		if (xsd_errors[i].errnum == err)
			name = xsd_errors[i].errstring;
	xs_conn_send(conn, XS_ERROR, req_id, tx_id, name, strlen(name) + 1);
}

/* A header is complete: decide what to do with the body. */
static void header_done(struct xs_conn *conn)
{
	conn->hdr_got = sizeof(conn->hdr);
	conn->body_got = 0;
	if (conn->hdr.len > XENSTORE_PAYLOAD_MAX) {
		/* xenstored would drop the client; we answer and skip the
		 * body so the connection stays usable for tests. */
		send_error(conn, conn->hdr.req_id, conn->hdr.tx_id, EINVAL);
		conn->skip = conn->hdr.len;
		conn->hdr_got = 0;
	}
}

static void message_done(struct xs_conn *conn)
{
	conn->body[conn->hdr.len] = '\0';
	conn->hdr_got = 0;
	conn->handled++;
	xs_dispatch(conn, conn->hdr.type, conn->hdr.req_id, conn->hdr.tx_id,
		    conn->body, conn->hdr.len);
}

/* Reads what the current state wants; returns bytes read, 0 on EOF, -errno. */
static ssize_t conn_read_some(struct xs_conn *conn)
{
	char scratch[4096];
	void *dst;
	size_t want;
	if (conn->skip) {
		dst = scratch;
		want = conn->skip < sizeof(scratch) ? conn->skip
						     : sizeof(scratch);
	} else if (conn->hdr_got < sizeof(conn->hdr)) {
		dst = (char *)&conn->hdr + conn->hdr_got;
		want = sizeof(conn->hdr) - conn->hdr_got;
	} else {
		dst = conn->body + conn->body_got;
		want = conn->hdr.len - conn->body_got;
	}
	ssize_t n = want ? recv(conn->fd, dst, want, MSG_DONTWAIT) : 0;
	if (n < 0)
		return -errno;
	if (n == 0 && want)
		return 0;
	if (conn->skip)
		conn->skip -= (uint64_t)n;
	else if (conn->hdr_got < sizeof(conn->hdr)) {
		conn->hdr_got += (size_t)n;
		if (conn->hdr_got == sizeof(conn->hdr))
			header_done(conn);
	} else
		conn->body_got += (size_t)n;
	if (!conn->skip && conn->hdr_got == sizeof(conn->hdr) &&
	    conn->body_got == conn->hdr.len)
		message_done(conn);
	return want ? n : 1;
}

static void conn_readable(struct xs_conn *conn)
{
	conn->handled = 0;
	while (!conn->dead && conn->handled < XS_CONN_BURST) {
		ssize_t n = conn_read_some(conn);
		if (n == -EINTR)
			continue;
		if (n == -EAGAIN || n == -EWOULDBLOCK)
			return;
		if (n <= 0) {
			if (n < 0)
				log_debug("xs_server: client read failed: %s",
					  strerror((int)-n));
			conn_kill(conn);
			return;
		}
	}
}

static void conn_event(void *data, int fd, uint32_t events)
{
	struct xs_conn *conn = data;
	(void)fd;
	if (events & EPOLLIN)
		conn_readable(conn);
	if (!conn->dead && (events & EPOLLOUT))
		conn_flush(conn);
	if (!conn->dead && (events & (EPOLLHUP | EPOLLERR)) &&
	    !(events & EPOLLIN))
		conn_kill(conn);
}

struct xs_conn *xs_conn_create(struct xs_server *srv, int fd, uint32_t domid)
{
	struct xs_conn *conn = calloc(1, sizeof(*conn));
	if (!conn)
		return NULL;
	conn->srv = srv;
	conn->fd = fd;
	conn->domid = domid;
	conn->src = loop_add_fd(srv->loop, fd, EPOLLIN, conn_event, conn);
	if (!conn->src) {
		free(conn);
		return NULL;
	}
	conn->next = srv->conns;
	srv->conns = conn;
	return conn;
}

void xs_conn_destroy(struct xs_conn *conn)
{
	if (!conn)
		return;
	struct xs_server *srv = conn->srv;
	for (struct xs_conn **p = &srv->conns; *p; p = &(*p)->next) {
		if (*p == conn) {
			*p = conn->next;
			break;
		}
	}
	xs_tx_drop_conn(srv, conn);
	xs_watch_drop_conn(srv, conn);
	loop_remove(conn->kill_src);
	loop_remove(conn->src);
	close(conn->fd);
	free(conn->out);
	free(conn);
}

void xs_conn_release(struct xs_conn *conn)
{
	conn_kill(conn);
}

bool xs_conn_alive(const struct xs_conn *conn)
{
	return !conn->dead;
}

uint32_t xs_conn_domid(const struct xs_conn *conn)
{
	return conn->domid;
}

struct xs_transaction **xs_conn_tx_list(struct xs_conn *conn)
{
	return &conn->txs;
}

void xs_conn_send_error(struct xs_conn *conn, uint32_t req_id, uint32_t tx_id,
			int err)
{
	send_error(conn, req_id, tx_id, err);
}

struct xs_conn *xs_conn_next(const struct xs_conn *conn)
{
	return conn->next;
}

struct xs_server *xs_conn_server(const struct xs_conn *conn)
{
	return conn->srv;
}
