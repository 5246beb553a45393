/* What kms_check draws and kms_shot_check expects: connector conn's
 * frame (0 or 1) at pixel (x, y), as XRGB8888. conn 2 is the test
 * lessor's own picture on the output it keeps (kms_lessor). */
#ifndef KMS_PATTERN_H
#define KMS_PATTERN_H

#include <stdint.h>

static inline uint32_t kms_pattern(unsigned conn, unsigned frame, uint32_t x,
				   uint32_t y)
{
	uint32_t v = conn == 0 ? (0x10 + x % 200) << 16 | (y % 256) << 8 |
					 ((x * 3 + y) & 0xff)
		     : conn == 1 ? ((x * 5) & 0xff) << 16 |
					 (0x80 | (y & 0x7f)) << 8 | ((x ^ y) & 0xff)
				 : ((x + 2 * y) & 0xff) << 16 | 0x40 << 8 |
					 ((y * 7) & 0xff);
	return frame ? v ^ 0x5a3c96 : v;
}

#endif
