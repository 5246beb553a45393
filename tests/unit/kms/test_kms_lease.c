/* The lease manager's client protocol (kms_lease.c) against a server in a
 * child process speaking AGL drm-lease-manager's side: a lease fd (here a
 * pipe's end, so it can be checked to be the one sent) arrives and the
 * connection stays; a refusal, a wrong answer, no manager and a silent
 * one are errors, never a leaked fd. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_lease_manager.h"
#include "kms_lease.h"

enum answer { SEND_ONE, HANG_UP, SEND_TWO, SEND_NONE, SILENT };

static char sock_path[108];

/* A one-request server in a child: answers as told, then waits for the
 * client to hang up (a held lease) before it exits. */
static pid_t serve(enum answer how, int lease_fd)
{
	int s = flm_listen(sock_path, 1);
	assert_true(s >= 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid) {
		close(s);
		return pid;
	}
	int op;
	int c = flm_accept(s, &op);
	if (c < 0 || op != KMS_LEASE_GET)
		_exit(3);
	if (how == SEND_ONE || how == SEND_TWO || how == SEND_NONE) {
		int two[2] = {lease_fd, lease_fd};
		int n = how == SEND_ONE ? 1 : how == SEND_TWO ? 2 : 0;
		(void)flm_send_fds(c, two, n);
	}
	if (how == HANG_UP)
		_exit(0);
	/* Held (or silent) until the client goes: read what it says. */
	int last = -1, got;
	while (recv(c, &got, sizeof(got), 0) == (ssize_t)sizeof(got))
		last = got;
	_exit(how == SEND_ONE && last != KMS_LEASE_RELEASE ? 4 : 0);
}

static void reap(pid_t pid)
{
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void test_lease_arrives(void **state)
{
	(void)state;
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t pid = serve(SEND_ONE, p[1]);
	int conn = -1;
	int fd = kms_lease_request(sock_path, 5000, &conn);
	assert_true(fd >= 0);
	assert_true(conn >= 0);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	/* The very pipe the server sent: what goes in comes out. */
	assert_int_equal(write(fd, "L", 1), 1);
	char c = 0;
	assert_int_equal(read(p[0], &c, 1), 1);
	assert_int_equal(c, 'L');
	kms_lease_release(conn); /* the server checks it heard release */
	reap(pid);
	close(fd);
	close(p[0]);
	close(p[1]);
}

static void expect_error(enum answer how, int timeout_ms, int err)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t pid = serve(how, p[1]);
	int conn = -1;
	assert_int_equal(kms_lease_request(sock_path, timeout_ms, &conn), -err);
	assert_int_equal(conn, -1);
	reap(pid); /* the server saw the connection go */
	close(p[0]);
	close(p[1]);
}

static void test_refused_and_bad_answers(void **state)
{
	(void)state;
	expect_error(HANG_UP, 5000, EACCES);
	expect_error(SEND_TWO, 5000, EPROTO);
	expect_error(SEND_NONE, 5000, EPROTO);
	expect_error(SILENT, 50, ETIMEDOUT);
}

static void test_no_manager(void **state)
{
	(void)state;
	int conn = -1;
	unlink(sock_path);
	assert_int_equal(kms_lease_request(sock_path, 100, &conn), -ENOENT);
	char longp[200];
	memset(longp, 'a', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	assert_int_equal(kms_lease_request(longp, 100, &conn), -ENAMETOOLONG);
	assert_int_equal(conn, -1);
}

int main(void)
{
	snprintf(sock_path, sizeof(sock_path), "/tmp/vdispld-lease-%d.sock",
		 (int)getpid());
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lease_arrives),
		cmocka_unit_test(test_refused_and_bad_answers),
		cmocka_unit_test(test_no_manager),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(sock_path);
	return r;
}
