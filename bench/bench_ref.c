/* The physical reference for the copy path: memcpy of one frame's bytes
 * on this machine, in vdispld's own pattern: sources alternate between
 * two buffers (the guest's double buffer), destinations rotate over three
 * (the wl_shm pool), every buffer touched before timing (no page faults).
 * Best of N, as a limit: nothing copies a frame faster here. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

#define REF_REPS 30

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

double bench_memcpy_us(size_t bytes)
{
	char *src[2], *dst[3];
	uint64_t best = UINT64_MAX;
	int ok = 1;
	for (int i = 0; i < 2; i++)
		ok &= (src[i] = malloc(bytes)) != NULL;
	for (int i = 0; i < 3; i++)
		ok &= (dst[i] = malloc(bytes)) != NULL;
	if (ok) {
		for (int i = 0; i < 2; i++)
			memset(src[i], 0x11 * (i + 1), bytes);
		for (int i = 0; i < 3; i++)
			memset(dst[i], 0, bytes);
		for (int i = 0; i < REF_REPS; i++) {
			uint64_t t0 = now_ns();
			memcpy(dst[i % 3], src[i % 2], bytes);
			__asm__ volatile("" ::"r"(dst[i % 3]) : "memory");
			uint64_t d = now_ns() - t0;
			if (d < best)
				best = d;
		}
	}
	for (int i = 0; i < 2; i++)
		free(src[i]);
	for (int i = 0; i < 3; i++)
		free(dst[i]);
	return ok ? (double)best / 1e3 : 0;
}
