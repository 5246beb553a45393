/* Drop-in libxengnttab: grant mapping through the simulator. A mapping is
 * one reserved address range with the guest's memfd pages MAP_FIXED into
 * it, so several refs come back as one contiguous region as with gntdev.
 * Errors follow Linux gntdev + libxengnttab: a refused grant fails the map
 * with EINVAL; unmap of an unknown address or wrong count is EINVAL. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xengnttab.h>
#include <xentoollog.h>

#include "gntdev_handle.h"

#define PAGE 4096u
#define NO_NOTIFY UINT32_MAX

xengnttab_handle *xengnttab_open(struct xentoollog_logger *logger,
				 unsigned open_flags)
{
	(void)open_flags;
	xengnttab_handle *h = gntdev_handle_open(GSIM_KIND_GNTTAB);
	if (h)
		h->logger = logger;
	return h;
}

/* As Xen's GTERROR: xtl_log(logger, XTL_ERROR, errno, "gnttab", ...),
 * called through the vtable (this drop-in does not link libxentoollog).
 * With a NULL logger the real library logs to stderr itself; ours is
 * quiet then, so that tests see only what the caller's logger printed. */
static void gt_error(xengnttab_handle *xgt, int err, const char *msg, ...)
{
	struct xentoollog_logger *l = xgt->logger;
	if (!l || !l->vmessage)
		return;
	va_list ap;
	va_start(ap, msg);
	l->vmessage(l, XTL_ERROR, err, "gnttab", msg, ap);
	va_end(ap);
}

int xengnttab_close(xengnttab_handle *xgt) { return gntdev_handle_close(xgt); }

int xengnttab_fd(xengnttab_handle *xgt) { return xgt->conn.fd; }

int xengnttab_set_max_grants(xengnttab_handle *xgt, uint32_t nr_grants)
{
	(void)xgt;
	(void)nr_grants; /* modern gntdev ignores it too */
	return 0;
}

static int place_runs(uint8_t *base, uint32_t count, int prot,
		      const struct gsim_wire_map_rep *rep, size_t rep_len,
		      const int *fds, unsigned nfds)
{
	const struct gsim_wire_run *runs = (const void *)(rep + 1);
	if (rep_len < sizeof(*rep) ||
	    rep_len != sizeof(*rep) + rep->nruns * sizeof(*runs))
		return -EPROTO;
	for (uint32_t i = 0; i < rep->nruns; i++) {
		const struct gsim_wire_run *r = &runs[i];
		if (r->fd_index >= nfds || r->npages == 0 ||
		    r->page_index >= count || r->npages > count - r->page_index)
			return -EPROTO;
		if (mmap(base + (size_t)r->page_index * PAGE,
			 (size_t)r->npages * PAGE, prot, MAP_SHARED | MAP_FIXED,
			 fds[r->fd_index], (off_t)r->pgoff * PAGE) == MAP_FAILED)
			return -errno;
	}
	return 0;
}

static void *map_refs(xengnttab_handle *xgt, uint32_t count,
		      const uint32_t *domids, uint32_t domid,
		      const uint32_t *refs, int prot, uint32_t notify_offset,
		      uint32_t notify_port)
{
	if (count == 0 || count > GSIM_WIRE_MAX_REFS || !refs ||
	    !(prot & (PROT_READ | PROT_WRITE))) {
		errno = EINVAL;
		return NULL;
	}
	size_t req_len = sizeof(struct gsim_wire_map) + count * sizeof(struct gsim_wire_gref);
	size_t rep_max = sizeof(struct gsim_wire_map_rep) + count * sizeof(struct gsim_wire_run);
	struct gsim_wire_map *req = malloc(req_len);
	void *rep = malloc(rep_max);
	int fds[GSIM_WIRE_MAX_FDS];
	void *base = MAP_FAILED;
	int r = -ENOMEM;
	if (!req || !rep)
		goto out;
	*req = (struct gsim_wire_map){.count = count,
				      .writable = (prot & PROT_WRITE) != 0,
				      .notify_offset = notify_offset,
				      .notify_port = notify_port};
	struct gsim_wire_gref *gr = (void *)(req + 1);
	for (uint32_t i = 0; i < count; i++)
		gr[i] = (struct gsim_wire_gref){domids ? domids[i] : domid, refs[i]};
	struct gsim_call call = {.op = GSIM_OP_MAP, .req = req, .req_len = req_len,
				 .send_fd = -1, .rep = rep, .rep_max = rep_max,
				 .fds = fds, .max_fds = GSIM_WIRE_MAX_FDS};
	r = gsim_conn_call(&xgt->conn, &call);
	if (r < 0)
		goto out;
	uint32_t id = ((struct gsim_wire_map_rep *)rep)->id;
	base = mmap(NULL, (size_t)count * PAGE, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	r = base == MAP_FAILED ? -errno
			       : place_runs(base, count, prot, rep, call.rep_len,
					    fds, call.nfds);
	if (r == 0)
		r = gntdev_obj_add(xgt, OBJ_MAP, base, -1, count, id);
	for (unsigned i = 0; i < call.nfds; i++)
		close(fds[i]);
	if (r < 0) {
		struct gsim_wire_id u = {.id = id};
		gsim_conn_simple(&xgt->conn, GSIM_OP_UNMAP, &u, sizeof(u));
	}
out:
	free(req);
	free(rep);
	if (r < 0) {
		if (base != MAP_FAILED)
			munmap(base, (size_t)count * PAGE);
		/* Linux gntdev fails the mmap of a refused grant. */
		gt_error(xgt, -r, "mmap failed");
		errno = -r;
		return NULL;
	}
	return base;
}

void *xengnttab_map_grant_ref(xengnttab_handle *xgt, uint32_t domid,
			      uint32_t ref, int prot)
{
	return map_refs(xgt, 1, NULL, domid, &ref, prot, NO_NOTIFY, NO_NOTIFY);
}

void *xengnttab_map_grant_refs(xengnttab_handle *xgt, uint32_t count,
			       uint32_t *domids, uint32_t *refs, int prot)
{
	if (!domids) {
		errno = EINVAL;
		return NULL;
	}
	return map_refs(xgt, count, domids, 0, refs, prot, NO_NOTIFY, NO_NOTIFY);
}

void *xengnttab_map_domain_grant_refs(xengnttab_handle *xgt, uint32_t count,
				      uint32_t domid, uint32_t *refs, int prot)
{
	return map_refs(xgt, count, NULL, domid, refs, prot, NO_NOTIFY, NO_NOTIFY);
}

void *xengnttab_map_grant_ref_notify(xengnttab_handle *xgt, uint32_t domid,
				     uint32_t ref, int prot,
				     uint32_t notify_offset,
				     evtchn_port_t notify_port)
{
	/* libxengnttab passes "no notification" as -1 for either. */
	return map_refs(xgt, 1, NULL, domid, &ref, prot,
			notify_offset == (uint32_t)-1 ? NO_NOTIFY : notify_offset,
			notify_port == (evtchn_port_t)-1 ? NO_NOTIFY : notify_port);
}

int xengnttab_unmap(xengnttab_handle *xgt, void *start_address, uint32_t count)
{
	if (!start_address) {
		errno = EINVAL;
		return -1;
	}
	struct gntdev_obj *o = gntdev_obj_take(xgt, OBJ_MAP, start_address, -1);
	if (!o || o->count != count) {
		if (o)
			gntdev_obj_put_back(xgt, o);
		errno = EINVAL;
		return -1;
	}
	munmap(start_address, (size_t)count * PAGE);
	struct gsim_wire_id u = {.id = o->id};
	free(o);
	int r = gsim_conn_simple(&xgt->conn, GSIM_OP_UNMAP, &u, sizeof(u));
	if (r < 0) {
		errno = -r;
		return -1;
	}
	return 0;
}

static int16_t copy_one(xengnttab_handle *xgt, xengnttab_grant_copy_segment_t *s)
{
	bool src_ref = s->flags & GNTCOPY_source_gref;
	bool dst_ref = s->flags & GNTCOPY_dest_gref;
	if ((src_ref && s->source.foreign.offset + s->len > PAGE) ||
	    (dst_ref && s->dest.foreign.offset + s->len > PAGE))
		return GNTST_bad_copy_arg;
	uint8_t *src = src_ref ? xengnttab_map_grant_ref(xgt, s->source.foreign.domid,
							 s->source.foreign.ref, PROT_READ)
			       : s->source.virt;
	uint8_t *dst = dst_ref ? xengnttab_map_grant_ref(xgt, s->dest.foreign.domid,
							 s->dest.foreign.ref, PROT_WRITE)
			       : s->dest.virt;
	int16_t st = GNTST_okay;
	if (!src || !dst)
		st = GNTST_permission_denied;
	else
		memcpy(dst + (dst_ref ? s->dest.foreign.offset : 0),
		       src + (src_ref ? s->source.foreign.offset : 0), s->len);
	if (src_ref && src)
		xengnttab_unmap(xgt, src, 1);
	if (dst_ref && dst)
		xengnttab_unmap(xgt, dst, 1);
	return st;
}

/* GNTTABOP_copy, done here as map + memcpy + unmap per segment. */
int xengnttab_grant_copy(xengnttab_handle *xgt, uint32_t count,
			 xengnttab_grant_copy_segment_t *segs)
{
	for (uint32_t i = 0; i < count; i++)
		segs[i].status = copy_one(xgt, &segs[i]);
	return 0;
}
