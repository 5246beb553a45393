/* A fake libxenstore (the xs_* calls src/xen/store.c makes) over an
 * in-memory table, so the fuzzers run the real xstore_* code, including
 * its strict number parser, on values the guest chose. Values are byte
 * strings and may hold NULs, as in the real store. */
#ifndef VDISPLD_FUZZ_XS_H
#define VDISPLD_FUZZ_XS_H

#include <stddef.h>

/* Drops every node. */
void fuzz_xs_reset(void);
/* Creates or replaces path (absolute, no trailing '/'); 0 or -ENOSPC. */
int fuzz_xs_set(const char *path, const void *value, size_t len);
int fuzz_xs_set_str(const char *path, const char *value);
/* NULL if absent. */
const char *fuzz_xs_get(const char *path);

#endif
