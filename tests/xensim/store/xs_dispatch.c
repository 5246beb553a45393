/* Wire requests: parse each xs_wire.h message defensively (clients may be
 * hostile guests), run the shared operation, format the reply. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdint.h> /* xs_wire.h needs it first */
#include <xen/io/xs_wire.h>

#include "xs_internal.h"

struct request {
	struct xs_conn *conn;
	struct xs_server *srv;
	uint32_t domid;
	uint32_t type, req_id, tx_id;
	const char *payload;
	size_t len;
	struct xs_view view;
};

static void reply(struct request *rq, const void *data, size_t len)
{
	xs_conn_send(rq->conn, rq->type, rq->req_id, rq->tx_id, data, len);
}

static void reply_ok(struct request *rq)
{
	reply(rq, "OK", 3);
}

/* Splits the payload into NUL-terminated strings. Anything not ending in
 * NUL, or with more than max strings, is malformed. */
static int split_args(const struct request *rq, const char **argv, int max)
{
	if (rq->len == 0 || rq->payload[rq->len - 1] != '\0')
		return -EINVAL;
	int n = 0;
	for (size_t off = 0; off < rq->len;
	     off += strlen(rq->payload + off) + 1) {
		if (n == max)
			return -EINVAL;
		argv[n++] = rq->payload + off;
	}
	return n;
}

static int exact_args(const struct request *rq, const char **argv, int want)
{
	int n = split_args(rq, argv, want);
	return n == want ? 0 : -EINVAL;
}

static int parse_domid(const char *s, uint32_t *out)
{
	char *end;
	if (!*s || *s == '-')
		return -EINVAL;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static int do_read(struct request *rq)
{
	const char *argv[1];
	const struct xs_node *n;
	int r = exact_args(rq, argv, 1);
	if (r == 0)
		r = xs_op_read(&rq->view, rq->domid, argv[0], &n);
	if (r == 0)
		reply(rq, n->value, n->value_len);
	return r;
}

static int do_write(struct request *rq)
{
	const char *nul = memchr(rq->payload, '\0', rq->len);
	if (!nul)
		return -EINVAL;
	size_t path_len = (size_t)(nul - rq->payload) + 1;
	int fail = atomic_load(&rq->view.srv->fail_err);
	if (fail && strcmp(rq->payload, rq->view.srv->fail_path) == 0)
		return -fail;
	int r = xs_op_write(&rq->view, rq->domid, rq->payload,
			    rq->payload + path_len, rq->len - path_len);
	if (r == 0)
		reply_ok(rq);
	return r;
}

static int do_mkdir(struct request *rq)
{
	const char *argv[1];
	int r = exact_args(rq, argv, 1);
	if (r == 0)
		r = xs_op_mkdir(&rq->view, rq->domid, argv[0]);
	if (r == 0)
		reply_ok(rq);
	return r;
}

static int do_rm(struct request *rq)
{
	const char *argv[1];
	int r = exact_args(rq, argv, 1);
	if (r == 0)
		r = xs_op_rm(&rq->view, rq->domid, argv[0]);
	if (r == 0)
		reply_ok(rq);
	return r;
}

/* Child names, each NUL-terminated, starting at byte offset off of the
 * list; stops before exceeding max bytes. Returns bytes used. */
static size_t children_pack(const struct xs_node *n, size_t off, char *buf,
			    size_t max, bool *complete)
{
	size_t pos = 0, at = 0;
	*complete = true;
	for (unsigned i = 0; i < n->nchildren; i++) {
		size_t len = strlen(n->children[i]->name) + 1;
		if (at >= off) {
			if (pos + len > max) {
				*complete = false;
				break;
			}
			memcpy(buf + pos, n->children[i]->name, len);
			pos += len;
		}
		at += len;
	}
	return pos;
}

static int do_directory(struct request *rq)
{
	const char *argv[1];
	const struct xs_node *n;
	char buf[XENSTORE_PAYLOAD_MAX];
	bool complete;
	int r = exact_args(rq, argv, 1);
	if (r == 0)
		r = xs_op_directory(&rq->view, rq->domid, argv[0], &n);
	if (r < 0)
		return r;
	size_t len = children_pack(n, 0, buf, sizeof(buf), &complete);
	if (!complete)
		return -E2BIG; /* libxenstore then uses DIRECTORY_PART */
	reply(rq, buf, len);
	return 0;
}

/* "generation\0" then names from byte offset; a final empty string marks
 * the end of the list (xenstored's format). */
static int do_directory_part(struct request *rq)
{
	const char *argv[2];
	const struct xs_node *n;
	char buf[XENSTORE_PAYLOAD_MAX];
	uint32_t off = 0;
	bool complete;
	int r = exact_args(rq, argv, 2);
	if (r == 0)
		r = parse_domid(argv[1], &off);
	if (r == 0)
		r = xs_op_directory(&rq->view, rq->domid, argv[0], &n);
	if (r < 0)
		return r;
	int glen = snprintf(buf, sizeof(buf), "%" PRIu64, n->gen) + 1;
	size_t max = sizeof(buf) - (size_t)glen - 1;
	size_t len = children_pack(n, off, buf + glen, max, &complete);
	if (complete)
		buf[glen + len++] = '\0';
	reply(rq, buf, (size_t)glen + len);
	return 0;
}

static int do_get_perms(struct request *rq)
{
	const char *argv[1];
	const struct xs_node *n;
	char buf[XENSTORE_PAYLOAD_MAX];
	int r = exact_args(rq, argv, 1);
	if (r == 0)
		r = xs_op_get_perms(&rq->view, rq->domid, argv[0], &n);
	if (r < 0)
		return r;
	size_t pos = 0;
	for (unsigned i = 0; i < n->nperms; i++) {
		int w = snprintf(buf + pos, sizeof(buf) - pos, "%c%u",
				 n->perms[i].perm, n->perms[i].domid);
		if (w < 0 || (size_t)w + 1 > sizeof(buf) - pos)
			return -E2BIG;
		pos += (size_t)w + 1;
	}
	reply(rq, buf, pos);
	return 0;
}

static int do_set_perms(struct request *rq)
{
	const char *argv[XS_TREE_MAX_PERMS + 1];
	struct xs_srv_perm perms[XS_TREE_MAX_PERMS];
	int argc = split_args(rq, argv, XS_TREE_MAX_PERMS + 1);
	if (argc < 2)
		return -EINVAL;
	for (int i = 1; i < argc; i++) {
		perms[i - 1].perm = argv[i][0];
		if (!xs_perm_char_valid(argv[i][0]) ||
		    parse_domid(argv[i] + 1, &perms[i - 1].domid) < 0)
			return -EINVAL;
	}
	int r = xs_op_set_perms(&rq->view, rq->domid, argv[0], perms,
				(unsigned)argc - 1);
	if (r == 0)
		reply_ok(rq);
	return r;
}

static struct xs_srv_watch *find_watch(struct request *rq, const char *path,
				       const char *token)
{
	for (struct xs_srv_watch *w = rq->srv->watches; w; w = w->next)
		if (w->conn == rq->conn && strcmp(w->path, path) == 0 &&
		    strcmp(w->token, token) == 0)
			return w;
	return NULL;
}

static int do_watch(struct request *rq)
{
	const char *argv[2];
	char *path;
	int r = exact_args(rq, argv, 2);
	if (r == 0)
		r = xs_path_canonical(rq->domid, argv[0], true, &path);
	if (r < 0)
		return r;
	struct xs_srv_watch *w = NULL;
	if (find_watch(rq, path, argv[1]))
		r = -EEXIST;
	else if (xs_watch_conn_count(rq->srv, rq->conn) >=
		 XS_MAX_WATCHES_PER_CONN)
		r = -E2BIG;
	else if (!(w = calloc(1, sizeof(*w))) ||
		 !(w->token = strdup(argv[1])))
		r = -ENOMEM;
	if (r < 0) {
		free(path);
		free(w);
		return r;
	}
	w->srv = rq->srv;
	w->domid = rq->domid;
	w->path = path;
	w->conn = rq->conn;
	w->relative = argv[0][0] != '/' && !xs_path_is_special(argv[0]);
	xs_watch_add(rq->srv, w);
	reply_ok(rq);
	xs_watch_fire_one(w, path);
	return 0;
}

static int do_unwatch(struct request *rq)
{
	const char *argv[2];
	char *path;
	int r = exact_args(rq, argv, 2);
	if (r == 0)
		r = xs_path_canonical(rq->domid, argv[0], true, &path);
	if (r < 0)
		return r;
	struct xs_srv_watch *w = find_watch(rq, path, argv[1]);
	free(path);
	if (!w)
		return -ENOENT;
	xs_srv_unwatch(w);
	reply_ok(rq);
	return 0;
}

static int do_tx_start(struct request *rq)
{
	char buf[16];
	if (rq->tx_id)
		return -EBUSY;
	struct xs_transaction *tx = xs_tx_start(rq->srv, rq->conn);
	if (!tx)
		return -errno;
	int len = snprintf(buf, sizeof(buf), "%u", xs_tx_id(tx)) + 1;
	reply(rq, buf, (size_t)len);
	return 0;
}

static int do_tx_end(struct request *rq)
{
	const char *argv[1];
	int r = exact_args(rq, argv, 1);
	if (r < 0)
		return r;
	bool commit = strcmp(argv[0], "T") == 0;
	if (!commit && strcmp(argv[0], "F") != 0)
		return -EINVAL;
	struct xs_transaction *tx = xs_tx_find(rq->srv, rq->conn, rq->tx_id);
	if (!tx)
		return -ENOENT;
	r = xs_tx_end(tx, commit);
	if (r == 0)
		reply_ok(rq);
	return r;
}

static int do_get_domain_path(struct request *rq)
{
	const char *argv[1];
	uint32_t domid = 0;
	char buf[40];
	int r = exact_args(rq, argv, 1);
	if (r == 0)
		r = parse_domid(argv[0], &domid);
	if (r < 0)
		return r;
	int len = snprintf(buf, sizeof(buf), "/local/domain/%u", domid) + 1;
	reply(rq, buf, (size_t)len);
	return 0;
}

/* INTRODUCE and RELEASE: exactly n arguments, the first a guest's domid
 * (dom0 is never introduced or released). */
static int guest_domid_args(struct request *rq, const char **argv, int n,
			    uint32_t *domid)
{
	int r = exact_args(rq, argv, n);
	if (r == 0)
		r = parse_domid(argv[0], domid);
	if (r == 0 && *domid == 0)
		r = -EINVAL;
	return r;
}

static int do_introduce(struct request *rq)
{
	const char *argv[3];
	uint32_t domid = 0;
	int r = guest_domid_args(rq, argv, 3, &domid);
	if (r < 0)
		return r;
	xs_srv_introduce_domain(rq->srv, domid);
	reply_ok(rq);
	return 0;
}

static int do_release(struct request *rq)
{
	const char *argv[1];
	uint32_t domid = 0;
	int r = guest_domid_args(rq, argv, 1, &domid);
	if (r == 0 && !xs_domain_is_introduced(rq->srv, domid))
		r = -ENOENT;
	if (r < 0)
		return r;
	xs_srv_release_domain(rq->srv, domid);
	reply_ok(rq);
	return 0;
}

static int do_is_introduced(struct request *rq)
{
	const char *argv[1];
	uint32_t domid = 0;
	int r = exact_args(rq, argv, 1);
	if (r == 0)
		r = parse_domid(argv[0], &domid);
	if (r < 0)
		return r;
	reply(rq, xs_domain_is_introduced(rq->srv, domid) ? "T" : "F", 2);
	return 0;
}

/* Requests we accept without modelling them (the simulator has no rings
 * to resume and no targets). */
static int do_ack(struct request *rq)
{
	reply_ok(rq);
	return 0;
}

static int do_reset_watches(struct request *rq)
{
	xs_watch_drop_conn(rq->srv, rq->conn);
	xs_tx_drop_conn(rq->srv, rq->conn);
	reply_ok(rq);
	return 0;
}

struct handler {
	int (*fn)(struct request *rq);
	bool in_tx;   /* runs inside the request's transaction */
	bool dom0;    /* privileged callers only */
};

static const struct handler handlers[XS_TYPE_COUNT] = {
	[XS_CONTROL] = {do_ack, false, true},
	[XS_DIRECTORY] = {do_directory, true, false},
	[XS_READ] = {do_read, true, false},
	[XS_GET_PERMS] = {do_get_perms, true, false},
	[XS_WATCH] = {do_watch, false, false},
	[XS_UNWATCH] = {do_unwatch, false, false},
	[XS_TRANSACTION_START] = {do_tx_start, false, false},
	[XS_TRANSACTION_END] = {do_tx_end, false, false},
	[XS_INTRODUCE] = {do_introduce, false, true},
	[XS_RELEASE] = {do_release, false, true},
	[XS_GET_DOMAIN_PATH] = {do_get_domain_path, false, false},
	[XS_WRITE] = {do_write, true, false},
	[XS_MKDIR] = {do_mkdir, true, false},
	[XS_RM] = {do_rm, true, false},
	[XS_SET_PERMS] = {do_set_perms, true, false},
	[XS_IS_DOMAIN_INTRODUCED] = {do_is_introduced, false, true},
	[XS_RESUME] = {do_ack, false, true},
	[XS_SET_TARGET] = {do_ack, false, true},
	[XS_RESET_WATCHES] = {do_reset_watches, false, true},
	[XS_DIRECTORY_PART] = {do_directory_part, true, false},
};

static int run_request(struct request *rq)
{
	const struct handler *h =
		rq->type < XS_TYPE_COUNT ? &handlers[rq->type] : NULL;
	if (!h || !h->fn)
		return -EINVAL;
	if (h->dom0 && rq->domid != 0)
		return -EACCES;
	xs_view_live(&rq->view, rq->srv);
	if (h->in_tx && rq->tx_id) {
		struct xs_transaction *tx =
			xs_tx_find(rq->srv, rq->conn, rq->tx_id);
		if (!tx)
			return -ENOENT;
		rq->view.tx = tx;
		rq->view.tree = xs_tx_tree(tx);
	}
	return h->fn(rq);
}

void xs_dispatch(struct xs_conn *conn, uint32_t type, uint32_t req_id,
		 uint32_t tx_id, const char *payload, size_t len)
{
	struct request rq = {
		.conn = conn,
		.srv = xs_conn_server(conn),
		.domid = xs_conn_domid(conn),
		.type = type,
		.req_id = req_id,
		.tx_id = tx_id,
		.payload = payload,
		.len = len,
	};
	int r = run_request(&rq);
	if (r < 0)
		xs_conn_send_error(conn, req_id, tx_id, -r);
}
