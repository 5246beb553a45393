/* Page faults belong to configuration, not to frames. A fresh wl_shm pool
 * or grant mapping is thousands of pages; left to the first copies, each
 * page faults (allocate, zero, map) inside the copy, and a hypervisor that
 * builds its own page tables on first access adds its own fault on top,
 * so the first frames of a connector would cost many times a steady one
 * (figures: docs/performance.md).
 *
 * Writing takes two steps, because each helps where the other can't: the
 * kernel allocates and maps the pages writable in one call
 * (MADV_POPULATE_WRITE, Linux 5.14; older kernels say EINVAL and the
 * touch below does it all), then one store per page from here makes such
 * a hypervisor map them too (on bare metal: one TLB miss each). The store
 * writes back the byte it read: a slice may run after
 * a frame was already copied into the buffer (and only this thread writes
 * it), so nothing the compositor shows changes. */
#include "prefault.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "loop.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* <linux/mman.h>; glibc < 2.35 lacks it */
#endif

static size_t page_size(void)
{
	long page = sysconf(_SC_PAGESIZE);
	return page > 0 ? (size_t)page : 4096;
}

/* Stores the byte it reads: the page is written, its content unchanged. */
static void rewrite(volatile uint8_t *at)
{
	uint8_t v = *at;
	*at = v;
}

void prefault_write(void *p, size_t size)
{
	size_t step = page_size();
	volatile uint8_t *b = p;

	if (!p || size == 0)
		return;
	(void)madvise(p, size, MADV_POPULATE_WRITE); /* best effort */
	for (size_t off = 0; off < size; off += step)
		rewrite(b + off);
	rewrite(b + size - 1);
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

struct prefault_job {
	struct loop *loop;
	struct loop_source *next; /* the deferred call of the next slice */
	uint8_t *p;
	size_t size, done_bytes;
	bool write;
	uint64_t ns;
	prefault_done_fn done;
	void *data;
};

static void job_slice(void *data)
{
	struct prefault_job *job = data;
	size_t n = job->size - job->done_bytes;
	uint64_t t0 = loop_now_ns();

	job->next = NULL;
	if (n > PREFAULT_SLICE)
		n = PREFAULT_SLICE;
	if (job->write)
		prefault_write(job->p + job->done_bytes, n);
	else
		prefault_read(job->p + job->done_bytes, n);
	job->done_bytes += n;
	job->ns += loop_now_ns() - t0;
	if (job->done_bytes < job->size) {
		job->next = loop_defer(job->loop, job_slice, job);
		if (job->next)
			return;
		/* No memory to go on: the rest faults in when first used. */
	}
	if (job->done)
		job->done(job->data, job->ns);
	free(job);
}

struct prefault_job *prefault_start(struct loop *loop, void *p, size_t size,
				    bool write, prefault_done_fn done,
				    void *data)
{
	struct prefault_job *job;

	if (!loop || !p || size == 0) {
		errno = EINVAL;
		return NULL;
	}
	job = calloc(1, sizeof(*job));
	if (!job)
		return NULL;
	*job = (struct prefault_job){.loop = loop, .p = p, .size = size,
				     .write = write, .done = done,
				     .data = data};
	job->next = loop_defer(loop, job_slice, job);
	if (!job->next) {
		free(job);
		return NULL;
	}
	return job;
}

void prefault_cancel(struct prefault_job *job)
{
	if (!job)
		return;
	loop_remove(job->next);
	free(job);
}
