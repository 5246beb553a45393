/* Pixel digests: the CRC a report line carries. Pixels are read where
 * they lie (the client's mapping); only one row at a time is converted, and
 * only when a dump file wants it. */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <drm_fourcc.h>

#include "tc.h"

static uint32_t crc_table[256];

static void crc_table_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

/* The CRC-32 of zlib's crc32() (IEEE 802.3, reflected). */
uint32_t tc_crc32(uint32_t crc, const void *data, size_t len)
{
	const uint8_t *p = data;
	if (!crc_table[1])
		crc_table_init();
	crc = ~crc;
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

int tc_format_bpp(uint32_t drm_format)
{
	switch (drm_format) {
	case DRM_FORMAT_XRGB8888:
	case DRM_FORMAT_ARGB8888:
		return 4;
	case DRM_FORMAT_RGB565:
		return 2;
	default:
		return 0;
	}
}

const char *tc_format_name(uint32_t drm_format, char buf[5])
{
	for (int i = 0; i < 4; i++) {
		char c = (char)((drm_format >> (8 * i)) & 0xff);
		buf[i] = (c >= 0x20 && c < 0x7f) ? c : '?';
	}
	buf[4] = '\0';
	return buf;
}

/* One pixel as the word the CRC covers: XRGB with X = 0 (the padding a
 * guest leaves is not part of the picture), ARGB as is, RGB565 widened with
 * bit replication. */
static uint32_t pixel_word(const uint8_t *p, uint32_t drm_format)
{
	if (drm_format == DRM_FORMAT_RGB565) {
		uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8;
		uint32_t r = (v >> 11) & 0x1f, g = (v >> 5) & 0x3f, b = v & 0x1f;
		r = (r << 3) | (r >> 2);
		g = (g << 2) | (g >> 4);
		b = (b << 3) | (b >> 2);
		return r << 16 | g << 8 | b;
	}
	uint32_t w = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
		     (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	return drm_format == DRM_FORMAT_XRGB8888 ? (w & 0x00ffffffu) : w;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int tc_pixels_digest(const uint8_t *base, int32_t width, int32_t height,
		     int32_t stride, uint32_t drm_format,
		     struct tc_frame_info *info, int dump_fd)
{
	int bpp = tc_format_bpp(drm_format);
	if (!bpp || width <= 0 || height <= 0 || width > 16384)
		return -EINVAL;
	uint32_t row[256];
	uint32_t crc = 0;
	int ret = 0;
	info->px0 = pixel_word(base, drm_format);
	for (int32_t y = 0; y < height; y++) {
		const uint8_t *line = base + (size_t)y * (size_t)stride;
		/* Converted in chunks so a row never needs a heap copy. */
		for (int32_t x = 0; x < width; x += 256) {
			int32_t n = width - x < 256 ? width - x : 256;
			for (int32_t i = 0; i < n; i++)
				row[i] = htole32(pixel_word(
					line + (size_t)(x + i) * (size_t)bpp,
					drm_format));
			crc = tc_crc32(crc, row, (size_t)n * 4);
			if (dump_fd >= 0 && ret == 0)
				ret = write_all(dump_fd, row, (size_t)n * 4);
		}
	}
	info->crc = crc;
	return ret;
}
