/* vkbd internals shared by the files of src/kbd (and its unit tests).
 * Not a public interface. */
#ifndef VDISPLD_KBD_PRIV_H
#define VDISPLD_KBD_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/input-event-codes.h>
#include <xen/io/kbdif.h>

#include "kbd.h"
#include "log.h"
#include "xenbus.h"

struct xevtchn_port;

/* Keys and buttons we track as held: every Linux code up to KEY_MAX. */
#define KBD_KEY_WORDS ((KEY_MAX + 32) / 32)
/* xen-kbdfront's defaults when the backend names no size (XENFB_WIDTH,
 * XENFB_HEIGHT, one contact): what the guest assumes, so what we scale
 * to. */
#define KBD_DEFAULT_WIDTH 800u
#define KBD_DEFAULT_HEIGHT 600u
#define KBD_DEFAULT_CONTACTS 1u
/* Raw pointer coordinates span [0, 0x7fff] (kbdif.h). */
#define KBD_RAW_RANGE 0x8000u

/* What kbd_ring_put did with an event. */
enum kbd_put {
	KBD_PUT_SENT,	   /* on the ring */
	KBD_PUT_HELD,	   /* in the device's queue */
	KBD_PUT_COALESCED, /* merged into a held event of the same source */
};

/* The producer side of the guest's event page plus the queue of events
 * the full ring could not take yet (see kbd_ring.c for the rule). */
struct kbd_ring {
	struct xenkbd_page *page;
	uint32_t prod; /* our producer index: never re-read from the page */
	unsigned unnotified;
	union xenkbd_in_event queue[KBD_MAX_QUEUE];
	unsigned q_len, q_cap;
	uint64_t sent, dropped, coalesced, bogus_cons;
};

struct kbd_contact {
	bool down;
	int32_t wl_id;
};

/* What the guest has been told: held keys, fingers down, pointer. */
struct kbd_state {
	struct kbd_contact contacts[KBD_MAX_CONTACTS];
	bool frame_pending; /* touch events sent since the last SYN */
	uint8_t last_contact;
	uint32_t held[KBD_KEY_WORDS];
	bool have_ptr;
	int32_t ptr_x, ptr_y; /* last position, device units */
	double wheel;	      /* fractional wheel steps not sent yet */
	uint64_t touches_dropped;
};

struct kbd_device {
	struct xb_device base; /* first: xenbus allocates device_size */
	struct kbd_ctx *ctx;
	struct kbd_device *next_connected;

	/* Backend side, from the toolstack (probe). */
	char unique_id[KBD_MAX_UNIQUE_ID + 1];
	bool feat_abs, feat_raw, feat_mt;
	uint32_t width, height;
	uint32_t mt_width, mt_height, mt_contacts;

	/* Frontend side (connect). */
	bool abs, raw, mt; /* requested and advertised */
	uint32_t gref, port;
	char pair_id[KBD_MAX_UNIQUE_ID + 1]; /* connector we follow */
	struct xevtchn_port *chan;
	struct kbd_ring ring;
	struct kbd_state st;
};

static inline struct kbd_device *kbd_device_from_xb(struct xb_device *d)
{
	return (struct kbd_device *)d;
}

/* kbd_xs.c */
int kbd_xs_read_backend(struct kbd_device *d);
int kbd_xs_read_frontend(struct kbd_device *d);

/* kbd_ring.c */
void kbd_ring_init(struct kbd_ring *r, struct xenkbd_page *page,
		   unsigned q_cap);
/* Flushes held events, then sends or holds ev. A kbd_put, or -ENOSPC
 * when the event was dropped. */
int kbd_ring_put(struct kbd_ring *r, const union xenkbd_in_event *ev,
		 struct log_src *log);
/* Moves held events onto the ring as far as it has room. */
void kbd_ring_flush(struct kbd_ring *r, struct log_src *log);

/* kbd_map.c */
void kbd_state_reset(struct kbd_state *st);
int kbd_map_event(struct kbd_device *d, uint32_t width, uint32_t height,
		  const struct vinput_event *ev);

/* kbd_device.c: tell the guest about what went onto the ring. */
void kbd_device_kick(struct kbd_device *d);

#endif
