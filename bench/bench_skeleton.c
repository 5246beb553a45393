/* The zero-copy path's physical reference, as memcpy is the copy path's
 * (bench_ref.c): the flip's skeleton. Three processes make exactly the
 * wake-ups of zero-copy flips, and nothing else:
 *
 *   guest       for each connector, writes a byte to the backend (PG_FLIP
 *               and its notify) and flips again once the flip event is
 *               back;
 *   backend     reads what the guest sent, answers each flip (the
 *               response) and passes them to the compositor in one write
 *               (the commits, one Wayland flush); sends the guest each
 *               flip event the compositor returns;
 *   compositor  releases the buffer each commit replaced at once, and
 *               returns its frame then too (unthrottled: frame callbacks
 *               at commit) or at its next 60 Hz tick.
 *
 * Each waits in epoll_wait, over the kinds of file the real run uses: a
 * stream socket from the guest (the simulated event-channel device), a
 * pipe back to it (the notify pipe) and a stream socket pair with the
 * compositor (Wayland). One write per notification, as vdispld makes;
 * vdispld makes one syscall more per read of its ports (the unmask).
 *
 * So the backend's CPU is what the protocol's wake-ups alone cost any
 * backend on this machine, and the guest's flip latency is theirs: no
 * backend flips with less. The guest is this process; the backend and
 * the compositor are forked. A byte names its connector; a response and
 * a flip event carry a flag bit. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define SKEL_WAIT_MS 2000
#define SKEL_RESPONSE 0x40
#define SKEL_EVENT 0x80
#define SKEL_RELEASE 0x80 /* compositor -> backend */
#define SKEL_CONN(b) ((unsigned)(b) & 0x3f)
#define SKEL_BATCH 256
#define PERIOD_NS 16666667l

enum { G2B_G, G2B_B, B2G_R, B2G_W, BC_B, BC_C, RES_R, RES_W, NFDS };

/* One reading's shape: connectors, compositor paced or not, and flips
 * (over all connectors) before and while the backend is measured. */
struct skel_run {
	unsigned conns;
	bool paced;
	unsigned warmup, measured;
};

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

static int paced_timer(void)
{
	int t = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	struct itimerspec its = {{0, PERIOD_NS}, {0, PERIOD_NS}};
	if (t >= 0 && timerfd_settime(t, 0, &its, NULL) < 0) {
		close(t);
		return -1;
	}
	return t;
}

/* Commits read from the backend: each releases the buffer it replaced at
 * once (as Weston and the test compositor do), in one message; their
 * frames follow in the same message unthrottled, else at the next tick.
 * send(): a backend gone mid-write is an error, not a SIGPIPE. */
static int compositor_commits(int sock, bool paced, unsigned char *held,
			      size_t *n_held)
{
	unsigned char out[2 * SKEL_BATCH];
	ssize_t r = read(sock, held + *n_held, SKEL_BATCH - *n_held);
	if (r <= 0)
		return 1; /* the backend hung up */
	for (ssize_t i = 0; i < r; i++) {
		out[i] = (unsigned char)(held[*n_held + i] | SKEL_RELEASE);
		out[r + i] = held[*n_held + i];
	}
	*n_held = paced ? *n_held + (size_t)r : 0;
	size_t len = (size_t)r * (paced ? 1 : 2);
	return send(sock, out, len, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

/* Until the backend hangs up. */
static int compositor(int sock, bool paced)
{
	int tick = paced ? paced_timer() : -1;
	int ep = epoll_of(sock, tick);
	unsigned char held[SKEL_BATCH];
	size_t n_held = 0;
	while (ep >= 0 && (!paced || tick >= 0)) {
		struct epoll_event got[2];
		int n = epoll_wait(ep, got, 2, SKEL_WAIT_MS);
		if (n <= 0)
			return -1;
		for (int i = 0; i < n; i++) {
			uint64_t ticks;
			int r = 0;
			if (got[i].data.fd != tick)
				r = compositor_commits(sock, paced, held,
						       &n_held);
			else if (read(tick, &ticks, sizeof(ticks)) < 0 ||
				 (n_held &&
				  send(sock, held, n_held, MSG_NOSIGNAL) < 0))
				r = -1;
			else
				n_held = 0;
			if (r)
				return r > 0 ? 0 : -1;
		}
	}
	return -1;
}

/* A guest's flips: a response each, then the commits in one write.
 * 0, or -1 on failure. */
static int backend_requests(const int *fd)
{
	unsigned char got[SKEL_BATCH];
	ssize_t n = read(fd[G2B_B], got, sizeof(got));
	if (n <= 0)
		return -1;
	for (ssize_t i = 0; i < n; i++) {
		unsigned char r = (unsigned char)(got[i] | SKEL_RESPONSE);
		if (write(fd[B2G_W], &r, 1) != 1)
			return -1;
	}
	return write(fd[BC_B], got, (size_t)n) == n ? 0 : -1;
}

/* The compositor's releases (nothing to do) and frames (a flip event
 * each). Returns how many frames. */
static int backend_frames(const int *fd)
{
	unsigned char got[2 * SKEL_BATCH];
	int frames = 0;
	ssize_t n = read(fd[BC_B], got, sizeof(got));
	if (n <= 0)
		return -1;
	for (ssize_t i = 0; i < n; i++) {
		unsigned char e = (unsigned char)(got[i] | SKEL_EVENT);
		if (got[i] & SKEL_RELEASE)
			continue;
		if (write(fd[B2G_W], &e, 1) != 1)
			return -1;
		frames++;
	}
	return frames;
}

/* Serves the run's flips, then writes on res its CPU and wall time (ns)
 * from the end of the warm-up, and the flips served in them. */
static int backend(const int *fd, const struct skel_run *run)
{
	int ep = epoll_of(fd[G2B_B], fd[BC_B]);
	uint64_t t[3] = {0, 0, 0}, w0 = 0;
	unsigned done = 0, total = run->warmup + run->measured;
	while (ep >= 0 && done < total) {
		struct epoll_event got[2];
		int n = epoll_wait(ep, got, 2, SKEL_WAIT_MS);
		if (n <= 0)
			return -1;
		for (int i = 0; i < n; i++) {
			int f = got[i].data.fd == fd[BC_B] ? backend_frames(fd)
							   : backend_requests(fd);
			if (f < 0)
				return -1;
			bool started = done >= run->warmup;
			done += (unsigned)f; /* requests return 0 */
			if (!started && done >= run->warmup) {
				t[0] = bench_clock_ns(CLOCK_THREAD_CPUTIME_ID);
				w0 = bench_clock_ns(CLOCK_MONOTONIC);
				t[2] = total - done;
			}
		}
	}
	t[0] = bench_clock_ns(CLOCK_THREAD_CPUTIME_ID) - t[0];
	t[1] = bench_clock_ns(CLOCK_MONOTONIC) - w0;
	return write(fd[RES_W], t, sizeof(t)) == (ssize_t)sizeof(t) ? 0 : -1;
}

static int flip(const int *fd, unsigned conn, uint64_t *sent_at)
{
	unsigned char b = (unsigned char)conn;
	sent_at[conn] = bench_clock_ns(CLOCK_MONOTONIC);
	return write(fd[G2B_G], &b, 1) == 1 ? 0 : -1;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* The guest: every connector flips until the run's flips are sent; the
 * measured flips' latencies (PG_FLIP sent -> flip event read) sorted into
 * lat. */
static int guest(const int *fd, const struct skel_run *run, uint64_t *lat)
{
	uint64_t sent_at[SKEL_MAX_CONNS];
	unsigned sent = 0, done = 0, total = run->warmup + run->measured;
	int ep = epoll_of(fd[B2G_R], -1), ok = ep >= 0 ? 0 : -1;
	for (; ok == 0 && sent < run->conns; sent++)
		ok = flip(fd, sent, sent_at);
	while (ok == 0 && done < total) {
		struct epoll_event ev;
		unsigned char got[SKEL_BATCH];
		ssize_t n = -1;
		if (epoll_wait(ep, &ev, 1, SKEL_WAIT_MS) != 1 ||
		    (n = read(fd[B2G_R], got, sizeof(got))) <= 0)
			ok = -1;
		for (ssize_t i = 0; ok == 0 && i < n; i++) {
			unsigned c = SKEL_CONN(got[i]);
			if (!(got[i] & SKEL_EVENT) || c >= run->conns)
				continue;
			uint64_t now = bench_clock_ns(CLOCK_MONOTONIC);
			if (done >= run->warmup)
				lat[done - run->warmup] = now - sent_at[c];
			done++;
			if (sent < total && (ok = flip(fd, c, sent_at)) == 0)
				sent++;
		}
	}
	if (ep >= 0)
		close(ep);
	if (ok == 0)
		qsort(lat, run->measured, sizeof(*lat), cmp_u64);
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
static pid_t spawn(int *fd, int which, const struct skel_run *run)
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
	int r = which == BC_C ? compositor(fd[BC_C], run->paced)
			      : backend(fd, run);
	_exit(r == 0 ? 0 : 1);
}

/* One reading: the backend's t[3] (see backend()), and the guest's
 * measured latencies sorted into lat. */
static int reading(const struct skel_run *run, uint64_t *lat,
		   uint64_t t[3])
{
	int fd[NFDS], status[2] = {1, 1};
	pid_t pid[2] = {-1, -1};
	int ok = open_all(fd);
	if (ok == 0) {
		pid[0] = spawn(fd, BC_C, run);
		pid[1] = pid[0] > 0 ? spawn(fd, BC_B, run) : -1;
		ok = pid[1] > 0 ? guest(fd, run, lat) : -1;
		if (ok == 0 && read(fd[RES_R], t, 3 * sizeof(*t)) !=
				       (ssize_t)(3 * sizeof(*t)))
			ok = -1;
	}
	close_all(fd); /* the compositor sees its peer gone and ends */
	for (int i = 0; i < 2; i++)
		if (pid[i] > 0)
			waitpid(pid[i], &status[i], 0);
	return ok < 0 || status[0] != 0 || status[1] != 0 ? -1 : 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Low and high of SKEL_READINGS values, sorted in place. The low one is
 * the figure: a floor, like memcpy's best of 30 (a reading can catch the
 * processes waking each other one flip at a time, several times dearer,
 * or the host busy). */
static void spread(double *v, double out[2])
{
	qsort(v, SKEL_READINGS, sizeof(*v), cmp_double);
	out[0] = v[0];
	out[1] = v[SKEL_READINGS - 1];
}

int bench_skeleton_ref(unsigned conns, bool paced, struct bench_skeleton *s)
{
	/* Unthrottled: 1000 flips of warm-up, 10,000 measured; paced: 0.5 s
	 * and 3 s of 60 Hz frames. */
	struct skel_run run = {conns, paced, paced ? 30 * conns : 1000,
			       paced ? 180 * conns : SKEL_ROUNDS};
	double cpu[SKEL_READINGS], pct[SKEL_READINGS], p50[SKEL_READINGS],
		p99[SKEL_READINGS];
	uint64_t *lat = malloc(run.measured * sizeof(*lat));
	int ok = lat && conns > 0 && conns <= SKEL_MAX_CONNS ? 0 : -1;
	for (int i = 0; ok == 0 && i < SKEL_READINGS; i++) {
		uint64_t t[3];
		ok = reading(&run, lat, t);
		if (ok == 0 && !t[2])
			ok = -1;
		if (ok < 0)
			break;
		cpu[i] = (double)t[0] / (double)t[2] / 1e3;
		pct[i] = t[1] ? 100.0 * (double)t[0] / (double)t[1] : 0;
		p50[i] = (double)lat[run.measured / 2] / 1e3;
		p99[i] = (double)lat[run.measured - 1 - run.measured / 100] /
			 1e3;
	}
	free(lat);
	if (ok < 0)
		return -1;
	spread(cpu, s->cpu_us);
	spread(pct, s->cpu_pct);
	spread(p50, s->p50_us);
	spread(p99, s->p99_us);
	return 0;
}
