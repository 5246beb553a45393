/* Test helpers: see xs_test_util.h. */
#include "xs_test_util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdint.h> /* xs_wire.h needs it first */
#include <xen/io/xs_wire.h>

#include "loop.h"
#include "xs_server.h"

extern char **environ;

int xs_fixture_setup(struct xs_fixture *fx)
{
	memset(fx, 0, sizeof(*fx));
	strcpy(fx->dir, "/tmp/xs-store-test-XXXXXX");
	if (!mkdtemp(fx->dir))
		return -errno;
	snprintf(fx->sock, sizeof(fx->sock), "%s/socket", fx->dir);
	fx->loop = loop_create();
	fx->srv = fx->loop ? xs_server_create(fx->loop, fx->sock) : NULL;
	if (!fx->srv) {
		loop_destroy(fx->loop);
		rmdir(fx->dir);
		return -EIO;
	}
	return 0;
}

/* Removes the sockets the tests made, then the dir itself. */
void xs_fixture_teardown(struct xs_fixture *fx)
{
	xs_server_destroy(fx->srv);
	loop_destroy(fx->loop);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	if (strncmp(fx->dir, "/tmp/xs-store-test-", 19) == 0 && system(cmd)) {
		/* best effort */
	}
}

int xs_test_setup(void **state)
{
	struct xs_fixture *fx = calloc(1, sizeof(*fx));
	if (!fx || xs_fixture_setup(fx) < 0) {
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

int xs_test_teardown(void **state)
{
	xs_fixture_teardown(*state);
	free(*state);
	return 0;
}

const char *xs_fixture_path(struct xs_fixture *fx, const char *name)
{
	static char buf[192];
	snprintf(buf, sizeof(buf), "%s/%s", fx->dir, name);
	return buf;
}

void xs_pump(struct loop *loop, int ms)
{
	uint64_t end = loop_now_ns() + (uint64_t)ms * 1000000ull;
	while (loop_now_ns() < end)
		loop_dispatch(loop, 5);
}

static char **env_with_store(const char *sock)
{
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = calloc(n + 2, sizeof(*env));
	if (!env)
		return NULL;
	size_t j = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "XENSTORED_PATH=", 15) != 0)
			env[j++] = environ[i];
	if (asprintf(&env[j], "XENSTORED_PATH=%s", sock) < 0) {
		free(env);
		return NULL;
	}
	return env;
}

/* Index of the XENSTORED_PATH entry env_with_store() appended. */
static size_t n_env_store(char **env)
{
	size_t n = 0;
	while (env[n + 1])
		n++;
	return n;
}

static void drain(int fd, char *buf, size_t size, size_t *used)
{
	for (;;) {
		char tmp[1024];
		ssize_t n = read(fd, tmp, sizeof(tmp));
		if (n <= 0)
			return;
		size_t room = size - 1 - *used;
		size_t take = (size_t)n < room ? (size_t)n : room;
		memcpy(buf + *used, tmp, take);
		*used += take;
		buf[*used] = '\0';
	}
}

static int spawn_tool(char *const argv[], char **env, int out[2], int err[2],
		      pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, err[1], 2);
	posix_spawn_file_actions_addclose(&fa, out[0]);
	posix_spawn_file_actions_addclose(&fa, err[0]);
	int r = posix_spawn(pid, argv[0], &fa, NULL, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	return -r;
}

int xs_run_tool(struct loop *loop, const char *sock, char *const argv[],
		int timeout_ms, struct tool_result *res)
{
	return xs_run_tool_tick(loop, sock, argv, timeout_ms, res, NULL, NULL);
}

int xs_run_tool_tick(struct loop *loop, const char *sock, char *const argv[],
		     int timeout_ms, struct tool_result *res,
		     void (*tick)(void *data), void *data)
{
	int out[2], err[2];
	size_t out_used = 0, err_used = 0;
	memset(res, 0, sizeof(*res));
	res->status = -1;
	char **env = env_with_store(sock);
	if (!env)
		return -ENOMEM;
	if (pipe2(out, O_CLOEXEC | O_NONBLOCK) < 0) {
		int e = errno;
		free(env[n_env_store(env)]);
		free(env);
		return -e;
	}
	if (pipe2(err, O_CLOEXEC | O_NONBLOCK) < 0) {
		int e = errno;
		close(out[0]);
		close(out[1]);
		free(env[n_env_store(env)]);
		free(env);
		return -e;
	}
	pid_t pid;
	int r = spawn_tool(argv, env, out, err, &pid);
	free(env[n_env_store(env)]);
	free(env);
	close(out[1]);
	close(err[1]);
	uint64_t end = loop_now_ns() + (uint64_t)timeout_ms * 1000000ull;
	int wstatus = 0;
	while (r == 0) {
		loop_dispatch(loop, 2);
		if (tick)
			tick(data);
		drain(out[0], res->out, sizeof(res->out), &out_used);
		drain(err[0], res->err, sizeof(res->err), &err_used);
		pid_t w = waitpid(pid, &wstatus, WNOHANG);
		if (w == pid)
			break;
		if (loop_now_ns() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, &wstatus, 0);
			r = -ETIMEDOUT;
		}
	}
	drain(out[0], res->out, sizeof(res->out), &out_used);
	drain(err[0], res->err, sizeof(res->err), &err_used);
	close(out[0]);
	close(err[0]);
	if (r == 0 && WIFEXITED(wstatus))
		res->status = WEXITSTATUS(wstatus);
	return r;
}

int xs_raw_connect(const char *sock)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", sock);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	fcntl(fd, F_SETFL, O_NONBLOCK);
	return fd;
}

int xs_raw_send(int fd, uint32_t type, uint32_t req_id, uint32_t tx_id,
		uint32_t len, const void *payload, size_t payload_len)
{
	struct xsd_sockmsg hdr = {type, req_id, tx_id, len};
	if (write(fd, &hdr, sizeof(hdr)) != (ssize_t)sizeof(hdr))
		return -EIO;
	if (payload_len &&
	    write(fd, payload, payload_len) != (ssize_t)payload_len)
		return -EIO;
	return 0;
}

int xs_raw_recv(struct loop *loop, int fd, uint32_t *type, uint32_t *req_id,
		char *buf, size_t size, int timeout_ms)
{
	struct xsd_sockmsg hdr;
	size_t got = 0, want = sizeof(hdr);
	char *dst = (char *)&hdr;
	bool in_body = false;
	uint64_t end = loop_now_ns() + (uint64_t)timeout_ms * 1000000ull;
	while (loop_now_ns() < end) {
		if (got == want) {
			if (in_body)
				break;
			if (hdr.len >= size)
				return -E2BIG;
			in_body = true;
			dst = buf;
			got = 0;
			want = hdr.len;
			continue;
		}
		ssize_t n = read(fd, dst + got, want - got);
		if (n == 0)
			return -EPIPE;
		if (n > 0)
			got += (size_t)n;
		else
			loop_dispatch(loop, 5);
	}
	if (!in_body || got != want)
		return -ETIMEDOUT;
	buf[hdr.len] = '\0';
	*type = hdr.type;
	*req_id = hdr.req_id;
	return (int)hdr.len;
}
