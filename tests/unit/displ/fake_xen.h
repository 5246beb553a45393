/* Fake Xen for the vdispl unit tests: grants over one memfd (so a "guest"
 * write is really seen through the backend's mapping), event channels
 * fired by hand, a tiny in-memory XenStore, a recorded xb_device_fail.
 * Everything counts what is live so tests can prove nothing leaks. */
#ifndef VDISPLD_TEST_FAKE_XEN_H
#define VDISPLD_TEST_FAKE_XEN_H

#include <stdbool.h>
#include <stdint.h>

struct xstore;

void fake_xen_reset(void);
void fake_xen_teardown(void);

/* Guest side of the grant table. Refs are handed out from 8 upwards. */
uint32_t fake_guest_grant_new(uint32_t domid, bool readonly);
void *fake_guest_page(uint32_t ref); /* guest's view, NULL if no such ref */
void fake_guest_revoke(uint32_t ref);

unsigned fake_live_maps(void);	     /* xgrant_map regions not unmapped */
unsigned fake_live_mapped_pages(void);
unsigned fake_live_shares(void);     /* xgrant_share regions */
unsigned fake_live_bindings(void);
unsigned fake_total_maps(void);	     /* every xgrant_map call so far */
void fake_set_dmabuf_export(bool ok);
int fake_last_dmabuf_fd(void);
/* Exports look held by the compositor until ms after the first
 * wait_released on them (0, the default: released at once). */
void fake_set_dmabuf_hold_ms(uint32_t ms);
unsigned fake_dmabuf_wait_calls(void);

/* Event channels, by the guest's (remote) port. */
bool fake_evtchn_fire(uint32_t remote_port);
unsigned fake_evtchn_notifies(uint32_t remote_port);

/* XenStore. */
struct xstore *fake_xs(void);
void fake_xs_write(const char *path, const char *value);
const char *fake_xs_get(const char *path);

/* xb_device_fail. */
unsigned fake_fail_count(void);
int fake_fail_err(void);

#endif
