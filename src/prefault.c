/* Page faults belong to configuration, not to frames. A fresh wl_shm pool
 * of a 1080p connector is 2025 pages a buffer; left to the first copies,
 * each page faulted (allocate, zero, map) inside the copy, and on a host
 * whose hypervisor builds its own page tables on first access (the PVM
 * machines of docs/performance.md) a page cost 5 us to write and 2 us to
 * read the first time: the first two copied frames took 12 and 50 ms
 * instead of 0.6.
 *
 * Writing takes two steps, because each helps where the other can't: the
 * kernel allocates and maps the pages writable in one call
 * (MADV_POPULATE_WRITE, Linux 5.14; older kernels say EINVAL and the
 * touch below does it all), then one store per page from here makes the
 * hypervisor map them too (on bare metal a TLB miss each, 0.2 ms a 1080p
 * buffer). */
#include "prefault.h"

#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* <linux/mman.h>; glibc < 2.35 lacks it */
#endif

static size_t page_size(void)
{
	long page = sysconf(_SC_PAGESIZE);
	return page > 0 ? (size_t)page : 4096;
}

void prefault_write(void *p, size_t size)
{
	size_t step = page_size();
	volatile uint8_t *b = p;

	if (!p || size == 0)
		return;
	(void)madvise(p, size, MADV_POPULATE_WRITE); /* best effort */
	for (size_t off = 0; off < size; off += step)
		b[off] = 0; /* already 0: only the mapping changes */
	b[size - 1] = 0;
}

void prefault_read(const void *p, size_t size)
{
	size_t step = page_size();
	const volatile uint8_t *b = p;
	uint8_t sink = 0;

	if (!p || size == 0)
		return;
	for (size_t off = 0; off < size; off += step)
		sink |= b[off];
	sink |= b[size - 1];
	(void)sink;
}
