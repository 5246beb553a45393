/* vkbd: the para-virtual keyboard/pointer/multi-touch backend
 * (xen/io/kbdif.h). Plugs into the generic XenBus backend as an xb_impl
 * ("vinput", where xl puts a vkb with backend-type=linux) and turns
 * struct vinput_event (include/input.h) into kbdif events on the event
 * ring of the same guest's vkbd whose unique-id names the connector.
 * Knows nothing of Wayland.
 *
 * Usage:
 *   struct kbd_ctx ctx;
 *   kbd_ctx_init(&ctx, xgrant, xevtchn);
 *   xb_backend_create(loop, xs, &kbd_xb_impl, &ctx, NULL, 0);
 *   presenter_input_sink = kbd_vinput_sink(&ctx);
 * The ctx must outlive the backend. */
#ifndef VDISPLD_KBD_H
#define VDISPLD_KBD_H

#include <stdbool.h>
#include <stdint.h>

#include "input.h"
#include "xenbus.h"

struct xgrant;
struct xevtchn;
struct kbd_device;

/* Hard ceilings on what the toolstack may configure. */
#define KBD_MAX_CONTACTS 64u
#define KBD_MAX_MT_DIMENSION 32767u
#define KBD_MAX_UNIQUE_ID 64u
/* Events held per device while the guest's ring is full. */
#define KBD_MAX_QUEUE 256u

struct kbd_limits {
	uint32_t max_contacts; /* 1..KBD_MAX_CONTACTS */
	uint32_t queue_len;    /* 2..KBD_MAX_QUEUE */
};

/* Optional: which connector unique-id this vkbd follows. Called at
 * connect; return NULL to keep the vkbd's own unique-id. The string is
 * copied. */
typedef const char *(*kbd_pairing_fn)(void *data, uint32_t domid,
				      const char *dom_name, uint32_t devid,
				      const char *unique_id);

struct kbd_ctx {
	struct xgrant *xg;
	struct xevtchn *xe;
	struct kbd_limits limits;
	kbd_pairing_fn pairing;
	void *pairing_data;
	/* Connected devices (internal; the registry input is routed by). */
	struct kbd_device *connected;
};

void kbd_limits_default(struct kbd_limits *limits);
/* Fills ctx with the handles, default limits, no pairing override. */
void kbd_ctx_init(struct kbd_ctx *ctx, struct xgrant *xg, struct xevtchn *xe);

/* type "vinput"; backend_ctx must be a struct kbd_ctx *. */
extern const struct xb_impl kbd_xb_impl;

/* One input event on connector (domid, unique_id) of size width x height.
 * Goes to the connected vkbd of that same guest paired with unique_id.
 * 0 when delivered or held, -ENODEV when no such vkbd is connected,
 * -ENOSPC when dropped (guest not reading), -EINVAL for a bad event. */
int kbd_input_event(struct kbd_ctx *ctx, uint32_t domid,
		    const char *unique_id, uint32_t width, uint32_t height,
		    const struct vinput_event *ev);

/* A vinput_sink that calls kbd_input_event on ctx. */
struct vinput_sink kbd_vinput_sink(struct kbd_ctx *ctx);

#endif
