/* The node tree of the simulated xenstored: names, values, permissions and
 * generation counts. Knows nothing of callers' connections or watches. */
#ifndef XENSIM_XS_TREE_H
#define XENSIM_XS_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xs_server.h"

/* Permission bits, as xenstored computes them for one caller. */
#define XS_PERM_READ 1u
#define XS_PERM_WRITE 2u
#define XS_PERM_OWNER 4u

/* xenstored's limit on permission entries fits in one payload anyway; this
 * bounds what one SET_PERMS may store. */
#define XS_TREE_MAX_PERMS 256

struct xs_node {
	char *name; /* last component; "" for the root */
	char *value;
	size_t value_len;
	struct xs_srv_perm *perms;
	unsigned nperms;
	/* Bumped on every change to the node or its child list: transactions
	 * compare it, DIRECTORY_PART reports it. */
	uint64_t gen;
	struct xs_node *parent;
	/* Kept in creation order, as xenstored lists them. */
	struct xs_node **children;
	unsigned nchildren;
	unsigned children_cap;
};

struct xs_tree {
	struct xs_node *root;
	/* Shared between the live tree and every transaction's copy, so a
	 * generation number is never reused. */
	uint64_t *gen_counter;
};

/* A tree holding "/" with perms (n0). */
int xs_tree_init(struct xs_tree *tree, uint64_t *gen_counter);
void xs_tree_finish(struct xs_tree *tree);
/* Deep copy (for transactions); 0 or -ENOMEM. */
int xs_tree_clone(struct xs_tree *dst, const struct xs_tree *src);

/* path is canonical and absolute. */
struct xs_node *xs_tree_lookup(const struct xs_tree *tree, const char *path);
/* Deepest existing node on path (at least the root); *rest gets the
 * offset in path of the first missing component (strlen if none). */
struct xs_node *xs_tree_nearest(const struct xs_tree *tree, const char *path,
				size_t *rest);

/* New child named name (len bytes) under parent, inheriting its perms.
 * NULL on ENOMEM. */
struct xs_node *xs_node_add_child(struct xs_tree *tree, struct xs_node *parent,
				  const char *name, size_t len);
/* Unlinks node from its parent and frees the subtree. Not the root. */
void xs_node_remove(struct xs_tree *tree, struct xs_node *node);
int xs_node_set_value(struct xs_tree *tree, struct xs_node *node,
		      const char *value, size_t len);
int xs_node_set_perms(struct xs_tree *tree, struct xs_node *node,
		      const struct xs_srv_perm *perms, unsigned n);
void xs_node_touch(struct xs_tree *tree, struct xs_node *node);

/* Writes node's absolute path into buf; returns length or -E2BIG. */
int xs_node_path(const struct xs_node *node, char *buf, size_t size);

/* What caller may do with node: XS_PERM_* bits. dom0 may do everything. */
unsigned xs_perm_for(const struct xs_srv_perm *perms, unsigned n,
		     uint32_t caller);
bool xs_perm_char_valid(char c);

/* Number of nodes in the subtree (for quotas and tests). */
unsigned xs_node_count(const struct xs_node *node);

#endif
