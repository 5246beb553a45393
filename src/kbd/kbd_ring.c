/* The producer half of a vkbd's event ring, and what happens when the guest
 * does not read it.
 *
 * The ring: XENKBD_IN_RING_LEN slots of 40 bytes at XENKBD_IN_RING_OFFS of
 * the shared page, slot = index % LEN on both sides. We keep our own
 * producer index and read in_cons from the page once per check. Unread
 * events are [in_cons, prod); a guest whose in_cons claims more than that
 * (prod - in_cons > LEN) is lying: we treat the ring as full, never write
 * over what it may not have read and never spin. Because 2^32 is not a
 * multiple of LEN, indices 0xffffffff and 0 share slot 0: we never let the
 * unread window straddle the index wrap (the ring drains once every 2^32
 * events).
 *
 * When the ring is full, events wait in a per-device queue of q_cap
 * entries, and the rule is:
 *   1. A motion (touch MOTION/SHAPE/ORIENT of one contact, pointer POS
 *      without wheel, relative MOTION) replaces the latest held motion of
 *      the same source (same contact since its last DOWN/UP; the pointer
 *      since its last button) instead of taking a slot. Positions are
 *      absolute, so the guest ends in the same state, only sooner.
 *   2. A press (KEY pressed, touch DOWN) is held only while the queue is
 *      less than half full; otherwise it is refused, and the caller forgets
 *      it so its release/motion/UP is dropped too: the guest sees neither
 *      half. That keeps the other half of the queue for releases, UPs and
 *      SYNs, the events that must never be lost (a stuck key or finger).
 *   3. A full queue evicts its oldest motion (and a SYN left with nothing
 *      to close) to make room. Never a DOWN, UP, SYN or KEY.
 *   4. If even that finds nothing (more releases owed than half a queue,
 *      which the contact limit and human hands make impossible), the new
 *      event is dropped and counted.
 * Held events go first: they are flushed before every new event and
 * whenever the guest notifies us that it consumed. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "kbd_priv.h"

enum ev_class { EV_MOTION, EV_PRESS, EV_KEEP };

static enum ev_class ev_class(const union xenkbd_in_event *ev)
{
	switch (ev->type) {
	case XENKBD_TYPE_MOTION:
	case XENKBD_TYPE_POS:
		return EV_MOTION;
	case XENKBD_TYPE_KEY:
		return ev->key.pressed ? EV_PRESS : EV_KEEP;
	case XENKBD_TYPE_MTOUCH:
		switch (ev->mtouch.event_type) {
		case XENKBD_MT_EV_DOWN:
			return EV_PRESS;
		case XENKBD_MT_EV_MOTION:
		case XENKBD_MT_EV_SHAPE:
		case XENKBD_MT_EV_ORIENT:
			return EV_MOTION;
		default:
			return EV_KEEP;
		}
	default:
		return EV_KEEP;
	}
}

void kbd_ring_init(struct kbd_ring *r, struct xenkbd_page *page,
		   unsigned q_cap)
{
	memset(r, 0, sizeof(*r));
	r->page = page;
	if (q_cap < 2 || q_cap > KBD_MAX_QUEUE)
		q_cap = KBD_MAX_QUEUE;
	r->q_cap = q_cap;
	/* The guest zeroes the page before it publishes it; start where it
	 * says, once. */
	r->prod = __atomic_load_n(&page->in_prod, __ATOMIC_RELAXED);
}

/* Free slots, from one read of in_cons. */
static uint32_t ring_space(struct kbd_ring *r, struct log_src *log)
{
	uint32_t cons = __atomic_load_n(&r->page->in_cons, __ATOMIC_ACQUIRE);
	uint32_t used = r->prod - cons, space, to_wrap;

	if (used > XENKBD_IN_RING_LEN) {
		if (r->bogus_cons++ == 0)
			log_src_msg(LOG_LVL_WARN, log, -1,
				    "guest's in_cons %u is not within %u "
				    "events of our in_prod %u; holding events",
				    cons, XENKBD_IN_RING_LEN, r->prod);
		return 0;
	}
	if (cons > r->prod)
		return 0; /* window straddles the index wrap: let it drain */
	space = XENKBD_IN_RING_LEN - used;
	to_wrap = 0u - r->prod; /* 0: prod is 0, nothing to cap */
	if (to_wrap && space > to_wrap)
		space = to_wrap;
	return space;
}

static void ring_write(struct kbd_ring *r, const union xenkbd_in_event *ev)
{
	memcpy(&XENKBD_IN_RING_REF(r->page, r->prod), ev, sizeof(*ev));
	r->prod++;
	r->sent++;
	r->unnotified++;
}

static void ring_publish(struct kbd_ring *r)
{
	/* Event bytes before the index that makes them visible (wmb). */
	__atomic_store_n(&r->page->in_prod, r->prod, __ATOMIC_RELEASE);
}

void kbd_ring_flush(struct kbd_ring *r, struct log_src *log)
{
	uint32_t space, n;

	if (r->q_len == 0)
		return;
	space = ring_space(r, log);
	n = space < r->q_len ? space : r->q_len;
	if (n == 0)
		return;
	for (uint32_t i = 0; i < n; i++)
		ring_write(r, &r->queue[i]);
	ring_publish(r);
	r->q_len -= n;
	memmove(&r->queue[0], &r->queue[n], r->q_len * sizeof(r->queue[0]));
}

static bool is_mt(const union xenkbd_in_event *ev, uint8_t sub, int contact)
{
	return ev->type == XENKBD_TYPE_MTOUCH && ev->mtouch.event_type == sub &&
	       (contact < 0 || ev->mtouch.contact_id == contact);
}

static int32_t sat_add(int32_t a, int32_t b)
{
	int64_t s = (int64_t)a + b;

	return s > INT32_MAX ? INT32_MAX : s < INT32_MIN ? INT32_MIN
							 : (int32_t)s;
}

/* Rule 1: the held event ev may replace, or NULL. */
static union xenkbd_in_event *coalesce_target(struct kbd_ring *r,
					      const union xenkbd_in_event *ev)
{
	for (unsigned i = r->q_len; i-- > 0;) {
		union xenkbd_in_event *q = &r->queue[i];

		if (ev->type == XENKBD_TYPE_MTOUCH) {
			int c = ev->mtouch.contact_id;

			if (is_mt(q, XENKBD_MT_EV_DOWN, c) ||
			    is_mt(q, XENKBD_MT_EV_UP, c))
				return NULL;
			if (is_mt(q, ev->mtouch.event_type, c))
				return q;
			continue;
		}
		if (q->type == XENKBD_TYPE_KEY)
			return NULL; /* a click stays where it happened */
		if (ev->type == XENKBD_TYPE_POS && q->type == XENKBD_TYPE_POS)
			return ev->pos.rel_z == 0 && q->pos.rel_z == 0 ? q
								       : NULL;
		if (ev->type == XENKBD_TYPE_MOTION &&
		    q->type == XENKBD_TYPE_MOTION)
			return q;
	}
	return NULL;
}

static bool coalesce(struct kbd_ring *r, const union xenkbd_in_event *ev)
{
	union xenkbd_in_event *q;

	if (ev_class(ev) != EV_MOTION)
		return false;
	q = coalesce_target(r, ev);
	if (!q)
		return false;
	if (ev->type == XENKBD_TYPE_MOTION) {
		q->motion.rel_x = sat_add(q->motion.rel_x, ev->motion.rel_x);
		q->motion.rel_y = sat_add(q->motion.rel_y, ev->motion.rel_y);
		q->motion.rel_z = sat_add(q->motion.rel_z, ev->motion.rel_z);
	} else {
		*q = *ev;
	}
	r->coalesced++;
	return true;
}

static void queue_remove(struct kbd_ring *r, unsigned i)
{
	r->q_len--;
	memmove(&r->queue[i], &r->queue[i + 1],
		(r->q_len - i) * sizeof(r->queue[0]));
}

/* After removing the motion that was at i: a SYN whose frame now holds
 * nothing (the previous held touch event is a SYN too) closes nothing. */
static void drop_empty_syn(struct kbd_ring *r, unsigned i)
{
	unsigned next = i, prev = i;
	bool prev_syn = false;

	while (next < r->q_len && r->queue[next].type != XENKBD_TYPE_MTOUCH)
		next++;
	if (next == r->q_len || !is_mt(&r->queue[next], XENKBD_MT_EV_SYN, -1))
		return;
	while (prev-- > 0) {
		if (r->queue[prev].type == XENKBD_TYPE_MTOUCH) {
			prev_syn = is_mt(&r->queue[prev], XENKBD_MT_EV_SYN, -1);
			break;
		}
	}
	if (prev_syn)
		queue_remove(r, next);
}

/* Rule 3. */
static bool evict_oldest_motion(struct kbd_ring *r)
{
	for (unsigned i = 0; i < r->q_len; i++) {
		const union xenkbd_in_event *q = &r->queue[i];

		if (ev_class(q) != EV_MOTION)
			continue;
		/* A pointer event carrying wheel steps is not just a
		 * position. */
		if ((q->type == XENKBD_TYPE_POS && q->pos.rel_z) ||
		    (q->type == XENKBD_TYPE_MOTION && q->motion.rel_z))
			continue;
		queue_remove(r, i);
		drop_empty_syn(r, i);
		r->dropped++;
		return true;
	}
	return false;
}

static int queue_put(struct kbd_ring *r, const union xenkbd_in_event *ev,
		     struct log_src *log)
{
	enum ev_class cls = ev_class(ev);

	if (coalesce(r, ev))
		return KBD_PUT_COALESCED;
	if (cls == EV_PRESS && r->q_len >= r->q_cap / 2)
		goto drop;
	if (r->q_len == r->q_cap && !evict_oldest_motion(r)) {
		if (cls == EV_KEEP)
			log_src_msg(LOG_LVL_ERROR, log, -1,
				    "event queue full of releases; dropping "
				    "event type %u", ev->type);
		goto drop;
	}
	r->queue[r->q_len++] = *ev;
	return KBD_PUT_HELD;
drop:
	if (r->dropped++ == 0)
		log_src_msg(LOG_LVL_WARN, log, -1,
			    "guest is not reading its input; dropping events");
	return -ENOSPC;
}

int kbd_ring_put(struct kbd_ring *r, const union xenkbd_in_event *ev,
		 struct log_src *log)
{
	kbd_ring_flush(r, log);
	if (r->q_len == 0 && ring_space(r, log) > 0) {
		ring_write(r, ev);
		ring_publish(r);
		return KBD_PUT_SENT;
	}
	return queue_put(r, ev, log);
}
