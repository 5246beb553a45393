/* A minimal, valid EDID 1.4 base block describing one fixed mode, handed
 * to protocol-2 guests in answer to XENDISPL_OP_GET_EDID. */
#ifndef VDISPLD_DISPL_EDID_H
#define VDISPLD_DISPL_EDID_H

#include <stdint.h>

#define DISPL_EDID_SIZE 128u
/* A detailed timing descriptor has 12 bits per active dimension. */
#define DISPL_EDID_MAX_DIM 4095u

/* Writes 128 bytes: header, "XEN" vendor, digital input, preferred
 * detailed timing of width x height (60 Hz, lower if the pixel clock
 * would not fit; small modes get longer blanking so the clock reaches the
 * 10 MHz edid-decode requires), monitor name "vdispl", checksum. -EINVAL
 * if a dimension is 0 or above DISPL_EDID_MAX_DIM. tests/unit/displ
 * checks the block with edid-decode. */
int displ_edid_generate(uint8_t out[DISPL_EDID_SIZE], uint32_t width,
			uint32_t height);

#endif
