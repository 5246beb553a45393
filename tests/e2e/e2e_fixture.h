/* End-to-end fixture: a real Weston 10 (headless), the Xen simulator on
 * the test's own loop, and the real vdispld binary as a child process.
 *
 * The simulator's servers (XenStore, grants, event channels) and its guests
 * run on this process's loop, and vdispld calls into them synchronously:
 * while the test waits for anything (a child, a screenshot, a condition) it
 * must keep turning the loop, so every wait here pumps it. */
#ifndef VDISPLD_E2E_FIXTURE_H
#define VDISPLD_E2E_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "weston_harness.h"

struct loop;
struct xensim;
struct xensim_guest;
struct drm_front;
struct drm_front_client_cfg;

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

struct e2e {
	struct e2e_args args;
	struct e2e_opts opts;
	struct loop *loop;
	char dir[64]; /* simulator sockets and logs */
	struct xensim *sim;
	struct weston_harness wh;
	bool weston_up;
	pid_t vdispld;	 /* 0 when not running */
	unsigned runs;	 /* vdispld starts so far (log file per run) */
	char log_path[128]; /* the current run's stdout+stderr */
};

/* Starts Weston, then the simulator. 0; 77 when the GL renderer cannot
 * start on this machine (why is printed); -errno otherwise. */
int e2e_start(struct e2e *e, const struct e2e_args *args,
	      const struct e2e_opts *opts);
/* Kills what still runs, removes every temp dir. */
void e2e_destroy(struct e2e *e);
/* Dumps vdispld's and Weston's logs to stderr when the test failed. */
void e2e_report(struct e2e *e);

/* vdispld as a child: the simulator's environment plus Weston's runtime
 * dir; --wayland-display NAME, -v, optionally --trace. 0 or -errno. */
int e2e_vdispld_start(struct e2e *e);
/* SIGTERM, pumping the loop until it exits (SIGKILL after timeout_ms).
 * Returns the raw wait status or -errno. */
int e2e_vdispld_stop(struct e2e *e, int timeout_ms);
/* Stops vdispld if it runs and checks it exited 0 and that no run's log
 * holds a sanitizer report (failures are counted). */
void e2e_vdispld_check_exit(struct e2e *e);
/* Open fds of the running vdispld (/proc/<pid>/fd), or -errno. */
int e2e_vdispld_fd_count(const struct e2e *e);
/* Whether vdispld's current log contains needle. */
bool e2e_log_contains(const struct e2e *e, const char *needle);

/* Turns the loop for ms milliseconds. */
void e2e_pump(struct e2e *e, int ms);
typedef bool (*e2e_cond_fn)(void *data);
/* Turns the loop until cond(data) holds: true, or false after timeout_ms. */
bool e2e_pump_until(struct e2e *e, e2e_cond_fn cond, void *data,
		    int timeout_ms);
/* Runs argv with env (wh_spawn semantics), pumping until it exits. Raw
 * wait status, or -errno (-ETIMEDOUT: killed). */
int e2e_run(struct e2e *e, const char *const argv[], const char *const env[],
	    const char *cwd, const char *out_path, int timeout_ms);

/* A guest with one vdispl device whose connectors have the given sizes. */
struct xensim_guest *e2e_guest_create(struct e2e *e, uint32_t domid,
				      const char *name, unsigned nconns,
				      const uint32_t sizes[][2], bool be_alloc);
/* Client config: draw the pattern, flip at interval_ms, stop after
 * max_flips per connector (0: never). */
void e2e_client_cfg(struct drm_front_client_cfg *c, uint32_t interval_ms,
		    uint64_t max_flips);
/* Whether every connector of g sent max_flips flips and got all events. */
bool e2e_guest_flips_done(struct xensim_guest *g, uint64_t max_flips);

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
/* Finds connector conn of g in the scene graph (app_id
 * "vdispl-<domid>-0-<conn>") and checks it as above. */
int e2e_check_guest_pixels(struct e2e *e, struct xensim_guest *g,
			   const struct wh_image *img,
			   const struct e2e_view *views, int nviews);

#endif
