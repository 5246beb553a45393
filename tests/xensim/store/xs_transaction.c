/* Transactions with snapshot semantics: a transaction works on a copy of
 * the tree taken at start. It remembers the generation of every node it
 * looked at (0 for "absent"); the commit succeeds only if all of them are
 * unchanged in the live tree, and then copies the nodes it modified into
 * the live tree, firing their watches. Otherwise EAGAIN, as xenstored. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xs_internal.h"

struct tx_access {
	char *path;
	uint64_t gen;
};

struct xs_transaction {
	struct xs_server *srv;
	struct xs_conn *conn;
	uint32_t id;
	struct xs_tree tree;
	struct tx_access *acc;
	unsigned nacc, acc_cap;
	char **mod;
	unsigned nmod, mod_cap;
	struct xs_transaction *next;
};

static void tx_free(struct xs_transaction *tx)
{
	xs_tree_finish(&tx->tree);
	for (unsigned i = 0; i < tx->nacc; i++)
		free(tx->acc[i].path);
	for (unsigned i = 0; i < tx->nmod; i++)
		free(tx->mod[i]);
	free(tx->acc);
	free(tx->mod);
	free(tx);
}

unsigned xs_tx_conn_count(const struct xs_conn *conn)
{
	unsigned n = 0;
	struct xs_transaction **head =
		xs_conn_tx_list((struct xs_conn *)conn);
	for (const struct xs_transaction *tx = *head; tx; tx = tx->next)
		n++;
	return n;
}

struct xs_transaction *xs_tx_start(struct xs_server *srv, struct xs_conn *conn)
{
	if (xs_tx_conn_count(conn) >= XS_MAX_TX_PER_CONN) {
		errno = ENOSPC;
		return NULL;
	}
	struct xs_transaction *tx = calloc(1, sizeof(*tx));
	if (!tx || xs_tree_clone(&tx->tree, &srv->tree) < 0) {
		if (tx)
			tx_free(tx);
		errno = ENOMEM;
		return NULL;
	}
	tx->srv = srv;
	tx->conn = conn;
	if (++srv->next_tx_id == 0)
		srv->next_tx_id = 1;
	tx->id = srv->next_tx_id;
	struct xs_transaction **head = xs_conn_tx_list(conn);
	tx->next = *head;
	*head = tx;
	return tx;
}

struct xs_transaction *xs_tx_find(struct xs_server *srv, struct xs_conn *conn,
				  uint32_t id)
{
	(void)srv;
	for (struct xs_transaction *tx = *xs_conn_tx_list(conn); tx;
	     tx = tx->next)
		if (tx->id == id)
			return tx;
	return NULL;
}

uint32_t xs_tx_id(const struct xs_transaction *tx)
{
	return tx->id;
}

struct xs_tree *xs_tx_tree(struct xs_transaction *tx)
{
	return &tx->tree;
}

int xs_tx_note_access(struct xs_transaction *tx, const char *path,
		      const struct xs_node *node)
{
	for (unsigned i = 0; i < tx->nacc; i++)
		if (strcmp(tx->acc[i].path, path) == 0)
			return 0;
	if (tx->nacc >= XS_MAX_TX_ACCESSES)
		return -ENOSPC;
	if (tx->nacc == tx->acc_cap) {
		unsigned cap = tx->acc_cap ? tx->acc_cap * 2 : 16;
		struct tx_access *a = reallocarray(tx->acc, cap, sizeof(*a));
		if (!a)
			return -ENOMEM;
		tx->acc = a;
		tx->acc_cap = cap;
	}
	char *copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	tx->acc[tx->nacc++] = (struct tx_access){copy, node ? node->gen : 0};
	return 0;
}

int xs_tx_note_modified(struct xs_transaction *tx, const char *path)
{
	for (unsigned i = 0; i < tx->nmod; i++)
		if (strcmp(tx->mod[i], path) == 0)
			return 0;
	if (tx->nmod >= XS_MAX_TX_ACCESSES)
		return -ENOSPC;
	if (tx->nmod == tx->mod_cap) {
		unsigned cap = tx->mod_cap ? tx->mod_cap * 2 : 16;
		char **m = reallocarray(tx->mod, cap, sizeof(*m));
		if (!m)
			return -ENOMEM;
		tx->mod = m;
		tx->mod_cap = cap;
	}
	char *copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	tx->mod[tx->nmod++] = copy;
	return 0;
}

static bool tx_conflicts(const struct xs_transaction *tx)
{
	for (unsigned i = 0; i < tx->nacc; i++) {
		const struct xs_node *live =
			xs_tree_lookup(&tx->srv->tree, tx->acc[i].path);
		if ((live ? live->gen : 0) != tx->acc[i].gen)
			return true;
	}
	return false;
}

static struct xs_node *live_create(struct xs_tree *live, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *parent_path = strndup(path, slash == path ? 1 : (size_t)(slash - path));
	if (!parent_path)
		return NULL;
	struct xs_node *parent = xs_tree_lookup(live, parent_path);
	free(parent_path);
	if (!parent)
		return NULL; /* can't happen: parents sort first */
	return xs_node_add_child(live, parent, slash + 1, strlen(slash + 1));
}

/* Makes the live node at path look like the transaction's. */
static int apply_one(struct xs_transaction *tx, const char *path)
{
	struct xs_tree *live = &tx->srv->tree;
	const struct xs_node *mine = xs_tree_lookup(&tx->tree, path);
	struct xs_node *node = xs_tree_lookup(live, path);
	if (!mine) {
		if (node && node->parent) {
			xs_watch_fire(tx->srv, path, node->perms, node->nperms,
				      true);
			xs_node_remove(live, node);
		}
		return 0;
	}
	if (!node && !(node = live_create(live, path)))
		return -ENOMEM;
	int r = xs_node_set_value(live, node, mine->value, mine->value_len);
	if (r == 0)
		r = xs_node_set_perms(live, node, mine->perms, mine->nperms);
	if (r == 0)
		xs_watch_fire(tx->srv, path, node->perms, node->nperms, false);
	return r;
}

static int path_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int tx_commit(struct xs_transaction *tx)
{
	if (tx_conflicts(tx))
		return -EAGAIN;
	/* A parent's path sorts before its children's. */
	if (tx->nmod)
		qsort(tx->mod, tx->nmod, sizeof(*tx->mod), path_cmp);
	for (unsigned i = 0; i < tx->nmod; i++) {
		int r = apply_one(tx, tx->mod[i]);
		if (r < 0) {
			log_error("xs_server: commit of %s failed: %s",
				  tx->mod[i], strerror(-r));
			return r;
		}
	}
	return 0;
}

static void tx_unlink(struct xs_transaction *tx)
{
	for (struct xs_transaction **p = xs_conn_tx_list(tx->conn); *p;
	     p = &(*p)->next) {
		if (*p == tx) {
			*p = tx->next;
			return;
		}
	}
}

int xs_tx_end(struct xs_transaction *tx, bool commit)
{
	tx_unlink(tx);
	int r = commit ? tx_commit(tx) : 0;
	tx_free(tx);
	return r;
}

void xs_tx_drop_conn(struct xs_server *srv, struct xs_conn *conn)
{
	(void)srv;
	struct xs_transaction **head = xs_conn_tx_list(conn);
	while (*head)
		xs_tx_end(*head, false);
}
