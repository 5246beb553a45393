/* The counters malloc_count.so keeps in MALLOC_COUNT_FILE (shared with
 * the benchmark, which reads them at both ends of a window). */
#ifndef VDISPLD_BENCH_MALLOC_COUNT_H
#define VDISPLD_BENCH_MALLOC_COUNT_H

#include <stdint.h>

struct malloc_count_page {
	uint64_t exe;	  /* called from the vdispld executable */
	uint64_t wayland; /* called from libwayland-client */
	uint64_t other;	  /* libc internals (strdup, stdio), other libraries */
};

#endif
