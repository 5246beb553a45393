/* The wire between the drop-in libxengnttab/libxenevtchn and the grant
 * simulator. One SOCK_SEQPACKET connection per library handle; each request
 * is one message (header + op payload), answered by exactly one reply
 * message (header + payload, file descriptors as SCM_RIGHTS).
 *
 * Events never travel here: an evtchn handle gets two fds at HELLO. The
 * first, a SOCK_STREAM socket, behaves like the Linux /dev/xen/evtchn it
 * stands for: a read returns whole uint32_t ports, as many as are pending
 * and fit; a write of uint32_t ports unmasks each (the device's write).
 * The second, a pipe, takes the uint32_t ports to notify (the device's
 * notify ioctl: one syscall without a reply, and as cheap a wake-up of the
 * other side as Linux offers). The simulator reads both before the next
 * request on the connection, so calls stay in order with them. */
#ifndef XENSIM_GSIM_WIRE_H
#define XENSIM_GSIM_WIRE_H

#include <stdint.h>

#define GSIM_WIRE_MAGIC 0x6753696du /* "gSim" */
#define GSIM_WIRE_MAX_REFS 8192u    /* refs in one request: 32 MiB */
#define GSIM_WIRE_MAX_FDS 200u	    /* distinct memfds in one map reply */
#define GSIM_WIRE_MAX_MSG (64u + 16u * GSIM_WIRE_MAX_REFS)

enum gsim_wire_op {
	GSIM_OP_HELLO = 1,	 /* gsim_wire_hello -> (evtchn: notify fd) */
	GSIM_OP_MAP,		 /* gsim_wire_map + pairs -> gsim_wire_map_rep */
	GSIM_OP_UNMAP,		 /* gsim_wire_id -> - */
	GSIM_OP_DMABUF_EXP,	 /* gsim_wire_map + pairs -> gsim_wire_id + fd */
	GSIM_OP_DMABUF_WAIT,	 /* gsim_wire_wait -> - */
	GSIM_OP_DMABUF_IMP,	 /* gsim_wire_share + fd -> gsim_wire_share_rep */
	GSIM_OP_DMABUF_IMP_REL,	 /* gsim_wire_id -> - */
	GSIM_OP_SHARE,		 /* gsim_wire_share -> gsim_wire_share_rep + fd */
	GSIM_OP_UNSHARE,	 /* gsim_wire_id -> - */
	GSIM_OP_EVT_BIND_INTER,	 /* gsim_wire_evt -> gsim_wire_evt (port) */
	GSIM_OP_EVT_BIND_UNBOUND, /* gsim_wire_evt -> gsim_wire_evt */
	GSIM_OP_EVT_UNBIND,	 /* gsim_wire_evt -> - */
	GSIM_OP_EVT_RESTRICT,	 /* gsim_wire_evt (domid) -> - */
	GSIM_OP_DOMINFO,	 /* gsim_wire_dominfo (first) -> gsim_wire_dominfo */
	GSIM_OP_MAX
};

enum gsim_wire_kind {
	GSIM_KIND_GNTTAB = 1,
	GSIM_KIND_GNTSHR,
	GSIM_KIND_EVTCHN,
	GSIM_KIND_CTRL, /* libxenctrl: domain information */
};

struct gsim_wire_req {
	uint32_t magic;
	uint32_t op;
	uint32_t len; /* payload bytes after this header */
	uint32_t reserved;
};

struct gsim_wire_rep {
	uint32_t magic;
	uint32_t op;  /* echoes the request */
	int32_t err;  /* 0 or a positive errno */
	uint32_t len; /* payload bytes after this header */
};

struct gsim_wire_hello {
	uint32_t kind;	/* enum gsim_wire_kind */
	uint32_t domid; /* the domain this client acts as */
};

struct gsim_wire_map {
	uint32_t count;
	uint32_t writable;
	uint32_t notify_offset; /* byte offset in the mapping, or UINT32_MAX */
	uint32_t notify_port;	/* local port, or UINT32_MAX */
	/* followed by count x struct gsim_wire_gref */
};

struct gsim_wire_gref {
	uint32_t domid;
	uint32_t ref;
};

/* One piece of a mapping: npages pages of reply fd #fd_index, starting at
 * page pgoff of that fd, placed page_index pages into the mapping. */
struct gsim_wire_run {
	uint32_t fd_index;
	uint32_t page_index;
	uint32_t pgoff;
	uint32_t npages;
};

struct gsim_wire_map_rep {
	uint32_t id;
	uint32_t nruns;
	/* followed by nruns x struct gsim_wire_run; fds in SCM_RIGHTS */
};

struct gsim_wire_id {
	uint32_t id;
	uint32_t pad;
};

struct gsim_wire_wait {
	uint32_t id;
	uint32_t timeout_ms;
};

struct gsim_wire_share {
	uint32_t domid;
	uint32_t count;
	uint32_t writable;
	uint32_t notify_offset; /* UINT32_MAX: none */
	uint32_t notify_port;	/* UINT32_MAX: none */
	uint32_t pad;
};

struct gsim_wire_share_rep {
	uint32_t id;
	uint32_t count;
	/* followed by count x uint32_t refs */
};

struct gsim_wire_evt {
	uint32_t domid;
	uint32_t port;
};

/* Asked: domid = the first domain wanted. Answered: the first live domain
 * at or above it (ESRCH: none), with its enum gsim_dom_type. */
struct gsim_wire_dominfo {
	uint32_t domid;
	uint32_t type;
};

#endif
