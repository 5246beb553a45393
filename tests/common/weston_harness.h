/* A real Weston 10 (headless backend) for tests: a private runtime dir, a
 * generated weston.ini, exact readiness through systemd-notify, screenshots
 * decoded to pixels, the scene graph for window positions, and helpers to
 * run child processes (clients, vdispld) with their own environment. */
#ifndef VDISPLD_WESTON_HARNESS_H
#define VDISPLD_WESTON_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct weston_harness_opts {
	const char *renderer;	/* "pixman" (default) or "gl" */
	const char *shell;	/* default "desktop-shell.so"; "kiosk-shell.so",
				 * "ivi-shell.so", "fullscreen-shell.so" */
	const char *modules;	/* extra --modules (comma list; absolute paths work) */
	const char *extra_ini;	/* appended verbatim to weston.ini */
	int width, height;	/* output size; default 1024x768 */
	int ready_timeout_ms;	/* default 5000 */
};

struct weston_harness {
	char dir[64];	      /* private XDG_RUNTIME_DIR (mode 0700) */
	char socket[64];      /* WAYLAND_DISPLAY name inside dir */
	char log_path[128];   /* Weston's stdout+stderr */
	pid_t pid;	      /* 0 once stopped */
	int width, height;
};

/* Starts Weston and waits for READY=1. 0, or -errno (-ETIMEDOUT, -ECHILD
 * when Weston exited early: see the log via weston_harness_dump_log). */
int weston_harness_start(struct weston_harness *h,
			 const struct weston_harness_opts *opts);
/* SIGTERM, then waits (SIGKILL after 5 s). Returns Weston's exit status
 * (0 on a clean exit), or -errno. Keeps the directory. */
int weston_harness_stop(struct weston_harness *h);
/* Stops Weston (if it runs) and starts it again in the same runtime dir
 * on the same socket name (a compositor restart, as clients see it),
 * with opts (NULL: defaults). The log file is appended to. 0 or -errno. */
int weston_harness_restart(struct weston_harness *h,
			   const struct weston_harness_opts *opts);
/* Stops Weston if it runs and removes the temp directory. */
void weston_harness_destroy(struct weston_harness *h);
/* Points this process's XDG_RUNTIME_DIR / WAYLAND_DISPLAY at Weston. */
void weston_harness_setenv(const struct weston_harness *h);
/* Copies Weston's log to stderr (for failing tests). */
void weston_harness_dump_log(const struct weston_harness *h);

/* A screenshot: XRGB8888 pixels (X = 0xff), row-major, no padding. */
struct wh_image {
	int width, height;
	uint32_t *pixels;
};

static inline uint32_t wh_image_at(const struct wh_image *img, int x, int y)
{
	return img->pixels[(size_t)y * (size_t)img->width + (size_t)x];
}

/* Runs weston-screenshooter (Weston needs --debug, which the harness
 * passes) and decodes its PNG. 0 or -errno. */
int weston_harness_screenshot(struct weston_harness *h, struct wh_image *out);
int wh_image_load_png(const char *path, struct wh_image *out);
int wh_image_save_png(const struct wh_image *img, const char *path);
void wh_image_free(struct wh_image *img);
/* Finds the first place where the w x h pattern (XRGB, stride in pixels;
 * the X byte is ignored) appears exactly. true and *x, *y when found. */
bool wh_image_find(const struct wh_image *img, const uint32_t *pattern,
		   int w, int h, int stride, int *x, int *y);

/* `weston-debug scene-graph` output, malloc'ed, NUL-terminated. */
int weston_harness_scene_graph(struct weston_harness *h, char **text);
/* Position and size of the first view whose description line contains
 * needle (e.g. an app_id or title). 0, -ENOENT, or -errno. */
int weston_harness_find_view(struct weston_harness *h, const char *needle,
			     int *x, int *y, int *w, int *hgt);

/* Children. env: extra "KEY=VALUE" entries (NULL-terminated, may be NULL)
 * on top of this process's environment; "KEY=" alone unsets KEY.
 * out_path: stdout+stderr go there (NULL: inherit). The child dies with
 * the test (PR_SET_PDEATHSIG). Returns the pid or -errno. */
pid_t wh_spawn(const char *const argv[], const char *const env[],
	       const char *cwd, const char *out_path);
/* Waits up to timeout_ms (-1: for ever). Returns 0 and *status (raw wait
 * status), -ETIMEDOUT, or -errno. */
int wh_wait(pid_t pid, int timeout_ms, int *status);
/* Sends sig, waits up to timeout_ms, then SIGKILLs and reaps. Returns the
 * raw wait status or -errno. */
int wh_kill(pid_t pid, int sig, int timeout_ms);
/* Makes a private temp dir (mode 0700) from a mkdtemp template, and
 * removes a directory tree. */
int wh_mkdtemp(char *tmpl);
int wh_rm_rf(const char *path);

#endif
