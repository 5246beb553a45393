/* A refused grant export in words: the cause the domain we run in or the
 * kernel's config gives it (xen_domain.h), on top of the domain types of
 * domain.c. Its own file so the tests that fake domain.c keep it real. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

#include "xen_domain.h"

const char *xdomain_export_refusal(struct xdomain *xd, int own_domid, int err)
{
	bool pv;

	if (err != -EINVAL && err != -ENOTTY)
		return NULL;
	pv = own_domid >= 0 &&
	     xdomain_type(xd, (uint32_t)own_domid) == XDOMAIN_PV;
	/* ENOTTY: gntdev without CONFIG_XEN_GNTDEV_DMABUF (every Debian 12
	 * kernel). In a PV domain a kernel with it would refuse as well,
	 * so the domain is named first: that is what has to change. */
	if (err == -ENOTTY)
		return pv ? own_domid == 0
				    ? "a PV Dom0 cannot export grants as "
				      "dma-bufs (and this kernel lacks "
				      "CONFIG_XEN_GNTDEV_DMABUF)"
				    : "a PV driver domain cannot export grants "
				      "as dma-bufs (and this kernel lacks "
				      "CONFIG_XEN_GNTDEV_DMABUF)"
			  : "this kernel lacks CONFIG_XEN_GNTDEV_DMABUF";
	if (!pv)
		return NULL;
	return own_domid == 0 ? "a PV Dom0 cannot export grants as dma-bufs"
			      : "a PV driver domain cannot export grants as "
				"dma-bufs";
}
