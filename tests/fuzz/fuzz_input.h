/* Reading a fuzz input as a stream of numbers: past the end, every read
 * is 0, so any byte string is a valid program. */
#ifndef VDISPLD_FUZZ_INPUT_H
#define VDISPLD_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct fin {
	const uint8_t *p;
	size_t n;
};

static inline void fin_bytes(struct fin *in, void *out, size_t len)
{
	size_t take = len < in->n ? len : in->n;

	memset(out, 0, len);
	memcpy(out, in->p, take);
	in->p += take;
	in->n -= take;
}

static inline uint8_t fin_u8(struct fin *in)
{
	uint8_t v;

	fin_bytes(in, &v, sizeof(v));
	return v;
}

static inline uint16_t fin_u16(struct fin *in)
{
	uint16_t v;

	fin_bytes(in, &v, sizeof(v));
	return v;
}

static inline uint32_t fin_u32(struct fin *in)
{
	uint32_t v;

	fin_bytes(in, &v, sizeof(v));
	return v;
}

static inline uint64_t fin_u64(struct fin *in)
{
	uint64_t v;

	fin_bytes(in, &v, sizeof(v));
	return v;
}

#include <stdlib.h>

#include "log.h"

/* Quiet unless VDISPLD_FUZZ_LOG names a level ("debug" also runs every
 * log format string: pair it with -close_fd_mask=2). */
static inline void fuzz_log_from_env(void)
{
	const char *lvl = getenv("VDISPLD_FUZZ_LOG");
	int parsed = lvl ? log_level_parse(lvl) : -1;

	log_set_level(parsed < 0 ? (enum log_level)0 : (enum log_level)parsed);
}

#endif
