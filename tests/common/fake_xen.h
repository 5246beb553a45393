/* Fake Xen for the unit tests and the fuzzers, linked in place of
 * src/xen's grant and event-channel wrappers: grants over one memfd (so a
 * "guest" write is really seen through the backend's mapping), event
 * channels fired by hand, a recorded xb_device_fail. Everything counts
 * what is live so tests can prove nothing leaks. A broken contract (an
 * unmap of what was never mapped, with the wrong size or kind; an unbind
 * of what was never bound; a release of a dma-buf never imported) is an
 * abort(). The in-memory XenStore of the unit tests is fake_xstore.h. */
#ifndef VDISPLD_TEST_FAKE_XEN_H
#define VDISPLD_TEST_FAKE_XEN_H

#include <stdbool.h>
#include <stdint.h>

/* What happens when a pool (grant pages, map slots) runs out. */
enum fake_xen_mode {
	/* Unit tests size their pools so it never happens: abort(), the
	 * test is wrong. 16384 pages. */
	FAKE_XEN_UNIT,
	/* The fuzzers run millions of arbitrary inputs in one process: the
	 * call fails with ENOMEM (as real Xen would), so an abort() always
	 * means the code under test broke a contract. 8192 pages. */
	FAKE_XEN_FUZZ,
};

/* Before the first fake_xen_reset; FAKE_XEN_UNIT if never called. */
void fake_xen_set_mode(enum fake_xen_mode mode);

/* Forgets every grant, mapping, import and binding, and sets every knob
 * back to its default. The memfd behind the grants is made on the first
 * reset and kept (resets are cheap); pages are zeroed when granted. */
void fake_xen_reset(void);
/* Reset, and the memfd goes too: nothing of the fake stays open. */
void fake_xen_teardown(void);

/* Guest side of the grant table. Refs are handed out from 8 upwards;
 * a new page is zeroed. When the pool is empty: 0 (FAKE_XEN_FUZZ). */
uint32_t fake_guest_grant_new(uint32_t domid, bool readonly);
void *fake_guest_page(uint32_t ref); /* guest's view, NULL if no such ref */
void fake_guest_revoke(uint32_t ref);
unsigned fake_pages_left(void);

unsigned fake_live_maps(void);	     /* xgrant_map regions not unmapped */
unsigned fake_live_mapped_pages(void);
unsigned fake_live_shares(void);     /* xgrant_share regions */
unsigned fake_live_imports(void);    /* dma-bufs granted, not released */
unsigned fake_live_bindings(void);
unsigned fake_total_maps(void);	     /* every xgrant_map call so far */

/* dma-buf export of guest refs: off (-ENOTSUP) by default. */
void fake_set_dmabuf_export(bool ok);
int fake_last_dmabuf_fd(void);
/* Exports look held by the compositor until ms after the first
 * wait_released on them (0, the default: released at once). */
void fake_set_dmabuf_hold_ms(uint32_t ms);
unsigned fake_dmabuf_wait_calls(void);
/* dma-buf import of our own buffers (be-alloc): off by default, like a
 * kernel without gntdev dma-buf (-ENOTTY: vdispld falls back to gntshr).
 * On, the guest gets fresh pool pages, not the fd's: enough to prove the
 * bookkeeping (every import released once, by the fd it was made with). */
void fake_set_dmabuf_import(bool ok);

/* Event channels, by the guest's (remote) port. Fires the guest's end of
 * a channel; false if nobody bound it. */
bool fake_evtchn_fire(uint32_t remote_port);
unsigned fake_evtchn_notifies(uint32_t remote_port);

/* xb_device_fail. */
unsigned fake_fail_count(void);
int fake_fail_err(void);

#endif
