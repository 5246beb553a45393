/* Page faults taken when memory is set up, not in the frames that use it. */
#ifndef VDISPLD_PREFAULT_H
#define VDISPLD_PREFAULT_H

#include <stddef.h>

/* Allocates every page of the writable mapping [p, p + size) and makes it
 * writable now, so that the first frames written into it take no page
 * fault. The memory must be zero-filled (fresh from the kernel): its
 * content does not change. */
void prefault_write(void *p, size_t size);

/* Reads one byte of every page of [p, p + size), so that the first frame
 * read from it takes no fault (a grant mapping on the copy path). */
void prefault_read(const void *p, size_t size);

#endif
