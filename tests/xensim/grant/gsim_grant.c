/* Grant tables: ref -> (pfn, grantee, readonly, map count), checked the way
 * Xen checks a map (GNTST_bad_gntref / GNTST_permission_denied), which
 * gntdev turns into EINVAL for the mapper. */
#include "gsim_internal.h"

#include <errno.h>
#include <stdlib.h>

/* Refs 0..7 are reserved in Xen (GNTTAB_NR_RESERVED_ENTRIES): a guest never
 * hands them out, so a stray 0 from a buggy backend is never valid. */
#define FIRST_REF 8u
#define MAX_REFS (1u << 20)

static int grow_table(struct gsim_domain *d)
{
	uint32_t n = d->ngrants ? d->ngrants * 2 : 256;
	if (n > MAX_REFS)
		return -ENOSPC;
	struct gsim_gentry *t = realloc(d->grants, n * sizeof(*t));
	if (!t)
		return -ENOMEM;
	for (uint32_t i = d->ngrants; i < n; i++)
		t[i] = (struct gsim_gentry){0};
	d->grants = t;
	d->ngrants = n;
	return 0;
}

int64_t gsim_grant(struct gsim_domain *d, uint32_t to_domid, uint32_t pfn,
		   bool readonly)
{
	if (!d || d->dying)
		return -ESRCH;
	if (pfn >= d->mem_pages || to_domid == d->domid)
		return -EINVAL;
	for (;;) {
		uint32_t ref = d->grant_free > FIRST_REF ? d->grant_free
							 : FIRST_REF;

		for (; ref < d->ngrants; ref++) {
			struct gsim_gentry *e = &d->grants[ref];
			if (e->used)
				continue;
			*e = (struct gsim_gentry){.used = true,
						  .readonly = readonly,
						  .to_domid = to_domid,
						  .pfn = pfn};
			d->grant_free = ref + 1;
			return ref;
		}
		d->grant_free = d->ngrants;
		int r = grow_table(d);
		if (r < 0)
			return r;
	}
}

int gsim_ungrant(struct gsim_domain *d, uint32_t gref)
{
	if (!d || gref >= d->ngrants || !d->grants[gref].used)
		return -EINVAL;
	if (d->grants[gref].maps)
		return -EBUSY;
	gsim_grant_clear(d, gref);
	return 0;
}

void gsim_grant_clear(struct gsim_domain *d, uint32_t gref)
{
	d->grants[gref] = (struct gsim_gentry){0};
	if (gref < d->grant_free)
		d->grant_free = gref;
}

void gsim_grants_fini(struct gsim_domain *d)
{
	free(d->grants);
	d->grants = NULL;
	d->ngrants = 0;
	d->grant_free = 0;
}

int gsim_grant_check(struct gsim *g, uint32_t domid, uint32_t ref,
		     uint32_t grantee, bool writable,
		     struct gsim_domain **d_out, uint32_t *pfn_out)
{
	struct gsim_domain *d = gsim_domain_get(g, domid);
	if (!d || d->dying)
		return -EINVAL; /* GNTST_bad_domain */
	if (ref >= d->ngrants || !d->grants[ref].used)
		return -EINVAL; /* GNTST_bad_gntref */
	struct gsim_gentry *e = &d->grants[ref];
	if (e->to_domid != grantee || (writable && e->readonly))
		return -EINVAL; /* GNTST_permission_denied */
	*d_out = d;
	*pfn_out = e->pfn;
	return 0;
}

void *gsim_map_foreign(struct gsim_domain *d, uint32_t from_domid,
		       uint32_t gref, bool writable)
{
	struct gsim_domain *from = d ? gsim_domain_get(d->g, from_domid) : NULL;
	if (!from || from->dying || gref >= from->ngrants ||
	    !from->grants[gref].used) {
		errno = ENOENT;
		return NULL;
	}
	struct gsim_gentry *e = &from->grants[gref];
	if (e->to_domid != d->domid || (writable && e->readonly)) {
		errno = EACCES;
		return NULL;
	}
	return gsim_page(from, e->pfn);
}
