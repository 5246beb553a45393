/* The simulated toolstack: what "xl create / destroy / reboot" do to
 * XenStore and the hypervisor for a guest with vdispl and vkb devices,
 * reproducing the nodes and permissions libxl writes (see
 * /work/shared/real-xen-data/xenstore-*-connected.txt).
 *
 * A created guest "boots" at once: its simulated xen-drm-front and
 * xen-kbdfront probe (unless cfg.defer_drivers), exactly as the real
 * ones do right after "xl create" returns. */
#ifndef XENSIM_TOOLSTACK_H
#define XENSIM_TOOLSTACK_H

#include <stdbool.h>
#include <stdint.h>

struct xensim;
struct xensim_guest;
struct gsim_domain;
struct drm_front;
struct kbd_front;

#define XENSIM_MAX_CONNECTORS 8
#define XENSIM_MAX_VKBS 4
#define XENSIM_ID_LEN 64

struct xensim_conn_cfg {
	uint32_t width, height;
	char unique_id[XENSIM_ID_LEN];
};

struct xensim_vkb_cfg {
	char unique_id[XENSIM_ID_LEN];
	bool feature_abs_pointer;
	bool feature_multi_touch;
	uint32_t mt_width, mt_height, mt_num_contacts; /* 0: node not written */
	uint32_t width, height;			       /* 0: node not written */
};

struct xensim_guest_cfg {
	uint32_t domid;
	char name[XENSIM_ID_LEN];
	uint32_t mem_pages;	/* 0: 65536 (256 MiB) */
	uint32_t backend_domid; /* where the backends live (0) */
	/* enum gsim_dom_type (gsim.h), what libxenctrl reports; 0: HVM. A PV
	 * guest's be-alloc buffers are refused (docs/be-alloc-pv.md). */
	unsigned dom_type;

	bool vdispl; /* has a vdispl device (devid 0) */
	bool be_alloc;
	unsigned num_conns;
	struct xensim_conn_cfg conns[XENSIM_MAX_CONNECTORS];

	unsigned num_vkbs; /* vkb devids 0..num_vkbs-1 */
	struct xensim_vkb_cfg vkbs[XENSIM_MAX_VKBS];

	bool defer_drivers; /* frontends probe only on xensim_guest_start_drivers */
};

/* "xl create": 0-filled defaults are fine except domid/name. NULL + errno
 * (EEXIST if the domid or name is taken). */
struct xensim_guest *xensim_guest_create(struct xensim *sim,
					 const struct xensim_guest_cfg *cfg);
/* "xl destroy": the guest dies at once (frontends vanish without closing),
 * its device nodes and /local/domain/<id> are removed, @releaseDomain
 * fires, its memory/grants/ports go. */
void xensim_guest_destroy(struct xensim_guest *g);
/* "xl reboot": destroy, then create the same guest under new_domid (the
 * real toolstack gives a rebooted guest a new domid). 0 or -errno. */
int xensim_guest_reboot(struct xensim_guest *g, uint32_t new_domid);
/* Loads the frontend drivers of a guest created with defer_drivers. */
int xensim_guest_start_drivers(struct xensim_guest *g);
/* "rmmod; modprobe" inside the guest: every frontend goes Closing, waits
 * for its backend to close (3 s at most), goes Closed, then Initialising
 * and reconnects under the same domid. 0 or -errno. */
int xensim_guest_reload_drivers(struct xensim_guest *g);

uint32_t xensim_guest_domid(const struct xensim_guest *g);
const char *xensim_guest_name(const struct xensim_guest *g);
const struct xensim_guest_cfg *xensim_guest_cfg(const struct xensim_guest *g);
struct gsim_domain *xensim_guest_domain(struct xensim_guest *g);
/* NULL when the guest has no such device or drivers are not loaded. */
struct drm_front *xensim_guest_drm(struct xensim_guest *g);
struct kbd_front *xensim_guest_kbd(struct xensim_guest *g, unsigned devid);

/* Parses "w x h" ("800x600"). 0 or -EINVAL. */
int xensim_parse_resolution(const char *s, uint32_t *w, uint32_t *h);

#endif
