/* A presenter for the fuzzers that checks what vdispl hands it: every fb
 * description must fit the pixels it points at (touched, so ASan or a
 * SIGSEGV notices if not), dma-buf fds must be open, nobody shows or
 * destroys an fb or conn that is not live. flip_done comes when the
 * fuzzer says, or from inside show() when sync_flips is set (vdispl must
 * cope with both). */
#ifndef VDISPLD_FUZZ_PRESENTER_H
#define VDISPLD_FUZZ_PRESENTER_H

#include <stdbool.h>

#include "presenter.h"

#define FUZZ_PRES_MAX_CONNS 16u
#define FUZZ_PRES_MAX_PENDING 64u

struct fuzz_presenter {
	struct presenter base;
	unsigned live_fbs, live_conns;
	bool sync_flips;
	bool fail_fb_create, fail_show;
	struct pres_conn *conns[FUZZ_PRES_MAX_CONNS];
};

void fuzz_presenter_init(struct fuzz_presenter *fp);
/* Completes the oldest show() on connector i; false if none pending. */
bool fuzz_pres_flip_done(struct fuzz_presenter *fp, unsigned i);
unsigned fuzz_pres_pending(struct fuzz_presenter *fp, unsigned i);

#endif
