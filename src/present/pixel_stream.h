/* Streaming (non-temporal) row copies for the wl_shm copy path. */
#ifndef VDISPLD_PIXEL_STREAM_H
#define VDISPLD_PIXEL_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Frames of at least this many bytes are copied with streaming stores
 * where the host has them: they would not stay in the caches anyway. */
#define PIXSTREAM_MIN_FRAME (1u << 20)

/* True where pixstream_row writes around the caches (x86 with SSE2);
 * elsewhere it is a plain copy and callers may as well use their own. */
bool pixstream_available(void);

/* Copies one row of bytes, OR-ing fill32 into every 32-bit lane counted
 * from the row's start (the padding bits of a 2- or 4-byte-per-pixel X
 * format, repeated to 32 bits; 0 for a plain copy). in and out need no
 * alignment. Call pixstream_done() after the last row of a frame. */
void pixstream_row(uint8_t *out, const uint8_t *in, size_t bytes,
		   uint32_t fill32);

/* Orders the streamed stores before anything that follows (the commit
 * that hands the buffer to the compositor). */
void pixstream_done(void);

#endif
