/* A simulated Linux xen-kbdfront (one vkbd device of one guest).
 *
 * At probe it reads the backend's feature-abs-pointer /
 * feature-multi-touch, writes request-multi-touch / request-abs-pointer,
 * shares its event page (page-ref, page-gref, event-channel) and goes
 * Initialised; it goes Connected as soon as the backend is InitWait (as
 * the real one does). It then consumes the in-ring and records every
 * event; consuming can be switched off to model a guest that never reads. */
#ifndef XENSIM_KBD_FRONT_H
#define XENSIM_KBD_FRONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xen/io/kbdif.h>

struct loop;
struct xs_server;
struct gsim_domain;
struct kbd_front;

#define KBD_FRONT_MAX_EVENTS 65536

struct kbd_front_cfg {
	uint32_t domid;
	uint32_t devid;
	const char *path; /* /local/domain/<domid>/device/vkbd/<devid> */
};

struct kbd_front *kbd_front_create(struct loop *loop, struct xs_server *xs,
				   struct gsim_domain *dom,
				   const struct kbd_front_cfg *cfg);
void kbd_front_destroy(struct kbd_front *k, bool domain_dead);
/* Closing, wait for the backend (<= 3 s), Closed, probe again. */
int kbd_front_reload(struct kbd_front *k);

int kbd_front_state(const struct kbd_front *k); /* enum xenbus_state */
bool kbd_front_abs_pointer(const struct kbd_front *k); /* requested */
bool kbd_front_multi_touch(const struct kbd_front *k);

/* Events consumed so far (copies, in ring order). */
size_t kbd_front_event_count(const struct kbd_front *k);
const union xenkbd_in_event *kbd_front_event(const struct kbd_front *k,
					     size_t i);
void kbd_front_clear_events(struct kbd_front *k);
/* Counted: notifications, events dropped past KBD_FRONT_MAX_EVENTS,
 * in_prod - in_cons beyond the ring length. */
uint64_t kbd_front_notifications(const struct kbd_front *k);
uint64_t kbd_front_ring_errors(const struct kbd_front *k);
/* false: leave the ring alone (a guest that never reads its input). */
void kbd_front_set_consuming(struct kbd_front *k, bool consume);
/* Called from the loop after new events were recorded. */
typedef void (*kbd_front_event_cb)(void *data, struct kbd_front *k);
void kbd_front_set_event_cb(struct kbd_front *k, kbd_front_event_cb cb,
			    void *data);
struct xenkbd_page *kbd_front_page(struct kbd_front *k);

#endif
