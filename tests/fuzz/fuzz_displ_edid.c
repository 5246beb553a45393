/* Fuzz target 4: EDID generation for any width x height. The output is a
 * heap block of exactly 128 bytes (ASan sees a byte more). Success must
 * come exactly for 1..DISPL_EDID_MAX_DIM, and then the block is a valid
 * EDID whose preferred detailed timing gives back width x height. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "displ_edid.h"
#include "fuzz_guest.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_edid(const uint8_t *e, uint32_t w, uint32_t h)
{
	static const uint8_t magic[8] = { 0, 0xff, 0xff, 0xff,
					  0xff, 0xff, 0xff, 0 };
	const uint8_t *dtd = &e[54];
	uint8_t sum = 0;
	uint32_t clk, hact, vact, hblank, vblank;

	for (unsigned i = 0; i < DISPL_EDID_SIZE; i++)
		sum += e[i];
	FG_CHECK(sum == 0);
	FG_CHECK(memcmp(e, magic, sizeof(magic)) == 0);
	FG_CHECK(e[18] == 1 && e[19] == 4 && e[126] == 0);
	FG_CHECK(e[21] >= 1 && e[22] >= 1);
	clk = dtd[0] | (uint32_t)dtd[1] << 8;
	hact = dtd[2] | (uint32_t)(dtd[4] >> 4) << 8;
	hblank = dtd[3] | (uint32_t)(dtd[4] & 0xf) << 8;
	vact = dtd[5] | (uint32_t)(dtd[7] >> 4) << 8;
	vblank = dtd[6] | (uint32_t)(dtd[7] & 0xf) << 8;
	FG_CHECK(clk != 0 && hact == w && vact == h);
	/* edid-decode fails a clock under 10 MHz and an image size with a
	 * 0 side. */
	FG_CHECK(clk >= 1000);
	FG_CHECK((dtd[12] | (dtd[14] & 0xf0)) != 0 &&
		 (dtd[13] | (dtd[14] & 0x0f)) != 0);
	/* The clock is frame size x 60, 50, 30 or 24 Hz, rounded to the
	 * 10 kHz the field counts in. */
	{
		static const uint32_t rates[4] = { 60, 50, 30, 24 };
		uint64_t hz = (uint64_t)clk * 10000;
		uint64_t frame = (uint64_t)(hact + hblank) * (vact + vblank);
		bool match = false;

		for (unsigned i = 0; i < 4; i++) {
			uint64_t want = frame * rates[i];

			match |= hz + 5000 >= want && hz <= want + 5000;
		}
		FG_CHECK(match);
	}
	/* Descriptor 2 is the monitor name, 3 and 4 dummies. */
	FG_CHECK(e[72 + 3] == 0xfc && e[90 + 3] == 0x10 && e[108 + 3] == 0x10);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fin in = { .p = data, .n = size };
	uint8_t *out = malloc(DISPL_EDID_SIZE);
	uint32_t w = fin_u32(&in), h = fin_u32(&in);
	uint8_t mode = fin_u8(&in);
	int ret;

	FG_CHECK(out != NULL);
	/* Mostly the interesting range, sometimes anything. */
	if (!(mode & 1)) {
		w %= DISPL_EDID_MAX_DIM + 2;
		h %= DISPL_EDID_MAX_DIM + 2;
	}
	memset(out, 0xa5, DISPL_EDID_SIZE);
	ret = displ_edid_generate(out, w, h);
	if (w >= 1 && w <= DISPL_EDID_MAX_DIM && h >= 1 &&
	    h <= DISPL_EDID_MAX_DIM) {
		FG_CHECK(ret == 0);
		check_edid(out, w, h);
	} else {
		FG_CHECK(ret < 0);
	}
	free(out);
	return 0;
}
