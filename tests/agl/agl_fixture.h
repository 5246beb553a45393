/* Shared by the AGL/shell tests: a real Weston (any shell, extra modules),
 * the Xen simulator on the test's loop with one guest that flips a few
 * frames and then holds still, and the shipping vdispld as a child with a
 * settings file the test writes; through the shared fixture
 * (tests/common/vd_fixture.h). */
#ifndef VDISPLD_AGL_FIXTURE_H
#define VDISPLD_AGL_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "vd_fixture.h"

#define AGL_DOMID 3u
#define AGL_MAX_FLIPS 3u
#define AGL_SKIP 77

struct xensim_guest;

struct agl_conn {
	uint32_t width, height;
	const char *unique_id;
};

/* The shared fixture (tests/common/vd_fixture.h) plus the one guest. */
struct agl {
	struct vd_fixture vf;
	struct xensim_guest *guest;
	unsigned n_conns;
};

/* Makes the temp dir and starts Weston with opts. 0, AGL_SKIP (no
 * Weston), or -errno. */
int agl_start_weston(struct agl *a, const struct weston_harness_opts *opts);
/* Starts the simulator with one guest ("agl-guest", AGL_DOMID) with these
 * connectors, drawing AGL_MAX_FLIPS frames on each. */
int agl_start_guest(struct agl *a, const struct agl_conn *conns, unsigned n);
/* agl_start_weston, then agl_start_guest. 0, or what main should return
 * (AGL_SKIP without Weston, else 1) after agl_finish. */
int agl_start_with_guest(struct agl *a, const struct weston_harness_opts *opts,
			 const struct agl_conn *conns, unsigned n);
/* Writes conf_text to <dir>/vdispld.conf and spawns vdispld on it. */
int agl_start_vdispld(struct agl *a, const char *vdispld,
		      const char *conf_text);
/* Same, with extra "KEY=VALUE" entries (NULL-terminated) in its
 * environment. */
int agl_start_vdispld_env(struct agl *a, const char *vdispld,
			  const char *conf_text, const char *const extra[]);
/* Turns the loop until every connector got its AGL_MAX_FLIPS flip events
 * (then the screen holds still). false on time-out (logs dumped). */
bool agl_wait_static(struct agl *a, unsigned timeout_ms);
/* Weston's screenshot into img; -errno (said on stderr) if it failed. */
int agl_screenshot(struct agl *a, struct wh_image *img);
/* Saves a failing test's screenshot as <dir>/shot.png, and says where. */
void agl_keep_shot(struct agl *a, const struct wh_image *img);
/* Counts pixels of connector conn's shown frame that differ from the
 * screenshot at (ox, oy); prints the first few. -1 if out of the image. */
long agl_compare(struct agl *a, const struct wh_image *img, unsigned conn,
		 int ox, int oy);
/* Every pixel in the rectangle equals rgb (XRGB, X ignored)? */
bool agl_rect_is(const struct wh_image *img, int x, int y, int w, int h,
		 uint32_t rgb);
/* Runs argv with the simulator's environment plus extra (may be NULL);
 * stdout+stderr into out_path. Returns the exit code or -errno. */
int agl_run(struct agl *a, const char *const argv[], const char *extra,
	    const char *out_path, unsigned timeout_ms);
/* SIGTERM, keeping the simulator answering; vdispld's exit code, 128+sig,
 * or -ETIMEDOUT (then it was killed). */
int agl_stop_vdispld(struct agl *a);
/* Stops vdispld (SIGTERM), the guest, the simulator, Weston; removes the
 * temp dirs. */
void agl_finish(struct agl *a);

#endif
