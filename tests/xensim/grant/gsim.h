/* Simulated hypervisor memory, grant tables and event channels.
 *
 * Each domain's memory is one memfd. Guests grant pages to other domains;
 * the drop-in libxengnttab/libxenevtchn (tests/xensim/lib) used by vdispld
 * reach this over a Unix socket (they act as domain $XENSIM_DOMID, default
 * 0) to map grants (checked: ref exists, granted to the mapper, read-only
 * respected), export them as dma-buf (the memfd), share pages back to a
 * guest (gntshr), and bind/notify event channels. Every mapping, share and
 * binding is tracked so tests can assert nothing is leaked.
 *
 * Guest callbacks run from the loop, never from inside a gsim_* call. */
#ifndef XENSIM_GSIM_H
#define XENSIM_GSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GSIM_PAGE_SIZE 4096u

struct loop;
struct gsim;
struct gsim_domain;

struct gsim *gsim_create(struct loop *loop, const char *socket_path);
void gsim_destroy(struct gsim *g);
/* Whether the simulated kernel has CONFIG_XEN_GNTDEV_DMABUF (default yes;
 * env XENSIM_NO_DMABUF=1 at gsim_create says no). Without it the dma-buf
 * calls fail with ENOTTY, as the real ioctl does. */
void gsim_set_dmabuf(struct gsim *g, bool supported);
/* The backend runs in an x86 PV domain (default no): Linux's gntdev then
 * refuses every export with EINVAL (use_ptemod in gntdev-dmabuf.c),
 * whatever its config; imports still work. */
void gsim_set_dmabuf_export_pv(struct gsim *g, bool pv);
/* A compositor slow to let go of exported dma-bufs: once asked about an
 * export (xengnttab_dmabuf_exp_wait_released), the simulated kernel says
 * -ETIMEDOUT until ms later; then the export is gone (its grant mappings
 * and its gsim_stats.dmabufs count with it, asked again or not). The
 * simulator never blocks: a wait with a timeout answers at once too.
 * 0 (default; env XENSIM_DMABUF_HOLD_MS at gsim_create): released when
 * asked. Applies to exports asked about after the call. */
void gsim_set_dmabuf_hold_ms(struct gsim *g, uint32_t ms);

/* What kind of guest a domain is, as libxenctrl's domain information
 * tells it (the drop-in libxenctrl turns it into Xen's flags). */
enum gsim_dom_type {
	GSIM_DOM_PV = 1, /* x86 para-virtual: no backend-allocated buffers */
	GSIM_DOM_HVM,
	GSIM_DOM_PVH,
};

/* A domain with mem_pages pages of memory (sparse memfd), of type
 * GSIM_DOM_HVM until set. Domain 0 exists from gsim_create() on
 * (backend-shared pages live there), a PV one as on the real-Xen tier. */
struct gsim_domain *gsim_domain_create(struct gsim *g, uint32_t domid,
				       uint32_t mem_pages);
struct gsim_domain *gsim_domain_get(struct gsim *g, uint32_t domid);
/* The domain dies: its grants are revoked for new maps, its ports close
 * (peers see no more notifications), its memory stays alive until every
 * mapping of it is gone (as Xen keeps a zombie domain). */
void gsim_domain_destroy(struct gsim_domain *d);
uint32_t gsim_domain_id(const struct gsim_domain *d);
void gsim_domain_set_type(struct gsim_domain *d, enum gsim_dom_type type);

/* Page allocator inside a domain's memory (contiguous runs). pfn or -errno. */
int64_t gsim_alloc_pages(struct gsim_domain *d, uint32_t count);
void gsim_free_pages(struct gsim_domain *d, uint32_t pfn, uint32_t count);
/* Pointer to a page of the domain's memory, as seen inside xensim. */
void *gsim_page(struct gsim_domain *d, uint32_t pfn);

/* Grant table of d (the granting domain). Returns gref (> 0) or -errno. */
int64_t gsim_grant(struct gsim_domain *d, uint32_t to_domid, uint32_t pfn,
		   bool readonly);
/* -EBUSY while mapped (as gnttab_end_foreign_access would fail). */
int gsim_ungrant(struct gsim_domain *d, uint32_t gref);
/* Grants some other domain made to d (e.g. vdispld's gntshr pages): the
 * pointer to that page, or NULL + errno (ENOENT, EACCES). */
void *gsim_map_foreign(struct gsim_domain *d, uint32_t from_domid,
		       uint32_t gref, bool writable);

/* Event channels of d. cb runs from the loop when the peer notifies. */
typedef void (*gsim_evtchn_cb)(void *data);
/* An unbound port that remote_domid may bind to. port or -errno. */
int64_t gsim_evtchn_alloc_unbound(struct gsim_domain *d, uint32_t remote_domid,
				  gsim_evtchn_cb cb, void *data);
int gsim_evtchn_notify(struct gsim_domain *d, uint32_t port);
int gsim_evtchn_close(struct gsim_domain *d, uint32_t port);
/* True once a peer has bound the port. */
bool gsim_evtchn_is_bound(struct gsim_domain *d, uint32_t port);

struct gsim_stats {
	unsigned clients;	  /* drop-in library handles connected */
	unsigned mapped_pages;	  /* guest pages mapped by any client */
	unsigned shared_pages;	  /* client pages granted to guests */
	unsigned bound_ports;	  /* interdomain bindings held by clients */
	unsigned dmabufs;	  /* exported/imported dma-bufs alive */
	unsigned notifications_in;  /* client -> guest, cumulative */
	unsigned notifications_out; /* guest -> client, cumulative */
};
/* Totals across all clients for pages/ports involving domid (all domains
 * when domid == UINT32_MAX). */
void gsim_get_stats(struct gsim *g, uint32_t domid, struct gsim_stats *out);

#endif
