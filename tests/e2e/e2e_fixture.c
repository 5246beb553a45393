/* End-to-end fixture: Weston, the in-process simulator, vdispld as a child,
 * and waits that keep the simulator's loop turning. */
#include "e2e_fixture.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drm_front.h"
#include "log.h"
#include "loop.h"
#include "toolstack.h"
#include "xensim.h"

int e2e_failures;

int e2e_parse_args(int argc, char **argv, struct e2e_args *out)
{
	*out = (struct e2e_args){.renderer = "pixman"};
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--renderer=", 11))
			out->renderer = argv[i] + 11;
		else if (!strncmp(argv[i], "--vdispld=", 10))
			out->vdispld = argv[i] + 10;
		else if (argv[i][0] != '-' && !out->scenario)
			out->scenario = argv[i];
		else
			out->scenario = NULL, i = argc;
	}
	if (!out->vdispld || !out->scenario ||
	    (strcmp(out->renderer, "pixman") && strcmp(out->renderer, "gl"))) {
		fprintf(stderr, "usage: %s --vdispld=PATH [--renderer=pixman|gl] "
				"SCENARIO\n", argv[0]);
		return -EINVAL;
	}
	return 0;
}

void e2e_pump(struct e2e *e, int ms)
{
	uint64_t end = loop_now_ns() + (uint64_t)ms * 1000000u;
	for (uint64_t now; (now = loop_now_ns()) < end;) {
		uint64_t left = (end - now) / 1000000u;
		loop_dispatch(e->loop, left > 50 ? 50 : (int)left + 1);
	}
}

bool e2e_pump_until(struct e2e *e, e2e_cond_fn cond, void *data,
		    int timeout_ms)
{
	uint64_t end = loop_now_ns() + (uint64_t)timeout_ms * 1000000u;
	while (!cond(data)) {
		if (loop_now_ns() >= end)
			return false;
		loop_dispatch(e->loop, 20);
	}
	return true;
}

/* Waits for a child while the loop turns: vdispld may be inside a
 * synchronous call to the simulator right now. */
static int wait_child_pumping(struct e2e *e, pid_t pid, int timeout_ms,
			      int *status)
{
	uint64_t end = loop_now_ns() + (uint64_t)timeout_ms * 1000000u;
	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (loop_now_ns() >= end)
			return -ETIMEDOUT;
		loop_dispatch(e->loop, 5);
	}
}

int e2e_run(struct e2e *e, const char *const argv[], const char *const env[],
	    const char *cwd, const char *out_path, int timeout_ms)
{
	pid_t pid = wh_spawn(argv, env, cwd, out_path);
	if (pid < 0)
		return pid;
	int status = 0;
	int r = wait_child_pumping(e, pid, timeout_ms, &status);
	if (r == -ETIMEDOUT) {
		kill(pid, SIGKILL);
		wait_child_pumping(e, pid, 5000, &status);
	}
	return r < 0 ? r : status;
}

static int start_weston(struct e2e *e)
{
	struct weston_harness_opts wo = {
		.renderer = e->args.renderer,
		.width = e->opts.width,
		.height = e->opts.height,
	};
	int r = weston_harness_start(&e->wh, &wo);
	if (r == 0) {
		e->weston_up = true;
		return 0;
	}
	if (!strcmp(e->args.renderer, "gl")) {
		/* A machine without a usable EGL/llvmpipe: say so and skip. */
		weston_harness_dump_log(&e->wh);
		printf("SKIP: Weston with --use-gl does not start here (%s)\n",
		       strerror(-r));
		return 77;
	}
	weston_harness_dump_log(&e->wh);
	fprintf(stderr, "weston did not start: %s\n", strerror(-r));
	return r;
}

int e2e_start(struct e2e *e, const struct e2e_args *args,
	      const struct e2e_opts *opts)
{
	memset(e, 0, sizeof(*e));
	e->args = *args;
	e->opts = *opts;
	if (!e->opts.width)
		e->opts.width = 4096, e->opts.height = 2304;
	log_init(getenv("E2E_DEBUG") ? LOG_LVL_DEBUG : LOG_LVL_WARN, "e2e");
	signal(SIGPIPE, SIG_IGN);
	snprintf(e->dir, sizeof(e->dir), "/tmp/vdispld-e2e.XXXXXX");
	int r = wh_mkdtemp(e->dir);
	if (r < 0) {
		e->dir[0] = '\0';
		return r;
	}
	r = start_weston(e);
	if (r != 0)
		return r;
	e->loop = loop_create();
	if (!e->loop)
		return -ENOMEM;
	e->sim = xensim_create(e->loop, e->dir);
	if (!e->sim) {
		r = -errno;
		fprintf(stderr, "xensim_create: %s\n", strerror(errno));
		return r;
	}
	char conf[128];
	snprintf(conf, sizeof(conf), "%s/vdispld.conf", e->dir);
	FILE *f = fopen(conf, "w");
	if (!f)
		return -errno;
	fputs("# e2e: built-in defaults only\n", f);
	return fclose(f) == 0 ? 0 : -errno;
}

int e2e_vdispld_start(struct e2e *e)
{
	if (e->vdispld)
		return -EALREADY;
	const char *xenv[3];
	if (xensim_env(e->sim, xenv, 3) != 3)
		return -ENOSPC;
	char rt[128], conf[128];
	snprintf(rt, sizeof(rt), "XDG_RUNTIME_DIR=%s", e->wh.dir);
	snprintf(conf, sizeof(conf), "%s/vdispld.conf", e->dir);
	const char *env[] = {xenv[0], xenv[1], xenv[2], rt,
			     "WAYLAND_DISPLAY=", NULL};
	const char *argv[] = {e->args.vdispld, "--config", conf,
			      "--wayland-display", e->wh.socket, "-v",
			      e->opts.trace ? "--trace" : NULL, NULL};
	e->runs++;
	snprintf(e->log_path, sizeof(e->log_path), "%s/vdispld-%u.log",
		 e->dir, e->runs);
	pid_t pid = wh_spawn(argv, env, e->dir, e->log_path);
	if (pid < 0)
		return pid;
	e->vdispld = pid;
	return 0;
}

int e2e_vdispld_stop(struct e2e *e, int timeout_ms)
{
	if (!e->vdispld)
		return -ESRCH;
	int status = 0;
	kill(e->vdispld, SIGTERM);
	int r = wait_child_pumping(e, e->vdispld, timeout_ms, &status);
	if (r == -ETIMEDOUT) {
		fprintf(stderr, "vdispld ignored SIGTERM for %d ms\n", timeout_ms);
		kill(e->vdispld, SIGKILL);
		r = wait_child_pumping(e, e->vdispld, 5000, &status);
		if (r == 0)
			r = -ETIMEDOUT;
	}
	e->vdispld = 0;
	return r < 0 ? r : status;
}

static bool file_contains(const char *path, const char *needle)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	char line[1024];
	bool found = false;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, needle) != NULL;
	fclose(f);
	return found;
}

void e2e_vdispld_check_exit(struct e2e *e)
{
	if (e->vdispld) {
		int st = e2e_vdispld_stop(e, 10000);
		E2E_CHECK(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
			  "vdispld's exit status %#x", st);
	}
	for (unsigned i = 1; i <= e->runs; i++) {
		char path[128];
		snprintf(path, sizeof(path), "%s/vdispld-%u.log", e->dir, i);
		E2E_CHECK(!file_contains(path, "Sanitizer") &&
			  !file_contains(path, "runtime error:"),
			  "sanitizer report in %s", path);
	}
}

int e2e_vdispld_fd_count(const struct e2e *e)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)e->vdispld);
	DIR *d = opendir(path);
	if (!d)
		return -errno;
	int n = 0;
	for (struct dirent *de; (de = readdir(d));)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

bool e2e_log_contains(const struct e2e *e, const char *needle)
{
	return file_contains(e->log_path, needle);
}

static void dump_file(const char *title, const char *path, int max_lines)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	int total = 0;
	char line[1024];
	while (fgets(line, sizeof(line), f))
		total++;
	rewind(f);
	fprintf(stderr, "---- %s (%s), last %d of %d lines ----\n", title, path,
		max_lines, total);
	for (int i = 0; fgets(line, sizeof(line), f); i++)
		if (i >= total - max_lines)
			fputs(line, stderr);
	fclose(f);
}

void e2e_report(struct e2e *e)
{
	if (!e2e_failures)
		return;
	for (unsigned i = 1; i <= e->runs; i++) {
		char path[128];
		snprintf(path, sizeof(path), "%s/vdispld-%u.log", e->dir, i);
		dump_file("vdispld log", path, 60);
	}
	dump_file("weston log", e->wh.log_path, 30);
}

void e2e_destroy(struct e2e *e)
{
	if (e->vdispld)
		e2e_vdispld_stop(e, 5000);
	if (e->sim)
		xensim_destroy(e->sim);
	if (e->loop)
		loop_destroy(e->loop);
	if (e->weston_up || e->wh.dir[0])
		weston_harness_destroy(&e->wh);
	if (e->dir[0])
		wh_rm_rf(e->dir);
	memset(e, 0, sizeof(*e));
}

struct xensim_guest *e2e_guest_create(struct e2e *e, uint32_t domid,
				      const char *name, unsigned nconns,
				      const uint32_t sizes[][2], bool be_alloc)
{
	struct xensim_guest_cfg cfg = {
		.domid = domid,
		.vdispl = true,
		.be_alloc = be_alloc,
		.num_conns = nconns,
	};
	snprintf(cfg.name, sizeof(cfg.name), "%s", name);
	for (unsigned i = 0; i < nconns && i < XENSIM_MAX_CONNECTORS; i++) {
		cfg.conns[i].width = sizes[i][0];
		cfg.conns[i].height = sizes[i][1];
		snprintf(cfg.conns[i].unique_id, sizeof(cfg.conns[i].unique_id),
			 "%s-c%u", name, i);
	}
	struct xensim_guest *g = xensim_guest_create(e->sim, &cfg);
	if (!g)
		fprintf(stderr, "creating guest %s (dom%u): %s\n", name, domid,
			strerror(errno));
	return g;
}

void e2e_client_cfg(struct drm_front_client_cfg *c, uint32_t interval_ms,
		    uint64_t max_flips)
{
	*c = (struct drm_front_client_cfg){
		.draw = true,
		.force_be_alloc = -1,
		.flip_interval_ms = interval_ms,
		.max_flips = max_flips,
	};
}

bool e2e_guest_flips_done(struct xensim_guest *g, uint64_t max_flips)
{
	struct drm_front *f = xensim_guest_drm(g);
	if (!f)
		return false;
	unsigned n = drm_front_num_conns(f);
	for (unsigned i = 0; i < n; i++) {
		struct drm_front_stats s;
		drm_front_get_stats(f, i, &s);
		if (s.flips_sent < max_flips || s.flip_events + s.flip_timeouts < s.flips_sent)
			return false;
	}
	return n > 0;
}
