/* Zero copy vs copy: vdispld's CPU time and bytes copied per flip.
 *
 * Runs the shipping vdispld against the Xen simulator (in this process,
 * one guest, one connector flipping as fast as flip events return) and
 * the dma-buf test compositor, for each size and path:
 *   zero-copy  gntdev dma-buf export on, compositor imports the dma-buf;
 *   copy       gntdev without dma-buf (like Debian's kernel): wl_shm copy.
 * Reports per flip: vdispld CPU (utime+stime from /proc/<pid>/stat),
 * bytes copied (vdispld's own counter), flips/s, flip latency p50/p99
 * (PG_FLIP sent -> EVT_PG_FLIP seen by the guest), vdispld RSS, and a
 * memcpy of one frame on this machine for reference.
 *
 * usage: bench_zerocopy VDISPLD TEST-COMPOSITOR [seconds per run (3)] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "drm_front.h"
#include "loop.h"
#include "zc_fixture.h"

struct result {
	double cpu_us_per_flip, bytes_per_flip, flips_per_s, p50_ms, p99_ms;
	long rss_kb;
};

static double proc_cpu_s(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f || !fgets(buf, sizeof(buf), f)) {
		if (f)
			fclose(f);
		return 0;
	}
	fclose(f);
	/* Fields after the ")" of comm: state is field 3; utime 14, stime 15. */
	char *p = strrchr(buf, ')');
	unsigned long ut = 0, st = 0;
	if (p)
		sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
		       &ut, &st);
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static long proc_rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmRSS:", 6))
			kb = strtol(line + 6, NULL, 10);
	if (f)
		fclose(f);
	return kb;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Latency of each flip: the guest keeps one flip in flight, so the time
 * from flips_sent going up to flip_events going up is one flip's. */
static size_t measure(struct zc_fixture *fx, double secs, uint64_t *lat,
		      size_t max, uint64_t *flips)
{
	struct drm_front_stats st;
	uint64_t end = loop_now_ns() + (uint64_t)(secs * 1e9), sent_at = 0;
	uint64_t last_sent, last_evt;
	size_t n = 0;
	drm_front_get_stats(zc_front(fx), 0, &st);
	last_sent = st.flips_sent;
	last_evt = st.flip_events;
	uint64_t first_evt = last_evt;
	while (loop_now_ns() < end) {
		loop_dispatch(fx->loop, 5);
		drm_front_get_stats(zc_front(fx), 0, &st);
		uint64_t now = loop_now_ns();
		if (st.flip_events > last_evt && sent_at && n < max)
			lat[n++] = now - sent_at;
		if (st.flips_sent > last_sent)
			sent_at = now;
		else if (st.flip_events > last_evt)
			sent_at = 0;
		last_sent = st.flips_sent;
		last_evt = st.flip_events;
	}
	*flips = last_evt - first_evt;
	return n;
}

static int run(const char *vd, const char *tc, bool zero_copy, uint32_t w,
	       uint32_t h, double secs, struct result *r)
{
	struct zc_fixture fx;
	struct zc_opts o = {.vdispld = vd, .compositor = tc,
			    .kernel_dmabuf = zero_copy, .width = w, .height = h,
			    .fps = 0, .no_draw = true,
			    .status_interval_s = 0};
	static uint64_t lat[100000];
	struct zc_stats s1;
	int rc = -1;
	if (zc_start(&fx, &o) < 0 || !zc_wait_flips(&fx, 20, 20000)) {
		fprintf(stderr, "bench: setup failed\n");
		zc_dump_log(&fx, 20);
		goto out;
	}
	double cpu0 = proc_cpu_s(fx.vd);
	uint64_t flips = 0;
	size_t n = measure(&fx, secs, lat, sizeof(lat) / sizeof(lat[0]), &flips);
	double cpu1 = proc_cpu_s(fx.vd);
	r->rss_kb = proc_rss_kb(fx.vd);
	if (zc_stop_vdispld(&fx) < 0 || zc_read_stats(&fx, &s1) < 0 || !flips)
		goto out;
	qsort(lat, n, sizeof(lat[0]), cmp_u64);
	r->cpu_us_per_flip = (cpu1 - cpu0) * 1e6 / (double)flips;
	/* vdispld's counter covers the whole run, warm-up included. */
	r->bytes_per_flip = s1.frames ? (double)s1.bytes_copied / (double)s1.frames : 0;
	r->flips_per_s = (double)flips / secs;
	r->p50_ms = n ? (double)lat[n / 2] / 1e6 : 0;
	r->p99_ms = n ? (double)lat[n * 99 / 100] / 1e6 : 0;
	rc = 0;
out:
	zc_destroy(&fx);
	return rc;
}

static double memcpy_us(size_t bytes)
{
	char *a = malloc(bytes), *b = malloc(bytes);
	struct timespec t0, t1;
	int reps = 20;
	if (!a || !b) {
		free(a);
		free(b);
		return 0;
	}
	memset(a, 1, bytes);
	memset(b, 2, bytes);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < reps; i++) {
		memcpy(b, a, bytes);
		__asm__ volatile("" ::"r"(b) : "memory");
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	free(a);
	free(b);
	return ((double)(t1.tv_sec - t0.tv_sec) * 1e6 +
		(double)(t1.tv_nsec - t0.tv_nsec) / 1e3) / reps;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s VDISPLD TEST-COMPOSITOR [seconds]\n",
			argv[0]);
		return 2;
	}
	double secs = argc > 3 ? atof(argv[3]) : 3.0;
	static const uint32_t sizes[][2] = {{1920, 1080}, {3840, 2160}};
	printf("| size | path | CPU/flip (us) | bytes copied/flip | flips/s "
	       "| latency p50 (ms) | p99 (ms) | RSS (MiB) |\n"
	       "|---|---|---|---|---|---|---|---|\n");
	for (int s = 0; s < 2; s++) {
		for (int zc = 1; zc >= 0; zc--) {
			struct result r = {0};
			if (run(argv[1], argv[2], zc, sizes[s][0], sizes[s][1],
				secs, &r) < 0) {
				printf("| %ux%u | %s | failed |\n", sizes[s][0],
				       sizes[s][1], zc ? "zero-copy" : "copy");
				continue;
			}
			printf("| %ux%u | %s | %.0f | %.0f | %.1f | %.2f | %.2f "
			       "| %.1f |\n", sizes[s][0], sizes[s][1],
			       zc ? "zero-copy" : "copy", r.cpu_us_per_flip,
			       r.bytes_per_flip, r.flips_per_s, r.p50_ms,
			       r.p99_ms, (double)r.rss_kb / 1024.0);
			fflush(stdout);
		}
	}
	for (int s = 0; s < 2; s++) {
		size_t bytes = (size_t)sizes[s][0] * sizes[s][1] * 4;
		printf("\nmemcpy of one %ux%u XRGB frame (%zu bytes): %.0f us",
		       sizes[s][0], sizes[s][1], bytes, memcpy_us(bytes));
	}
	printf("\n");
	return 0;
}
