/* See fake_xen.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "fake_xen.h"
#include "xen_evtchn.h"
#include "xen_grant.h"
#include "xen_store.h"
#include "xenbus.h"

#define POOL_PAGES 16384u
#define PG XGRANT_PAGE_SIZE
#define FIRST_REF 8u
#define MAX_MAPS 256u
#define MAX_KEYS 256u
#define MAX_MAP_PAGES 4096u
#define MAX_EXPORTS 256u

struct grant {
	bool used;
	bool readonly;
	uint32_t domid;
	uint32_t page;
};

struct mapping {
	void *addr;
	uint32_t count;
	bool share;
	uint32_t *refs; /* shares only */
};

static struct {
	int fd;
	uint8_t *guest_view;
	uint32_t next_page;
	struct grant grants[POOL_PAGES + FIRST_REF];
	uint32_t next_ref;
	struct mapping maps[MAX_MAPS];
	unsigned total_maps;
	bool dmabuf_ok;
	int last_dmabuf_fd;
	uint32_t next_export;
	uint32_t hold_ms;			  /* see fake_set_dmabuf_hold_ms */
	uint64_t first_wait_ns[MAX_EXPORTS + 1]; /* by handle, 0: not asked */
	unsigned wait_calls;
	char *keys[MAX_KEYS], *vals[MAX_KEYS];
	unsigned fails;
	int fail_err;
} fx = { .fd = -1 };

struct xevtchn_port {
	struct xevtchn_port *next;
	uint32_t remote;
	xevtchn_cb cb;
	void *data;
	unsigned notifies;
};
static struct xevtchn_port *ports;
static unsigned notifies_by_port[1024];

void fake_xen_teardown(void)
{
	for (unsigned i = 0; i < MAX_KEYS; i++) {
		free(fx.keys[i]);
		free(fx.vals[i]);
		fx.keys[i] = fx.vals[i] = NULL;
	}
	if (fx.guest_view)
		munmap(fx.guest_view, (size_t)POOL_PAGES * PG);
	if (fx.fd >= 0)
		close(fx.fd);
	fx.guest_view = NULL;
	fx.fd = -1;
	while (ports) {
		struct xevtchn_port *p = ports;

		ports = p->next;
		free(p);
	}
}

void fake_xen_reset(void)
{
	fake_xen_teardown();
	memset(&fx, 0, sizeof(fx));
	memset(notifies_by_port, 0, sizeof(notifies_by_port));
	fx.fd = memfd_create("fake-guest", MFD_CLOEXEC);
	if (fx.fd < 0 || ftruncate(fx.fd, (off_t)POOL_PAGES * PG) < 0)
		abort();
	fx.guest_view = mmap(NULL, (size_t)POOL_PAGES * PG,
			     PROT_READ | PROT_WRITE, MAP_SHARED, fx.fd, 0);
	if (fx.guest_view == MAP_FAILED)
		abort();
	fx.next_ref = FIRST_REF;
	fx.last_dmabuf_fd = -1;
}

static uint32_t grant_new(uint32_t domid, bool readonly)
{
	uint32_t ref = fx.next_ref++;

	if (ref >= POOL_PAGES + FIRST_REF || fx.next_page >= POOL_PAGES)
		abort();
	fx.grants[ref] = (struct grant){ .used = true, .readonly = readonly,
					 .domid = domid,
					 .page = fx.next_page++ };
	return ref;
}

uint32_t fake_guest_grant_new(uint32_t domid, bool readonly)
{
	return grant_new(domid, readonly);
}

void *fake_guest_page(uint32_t ref)
{
	if (ref >= POOL_PAGES + FIRST_REF || !fx.grants[ref].used)
		return NULL;
	return fx.guest_view + (size_t)fx.grants[ref].page * PG;
}

void fake_guest_revoke(uint32_t ref)
{
	if (ref < POOL_PAGES + FIRST_REF)
		fx.grants[ref].used = false;
}

static struct mapping *map_slot(void)
{
	for (unsigned i = 0; i < MAX_MAPS; i++) {
		if (!fx.maps[i].addr)
			return &fx.maps[i];
	}
	abort();
}

static void *map_refs(uint32_t count, const uint32_t *refs, bool writable)
{
	uint8_t *base = mmap(NULL, (size_t)count * PG, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (base == MAP_FAILED)
		return NULL;
	for (uint32_t i = 0; i < count; i++) {
		int prot = PROT_READ | (writable ? PROT_WRITE : 0);
		void *p = mmap(base + (size_t)i * PG, PG, prot,
			       MAP_SHARED | MAP_FIXED, fx.fd,
			       (off_t)fx.grants[refs[i]].page * PG);
		if (p == MAP_FAILED)
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
		struct grant *g = refs[i] < POOL_PAGES + FIRST_REF
					  ? &fx.grants[refs[i]]
					  : NULL;
		if (!g || !g->used || g->domid != domid ||
		    (writable && g->readonly)) {
			errno = EINVAL;
			return NULL;
		}
	}
	m = map_slot();
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

		if (m->addr != addr)
			continue;
		if (m->count != count || m->share != share)
			abort(); /* the code under test lost track */
		munmap(addr, (size_t)count * PG);
		if (share) {
			for (uint32_t j = 0; j < count; j++)
				fx.grants[m->refs[j]].used = false;
			free(m->refs);
			m->refs = NULL;
		}
		m->addr = NULL;
		return 0;
	}
	abort();
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
	m = map_slot();
	m->refs = calloc(count, sizeof(*m->refs));
	if (!m->refs)
		abort();
	for (uint32_t i = 0; i < count; i++) {
		refs_out[i] = grant_new(domid, !writable);
		m->refs[i] = refs_out[i];
		memset(fake_guest_page(refs_out[i]), 0, PG);
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
	(void)xg, (void)domid, (void)count, (void)refs;
	if (!fx.dmabuf_ok)
		return -ENOTSUP;
	if (fx.next_export >= MAX_EXPORTS)
		abort();
	*wait_handle = ++fx.next_export;
	fx.last_dmabuf_fd = dup(fx.fd);
	return fx.last_dmabuf_fd;
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
	(void)xg, (void)timeout_ms;
	fx.wait_calls++;
	if (wait_handle == 0 || wait_handle > fx.next_export)
		return 0; /* -ENOENT from the kernel, mapped to 0 */
	uint64_t *first = &fx.first_wait_ns[wait_handle];
	if (*first == 0)
		*first = now_ns();
	if (now_ns() - *first < (uint64_t)fx.hold_ms * 1000000ull)
		return -ETIMEDOUT;
	return 0;
}

/* Like a kernel without gntdev dma-buf: be-alloc falls back to gntshr. */
int xgrant_dmabuf_import(struct xgrant *xg, int fd, uint32_t domid,
			 uint32_t count, uint32_t *refs_out)
{
	(void)xg, (void)fd, (void)domid, (void)count, (void)refs_out;
	return -ENOTTY;
}

int xgrant_dmabuf_import_release(struct xgrant *xg, int fd)
{
	(void)xg, (void)fd;
	return -ENOENT;
}

void fake_set_dmabuf_export(bool ok)
{
	fx.dmabuf_ok = ok;
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
	p->next = ports;
	ports = p;
	return p;
}

int xevtchn_notify(struct xevtchn_port *port)
{
	port->notifies++;
	if (port->remote < 1024)
		notifies_by_port[port->remote]++;
	return 0;
}

void xevtchn_unbind(struct xevtchn_port *port)
{
	for (struct xevtchn_port **pp = &ports; *pp; pp = &(*pp)->next) {
		if (*pp == port) {
			*pp = port->next;
			free(port);
			return;
		}
	}
	abort();
}

uint32_t xevtchn_local_port(const struct xevtchn_port *port)
{
	return port->remote + 100;
}

bool fake_evtchn_fire(uint32_t remote_port)
{
	for (struct xevtchn_port *p = ports; p; p = p->next) {
		if (p->remote == remote_port) {
			p->cb(p->data);
			return true;
		}
	}
	return false;
}

unsigned fake_evtchn_notifies(uint32_t remote_port)
{
	return remote_port < 1024 ? notifies_by_port[remote_port] : 0;
}

unsigned fake_live_bindings(void)
{
	unsigned n = 0;

	for (struct xevtchn_port *p = ports; p; p = p->next)
		n++;
	return n;
}

/* ---- XenStore ---- */

struct xstore *fake_xs(void)
{
	static int token;

	return (struct xstore *)&token;
}

static int key_index(const char *path)
{
	for (unsigned i = 0; i < MAX_KEYS; i++) {
		if (fx.keys[i] && strcmp(fx.keys[i], path) == 0)
			return (int)i;
	}
	return -1;
}

void fake_xs_write(const char *path, const char *value)
{
	int i = key_index(path);

	if (i < 0) {
		for (i = 0; i < (int)MAX_KEYS && fx.keys[i]; i++)
			;
		if (i == (int)MAX_KEYS)
			abort();
		fx.keys[i] = strdup(path);
	}
	free(fx.vals[i]);
	fx.vals[i] = strdup(value);
}

const char *fake_xs_get(const char *path)
{
	int i = key_index(path);

	return i < 0 ? NULL : fx.vals[i];
}

char *xstore_read(struct xstore *xs, const char *path)
{
	const char *v = fake_xs_get(path);

	(void)xs;
	if (!v) {
		errno = ENOENT;
		return NULL;
	}
	return strdup(v);
}

char *xstore_read_at(struct xstore *xs, const char *dir, const char *node)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, node);
	return xstore_read(xs, path);
}

int xstore_read_uint(struct xstore *xs, const char *dir, const char *node,
		     uint64_t min, uint64_t max, uint64_t *out)
{
	char *s = xstore_read_at(xs, dir, node), *end;
	unsigned long long v;

	if (!s)
		return -ENOENT;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end || errno || v < min || v > max) {
		free(s);
		return -EINVAL;
	}
	free(s);
	*out = v;
	return 0;
}

int xstore_write_at(struct xstore *xs, const char *dir, const char *node,
		    const char *value)
{
	char path[512];

	(void)xs;
	snprintf(path, sizeof(path), "%s/%s", dir, node);
	fake_xs_write(path, value);
	return 0;
}

char **xstore_directory(struct xstore *xs, const char *path, unsigned *num)
{
	size_t plen = strlen(path), total = 0;
	const char *names[MAX_KEYS] = { 0 };
	size_t lens[MAX_KEYS] = { 0 };
	unsigned n = 0;
	char **out, *str;

	(void)xs;
	for (unsigned i = 0; i < MAX_KEYS; i++) {
		const char *k = fx.keys[i], *child, *slash;
		size_t len;
		bool dup = false;

		if (!k || strncmp(k, path, plen) != 0 || k[plen] != '/')
			continue;
		child = k + plen + 1;
		slash = strchr(child, '/');
		len = slash ? (size_t)(slash - child) : strlen(child);
		for (unsigned j = 0; j < n && !dup; j++)
			dup = lens[j] == len && !strncmp(names[j], child, len);
		if (!dup) {
			names[n] = child;
			lens[n++] = len;
			total += len + 1;
		}
	}
	*num = n;
	if (n == 0)
		return NULL;
	out = malloc(n * sizeof(char *) + total);
	if (!out)
		return NULL;
	str = (char *)(out + n);
	for (unsigned j = 0; j < n; j++) {
		memcpy(str, names[j], lens[j]);
		str[lens[j]] = '\0';
		out[j] = str;
		str += lens[j] + 1;
	}
	return out;
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
