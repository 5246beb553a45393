/* A directory listing over a flat table of paths, for the two fake
 * XenStores (tests/common/fake_xstore.c, tests/fuzz/fuzz_xs.c). */
#ifndef VDISPLD_TEST_FAKE_XS_CHILDREN_H
#define VDISPLD_TEST_FAKE_XS_CHILDREN_H

/* The distinct first components below dir among paths[0..n) (NULL
 * entries are free slots), as xenstored lists them: one malloc holding
 * the array and the strings, as libxenstore returns it. NULL when there
 * are none (errno ENOENT, *num 0) or no memory. */
char **fake_xs_children(const char *const *paths, unsigned n,
			const char *dir, unsigned *num);

#endif
