/* Grant tables through libxengnttab (mapping and dma-buf) and
 * libxengntshr (sharing our pages). */
#include "xen_grant.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <xengnttab.h>

#include "log.h"
#include "xen_log.h"

struct xgrant {
	xengnttab_handle *gnttab;
	xengntshr_handle *gntshr; /* NULL where /dev/xen/gntalloc is absent */
};

struct xgrant *xgrant_open(void)
{
	struct xgrant *xg = calloc(1, sizeof(*xg));
	if (!xg)
		return NULL;
	xg->gnttab = xengnttab_open(xen_logger(), 0);
	if (!xg->gnttab) {
		int err = errno;
		log_error("grant: cannot open the grant device: %s",
			  strerror(err));
		free(xg);
		errno = err;
		return NULL;
	}
	/* Sharing is only needed for backend-allocated buffers; a system
	 * without gntalloc can still serve frontend-allocated ones. */
	xg->gntshr = xengntshr_open(xen_logger(), 0);
	if (!xg->gntshr)
		log_info("grant: no grant sharing (%s): backend-allocated "
			 "buffers unavailable",
			 strerror(errno));
	return xg;
}

void xgrant_close(struct xgrant *xg)
{
	if (!xg)
		return;
	if (xg->gntshr)
		xengntshr_close(xg->gntshr);
	xengnttab_close(xg->gnttab);
	free(xg);
}

void *xgrant_map(struct xgrant *xg, uint32_t domid, uint32_t count,
		 const uint32_t *refs, bool writable)
{
	if (count == 0) {
		errno = EINVAL;
		return NULL;
	}
	int prot = PROT_READ | (writable ? PROT_WRITE : 0);
	/* The library does not write refs; its prototype just lacks const. */
	return xengnttab_map_domain_grant_refs(xg->gnttab, count, domid,
					       (uint32_t *)refs, prot);
}

/* Logged here, once for every caller: a mapping that stays is guest
 * memory still in our address space, worth an operator's eye; the caller
 * has nothing else to do about it. */
int xgrant_unmap(struct xgrant *xg, void *addr, uint32_t count)
{
	if (xengnttab_unmap(xg->gnttab, addr, count) < 0) {
		int err = errno;
		log_src_msg(LOG_LVL_WARN, log_current(), -1,
			    "gnttab: unmapping %u page(s): %s", count,
			    strerror(err));
		return -err;
	}
	return 0;
}

void *xgrant_share(struct xgrant *xg, uint32_t domid, uint32_t count,
		   uint32_t *refs_out, bool writable)
{
	if (!xg->gntshr) {
		errno = ENOSYS;
		return NULL;
	}
	if (count == 0 || count > INT32_MAX) {
		errno = EINVAL;
		return NULL;
	}
	return xengntshr_share_pages(xg->gntshr, domid, (int)count, refs_out,
				     writable);
}

int xgrant_unshare(struct xgrant *xg, void *addr, uint32_t count)
{
	if (!xg->gntshr)
		return -ENOSYS;
	if (xengntshr_unshare(xg->gntshr, addr, count) < 0)
		return -errno;
	return 0;
}

/* The dma-buf calls return -1 with errno set (ioctl style), though their
 * comments speak of -ETIMEDOUT/-ENOENT: accept both. */
static int lib_err(int rc)
{
	if (rc < -1)
		return rc;
	return errno ? -errno : -EIO;
}

int xgrant_dmabuf_export(struct xgrant *xg, uint32_t domid, uint32_t count,
			 const uint32_t *refs, uint32_t *wait_handle)
{
	uint32_t fd;
	errno = 0;
	int rc = xengnttab_dmabuf_exp_from_refs(xg->gnttab, domid, 0, count,
						refs, &fd);
	if (rc != 0)
		return lib_err(rc);
	if (fd > INT32_MAX)
		return -EBADF;
	/* The kernel identifies an exported buffer by its fd. */
	*wait_handle = fd;
	return (int)fd;
}

int xgrant_dmabuf_wait_released(struct xgrant *xg, uint32_t wait_handle,
				uint32_t timeout_ms)
{
	errno = 0;
	int rc = xengnttab_dmabuf_exp_wait_released(xg->gnttab, wait_handle,
						    timeout_ms);
	if (rc == 0)
		return 0;
	rc = lib_err(rc);
	/* Already released (or never ours): not an error, per the API. */
	return rc == -ENOENT ? 0 : rc;
}

int xgrant_dmabuf_import(struct xgrant *xg, int fd, uint32_t domid,
			 uint32_t count, uint32_t *refs_out)
{
	if (fd < 0)
		return -EBADF;
	errno = 0;
	int rc = xengnttab_dmabuf_imp_to_refs(xg->gnttab, domid, (uint32_t)fd,
					      count, refs_out);
	return rc == 0 ? 0 : lib_err(rc);
}

int xgrant_dmabuf_import_release(struct xgrant *xg, int fd)
{
	if (fd < 0)
		return -EBADF;
	errno = 0;
	int rc = xengnttab_dmabuf_imp_release(xg->gnttab, (uint32_t)fd);
	return rc == 0 ? 0 : lib_err(rc);
}
