/* The simulated xenstored: listening sockets, domain bookkeeping, and the
 * in-process xs_srv_* API (thin wrappers over xs_ops.c, so in-process and
 * wire callers share every check). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"
#include "xs_internal.h"

struct xs_listener {
	struct xs_server *srv;
	int fd;
	uint32_t domid;
	char *path;
	struct loop_source *src;
	struct xs_listener *next;
};

static void listener_accept(void *data, int fd, uint32_t events)
{
	struct xs_listener *l = data;
	(void)events;
	int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd < 0) {
		if (errno != EAGAIN && errno != EINTR)
			log_warn("xs_server: accept on %s failed: %s", l->path,
				 strerror(errno));
		return;
	}
	if (!xs_conn_create(l->srv, cfd, l->domid)) {
		log_error("xs_server: no memory for a client of %s", l->path);
		close(cfd);
	}
}

static int listen_unix(const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	strcpy(addr.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(fd, 64) < 0) {
		int err = errno;
		close(fd);
		return -err;
	}
	return fd;
}

static int listener_add(struct xs_server *srv, uint32_t domid,
			const char *path)
{
	struct xs_listener *l = calloc(1, sizeof(*l));
	if (!l || !(l->path = strdup(path))) {
		free(l);
		return -ENOMEM;
	}
	l->fd = listen_unix(path);
	if (l->fd < 0) {
		int r = l->fd;
		log_error("xs_server: can't listen on %s: %s", path,
			  strerror(-r));
		free(l->path);
		free(l);
		return r;
	}
	l->srv = srv;
	l->domid = domid;
	l->src = loop_add_fd(srv->loop, l->fd, EPOLLIN, listener_accept, l);
	if (!l->src) {
		close(l->fd);
		unlink(path);
		free(l->path);
		free(l);
		return -ENOMEM;
	}
	l->next = srv->listeners;
	srv->listeners = l;
	return 0;
}

static void listener_destroy(struct xs_listener *l)
{
	loop_remove(l->src);
	close(l->fd);
	unlink(l->path);
	free(l->path);
	free(l);
}

/* What a freshly booted dom0 has: its own directory. */
static int tree_populate(struct xs_server *srv)
{
	static const char *const dirs[] = {"/local", "/local/domain",
					   "/local/domain/0", "/tool"};
	struct xs_view v;
	xs_view_live(&v, srv);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		int r = xs_op_mkdir(&v, 0, dirs[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

struct xs_server *xs_server_create(struct loop *loop, const char *socket_path)
{
	struct xs_server *srv = calloc(1, sizeof(*srv));
	if (!srv)
		return NULL;
	srv->loop = loop;
	srv->pending_tail = &srv->pending;
	srv->introduced[srv->nintroduced++] = 0;
	if (xs_tree_init(&srv->tree, &srv->gen_counter) < 0 ||
	    tree_populate(srv) < 0) {
		xs_tree_finish(&srv->tree);
		free(srv);
		return NULL;
	}
	if (socket_path && listener_add(srv, 0, socket_path) < 0) {
		xs_tree_finish(&srv->tree);
		free(srv);
		return NULL;
	}
	return srv;
}

void xs_server_destroy(struct xs_server *srv)
{
	if (!srv)
		return;
	xs_server_kill_sockets(srv);
	xs_watch_cleanup(srv);
	xs_tree_finish(&srv->tree);
	free(srv);
}

void xs_server_kill_sockets(struct xs_server *srv)
{
	while (srv->listeners) {
		struct xs_listener *l = srv->listeners;
		srv->listeners = l->next;
		listener_destroy(l);
	}
	while (srv->conns)
		xs_conn_destroy(srv->conns);
}

int xs_server_add_domain_socket(struct xs_server *srv, uint32_t domid,
				const char *socket_path)
{
	return listener_add(srv, domid, socket_path);
}

bool xs_domain_is_introduced(const struct xs_server *srv, uint32_t domid)
{
	for (unsigned i = 0; i < srv->nintroduced; i++)
		if (srv->introduced[i] == domid)
			return true;
	return false;
}

void xs_srv_introduce_domain(struct xs_server *srv, uint32_t domid)
{
	if (!xs_domain_is_introduced(srv, domid)) {
		if (srv->nintroduced == XS_MAX_DOMAINS) {
			log_error("xs_server: too many domains to introduce %u",
				  domid);
			return;
		}
		srv->introduced[srv->nintroduced++] = domid;
	}
	xs_watch_fire(srv, "@introduceDomain", NULL, 0, false);
}

void xs_srv_release_domain(struct xs_server *srv, uint32_t domid)
{
	for (unsigned i = 0; i < srv->nintroduced; i++) {
		if (srv->introduced[i] == domid) {
			srv->introduced[i] =
				srv->introduced[--srv->nintroduced];
			break;
		}
	}
	/* The domain's own connections and watches go first: it doesn't
	 * hear of its own death. */
	for (struct xs_conn *c = srv->conns; c; c = xs_conn_next(c))
		if (xs_conn_domid(c) == domid)
			xs_conn_release(c);
	xs_watch_drop_domain(srv, domid);
	xs_watch_fire(srv, "@releaseDomain", NULL, 0, false);
}

unsigned xs_srv_connection_count(const struct xs_server *srv)
{
	unsigned n = 0;
	for (const struct xs_conn *c = srv->conns; c; c = xs_conn_next(c))
		if (xs_conn_alive(c))
			n++;
	return n;
}

static int errno_ret(int r)
{
	if (r < 0)
		errno = -r;
	return r;
}

int xs_srv_write(struct xs_server *srv, uint32_t caller, const char *path,
		 const char *value)
{
	struct xs_view v;
	xs_view_live(&v, srv);
	return errno_ret(xs_op_write(&v, caller, path, value,
				     value ? strlen(value) : 0));
}

int xs_srv_mkdir(struct xs_server *srv, uint32_t caller, const char *path)
{
	struct xs_view v;
	xs_view_live(&v, srv);
	return errno_ret(xs_op_mkdir(&v, caller, path));
}

int xs_srv_rm(struct xs_server *srv, uint32_t caller, const char *path)
{
	struct xs_view v;
	xs_view_live(&v, srv);
	return errno_ret(xs_op_rm(&v, caller, path));
}

char *xs_srv_read(struct xs_server *srv, uint32_t caller, const char *path)
{
	struct xs_view v;
	const struct xs_node *n;
	xs_view_live(&v, srv);
	int r = xs_op_read(&v, caller, path, &n);
	if (r < 0) {
		errno = -r;
		return NULL;
	}
	char *copy = malloc(n->value_len + 1);
	if (!copy)
		return NULL;
	memcpy(copy, n->value, n->value_len + 1);
	return copy;
}

char **xs_srv_directory(struct xs_server *srv, uint32_t caller,
			const char *path, unsigned *num)
{
	struct xs_view v;
	const struct xs_node *n;
	xs_view_live(&v, srv);
	int r = xs_op_directory(&v, caller, path, &n);
	if (r < 0) {
		errno = -r;
		return NULL;
	}
	char **list = calloc(n->nchildren + 1, sizeof(*list));
	if (!list)
		return NULL;
	for (unsigned i = 0; i < n->nchildren; i++) {
		if (!(list[i] = strdup(n->children[i]->name))) {
			xs_srv_free_list(list);
			errno = ENOMEM;
			return NULL;
		}
	}
	if (num)
		*num = n->nchildren;
	return list;
}

void xs_srv_free_list(char **list)
{
	if (!list)
		return;
	for (char **p = list; *p; p++)
		free(*p);
	free(list);
}

int xs_srv_set_perms(struct xs_server *srv, uint32_t caller, const char *path,
		     const struct xs_srv_perm *perms, unsigned n)
{
	struct xs_view v;
	xs_view_live(&v, srv);
	return errno_ret(xs_op_set_perms(&v, caller, path, perms, n));
}

int xs_srv_get_perms(struct xs_server *srv, uint32_t caller, const char *path,
		     struct xs_srv_perm *perms, unsigned max)
{
	struct xs_view v;
	const struct xs_node *n;
	xs_view_live(&v, srv);
	int r = xs_op_get_perms(&v, caller, path, &n);
	if (r < 0)
		return errno_ret(r);
	unsigned count = n->nperms < max ? n->nperms : max;
	memcpy(perms, n->perms, count * sizeof(*perms));
	return (int)count;
}

void xs_srv_fail_writes(struct xs_server *srv, const char *path, int err)
{
	atomic_store(&srv->fail_err, 0);
	if (!err || !path)
		return;
	snprintf(srv->fail_path, sizeof(srv->fail_path), "%s", path);
	atomic_store(&srv->fail_err, err);
}
