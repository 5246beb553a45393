/* Runs vdispld-test-compositor for a test: a private XDG_RUNTIME_DIR, the
 * report file and dump dir inside it, readiness from its READY line, and
 * helpers to wait for report lines and pick their fields. Other test areas
 * may link tc_harness (path of the binary: ${VDISPLD_TEST_COMPOSITOR}). */
#ifndef VDISPLD_TC_HARNESS_H
#define VDISPLD_TC_HARNESS_H

#include <stddef.h>
#include <sys/types.h>

struct tc_harness {
	char dir[64];		/* private XDG_RUNTIME_DIR (mode 0700) */
	char socket[16];	/* WAYLAND_DISPLAY name inside dir */
	char report[96];	/* the compositor's --report file */
	char dump_dir[96];	/* its --dump-dir */
	char log[96];		/* its stderr */
	pid_t pid;		/* 0 once stopped */
};

/* Starts binary with extra_args (NULL-terminated, may be NULL) after the
 * harness's own flags; waits for READY. 0, or -errno (-ETIMEDOUT,
 * -ECHILD when it exited early). */
int tc_harness_start(struct tc_harness *h, const char *binary,
		     const char *const extra_args[]);
/* SIGTERM and wait (SIGKILL after 5 s): the exit status as wait() gives
 * it, or -errno. */
int tc_harness_stop(struct tc_harness *h);
/* Stops it if running and removes the directory. */
void tc_harness_destroy(struct tc_harness *h);
/* XDG_RUNTIME_DIR and WAYLAND_DISPLAY of this process point at it. */
void tc_harness_setenv(const struct tc_harness *h);
void tc_harness_dump_log(const struct tc_harness *h);

/* Waits until the report holds at least nth (1-based) lines that start
 * with prefix; copies the nth into line. 0, -ETIMEDOUT, or -errno. */
int tc_harness_wait_line(const struct tc_harness *h, const char *prefix,
			 int nth, char *line, size_t len, int timeout_ms);
/* Lines starting with prefix in the report now. */
int tc_harness_count_lines(const struct tc_harness *h, const char *prefix);
/* Value of " key=" in a report line. 0 or -ENOENT. */
int tc_line_field(const char *line, const char *key, char *out, size_t len);

#endif
