/* Display memory for backend-allocated buffers (be-alloc), as one fd that
 * the grant device can grant to the guest (xengnttab_dmabuf_imp_to_refs)
 * and the compositor can import (zwp_linux_dmabuf_v1): zero copy both ways.
 *
 * First choice, a buffer of the system dma-buf heap (/dev/dma_heap/system,
 * CONFIG_DMABUF_HEAPS_SYSTEM): a real dma-buf of the kernel's own pages,
 * which gntdev grants page by page and the CPU can mmap (the copy path
 * reads it). Then a udmabuf over a sealed memfd where /dev/udmabuf exists:
 * a real dma-buf too. Otherwise the memfd itself: the Xen simulator's grant
 * device and the test compositor take any mmap-able fd; a real gntdev
 * refuses it, and the caller falls back to gntalloc pages and copies.
 * (A DRM dumb buffer from /dev/dri/card* would be the scan-out friendly
 * choice on a machine with a display; not done yet.) */
#include <errno.h>
#include <fcntl.h>
#include <linux/dma-heap.h>
#include <linux/udmabuf.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "displ_priv.h"

static int udmabuf_wrap(int memfd, size_t size)
{
	int dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return -errno;
	struct udmabuf_create create = {
		.memfd = (uint32_t)memfd,
		.flags = UDMABUF_FLAGS_CLOEXEC,
		.offset = 0,
		.size = size,
	};
	int fd = ioctl(dev, UDMABUF_CREATE, &create);
	int err = errno;
	close(dev);
	return fd >= 0 ? fd : -err;
}

static int heap_alloc(size_t size)
{
	int heap = open("/dev/dma_heap/system", O_RDONLY | O_CLOEXEC);
	if (heap < 0)
		return -errno;
	struct dma_heap_allocation_data alloc = {
		.len = size,
		.fd_flags = O_RDWR | O_CLOEXEC,
	};
	int ret = ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &alloc);
	int err = errno;
	close(heap);
	return ret < 0 ? -err : (int)alloc.fd;
}

int displ_mem_alloc(size_t size, const char **kind)
{
	int heap_fd = heap_alloc(size);
	if (heap_fd >= 0) {
		*kind = "dma-heap system";
		return heap_fd;
	}
	int memfd = memfd_create("vdispld-be-alloc",
				 MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (memfd < 0)
		return -errno;
	if (ftruncate(memfd, (off_t)size) < 0) {
		int err = errno;
		close(memfd);
		return -err;
	}
	/* udmabuf wants the size fixed; harmless for a plain memfd. */
	fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
	int fd = udmabuf_wrap(memfd, size);
	if (fd >= 0) {
		close(memfd); /* the udmabuf holds the pages */
		*kind = "udmabuf";
		return fd;
	}
	*kind = "memfd";
	return memfd;
}
