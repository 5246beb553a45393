/* Row copies that write around the caches, for frames too big to stay in
 * them. A copied frame is written once and read later by the compositor,
 * never by us. Ordinary stores first read every destination line into the
 * cache (read for ownership) and evict what the guest and the compositor
 * are using; streaming stores send whole lines straight to memory, a third
 * less memory traffic, and the source is prefetched a page ahead because
 * the hardware prefetcher stops at page ends (the benchmark's copy rows
 * hold this against memcpy: docs/performance.md).
 *
 * The x86 version needs only SSE2 (every x86-64). Elsewhere the row is
 * copied with ordinary stores by the same byte-exact rule. */
#include "pixel_stream.h"

#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#include <xmmintrin.h>
#define PIXSTREAM_SSE2 1
#define PREFETCH_AHEAD 4096
#endif

/* The fill pattern's byte for row offset j: lanes are counted from the
 * row's start, little-endian (the DRM layout), whatever the host. */
static inline uint8_t fill_byte(uint32_t fill32, size_t j)
{
	return (uint8_t)(fill32 >> (8 * (j & 3)));
}

static void bytes_filled(uint8_t *out, const uint8_t *in, size_t from,
			 size_t to, uint32_t fill32)
{
	for (size_t j = from; j < to; j++)
		out[j] = in[j] | fill_byte(fill32, j);
}

bool pixstream_available(void)
{
#ifdef PIXSTREAM_SSE2
	return true;
#else
	return false;
#endif
}

#ifdef PIXSTREAM_SSE2
void pixstream_row(uint8_t *out, const uint8_t *in, size_t bytes,
		   uint32_t fill32)
{
	/* Streaming stores need 16-byte aligned destinations: the head up to
	 * the first aligned byte goes one byte at a time. */
	size_t head = (16 - ((uintptr_t)out & 15)) & 15;

	if (head > bytes)
		head = bytes;
	bytes_filled(out, in, 0, head, fill32);
	/* The pattern as seen from the first aligned byte. */
	unsigned rot = 8 * (unsigned)(head & 3);
	uint32_t f = rot ? fill32 >> rot | fill32 << (32 - rot) : fill32;
	const __m128i f4 = _mm_set1_epi32((int)f);
	size_t j = head;

	for (; j + 64 <= bytes; j += 64) {
		const __m128i *s = (const __m128i *)(const void *)(in + j);

		/* The hardware prefetcher stops at 4 KiB page ends; asking a
		 * page ahead keeps the reads streaming. A prefetch never
		 * faults, past the end of the mapping included. */
		if ((j & 255) == 0)
			_mm_prefetch((const char *)in + j + PREFETCH_AHEAD,
				     _MM_HINT_T0);
		__m128i *d = (__m128i *)(void *)(out + j);
		__m128i a = _mm_loadu_si128(s), b = _mm_loadu_si128(s + 1);
		__m128i c = _mm_loadu_si128(s + 2), e = _mm_loadu_si128(s + 3);

		_mm_stream_si128(d, _mm_or_si128(a, f4));
		_mm_stream_si128(d + 1, _mm_or_si128(b, f4));
		_mm_stream_si128(d + 2, _mm_or_si128(c, f4));
		_mm_stream_si128(d + 3, _mm_or_si128(e, f4));
	}
	bytes_filled(out, in, j, bytes, fill32);
}

void pixstream_done(void) { _mm_sfence(); }
#else
void pixstream_row(uint8_t *out, const uint8_t *in, size_t bytes,
		   uint32_t fill32)
{
	if (!fill32) {
		memcpy(out, in, bytes);
		return;
	}
	bytes_filled(out, in, 0, bytes, fill32);
}

void pixstream_done(void) {}
#endif
