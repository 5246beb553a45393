/* The physical reference for the copy path: memcpy of one frame's bytes
 * on this machine, in vdispld's own pattern: sources alternate between
 * two buffers (the guest's double buffer), destinations rotate over three
 * (the wl_shm pool), every buffer touched before timing (no page faults).
 *
 * Two readings of it:
 * - peak: back to back, best of 30: nothing copies a frame faster here;
 *   the reference for the unthrottled scenarios, which copy back to back.
 * - paced: one copy per 60 Hz period, mean of 180 (3 s): memcpy under the
 *   same rhythm as the 60 Hz scenarios. Between two frames 16 ms pass and
 *   the buffers leave the caches this shared machine has (memcpy itself
 *   then takes 1.5-2.5x its peak), so a 60 Hz copy is compared with this.
 *   One second of it (60) moved 20 % from run to run on the PVM machine;
 *   the scenarios it is held to average their copies over 10 s. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

#define REF_REPS 30
#define PACED_FRAMES 180
#define PACED_PERIOD_NS 16666667ull

struct ref_bufs {
	char *src[2], *dst[3];
};

uint64_t bench_clock_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void bufs_free(struct ref_bufs *b)
{
	for (int i = 0; i < 2; i++)
		free(b->src[i]);
	for (int i = 0; i < 3; i++)
		free(b->dst[i]);
}

static int bufs_alloc(struct ref_bufs *b, size_t bytes)
{
	int ok = 1;

	memset(b, 0, sizeof(*b));
	for (int i = 0; i < 2; i++)
		ok &= (b->src[i] = malloc(bytes)) != NULL;
	for (int i = 0; i < 3; i++)
		ok &= (b->dst[i] = malloc(bytes)) != NULL;
	if (!ok) {
		bufs_free(b);
		return -1;
	}
	for (int i = 0; i < 2; i++)
		memset(b->src[i], 0x11 * (i + 1), bytes);
	for (int i = 0; i < 3; i++)
		memset(b->dst[i], 0, bytes);
	return 0;
}

static uint64_t timed_copy(struct ref_bufs *b, int i, size_t bytes)
{
	uint64_t t0 = bench_clock_ns(CLOCK_MONOTONIC);
	memcpy(b->dst[i % 3], b->src[i % 2], bytes);
	__asm__ volatile("" ::"r"(b->dst[i % 3]) : "memory");
	return bench_clock_ns(CLOCK_MONOTONIC) - t0;
}

double bench_memcpy_us(size_t bytes)
{
	struct ref_bufs b;
	uint64_t best = UINT64_MAX;

	if (bufs_alloc(&b, bytes) < 0)
		return 0;
	for (int i = 0; i < REF_REPS; i++) {
		uint64_t d = timed_copy(&b, i, bytes);
		if (d < best)
			best = d;
	}
	bufs_free(&b);
	return (double)best / 1e3;
}

double bench_memcpy_paced_us(size_t bytes)
{
	struct ref_bufs b;
	uint64_t sum = 0, next = bench_clock_ns(CLOCK_MONOTONIC);

	if (bufs_alloc(&b, bytes) < 0)
		return 0;
	for (int i = 0; i < PACED_FRAMES; i++) {
		next += PACED_PERIOD_NS;
		struct timespec ts = {(time_t)(next / 1000000000ull),
				      (long)(next % 1000000000ull)};
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		sum += timed_copy(&b, i, bytes);
	}
	bufs_free(&b);
	return (double)sum / PACED_FRAMES / 1e3;
}
