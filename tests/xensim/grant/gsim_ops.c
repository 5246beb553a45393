/* Grant requests of the drop-in libraries: map/unmap, dma-buf export and
 * import, gntshr share/unshare. Every count, ref and offset is checked
 * before anything is touched. */
#include "gsim_client.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "loop.h"

#define NO_NOTIFY UINT32_MAX

static void map_rec_free(struct gsim_client *c, struct gsim_map_rec *r,
			 uint32_t filled)
{
	for (uint32_t i = 0; i < filled; i++) {
		struct gsim_domain *d = r->pages[i].d;
		if (r->pages[i].ref < d->ngrants && d->grants[r->pages[i].ref].maps)
			d->grants[r->pages[i].ref].maps--;
		gsim_domain_release(d);
	}
	(void)c;
	free(r);
}

/* gntdev's unmap notification: clear a byte, then send an event. */
static void map_rec_notify(struct gsim_client *c, struct gsim_map_rec *r)
{
	if (r->notify_offset != NO_NOTIFY) {
		struct gsim_mpage *pg = &r->pages[r->notify_offset / GSIM_PAGE_SIZE];
		struct gsim_gentry *e = &pg->d->grants[pg->ref];
		uint8_t *page = gsim_page(pg->d, e->pfn);
		if (page)
			page[r->notify_offset % GSIM_PAGE_SIZE] = 0;
	}
	struct gsim_domain *cd = gsim_client_domain(c);
	if (r->notify_port != NO_NOTIFY && cd)
		gsim_port_send(cd, r->notify_port);
}

static int check_map_req(const struct gsim_msg *m,
			 const struct gsim_wire_map **req)
{
	const struct gsim_wire_map *q = m->payload;
	if (m->len < sizeof(*q))
		return -EINVAL;
	if (q->count == 0 || q->count > GSIM_WIRE_MAX_REFS ||
	    m->len != sizeof(*q) + q->count * sizeof(struct gsim_wire_gref))
		return -EINVAL;
	if (q->notify_offset != NO_NOTIFY &&
	    (q->notify_offset / GSIM_PAGE_SIZE >= q->count || !q->writable))
		return -EINVAL; /* gntdev: no clear-byte on a read-only map */
	*req = q;
	return 0;
}

static int build_map_rec(struct gsim_client *c, const struct gsim_wire_map *q,
			 bool export, struct gsim_map_rec **out)
{
	const struct gsim_wire_gref *gr = (const void *)(q + 1);
	struct gsim_map_rec *r =
		calloc(1, sizeof(*r) + q->count * sizeof(r->pages[0]));
	if (!r)
		return -ENOMEM;
	r->count = q->count;
	r->export = export;
	r->notify_offset = q->notify_offset;
	r->notify_port = q->notify_port;
	for (uint32_t i = 0; i < q->count; i++) {
		struct gsim_domain *d;
		uint32_t pfn;
		int err = gsim_grant_check(c->g, gr[i].domid, gr[i].ref, c->domid,
					   export || q->writable, &d, &pfn);
		if (err < 0) {
			map_rec_free(c, r, i);
			return err;
		}
		d->grants[gr[i].ref].maps++;
		gsim_domain_hold(d);
		r->pages[i] = (struct gsim_mpage){.d = d, .ref = gr[i].ref};
	}
	*out = r;
	return 0;
}

static uint32_t page_pfn(const struct gsim_mpage *pg)
{
	return pg->d->grants[pg->ref].pfn;
}

static int fd_slot(int *fds, unsigned *nfds, int fd)
{
	for (unsigned i = 0; i < *nfds; i++)
		if (fds[i] == fd)
			return (int)i;
	if (*nfds == GSIM_WIRE_MAX_FDS)
		return -ENOMEM;
	fds[*nfds] = fd;
	return (int)(*nfds)++;
}

/* Coalesces the pages into runs of one fd at consecutive offsets. */
static int reply_runs(struct gsim_client *c, struct gsim_map_rec *r)
{
	size_t sz = sizeof(struct gsim_wire_map_rep) +
		    r->count * sizeof(struct gsim_wire_run);
	struct gsim_wire_map_rep *rep = calloc(1, sz);
	int fds[GSIM_WIRE_MAX_FDS];
	unsigned nfds = 0;
	if (!rep)
		return -ENOMEM;
	struct gsim_wire_run *runs = (void *)(rep + 1), *cur = NULL;
	for (uint32_t i = 0; i < r->count; i++) {
		uint32_t pgoff;
		int fd = gsim_mem_backing(r->pages[i].d, page_pfn(&r->pages[i]), &pgoff);
		int slot = fd_slot(fds, &nfds, fd);
		if (slot < 0) {
			free(rep);
			return slot;
		}
		if (cur && cur->fd_index == (uint32_t)slot &&
		    cur->pgoff + cur->npages == pgoff) {
			cur->npages++;
			continue;
		}
		cur = &runs[rep->nruns++];
		*cur = (struct gsim_wire_run){.fd_index = (uint32_t)slot,
					      .page_index = i,
					      .pgoff = pgoff,
					      .npages = 1};
	}
	rep->id = r->id;
	int err = gsim_reply(c, GSIM_OP_MAP, 0, rep,
			     sizeof(*rep) + rep->nruns * sizeof(*runs), fds, nfds);
	free(rep);
	return err;
}

/* A dma-buf is handed out as the memfd of the guest's run, so the refs must
 * be that run's pages in order from its first one. */
static int export_fd(struct gsim_map_rec *r)
{
	struct gsim_domain *d = r->pages[0].d;
	struct gsim_extent *e = gsim_mem_extent(d, page_pfn(&r->pages[0]));
	if (!e || page_pfn(&r->pages[0]) != e->first_pfn || r->count > e->npages)
		goto unsupported;
	for (uint32_t i = 1; i < r->count; i++)
		if (r->pages[i].d != d || page_pfn(&r->pages[i]) != e->first_pfn + i)
			goto unsupported;
	return e->fd;
unsupported:
	log_warn("gsim: dma-buf export of dom%u refs that are not one "
		 "allocation's pages from its first: unsupported by xensim",
		 d->domid);
	return -EOPNOTSUPP;
}

int gsim_op_map(struct gsim_client *c, struct gsim_msg *m, bool export)
{
	const struct gsim_wire_map *q;
	struct gsim_map_rec *r;
	int err = check_map_req(m, &q);
	if (err == 0 && export && q->notify_port != NO_NOTIFY)
		err = -EINVAL;
	if (err == 0)
		err = build_map_rec(c, q, export, &r);
	if (err < 0)
		return err;
	r->id = gsim_new_id(c->g);
	if (export) {
		int fd = export_fd(r);
		if (fd < 0) {
			map_rec_free(c, r, r->count);
			return fd;
		}
		struct gsim_wire_id id = {.id = r->id};
		err = gsim_reply(c, GSIM_OP_DMABUF_EXP, 0, &id, sizeof(id), &fd, 1);
	} else {
		err = reply_runs(c, r);
	}
	if (err < 0 && err != -EPIPE && err != -ECONNRESET) {
		map_rec_free(c, r, r->count);
		return err;
	}
	r->next = c->maps;
	c->maps = r;
	return 0;
}

/* The simulator cannot see the last close of a memfd: being asked counts
 * as the close of the backend's fd, and the compositor lets go hold_ms
 * later (gsim_set_dmabuf_hold_ms). */
static bool export_held(struct gsim_map_rec *r, uint32_t hold_ms,
			uint64_t now)
{
	if (r->held_since_ns == 0) {
		if (hold_ms == 0)
			return false;
		r->held_since_ns = now;
		r->hold_ms = hold_ms;
	}
	return now - r->held_since_ns < (uint64_t)r->hold_ms * 1000000u;
}

void gsim_exports_reap(struct gsim *g)
{
	uint64_t now = loop_now_ns();
	for (struct gsim_client *c = g->clients; c; c = c->next) {
		for (struct gsim_map_rec **p = &c->maps; *p;) {
			struct gsim_map_rec *r = *p;
			if (r->export && r->held_since_ns &&
			    !export_held(r, 0, now)) {
				*p = r->next;
				map_rec_free(c, r, r->count);
			} else {
				p = &r->next;
			}
		}
	}
}

/* UNMAP (a mapping) or DMABUF_WAIT (an export: released unless a hold
 * says the compositor still has it). */
int gsim_op_unmap(struct gsim_client *c, struct gsim_msg *m, uint32_t op)
{
	const struct gsim_wire_id *q = m->payload;
	if (m->len != sizeof(*q))
		return -EINVAL;
	bool export = op == GSIM_OP_DMABUF_WAIT;
	for (struct gsim_map_rec **p = &c->maps; *p; p = &(*p)->next) {
		struct gsim_map_rec *r = *p;
		if (r->id != q->id || r->export != export)
			continue;
		if (export && export_held(r, c->g->dmabuf_hold_ms, loop_now_ns()))
			return -ETIMEDOUT;
		*p = r->next;
		map_rec_notify(c, r);
		map_rec_free(c, r, r->count);
		return gsim_reply(c, op, 0, NULL, 0, NULL, 0);
	}
	return export ? -ENOENT : -EINVAL;
}

static void share_rec_free(struct gsim_client *c, struct gsim_share_rec *r)
{
	struct gsim_domain *cd = gsim_client_domain(c);
	if (cd && r->notify_offset != NO_NOTIFY) {
		uint8_t *page = gsim_page(cd, r->pfn + r->notify_offset / GSIM_PAGE_SIZE);
		if (page)
			page[r->notify_offset % GSIM_PAGE_SIZE] = 0;
	}
	if (cd && r->notify_port != NO_NOTIFY)
		gsim_port_send(cd, r->notify_port);
	for (uint32_t i = 0; cd && i < r->count; i++) {
		if (r->refs[i] && r->refs[i] < cd->ngrants)
			gsim_grant_clear(cd, r->refs[i]);
	}
	if (cd)
		gsim_free_pages(cd, r->pfn, r->count);
	free(r);
}

static int check_share_req(const struct gsim_msg *m, bool import,
			   const struct gsim_wire_share **out)
{
	const struct gsim_wire_share *q = m->payload;
	if (m->len != sizeof(*q) || q->count == 0 ||
	    q->count > GSIM_WIRE_MAX_REFS)
		return -EINVAL;
	if (q->notify_offset != NO_NOTIFY &&
	    q->notify_offset / GSIM_PAGE_SIZE >= q->count)
		return -EINVAL;
	if (import) {
		struct stat st;
		if (m->fd < 0 || fstat(m->fd, &st) < 0 ||
		    (uint64_t)st.st_size < (uint64_t)q->count * GSIM_PAGE_SIZE)
			return -EINVAL;
	}
	*out = q;
	return 0;
}

static int grant_share(struct gsim_domain *cd, struct gsim_share_rec *r,
		       bool writable)
{
	for (uint32_t i = 0; i < r->count; i++) {
		int64_t ref = gsim_grant(cd, r->domid, r->pfn + i, !writable);
		if (ref < 0)
			return (int)ref;
		r->refs[i] = (uint32_t)ref;
	}
	return 0;
}

/* SHARE (gntshr pages in the client's domain) or DMABUF_IMP (the client's
 * fd mapped into its domain's memory); both granted to q->domid. */
int gsim_op_share(struct gsim_client *c, struct gsim_msg *m, bool import)
{
	const struct gsim_wire_share *q;
	struct gsim_domain *cd = gsim_client_domain(c);
	int err = check_share_req(m, import, &q);
	if (err < 0)
		return err;
	if (!cd || q->domid == c->domid)
		return -EINVAL;
	struct gsim_share_rec *r = calloc(1, sizeof(*r) + q->count * sizeof(uint32_t));
	if (!r)
		return -ENOMEM;
	*r = (struct gsim_share_rec){.id = gsim_new_id(c->g), .domid = q->domid,
				     .count = q->count, .import = import,
				     .notify_offset = q->notify_offset,
				     .notify_port = q->notify_port};
	int64_t pfn = gsim_mem_alloc(cd, q->count, true, import ? m->fd : -1);
	if (pfn < 0) {
		free(r);
		return (int)pfn;
	}
	if (import)
		m->fd = -1; /* the extent owns it now */
	r->pfn = (uint32_t)pfn;
	err = grant_share(cd, r, import || q->writable);
	if (err == 0) {
		size_t sz = sizeof(struct gsim_wire_share_rep) + q->count * sizeof(uint32_t);
		struct gsim_wire_share_rep *rep = malloc(sz);
		int fd = gsim_mem_extent(cd, r->pfn)->fd;
		if (!rep) {
			err = -ENOMEM;
		} else {
			rep->id = r->id;
			rep->count = r->count;
			memcpy(rep + 1, r->refs, r->count * sizeof(uint32_t));
			err = gsim_reply(c, import ? GSIM_OP_DMABUF_IMP : GSIM_OP_SHARE,
					 0, rep, sz, &fd, import ? 0 : 1);
			free(rep);
		}
	}
	if (err < 0) {
		share_rec_free(c, r);
		return err;
	}
	r->next = c->shares;
	c->shares = r;
	return 0;
}

int gsim_op_unshare(struct gsim_client *c, struct gsim_msg *m, uint32_t op)
{
	const struct gsim_wire_id *q = m->payload;
	if (m->len != sizeof(*q))
		return -EINVAL;
	bool import = op == GSIM_OP_DMABUF_IMP_REL;
	for (struct gsim_share_rec **p = &c->shares; *p; p = &(*p)->next) {
		struct gsim_share_rec *r = *p;
		if (r->id != q->id || r->import != import)
			continue;
		*p = r->next;
		share_rec_free(c, r);
		return gsim_reply(c, op, 0, NULL, 0, NULL, 0);
	}
	return -ENOENT;
}

void gsim_client_release_all(struct gsim_client *c)
{
	while (c->maps) {
		struct gsim_map_rec *r = c->maps;
		c->maps = r->next;
		map_rec_notify(c, r);
		map_rec_free(c, r, r->count);
	}
	while (c->shares) {
		struct gsim_share_rec *r = c->shares;
		c->shares = r->next;
		share_rec_free(c, r);
	}
	struct gsim_domain *cd = gsim_client_domain(c);
	for (uint32_t p = 0; cd && p < cd->nports; p++)
		if (cd->ports[p].client == c)
			gsim_port_unbind_client(cd, c, p);
}
