/* Drop-in libxengnttab, dma-buf half. Export hands out the guest's own
 * memfd (whose page 0 is the buffer); without simulated kernel support the
 * calls fail with ENOTTY, the errno the real ioctl gives on kernels built
 * without CONFIG_XEN_GNTDEV_DMABUF (gntdev answers -ENOIOCTLCMD). */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <xengnttab.h>

#include "gntdev_handle.h"

static int fail(int err)
{
	errno = err;
	return -1;
}

int xengnttab_dmabuf_exp_from_refs(xengnttab_handle *xgt, uint32_t domid,
				   uint32_t flags, uint32_t count,
				   const uint32_t *refs, uint32_t *fd)
{
	(void)flags; /* WC/coherent: no meaning for memfd pages */
	if (count == 0 || count > GSIM_WIRE_MAX_REFS || !refs || !fd)
		return fail(EINVAL);
	size_t len = sizeof(struct gsim_wire_map) + count * sizeof(struct gsim_wire_gref);
	struct gsim_wire_map *req = malloc(len);
	if (!req)
		return fail(ENOMEM);
	*req = (struct gsim_wire_map){.count = count, .writable = 1,
				      .notify_offset = UINT32_MAX,
				      .notify_port = UINT32_MAX};
	struct gsim_wire_gref *gr = (void *)(req + 1);
	for (uint32_t i = 0; i < count; i++)
		gr[i] = (struct gsim_wire_gref){domid, refs[i]};
	struct gsim_wire_id rep = {0};
	int out = -1;
	struct gsim_call call = {.op = GSIM_OP_DMABUF_EXP, .req = req,
				 .req_len = len, .send_fd = -1, .rep = &rep,
				 .rep_max = sizeof(rep), .fds = &out, .max_fds = 1};
	int r = gsim_conn_call(&xgt->conn, &call);
	free(req);
	if (r == 0 && (call.nfds != 1 || call.rep_len != sizeof(rep)))
		r = -EPROTO;
	if (r == 0)
		r = gntdev_obj_add(xgt, OBJ_EXPORT, NULL, out, count, rep.id);
	if (r < 0) {
		if (call.nfds)
			close(out);
		return fail(-r);
	}
	*fd = (uint32_t)out;
	return 0;
}

int xengnttab_dmabuf_exp_wait_released(xengnttab_handle *xgt, uint32_t fd,
				       uint32_t wait_to_ms)
{
	struct gntdev_obj *o = gntdev_obj_take(xgt, OBJ_EXPORT, NULL, (int)fd);
	if (!o)
		return fail(ENOENT);
	struct gsim_wire_wait w = {.id = o->id, .timeout_ms = wait_to_ms};
	int r = gsim_conn_simple(&xgt->conn, GSIM_OP_DMABUF_WAIT, &w, sizeof(w));
	if (r == -ETIMEDOUT) {
		gntdev_obj_put_back(xgt, o); /* still held: ask again later */
		return fail(ETIMEDOUT);
	}
	free(o);
	return r < 0 ? fail(-r) : 0;
}

int xengnttab_dmabuf_imp_to_refs(xengnttab_handle *xgt, uint32_t domid,
				 uint32_t fd, uint32_t count, uint32_t *refs)
{
	if (count == 0 || count > GSIM_WIRE_MAX_REFS || !refs)
		return fail(EINVAL);
	struct gsim_wire_share req = {.domid = domid, .count = count,
				      .writable = 1,
				      .notify_offset = UINT32_MAX,
				      .notify_port = UINT32_MAX};
	size_t rep_max = sizeof(struct gsim_wire_share_rep) + count * sizeof(uint32_t);
	struct gsim_wire_share_rep *rep = malloc(rep_max);
	if (!rep)
		return fail(ENOMEM);
	struct gsim_call call = {.op = GSIM_OP_DMABUF_IMP, .req = &req,
				 .req_len = sizeof(req), .send_fd = (int)fd,
				 .rep = rep, .rep_max = rep_max};
	int r = gsim_conn_call(&xgt->conn, &call);
	if (r == 0 && (call.rep_len != rep_max || rep->count != count))
		r = -EPROTO;
	if (r == 0)
		r = gntdev_obj_add(xgt, OBJ_IMPORT, NULL, (int)fd, count, rep->id);
	if (r == 0)
		for (uint32_t i = 0; i < count; i++)
			refs[i] = ((uint32_t *)(rep + 1))[i];
	free(rep);
	return r < 0 ? fail(-r) : 0;
}

int xengnttab_dmabuf_imp_release(xengnttab_handle *xgt, uint32_t fd)
{
	struct gntdev_obj *o = gntdev_obj_take(xgt, OBJ_IMPORT, NULL, (int)fd);
	if (!o)
		return fail(ENOENT);
	struct gsim_wire_id u = {.id = o->id};
	free(o);
	int r = gsim_conn_simple(&xgt->conn, GSIM_OP_DMABUF_IMP_REL, &u, sizeof(u));
	return r < 0 ? fail(-r) : 0;
}
