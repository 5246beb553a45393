/* The row converters behind pixel_format.to_xrgb (pixel_convert.c), named
 * for the table in pixel_format.c. */
#ifndef VDISPLD_PIXEL_ROWS_H
#define VDISPLD_PIXEL_ROWS_H

#include <stdint.h>

void pixrow_xrgb8888(uint32_t *dst, const uint8_t *line, uint32_t x0,
		     uint32_t w);
void pixrow_xbgr8888(uint32_t *dst, const uint8_t *line, uint32_t x0,
		     uint32_t w);
void pixrow_rgb565(uint32_t *dst, const uint8_t *line, uint32_t x0,
		   uint32_t w);
void pixrow_xrgb1555(uint32_t *dst, const uint8_t *line, uint32_t x0,
		     uint32_t w);
void pixrow_xrgb4444(uint32_t *dst, const uint8_t *line, uint32_t x0,
		     uint32_t w);
void pixrow_rgb888(uint32_t *dst, const uint8_t *line, uint32_t x0,
		   uint32_t w);
void pixrow_bgr888(uint32_t *dst, const uint8_t *line, uint32_t x0,
		   uint32_t w);
void pixrow_yuyv(uint32_t *dst, const uint8_t *line, uint32_t x0,
		 uint32_t w);

#endif
