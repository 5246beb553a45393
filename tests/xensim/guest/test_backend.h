/* A tiny test-only vdispl + vkbd backend for one guest, written as any
 * real Dom0 backend would be: stock libxenstore, libxengnttab and
 * libxenevtchn (the drop-ins, through LD_LIBRARY_PATH). Runs in a forked
 * child and never returns. */
#ifndef XENSIM_TEST_BACKEND_H
#define XENSIM_TEST_BACKEND_H

#include <stdint.h>

/* Serves guest domid until killed; the environment must already point at
 * the simulator. Sends `keys` key events once the vkbd is connected. */
void test_backend_run(uint32_t domid, unsigned num_conns, unsigned keys)
	__attribute__((noreturn));

#endif
