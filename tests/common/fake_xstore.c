/* See fake_xstore.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_xs_children.h"
#include "fake_xstore.h"
#include "xen_store.h"

#define MAX_KEYS 256u

static char *keys[MAX_KEYS], *vals[MAX_KEYS];

struct xstore *fake_xs(void)
{
	static int token;

	return (struct xstore *)&token;
}

void fake_xs_reset(void)
{
	for (unsigned i = 0; i < MAX_KEYS; i++) {
		free(keys[i]);
		free(vals[i]);
		keys[i] = vals[i] = NULL;
	}
}

static int key_index(const char *path)
{
	for (unsigned i = 0; i < MAX_KEYS; i++) {
		if (keys[i] && strcmp(keys[i], path) == 0)
			return (int)i;
	}
	return -1;
}

void fake_xs_write(const char *path, const char *value)
{
	int i = key_index(path);

	if (i < 0) {
		for (i = 0; i < (int)MAX_KEYS && keys[i]; i++)
			;
		if (i == (int)MAX_KEYS)
			abort();
		keys[i] = strdup(path);
	}
	free(vals[i]);
	vals[i] = strdup(value);
}

const char *fake_xs_get(const char *path)
{
	int i = key_index(path);

	return i < 0 ? NULL : vals[i];
}

char *xstore_read(struct xstore *xs, const char *path)
{
	const char *v = fake_xs_get(path);

	(void)xs;
	if (!v) {
		errno = ENOENT;
		return NULL;
	}
	return strdup(v);
}

char *xstore_read_at(struct xstore *xs, const char *dir, const char *node)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, node);
	return xstore_read(xs, path);
}

int xstore_read_uint(struct xstore *xs, const char *dir, const char *node,
		     uint64_t min, uint64_t max, uint64_t *out)
{
	char *s = xstore_read_at(xs, dir, node), *end;
	unsigned long long v;

	if (!s)
		return -ENOENT;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end || errno || v < min || v > max) {
		free(s);
		return -EINVAL;
	}
	free(s);
	*out = v;
	return 0;
}

int xstore_write_at(struct xstore *xs, const char *dir, const char *node,
		    const char *value)
{
	char path[512];

	(void)xs;
	snprintf(path, sizeof(path), "%s/%s", dir, node);
	fake_xs_write(path, value);
	return 0;
}

char **xstore_directory(struct xstore *xs, const char *path, unsigned *num)
{
	(void)xs;
	return fake_xs_children((const char *const *)keys, MAX_KEYS, path, num);
}

/* Our domain's id: the fake tree's "/domid", Dom0 without one (as the
 * real one assumes). */
int xstore_own_domid(struct xstore *xs)
{
	uint64_t domid;

	return xstore_read_uint(xs, "", "domid", 0, 0x7fef, &domid) == 0
		       ? (int)domid
		       : 0;
}
