/* What kind of domain a guest is, from the hypervisor's domain information
 * (libxenctrl). The only door to libxenctrl.
 *
 * It matters for backend-allocated display buffers: an x86 PV guest can't
 * put pages another domain owns into a process's page tables (docs/
 * be-alloc-pv.md), every auto-translated guest (x86 HVM and PVH, all of
 * ARM) can. */
#ifndef VDISPLD_XEN_DOMAIN_H
#define VDISPLD_XEN_DOMAIN_H

#include <stdint.h>

enum xdomain_type {
	XDOMAIN_UNKNOWN = 0, /* no libxenctrl (privcmd), or the query failed */
	XDOMAIN_PV,	     /* x86 para-virtual: Xen checks its page tables */
	XDOMAIN_HVM,	     /* x86 HVM, emulated legacy devices */
	XDOMAIN_PVH,	     /* x86 PVH: HVM container, no legacy devices */
	XDOMAIN_ARM,	     /* ARM: every guest is auto-translated */
};

struct xdomain;

/* Opens libxenctrl. Never fails for want of Xen: without privcmd (no
 * Dom0, a sandbox without the device) the handle answers XDOMAIN_UNKNOWN
 * for every guest and says why once. NULL only if out of memory. */
struct xdomain *xdomain_open(void);
void xdomain_close(struct xdomain *xd);

/* The type of domid; XDOMAIN_UNKNOWN if xd is NULL, the library is
 * unavailable, or the domain is gone. A non-x86 build answers XDOMAIN_ARM
 * without asking (and without opening privcmd). */
enum xdomain_type xdomain_type(struct xdomain *xd, uint32_t domid);
const char *xdomain_type_name(enum xdomain_type type);

/* Why the grant device refused to export a guest's grants as a dma-buf
 * (err: its -errno), in words, when the cause is known: Linux's gntdev
 * refuses the export with EINVAL in every PV domain (use_ptemod,
 * drivers/xen/gntdev-dmabuf.c), so in an x86 PV Dom0 zero copy of
 * guest-allocated buffers is impossible by design; ENOTTY is a kernel
 * without CONFIG_XEN_GNTDEV_DMABUF. NULL otherwise (the caller shows the
 * errno). own_domid: the domain we run in (xstore_own_domid). */
const char *xdomain_export_refusal(struct xdomain *xd, int own_domid, int err);

#endif
