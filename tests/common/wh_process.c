/* Child processes and temp dirs for tests. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "weston_harness.h"

/* Applies "KEY=VALUE" / "KEY=" entries to the (child's) environment. */
static void apply_env(const char *const env[])
{
	for (size_t i = 0; env && env[i]; i++) {
		const char *eq = strchr(env[i], '=');
		if (!eq)
			continue;
		char key[256];
		size_t n = (size_t)(eq - env[i]);
		if (n >= sizeof(key))
			continue;
		memcpy(key, env[i], n);
		key[n] = '\0';
		if (eq[1])
			setenv(key, eq + 1, 1);
		else
			unsetenv(key);
	}
}

static void child_exec(const char *const argv[], const char *const env[],
		       const char *cwd, const char *out_path, pid_t parent)
{
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent) /* the parent died before prctl */
		_exit(127);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	apply_env(env);
	if (cwd && chdir(cwd) < 0)
		_exit(127);
	if (out_path) {
		int fd = open(out_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(127);
	}
	execvp(argv[0], (char *const *)argv);
	fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

pid_t wh_spawn(const char *const argv[], const char *const env[],
	       const char *cwd, const char *out_path)
{
	pid_t parent = getpid();
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		child_exec(argv, env, cwd, out_path, parent);
	return pid;
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int wh_wait(pid_t pid, int timeout_ms, int *status)
{
	uint64_t end = now_ms() + (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms);
	for (;;) {
		int st;
		pid_t r = waitpid(pid, &st, timeout_ms < 0 ? 0 : WNOHANG);
		if (r == pid) {
			if (status)
				*status = st;
			return 0;
		}
		if (r < 0 && errno != EINTR)
			return -errno;
		if (timeout_ms >= 0 && now_ms() >= end)
			return -ETIMEDOUT;
		if (r == 0)
			usleep(5000);
	}
}

int wh_kill(pid_t pid, int sig, int timeout_ms)
{
	if (pid <= 0)
		return -EINVAL;
	int status = 0;
	if (kill(pid, sig) < 0 && errno != ESRCH)
		return -errno;
	int r = wh_wait(pid, timeout_ms, &status);
	if (r == -ETIMEDOUT) {
		kill(pid, SIGKILL);
		r = wh_wait(pid, -1, &status);
	}
	return r < 0 ? r : status;
}

int wh_mkdtemp(char *tmpl)
{
	if (!mkdtemp(tmpl))
		return -errno;
	return chmod(tmpl, 0700) < 0 ? -errno : 0;
}

int wh_rm_rf(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		if (!d)
			return -errno;
		struct dirent *e;
		while ((e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			char sub[4096];
			snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
			wh_rm_rf(sub);
		}
		closedir(d);
		return rmdir(path) < 0 ? -errno : 0;
	}
	return unlink(path) < 0 ? -errno : 0;
}
