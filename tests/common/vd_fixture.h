/* The one fixture of every test that runs the shipping vdispld end to end:
 * a compositor (real headless Weston, or the dma-buf test compositor), the
 * Xen simulator on this process's loop, and vdispld as a child process.
 *
 * The simulator's servers (XenStore, grants, event channels) and its guests
 * run on this process's loop, and vdispld calls into them synchronously:
 * while a test waits for anything (a child, a condition, time) it must keep
 * turning the loop, so every wait here pumps it.
 *
 * Layout of the temp dir (/tmp/vdispld-<tag>-XXXXXX): vdispld.conf,
 * vdispld-<run>.log (stdout+stderr of each start), valgrind.log, xen/ (the
 * simulator's sockets). <TAG>_KEEP in the environment keeps it. */
#ifndef VDISPLD_VD_FIXTURE_H
#define VDISPLD_VD_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "tc_harness.h"
#include "weston_harness.h"

struct loop;
struct xensim;
struct xensim_guest;
struct xensim_guest_cfg;
struct drm_front_client_cfg;

#define VD_FIXTURE_SKIP 77

struct vd_fixture_opts {
	/* The dma-buf test compositor's binary and extra flags; NULL: Weston
	 * with `weston`. */
	const char *tc_binary;
	const char *const *tc_args;
	struct weston_harness_opts weston;
	/* 77 (printed why) instead of an error when /usr/bin/weston is
	 * missing, or when the GL renderer does not start here. */
	bool skip_without_weston;
	bool skip_gl_failure;
	/* Leave the simulator to vd_fixture_start_sim (tests that set up the
	 * compositor before deciding on guests). */
	bool defer_sim;
};

struct vd_fixture {
	char tag[16];
	char dir[64];	      /* the temp dir */
	char conf[128];	      /* <dir>/vdispld.conf */
	struct weston_harness wh;
	struct tc_harness tc;
	bool wh_started, tc_started;
	const char *xdg_dir;  /* the compositor's XDG_RUNTIME_DIR ... */
	const char *socket;   /* ... and WAYLAND_DISPLAY */
	struct loop *loop;
	struct xensim *sim;

	pid_t vd;	      /* 0 when not running */
	bool valgrind;	      /* the current run is under valgrind */
	bool vd_exited;	      /* reaped by vd_fixture_vdispld_alive ... */
	int vd_status;	      /* ... with this raw wait status */
	unsigned runs;	      /* vdispld starts so far (one log each) */
	char vd_log[128];     /* the current run's log */
};

/* Makes the temp dir (/tmp/vdispld-<tag>-XXXXXX). 0 or -errno. */
int vd_fixture_create(struct vd_fixture *fx, const char *tag);
/* Starts the compositor, then (unless defer_sim) the simulator. 0,
 * VD_FIXTURE_SKIP (printed why), or -errno (the compositor's log dumped). */
int vd_fixture_start(struct vd_fixture *fx, const struct vd_fixture_opts *o);
/* vd_fixture_create + vd_fixture_start. */
int vd_fixture_setup(struct vd_fixture *fx, const char *tag,
		     const struct vd_fixture_opts *o);
/* The loop and the simulator (sockets in <dir>/xen). 0 or -errno. */
int vd_fixture_start_sim(struct vd_fixture *fx);
/* Stops vdispld if it runs (SIGTERM, 5 s), then destroys the guests, the
 * simulator, the compositor and the temp dir. */
void vd_fixture_destroy(struct vd_fixture *fx);

/* ---- vdispld ---- */

struct vd_spawn {
	const char *vdispld;	    /* the binary */
	const char *conf_text;	    /* written to conf first; NULL: leave it */
	const char *conf_flag;	    /* default "-c" */
	const char *const *args;    /* after "<conf_flag> CONF"; may be NULL */
	const char *const *env;	    /* extra "KEY=VALUE" (last wins) */
	bool runtime_directory;	    /* RUNTIME_DIRECTORY=<dir> */
	bool valgrind;		    /* memcheck, errors exit 99 */
	const char *cwd;	    /* NULL: inherit */
};

/* Writes conf atomically (a reader never sees half a file). 0 or -errno. */
int vd_fixture_write_conf(struct vd_fixture *fx, const char *text);
/* vdispld as a child: the simulator's environment, the compositor's
 * XDG_RUNTIME_DIR and WAYLAND_DISPLAY, then s->env; its output goes to a
 * new vdispld-<run>.log. 0 or -errno. */
int vd_fixture_spawn(struct vd_fixture *fx, const struct vd_spawn *s);
/* SIGTERM, pumping until it exits; SIGKILL after timeout_ms. The raw wait
 * status, -ETIMEDOUT (it was killed), or -ESRCH (none ran). */
int vd_fixture_stop_vdispld(struct vd_fixture *fx, int timeout_ms);
/* Still running? Reaps it (status kept for the stop) when it is not. */
bool vd_fixture_vdispld_alive(struct vd_fixture *fx);
/* Whether a raw status from the stop is a plain exit with code. */
bool vd_exit_is(int status, int code);
/* "exit code N" / "signal N" / an errno text, for messages. */
const char *vd_exit_describe(int status, char *buf, size_t len);
/* No run's log holds a sanitizer report. Prints which one does. */
bool vd_fixture_logs_clean(const struct vd_fixture *fx);

/* ---- other children ---- */

struct vd_env {
	const char *v[32]; /* NULL-terminated */
	char xdg[128], wl[128], rt[128];
};
/* The simulator's variables, the compositor's two, RUNTIME_DIRECTORY if
 * asked, then extra (NULL-terminated, may be NULL). 0 or -ENOSPC. */
int vd_fixture_env(struct vd_fixture *fx, struct vd_env *e,
		   bool runtime_directory, const char *const *extra);
/* Runs argv (env: wh_spawn semantics), pumping until it exits. The raw
 * wait status, or -errno (-ETIMEDOUT: killed). */
int vd_fixture_run(struct vd_fixture *fx, const char *const argv[],
		   const char *const env[], const char *cwd,
		   const char *out_path, int timeout_ms);

/* ---- waits (vd_fixture_wait.c) ---- */

typedef bool (*vd_cond_fn)(void *data);
/* Turns the loop for ms milliseconds. */
void vd_fixture_pump(struct vd_fixture *fx, int ms);
/* One turn without waiting. */
void vd_fixture_poll(struct vd_fixture *fx);
/* Turns the loop until cond(data): true, or false after timeout_ms. */
bool vd_fixture_pump_until(struct vd_fixture *fx, vd_cond_fn cond,
			   void *data, int timeout_ms);
/* Waits for pid while the loop turns. 0 and *status, or -errno. */
int vd_fixture_wait_child(struct vd_fixture *fx, pid_t pid, int timeout_ms,
			  int *status);

/* ---- guests (vd_fixture_wait.c) ---- */

/* Fills cfg for a vdispl guest with nconns connectors of sizes[i];
 * unique ids uids[i], or "<name>-c<i>" when uids is NULL. */
void vd_guest_cfg(struct xensim_guest_cfg *cfg, uint32_t domid,
		  const char *name, unsigned nconns, const uint32_t sizes[][2],
		  const char *const *uids);
/* Creates the guest and, if cc, starts its display client. NULL on
 * failure (printed why). */
struct xensim_guest *vd_fixture_guest(struct vd_fixture *fx,
				      const struct xensim_guest_cfg *cfg,
				      const struct drm_front_client_cfg *cc);
/* Client config: draw the pattern, flip every interval_ms (0: as fast as
 * flip events return), stop after max_flips per connector (0: never). */
void vd_client_cfg(struct drm_front_client_cfg *c, uint32_t interval_ms,
		   uint64_t max_flips);
/* The fewest flip events of any connector of g (0 without a display). */
uint64_t vd_guest_min_flip_events(struct xensim_guest *g);
/* Every connector of g sent max_flips flips and got all their events. */
bool vd_guest_flips_done(struct xensim_guest *g, uint64_t max_flips);
/* Turns the loop until the scene graph has a view whose line contains
 * needle (checked every 100 ms); its geometry in *x..*h. */
bool vd_fixture_wait_view(struct vd_fixture *fx, const char *needle,
			  int timeout_ms, int *x, int *y, int *w, int *h);

/* ---- logs and /proc (vd_fixture_log.c) ---- */

/* A whole file, malloc'ed and NUL-terminated, or NULL. */
char *vd_slurp(const char *path);
/* Whether a line of path contains needle. */
bool vd_file_contains(const char *path, const char *needle);
bool vd_fixture_log_contains(const struct vd_fixture *fx, const char *needle);
/* Lines of the current log that contain needle, or -errno. */
int vd_fixture_log_lines(const struct vd_fixture *fx, const char *needle);
/* Occurrences of needle in the current log (0 without a log). */
int vd_fixture_log_count(const struct vd_fixture *fx, const char *needle);
/* The last lines of the current log to stderr. */
void vd_fixture_dump_log(const struct vd_fixture *fx, unsigned lines);
/* Every run's log, valgrind's, and the compositor's, to stderr. */
void vd_fixture_report(const struct vd_fixture *fx);
/* Open fds of pid (/proc/<pid>/fd), or -errno. */
int vd_proc_fd_count(pid_t pid);
/* VmRSS of pid in KiB, or -1. */
long vd_proc_rss_kb(pid_t pid);

#endif
