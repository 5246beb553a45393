/* Private state of the grant simulator, shared by its files. */
#ifndef XENSIM_GSIM_INTERNAL_H
#define XENSIM_GSIM_INTERNAL_H

#include "gsim.h"

#include <stdbool.h>
#include <stdint.h>

struct loop_source;
struct gsim_client;

/* A memfd backing some pages of a domain's memory window. Runs of more than
 * one page (and every page dom0 shares or imports) get their own extent so
 * that a dma-buf export can hand out an fd whose page 0 is the buffer. */
struct gsim_extent {
	int fd;
	uint32_t first_pfn;
	uint32_t npages;
	uint32_t live; /* pages still allocated */
};

struct gsim_gentry {
	bool used;
	bool readonly;
	uint32_t to_domid;
	uint32_t pfn;
	uint32_t maps; /* client mappings holding it */
};

enum gsim_port_state { PORT_FREE = 0, PORT_UNBOUND, PORT_INTERDOMAIN };

struct gsim_port {
	enum gsim_port_state state;
	uint32_t remote_domid;
	uint32_t remote_port;
	/* Owner: a guest callback, or a client (drop-in evtchn handle). */
	gsim_evtchn_cb cb;
	void *data;
	struct gsim_client *client;
	bool masked, pending;	    /* client ports: evtchn driver semantics */
	struct loop_source *defer; /* guest ports: callback queued */
	void *fire;		   /* its context, freed if cancelled */
};

struct gsim_domain {
	struct gsim *g;
	struct gsim_domain *next;
	uint32_t domid;
	enum gsim_dom_type type;
	bool dying;
	unsigned holds; /* client records naming this domain (zombie life) */

	uint32_t mem_pages;
	int base_fd;
	uint8_t *mem; /* mem_pages pages, MAP_SHARED, simulator's view */
	struct gsim_extent **ext; /* per pfn, NULL: base memfd */
	uint8_t *used;		  /* per pfn */

	struct gsim_gentry *grants;
	uint32_t ngrants;
	uint32_t grant_free; /* no free ref below it: granting n pages is O(n) */
	struct gsim_port *ports;
	uint32_t nports;
};

struct gsim_counter {
	uint32_t domid;
	unsigned in, out;
};

struct gsim {
	struct loop *loop;
	char *path;
	int listen_fd;
	struct loop_source *listen_src;
	bool dmabuf;
	bool export_pv; /* exports refused as in a PV domain */
	uint32_t dmabuf_hold_ms;
	uint32_t next_id;
	struct gsim_domain *domains; /* live ones */
	struct gsim_domain *zombies; /* destroyed, still held */
	struct gsim_client *clients;
	struct gsim_counter *counters;
	unsigned ncounters;
};

/* gsim.c */
struct gsim_counter *gsim_counter(struct gsim *g, uint32_t domid);
void gsim_domain_hold(struct gsim_domain *d);
void gsim_domain_release(struct gsim_domain *d);
/* The live domain with the lowest domid >= domid (getdomaininfolist's
 * order), NULL if none. */
const struct gsim_domain *gsim_domain_at_or_above(struct gsim *g,
						  uint32_t domid);

/* gsim_mem.c */
int gsim_mem_init(struct gsim_domain *d, uint32_t mem_pages);
void gsim_mem_fini(struct gsim_domain *d);
/* Allocates count pages; own_extent forces a fresh memfd. If import_fd >= 0
 * the run is backed by that fd (taken over) instead. pfn or -errno. */
int64_t gsim_mem_alloc(struct gsim_domain *d, uint32_t count, bool own_extent,
		       int import_fd);
/* The fd and page offset backing pfn (fd stays owned by d). */
int gsim_mem_backing(struct gsim_domain *d, uint32_t pfn, uint32_t *pgoff);
struct gsim_extent *gsim_mem_extent(struct gsim_domain *d, uint32_t pfn);

/* gsim_grant.c */
void gsim_grants_fini(struct gsim_domain *d);
/* Frees an in-range ref, whatever its map count. */
void gsim_grant_clear(struct gsim_domain *d, uint32_t gref);
/* Looks up a grant of (domid, ref) for grantee, checked like Xen does.
 * -EINVAL for anything a real map would refuse. */
int gsim_grant_check(struct gsim *g, uint32_t domid, uint32_t ref,
		     uint32_t grantee, bool writable,
		     struct gsim_domain **d_out, uint32_t *pfn_out);

/* gsim_evtchn.c */
void gsim_ports_fini(struct gsim_domain *d);
/* Client side of event channels (the client's domain is cd). */
int64_t gsim_port_bind_client(struct gsim_domain *cd, struct gsim_client *c,
			      uint32_t remote_domid, uint32_t remote_port);
int64_t gsim_port_unbound_client(struct gsim_domain *cd, struct gsim_client *c,
				 uint32_t remote_domid);
int gsim_port_notify_client(struct gsim_domain *cd, struct gsim_client *c,
			    uint32_t port);
int gsim_port_unbind_client(struct gsim_domain *cd, struct gsim_client *c,
			    uint32_t port);
/* Notifies the peer of cd's port, whoever owns it (unmap notifications). */
int gsim_port_send(struct gsim_domain *cd, uint32_t port);
int gsim_port_unmask_client(struct gsim_domain *cd, struct gsim_client *c,
			    uint32_t port);
/* Whether one of the client's ports holds an event until it is unmasked. */
bool gsim_port_client_awaits_unmask(struct gsim_domain *cd,
				    const struct gsim_client *c);

/* gsim_evtchn_dev.c: sends port on the client's device socket; reads the
 * unmasks the handle wrote so far; watches for more only while a port of
 * the client holds an event (an unmask then delivers it). */
int gsim_client_deliver(struct gsim_client *c, uint32_t port);
void gsim_client_read_unmasks(struct gsim_client *c);
void gsim_client_watch_unmasks(struct gsim_client *c);

/* gsim_server.c */
int gsim_server_start(struct gsim *g, const char *path);
void gsim_server_stop(struct gsim *g);
void gsim_server_stats(struct gsim *g, uint32_t domid, struct gsim_stats *s);

/* gsim_ops.c: drops exports whose dma-buf hold is over (the compositor
 * let go and the kernel freed them). */
void gsim_exports_reap(struct gsim *g);

#endif
