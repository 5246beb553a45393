/* Page faults taken when memory is set up, not in the frames that use it. */
#ifndef VDISPLD_PREFAULT_H
#define VDISPLD_PREFAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct loop;

/* Allocates every page of the writable mapping [p, p + size) and makes it
 * writable now, so that the first frames written into it take no page
 * fault. Its content does not change (each touched byte is written back
 * as read); only the caller's thread may write it meanwhile. */
void prefault_write(void *p, size_t size);

/* Reads one byte of every page of [p, p + size), so that the first frame
 * read from it takes no fault (a grant mapping on the copy path). */
void prefault_read(const void *p, size_t size);

/* The same, a slice per loop turn (PREFAULT_SLICE bytes), so that one
 * guest's big buffer never holds up the loop for the others (a 1080p pool
 * takes tens of milliseconds to fault in where the hypervisor maps each
 * page again). done(data, ns), where
 * ns is the time spent touching, runs once the last slice is done; the
 * job then frees itself. NULL (errno) if it could not start. */
#define PREFAULT_SLICE (1u << 20)
struct prefault_job;
typedef void (*prefault_done_fn)(void *data, uint64_t ns);
struct prefault_job *prefault_start(struct loop *loop, void *p, size_t size,
				    bool write, prefault_done_fn done,
				    void *data);
/* Stops a job that has not finished (before its memory goes). NULL: no-op. */
void prefault_cancel(struct prefault_job *job);

#endif
