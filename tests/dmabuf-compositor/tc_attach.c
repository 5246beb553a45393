/* --attach-only: dma-bufs the CPU cannot map, taken as a display
 * controller takes them. A real gntdev export (Linux's gntdev-dmabuf.c)
 * has only attach/map_dma_buf/release ops: mmap() of it fails, and only a
 * DMA importer can use it. Such a buffer is checked for what a scan-out
 * importer needs (a dma-buf, as the kernel says, big enough for the
 * plane), held until released, and never read: its report lines say
 * "attach-only" instead of a CRC. */
#include <stdio.h>
#include <string.h>

#include "tc.h"

bool tc_attach_is_dmabuf(int fd, char *exp, size_t len)
{
	char path[64], line[128];
	bool found = false;

	/* dma_buf_show_fdinfo() writes "exp_name:\t<exporter>" for every
	 * dma-buf; no other file has that line. */
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char name[64];
		if (sscanf(line, "exp_name: %63s", name) == 1) {
			snprintf(exp, len, "%s", name);
			found = true;
		}
	}
	fclose(f);
	return found;
}
