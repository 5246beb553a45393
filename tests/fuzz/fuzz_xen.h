/* Fake Xen for the fuzzers: grant tables over one memfd (a "guest" write
 * is really seen through the backend's mapping), event channels fired by
 * hand, xb_device_fail recorded.
 *
 * Same idea as tests/unit/displ/fake_xen.c, but built for millions of runs
 * in one process: the memfd is made once, resets are cheap, and running
 * out of grants or map slots fails the call (as real Xen would) instead
 * of aborting, so an abort() here always means the code under test broke
 * a contract (unmapping what it never mapped, with the wrong size). */
#ifndef VDISPLD_FUZZ_XEN_H
#define VDISPLD_FUZZ_XEN_H

#include <stdbool.h>
#include <stdint.h>

/* Grant refs are handed out from FUZZ_FIRST_REF up to FUZZ_LAST_REF. */
#define FUZZ_FIRST_REF 8u
#define FUZZ_POOL_PAGES 8192u
#define FUZZ_LAST_REF (FUZZ_FIRST_REF + FUZZ_POOL_PAGES - 1)

/* Forgets every grant, mapping and binding (the memfd stays). */
void fuzz_xen_reset(void);

/* Guest side: a new granted page (zeroed), 0 when the pool is empty. */
uint32_t fuzz_guest_grant(uint32_t domid, bool readonly);
void *fuzz_guest_page(uint32_t ref); /* NULL if not granted */
void fuzz_guest_revoke(uint32_t ref);
unsigned fuzz_pages_left(void);

unsigned fuzz_live_maps(void);	 /* xgrant_map regions not unmapped */
unsigned fuzz_live_shares(void); /* xgrant_share regions not unshared */
unsigned fuzz_live_bindings(void);
unsigned fuzz_live_imports(void); /* dma-bufs granted, not released */
/* Both dma-buf directions: export of guest refs, import of our own. */
void fuzz_set_dmabuf_export(bool ok);

/* Fires the guest's end of a channel; false if nobody bound it. */
bool fuzz_evtchn_fire(uint32_t remote_port);

unsigned fuzz_fail_count(void);

/* Open fds of this process, for leak checks around one input. */
unsigned fuzz_count_fds(void);

#endif
