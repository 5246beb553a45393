/* See fuzz_xen.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_xen.h"
#include "xen_evtchn.h"
#include "xen_grant.h"
#include "xenbus.h"

#define PG XGRANT_PAGE_SIZE
#define MAX_MAPS 512u
#define MAX_MAP_PAGES 4096u
#define MAX_IMPORTS 64u

struct grant {
	bool used;
	bool readonly;
	uint32_t domid;
};

struct mapping {
	void *addr;
	uint32_t count;
	bool share;
	uint32_t *refs; /* shares only: the grants to drop at unshare */
};

struct xevtchn_port {
	struct xevtchn_port *next;
	uint32_t remote;
	xevtchn_cb cb;
	void *data;
};

/* Page i of the memfd backs grant ref FUZZ_FIRST_REF + i. */
static struct {
	int fd;
	uint8_t *guest_view;
	struct grant grants[FUZZ_LAST_REF + 1];
	uint32_t next_ref;
	struct mapping maps[MAX_MAPS];
	bool dmabuf_ok;
	/* dma-bufs granted to the guest (xgrant_dmabuf_import), by fd. */
	struct {
		int fd;
		uint32_t count;
		uint32_t *refs;
	} imports[MAX_IMPORTS];
	unsigned fails;
	struct xevtchn_port *ports;
} fx = { .fd = -1 };

static void pool_open(void)
{
	size_t len = (size_t)FUZZ_POOL_PAGES * PG;

	if (fx.fd >= 0)
		return;
	fx.fd = memfd_create("fuzz-guest", MFD_CLOEXEC);
	if (fx.fd < 0 || ftruncate(fx.fd, (off_t)len) < 0)
		abort();
	fx.guest_view = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
			     fx.fd, 0);
	if (fx.guest_view == MAP_FAILED)
		abort();
}

void fuzz_xen_reset(void)
{
	pool_open();
	for (unsigned i = 0; i < MAX_MAPS; i++) {
		struct mapping *m = &fx.maps[i];

		if (m->addr)
			munmap(m->addr, (size_t)m->count * PG);
		free(m->refs);
	}
	memset(fx.maps, 0, sizeof(fx.maps));
	for (unsigned i = 0; i < MAX_IMPORTS; i++)
		free(fx.imports[i].refs);
	memset(fx.imports, 0, sizeof(fx.imports));
	memset(fx.grants, 0, sizeof(fx.grants));
	while (fx.ports) {
		struct xevtchn_port *p = fx.ports;

		fx.ports = p->next;
		free(p);
	}
	fx.next_ref = FUZZ_FIRST_REF;
	fx.dmabuf_ok = false;
	fx.fails = 0;
}

static bool ref_ok(uint32_t ref)
{
	return ref >= FUZZ_FIRST_REF && ref <= FUZZ_LAST_REF &&
	       fx.grants[ref].used;
}

static uint8_t *page_of(uint32_t ref)
{
	return fx.guest_view + (size_t)(ref - FUZZ_FIRST_REF) * PG;
}

uint32_t fuzz_guest_grant(uint32_t domid, bool readonly)
{
	uint32_t ref;

	if (fx.next_ref > FUZZ_LAST_REF)
		return 0;
	ref = fx.next_ref++;
	fx.grants[ref] = (struct grant){ .used = true, .readonly = readonly,
					 .domid = domid };
	memset(page_of(ref), 0, PG);
	return ref;
}

void *fuzz_guest_page(uint32_t ref)
{
	return ref_ok(ref) ? page_of(ref) : NULL;
}

void fuzz_guest_revoke(uint32_t ref)
{
	if (ref >= FUZZ_FIRST_REF && ref <= FUZZ_LAST_REF)
		fx.grants[ref].used = false;
}

unsigned fuzz_pages_left(void)
{
	return FUZZ_LAST_REF + 1 - fx.next_ref;
}

static struct mapping *map_slot(void)
{
	for (unsigned i = 0; i < MAX_MAPS; i++) {
		if (!fx.maps[i].addr)
			return &fx.maps[i];
	}
	return NULL;
}

/* One contiguous region; page i is the memfd page behind refs[i]. */
static void *map_refs(uint32_t count, const uint32_t *refs, bool writable)
{
	int prot = PROT_READ | (writable ? PROT_WRITE : 0);
	uint8_t *base = mmap(NULL, (size_t)count * PG, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (base == MAP_FAILED)
		return NULL;
	for (uint32_t i = 0; i < count; i++) {
		off_t off = (off_t)(refs[i] - FUZZ_FIRST_REF) * PG;

		if (mmap(base + (size_t)i * PG, PG, prot,
			 MAP_SHARED | MAP_FIXED, fx.fd, off) == MAP_FAILED)
			abort();
	}
	return base;
}

void *xgrant_map(struct xgrant *xg, uint32_t domid, uint32_t count,
		 const uint32_t *refs, bool writable)
{
	struct mapping *m = map_slot();

	(void)xg;
	if (count == 0 || count > MAX_MAP_PAGES || !m) {
		errno = count ? ENOMEM : EINVAL;
		return NULL;
	}
	for (uint32_t i = 0; i < count; i++) {
		if (!ref_ok(refs[i]) || fx.grants[refs[i]].domid != domid ||
		    (writable && fx.grants[refs[i]].readonly)) {
			errno = EINVAL;
			return NULL;
		}
	}
	m->addr = map_refs(count, refs, writable);
	if (!m->addr)
		return NULL;
	m->count = count;
	m->share = false;
	return m->addr;
}

static int unmap_any(void *addr, uint32_t count, bool share)
{
	for (unsigned i = 0; i < MAX_MAPS; i++) {
		struct mapping *m = &fx.maps[i];

		if (!addr || m->addr != addr)
			continue;
		if (m->count != count || m->share != share)
			abort(); /* the code under test lost track */
		munmap(addr, (size_t)count * PG);
		for (uint32_t j = 0; share && j < count; j++)
			fx.grants[m->refs[j]].used = false;
		free(m->refs);
		m->refs = NULL;
		m->addr = NULL;
		return 0;
	}
	abort(); /* never mapped, or unmapped twice */
}

int xgrant_unmap(struct xgrant *xg, void *addr, uint32_t count)
{
	(void)xg;
	return unmap_any(addr, count, false);
}

void *xgrant_share(struct xgrant *xg, uint32_t domid, uint32_t count,
		   uint32_t *refs_out, bool writable)
{
	struct mapping *m = map_slot();

	(void)xg;
	if (count == 0 || count > MAX_MAP_PAGES || !m ||
	    count > fuzz_pages_left()) {
		errno = count ? ENOMEM : EINVAL;
		return NULL;
	}
	m->refs = calloc(count, sizeof(*m->refs));
	if (!m->refs)
		abort();
	for (uint32_t i = 0; i < count; i++) {
		refs_out[i] = fuzz_guest_grant(domid, !writable);
		m->refs[i] = refs_out[i];
	}
	m->addr = map_refs(count, refs_out, true);
	m->count = count;
	m->share = true;
	return m->addr;
}

int xgrant_unshare(struct xgrant *xg, void *addr, uint32_t count)
{
	(void)xg;
	return unmap_any(addr, count, true);
}

int xgrant_dmabuf_export(struct xgrant *xg, uint32_t domid, uint32_t count,
			 const uint32_t *refs, uint32_t *wait_handle)
{
	int fd;

	(void)xg, (void)domid, (void)count, (void)refs;
	if (!fx.dmabuf_ok)
		return -ENOTSUP;
	fd = dup(fx.fd);
	if (fd < 0)
		return -errno;
	*wait_handle = 1;
	return fd;
}

int xgrant_dmabuf_wait_released(struct xgrant *xg, uint32_t wait_handle,
				uint32_t timeout_ms)
{
	(void)xg, (void)timeout_ms;
	if (wait_handle != 1)
		abort(); /* not a handle export gave out */
	return 0;
}

/* The guest gets fresh pool pages, not the fd's: enough to prove the
 * bookkeeping (every import released once, by the fd it was made with). */
int xgrant_dmabuf_import(struct xgrant *xg, int fd, uint32_t domid,
			 uint32_t count, uint32_t *refs_out)
{
	(void)xg;
	if (!fx.dmabuf_ok)
		return -ENOTSUP;
	if (fd < 0 || fcntl(fd, F_GETFD) < 0)
		abort(); /* a closed fd handed to the grant device */
	if (count == 0 || count > fuzz_pages_left())
		return -ENOMEM;
	for (unsigned i = 0; i < MAX_IMPORTS; i++) {
		if (fx.imports[i].refs)
			continue;
		fx.imports[i].refs = calloc(count, sizeof(uint32_t));
		if (!fx.imports[i].refs)
			abort();
		fx.imports[i].fd = fd;
		fx.imports[i].count = count;
		for (uint32_t j = 0; j < count; j++) {
			refs_out[j] = fuzz_guest_grant(domid, false);
			fx.imports[i].refs[j] = refs_out[j];
		}
		return 0;
	}
	return -ENOMEM;
}

int xgrant_dmabuf_import_release(struct xgrant *xg, int fd)
{
	(void)xg;
	for (unsigned i = 0; i < MAX_IMPORTS; i++) {
		if (!fx.imports[i].refs || fx.imports[i].fd != fd)
			continue;
		for (uint32_t j = 0; j < fx.imports[i].count; j++)
			fx.grants[fx.imports[i].refs[j]].used = false;
		free(fx.imports[i].refs);
		fx.imports[i].refs = NULL;
		return 0;
	}
	abort(); /* never imported, or released twice */
}

unsigned fuzz_live_imports(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < MAX_IMPORTS; i++)
		n += fx.imports[i].refs != NULL;
	return n;
}

void fuzz_set_dmabuf_export(bool ok)
{
	fx.dmabuf_ok = ok;
}

unsigned fuzz_live_maps(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < MAX_MAPS; i++)
		n += fx.maps[i].addr && !fx.maps[i].share;
	return n;
}

unsigned fuzz_live_shares(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < MAX_MAPS; i++)
		n += fx.maps[i].addr && fx.maps[i].share;
	return n;
}

/* ---- event channels ---- */

struct xevtchn_port *xevtchn_bind(struct xevtchn *xe, uint32_t domid,
				  uint32_t remote_port, xevtchn_cb cb,
				  void *data)
{
	struct xevtchn_port *p = calloc(1, sizeof(*p));

	(void)xe, (void)domid;
	if (!p)
		return NULL;
	p->remote = remote_port;
	p->cb = cb;
	p->data = data;
	p->next = fx.ports;
	fx.ports = p;
	return p;
}

int xevtchn_notify(struct xevtchn_port *port)
{
	(void)port;
	return 0;
}

void xevtchn_unbind(struct xevtchn_port *port)
{
	for (struct xevtchn_port **pp = &fx.ports; *pp; pp = &(*pp)->next) {
		if (*pp == port) {
			*pp = port->next;
			free(port);
			return;
		}
	}
	abort(); /* never bound, or unbound twice */
}

uint32_t xevtchn_local_port(const struct xevtchn_port *port)
{
	return port->remote + 100;
}

bool fuzz_evtchn_fire(uint32_t remote_port)
{
	for (struct xevtchn_port *p = fx.ports; p; p = p->next) {
		if (p->remote == remote_port) {
			p->cb(p->data);
			return true;
		}
	}
	return false;
}

unsigned fuzz_live_bindings(void)
{
	unsigned n = 0;

	for (struct xevtchn_port *p = fx.ports; p; p = p->next)
		n++;
	return n;
}

/* ---- xenbus ---- */

void xb_device_fail(struct xb_device *dev, int err, const char *fmt, ...)
{
	(void)dev, (void)err, (void)fmt;
	fx.fails++;
}

unsigned fuzz_fail_count(void)
{
	return fx.fails;
}

unsigned fuzz_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	unsigned n = 0;

	if (!d)
		abort();
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}
