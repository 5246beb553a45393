/* The zero-copy path's physical reference, as memcpy is the copy path's
 * (bench_ref.c): the flip's skeleton. Three processes make exactly the
 * wake-ups of an unthrottled zero-copy flip, and nothing else:
 *
 *   guest       writes a byte to the backend (PG_FLIP and its notify),
 *               then waits for two back (the response, the flip event);
 *   backend     on the guest's byte, answers it and passes a byte to the
 *               compositor (the commit); on the compositor's byte, sends
 *               the guest the flip event;
 *   compositor  answers each byte at once (frame callbacks at commit).
 *
 * Each waits in epoll_wait, over the kinds of file the real run uses: a
 * stream socket from the guest (the simulated event-channel device), a
 * pipe back to it (the notify pipe) and a stream socket pair with the
 * compositor (Wayland). The backend makes seven syscalls per flip where
 * vdispld makes eight (it also unmasks its port).
 *
 * So the backend's CPU per flip is what the protocol's wake-ups alone cost
 * any backend on this machine, and the guest's flip latency is theirs: no
 * backend flips with less. The guest is this process; the backend and the
 * compositor are forked. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define SKEL_WARMUP 1000u
#define SKEL_WAIT_MS 2000

enum { G2B_G, G2B_B, B2G_R, B2G_W, BC_B, BC_C, RES_R, RES_W, NFDS };

static int wait_one(int ep)
{
	struct epoll_event got;
	return epoll_wait(ep, &got, 1, SKEL_WAIT_MS) == 1 ? 0 : -1;
}

static int epoll_of(int a, int b)
{
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = {.events = EPOLLIN};
	if (ep < 0)
		return -1;
	ev.data.fd = a;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, a, &ev) < 0)
		goto fail;
	ev.data.fd = b;
	if (b >= 0 && epoll_ctl(ep, EPOLL_CTL_ADD, b, &ev) < 0)
		goto fail;
	return ep;
fail:
	close(ep);
	return -1;
}

/* Answers every byte until the backend hangs up. */
static int compositor(int sock)
{
	int ep = epoll_of(sock, -1);
	char byte;
	while (ep >= 0 && wait_one(ep) == 0 && read(sock, &byte, 1) == 1)
		if (write(sock, "f", 1) != 1)
			break;
	return 0;
}

/* Serves `flips` flips, then writes its CPU time over the last `rounds`
 * of them on res. */
static int backend(const int *fd, unsigned flips, unsigned rounds)
{
	int ep = epoll_of(fd[G2B_B], fd[BC_B]);
	uint64_t c0 = 0, cpu;
	unsigned done = 0;
	char byte;
	while (ep >= 0 && done < flips) {
		struct epoll_event got[2];
		int n = epoll_wait(ep, got, 2, SKEL_WAIT_MS);
		if (n <= 0)
			return -1;
		for (int i = 0; i < n; i++) {
			int from = got[i].data.fd;
			if (read(from, &byte, 1) != 1)
				return -1;
			if (from == fd[G2B_B] &&
			    (write(fd[B2G_W], "r", 1) != 1 ||
			     write(fd[BC_B], "c", 1) != 1))
				return -1;
			if (from == fd[BC_B]) {
				if (write(fd[B2G_W], "e", 1) != 1)
					return -1;
				if (++done == flips - rounds)
					c0 = bench_clock_ns(
						CLOCK_THREAD_CPUTIME_ID);
			}
		}
	}
	cpu = bench_clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
	return write(fd[RES_W], &cpu, sizeof(cpu)) == (ssize_t)sizeof(cpu)
		       ? 0
		       : -1;
}

/* One flip from the guest's side: its latency in ns, or 0 on failure. */
static uint64_t guest_flip(const int *fd, int ep)
{
	uint64_t t0 = bench_clock_ns(CLOCK_MONOTONIC);
	char got[2];
	bool response = false, event = false;
	if (write(fd[G2B_G], "p", 1) != 1)
		return 0;
	while (!(response && event)) {
		if (wait_one(ep) < 0)
			return 0;
		ssize_t n = read(fd[B2G_R], got, sizeof(got));
		for (ssize_t i = 0; i < n; i++) {
			response |= got[i] == 'r';
			event |= got[i] == 'e';
		}
		if (n <= 0)
			return 0;
	}
	uint64_t lat = bench_clock_ns(CLOCK_MONOTONIC) - t0;
	return lat ? lat : 1;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The guest's flips: the measured ones' latencies sorted into lat. */
static int guest(const int *fd, uint64_t *lat, unsigned rounds)
{
	int ep = epoll_of(fd[B2G_R], -1);
	int ok = ep >= 0 ? 0 : -1;
	for (unsigned i = 0; ok == 0 && i < SKEL_WARMUP + rounds; i++) {
		uint64_t l = guest_flip(fd, ep);
		if (!l)
			ok = -1;
		else if (i >= SKEL_WARMUP)
			lat[i - SKEL_WARMUP] = l;
	}
	if (ep >= 0)
		close(ep);
	if (ok == 0)
		qsort(lat, rounds, sizeof(*lat), cmp_u64);
	return ok;
}

static void close_all(int *fd)
{
	for (int i = 0; i < NFDS; i++)
		if (fd[i] >= 0) {
			close(fd[i]);
			fd[i] = -1;
		}
}

static int open_all(int *fd)
{
	int sp[2], pp[2];
	for (int i = 0; i < NFDS; i++)
		fd[i] = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, &fd[G2B_G]) <
		    0 ||
	    pipe2(pp, O_CLOEXEC) < 0)
		return -1;
	fd[B2G_R] = pp[0];
	fd[B2G_W] = pp[1];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
		return -1;
	fd[BC_B] = sp[0];
	fd[BC_C] = sp[1];
	if (pipe2(pp, O_CLOEXEC) < 0)
		return -1;
	fd[RES_R] = pp[0];
	fd[RES_W] = pp[1];
	return 0;
}

/* Forks the compositor (which == BC_C) or the backend, each keeping only
 * its own ends: the compositor ends when every copy of the backend's end
 * of their socket is closed. */
static pid_t spawn(int *fd, int which, unsigned rounds)
{
	static const int backend_fds[] = {G2B_B, B2G_W, BC_B, RES_W};
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	for (int i = 0; i < NFDS; i++) {
		bool keep = which == BC_C && i == BC_C;
		for (size_t k = 0; which != BC_C && k < 4; k++)
			keep |= i == backend_fds[k];
		if (!keep && fd[i] >= 0)
			close(fd[i]);
	}
	int r = which == BC_C ? compositor(fd[BC_C])
			      : backend(fd, SKEL_WARMUP + rounds, rounds);
	_exit(r == 0 ? 0 : 1);
}

/* One reading: the backend's CPU per flip and the guest's p50 and p99
 * latency, in us. */
static int reading(unsigned rounds, uint64_t *lat, double out[3])
{
	int fd[NFDS], status[2] = {1, 1};
	uint64_t cpu = 0;
	pid_t pid[2] = {-1, -1};
	int ok = open_all(fd);
	if (ok == 0) {
		pid[0] = spawn(fd, BC_C, rounds);
		pid[1] = pid[0] > 0 ? spawn(fd, BC_B, rounds) : -1;
		ok = pid[1] > 0 ? guest(fd, lat, rounds) : -1;
		if (ok == 0 && read(fd[RES_R], &cpu, sizeof(cpu)) !=
				       (ssize_t)sizeof(cpu))
			ok = -1;
	}
	close_all(fd); /* the compositor sees its peer gone and ends */
	for (int i = 0; i < 2; i++)
		if (pid[i] > 0)
			waitpid(pid[i], &status[i], 0);
	if (ok < 0 || status[0] != 0 || status[1] != 0)
		return -1;
	out[0] = (double)cpu / rounds / 1e3;
	out[1] = (double)lat[rounds / 2] / 1e3;
	out[2] = (double)lat[rounds - 1 - rounds / 100] / 1e3;
	return 0;
}

int bench_skeleton_ref(struct bench_skeleton *s)
{
	double cpu[SKEL_READINGS], p50[SKEL_READINGS], p99[SKEL_READINGS];
	uint64_t *lat = malloc(SKEL_ROUNDS * sizeof(*lat));
	int ok = lat ? 0 : -1;
	for (int i = 0; ok == 0 && i < SKEL_READINGS; i++) {
		double out[3];
		ok = reading(SKEL_ROUNDS, lat, out);
		cpu[i] = out[0];
		p50[i] = out[1];
		p99[i] = out[2];
	}
	free(lat);
	if (ok < 0)
		return -1;
	qsort(cpu, SKEL_READINGS, sizeof(cpu[0]), cmp_double);
	qsort(p50, SKEL_READINGS, sizeof(p50[0]), cmp_double);
	qsort(p99, SKEL_READINGS, sizeof(p99[0]), cmp_double);
	s->cpu_us = cpu[SKEL_READINGS / 2];
	s->cpu_lo = cpu[0];
	s->cpu_hi = cpu[SKEL_READINGS - 1];
	s->p50_us = p50[SKEL_READINGS / 2];
	s->p99_us = p99[SKEL_READINGS / 2];
	s->p99_lo = p99[0];
	s->p99_hi = p99[SKEL_READINGS - 1];
	return 0;
}
