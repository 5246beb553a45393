/* The grant simulator: domains, their lifetime (zombies while mapped), the
 * dma-buf switch and statistics. */
#include "gsim_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define DOM0_PAGES (1u << 16) /* 256 MiB of address space, sparse */

static void domain_free(struct gsim_domain *d)
{
	gsim_ports_fini(d);
	gsim_grants_fini(d);
	gsim_mem_fini(d);
	free(d);
}

static struct gsim_domain *domain_new(struct gsim *g, uint32_t domid,
				      uint32_t mem_pages)
{
	struct gsim_domain *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->g = g;
	d->domid = domid;
	/* Dom0 runs PV on the real-Xen tier; guests default to HVM, where
	 * backend-allocated buffers work. */
	d->type = domid == 0 ? GSIM_DOM_PV : GSIM_DOM_HVM;
	d->base_fd = -1;
	int r = gsim_mem_init(d, mem_pages);
	if (r < 0) {
		free(d);
		errno = -r;
		return NULL;
	}
	d->next = g->domains;
	g->domains = d;
	return d;
}

struct gsim *gsim_create(struct loop *loop, const char *socket_path)
{
	struct gsim *g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->loop = loop;
	g->listen_fd = -1;
	g->next_id = 1;
	const char *no = getenv("XENSIM_NO_DMABUF");
	g->dmabuf = !(no && strcmp(no, "1") == 0);
	const char *hold = getenv("XENSIM_DMABUF_HOLD_MS");
	if (hold)
		g->dmabuf_hold_ms = (uint32_t)strtoul(hold, NULL, 10);
	if (!domain_new(g, 0, DOM0_PAGES))
		goto fail;
	if (socket_path && gsim_server_start(g, socket_path) < 0)
		goto fail;
	return g;
fail:
	gsim_destroy(g);
	return NULL;
}

static void free_list(struct gsim_domain *d)
{
	while (d) {
		struct gsim_domain *next = d->next;
		domain_free(d);
		d = next;
	}
}

void gsim_destroy(struct gsim *g)
{
	if (!g)
		return;
	gsim_server_stop(g); /* drops every client and what it holds */
	free_list(g->domains);
	free_list(g->zombies);
	free(g->counters);
	free(g);
}

void gsim_set_dmabuf(struct gsim *g, bool supported) { g->dmabuf = supported; }
void gsim_set_dmabuf_export_pv(struct gsim *g, bool pv) { g->export_pv = pv; }
void gsim_set_dmabuf_hold_ms(struct gsim *g, uint32_t ms) { g->dmabuf_hold_ms = ms; }

struct gsim_domain *gsim_domain_create(struct gsim *g, uint32_t domid,
				       uint32_t mem_pages)
{
	if (!g || gsim_domain_get(g, domid) || mem_pages == 0) {
		errno = EEXIST;
		return NULL;
	}
	return domain_new(g, domid, mem_pages);
}

struct gsim_domain *gsim_domain_get(struct gsim *g, uint32_t domid)
{
	for (struct gsim_domain *d = g ? g->domains : NULL; d; d = d->next)
		if (d->domid == domid)
			return d;
	return NULL;
}

uint32_t gsim_domain_id(const struct gsim_domain *d) { return d->domid; }
void gsim_domain_set_type(struct gsim_domain *d, enum gsim_dom_type type)
{
	d->type = type;
}

/* Live domains only: a dying one is no guest to serve any more. */
const struct gsim_domain *gsim_domain_at_or_above(struct gsim *g,
						  uint32_t domid)
{
	const struct gsim_domain *best = NULL;

	for (const struct gsim_domain *d = g->domains; d; d = d->next)
		if (d->domid >= domid && (!best || d->domid < best->domid))
			best = d;
	return best;
}

static void unlink_domain(struct gsim_domain **list, struct gsim_domain *d)
{
	for (struct gsim_domain **p = list; *p; p = &(*p)->next) {
		if (*p == d) {
			*p = d->next;
			return;
		}
	}
}

void gsim_domain_destroy(struct gsim_domain *d)
{
	if (!d || d->dying || d->domid == 0)
		return;
	struct gsim *g = d->g;
	gsim_ports_fini(d); /* peers see no more notifications */
	d->dying = true;
	unlink_domain(&g->domains, d);
	if (d->holds == 0) {
		domain_free(d);
		return;
	}
	/* Mapped by clients: a zombie until the last mapping goes. */
	d->next = g->zombies;
	g->zombies = d;
}

void gsim_domain_hold(struct gsim_domain *d) { d->holds++; }

void gsim_domain_release(struct gsim_domain *d)
{
	if (--d->holds > 0 || !d->dying)
		return;
	unlink_domain(&d->g->zombies, d);
	domain_free(d);
}

struct gsim_counter *gsim_counter(struct gsim *g, uint32_t domid)
{
	static struct gsim_counter dummy;
	for (unsigned i = 0; i < g->ncounters; i++)
		if (g->counters[i].domid == domid)
			return &g->counters[i];
	struct gsim_counter *c =
		realloc(g->counters, (g->ncounters + 1) * sizeof(*c));
	if (!c) {
		log_error("gsim: counter for dom%u: out of memory", domid);
		return &dummy;
	}
	g->counters = c;
	c[g->ncounters] = (struct gsim_counter){.domid = domid};
	return &c[g->ncounters++];
}

void gsim_get_stats(struct gsim *g, uint32_t domid, struct gsim_stats *out)
{
	*out = (struct gsim_stats){0};
	gsim_exports_reap(g);
	for (unsigned i = 0; i < g->ncounters; i++) {
		if (domid != UINT32_MAX && g->counters[i].domid != domid)
			continue;
		out->notifications_in += g->counters[i].in;
		out->notifications_out += g->counters[i].out;
	}
	gsim_server_stats(g, domid, out);
}
