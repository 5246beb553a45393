/* EDID 1.4 base block for a virtual connector. The guest takes its modes
 * from here when it asks (protocol 2), so the one mode we describe must be
 * exactly the connector's resolution, marked preferred. */
#include <errno.h>
#include <string.h>

#include "displ_edid.h"

#define EDID_DTD_OFFSET 54
#define EDID_DESC_SIZE 18

/* Reduced blanking, CVT-RB style: small fixed porches are fine for a
 * virtual panel and keep the pixel clock low. */
#define H_FRONT 48u
#define H_SYNC 32u
#define H_BACK 80u
#define V_FRONT 3u
#define V_SYNC 5u
#define V_BACK 15u

/* Pixel clock is a 16-bit count of 10 kHz units. edid-decode takes a
 * clock below 10 MHz for invalid data and drops the timing, so a small
 * mode gets longer blanking until one frame at 60 Hz is worth 10 MHz; its
 * active size and refresh stay as they are. */
#define MAX_CLOCK_10KHZ 65535u
#define MIN_CLOCK_HZ 10000000u
#define MIN_FRAME_PIXELS ((MIN_CLOCK_HZ + 59u) / 60u)
/* A DTD's blanking fields hold 12 bits. */
#define MAX_BLANK 4095u

static void put_header(uint8_t *e)
{
	static const uint8_t magic[8] = { 0x00, 0xff, 0xff, 0xff,
					  0xff, 0xff, 0xff, 0x00 };
	/* "XEN" in the 5-bit compressed ASCII vendor ID, big-endian. */
	const uint16_t vendor = (('X' - '@') << 10) | (('E' - '@') << 5) |
				('N' - '@');

	memcpy(e, magic, sizeof(magic));
	e[8] = vendor >> 8;
	e[9] = vendor & 0xff;
	e[10] = 0x01; /* product code, little-endian */
	e[11] = 0x00;
	e[16] = 0;    /* week unknown */
	e[17] = 2024 - 1990;
	e[18] = 1; /* EDID 1.4 */
	e[19] = 4;
}

static void put_basic_params(uint8_t *e, uint32_t width_mm,
			     uint32_t height_mm)
{
	static const uint8_t srgb_chroma[10] = { 0xee, 0x91, 0xa3, 0x54, 0x4c,
						 0x99, 0x26, 0x0f, 0x50, 0x54 };
	uint32_t w_cm = (width_mm + 5) / 10, h_cm = (height_mm + 5) / 10;

	e[20] = 0xa0; /* digital input, 8 bits per colour */
	e[21] = w_cm == 0 ? 1 : (w_cm > 255 ? 255 : w_cm);
	e[22] = h_cm == 0 ? 1 : (h_cm > 255 ? 255 : h_cm);
	e[23] = 120; /* gamma 2.2 */
	/* sRGB default colour space, preferred timing is native. */
	e[24] = 0x06;
	memcpy(&e[25], srgb_chroma, sizeof(srgb_chroma));
	/* No established timings (35..37 stay 0); standard timings unused. */
	for (int i = 38; i < 54; i++)
		e[i] = 0x01;
}

static uint32_t pixel_clock_10khz(uint32_t htotal, uint32_t vtotal,
				  uint32_t *refresh)
{
	static const uint32_t rates[] = { 60, 50, 30, 24 };

	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		uint64_t hz = (uint64_t)htotal * vtotal * rates[i];
		uint64_t clk = (hz + 5000) / 10000;

		if (clk <= MAX_CLOCK_10KHZ) {
			*refresh = rates[i];
			return (uint32_t)clk;
		}
	}
	return 0;
}

/* Upper nibbles of two 12-bit values, as the DTD packs them. */
static uint8_t hi_nibbles(uint32_t a, uint32_t b)
{
	return (uint8_t)((((a >> 8) & 0x0f) << 4) | ((b >> 8) & 0x0f));
}

/* Bits 9:8 of the horizontal porch/sync and 5:4 of the vertical ones. */
static uint8_t sync_hi_bits(uint32_t hfront, uint32_t hsync, uint32_t vfront,
			    uint32_t vsync)
{
	return (uint8_t)((((hfront >> 8) & 3) << 6) | (((hsync >> 8) & 3) << 4) |
			 (((vfront >> 4) & 3) << 2) | ((vsync >> 4) & 3));
}

/* Blanking for a w x h mode: the fixed porches, stretched (horizontal
 * back porch first, then vertical) while a frame has fewer pixels than
 * MIN_FRAME_PIXELS. With both at MAX_BLANK a frame has at least
 * 4096 x 4096 pixels, so this always ends. */
static void blanking(uint32_t w, uint32_t h, uint32_t *hblank,
		     uint32_t *vblank)
{
	uint32_t hb = H_FRONT + H_SYNC + H_BACK, vb = V_FRONT + V_SYNC + V_BACK;

	if ((uint64_t)(w + hb) * (h + vb) < MIN_FRAME_PIXELS) {
		uint32_t htotal = (MIN_FRAME_PIXELS + h + vb - 1) / (h + vb);

		hb = htotal - w > MAX_BLANK ? MAX_BLANK : htotal - w;
	}
	if ((uint64_t)(w + hb) * (h + vb) < MIN_FRAME_PIXELS)
		vb = (MIN_FRAME_PIXELS + w + hb - 1) / (w + hb) - h;
	*hblank = hb;
	*vblank = vb;
}

static int put_dtd(uint8_t *d, uint32_t w, uint32_t h, uint32_t w_mm,
		   uint32_t h_mm)
{
	uint32_t hblank, vblank;
	uint32_t refresh;
	uint32_t clk;

	blanking(w, h, &hblank, &vblank);
	clk = pixel_clock_10khz(w + hblank, h + vblank, &refresh);
	if (clk == 0)
		return -EINVAL;
	d[0] = clk & 0xff;
	d[1] = clk >> 8;
	d[2] = w & 0xff;
	d[3] = hblank & 0xff;
	d[4] = hi_nibbles(w, hblank);
	d[5] = h & 0xff;
	d[6] = vblank & 0xff;
	d[7] = hi_nibbles(h, vblank);
	d[8] = H_FRONT & 0xff;
	d[9] = H_SYNC & 0xff;
	d[10] = (V_FRONT & 0x0f) << 4 | (V_SYNC & 0x0f);
	d[11] = sync_hi_bits(H_FRONT, H_SYNC, V_FRONT, V_SYNC);
	d[12] = w_mm & 0xff;
	d[13] = h_mm & 0xff;
	d[14] = hi_nibbles(w_mm, h_mm);
	d[15] = 0;
	d[16] = 0;
	d[17] = 0x1e; /* digital separate sync, +hsync +vsync */
	return 0;
}

static void put_name(uint8_t *d, const char *name)
{
	size_t len = strlen(name);

	memset(d, 0, EDID_DESC_SIZE);
	d[3] = 0xfc; /* display product name */
	/* Text is 13 bytes, ended by 0x0a and padded with spaces. */
	memset(&d[5], ' ', 13);
	if (len > 12)
		len = 12;
	memcpy(&d[5], name, len);
	d[5 + len] = 0x0a;
}

static void put_dummy(uint8_t *d)
{
	memset(d, 0, EDID_DESC_SIZE);
	d[3] = 0x10; /* dummy descriptor */
}

int displ_edid_generate(uint8_t out[DISPL_EDID_SIZE], uint32_t width,
			uint32_t height)
{
	/* A 96 dpi panel: plausible physical size so DPI maths works. */
	uint32_t w_mm, h_mm;
	uint8_t sum = 0;

	if (width == 0 || height == 0 || width > DISPL_EDID_MAX_DIM ||
	    height > DISPL_EDID_MAX_DIM)
		return -EINVAL;
	/* At least 1 mm each: a DTD image size with a 0 reads as "not set",
	 * which contradicts the screen size the basic block gives. */
	w_mm = (uint32_t)(((uint64_t)width * 254 + 480) / 960);
	h_mm = (uint32_t)(((uint64_t)height * 254 + 480) / 960);
	w_mm = w_mm == 0 ? 1 : w_mm;
	h_mm = h_mm == 0 ? 1 : h_mm;

	memset(out, 0, DISPL_EDID_SIZE);
	put_header(out);
	put_basic_params(out, w_mm, h_mm);
	if (put_dtd(&out[EDID_DTD_OFFSET], width, height, w_mm, h_mm) < 0)
		return -EINVAL;
	put_name(&out[EDID_DTD_OFFSET + EDID_DESC_SIZE], "vdispl");
	put_dummy(&out[EDID_DTD_OFFSET + 2 * EDID_DESC_SIZE]);
	put_dummy(&out[EDID_DTD_OFFSET + 3 * EDID_DESC_SIZE]);
	out[126] = 0; /* no extension blocks */
	for (unsigned i = 0; i < DISPL_EDID_SIZE - 1; i++)
		sum += out[i];
	out[127] = (uint8_t)(0x100 - sum);
	return 0;
}
