/* Display buffers of the simulated xen-drm-front: pages, grants and page
 * directories (xen_front_pgdir_shbuf), drawing, and the test pattern. */
#include "drm_front_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gsim.h"
#include "log.h"

#define GREFS_PER_DIR_PAGE \
	((GSIM_PAGE_SIZE - sizeof(grant_ref_t)) / sizeof(grant_ref_t))

uint32_t xensim_pattern_pixel(uint32_t domid, unsigned conn, uint64_t frame,
			      uint32_t width, uint32_t x, uint32_t y)
{
	if (y < 8 && x < 8 * 32)
		return (frame >> (x / 8)) & 1 ? 0x00ffffffu : 0x00000000u;
	uint32_t bar = width ? (uint32_t)((frame * 4) % width) : 0;
	if (x >= bar && x < bar + 16)
		return 0x00ffffffu;
	/* 0x30..0xcf per channel: never black or white */
	uint32_t r = 0x30 + (domid * 67 + conn * 29) % 0xa0;
	uint32_t g = 0x30 + (domid * 23 + conn * 101 + 40) % 0xa0;
	uint32_t b = 0x30 + (domid * 151 + conn * 53 + 80) % 0xa0;
	return r << 16 | g << 8 | b;
}

uint32_t drm_buf_gref_dir(const struct drm_buf *b)
{
	return b->ndir ? b->dir_grefs[0] : 0;
}

static struct xendispl_page_directory *dir_page(struct drm_front *f,
						const struct drm_buf *b,
						uint32_t i)
{
	return gsim_page(f->dom, (uint32_t)b->dir_pfn + i);
}

/* Directory pages first, then (frontend-allocated) data pages: the grant
 * numbers come out as on a real guest (directory gref, then data grefs). */
static int grant_all(struct drm_front *f, struct drm_buf *b)
{
	for (uint32_t i = 0; i < b->ndir; i++) {
		int64_t ref = gsim_grant(f->dom, f->be_domid,
					 (uint32_t)b->dir_pfn + i, false);
		if (ref < 0)
			return (int)ref;
		b->dir_grefs[i] = (uint32_t)ref;
	}
	for (uint32_t i = 0; !b->be_alloc && i < b->npages; i++) {
		int64_t ref = gsim_grant(f->dom, f->be_domid,
					 (uint32_t)b->data_pfn + i, false);
		if (ref < 0)
			return (int)ref;
		b->data_grefs[i] = (uint32_t)ref;
	}
	return 0;
}

static void fill_directory(struct drm_front *f, struct drm_buf *b)
{
	for (uint32_t i = 0; i < b->ndir; i++) {
		struct xendispl_page_directory *d = dir_page(f, b, i);
		memset(d, 0, GSIM_PAGE_SIZE);
		d->gref_dir_next_page = i + 1 < b->ndir ? b->dir_grefs[i + 1] : 0;
		if (b->be_alloc)
			continue; /* the backend fills gref[] */
		uint32_t first = i * (uint32_t)GREFS_PER_DIR_PAGE;
		for (uint32_t j = 0; j < GREFS_PER_DIR_PAGE && first + j < b->npages; j++)
			d->gref[j] = b->data_grefs[first + j];
	}
}

static int alloc_arrays(struct drm_buf *b)
{
	b->dir_grefs = calloc(b->ndir, sizeof(*b->dir_grefs));
	b->data_grefs = calloc(b->npages, sizeof(*b->data_grefs));
	b->pages = calloc(b->npages, sizeof(*b->pages));
	return b->dir_grefs && b->data_grefs && b->pages ? 0 : -ENOMEM;
}

int drm_buf_alloc(struct drm_front *f, struct drm_buf *b, uint32_t size,
		  bool be_alloc)
{
	b->allocated = true;
	b->be_alloc = be_alloc;
	b->size = size;
	b->npages = (size + GSIM_PAGE_SIZE - 1) / GSIM_PAGE_SIZE;
	b->ndir = (uint32_t)((b->npages + GREFS_PER_DIR_PAGE - 1) /
			     GREFS_PER_DIR_PAGE);
	b->data_pfn = b->dir_pfn = -1;
	b->frame = UINT64_MAX;
	int ret = alloc_arrays(b);
	if (ret < 0)
		return ret;
	b->dir_pfn = gsim_alloc_pages(f->dom, b->ndir);
	if (b->dir_pfn < 0)
		return (int)b->dir_pfn;
	if (!be_alloc) {
		b->data_pfn = gsim_alloc_pages(f->dom, b->npages);
		if (b->data_pfn < 0)
			return (int)b->data_pfn;
		for (uint32_t i = 0; i < b->npages; i++) {
			b->pages[i] = gsim_page(f->dom, (uint32_t)b->data_pfn + i);
			memset(b->pages[i], 0, GSIM_PAGE_SIZE);
		}
	}
	ret = grant_all(f, b);
	if (ret < 0)
		return ret;
	fill_directory(f, b);
	return 0;
}

int drm_buf_map_backend(struct drm_front *f, struct drm_buf *b)
{
	for (uint32_t i = 0; i < b->npages; i++) {
		uint32_t dir = i / (uint32_t)GREFS_PER_DIR_PAGE;
		uint32_t slot = i % (uint32_t)GREFS_PER_DIR_PAGE;
		grant_ref_t ref = dir_page(f, b, dir)->gref[slot];
		b->data_grefs[i] = ref;
		b->pages[i] = gsim_map_foreign(f->dom, f->be_domid, ref, true);
		if (!b->pages[i]) {
			int err = errno ? errno : EIO;
			log_error("drm_front %u: mapping backend page %u (gref %u): %s",
				  f->domid, i, ref, strerror(err));
			return -err;
		}
	}
	return 0;
}

static void ungrant_free(struct drm_front *f, const uint32_t *refs, uint32_t n,
			 int64_t pfn)
{
	bool busy = false;
	for (uint32_t i = 0; i < n; i++)
		if (refs[i] && gsim_ungrant(f->dom, refs[i]) == -EBUSY)
			busy = true;
	/* still mapped by the backend: Linux defers; we keep the pages */
	if (pfn >= 0 && !busy)
		gsim_free_pages(f->dom, (uint32_t)pfn, n);
}

void drm_buf_free(struct drm_front *f, struct drm_buf *b, bool domain_dead)
{
	if (!b->allocated)
		return;
	if (!domain_dead) {
		if (b->dir_grefs)
			ungrant_free(f, b->dir_grefs, b->ndir, b->dir_pfn);
		if (!b->be_alloc && b->data_grefs)
			ungrant_free(f, b->data_grefs, b->npages, b->data_pfn);
	}
	free(b->dir_grefs);
	free(b->data_grefs);
	free(b->pages);
	memset(b, 0, sizeof(*b));
}

/* Copies len bytes to byte offset off of the buffer, page by page. */
static void buf_write(struct drm_buf *b, size_t off, const void *src,
		      size_t len)
{
	const char *s = src;
	while (len) {
		size_t page = off / GSIM_PAGE_SIZE, in = off % GSIM_PAGE_SIZE;
		size_t n = GSIM_PAGE_SIZE - in < len ? GSIM_PAGE_SIZE - in : len;
		if (page >= b->npages || !b->pages[page])
			return;
		memcpy((char *)b->pages[page] + in, s, n);
		s += n;
		off += n;
		len -= n;
	}
}

void drm_buf_draw_region(struct drm_front *f, struct drm_chan *ch,
			 struct drm_buf *b, uint64_t frame, uint32_t x0,
			 uint32_t w, uint32_t h)
{
	if (!ch->row) {
		ch->row = calloc(w ? w : 1, sizeof(*ch->row));
		if (!ch->row)
			return;
	}
	if (x0 + w > b->width || h > b->height)
		return;
	for (uint32_t y = 0; y < h; y++) {
		for (uint32_t x = 0; x < w; x++)
			ch->row[x] = xensim_pattern_pixel(f->domid, ch->idx, frame,
							  w, x, y);
		buf_write(b, (size_t)y * b->pitch + (size_t)x0 * 4, ch->row,
			  (size_t)w * 4);
	}
	b->frame = frame;
	ch->stats->frames_drawn++;
}

void drm_buf_draw(struct drm_front *f, struct drm_chan *ch, struct drm_buf *b,
		  uint64_t frame)
{
	drm_buf_draw_region(f, ch, b, frame, 0, b->width, b->height);
}

/* 00 FF FF FF FF FF FF 00, then each 128-byte block sums to 0 mod 256. */
int drm_buf_check_edid(const struct drm_buf *b, uint32_t edid_sz)
{
	static const uint8_t header[8] = {0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0};
	if (!edid_sz || edid_sz % XENDISPL_EDID_BLOCK_SIZE || edid_sz > b->size)
		return -EINVAL;
	uint8_t block[XENDISPL_EDID_BLOCK_SIZE];
	for (uint32_t off = 0; off < edid_sz; off += sizeof(block)) {
		uint32_t page = off / GSIM_PAGE_SIZE, in = off % GSIM_PAGE_SIZE;
		if (!b->pages[page])
			return -EINVAL;
		memcpy(block, (const char *)b->pages[page] + in, sizeof(block));
		if (off == 0 && memcmp(block, header, sizeof(header)))
			return -EINVAL;
		uint8_t sum = 0;
		for (size_t i = 0; i < sizeof(block); i++)
			sum = (uint8_t)(sum + block[i]);
		if (sum)
			return -EINVAL;
	}
	return 0;
}
