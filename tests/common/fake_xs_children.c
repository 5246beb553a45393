/* See fake_xs_children.h. */
#include "fake_xs_children.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CHILDREN 1024u

char **fake_xs_children(const char *const *paths, unsigned n,
			const char *dir, unsigned *num)
{
	size_t dlen = strlen(dir), total = 0;
	const char *names[MAX_CHILDREN];
	size_t lens[MAX_CHILDREN];
	unsigned found = 0;
	char **out, *str;

	for (unsigned i = 0; i < n; i++) {
		const char *k = paths[i], *child, *slash;
		size_t len;
		bool dup = false;

		if (!k || strncmp(k, dir, dlen) != 0 || k[dlen] != '/')
			continue;
		child = k + dlen + 1;
		slash = strchr(child, '/');
		len = slash ? (size_t)(slash - child) : strlen(child);
		for (unsigned j = 0; j < found && !dup; j++)
			dup = lens[j] == len && !strncmp(names[j], child, len);
		if (!dup) {
			if (found == MAX_CHILDREN)
				abort(); /* a bigger table than any test's */
			names[found] = child;
			lens[found++] = len;
			total += len + 1;
		}
	}
	*num = found;
	if (found == 0) {
		errno = ENOENT;
		return NULL;
	}
	out = malloc(found * sizeof(char *) + total);
	if (!out)
		return NULL;
	str = (char *)(out + found);
	for (unsigned j = 0; j < found; j++) {
		memcpy(str, names[j], lens[j]);
		str[lens[j]] = '\0';
		out[j] = str;
		str += lens[j] + 1;
	}
	return out;
}
