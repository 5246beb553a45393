/* Shared by the Wayland-resilience tests: a real Weston, the Xen simulator
 * on the test's loop with guests that flip without end (paced by
 * vdispld), and the shipping vdispld as a child on a settings file the
 * test writes (and may rewrite before a SIGHUP), through the shared
 * fixture (tests/common/vd_fixture.h). */
#ifndef VDISPLD_WLRES_FIXTURE_H
#define VDISPLD_WLRES_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "drm_front.h"
#include "vd_fixture.h"

#define WLRES_SKIP 77
#define WLRES_MAX_GUESTS 2

struct xensim_guest;

struct wlres_guest {
	uint32_t domid;
	const char *name;
	unsigned n_conns;
	uint32_t width[2], height[2];
	const char *unique_id[2];
};

struct wlres {
	struct vd_fixture vf;
	struct weston_harness_opts wo; /* for weston_harness_restart */
	struct xensim_guest *guests[WLRES_MAX_GUESTS];
	struct wlres_guest spec[WLRES_MAX_GUESTS];
	unsigned n_guests;
};

/* A whole test: Weston with wo, the n guests flipping, vdispld on
 * conf_text, then run(w) (its failure count); logs dumped on failure.
 * The test program's exit code (0, 1, or WLRES_SKIP). */
int wlres_main(const char *vdispld, const struct weston_harness_opts *wo,
	       const struct wlres_guest *guests, unsigned n,
	       const char *conf_text, int (*run)(struct wlres *w));
/* Guest g's connector c counters. */
void wlres_stats(struct wlres *w, unsigned g, unsigned c,
		 struct drm_front_stats *out);
/* Turns the loop until every connector has at least n flip events. */
bool wlres_wait_flips(struct wlres *w, uint64_t n, unsigned timeout_ms);
/* Every connector: no flip time-out, no flip event out of order. Prints
 * what is wrong. */
bool wlres_flips_clean(struct wlres *w);
/* Fraction (0..1) of pixels in the rectangle that have guest g's
 * connector c's background colour (the pattern's solid part). */
double wlres_colour_share(struct wlres *w, const struct wh_image *img,
			  unsigned g, unsigned c, int x, int y, int rw, int rh);

#endif
