/* Grant tables for vdispld: mapping a guest's granted pages, sharing our
 * own pages with a guest, and dma-buf export/import. The only door to
 * libxengnttab / libxengntshr. */
#ifndef VDISPLD_XEN_GRANT_H
#define VDISPLD_XEN_GRANT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XGRANT_PAGE_SIZE 4096u

struct xgrant;

/* Opens gnttab (required) and gntshr (optional: NULL inside if the system
 * has no /dev/xen/gntalloc; then xgrant_share fails with ENOSYS). */
struct xgrant *xgrant_open(void);
void xgrant_close(struct xgrant *xg);

/* Maps count grant refs of domid as one contiguous region. NULL + errno. */
void *xgrant_map(struct xgrant *xg, uint32_t domid, uint32_t count,
		 const uint32_t *refs, bool writable);
/* 0 or -errno; a failure is logged (with the current guest's prefix), so
 * callers, which can do nothing more about it, may ignore the result. */
int xgrant_unmap(struct xgrant *xg, void *addr, uint32_t count);

/* Allocates count zeroed pages and grants them to domid; refs_out gets one
 * ref per page. Returns the local mapping, NULL + errno on failure. */
void *xgrant_share(struct xgrant *xg, uint32_t domid, uint32_t count,
		   uint32_t *refs_out, bool writable);
int xgrant_unshare(struct xgrant *xg, void *addr, uint32_t count);

/* Exports the guest's refs as one dma-buf fd (zero copy). -errno on
 * failure (ENOTSUP/ENOTTY/EINVAL when the kernel can't). wait_handle gets
 * the id for xgrant_dmabuf_wait_released. */
int xgrant_dmabuf_export(struct xgrant *xg, uint32_t domid, uint32_t count,
			 const uint32_t *refs, uint32_t *wait_handle);
/* 0 once released, -ETIMEDOUT if still in use after timeout_ms. */
int xgrant_dmabuf_wait_released(struct xgrant *xg, uint32_t wait_handle,
				uint32_t timeout_ms);
/* Grants a dma-buf fd's pages to domid (backend allocation, zero copy). */
int xgrant_dmabuf_import(struct xgrant *xg, int fd, uint32_t domid,
			 uint32_t count, uint32_t *refs_out);
int xgrant_dmabuf_import_release(struct xgrant *xg, int fd);

#endif
