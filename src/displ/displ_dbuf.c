/* The device's display buffers and framebuffers (one table per device:
 * Linux sends DBUF/FB requests on connector 0 and shows them on any), and
 * the page-directory walk that turns a gref_directory into data refs.
 *
 * A dbuf is mapped once, at DBUF_CREATE, and stays mapped until it is
 * destroyed: no per-frame grant work. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "displ_priv.h"
#include "log.h"
#include "prefault.h"
#include "presenter.h"
#include "xen_domain.h"
#include "xen_grant.h"
#include "xen_store.h"

#define PAGE_SZ XGRANT_PAGE_SIZE

struct displ_dbuf *displ_dbuf_find(struct displ_device *d, uint64_t cookie)
{
	for (struct displ_dbuf *b = d->dbufs; b; b = b->next) {
		if (b->cookie == cookie)
			return b;
	}
	return NULL;
}

struct displ_fb *displ_fb_find(struct displ_device *d, uint64_t cookie)
{
	for (struct displ_fb *f = d->fbs; f; f = f->next) {
		if (f->cookie == cookie)
			return f;
	}
	return NULL;
}

static int xen_status_from_errno(int err)
{
	return err == ENOMEM ? -XEN_ENOMEM : -XEN_EINVAL;
}

/* Visits the directory pages one at a time (each mapped, read or filled,
 * unmapped). Bounded by the page count npages implies; a ref seen twice
 * is a loop and an early 0 a short directory: both are the guest's error. */
int displ_dir_walk(struct displ_device *d, uint32_t first_ref,
		   uint32_t npages, uint32_t *refs, bool fill)
{
	uint32_t ndir = (npages + DISPL_GREFS_PER_DIR_PAGE - 1) /
			DISPL_GREFS_PER_DIR_PAGE;
	uint32_t *seen = calloc(ndir ? ndir : 1, sizeof(*seen));
	uint32_t ref = first_ref, done = 0;
	int ret = 0;

	if (!seen)
		return -XEN_ENOMEM;
	for (uint32_t i = 0; i < ndir && ret == 0; i++) {
		struct xendispl_page_directory *page;
		uint32_t n = npages - done;

		if (n > DISPL_GREFS_PER_DIR_PAGE)
			n = DISPL_GREFS_PER_DIR_PAGE;
		if (ref == 0) {
			ret = -XEN_EINVAL; /* directory shorter than size */
			break;
		}
		for (uint32_t j = 0; j < i; j++) {
			if (seen[j] == ref)
				ret = -XEN_EINVAL; /* loop */
		}
		if (ret)
			break;
		seen[i] = ref;
		page = xgrant_map(d->ctx->xg, d->base.domid, 1, &ref, fill);
		if (!page) {
			ret = xen_status_from_errno(errno);
			break;
		}
		if (fill) {
			memcpy(page->gref, &refs[done], n * sizeof(*refs));
			ref = *(volatile grant_ref_t *)&page->gref_dir_next_page;
		} else {
			ref = *(volatile grant_ref_t *)&page->gref_dir_next_page;
			memcpy(&refs[done], (const void *)page->gref,
			       n * sizeof(*refs));
		}
		(void)xgrant_unmap(d->ctx->xg, page, 1); /* logged */
		done += n;
	}
	free(seen);
	return ret;
}

/* Geometry of a dumb buffer, as Linux lays it out: pitch =
 * DIV_ROUND_UP(width * bpp, 8), bpp in bits (displif's name). All zero
 * is a PRIME import. */
static int check_geometry(const struct xendispl_dbuf_create_req *r)
{
	uint64_t pitch, bytes, end;

	if (r->width == 0 && r->height == 0 && r->bpp == 0)
		return 0;
	if (r->width == 0 || r->height == 0 || r->bpp == 0 || r->bpp > 128 ||
	    r->width > DISPL_MAX_DIMENSION || r->height > DISPL_MAX_DIMENSION)
		return -XEN_EINVAL;
	pitch = ((uint64_t)r->width * r->bpp + 7) / 8;
	if (__builtin_mul_overflow(pitch, (uint64_t)r->height, &bytes) ||
	    __builtin_add_overflow(bytes, (uint64_t)r->data_ofs, &end) ||
	    end > r->buffer_sz)
		return -XEN_EINVAL;
	return 0;
}

static int check_create(struct displ_device *d,
			const struct xendispl_dbuf_create_req *r)
{
	const struct displ_limits *l = &d->ctx->limits;
	uint64_t bytes;

	if (r->dbuf_cookie == 0)
		return displ_refuse(d, -XEN_EINVAL, "dbuf_cookie 0");
	if (displ_dbuf_find(d, r->dbuf_cookie))
		return displ_refuse(d, -XEN_EEXIST, "dbuf_cookie in use");
	if (r->flags & ~(uint32_t)XENDISPL_DBUF_FLG_REQ_ALLOC)
		return displ_refuse(d, -XEN_EINVAL, "unknown flags %#x",
				    r->flags);
	if ((r->flags & XENDISPL_DBUF_FLG_REQ_ALLOC) && !d->be_alloc)
		return displ_refuse(d, -XEN_EINVAL,
				    "backend allocation not offered");
	/* A valid request we can't serve: the buffer would be shared fine,
	 * but an x86 PV guest's kernel can't map our pages into its client
	 * (docs/be-alloc-pv.md). The status reaches the client as the
	 * errno of its DRM ioctl: "Operation not supported". */
	if ((r->flags & XENDISPL_DBUF_FLG_REQ_ALLOC) && d->guest_pv)
		return displ_refuse(d, -XEN_EOPNOTSUPP,
				    "a PV guest cannot map backend-allocated "
				    "buffers");
	if (r->buffer_sz == 0 || r->data_ofs >= r->buffer_sz)
		return displ_refuse(d, -XEN_EINVAL, "buffer_sz %u, data_ofs %u",
				    r->buffer_sz, r->data_ofs);
	if (check_geometry(r) < 0)
		return displ_refuse(d, -XEN_EINVAL,
				    "%ux%u bpp %u does not fit buffer_sz %u",
				    r->width, r->height, r->bpp, r->buffer_sz);
	if (d->n_dbufs >= l->max_dbufs)
		return displ_refuse(d, -XEN_ENOSPC, "max-dbufs (%u) reached",
				    l->max_dbufs);
	bytes = ((uint64_t)r->buffer_sz + PAGE_SZ - 1) / PAGE_SZ * PAGE_SZ;
	if (d->mapped_bytes + bytes > l->max_mapped_bytes)
		return displ_refuse(d, -XEN_ENOMEM,
				    "buffer_sz %u exceeds max-mapped-mb (%llu)",
				    r->buffer_sz,
				    (unsigned long long)(l->max_mapped_bytes >>
							 20));
	return 0;
}

static void dbuf_prefaulted(void *data, uint64_t ns)
{
	struct displ_dbuf *b = data;
	b->prefault = NULL;
	log_debug("dbuf %#llx: copy-path mapping of %u pages faulted in "
		  "(%.1f ms)", (unsigned long long)b->cookie, b->npages,
		  (double)ns / 1e6);
}

/* The cause of a refused export in words (a PV Dom0, a kernel without
 * grant dma-bufs); our domid is read once, at the first refusal. */
static const char *export_refusal(struct displ_device *d, int err)
{
	if (err != -EINVAL && err != -ENOTTY)
		return NULL;
	if (!d->own_domid_read) {
		d->own_domid = xstore_own_domid(d->base.xs);
		d->own_domid_read = true;
	}
	return xdomain_export_refusal(d->ctx->xdom, d->own_domid, err);
}

static int map_guest_buffer(struct displ_device *d, struct displ_dbuf *b,
			    uint32_t gref_dir)
{
	int ret = displ_dir_walk(d, gref_dir, b->npages, b->refs, false);

	if (ret < 0)
		return ret;
	b->map = xgrant_map(d->ctx->xg, d->base.domid, b->npages, b->refs,
			    false);
	if (!b->map)
		return xen_status_from_errno(errno);
	int fd = -ECANCELED;
	if (d->ctx->try_dmabuf)
		fd = xgrant_dmabuf_export(d->ctx->xg, d->base.domid,
					  b->npages, b->refs, &b->dmabuf_wait);
	/* No dma-buf just means the copy path; the presenter says why. */
	b->dmabuf_fd = fd >= 0 ? fd : -1;
	b->dmabuf_err = fd >= 0 ? 0 : fd;
	b->dmabuf_why = fd >= 0 ? NULL : export_refusal(d, fd);
	/* The copy path reads every page each frame: its first frame need
	 * not wait for the page faults of a fresh mapping as well. A slice a
	 * loop turn, after the reply (the guest waits for that). */
	if (fd < 0)
		b->prefault = prefault_start(d->base.loop, b->map,
					     (size_t)b->npages * PAGE_SZ,
					     false, dbuf_prefaulted, b);
	return 0;
}

/* Zero copy for be-alloc: our own display memory, granted to the guest
 * from its dma-buf. -errno when the grant device can't (then gntalloc). */
static int share_own_dmabuf(struct displ_device *d, struct displ_dbuf *b)
{
	size_t size = (size_t)b->npages * PAGE_SZ;
	const char *kind = "?";
	int fd = displ_mem_alloc(size, &kind);

	if (fd < 0)
		return fd;
	int ret = xgrant_dmabuf_import(d->ctx->xg, fd, d->base.domid,
				       b->npages, b->refs);
	if (ret == 0) {
		b->map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
			      fd, 0);
		if (b->map == MAP_FAILED) {
			ret = -errno;
			b->map = NULL;
			xgrant_dmabuf_import_release(d->ctx->xg, fd);
		}
	}
	if (ret < 0) {
		close(fd);
		return ret;
	}
	xb_log(LOG_LVL_DEBUG, &d->base,
	       "be-alloc dbuf %#llx: %zu bytes of %s granted as a dma-buf",
	       (unsigned long long)b->cookie, size, kind);
	b->imported = true;
	b->dmabuf_fd = fd;
	return 0;
}

static int share_own_buffer(struct displ_device *d, struct displ_dbuf *b,
			    uint32_t gref_dir)
{
	int ret = -ECANCELED;

	if (d->ctx->try_dmabuf)
		ret = share_own_dmabuf(d, b);
	if (ret < 0) {
		b->dmabuf_err = ret;
		b->map = xgrant_share(d->ctx->xg, d->base.domid, b->npages,
				      b->refs, true);
		if (!b->map)
			return xen_status_from_errno(errno);
	}
	b->be_alloc = true;
	return displ_dir_walk(d, gref_dir, b->npages, b->refs, true);
}

/* Our fd of an export goes, its number stays taken (by /dev/null) while
 * we may still ask about it: the grant device finds an export by the fd
 * number it was created with, and a new export reusing the number would
 * answer in the old one's place. */
static int export_fd_retire(int fd)
{
	int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (null_fd < 0 || dup2(null_fd, fd) < 0) {
		/* Without a placeholder the number may come back; the wait
		 * still works unless a new export takes it meanwhile. */
		close(fd);
		fd = -1;
	}
	if (null_fd >= 0)
		close(null_fd);
	return fd;
}

/* An exported dma-buf lives on while the compositor holds it (and the
 * guest's pages with it: Linux frees granted pages only once nobody maps
 * them). Ours closed, the grant device says whether it is released. If
 * not, and the caller can wait (held), it gets the wait; otherwise the
 * kernel reaps the export on the compositor's last close. */
static void export_close(struct displ_device *d, struct displ_dbuf *b,
			 struct displ_export_wait *held)
{
	int fd = export_fd_retire(b->dmabuf_fd);
	int r = xgrant_dmabuf_wait_released(d->ctx->xg, b->dmabuf_wait, 0);

	b->dmabuf_fd = -1;
	if (r == 0)
		xb_log(LOG_LVL_DEBUG, &d->base,
		       "dbuf %#llx: dma-buf released by the compositor "
		       "(the grant device's wait says so)",
		       (unsigned long long)b->cookie);
	if (r < 0 && held && fd >= 0) {
		*held = (struct displ_export_wait){
			.fd = fd, .handle = b->dmabuf_wait, .cookie = b->cookie,
		};
		return;
	}
	if (r < 0)
		xb_log(LOG_LVL_DEBUG, &d->base,
		       "dbuf %#llx: dma-buf still held by the compositor (%s)",
		       (unsigned long long)b->cookie, strerror(-r));
	if (fd >= 0)
		close(fd);
}

static void dbuf_free(struct displ_device *d, struct displ_dbuf *b,
		      struct displ_export_wait *held)
{
	prefault_cancel(b->prefault);
	if (b->imported) {
		xgrant_dmabuf_import_release(d->ctx->xg, b->dmabuf_fd);
		munmap(b->map, (size_t)b->npages * PAGE_SZ);
		close(b->dmabuf_fd);
	} else {
		if (b->dmabuf_fd >= 0)
			export_close(d, b, held);
		if (b->map && b->be_alloc)
			xgrant_unshare(d->ctx->xg, b->map, b->npages);
		else if (b->map)
			(void)xgrant_unmap(d->ctx->xg, b->map, b->npages); /* logged */
	}
	free(b->refs);
	free(b);
}

int displ_dbuf_create(struct displ_device *d,
		      const struct xendispl_dbuf_create_req *r)
{
	struct displ_dbuf *b;
	int ret = check_create(d, r);

	if (ret < 0)
		return ret;
	b = calloc(1, sizeof(*b));
	if (!b)
		return -XEN_ENOMEM;
	b->cookie = r->dbuf_cookie;
	b->width = r->width;
	b->height = r->height;
	b->bits_per_pixel = r->bpp;
	b->size = r->buffer_sz;
	b->data_ofs = r->data_ofs;
	b->npages = (uint32_t)(((uint64_t)r->buffer_sz + PAGE_SZ - 1) /
			       PAGE_SZ);
	b->dmabuf_fd = -1;
	b->refs = calloc(b->npages, sizeof(*b->refs));
	if (!b->refs) {
		free(b);
		return -XEN_ENOMEM;
	}
	if (r->flags & XENDISPL_DBUF_FLG_REQ_ALLOC)
		ret = share_own_buffer(d, b, r->gref_directory);
	else
		ret = map_guest_buffer(d, b, r->gref_directory);
	if (ret < 0) {
		dbuf_free(d, b, NULL);
		return ret;
	}
	b->next = d->dbufs;
	d->dbufs = b;
	d->n_dbufs++;
	d->mapped_bytes += (uint64_t)b->npages * PAGE_SZ;
	return 0;
}

/* Stops every connector that shows fb before the presenter loses it. */
static void fb_unuse(struct displ_device *d, const struct displ_fb *f)
{
	for (uint32_t i = 0; i < d->n_conns; i++) {
		struct displ_conn *c = &d->conns[i];

		if (c->cur_fb != f)
			continue;
		if (c->pres)
			presenter_conn_set_config(d->ctx->presenter, c->pres,
						  NULL, 0, 0);
		c->cur_fb = NULL;
	}
}

static void fb_free(struct displ_device *d, struct displ_fb *f)
{
	fb_unuse(d, f);
	if (f->pres)
		presenter_fb_destroy(d->ctx->presenter, f->pres);
	f->dbuf->n_fbs--;
	d->n_fbs--;
	free(f);
}

static void fb_unlink(struct displ_device *d, struct displ_fb *f)
{
	for (struct displ_fb **p = &d->fbs; *p; p = &(*p)->next) {
		if (*p == f) {
			*p = f->next;
			return;
		}
	}
}

int displ_fb_detach(struct displ_device *d, uint64_t cookie)
{
	struct displ_fb *f = cookie ? displ_fb_find(d, cookie) : NULL;

	if (!f)
		return -XEN_ENOENT;
	fb_unlink(d, f);
	fb_free(d, f);
	return 0;
}

/* Linux sends FB_DETACH before DBUF_DESTROY. A guest that does not still
 * gets a consistent table: fbs on the dbuf go with it (connectors showing
 * them are disabled first), and the destroy succeeds. */
int displ_dbuf_destroy(struct displ_device *d, uint64_t cookie,
		       struct displ_export_wait *held)
{
	struct displ_dbuf *b = cookie ? displ_dbuf_find(d, cookie) : NULL;
	struct displ_fb **p = &d->fbs;

	if (held)
		held->fd = -1;
	if (!b)
		return -XEN_ENOENT;
	while (*p) {
		struct displ_fb *f = *p;

		if (f->dbuf == b) {
			*p = f->next;
			fb_free(d, f);
		} else {
			p = &f->next;
		}
	}
	for (struct displ_dbuf **q = &d->dbufs; *q; q = &(*q)->next) {
		if (*q == b) {
			*q = b->next;
			break;
		}
	}
	d->n_dbufs--;
	d->mapped_bytes -= (uint64_t)b->npages * PAGE_SZ;
	dbuf_free(d, b, held);
	return 0;
}

/* Lines of the fb: the dumb buffer's pitch when the dbuf has geometry,
 * else (PRIME) the fb's own width in its format. */
static int fb_layout(const struct displ_dbuf *b, const struct pixel_format *fmt,
		     uint32_t width, uint32_t height, uint32_t *stride_out)
{
	uint32_t row = displ_format_stride(fmt, width);
	uint64_t stride = row, bytes, end;

	if (row == 0)
		return -XEN_EINVAL;
	if (b->width != 0) {
		stride = ((uint64_t)b->width * b->bits_per_pixel + 7) / 8;
		if (stride < row)
			return -XEN_EINVAL;
	}
	if (stride > UINT32_MAX ||
	    __builtin_mul_overflow(stride, (uint64_t)height, &bytes) ||
	    __builtin_add_overflow(bytes, (uint64_t)b->data_ofs, &end) ||
	    end > b->size)
		return -XEN_EINVAL;
	*stride_out = (uint32_t)stride;
	return 0;
}

int displ_fb_attach(struct displ_device *d,
		    const struct xendispl_fb_attach_req *r)
{
	struct displ_dbuf *b;
	struct displ_fb *f;
	struct pres_fb_desc desc;
	const struct pixel_format *fmt = displ_format_find(r->pixel_format);
	uint32_t stride;

	if (r->fb_cookie == 0 || r->dbuf_cookie == 0 || !fmt)
		return -XEN_EINVAL;
	if (displ_fb_find(d, r->fb_cookie))
		return -XEN_EEXIST;
	b = displ_dbuf_find(d, r->dbuf_cookie);
	if (!b)
		return -XEN_ENOENT;
	if (r->width == 0 || r->height == 0 ||
	    r->width > DISPL_MAX_DIMENSION || r->height > DISPL_MAX_DIMENSION ||
	    fb_layout(b, fmt, r->width, r->height, &stride) < 0)
		return -XEN_EINVAL;
	if (d->n_fbs >= d->ctx->limits.max_fbs)
		return -XEN_ENOSPC;

	f = calloc(1, sizeof(*f));
	if (!f)
		return -XEN_ENOMEM;
	desc = (struct pres_fb_desc){
		.width = r->width,
		.height = r->height,
		.stride = stride,
		.fourcc = fmt->fourcc,
		.pixels = (const uint8_t *)b->map + b->data_ofs,
		.size = b->size - b->data_ofs,
		.dmabuf_fd = b->dmabuf_fd,
		.dmabuf_offset = b->data_ofs,
		.dmabuf_error = b->dmabuf_err,
		.dmabuf_why = b->dmabuf_why,
		.cookie = r->fb_cookie,
	};
	f->pres = presenter_fb_create(d->ctx->presenter, &desc);
	if (!f->pres) {
		free(f);
		return -XEN_EIO;
	}
	f->cookie = r->fb_cookie;
	f->dbuf = b;
	f->fmt = fmt;
	f->width = r->width;
	f->height = r->height;
	f->stride = stride;
	b->n_fbs++;
	f->next = d->fbs;
	d->fbs = f;
	d->n_fbs++;
	return 0;
}

/* Disconnect: connectors are gone already; drop every fb and dbuf. */
void displ_tables_clear(struct displ_device *d)
{
	while (d->fbs) {
		struct displ_fb *f = d->fbs;

		d->fbs = f->next;
		fb_free(d, f);
	}
	while (d->dbufs) {
		struct displ_dbuf *b = d->dbufs;

		d->dbufs = b->next;
		d->n_dbufs--;
		dbuf_free(d, b, NULL);
	}
	d->mapped_bytes = 0;
}
