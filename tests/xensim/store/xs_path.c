/* Path rules of xenstored: relative paths live under the caller's domain
 * directory; names use [A-Za-z0-9_@/-], no empty components, bounded
 * length. "@..." names only exist for watches. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdint.h> /* xs_wire.h needs it first */
#include <xen/io/xs_wire.h>

#include "xs_internal.h"

bool xs_path_is_special(const char *path)
{
	return path[0] == '@';
}

static bool name_chars_valid(const char *path)
{
	for (const char *p = path; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("/_@-", *p))
			return false;
	return true;
}

static bool abs_path_valid(const char *path)
{
	size_t len = strlen(path);
	if (path[0] != '/' || len > XENSTORE_ABS_PATH_MAX)
		return false;
	if (len > 1 && path[len - 1] == '/')
		return false;
	return !strstr(path, "//") && name_chars_valid(path);
}

int xs_path_canonical(uint32_t caller, const char *path, bool allow_special,
		      char **out)
{
	*out = NULL;
	if (!path[0])
		return -EINVAL;
	if (xs_path_is_special(path)) {
		if (!allow_special || strlen(path) > XENSTORE_REL_PATH_MAX ||
		    !name_chars_valid(path))
			return -EINVAL;
		*out = strdup(path);
		return *out ? 0 : -ENOMEM;
	}
	char *abs;
	if (path[0] == '/') {
		abs = strdup(path);
	} else {
		if (strlen(path) > XENSTORE_REL_PATH_MAX)
			return -EINVAL;
		if (asprintf(&abs, "/local/domain/%u/%s", caller, path) < 0)
			abs = NULL;
	}
	if (!abs)
		return -ENOMEM;
	if (!abs_path_valid(abs)) {
		free(abs);
		return -EINVAL;
	}
	*out = abs;
	return 0;
}

bool xs_path_is_child(const char *path, const char *dir)
{
	if (strcmp(dir, "/") == 0)
		return path[0] == '/';
	size_t len = strlen(dir);
	return strncmp(path, dir, len) == 0 &&
	       (path[len] == '\0' || path[len] == '/');
}
