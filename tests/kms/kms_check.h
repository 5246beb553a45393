/* What kms_check's two runs share: guest connectors drawn with
 * kms_pattern, shown and flipped the way displ does. */
#ifndef KMS_CHECK_H
#define KMS_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "kms_presenter.h"

struct loop;

struct tconn {
	const char *name, *output;
	uint32_t w, h;
	enum kms_fit fit; /* on a mode not of its size (0: centred) */
	uint8_t *pixels[2];
	struct pres_fb *fb[2];
	struct pres_conn *conn;
	unsigned shown, done, bad_order;
	struct pres_fb *queue[4];
};

/* ts[idx]'s two frames and its connector (index idx). */
int tconn_init(struct presenter *p, struct tconn *t, unsigned idx);
/* Its connector, fbs and pixels gone. */
void tconn_finish(struct presenter *p, struct tconn *t);
/* kms_presenter lookup: ts[index].output. */
void tconn_lookup(void *data, const struct pres_conn_info *info,
		  struct kms_presenter_conn_opts *opts);
void pump_ms(struct loop *loop, unsigned ms);
/* One flip of frame on ts[first..first+count), waiting (2 s at most) for
 * every answer as a guest does; true when all came. */
bool flip_once(struct loop *loop, struct presenter *p, struct tconn *ts,
	       unsigned first, unsigned count, unsigned frame);
/* n flips, alternating the frames; the last shown is frame 1. */
void flip_n(struct loop *loop, struct presenter *p, struct tconn *ts,
	    unsigned first, unsigned count, unsigned n);

/* The lease run (kms_check_lease.c); the exit code. */
int kms_check_lease(int drm_fd, const char *lease_socket, unsigned hold_ms,
		    unsigned flips);

#endif
