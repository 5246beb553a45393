/* See fake_xen.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "fake_xen.h"
#include "xen_evtchn.h"
#include "xen_grant.h"
#include "xenbus.h"

#define PG XGRANT_PAGE_SIZE
#define FIRST_REF 8u
#define UNIT_POOL_PAGES 16384u
#define FUZZ_POOL_PAGES 8192u
#define MAX_MAPS 512u
#define MAX_MAP_PAGES 4096u
#define MAX_IMPORTS 64u
#define MAX_HELD_EXPORTS 256u /* exports fake_set_dmabuf_hold_ms can time */
#define MAX_PORTS 1024u	      /* notifies counted for remote ports below */

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

/* A dma-buf granted to the guest (xgrant_dmabuf_import), by fd. */
struct import {
	int fd;
	uint32_t count;
	uint32_t *refs;
};

struct xevtchn_port {
	struct xevtchn_port *next;
	uint32_t remote;
	xevtchn_cb cb;
	void *data;
};

static enum fake_xen_mode mode = FAKE_XEN_UNIT;

/* Page i of the memfd backs grant ref FIRST_REF + i. Outlives resets. */
static struct {
	int fd;
	uint8_t *guest_view;
	uint32_t pages;
} pool = { .fd = -1 };

/* Everything a reset forgets. */
static struct {
	struct grant grants[FIRST_REF + UNIT_POOL_PAGES];
	uint32_t next_ref;
	struct mapping maps[MAX_MAPS];
	unsigned total_maps;
	struct import imports[MAX_IMPORTS];
	bool export_ok, import_ok;
	int last_dmabuf_fd;
	uint32_t next_export;
	uint32_t hold_ms;
	uint64_t first_wait_ns[MAX_HELD_EXPORTS + 1]; /* 0: not asked yet */
	unsigned wait_calls;
	struct xevtchn_port *ports;
	unsigned notifies_by_port[MAX_PORTS];
	unsigned fails;
	int fail_err;
} fx;

void fake_xen_set_mode(enum fake_xen_mode m)
{
	mode = m;
}

/* A pool ran out: see enum fake_xen_mode. Sets errno for the caller's
 * failure return. */
static void pool_empty(const char *what)
{
	if (mode == FAKE_XEN_UNIT) {
		fprintf(stderr, "fake_xen: out of %s\n", what);
		abort();
	}
	errno = ENOMEM;
}

static void pool_close(void)
{
	if (pool.guest_view)
		munmap(pool.guest_view, (size_t)pool.pages * PG);
	if (pool.fd >= 0)
		close(pool.fd);
	pool.guest_view = NULL;
	pool.fd = -1;
}

static void pool_open(void)
{
	uint32_t pages = mode == FAKE_XEN_FUZZ ? FUZZ_POOL_PAGES
					       : UNIT_POOL_PAGES;

	if (pool.fd >= 0 && pool.pages == pages)
		return;
	pool_close();
	pool.pages = pages;
	pool.fd = memfd_create("fake-guest", MFD_CLOEXEC);
	if (pool.fd < 0 || ftruncate(pool.fd, (off_t)pages * PG) < 0)
		abort();
	pool.guest_view = mmap(NULL, (size_t)pages * PG,
			       PROT_READ | PROT_WRITE, MAP_SHARED, pool.fd, 0);
	if (pool.guest_view == MAP_FAILED)
		abort();
}

static void forget_all(void)
{
	for (unsigned i = 0; i < MAX_MAPS; i++) {
		struct mapping *m = &fx.maps[i];

		if (m->addr)
			munmap(m->addr, (size_t)m->count * PG);
		free(m->refs);
	}
	for (unsigned i = 0; i < MAX_IMPORTS; i++)
		free(fx.imports[i].refs);
	while (fx.ports) {
		struct xevtchn_port *p = fx.ports;

		fx.ports = p->next;
		free(p);
	}
	memset(&fx, 0, sizeof(fx));
	fx.next_ref = FIRST_REF;
	fx.last_dmabuf_fd = -1;
}

void fake_xen_reset(void)
{
	forget_all();
	pool_open();
}

void fake_xen_teardown(void)
{
	forget_all();
	pool_close();
}

/* ---- the guest's grant table ---- */

static bool ref_ok(uint32_t ref)
{
	return ref >= FIRST_REF && ref < FIRST_REF + pool.pages &&
	       fx.grants[ref].used;
}

static uint8_t *page_of(uint32_t ref)
{
	return pool.guest_view + (size_t)(ref - FIRST_REF) * PG;
}

uint32_t fake_guest_grant_new(uint32_t domid, bool readonly)
{
	uint32_t ref;

	if (fake_pages_left() == 0) {
		pool_empty("grant pages");
		return 0;
	}
	ref = fx.next_ref++;
	fx.grants[ref] = (struct grant){ .used = true, .readonly = readonly,
					 .domid = domid };
	memset(page_of(ref), 0, PG);
	return ref;
}

void *fake_guest_page(uint32_t ref)
{
	return ref_ok(ref) ? page_of(ref) : NULL;
}

void fake_guest_revoke(uint32_t ref)
{
	if (ref >= FIRST_REF && ref < FIRST_REF + pool.pages)
		fx.grants[ref].used = false;
}

unsigned fake_pages_left(void)
{
	return FIRST_REF + pool.pages - fx.next_ref;
}

/* ---- xgrant_map / xgrant_share ---- */

static struct mapping *map_slot(void)
{
	for (unsigned i = 0; i < MAX_MAPS; i++) {
		if (!fx.maps[i].addr)
			return &fx.maps[i];
	}
	pool_empty("map slots");
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
		off_t off = (off_t)(refs[i] - FIRST_REF) * PG;

		if (mmap(base + (size_t)i * PG, PG, prot,
			 MAP_SHARED | MAP_FIXED, pool.fd, off) == MAP_FAILED)
			abort();
	}
	return base;
}

void *xgrant_map(struct xgrant *xg, uint32_t domid, uint32_t count,
		 const uint32_t *refs, bool writable)
{
	struct mapping *m;

	(void)xg;
	if (count == 0 || count > MAX_MAP_PAGES) {
		errno = EINVAL;
		return NULL;
	}
	for (uint32_t i = 0; i < count; i++) {
		if (!ref_ok(refs[i]) || fx.grants[refs[i]].domid != domid ||
		    (writable && fx.grants[refs[i]].readonly)) {
			errno = EINVAL;
			return NULL;
		}
	}
	m = map_slot();
	if (!m)
		return NULL;
	m->addr = map_refs(count, refs, writable);
	if (!m->addr)
		return NULL;
	m->count = count;
	m->share = false;
	fx.total_maps++;
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
	struct mapping *m;

	(void)xg;
	if (count == 0 || count > MAX_MAP_PAGES) {
		errno = EINVAL;
		return NULL;
	}
	if (count > fake_pages_left()) {
		pool_empty("grant pages");
		return NULL;
	}
	m = map_slot();
	if (!m)
		return NULL;
	m->refs = calloc(count, sizeof(*m->refs));
	if (!m->refs)
		abort();
	for (uint32_t i = 0; i < count; i++) {
		refs_out[i] = fake_guest_grant_new(domid, !writable);
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

unsigned fake_live_maps(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < MAX_MAPS; i++)
		n += fx.maps[i].addr && !fx.maps[i].share;
	return n;
}

unsigned fake_live_mapped_pages(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < MAX_MAPS; i++) {
		if (fx.maps[i].addr && !fx.maps[i].share)
			n += fx.maps[i].count;
	}
	return n;
}

unsigned fake_live_shares(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < MAX_MAPS; i++)
		n += fx.maps[i].addr && fx.maps[i].share;
	return n;
}

unsigned fake_total_maps(void)
{
	return fx.total_maps;
}

/* ---- dma-buf ---- */

int xgrant_dmabuf_export(struct xgrant *xg, uint32_t domid, uint32_t count,
			 const uint32_t *refs, uint32_t *wait_handle)
{
	int fd;

	(void)xg, (void)domid, (void)count, (void)refs;
	if (!fx.export_ok)
		return -ENOTSUP;
	fd = dup(pool.fd);
	if (fd < 0)
		return -errno;
	*wait_handle = ++fx.next_export;
	fx.last_dmabuf_fd = fd;
	return fd;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The compositor lets go hold_ms after the first question (timeout_ms is
 * not waited: vdispld only ever asks with 0). */
int xgrant_dmabuf_wait_released(struct xgrant *xg, uint32_t wait_handle,
				uint32_t timeout_ms)
{
	uint64_t *first;

	(void)xg, (void)timeout_ms;
	fx.wait_calls++;
	if (wait_handle == 0 || wait_handle > fx.next_export)
		abort(); /* not a handle export gave out */
	if (fx.hold_ms == 0)
		return 0;
	if (wait_handle > MAX_HELD_EXPORTS)
		abort(); /* more held exports than this fake can time */
	first = &fx.first_wait_ns[wait_handle];
	if (*first == 0)
		*first = now_ns();
	if (now_ns() - *first < (uint64_t)fx.hold_ms * 1000000ull)
		return -ETIMEDOUT;
	return 0;
}

int xgrant_dmabuf_import(struct xgrant *xg, int fd, uint32_t domid,
			 uint32_t count, uint32_t *refs_out)
{
	(void)xg;
	if (!fx.import_ok)
		return -ENOTTY;
	if (fd < 0 || fcntl(fd, F_GETFD) < 0)
		abort(); /* a closed fd handed to the grant device */
	if (count == 0 || count > fake_pages_left())
		return -ENOMEM;
	for (unsigned i = 0; i < MAX_IMPORTS; i++) {
		struct import *im = &fx.imports[i];

		if (im->refs)
			continue;
		im->refs = calloc(count, sizeof(uint32_t));
		if (!im->refs)
			abort();
		im->fd = fd;
		im->count = count;
		for (uint32_t j = 0; j < count; j++) {
			refs_out[j] = fake_guest_grant_new(domid, false);
			im->refs[j] = refs_out[j];
		}
		return 0;
	}
	return -ENOMEM;
}

int xgrant_dmabuf_import_release(struct xgrant *xg, int fd)
{
	(void)xg;
	for (unsigned i = 0; i < MAX_IMPORTS; i++) {
		struct import *im = &fx.imports[i];

		if (!im->refs || im->fd != fd)
			continue;
		for (uint32_t j = 0; j < im->count; j++)
			fx.grants[im->refs[j]].used = false;
		free(im->refs);
		im->refs = NULL;
		return 0;
	}
	abort(); /* never imported, or released twice */
}

unsigned fake_live_imports(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < MAX_IMPORTS; i++)
		n += fx.imports[i].refs != NULL;
	return n;
}

void fake_set_dmabuf_export(bool ok)
{
	fx.export_ok = ok;
}

void fake_set_dmabuf_import(bool ok)
{
	fx.import_ok = ok;
}

void fake_set_dmabuf_hold_ms(uint32_t ms)
{
	fx.hold_ms = ms;
}

unsigned fake_dmabuf_wait_calls(void)
{
	return fx.wait_calls;
}

int fake_last_dmabuf_fd(void)
{
	return fx.last_dmabuf_fd;
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
	if (port->remote < MAX_PORTS)
		fx.notifies_by_port[port->remote]++;
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

bool fake_evtchn_fire(uint32_t remote_port)
{
	for (struct xevtchn_port *p = fx.ports; p; p = p->next) {
		if (p->remote == remote_port) {
			p->cb(p->data);
			return true;
		}
	}
	return false;
}

unsigned fake_evtchn_notifies(uint32_t remote_port)
{
	return remote_port < MAX_PORTS ? fx.notifies_by_port[remote_port] : 0;
}

unsigned fake_live_bindings(void)
{
	unsigned n = 0;

	for (struct xevtchn_port *p = fx.ports; p; p = p->next)
		n++;
	return n;
}

/* ---- xenbus ---- */

void xb_device_fail(struct xb_device *dev, int err, const char *fmt, ...)
{
	(void)dev, (void)fmt;
	fx.fails++;
	fx.fail_err = err;
}

unsigned fake_fail_count(void)
{
	return fx.fails;
}

int fake_fail_err(void)
{
	return fx.fail_err;
}
