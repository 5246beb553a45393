/* A presenter for the unit tests and the fuzzers that records what vdispl
 * asks of it and checks what it is handed: every fb description must fit
 * the pixels it points at (touched, so ASan or a SIGSEGV notices if not),
 * dma-buf fds must be open, nobody shows, configures or destroys an fb or
 * conn that is not live, nor destroys an fb a connector still shows. A
 * broken contract is an abort(). flip_done comes when the test says
 * (fake_pres_flip_done), like a compositor that takes its time, or from
 * inside show() when sync_flips is set (vdispl must cope with both). */
#ifndef VDISPLD_TEST_FAKE_PRESENTER_H
#define VDISPLD_TEST_FAKE_PRESENTER_H

#include <stdbool.h>

#include "presenter.h"

#define FAKE_PRES_MAX_CONNS 16u
#define FAKE_PRES_MAX_PENDING 64u

struct pres_fb {
	struct pres_fb_desc desc;
};

struct pres_conn {
	struct pres_conn_info info;
	char unique_id[80];
	const struct pres_conn_listener *listener;
	void *data;
	struct pres_fb *config_fb; /* last set_config or show (NULL: off) */
	uint32_t x, y;
	struct pres_fb *shown;	   /* last show() */
	unsigned set_configs, shows;
	/* Shown, flip not done yet; NULL where the fb was destroyed since
	 * (flip_done passes the pointer only as a token). */
	struct pres_fb *pending[FAKE_PRES_MAX_PENDING];
	unsigned n_pending;
};

struct fake_presenter {
	struct presenter base;
	unsigned live_fbs, live_conns;
	unsigned fb_creates;
	struct pres_fb_desc last_desc;
	bool sync_flips;     /* flip_done from inside show() */
	bool fail_fb_create; /* fb_create returns NULL */
	bool fail_show;	     /* conn_show returns -1 */
	struct pres_conn *conns[FAKE_PRES_MAX_CONNS];
};

void fake_presenter_init(struct fake_presenter *fp);
/* The conn the presenter created for connector index i, or NULL. */
struct pres_conn *fake_pres_conn(struct fake_presenter *fp, unsigned i);
/* Completes the oldest show() on connector i; false if none pending. */
bool fake_pres_flip_done(struct fake_presenter *fp, unsigned i);
/* Shows on connector i whose flip is not done yet. */
unsigned fake_pres_pending(struct fake_presenter *fp, unsigned i);

#endif
