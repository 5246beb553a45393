/* edid_write W H: writes the 128-byte EDID block displ_edid_generate()
 * makes for W x H to standard output, for edid_decode_check.sh to hand to
 * an independent decoder. Exit 1 if the generator refuses the size, 2 on
 * bad arguments or a failed write. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "displ_edid.h"

static int parse_dim(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int main(int argc, char **argv)
{
	uint8_t e[DISPL_EDID_SIZE];
	uint32_t w, h;
	int ret;

	if (argc != 3 || parse_dim(argv[1], &w) < 0 ||
	    parse_dim(argv[2], &h) < 0) {
		fprintf(stderr, "usage: edid_write WIDTH HEIGHT\n");
		return 2;
	}
	ret = displ_edid_generate(e, w, h);
	if (ret < 0) {
		fprintf(stderr, "edid_write: %ux%u refused (%d)\n", w, h, ret);
		return 1;
	}
	if (fwrite(e, 1, sizeof(e), stdout) != sizeof(e) || fflush(stdout)) {
		perror("edid_write");
		return 2;
	}
	return 0;
}
