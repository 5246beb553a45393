/* See fuzz_xs.h. Directories are listed by fake_xs_children (tests/common),
 * as the unit tests' fake XenStore lists them. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <xenstore.h>

#include "fake_xs_children.h"
#include "fuzz_xs.h"

#define MAX_NODES 256u

struct node {
	char *path;
	char *value; /* len bytes + a NUL, as xs_read returns it */
	size_t len;
};

static struct node nodes[MAX_NODES];

struct xs_handle {
	int fd; /* the "watch fd": never readable, but real */
};

void fuzz_xs_reset(void)
{
	for (unsigned i = 0; i < MAX_NODES; i++) {
		free(nodes[i].path);
		free(nodes[i].value);
	}
	memset(nodes, 0, sizeof(nodes));
}

static struct node *find(const char *path)
{
	for (unsigned i = 0; i < MAX_NODES; i++) {
		if (nodes[i].path && strcmp(nodes[i].path, path) == 0)
			return &nodes[i];
	}
	return NULL;
}

int fuzz_xs_set(const char *path, const void *value, size_t len)
{
	struct node *n = find(path);
	char *v = malloc(len + 1);

	if (!v)
		abort();
	memcpy(v, value, len);
	v[len] = '\0';
	for (unsigned i = 0; !n && i < MAX_NODES; i++) {
		if (!nodes[i].path) {
			n = &nodes[i];
			n->path = strdup(path);
			if (!n->path)
				abort();
		}
	}
	if (!n) {
		free(v);
		return -ENOSPC;
	}
	free(n->value);
	n->value = v;
	n->len = len;
	return 0;
}

int fuzz_xs_set_str(const char *path, const char *value)
{
	return fuzz_xs_set(path, value, strlen(value));
}

const char *fuzz_xs_get(const char *path)
{
	struct node *n = find(path);

	return n ? n->value : NULL;
}

struct xs_handle *xs_open(unsigned long flags)
{
	struct xs_handle *h = calloc(1, sizeof(*h));

	(void)flags;
	if (!h)
		return NULL;
	h->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (h->fd < 0) {
		free(h);
		return NULL;
	}
	return h;
}

void xs_close(struct xs_handle *h)
{
	if (!h)
		return;
	close(h->fd);
	free(h);
}

int xs_fileno(struct xs_handle *h)
{
	return h->fd;
}

void *xs_read(struct xs_handle *h, xs_transaction_t t, const char *path,
	      unsigned int *len)
{
	struct node *n = find(path);
	char *v;

	(void)h, (void)t;
	if (!n) {
		errno = ENOENT;
		return NULL;
	}
	v = malloc(n->len + 1);
	if (!v)
		return NULL;
	memcpy(v, n->value, n->len + 1);
	if (len)
		*len = (unsigned)n->len;
	return v;
}

bool xs_write(struct xs_handle *h, xs_transaction_t t, const char *path,
	      const void *data, unsigned int len)
{
	(void)h, (void)t;
	if (fuzz_xs_set(path, data, len) < 0) {
		errno = ENOSPC;
		return false;
	}
	return true;
}

bool xs_rm(struct xs_handle *h, xs_transaction_t t, const char *path)
{
	struct node *n = find(path);

	(void)h, (void)t;
	if (!n) {
		errno = ENOENT;
		return false;
	}
	free(n->path);
	free(n->value);
	memset(n, 0, sizeof(*n));
	return true;
}

char **xs_directory(struct xs_handle *h, xs_transaction_t t, const char *path,
		    unsigned int *num)
{
	const char *paths[MAX_NODES];

	(void)h, (void)t;
	for (unsigned i = 0; i < MAX_NODES; i++)
		paths[i] = nodes[i].path;
	return fake_xs_children(paths, MAX_NODES, path, num);
}

bool xs_watch(struct xs_handle *h, const char *path, const char *token)
{
	(void)h, (void)path, (void)token;
	return true;
}

bool xs_unwatch(struct xs_handle *h, const char *path, const char *token)
{
	(void)h, (void)path, (void)token;
	return true;
}

char **xs_check_watch(struct xs_handle *h)
{
	(void)h;
	errno = EAGAIN;
	return NULL;
}
