/* Syscalls per flip: `strace -c -p <vdispld>` for a window, its calls
 * divided by the flips the guests saw meanwhile. strace slows vdispld
 * down (every syscall stops it), so this runs in a window of its own and
 * only the counts per flip are kept, never its times. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "loop.h"
#include "weston_harness.h"

struct sc_row {
	char name[32];
	unsigned long calls;
};

static int cmp_rows(const void *a, const void *b)
{
	const struct sc_row *x = a, *y = b;
	return x->calls < y->calls ? 1 : x->calls > y->calls ? -1 : 0;
}

/* Rows of `strace -c`: "% time seconds usecs/call calls [errors] name". */
static size_t parse_summary(const char *path, struct sc_row *rows, size_t max,
			    unsigned long *total)
{
	FILE *f = fopen(path, "r");
	char line[256];
	size_t n = 0;
	*total = 0;
	while (f && fgets(line, sizeof(line), f)) {
		double pct, secs;
		unsigned long usecs, calls, errs;
		char name[32];
		if (sscanf(line, "%lf %lf %lu %lu %lu %31s", &pct, &secs, &usecs,
			   &calls, &errs, name) != 6 &&
		    sscanf(line, "%lf %lf %lu %lu %31s", &pct, &secs, &usecs,
			   &calls, name) != 5)
			continue;
		if (!strcmp(name, "total")) {
			*total = calls;
		} else if (n < max) {
			snprintf(rows[n].name, sizeof(rows[n].name), "%s", name);
			rows[n++].calls = calls;
		}
	}
	if (f)
		fclose(f);
	return n;
}

static void describe(struct bench_result *res, struct sc_row *rows, size_t n,
		     double flips)
{
	size_t len = 0;
	qsort(rows, n, sizeof(rows[0]), cmp_rows);
	res->syscall_top[0] = '\0';
	for (size_t i = 0; i < n && len < sizeof(res->syscall_top) - 40; i++)
		len += (size_t)snprintf(res->syscall_top + len,
					sizeof(res->syscall_top) - len,
					"%s%s %.2f", i ? ", " : "", rows[i].name,
					(double)rows[i].calls / flips);
}

int bench_strace(struct bench_rig *r, double secs, struct bench_result *res)
{
	char pid[16], out[160];
	uint64_t ev0, ev1, to;
	struct sc_row rows[64];
	unsigned long total;
	snprintf(pid, sizeof(pid), "%d", (int)r->vd);
	snprintf(out, sizeof(out), "%s/strace.txt", r->dir);
	const char *argv[] = {"strace", "-c", "-p", pid, "-o", out, NULL};
	bench_rig_front_stats(r, &ev0, &to);
	pid_t st = wh_spawn(argv, NULL, NULL, "/dev/null");
	if (st < 0)
		return (int)st;
	bench_rig_spin(r, (unsigned)(secs * 1000));
	/* strace detaches and writes its summary on SIGINT; the loop turns
	 * meanwhile so vdispld is never left stopped mid-flip. */
	kill(st, SIGINT);
	int status = 0;
	uint64_t end = loop_now_ns() + 5000000000ull;
	while (waitpid(st, &status, WNOHANG) == 0 && loop_now_ns() < end)
		loop_dispatch(r->loop, 5);
	if (loop_now_ns() >= end)
		wh_kill(st, SIGKILL, 1000);
	bench_rig_front_stats(r, &ev1, &to);
	size_t n = parse_summary(out, rows, 64, &total);
	/* Flips from before strace's start to after its exit: it traced a
	 * little less than that (its attach takes a few ms), so calls per
	 * flip err low by that fraction of the window. */
	double flips = (double)(ev1 - ev0);
	if (!n || flips <= 0)
		return -EIO;
	res->syscalls_per_flip = (double)total / flips;
	describe(res, rows, n, flips);
	return 0;
}
