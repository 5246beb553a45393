/* A tiny in-memory XenStore for the unit tests, linked in place of
 * src/xen/store.c (the xstore_* calls the code under test makes). The
 * fuzzers instead run the real store.c over a fake libxenstore
 * (tests/fuzz/fuzz_xs.h). */
#ifndef VDISPLD_TEST_FAKE_XSTORE_H
#define VDISPLD_TEST_FAKE_XSTORE_H

struct xstore;

/* The handle to pass as the code's struct xstore *. */
struct xstore *fake_xs(void);
/* Drops every node. */
void fake_xs_reset(void);
/* Creates or replaces path; aborts when the table is full. */
void fake_xs_write(const char *path, const char *value);
/* NULL if absent. */
const char *fake_xs_get(const char *path);

#endif
