/* See tc_harness.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tc_harness.h"

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void child_exec(struct tc_harness *h, const char *binary,
		       const char *const extra_args[], int ready_fd)
{
	const char *argv[32] = {binary, "--socket", h->socket, "--report",
				h->report, "--dump-dir", h->dump_dir};
	int argc = 7;
	for (size_t i = 0; extra_args && extra_args[i] && argc < 31; i++)
		argv[argc++] = extra_args[i];
	argv[argc] = NULL;
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	int log = open(h->log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (log >= 0)
		dup2(log, STDERR_FILENO);
	dup2(ready_fd, STDOUT_FILENO);
	setenv("XDG_RUNTIME_DIR", h->dir, 1);
	unsetenv("NOTIFY_SOCKET");
	execv(binary, (char *const *)argv);
	_exit(127);
}

/* Reads the child's stdout until its READY line or timeout. */
static int wait_ready(int fd, int timeout_ms)
{
	char buf[256];
	size_t used = 0;
	long deadline = now_ms() + timeout_ms;
	while (now_ms() < deadline) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		if (poll(&pfd, 1, (int)(deadline - now_ms())) <= 0)
			continue;
		ssize_t n = read(fd, buf + used, sizeof(buf) - 1 - used);
		if (n <= 0)
			return -ECHILD;
		used += (size_t)n;
		buf[used] = '\0';
		if (strstr(buf, "READY\n"))
			return 0;
		if (used == sizeof(buf) - 1)
			used = 0;
	}
	return -ETIMEDOUT;
}

int tc_harness_start(struct tc_harness *h, const char *binary,
		     const char *const extra_args[])
{
	memset(h, 0, sizeof(*h));
	snprintf(h->dir, sizeof(h->dir), "/tmp/vdispld-tc-XXXXXX");
	if (!mkdtemp(h->dir))
		return -errno;
	snprintf(h->socket, sizeof(h->socket), "tc-0");
	snprintf(h->report, sizeof(h->report), "%s/report.txt", h->dir);
	snprintf(h->dump_dir, sizeof(h->dump_dir), "%s/dump", h->dir);
	snprintf(h->log, sizeof(h->log), "%s/compositor.log", h->dir);
	if (mkdir(h->dump_dir, 0700) < 0)
		return -errno;
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0) {
		int err = errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return -err;
	}
	if (pid == 0)
		child_exec(h, binary, extra_args, pipefd[1]);
	close(pipefd[1]);
	h->pid = pid;
	int ret = wait_ready(pipefd[0], 5000);
	close(pipefd[0]);
	return ret;
}

int tc_harness_stop(struct tc_harness *h)
{
	if (!h->pid)
		return 0;
	kill(h->pid, SIGTERM);
	int status = 0;
	for (int i = 0; i < 500; i++) {
		pid_t r = waitpid(h->pid, &status, WNOHANG);
		if (r == h->pid) {
			h->pid = 0;
			return status;
		}
		if (r < 0)
			return -errno;
		usleep(10000);
	}
	kill(h->pid, SIGKILL);
	waitpid(h->pid, &status, 0);
	h->pid = 0;
	return -ETIMEDOUT;
}

static void remove_dir(const char *path)
{
	DIR *dir = opendir(path);
	if (!dir)
		return;
	struct dirent *e;
	while ((e = readdir(dir))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char sub[512];
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		if (e->d_type == DT_DIR)
			remove_dir(sub);
		else
			unlink(sub);
	}
	closedir(dir);
	rmdir(path);
}

void tc_harness_destroy(struct tc_harness *h)
{
	tc_harness_stop(h);
	if (h->dir[0])
		remove_dir(h->dir);
	h->dir[0] = '\0';
}

void tc_harness_setenv(const struct tc_harness *h)
{
	setenv("XDG_RUNTIME_DIR", h->dir, 1);
	setenv("WAYLAND_DISPLAY", h->socket, 1);
}

void tc_harness_dump_log(const struct tc_harness *h)
{
	const char *paths[] = {h->log, h->report};
	for (size_t i = 0; i < 2; i++) {
		FILE *f = fopen(paths[i], "r");
		if (!f)
			continue;
		fprintf(stderr, "---- %s\n", paths[i]);
		char line[1024];
		while (fgets(line, sizeof(line), f))
			fputs(line, stderr);
		fclose(f);
	}
}

/* Counts lines with prefix; copies the nth when it exists. */
static int scan_report(const struct tc_harness *h, const char *prefix,
		       int nth, char *out, size_t len)
{
	FILE *f = fopen(h->report, "r");
	if (!f)
		return -errno;
	char line[1024];
	int count = 0;
	size_t plen = strlen(prefix);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, prefix, plen) != 0)
			continue;
		if (++count == nth && out) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(out, len, "%s", line);
		}
	}
	fclose(f);
	return count;
}

int tc_harness_count_lines(const struct tc_harness *h, const char *prefix)
{
	return scan_report(h, prefix, 0, NULL, 0);
}

int tc_harness_wait_line(const struct tc_harness *h, const char *prefix,
			 int nth, char *line, size_t len, int timeout_ms)
{
	long deadline = now_ms() + timeout_ms;
	do {
		int n = scan_report(h, prefix, nth, line, len);
		if (n >= nth)
			return 0;
		usleep(5000);
	} while (now_ms() < deadline);
	return -ETIMEDOUT;
}

int tc_line_field(const char *line, const char *key, char *out, size_t len)
{
	char pat[64];
	snprintf(pat, sizeof(pat), " %s=", key);
	const char *p = strstr(line, pat);
	if (!p)
		return -ENOENT;
	p += strlen(pat);
	size_t n = strcspn(p, " ");
	snprintf(out, len, "%.*s", (int)n, p);
	return 0;
}
