/* Starts and stops a headless Weston 10 for one test. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "weston_harness.h"

static int write_ini(const struct weston_harness *h,
		     const struct weston_harness_opts *o, const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "[core]\nshell=%s\nidle-time=0\n",
		o->shell ? o->shell : "desktop-shell.so");
	/* desktop-shell otherwise fades in from black, adds a panel and
	 * locks: all of which would make pixels depend on timing. */
	fprintf(f, "\n[shell]\nstartup-animation=none\nanimation=none\n"
		   "close-animation=none\nfocus-animation=none\n"
		   "panel-position=none\nlocking=false\n"
		   "background-color=0xff002244\n");
	fprintf(f, "\n[output]\nname=headless\nmode=%dx%d\n", h->width,
		h->height);
	if (o->extra_ini)
		fprintf(f, "\n%s\n", o->extra_ini);
	return fclose(f) == 0 ? 0 : -errno;
}

static int notify_socket_open(const char *path)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(addr.sun_path)) {
		close(fd);
		return -ENAMETOOLONG;
	}
	memcpy(addr.sun_path, path, strlen(path) + 1);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int err = errno;
		close(fd);
		return -err;
	}
	return fd;
}

/* Waits for READY=1 on the notify socket while watching that Weston
 * hasn't died instead. */
static int wait_ready(struct weston_harness *h, int fd, int timeout_ms)
{
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		int r = poll(&pfd, 1, 50);
		if (r > 0) {
			char buf[512];
			ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);
			if (n > 0) {
				buf[n] = '\0';
				if (strstr(buf, "READY=1"))
					return 0;
			}
		}
		int status;
		if (waitpid(h->pid, &status, WNOHANG) == h->pid) {
			h->pid = 0;
			return -ECHILD;
		}
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		long ms = (now.tv_sec - start.tv_sec) * 1000 +
			  (now.tv_nsec - start.tv_nsec) / 1000000;
		if (ms > timeout_ms)
			return -ETIMEDOUT;
	}
}

static pid_t spawn_weston(struct weston_harness *h,
			  const struct weston_harness_opts *o,
			  const char *ini, const char *notify)
{
	char a_socket[96], a_width[32], a_height[32], a_config[160], a_mods[512];
	snprintf(a_socket, sizeof(a_socket), "--socket=%s", h->socket);
	snprintf(a_width, sizeof(a_width), "--width=%d", h->width);
	snprintf(a_height, sizeof(a_height), "--height=%d", h->height);
	snprintf(a_config, sizeof(a_config), "--config=%s", ini);
	snprintf(a_mods, sizeof(a_mods), "--modules=%s%ssystemd-notify.so",
		 o->modules ? o->modules : "", o->modules ? "," : "");
	bool gl = o->renderer && !strcmp(o->renderer, "gl");
	const char *argv[] = {"weston", "--backend=headless-backend.so",
			      a_socket, gl ? "--use-gl" : "--use-pixman",
			      a_width, a_height, a_config, a_mods, "--debug",
			      "--idle-time=0", NULL};
	char e_rt[96], e_notify[160];
	snprintf(e_rt, sizeof(e_rt), "XDG_RUNTIME_DIR=%s", h->dir);
	snprintf(e_notify, sizeof(e_notify), "NOTIFY_SOCKET=%s", notify);
	/* Nothing of the developer's session may leak in (a nested backend,
	 * a parent display). */
	const char *env[] = {e_rt, e_notify, "WAYLAND_DISPLAY=", "DISPLAY=",
			     "WAYLAND_SOCKET=", NULL};
	return wh_spawn(argv, env, h->dir, h->log_path);
}

/* Writes weston.ini, spawns Weston in h->dir on h->socket and waits for
 * READY=1. */
static int launch(struct weston_harness *h, const struct weston_harness_opts *o)
{
	char ini[128], notify[128];
	snprintf(ini, sizeof(ini), "%s/weston.ini", h->dir);
	snprintf(notify, sizeof(notify), "%s/notify.sock", h->dir);
	unlink(notify); /* a restart binds it again */
	int r = write_ini(h, o, ini);
	if (r < 0)
		return r;
	int fd = notify_socket_open(notify);
	if (fd < 0)
		return fd;
	pid_t pid = spawn_weston(h, o, ini, notify);
	if (pid < 0) {
		close(fd);
		return pid;
	}
	h->pid = pid;
	r = wait_ready(h, fd, o->ready_timeout_ms > 0 ? o->ready_timeout_ms : 5000);
	close(fd);
	if (r < 0 && h->pid) {
		wh_kill(h->pid, SIGTERM, 2000);
		h->pid = 0;
	}
	return r;
}

int weston_harness_start(struct weston_harness *h,
			 const struct weston_harness_opts *opts)
{
	static const struct weston_harness_opts defaults = {0};
	const struct weston_harness_opts *o = opts ? opts : &defaults;
	memset(h, 0, sizeof(*h));
	h->width = o->width > 0 ? o->width : 1024;
	h->height = o->height > 0 ? o->height : 768;
	snprintf(h->dir, sizeof(h->dir), "/tmp/weston-harness.XXXXXX");
	int r = wh_mkdtemp(h->dir);
	if (r < 0) {
		h->dir[0] = '\0';
		return r;
	}
	snprintf(h->socket, sizeof(h->socket), "wh-%d", (int)getpid());
	snprintf(h->log_path, sizeof(h->log_path), "%s/weston.log", h->dir);
	return launch(h, o);
}

int weston_harness_restart(struct weston_harness *h,
			   const struct weston_harness_opts *opts)
{
	static const struct weston_harness_opts defaults = {0};
	if (!h->dir[0])
		return -EINVAL;
	int r = weston_harness_stop(h);
	if (r < 0)
		return r;
	return launch(h, opts ? opts : &defaults);
}

int weston_harness_stop(struct weston_harness *h)
{
	if (h->pid <= 0)
		return 0;
	int status = wh_kill(h->pid, SIGTERM, 5000);
	h->pid = 0;
	if (status < 0)
		return status;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void weston_harness_destroy(struct weston_harness *h)
{
	weston_harness_stop(h);
	if (h->dir[0] && !getenv("WESTON_HARNESS_KEEP"))
		wh_rm_rf(h->dir);
	h->dir[0] = '\0';
}

void weston_harness_setenv(const struct weston_harness *h)
{
	setenv("XDG_RUNTIME_DIR", h->dir, 1);
	setenv("WAYLAND_DISPLAY", h->socket, 1);
}

void weston_harness_dump_log(const struct weston_harness *h)
{
	FILE *f = fopen(h->log_path, "r");
	if (!f)
		return;
	char line[1024];
	fprintf(stderr, "---- weston log (%s) ----\n", h->log_path);
	while (fgets(line, sizeof(line), f))
		fputs(line, stderr);
	fprintf(stderr, "---- end of weston log ----\n");
	fclose(f);
}
