/* Drop-in libxengnttab, gntshr half: pages of our own domain, allocated by
 * the simulator (a memfd it also maps), granted to a guest. */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xengnttab.h>

#include "gntdev_handle.h"

#define PAGE 4096u

xengntshr_handle *xengntshr_open(struct xentoollog_logger *logger,
				 unsigned open_flags)
{
	(void)logger;
	(void)open_flags;
	return gntdev_handle_open(GSIM_KIND_GNTSHR);
}

int xengntshr_close(xengntshr_handle *xgs) { return gntdev_handle_close(xgs); }

int xengntshr_fd(xengntshr_handle *xgs) { return xgs->conn.fd; }

static void *share(xengntshr_handle *xgs, uint32_t domid, int count,
		   uint32_t *refs, int writable, uint32_t notify_offset,
		   uint32_t notify_port)
{
	if (count <= 0 || (uint32_t)count > GSIM_WIRE_MAX_REFS || !refs) {
		errno = EINVAL;
		return NULL;
	}
	struct gsim_wire_share req = {.domid = domid, .count = (uint32_t)count,
				      .writable = writable != 0,
				      .notify_offset = notify_offset,
				      .notify_port = notify_port};
	size_t rep_max = sizeof(struct gsim_wire_share_rep) + (size_t)count * sizeof(uint32_t);
	struct gsim_wire_share_rep *rep = malloc(rep_max);
	int fd = -1;
	void *addr = MAP_FAILED;
	if (!rep) {
		errno = ENOMEM;
		return NULL;
	}
	struct gsim_call call = {.op = GSIM_OP_SHARE, .req = &req,
				 .req_len = sizeof(req), .send_fd = -1,
				 .rep = rep, .rep_max = rep_max, .fds = &fd,
				 .max_fds = 1};
	int r = gsim_conn_call(&xgs->conn, &call);
	if (r == 0 && (call.nfds != 1 || call.rep_len != rep_max))
		r = -EPROTO;
	if (r == 0) {
		addr = mmap(NULL, (size_t)count * PAGE, PROT_READ | PROT_WRITE,
			    MAP_SHARED, fd, 0);
		r = addr == MAP_FAILED ? -errno : 0;
	}
	if (r == 0)
		r = gntdev_obj_add(xgs, OBJ_SHARE, addr, -1, (uint32_t)count, rep->id);
	if (r == 0)
		for (int i = 0; i < count; i++)
			refs[i] = ((uint32_t *)(rep + 1))[i];
	else if (call.rep_len == rep_max) {
		struct gsim_wire_id u = {.id = rep->id};
		gsim_conn_simple(&xgs->conn, GSIM_OP_UNSHARE, &u, sizeof(u));
	}
	if (call.nfds)
		close(fd);
	free(rep);
	if (r < 0) {
		if (addr != MAP_FAILED)
			munmap(addr, (size_t)count * PAGE);
		errno = -r;
		return NULL;
	}
	return addr;
}

void *xengntshr_share_pages(xengntshr_handle *xgs, uint32_t domid, int count,
			    uint32_t *refs, int writable)
{
	return share(xgs, domid, count, refs, writable, UINT32_MAX, UINT32_MAX);
}

void *xengntshr_share_page_notify(xengntshr_handle *xgs, uint32_t domid,
				  uint32_t *ref, int writable,
				  uint32_t notify_offset,
				  evtchn_port_t notify_port)
{
	return share(xgs, domid, 1, ref, writable,
		     notify_offset == (uint32_t)-1 ? UINT32_MAX : notify_offset,
		     notify_port == (evtchn_port_t)-1 ? UINT32_MAX : notify_port);
}

int xengntshr_unshare(xengntshr_handle *xgs, void *start_address,
		      uint32_t count)
{
	struct gntdev_obj *o = start_address
				       ? gntdev_obj_take(xgs, OBJ_SHARE, start_address, -1)
				       : NULL;
	if (!o || o->count != count) {
		if (o)
			gntdev_obj_put_back(xgs, o);
		errno = EINVAL;
		return -1;
	}
	munmap(start_address, (size_t)count * PAGE);
	struct gsim_wire_id u = {.id = o->id};
	free(o);
	int r = gsim_conn_simple(&xgs->conn, GSIM_OP_UNSHARE, &u, sizeof(u));
	if (r < 0) {
		errno = -r;
		return -1;
	}
	return 0;
}
