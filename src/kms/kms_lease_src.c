/* Where the KMS presenter's leases come from when it has a lease socket:
 * the first at start, and after each loss a new one, asked for again with
 * back-off (the manager may be restarting, or the lessor may not lease the
 * outputs again at once). The connection the lease came on is watched: the
 * manager hanging up takes the lease away. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kms_internal.h"
#include "kms_lease.h"
#include "log.h"
#include "loop.h"

/* The manager answers at once; one that doesn't is asked again later. */
#define ANSWER_MS 1000
#define BACKOFF_FIRST_NS 100000000ull
#define BACKOFF_MAX_NS 5000000000ull

struct kms_lease_src {
	struct kms_pres *pres;
	char *path;
	int conn; /* the connection the lease came on; -1: none */
	struct loop_source *conn_src;
	struct loop_source *retry;
	uint64_t backoff_ns;
	uint64_t received;
	int last_err; /* logged once per kind while retrying */
};

static void conn_close(struct kms_lease_src *s)
{
	loop_remove(s->conn_src);
	s->conn_src = NULL;
	kms_lease_release(s->conn);
	s->conn = -1;
}

static void conn_readable(void *data, int fd, uint32_t events)
{
	struct kms_lease_src *s = data;
	char buf[64];
	ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n > 0 || (n < 0 && (errno == EAGAIN || errno == EINTR) &&
		      !(events & (EPOLLHUP | EPOLLERR))))
		return; /* nothing this protocol says after the fd */
	loop_remove(s->conn_src);
	s->conn_src = NULL;
	kms_pres_lost(s->pres, "the lease manager hung up");
}

/* One request: the lease fd, its connection watched; or -errno. */
static int request(struct kms_lease_src *s)
{
	int conn = -1;
	int fd = kms_lease_request(s->path, ANSWER_MS, &conn);
	if (fd < 0)
		return fd;
	s->conn = conn;
	s->conn_src = loop_add_fd(s->pres->loop, conn, EPOLLIN, conn_readable,
				  s);
	if (!s->conn_src) {
		close(fd);
		conn_close(s);
		return -ENOMEM;
	}
	s->received++;
	return fd;
}

static void retry_fired(void *data)
{
	struct kms_lease_src *s = data;
	int fd = request(s);
	int r = fd < 0 ? fd : kms_pres_attach(s->pres, fd);
	if (r == 0) {
		log_info("kms: a new lease from %s (lease #%llu); every "
			 "connector shown again", s->path,
			 (unsigned long long)s->received);
		s->backoff_ns = BACKOFF_FIRST_NS;
		s->last_err = 0;
		return;
	}
	if (fd >= 0)
		conn_close(s); /* attach closed the fd */
	if (r != s->last_err)
		log_info("kms: no lease from %s yet: %s; asking again every "
			 "%llu ms at most", s->path, strerror(-r),
			 (unsigned long long)(BACKOFF_MAX_NS / 1000000));
	s->last_err = r;
	s->backoff_ns = s->backoff_ns * 2 > BACKOFF_MAX_NS ? BACKOFF_MAX_NS
							   : s->backoff_ns * 2;
	loop_timer_arm(s->retry, s->backoff_ns, 0);
}

struct kms_lease_src *kms_lease_src_create(struct kms_pres *p,
					   const char *path)
{
	struct kms_lease_src *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	*s = (struct kms_lease_src){.pres = p, .conn = -1,
				    .backoff_ns = BACKOFF_FIRST_NS};
	s->path = strdup(path);
	s->retry = loop_add_timer(p->loop, retry_fired, s);
	if (!s->path || !s->retry) {
		kms_lease_src_destroy(s);
		return NULL;
	}
	return s;
}

int kms_lease_src_first(struct kms_lease_src *s)
{
	int fd = request(s);
	if (fd < 0)
		log_error("kms: no lease from %s: %s", s->path, strerror(-fd));
	else
		log_info("kms: lease received from %s", s->path);
	return fd;
}

void kms_lease_src_again(struct kms_lease_src *s)
{
	conn_close(s);
	s->backoff_ns = BACKOFF_FIRST_NS;
	s->last_err = 0;
	loop_timer_arm(s->retry, s->backoff_ns, 0);
}

uint64_t kms_lease_src_received(const struct kms_lease_src *s)
{
	return s ? s->received : 0;
}

void kms_lease_src_destroy(struct kms_lease_src *s)
{
	if (!s)
		return;
	conn_close(s);
	loop_remove(s->retry);
	free(s->path);
	free(s);
}
