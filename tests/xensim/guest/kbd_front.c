/* Simulated xen-kbdfront: probe, shared event page, and an input handler
 * that records every event the backend produces. */
#include "kbd_front.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xen/io/xenbus.h>

#include "gsim.h"
#include "log.h"
#include "loop.h"
#include "xs_server.h"

#define KBD_PATH_LEN 256
#define REPROBE_DELAY_MS 100

struct kbd_front {
	struct loop *loop;
	struct xs_server *xs;
	struct gsim_domain *dom;
	uint32_t domid, devid, be_domid;
	char path[KBD_PATH_LEN];
	char be_path[KBD_PATH_LEN];
	struct xs_srv_watch *be_watch;
	int state, be_state;
	bool abs_pointer, multi_touch;

	int64_t pfn, gref, port;
	struct xenkbd_page *page;

	union xenkbd_in_event *events;
	size_t nevents, cap;
	uint64_t notifications, ring_errors, dropped;
	bool consuming;
	kbd_front_event_cb cb;
	void *cb_data;
	struct loop_source *reprobe_timer;
};

static char *read_node(struct kbd_front *k, const char *dir, const char *name)
{
	char path[KBD_PATH_LEN + 64];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return xs_srv_read(k->xs, k->domid, path);
}

static bool read_flag(struct kbd_front *k, const char *dir, const char *name)
{
	char *v = read_node(k, dir, name);
	bool on = v && strtoul(v, NULL, 10) != 0;
	free(v);
	return on;
}

static void write_node(struct kbd_front *k, const char *name, const char *fmt,
		       long long v)
{
	char path[KBD_PATH_LEN + 64], val[32];
	snprintf(path, sizeof(path), "%s/%s", k->path, name);
	snprintf(val, sizeof(val), fmt, v);
	int ret = xs_srv_write(k->xs, k->domid, path, val);
	if (ret < 0)
		log_error("kbd_front %u: writing %s: %s", k->domid, path,
			  strerror(-ret));
}

static void set_state(struct kbd_front *k, int state)
{
	k->state = state;
	write_node(k, "state", "%lld", state);
}

static void record(struct kbd_front *k, const union xenkbd_in_event *ev)
{
	if (k->nevents == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 256;
		if (cap > KBD_FRONT_MAX_EVENTS)
			cap = KBD_FRONT_MAX_EVENTS;
		void *p = cap > k->cap ? realloc(k->events, cap * sizeof(*ev)) : NULL;
		if (!p) {
			k->dropped++;
			return;
		}
		k->events = p;
		k->cap = cap;
	}
	k->events[k->nevents++] = *ev;
}

/* input_handler: everything from in_cons to in_prod, then tell the
 * backend the space is free again. */
static void consume_events(struct kbd_front *k)
{
	if (!k->page || !k->consuming)
		return;
	uint32_t prod = __atomic_load_n(&k->page->in_prod, __ATOMIC_ACQUIRE);
	uint32_t cons = k->page->in_cons;
	if (prod == cons)
		return;
	if (prod - cons > XENKBD_IN_RING_LEN) {
		k->ring_errors++;
		__atomic_store_n(&k->page->in_cons, prod, __ATOMIC_RELEASE);
		return;
	}
	for (; cons != prod; cons++) {
		union xenkbd_in_event ev = XENKBD_IN_RING_REF(k->page, cons);
		record(k, &ev);
	}
	__atomic_store_n(&k->page->in_cons, cons, __ATOMIC_SEQ_CST);
	gsim_evtchn_notify(k->dom, (uint32_t)k->port);
	if (k->cb)
		k->cb(k->cb_data, k);
}

static void on_event_channel(void *data)
{
	struct kbd_front *k = data;
	k->notifications++;
	consume_events(k);
}

static void disconnect(struct kbd_front *k, bool domain_dead)
{
	if (!domain_dead) {
		if (k->port >= 0)
			gsim_evtchn_close(k->dom, (uint32_t)k->port);
		bool busy = k->gref > 0 &&
			    gsim_ungrant(k->dom, (uint32_t)k->gref) == -EBUSY;
		if (k->pfn >= 0 && !busy)
			gsim_free_pages(k->dom, (uint32_t)k->pfn, 1);
	}
	k->pfn = k->gref = k->port = -1;
	k->page = NULL;
}

/* xenkbd_connect_backend: page, grant, port; page-ref, page-gref,
 * event-channel; Initialised. */
static int connect_backend(struct kbd_front *k)
{
	k->pfn = gsim_alloc_pages(k->dom, 1);
	if (k->pfn < 0)
		return (int)k->pfn;
	k->page = gsim_page(k->dom, (uint32_t)k->pfn);
	memset(k->page, 0, GSIM_PAGE_SIZE);
	k->gref = gsim_grant(k->dom, k->be_domid, (uint32_t)k->pfn, false);
	if (k->gref < 0)
		return (int)k->gref;
	k->port = gsim_evtchn_alloc_unbound(k->dom, k->be_domid,
					    on_event_channel, k);
	if (k->port < 0)
		return (int)k->port;
	write_node(k, XENKBD_FIELD_RING_REF, "%lld", k->pfn);
	write_node(k, XENKBD_FIELD_RING_GREF, "%lld", k->gref);
	write_node(k, XENKBD_FIELD_EVT_CHANNEL, "%lld", k->port);
	set_state(k, XenbusStateInitialised);
	return 0;
}

/* xenkbd_probe: the backend's features decide what we request. */
static int probe(struct kbd_front *k)
{
	k->abs_pointer = read_flag(k, k->be_path, XENKBD_FIELD_FEAT_ABS_POINTER);
	k->multi_touch = read_flag(k, k->be_path, XENKBD_FIELD_FEAT_MTOUCH);
	if (k->multi_touch)
		write_node(k, XENKBD_FIELD_REQ_MTOUCH, "%lld", 1);
	if (k->abs_pointer)
		write_node(k, XENKBD_FIELD_REQ_ABS_POINTER, "%lld", 1);
	int ret = connect_backend(k);
	if (ret < 0) {
		log_error("kbd_front %u: connecting: %s", k->domid, strerror(-ret));
		disconnect(k, false);
	}
	return ret;
}

static int read_backend_state(struct kbd_front *k)
{
	char *v = read_node(k, k->be_path, "state");
	int s = v ? atoi(v) : XenbusStateUnknown;
	free(v);
	return s;
}

/* xenkbd_backend_changed. Closing keeps the page and port (as
 * xenbus_frontend_closed does), so a restarted backend finds them again. */
static void on_backend_state(struct kbd_front *k, int be)
{
	k->be_state = be;
	if (!k->page)
		return; /* between remove and probe */
	switch (be) {
	case XenbusStateInitWait:
		set_state(k, XenbusStateConnected);
		break;
	case XenbusStateConnected: /* we may have missed InitWait */
		if (k->state != XenbusStateConnected)
			set_state(k, XenbusStateConnected);
		break;
	case XenbusStateClosed:
		if (k->state == XenbusStateClosed)
			break;
		/* missed the backend's Closing */
		__attribute__((fallthrough));
	case XenbusStateClosing:
		set_state(k, XenbusStateClosed);
		break;
	default:
		break;
	}
}

static void on_backend_watch(void *data, const char *path)
{
	struct kbd_front *k = data;
	(void)path;
	int be = read_backend_state(k);
	if (be != k->be_state)
		on_backend_state(k, be);
}

static int read_backend_path(struct kbd_front *k)
{
	char *be = read_node(k, k->path, "backend");
	char *id = read_node(k, k->path, "backend-id");
	int ret = 0;
	if (!be || !id || strlen(be) >= sizeof(k->be_path))
		ret = -ENOENT;
	else {
		snprintf(k->be_path, sizeof(k->be_path), "%s", be);
		k->be_domid = (uint32_t)strtoul(id, NULL, 10);
	}
	free(be);
	free(id);
	return ret;
}

static void reprobe(void *data)
{
	struct kbd_front *k = data;
	loop_remove(k->reprobe_timer);
	k->reprobe_timer = NULL;
	set_state(k, XenbusStateInitialising);
	if (probe(k) == 0)
		on_backend_state(k, read_backend_state(k));
}

struct kbd_front *kbd_front_create(struct loop *loop, struct xs_server *xs,
				   struct gsim_domain *dom,
				   const struct kbd_front_cfg *cfg)
{
	struct kbd_front *k = calloc(1, sizeof(*k));
	if (!k)
		return NULL;
	k->loop = loop;
	k->xs = xs;
	k->dom = dom;
	k->domid = cfg->domid;
	k->devid = cfg->devid;
	k->state = XenbusStateInitialising;
	k->be_state = -1;
	k->consuming = true;
	k->pfn = k->gref = k->port = -1;
	snprintf(k->path, sizeof(k->path), "%s", cfg->path);
	int ret = read_backend_path(k);
	if (ret == 0)
		ret = probe(k);
	char path[KBD_PATH_LEN + 16];
	snprintf(path, sizeof(path), "%s/state", k->be_path);
	if (ret == 0) {
		k->be_watch = xs_srv_watch(xs, k->domid, path, on_backend_watch, k);
		if (!k->be_watch)
			ret = -ENOMEM;
	}
	if (ret < 0) {
		log_error("kbd_front %u: probing %s: %s", k->domid, k->path,
			  strerror(-ret));
		kbd_front_destroy(k, false);
		errno = -ret;
		return NULL;
	}
	return k;
}

void kbd_front_destroy(struct kbd_front *k, bool domain_dead)
{
	if (!k)
		return;
	if (k->be_watch)
		xs_srv_unwatch(k->be_watch);
	loop_remove(k->reprobe_timer);
	disconnect(k, domain_dead);
	free(k->events);
	free(k);
}

/* xenkbd_remove + xenbus_dev_remove, then modprobe a moment later. */
int kbd_front_reload(struct kbd_front *k)
{
	if (k->reprobe_timer)
		return -EBUSY;
	k->reprobe_timer = loop_add_timer(k->loop, reprobe, k);
	if (!k->reprobe_timer)
		return -ENOMEM;
	set_state(k, XenbusStateClosing);
	disconnect(k, false);
	set_state(k, XenbusStateClosed);
	loop_timer_arm(k->reprobe_timer, REPROBE_DELAY_MS * 1000000ull, 0);
	return 0;
}

int kbd_front_state(const struct kbd_front *k)
{
	return k->state;
}

bool kbd_front_abs_pointer(const struct kbd_front *k)
{
	return k->abs_pointer;
}

bool kbd_front_multi_touch(const struct kbd_front *k)
{
	return k->multi_touch;
}

size_t kbd_front_event_count(const struct kbd_front *k)
{
	return k->nevents;
}

const union xenkbd_in_event *kbd_front_event(const struct kbd_front *k,
					     size_t i)
{
	return i < k->nevents ? &k->events[i] : NULL;
}

void kbd_front_clear_events(struct kbd_front *k)
{
	k->nevents = 0;
}

uint64_t kbd_front_notifications(const struct kbd_front *k)
{
	return k->notifications;
}

uint64_t kbd_front_ring_errors(const struct kbd_front *k)
{
	return k->ring_errors;
}

void kbd_front_set_consuming(struct kbd_front *k, bool consume)
{
	k->consuming = consume;
	if (consume)
		consume_events(k); /* catch up, as the next interrupt would */
}

void kbd_front_set_event_cb(struct kbd_front *k, kbd_front_event_cb cb,
			    void *data)
{
	k->cb = cb;
	k->cb_data = data;
}

struct xenkbd_page *kbd_front_page(struct kbd_front *k)
{
	return k->page;
}
