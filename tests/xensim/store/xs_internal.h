/* Private structures shared by the files of the simulated xenstored. */
#ifndef XENSIM_XS_INTERNAL_H
#define XENSIM_XS_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xs_server.h"
#include "xs_tree.h"

/* Bounds a hostile client can't push us past. */
#define XS_MAX_WATCHES_PER_CONN 128
#define XS_MAX_TX_PER_CONN 16
#define XS_MAX_TX_ACCESSES 4096
#define XS_MAX_DOMAINS 1024
/* A client that stops reading gets cut off rather than eat our memory. */
#define XS_MAX_OUTPUT_BYTES (4u << 20)

struct loop;
struct loop_source;
struct xs_conn;
struct xs_listener;
struct xs_transaction;
struct xs_pending;

/* One watch: a wire one (conn != NULL, token) or an in-process one (cb). */
struct xs_srv_watch {
	struct xs_server *srv;
	uint32_t domid;
	char *path;  /* canonical absolute path or "@..." */
	char *token; /* wire watches only */
	/* Registered with a relative path: events are reported relative to
	 * /local/domain/<domid>/, as xenstored does. */
	bool relative;
	struct xs_conn *conn;
	xs_srv_watch_cb cb;
	void *data;
	/* In-process watch of a released domain: never fires again, but the
	 * caller still owns it until xs_srv_unwatch(). */
	bool dead;
	struct xs_srv_watch *next;
};

struct xs_server {
	struct loop *loop;
	struct xs_tree tree;
	uint64_t gen_counter;
	uint32_t next_tx_id;
	struct xs_listener *listeners;
	struct xs_conn *conns;
	struct xs_srv_watch *watches;
	/* In-process watch events wait here for the deferred delivery. */
	struct xs_pending *pending;
	struct xs_pending **pending_tail;
	struct loop_source *deliver_src;
	/* Set while delivering: unwatch then only marks the watch. */
	bool delivering;
	struct xs_srv_watch *zombies;
	struct loop_source *reap_src;
	uint32_t introduced[XS_MAX_DOMAINS];
	unsigned nintroduced;
	/* xs_srv_fail_writes: set from a test's thread while this one
	 * serves, so the errno is atomic and the path changes only while it
	 * is 0. */
	char fail_path[256];
	atomic_int fail_err;
};

/* Where an operation runs: the live tree, or a transaction's copy. */
struct xs_view {
	struct xs_server *srv;
	struct xs_tree *tree;
	struct xs_transaction *tx; /* NULL for the live tree */
};

void xs_view_live(struct xs_view *v, struct xs_server *srv);

/* Path handling (xs_path.c). *out is malloc'ed; 0 or -errno. */
int xs_path_canonical(uint32_t caller, const char *path, bool allow_special,
		      char **out);
bool xs_path_is_special(const char *path);
/* Is path equal to or below dir? */
bool xs_path_is_child(const char *path, const char *dir);

/* Operations (xs_ops.c): one implementation, used by the wire and the
 * in-process API. Paths are as the caller sent them. */
int xs_op_read(struct xs_view *v, uint32_t caller, const char *path,
	       const struct xs_node **out);
int xs_op_directory(struct xs_view *v, uint32_t caller, const char *path,
		    const struct xs_node **out);
int xs_op_get_perms(struct xs_view *v, uint32_t caller, const char *path,
		    const struct xs_node **out);
int xs_op_write(struct xs_view *v, uint32_t caller, const char *path,
		const char *value, size_t len);
int xs_op_mkdir(struct xs_view *v, uint32_t caller, const char *path);
int xs_op_rm(struct xs_view *v, uint32_t caller, const char *path);
int xs_op_set_perms(struct xs_view *v, uint32_t caller, const char *path,
		    const struct xs_srv_perm *perms, unsigned n);

/* Watches (xs_watch.c). */
int xs_watch_add(struct xs_server *srv, struct xs_srv_watch *w);
void xs_watch_free(struct xs_srv_watch *w);
/* A change at path; perms are the node's (before removal), NULL for
 * special events. recursive: the subtree went away, so watches below
 * path fire too. */
void xs_watch_fire(struct xs_server *srv, const char *path,
		   const struct xs_srv_perm *perms, unsigned nperms,
		   bool recursive);
/* Fires one watch with path (the registration firing). */
void xs_watch_fire_one(struct xs_srv_watch *w, const char *path);
void xs_watch_drop_conn(struct xs_server *srv, const struct xs_conn *conn);
void xs_watch_drop_domain(struct xs_server *srv, uint32_t domid);
void xs_watch_cleanup(struct xs_server *srv);
unsigned xs_watch_conn_count(const struct xs_server *srv,
			     const struct xs_conn *conn);

/* Transactions (xs_transaction.c). */
struct xs_transaction *xs_tx_start(struct xs_server *srv, struct xs_conn *conn);
struct xs_transaction *xs_tx_find(struct xs_server *srv, struct xs_conn *conn,
				  uint32_t id);
uint32_t xs_tx_id(const struct xs_transaction *tx);
struct xs_tree *xs_tx_tree(struct xs_transaction *tx);
/* Records that the transaction looked at path (node NULL: absent). */
int xs_tx_note_access(struct xs_transaction *tx, const char *path,
		      const struct xs_node *node);
int xs_tx_note_modified(struct xs_transaction *tx, const char *path);
/* Commits (or aborts) and frees; 0, -EAGAIN on conflict, -errno. */
int xs_tx_end(struct xs_transaction *tx, bool commit);
void xs_tx_drop_conn(struct xs_server *srv, struct xs_conn *conn);
unsigned xs_tx_conn_count(const struct xs_conn *conn);

/* Wire connections (xs_conn.c). */
struct xs_conn *xs_conn_create(struct xs_server *srv, int fd, uint32_t domid);
void xs_conn_destroy(struct xs_conn *conn);
uint32_t xs_conn_domid(const struct xs_conn *conn);
/* Queues one message; a connection that can't keep up is closed later. */
void xs_conn_send(struct xs_conn *conn, uint32_t type, uint32_t req_id,
		  uint32_t tx_id, const void *payload, size_t len);
struct xs_transaction **xs_conn_tx_list(struct xs_conn *conn);
void xs_conn_send_error(struct xs_conn *conn, uint32_t req_id, uint32_t tx_id,
			int err);
/* Closes the connection from the next loop turn (safe anywhere). */
void xs_conn_release(struct xs_conn *conn);
bool xs_conn_alive(const struct xs_conn *conn);
struct xs_conn *xs_conn_next(const struct xs_conn *conn);
struct xs_server *xs_conn_server(const struct xs_conn *conn);

/* Wire request handling (xs_dispatch.c). */
void xs_dispatch(struct xs_conn *conn, uint32_t type, uint32_t req_id,
		 uint32_t tx_id, const char *payload, size_t len);

/* Domain bookkeeping (xs_server.c). */
bool xs_domain_is_introduced(const struct xs_server *srv, uint32_t domid);

#endif
