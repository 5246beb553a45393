/* See vd_fixture.h: the temp dir, the compositor, the simulator, and
 * vdispld's life as a child. */
#include "vd_fixture.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "loop.h"
#include "toolstack.h"
#include "xensim.h"

int vd_fixture_create(struct vd_fixture *fx, const char *tag)
{
	memset(fx, 0, sizeof(*fx));
	snprintf(fx->tag, sizeof(fx->tag), "%s", tag);
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/vdispld-%s-XXXXXX", tag);
	int r = wh_mkdtemp(fx->dir);
	if (r < 0) {
		fx->dir[0] = '\0';
		return r;
	}
	snprintf(fx->conf, sizeof(fx->conf), "%s/vdispld.conf", fx->dir);
	/* The simulator talks to vdispld over sockets: a closed one must
	 * not kill the test. */
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

static int start_tc(struct vd_fixture *fx, const struct vd_fixture_opts *o)
{
	int r = tc_harness_start(&fx->tc, o->tc_binary, o->tc_args);
	if (r < 0) {
		tc_harness_dump_log(&fx->tc);
		return r;
	}
	fx->tc_started = true;
	fx->xdg_dir = fx->tc.dir;
	fx->socket = fx->tc.socket;
	return 0;
}

static int start_weston(struct vd_fixture *fx, const struct vd_fixture_opts *o)
{
	if (o->skip_without_weston && access("/usr/bin/weston", X_OK) != 0) {
		printf("SKIP: weston is not installed\n");
		return VD_FIXTURE_SKIP;
	}
	int r = weston_harness_start(&fx->wh, &o->weston);
	if (r == 0) {
		fx->wh_started = true;
		fx->xdg_dir = fx->wh.dir;
		fx->socket = fx->wh.socket;
		return 0;
	}
	weston_harness_dump_log(&fx->wh);
	if (o->skip_gl_failure && o->weston.renderer &&
	    !strcmp(o->weston.renderer, "gl")) {
		/* A machine without a usable EGL/llvmpipe: say so and skip. */
		printf("SKIP: Weston with --use-gl does not start here (%s)\n",
		       strerror(-r));
		return VD_FIXTURE_SKIP;
	}
	fprintf(stderr, "weston did not start: %s\n", strerror(-r));
	return r;
}

int vd_fixture_start_sim(struct vd_fixture *fx)
{
	char xdir[96];
	snprintf(xdir, sizeof(xdir), "%s/xen", fx->dir);
	if (mkdir(xdir, 0700) < 0)
		return -errno;
	fx->loop = loop_create();
	if (!fx->loop)
		return -ENOMEM;
	fx->sim = xensim_create(fx->loop, xdir);
	if (!fx->sim) {
		int r = errno ? -errno : -EIO;
		fprintf(stderr, "xensim_create: %s\n", strerror(-r));
		return r;
	}
	return 0;
}

int vd_fixture_start(struct vd_fixture *fx, const struct vd_fixture_opts *o)
{
	int r = o->tc_binary ? start_tc(fx, o) : start_weston(fx, o);
	if (r != 0 || o->defer_sim)
		return r;
	return vd_fixture_start_sim(fx);
}

int vd_fixture_setup(struct vd_fixture *fx, const char *tag,
		     const struct vd_fixture_opts *o)
{
	int r = vd_fixture_create(fx, tag);
	return r < 0 ? r : vd_fixture_start(fx, o);
}

static bool keep_dir(const struct vd_fixture *fx)
{
	char name[32];
	size_t i = 0;
	for (; i < sizeof(fx->tag) && fx->tag[i]; i++)
		name[i] = (char)toupper((unsigned char)fx->tag[i]);
	snprintf(name + i, sizeof(name) - i, "_KEEP");
	return getenv(name) != NULL;
}

void vd_fixture_destroy(struct vd_fixture *fx)
{
	if (fx->vd)
		vd_fixture_stop_vdispld(fx, 5000);
	if (fx->sim)
		xensim_destroy(fx->sim);
	if (fx->loop)
		loop_destroy(fx->loop);
	if (fx->tc_started)
		tc_harness_destroy(&fx->tc);
	if (fx->wh_started || fx->wh.dir[0])
		weston_harness_destroy(&fx->wh);
	if (fx->dir[0] && keep_dir(fx))
		fprintf(stderr, "kept %s\n", fx->dir);
	else if (fx->dir[0])
		wh_rm_rf(fx->dir);
	memset(fx, 0, sizeof(*fx));
}

/* ---- vdispld ---- */

int vd_fixture_write_conf(struct vd_fixture *fx, const char *text)
{
	char tmp[160];
	snprintf(tmp, sizeof(tmp), "%s.new", fx->conf);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return -errno;
	fputs(text, f);
	if (fclose(f) != 0)
		return -EIO;
	return rename(tmp, fx->conf) < 0 ? -errno : 0;
}

int vd_fixture_env(struct vd_fixture *fx, struct vd_env *e,
		   bool runtime_directory, const char *const *extra)
{
	const size_t max = sizeof(e->v) / sizeof(e->v[0]);
	int n = xensim_env(fx->sim, e->v, max - 4);
	if (n < 0)
		return -ENOSPC;
	snprintf(e->xdg, sizeof(e->xdg), "XDG_RUNTIME_DIR=%s", fx->xdg_dir);
	snprintf(e->wl, sizeof(e->wl), "WAYLAND_DISPLAY=%s", fx->socket);
	snprintf(e->rt, sizeof(e->rt), "RUNTIME_DIRECTORY=%s", fx->dir);
	e->v[n++] = e->xdg;
	e->v[n++] = e->wl;
	if (runtime_directory)
		e->v[n++] = e->rt;
	for (size_t i = 0; extra && extra[i]; i++) {
		if ((size_t)n + 1 >= max)
			return -ENOSPC;
		e->v[n++] = extra[i];
	}
	e->v[n] = NULL;
	return 0;
}

/* A suite asks for valgrind per spawn; VD_FIXTURE_VALGRIND=1 in the
 * environment puts every vdispld of a run under it (ctest label
 * "valgrind" re-runs whole suites so). */
static bool vd_fixture_wants_valgrind(const struct vd_spawn *s)
{
	const char *env = getenv("VD_FIXTURE_VALGRIND");
	return s->valgrind || (env && strcmp(env, "1") == 0);
}

/* [valgrind ...] vdispld <conf_flag> CONF args... into argv. */
static int build_argv(const struct vd_fixture *fx, const struct vd_spawn *s,
		      const char **argv, size_t max, char *vglog, size_t vglen)
{
	size_t a = 0;
	if (vd_fixture_wants_valgrind(s)) {
		snprintf(vglog, vglen, "--log-file=%s/valgrind.log", fx->dir);
		argv[a++] = "valgrind";
		argv[a++] = "--leak-check=full";
		argv[a++] = "--errors-for-leak-kinds=definite";
		argv[a++] = "--error-exitcode=99";
		argv[a++] = vglog;
	}
	argv[a++] = s->vdispld;
	argv[a++] = s->conf_flag ? s->conf_flag : "-c";
	argv[a++] = fx->conf;
	for (size_t i = 0; s->args && s->args[i]; i++) {
		if (a + 1 >= max)
			return -E2BIG;
		argv[a++] = s->args[i];
	}
	argv[a] = NULL;
	return 0;
}

int vd_fixture_spawn(struct vd_fixture *fx, const struct vd_spawn *s)
{
	if (fx->vd)
		return -EALREADY;
	int r = s->conf_text ? vd_fixture_write_conf(fx, s->conf_text) : 0;
	struct vd_env env;
	const char *argv[32];
	/* argv points into vglog: it lives as long as argv. */
	// cppcheck-suppress variableScope
	char vglog[160];
	if (r == 0)
		r = vd_fixture_env(fx, &env, s->runtime_directory, s->env);
	if (r == 0)
		r = build_argv(fx, s, argv, 32, vglog, sizeof(vglog));
	if (r < 0)
		return r;
	fx->runs++;
	snprintf(fx->vd_log, sizeof(fx->vd_log), "%s/vdispld-%u.log", fx->dir,
		 fx->runs);
	pid_t pid = wh_spawn(argv, env.v, s->cwd, fx->vd_log);
	if (pid < 0)
		return (int)pid;
	fx->vd = pid;
	fx->valgrind = vd_fixture_wants_valgrind(s);
	fx->vd_exited = false;
	return 0;
}

int vd_fixture_stop_vdispld(struct vd_fixture *fx, int timeout_ms)
{
	if (!fx->vd)
		return -ESRCH;
	pid_t pid = fx->vd;
	int status = 0;
	fx->vd = 0;
	if (fx->vd_exited)
		return fx->vd_status;
	kill(pid, SIGTERM);
	/* vdispld closes its devices in XenStore on the way out, and the
	 * simulator answering it runs on our loop. */
	int r = vd_fixture_wait_child(fx, pid, timeout_ms, &status);
	if (r == -ETIMEDOUT) {
		fprintf(stderr, "vdispld ignored SIGTERM for %d ms\n", timeout_ms);
		kill(pid, SIGKILL);
		r = vd_fixture_wait_child(fx, pid, 5000, &status);
		if (r == 0)
			r = -ETIMEDOUT;
	}
	return r < 0 ? r : status;
}

bool vd_fixture_vdispld_alive(struct vd_fixture *fx)
{
	if (!fx->vd || fx->vd_exited)
		return false;
	if (waitpid(fx->vd, &fx->vd_status, WNOHANG) != fx->vd)
		return true;
	char why[64];
	fprintf(stderr, "vdispld exited (%s)\n",
		vd_exit_describe(fx->vd_status, why, sizeof(why)));
	fx->vd_exited = true;
	return false;
}

bool vd_exit_is(int status, int code)
{
	return status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == code;
}

const char *vd_exit_describe(int status, char *buf, size_t len)
{
	if (status < 0)
		snprintf(buf, len, "%s", strerror(-status));
	else if (WIFEXITED(status))
		snprintf(buf, len, "exit code %d%s", WEXITSTATUS(status),
			 WEXITSTATUS(status) == 99 ? " (valgrind errors?)" : "");
	else
		snprintf(buf, len, "signal %d", WTERMSIG(status));
	return buf;
}

bool vd_fixture_logs_clean(const struct vd_fixture *fx)
{
	bool clean = true;
	for (unsigned i = 1; i <= fx->runs; i++) {
		char path[128];
		snprintf(path, sizeof(path), "%s/vdispld-%u.log", fx->dir, i);
		if (vd_file_contains(path, "Sanitizer") ||
		    vd_file_contains(path, "runtime error:")) {
			fprintf(stderr, "sanitizer report in %s\n", path);
			clean = false;
		}
	}
	return clean;
}

int vd_fixture_run(struct vd_fixture *fx, const char *const argv[],
		   const char *const env[], const char *cwd,
		   const char *out_path, int timeout_ms)
{
	pid_t pid = wh_spawn(argv, env, cwd, out_path);
	if (pid < 0)
		return (int)pid;
	int status = 0;
	int r = vd_fixture_wait_child(fx, pid, timeout_ms, &status);
	if (r == -ETIMEDOUT) {
		kill(pid, SIGKILL);
		vd_fixture_wait_child(fx, pid, 5000, &status);
	}
	return r < 0 ? r : status;
}
