/* Node tree: lookup, creation with inherited perms, removal, deep copy. */
#include "xs_tree.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static uint64_t next_gen(struct xs_tree *tree)
{
	return ++*tree->gen_counter;
}

static void node_free(struct xs_node *node)
{
	if (!node)
		return;
	for (unsigned i = 0; i < node->nchildren; i++)
		node_free(node->children[i]);
	free(node->children);
	free(node->name);
	free(node->value);
	free(node->perms);
	free(node);
}

static struct xs_node *node_new(const char *name, size_t len)
{
	struct xs_node *node = calloc(1, sizeof(*node));
	if (!node)
		return NULL;
	node->name = strndup(name, len);
	node->value = strdup("");
	if (!node->name || !node->value) {
		node_free(node);
		return NULL;
	}
	return node;
}

int xs_tree_init(struct xs_tree *tree, uint64_t *gen_counter)
{
	tree->gen_counter = gen_counter;
	tree->root = node_new("", 0);
	if (!tree->root)
		return -ENOMEM;
	const struct xs_srv_perm none0 = {.domid = 0, .perm = 'n'};
	if (xs_node_set_perms(tree, tree->root, &none0, 1) < 0) {
		xs_tree_finish(tree);
		return -ENOMEM;
	}
	return 0;
}

void xs_tree_finish(struct xs_tree *tree)
{
	node_free(tree->root);
	tree->root = NULL;
}

static int children_reserve(struct xs_node *node, unsigned want)
{
	if (want <= node->children_cap)
		return 0;
	unsigned cap = node->children_cap ? node->children_cap * 2 : 4;
	while (cap < want)
		cap *= 2;
	struct xs_node **c = reallocarray(node->children, cap, sizeof(*c));
	if (!c)
		return -ENOMEM;
	node->children = c;
	node->children_cap = cap;
	return 0;
}

static struct xs_node *node_clone(const struct xs_node *src,
				  struct xs_node *parent)
{
	struct xs_node *dst = node_new(src->name, strlen(src->name));
	if (!dst)
		return NULL;
	dst->parent = parent;
	dst->gen = src->gen;
	free(dst->value);
	dst->value = malloc(src->value_len + 1);
	dst->perms = calloc(src->nperms, sizeof(*dst->perms));
	if (!dst->value || !dst->perms ||
	    children_reserve(dst, src->nchildren) < 0) {
		node_free(dst);
		return NULL;
	}
	memcpy(dst->value, src->value, src->value_len + 1);
	dst->value_len = src->value_len;
	memcpy(dst->perms, src->perms, src->nperms * sizeof(*dst->perms));
	dst->nperms = src->nperms;
	for (unsigned i = 0; i < src->nchildren; i++) {
		struct xs_node *c = node_clone(src->children[i], dst);
		if (!c) {
			node_free(dst);
			return NULL;
		}
		dst->children[dst->nchildren++] = c;
	}
	return dst;
}

int xs_tree_clone(struct xs_tree *dst, const struct xs_tree *src)
{
	dst->gen_counter = src->gen_counter;
	dst->root = node_clone(src->root, NULL);
	return dst->root ? 0 : -ENOMEM;
}

static struct xs_node *child_find(const struct xs_node *node, const char *name,
				  size_t len)
{
	for (unsigned i = 0; i < node->nchildren; i++) {
		struct xs_node *c = node->children[i];
		if (strlen(c->name) == len && memcmp(c->name, name, len) == 0)
			return c;
	}
	return NULL;
}

struct xs_node *xs_tree_nearest(const struct xs_tree *tree, const char *path,
				size_t *rest)
{
	struct xs_node *node = tree->root;
	size_t pos = 1; /* skip the leading '/' */
	size_t total = strlen(path);
	while (pos < total) {
		const char *slash = strchr(path + pos, '/');
		size_t len = slash ? (size_t)(slash - (path + pos))
				   : total - pos;
		struct xs_node *c = child_find(node, path + pos, len);
		if (!c)
			break;
		node = c;
		pos += len + (slash ? 1 : 0);
	}
	if (rest)
		*rest = pos < total ? pos : total;
	return node;
}

struct xs_node *xs_tree_lookup(const struct xs_tree *tree, const char *path)
{
	size_t rest;
	struct xs_node *node = xs_tree_nearest(tree, path, &rest);
	return rest == strlen(path) ? node : NULL;
}

struct xs_node *xs_node_add_child(struct xs_tree *tree, struct xs_node *parent,
				  const char *name, size_t len)
{
	if (children_reserve(parent, parent->nchildren + 1) < 0)
		return NULL;
	struct xs_node *node = node_new(name, len);
	if (!node)
		return NULL;
	if (xs_node_set_perms(tree, node, parent->perms, parent->nperms) < 0) {
		node_free(node);
		return NULL;
	}
	node->parent = parent;
	parent->children[parent->nchildren++] = node;
	xs_node_touch(tree, parent);
	return node;
}

void xs_node_remove(struct xs_tree *tree, struct xs_node *node)
{
	struct xs_node *parent = node->parent;
	if (!parent)
		return;
	for (unsigned i = 0; i < parent->nchildren; i++) {
		if (parent->children[i] != node)
			continue;
		memmove(&parent->children[i], &parent->children[i + 1],
			(parent->nchildren - i - 1) * sizeof(node));
		parent->nchildren--;
		break;
	}
	xs_node_touch(tree, parent);
	node_free(node);
}

int xs_node_set_value(struct xs_tree *tree, struct xs_node *node,
		      const char *value, size_t len)
{
	char *copy = malloc(len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, value, len);
	copy[len] = '\0';
	free(node->value);
	node->value = copy;
	node->value_len = len;
	xs_node_touch(tree, node);
	return 0;
}

int xs_node_set_perms(struct xs_tree *tree, struct xs_node *node,
		      const struct xs_srv_perm *perms, unsigned n)
{
	if (n == 0 || n > XS_TREE_MAX_PERMS)
		return -EINVAL;
	struct xs_srv_perm *copy = calloc(n, sizeof(*copy));
	if (!copy)
		return -ENOMEM;
	memcpy(copy, perms, n * sizeof(*copy));
	free(node->perms);
	node->perms = copy;
	node->nperms = n;
	xs_node_touch(tree, node);
	return 0;
}

void xs_node_touch(struct xs_tree *tree, struct xs_node *node)
{
	node->gen = next_gen(tree);
}

/* Builds the path from the root down; recursion depth is bounded by the
 * path length limit. */
static int path_append(const struct xs_node *node, char *buf, size_t size)
{
	if (!node->parent)
		return 0;
	int len = path_append(node->parent, buf, size);
	if (len < 0)
		return len;
	size_t name_len = strlen(node->name);
	if ((size_t)len + 1 + name_len + 1 > size)
		return -E2BIG;
	buf[len] = '/';
	memcpy(buf + len + 1, node->name, name_len + 1);
	return len + 1 + (int)name_len;
}

int xs_node_path(const struct xs_node *node, char *buf, size_t size)
{
	if (size < 2)
		return -E2BIG;
	if (!node->parent) {
		strcpy(buf, "/");
		return 1;
	}
	return path_append(node, buf, size);
}

static unsigned perm_bits(char c)
{
	switch (c) {
	case 'r':
		return XS_PERM_READ;
	case 'w':
		return XS_PERM_WRITE;
	case 'b':
		return XS_PERM_READ | XS_PERM_WRITE;
	default:
		return 0;
	}
}

bool xs_perm_char_valid(char c)
{
	return c == 'n' || c == 'r' || c == 'w' || c == 'b';
}

/* xenstored's rule: the privileged domain and the owner get everything; a
 * later entry naming the caller wins; otherwise the first entry's access
 * applies to everyone. */
unsigned xs_perm_for(const struct xs_srv_perm *perms, unsigned n,
		     uint32_t caller)
{
	const unsigned all = XS_PERM_READ | XS_PERM_WRITE | XS_PERM_OWNER;
	if (caller == 0 || (n > 0 && perms[0].domid == caller))
		return all;
	for (unsigned i = 1; i < n; i++)
		if (perms[i].domid == caller)
			return perm_bits(perms[i].perm);
	return n > 0 ? perm_bits(perms[0].perm) : 0;
}

unsigned xs_node_count(const struct xs_node *node)
{
	unsigned count = 1;
	for (unsigned i = 0; i < node->nchildren; i++)
		count += xs_node_count(node->children[i]);
	return count;
}
