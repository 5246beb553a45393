/* End-to-end tests: a real Weston 10 (headless), the Xen simulator on the
 * test's own loop, and the real vdispld binary as a child process, through
 * the shared fixture (vd_fixture.h). Here: e2e's arguments, its counted
 * checks, and what Weston shows (e2e_screen.c). */
#ifndef VDISPLD_E2E_FIXTURE_H
#define VDISPLD_E2E_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vd_fixture.h"

struct xensim_guest;

/* Failures are counted, not fatal, so one run reports everything. */
extern int e2e_failures;
#define E2E_CHECK(cond, ...)                                               \
	do {                                                               \
		if (!(cond)) {                                             \
			e2e_failures++;                                    \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, \
				#cond);                                    \
			fprintf(stderr, __VA_ARGS__);                      \
			fputc('\n', stderr);                               \
		}                                                          \
	} while (0)

struct e2e_args {
	const char *renderer; /* "pixman" or "gl" */
	const char *vdispld;  /* path of the binary under test */
	const char *scenario;
};

/* --renderer=R --vdispld=PATH SCENARIO. 0 or -EINVAL (usage printed). */
int e2e_parse_args(int argc, char **argv, struct e2e_args *out);

struct e2e_opts {
	int width, height; /* Weston's output; default 4096x2304 */
	bool trace;	   /* vdispld --trace */
};

/* The shared fixture (tests/common/vd_fixture.h) with e2e's choices. */
struct e2e {
	struct e2e_args args;
	struct e2e_opts opts;
	struct vd_fixture fx;
};

/* Starts Weston, then the simulator. 0; 77 when the GL renderer cannot
 * start on this machine (why is printed); -errno otherwise. */
int e2e_start(struct e2e *e, const struct e2e_args *args,
	      const struct e2e_opts *opts);
/* One scenario's whole life: start, run, vdispld's clean exit checked,
 * logs dumped on failure, everything destroyed, PASS printed. The exit
 * code of the test program. */
int e2e_main(const struct e2e_args *args, const struct e2e_opts *opts,
	     int (*run)(struct e2e *e));

/* vdispld as a child: the simulator's environment plus Weston's runtime
 * dir; --wayland-display NAME, -v, optionally --trace. 0 or -errno. */
int e2e_vdispld_start(struct e2e *e);
/* Stops vdispld if it runs and checks it exited 0 and that no run's log
 * holds a sanitizer report (failures are counted). */
void e2e_vdispld_check_exit(struct e2e *e);

/* A guest with one vdispl device whose connectors have the given sizes. */
struct xensim_guest *e2e_guest_create(struct e2e *e, uint32_t domid,
				      const char *name, unsigned nconns,
				      const uint32_t sizes[][2], bool be_alloc);

/* ---- what Weston shows ---- */

struct e2e_view {
	char desc[160]; /* the scene graph's "View ..." line */
	int x, y, w, h;
};

/* Views in the scene graph, topmost first (Weston lists layers top to
 * bottom and each layer's views top to bottom). Count or -errno. */
int e2e_views(struct e2e *e, struct e2e_view *views, size_t max);
/* Index of the first view whose line contains needle, or -1. */
int e2e_view_find(const struct e2e_view *views, int n, const char *needle);
/* A screenshot, pumping the loop while weston-screenshooter runs. */
int e2e_screenshot(struct e2e *e, struct wh_image *out);

/* Compares connector conn of guest g, at view index vi, with the pattern
 * of the frame the guest last flipped there. Only pixels no view above vi
 * covers count; fewer than min_visible_pct percent visible is a failure,
 * as is any differing pixel. 0 when pixel-exact, -1 otherwise (the first
 * differences are printed). */
int e2e_check_conn_pixels(struct xensim_guest *g, unsigned conn,
			  const struct wh_image *img,
			  const struct e2e_view *views, int nviews, int vi,
			  int min_visible_pct);
/* The same against the pattern of a given frame. */
int e2e_check_conn_frame(struct xensim_guest *g, unsigned conn,
			 uint64_t frame, const struct wh_image *img,
			 const struct e2e_view *views, int vi,
			 int min_visible_pct);
/* Finds connector conn of g in the scene graph (app_id
 * "vdispl-<domid>-0-<conn>") and checks it as above. */
int e2e_check_guest_pixels(struct e2e *e, struct xensim_guest *g,
			   const struct wh_image *img,
			   const struct e2e_view *views, int nviews);

#endif
