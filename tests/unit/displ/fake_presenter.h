/* A presenter that records what vdispl asks of it. flip_done is only
 * called when a test says so (fake_pres_flip_done), like a compositor
 * that takes its time. */
#ifndef VDISPLD_TEST_FAKE_PRESENTER_H
#define VDISPLD_TEST_FAKE_PRESENTER_H

#include "presenter.h"

#define FAKE_PRES_MAX_CONNS 16

struct pres_fb {
	struct pres_fb_desc desc;
};

struct pres_conn {
	struct pres_conn_info info;
	char unique_id[80];
	const struct pres_conn_listener *listener;
	void *data;
	struct pres_fb *config_fb; /* last set_config (NULL: disabled) */
	uint32_t x, y;
	struct pres_fb *shown;	   /* last show() */
	unsigned set_configs, shows;
	struct pres_fb *pending[64];
	unsigned n_pending;
};

struct fake_presenter {
	struct presenter base;
	unsigned live_fbs, live_conns;
	unsigned fb_creates;
	struct pres_fb_desc last_desc;
	bool fail_fb_create;
	struct pres_conn *conns[FAKE_PRES_MAX_CONNS];
};

void fake_presenter_init(struct fake_presenter *fp);
/* The conn the presenter created for connector index i, or NULL. */
struct pres_conn *fake_pres_conn(struct fake_presenter *fp, unsigned i);
/* Completes the oldest show() on connector i; false if none pending. */
bool fake_pres_flip_done(struct fake_presenter *fp, unsigned i);

#endif
