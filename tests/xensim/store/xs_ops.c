/* The store operations with xenstored's permission checks. Both the wire
 * protocol and the in-process API call these, on the live tree or on a
 * transaction's copy (struct xs_view). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <stdint.h> /* xs_wire.h needs it first */
#include <xen/io/xs_wire.h>

#include "xs_internal.h"

void xs_view_live(struct xs_view *v, struct xs_server *srv)
{
	v->srv = srv;
	v->tree = &srv->tree;
	v->tx = NULL;
}

static int note_access(struct xs_view *v, const char *path,
		       const struct xs_node *node)
{
	return v->tx ? xs_tx_note_access(v->tx, path, node) : 0;
}

static int note_modified(struct xs_view *v, const char *path)
{
	return v->tx ? xs_tx_note_modified(v->tx, path) : 0;
}

/* Watches fire on the live tree only; a transaction's fire at commit. */
static void fire(struct xs_view *v, const char *path, const struct xs_node *n,
		 bool recursive)
{
	if (!v->tx)
		xs_watch_fire(v->srv, path, n->perms, n->nperms, recursive);
}

/* A missing node: say ENOENT only if the caller may read the nearest
 * existing ancestor, so guests can't probe for hidden names. */
static int missing_errno(struct xs_view *v, uint32_t caller, const char *path)
{
	const struct xs_node *anc = xs_tree_nearest(v->tree, path, NULL);
	unsigned perm = xs_perm_for(anc->perms, anc->nperms, caller);
	return (perm & XS_PERM_READ) ? -ENOENT : -EACCES;
}

static int get_checked(struct xs_view *v, uint32_t caller, const char *abs,
		       unsigned need, struct xs_node **out)
{
	struct xs_node *n = xs_tree_lookup(v->tree, abs);
	int r = note_access(v, abs, n);
	if (r < 0)
		return r;
	if (!n)
		return missing_errno(v, caller, abs);
	if ((xs_perm_for(n->perms, n->nperms, caller) & need) != need)
		return -EACCES;
	*out = n;
	return 0;
}

static int get_node(struct xs_view *v, uint32_t caller, const char *path,
		    unsigned need, const struct xs_node **out)
{
	char *abs;
	int r = xs_path_canonical(caller, path, false, &abs);
	if (r < 0)
		return r;
	struct xs_node *n = NULL;
	r = get_checked(v, caller, abs, need, &n);
	free(abs);
	*out = n;
	return r;
}

int xs_op_read(struct xs_view *v, uint32_t caller, const char *path,
	       const struct xs_node **out)
{
	return get_node(v, caller, path, XS_PERM_READ, out);
}

int xs_op_directory(struct xs_view *v, uint32_t caller, const char *path,
		    const struct xs_node **out)
{
	return get_node(v, caller, path, XS_PERM_READ, out);
}

int xs_op_get_perms(struct xs_view *v, uint32_t caller, const char *path,
		    const struct xs_node **out)
{
	return get_node(v, caller, path, XS_PERM_READ, out);
}

/* Creates the missing tail of abs the way xenstored does: the caller needs
 * write access to the deepest existing ancestor; new nodes inherit their
 * parent's perms, and a guest owns what it creates. */
static int create_path(struct xs_view *v, uint32_t caller, char *abs,
		       struct xs_node **out)
{
	size_t rest;
	struct xs_node *node = xs_tree_nearest(v->tree, abs, &rest);
	if (!(xs_perm_for(node->perms, node->nperms, caller) & XS_PERM_WRITE))
		return -EACCES;
	/* The ancestor's child list changes: it counts as read. */
	char saved = abs[rest > 1 ? rest - 1 : 1];
	abs[rest > 1 ? rest - 1 : 1] = '\0';
	int r = note_access(v, abs, node);
	abs[rest > 1 ? rest - 1 : 1] = saved;
	if (r < 0)
		return r;
	size_t total = strlen(abs);
	while (rest < total) {
		char *slash = strchr(abs + rest, '/');
		size_t end = slash ? (size_t)(slash - abs) : total;
		abs[end] = '\0'; /* abs now names the node to create */
		r = note_access(v, abs, NULL);
		struct xs_node *c = NULL;
		if (r == 0) {
			c = xs_node_add_child(v->tree, node, abs + rest,
					      end - rest);
			r = c ? note_modified(v, abs) : -ENOMEM;
		}
		if (slash)
			*slash = '/';
		if (r < 0)
			return r;
		if (caller != 0)
			c->perms[0].domid = caller;
		node = c;
		rest = slash ? end + 1 : total;
	}
	*out = node;
	return 0;
}

/* Write or mkdir: value NULL means mkdir (existing node left alone). */
static int write_node(struct xs_view *v, uint32_t caller, const char *path,
		      const char *value, size_t len)
{
	/* xenstored refuses what could not travel back in one reply; a
	 * larger value would make libxenstore drop its connection on read. */
	if (value && len > XENSTORE_PAYLOAD_MAX)
		return -E2BIG;
	char *abs;
	int r = xs_path_canonical(caller, path, false, &abs);
	if (r < 0)
		return r;
	struct xs_node *n = NULL;
	r = get_checked(v, caller, abs, XS_PERM_WRITE, &n);
	if (r == 0 && value) {
		r = xs_node_set_value(v->tree, n, value, len);
		if (r == 0)
			r = note_modified(v, abs);
		if (r == 0)
			fire(v, abs, n, false);
	} else if (r == -ENOENT) {
		r = create_path(v, caller, abs, &n);
		if (r == 0 && value)
			r = xs_node_set_value(v->tree, n, value, len);
		if (r == 0)
			fire(v, abs, n, false);
	}
	free(abs);
	return r;
}

int xs_op_write(struct xs_view *v, uint32_t caller, const char *path,
		const char *value, size_t len)
{
	return write_node(v, caller, path, value ? value : "", len);
}

int xs_op_mkdir(struct xs_view *v, uint32_t caller, const char *path)
{
	return write_node(v, caller, path, NULL, 0);
}

/* In a transaction every removed node counts as read and modified, so the
 * commit removes exactly what the transaction saw. */
static int note_subtree(struct xs_view *v, const struct xs_node *n)
{
	char path[XENSTORE_ABS_PATH_MAX + 2];
	if (!v->tx)
		return 0;
	int r = xs_node_path(n, path, sizeof(path));
	if (r >= 0)
		r = note_access(v, path, n);
	if (r >= 0)
		r = note_modified(v, path);
	for (unsigned i = 0; r >= 0 && i < n->nchildren; i++)
		r = note_subtree(v, n->children[i]);
	return r < 0 ? r : 0;
}

static int remove_node(struct xs_view *v, uint32_t caller, const char *abs)
{
	struct xs_node *n = NULL;
	int r = get_checked(v, caller, abs, XS_PERM_WRITE, &n);
	if (r == -ENOENT) {
		/* xenstored: removing what isn't there is fine if the parent
		 * is. */
		size_t rest;
		xs_tree_nearest(v->tree, abs, &rest);
		return strchr(abs + rest, '/') ? -ENOENT : 0;
	}
	if (r < 0)
		return r;
	if (!n->parent)
		return -EINVAL; /* the root stays */
	/* The parent's child list changes: it counts as read too. */
	char parent_path[XENSTORE_ABS_PATH_MAX + 2];
	if (xs_node_path(n->parent, parent_path, sizeof(parent_path)) >= 0)
		r = note_access(v, parent_path, n->parent);
	if (r == 0)
		r = note_subtree(v, n);
	if (r < 0)
		return r;
	fire(v, abs, n, true);
	xs_node_remove(v->tree, n);
	return 0;
}

int xs_op_rm(struct xs_view *v, uint32_t caller, const char *path)
{
	char *abs;
	int r = xs_path_canonical(caller, path, false, &abs);
	if (r < 0)
		return r;
	r = remove_node(v, caller, abs);
	free(abs);
	return r;
}

int xs_op_set_perms(struct xs_view *v, uint32_t caller, const char *path,
		    const struct xs_srv_perm *perms, unsigned n)
{
	if (n == 0 || n > XS_TREE_MAX_PERMS)
		return -EINVAL;
	for (unsigned i = 0; i < n; i++)
		if (!xs_perm_char_valid(perms[i].perm))
			return -EINVAL;
	char *abs;
	int r = xs_path_canonical(caller, path, false, &abs);
	if (r < 0)
		return r;
	struct xs_node *node = NULL;
	r = get_checked(v, caller, abs, XS_PERM_WRITE | XS_PERM_OWNER, &node);
	/* A guest may change access but not give its node away. */
	if (r == 0 && caller != 0 && perms[0].domid != node->perms[0].domid)
		r = -EPERM;
	if (r == 0)
		r = xs_node_set_perms(v->tree, node, perms, n);
	if (r == 0)
		r = note_modified(v, abs);
	if (r == 0)
		fire(v, abs, node, false);
	free(abs);
	return r;
}
