/* Shared by the Wayland-resilience tests: a real Weston, the Xen simulator
 * on the test's loop with guests that flip without end (paced by
 * vdispld), and the shipping vdispld as a child on a settings file the
 * test writes (and may rewrite before a SIGHUP). */
#ifndef VDISPLD_WLRES_FIXTURE_H
#define VDISPLD_WLRES_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "drm_front.h"
#include "weston_harness.h"

#define WLRES_SKIP 77
#define WLRES_MAX_GUESTS 2

struct loop;
struct xensim;
struct xensim_guest;

struct wlres_guest {
	uint32_t domid;
	const char *name;
	unsigned n_conns;
	uint32_t width[2], height[2];
	const char *unique_id[2];
};

struct wlres {
	char dir[64]; /* temp dir: config, logs, xen sockets */
	char conf[128], vd_log[128];
	struct weston_harness wh;
	struct weston_harness_opts wo;
	bool wh_started;
	struct loop *loop;
	struct xensim *sim;
	struct xensim_guest *guests[WLRES_MAX_GUESTS];
	struct wlres_guest spec[WLRES_MAX_GUESTS];
	unsigned n_guests;
	pid_t vd;
};

/* Temp dir and Weston. 0, WLRES_SKIP (no Weston) or -errno. */
int wlres_start_weston(struct wlres *w, const struct weston_harness_opts *o);
/* The simulator and these guests, flipping for ever. */
int wlres_start_guests(struct wlres *w, const struct wlres_guest *g,
		       unsigned n);
/* (Re)writes the settings file. */
int wlres_write_conf(struct wlres *w, const char *text);
/* Writes the settings file and spawns vdispld on it. */
int wlres_start_vdispld(struct wlres *w, const char *vdispld,
			const char *conf_text);
void wlres_spin(struct wlres *w, unsigned ms);
/* Guest g's connector c counters. */
void wlres_stats(struct wlres *w, unsigned g, unsigned c,
		 struct drm_front_stats *out);
/* Turns the loop until every connector has at least n flip events. */
bool wlres_wait_flips(struct wlres *w, uint64_t n, unsigned timeout_ms);
/* Every connector: no flip time-out, no flip event out of order. Prints
 * what is wrong. */
bool wlres_flips_clean(struct wlres *w);
/* Still running? */
bool wlres_vdispld_alive(struct wlres *w);
/* The number of times needle occurs in vdispld's log. */
int wlres_log_count(struct wlres *w, const char *needle);
/* Turns the loop until the scene graph has a view whose line contains
 * needle; its geometry in *x..*h. */
bool wlres_wait_view(struct wlres *w, const char *needle, unsigned timeout_ms,
		     int *x, int *y, int *vw, int *vh);
/* Fraction (0..1) of pixels in the rectangle that have guest g's
 * connector c's background colour (the pattern's solid part). */
double wlres_colour_share(struct wlres *w, const struct wh_image *img,
			  unsigned g, unsigned c, int x, int y, int rw, int rh);
void wlres_dump_logs(struct wlres *w);
/* Stops everything, removes temp dirs. */
void wlres_finish(struct wlres *w);
char *wlres_slurp(const char *path);

#endif
