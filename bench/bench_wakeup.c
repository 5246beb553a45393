/* The platform's reference for the zero-copy path: what a wake-up costs
 * on this machine, as memcpy is the copy path's (bench_ref.c).
 *
 * Two processes pass a byte back and forth over two pipes, each waiting
 * in epoll_wait and then reading, as vdispld waits on its event channel
 * and the compositor's socket. Per round trip each side sleeps once, is
 * woken once and wakes the other once, in three syscalls. A zero-copy
 * flip has vdispld sleep twice and wake another process three times
 * (the compositor, and the guest for the response and for the flip
 * event) in eight syscalls: about 2.5 round trips of one side's CPU. Its
 * latency is four wake-ups in a row (guest, vdispld, compositor, vdispld,
 * guest): two round trips of wall time. */
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define WAKE_WARMUP 1000u

/* One side: `first` writes before it waits. The CPU time of the measured
 * rounds (after the warm-up) in *cpu_ns. */
static int ping_pong(int in, int out, bool first, unsigned rounds,
		     uint64_t *cpu_ns)
{
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = {.events = EPOLLIN}, got;
	char byte = 0;
	uint64_t c0 = 0;
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, in, &ev) < 0) {
		if (ep >= 0)
			close(ep);
		return -1;
	}
	for (unsigned i = 0; i < WAKE_WARMUP + rounds; i++) {
		if (i == WAKE_WARMUP)
			c0 = bench_clock_ns(CLOCK_THREAD_CPUTIME_ID);
		if (first && write(out, &byte, 1) != 1)
			break;
		if (epoll_wait(ep, &got, 1, 2000) != 1 ||
		    read(in, &byte, 1) != 1)
			break;
		if (!first && write(out, &byte, 1) != 1)
			break;
		if (i + 1 == WAKE_WARMUP + rounds) {
			*cpu_ns = bench_clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
			close(ep);
			return 0;
		}
	}
	close(ep);
	return -1;
}

/* One reading: the mean over both sides of one side's CPU per round
 * trip, and the wall time per round trip, in us. */
static int reading(unsigned rounds, double *cpu_us, double *wall_us)
{
	int fds[6] = {-1, -1, -1, -1, -1, -1}; /* a2b, b2a, res: r, w each */
	int ok = -1, status = 1;
	uint64_t mine = 0, theirs = 0, wall = 0;
	if (pipe(&fds[0]) == 0 && pipe(&fds[2]) == 0 && pipe(&fds[4]) == 0) {
		pid_t pid = fork();
		if (pid == 0) {
			uint64_t cpu = 0;
			bool sent = ping_pong(fds[0], fds[3], false, rounds,
					      &cpu) == 0 &&
				    write(fds[5], &cpu, sizeof(cpu)) ==
					    (ssize_t)sizeof(cpu);
			_exit(sent ? 0 : 1);
		}
		uint64_t t0 = bench_clock_ns(CLOCK_MONOTONIC);
		if (pid > 0) {
			ok = ping_pong(fds[2], fds[1], true, rounds, &mine);
			wall = bench_clock_ns(CLOCK_MONOTONIC) - t0;
			waitpid(pid, &status, 0);
		}
		if (ok == 0 && status == 0 &&
		    read(fds[4], &theirs, sizeof(theirs)) !=
			    (ssize_t)sizeof(theirs))
			ok = -1;
	}
	for (int i = 0; i < 6; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (ok < 0 || status != 0)
		return -1;
	*cpu_us = (double)(mine + theirs) / 2 / rounds / 1e3;
	/* The warm-up is in the wall time: scale it out. */
	*wall_us = (double)wall / (WAKE_WARMUP + rounds) / 1e3;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int bench_wakeup_ref(struct bench_wakeup *w)
{
	double cpu[WAKE_READINGS], wall[WAKE_READINGS];
	for (int i = 0; i < WAKE_READINGS; i++)
		if (reading(WAKE_ROUNDS, &cpu[i], &wall[i]) < 0)
			return -1;
	qsort(cpu, WAKE_READINGS, sizeof(cpu[0]), cmp_double);
	qsort(wall, WAKE_READINGS, sizeof(wall[0]), cmp_double);
	w->cpu_us = cpu[WAKE_READINGS / 2];
	w->cpu_lo = cpu[0];
	w->cpu_hi = cpu[WAKE_READINGS - 1];
	w->wall_us = wall[WAKE_READINGS / 2];
	return 0;
}
