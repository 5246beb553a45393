/* Domain memory: a window of mem_pages pages in the simulator, backed by
 * the domain's sparse base memfd, with multi-page runs re-backed by their
 * own memfd ("extent") so that they can be exported as a dma-buf whose page
 * 0 is the run's first page. */
#include "gsim_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

static size_t pages_bytes(uint32_t n) { return (size_t)n * GSIM_PAGE_SIZE; }

int gsim_mem_init(struct gsim_domain *d, uint32_t mem_pages)
{
	char name[32];
	snprintf(name, sizeof(name), "xensim-dom%u", d->domid);
	d->base_fd = memfd_create(name, MFD_CLOEXEC);
	if (d->base_fd < 0)
		return -errno;
	d->mem_pages = mem_pages;
	if (ftruncate(d->base_fd, (off_t)pages_bytes(mem_pages)) < 0)
		goto fail;
	d->mem = mmap(NULL, pages_bytes(mem_pages), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_NORESERVE, d->base_fd, 0);
	if (d->mem == MAP_FAILED) {
		d->mem = NULL;
		goto fail;
	}
	d->ext = calloc(mem_pages, sizeof(*d->ext));
	d->used = calloc(mem_pages, 1);
	if (!d->ext || !d->used) {
		errno = ENOMEM;
		goto fail;
	}
	return 0;
fail:;
	int err = errno;
	log_error("gsim: memory for dom%u: %s", d->domid, strerror(err));
	gsim_mem_fini(d);
	return -err;
}

void gsim_mem_fini(struct gsim_domain *d)
{
	for (uint32_t pfn = 0; d->ext && pfn < d->mem_pages; pfn++) {
		struct gsim_extent *e = d->ext[pfn];
		if (!e)
			continue;
		/* Pages of a partly freed run point at it from anywhere in it. */
		for (uint32_t i = 0; i < e->npages; i++)
			if (d->ext[e->first_pfn + i] == e)
				d->ext[e->first_pfn + i] = NULL;
		close(e->fd);
		free(e);
	}
	if (d->mem)
		munmap(d->mem, pages_bytes(d->mem_pages));
	if (d->base_fd >= 0)
		close(d->base_fd);
	free(d->ext);
	free(d->used);
	d->ext = NULL;
	d->used = NULL;
	d->mem = NULL;
	d->base_fd = -1;
}

/* First fit: guests allocate little, and determinism helps tests. */
static int64_t find_free_run(struct gsim_domain *d, uint32_t count)
{
	uint32_t run = 0;
	for (uint32_t pfn = 0; pfn < d->mem_pages; pfn++) {
		run = d->used[pfn] ? 0 : run + 1;
		if (run == count)
			return (int64_t)pfn + 1 - count;
	}
	return -ENOMEM;
}

static int back_with_extent(struct gsim_domain *d, uint32_t pfn,
			    uint32_t count, int import_fd)
{
	int fd = import_fd;
	if (fd < 0) {
		fd = memfd_create("xensim-run", MFD_CLOEXEC);
		if (fd < 0 || ftruncate(fd, (off_t)pages_bytes(count)) < 0) {
			int err = errno;
			if (fd >= 0)
				close(fd);
			return -err;
		}
	}
	struct gsim_extent *e = calloc(1, sizeof(*e));
	void *p = e ? mmap(d->mem + pages_bytes(pfn), pages_bytes(count),
			   PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0)
		    : MAP_FAILED;
	if (p == MAP_FAILED) {
		int err = e ? errno : ENOMEM;
		free(e);
		if (fd != import_fd)
			close(fd);
		return -err;
	}
	*e = (struct gsim_extent){.fd = fd, .first_pfn = pfn, .npages = count,
				  .live = count};
	for (uint32_t i = 0; i < count; i++)
		d->ext[pfn + i] = e;
	return 0;
}

int64_t gsim_mem_alloc(struct gsim_domain *d, uint32_t count, bool own_extent,
		       int import_fd)
{
	if (count == 0 || count > d->mem_pages)
		return -EINVAL;
	int64_t pfn = find_free_run(d, count);
	if (pfn < 0)
		return pfn;
	if (own_extent || count > 1 || import_fd >= 0) {
		int r = back_with_extent(d, (uint32_t)pfn, count, import_fd);
		if (r < 0)
			return r;
	}
	memset(d->used + pfn, 1, count);
	return pfn;
}

/* Puts the base memfd back under a freed page (zeroed, as fresh memory). */
static void release_page(struct gsim_domain *d, uint32_t pfn)
{
	struct gsim_extent *e = d->ext[pfn];
	d->used[pfn] = 0;
	if (fallocate(d->base_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      (off_t)pages_bytes(pfn), GSIM_PAGE_SIZE) < 0)
		memset(d->mem + pages_bytes(pfn), 0, GSIM_PAGE_SIZE);
	if (!e)
		return;
	d->ext[pfn] = NULL;
	if (mmap(d->mem + pages_bytes(pfn), GSIM_PAGE_SIZE,
		 PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, d->base_fd,
		 (off_t)pages_bytes(pfn)) == MAP_FAILED)
		log_error("gsim: remapping dom%u pfn %u: %s", d->domid, pfn,
			  strerror(errno));
	if (--e->live == 0) {
		/* Client mappings keep the pages alive on their own. */
		close(e->fd);
		free(e);
	}
}

void gsim_free_pages(struct gsim_domain *d, uint32_t pfn, uint32_t count)
{
	if (!d || pfn >= d->mem_pages || count > d->mem_pages - pfn)
		return;
	for (uint32_t i = 0; i < count; i++)
		if (d->used[pfn + i])
			release_page(d, pfn + i);
}

int64_t gsim_alloc_pages(struct gsim_domain *d, uint32_t count)
{
	if (!d || d->dying)
		return -ESRCH;
	return gsim_mem_alloc(d, count, false, -1);
}

void *gsim_page(struct gsim_domain *d, uint32_t pfn)
{
	if (!d || !d->mem || pfn >= d->mem_pages)
		return NULL;
	return d->mem + pages_bytes(pfn);
}

int gsim_mem_backing(struct gsim_domain *d, uint32_t pfn, uint32_t *pgoff)
{
	struct gsim_extent *e = d->ext[pfn];
	if (!e) {
		*pgoff = pfn;
		return d->base_fd;
	}
	*pgoff = pfn - e->first_pfn;
	return e->fd;
}

struct gsim_extent *gsim_mem_extent(struct gsim_domain *d, uint32_t pfn)
{
	return pfn < d->mem_pages ? d->ext[pfn] : NULL;
}
