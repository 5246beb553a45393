/* Input tests: a real Weston 10 (headless, pixman) with the test-only
 * input module, the Xen simulator on this process's loop, simulated guests
 * with a vdispl connector and a vkb, and the shipping vdispld as a child.
 * Input goes in through the module's command socket (real wl_touch /
 * wl_pointer / wl_keyboard events to vdispld); what the guest's
 * xen-kbdfront read from its ring comes out as text, one event per
 * "; "-separated item, so a whole sequence is compared in one go:
 *   DOWN c<contact> <x>,<y> | MOTION c<contact> <x>,<y> | UP c<contact>
 *   SYN | SHAPE c<contact> <major>,<minor> | ORIENT c<contact> <deg>
 *   KEY <code> <1|0> | POS <x>,<y> z<wheel> | REL <dx>,<dy> z<wheel> */
#ifndef INPUT_FIXTURE_H
#define INPUT_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vd_fixture.h"

struct xensim_guest;
struct kbd_front;
struct drm_front;

#define IFIX_MAX_GUESTS 4

/* The shared fixture (tests/common/vd_fixture.h) plus the input
 * module's command socket. */
struct ifix {
	struct vd_fixture vf;
	char cmd_path[100];
	int cmd_fd;
	struct xensim_guest *guests[IFIX_MAX_GUESTS];
	unsigned n_guests;
};

/* One guest: connector "c0" of conn_w x conn_h, and a vkb with
 * unique-id vkb_uid, multi-touch mt_w x mt_h with 10 contacts, absolute
 * pointer of ptr_w x ptr_h. */
struct iguest_cfg {
	uint32_t domid;
	const char *name;
	uint32_t conn_w, conn_h;
	const char *vkb_uid;
	uint32_t mt_w, mt_h, ptr_w, ptr_h;
};

struct iguest {
	struct xensim_guest *g;
	struct kbd_front *kbd;
	struct drm_front *drm;
	int vx, vy, vw, vh; /* the surface's view, global coordinates */
};

/* 0, 77 (skip: printed why), or -1. extra_conf is appended to the
 * settings file vdispld gets (may be NULL). */
int ifix_start(struct ifix *fx, const char *vdispld, const char *module,
	       const char *extra_conf);
/* Stops vdispld (must exit 0), the simulator and Weston. 0 or -1. */
int ifix_stop(struct ifix *fx);
/* Creates the guest, waits until its display flips, its vkbd backend is
 * Connected and its surface is on screen. 0 or -1. */
int ifix_guest(struct ifix *fx, const struct iguest_cfg *cfg,
	       struct iguest *out);

/* One module command (printf-like); 0 when Weston answered "ok". */
int ifix_cmd(struct ifix *fx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Waits until the guest recorded at least n events (ms at most), then
 * lets 150 ms pass for any extra; returns the count. */
size_t ifix_wait_events(struct ifix *fx, struct kbd_front *k, size_t n,
			unsigned ms);
/* Events [from, count) as text (see above), into buf. */
void ifix_describe(struct kbd_front *k, size_t from, char *buf, size_t len);
/* Waits for n events, then compares their text with want; prints both
 * when they differ. 0 when equal. Clears the recorded events. */
int ifix_expect(struct ifix *fx, struct kbd_front *k, size_t n,
		const char *want);

#define ICHECK(cond)                                                           \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
				__LINE__, #cond);                              \
			return -1;                                             \
		}                                                              \
	} while (0)

#endif
