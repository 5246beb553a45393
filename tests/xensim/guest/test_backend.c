/* Test-only backend (see test_backend.h): handshake, map the rings, answer
 * every request with status 0 (DBUF_CREATE after checking its page
 * directory), send a flip event for every PG_FLIP, push key events. */
#include "test_backend.h"

#include "ring_compat.h"

#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xen/io/displif.h>
#include <xen/io/kbdif.h>
#include <xenevtchn.h>
#include <xengnttab.h>
#include <xenstore.h>

#define MAX_CONNS 8
#define XC_PAGE_SIZE 4096u

struct be_conn {
	struct xen_displif_back_ring ring;
	struct xendispl_event_page *evt;
	evtchn_port_t req_port, evt_port;
	uint16_t evt_id;
};

struct be {
	uint32_t domid;
	unsigned num_conns;
	struct xs_handle *xs;
	xengnttab_handle *gt;
	xenevtchn_handle *ev;
	bool displ_up, kbd_up;
	struct be_conn conns[MAX_CONNS];
	struct xenkbd_page *kbd;
	evtchn_port_t kbd_port;
};

static void die(const char *what)
{
	fprintf(stderr, "test backend: %s failed\n", what);
	_exit(3);
}

static unsigned read_uint(struct be *b, const char *fmt, unsigned a, unsigned c)
{
	char path[256];
	snprintf(path, sizeof(path), fmt, a, c);
	char *v = xs_read(b->xs, XBT_NULL, path, NULL);
	unsigned n = v ? (unsigned)strtoul(v, NULL, 10) : 0;
	free(v);
	return n;
}

static void write_state(struct be *b, const char *type, int state)
{
	char path[128], val[4];
	snprintf(path, sizeof(path), "/local/domain/0/backend/%s/%u/0/state",
		 type, b->domid);
	snprintf(val, sizeof(val), "%d", state);
	if (!xs_write(b->xs, XBT_NULL, path, val, strlen(val)))
		die("xs_write state");
}

static void *map(struct be *b, uint32_t ref)
{
	void *p = xengnttab_map_grant_ref(b->gt, b->domid, ref,
					  PROT_READ | PROT_WRITE);
	if (!p)
		die("map grant");
	return p;
}

static evtchn_port_t bind(struct be *b, unsigned remote)
{
	xenevtchn_port_or_error_t p =
		xenevtchn_bind_interdomain(b->ev, b->domid, remote);
	if (p < 0)
		die("bind evtchn");
	return (evtchn_port_t)p;
}

static void connect_displ(struct be *b)
{
	const char *fe = "/local/domain/%u/device/vdispl/0/%u/%s";
	char fmt[128];
	for (unsigned i = 0; i < b->num_conns; i++) {
		struct be_conn *c = &b->conns[i];
		snprintf(fmt, sizeof(fmt), fe, b->domid, i, "req-ring-ref");
		struct xen_displif_sring *s = map(b, read_uint(b, fmt, 0, 0));
		BACK_RING_INIT(&c->ring, s, XC_PAGE_SIZE);
		snprintf(fmt, sizeof(fmt), fe, b->domid, i, "evt-ring-ref");
		c->evt = map(b, read_uint(b, fmt, 0, 0));
		snprintf(fmt, sizeof(fmt), fe, b->domid, i, "req-event-channel");
		c->req_port = bind(b, read_uint(b, fmt, 0, 0));
		snprintf(fmt, sizeof(fmt), fe, b->domid, i, "evt-event-channel");
		c->evt_port = bind(b, read_uint(b, fmt, 0, 0));
	}
	write_state(b, "vdispl", 4);
	b->displ_up = true;
}

static void push_key(struct be *b, unsigned code, bool pressed)
{
	union xenkbd_in_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.key.type = XENKBD_TYPE_KEY;
	ev.key.pressed = pressed;
	ev.key.keycode = code;
	XENKBD_IN_RING_REF(b->kbd, b->kbd->in_prod) = ev;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	b->kbd->in_prod++;
}

static void connect_kbd(struct be *b, unsigned keys)
{
	const char *fe = "/local/domain/%u/device/vkbd/0/%s";
	char fmt[128];
	snprintf(fmt, sizeof(fmt), fe, b->domid, "page-gref");
	b->kbd = map(b, read_uint(b, fmt, 0, 0));
	snprintf(fmt, sizeof(fmt), fe, b->domid, "event-channel");
	b->kbd_port = bind(b, read_uint(b, fmt, 0, 0));
	write_state(b, "vinput", 4);
	b->kbd_up = true;
	for (unsigned i = 0; i < keys; i++)
		push_key(b, 30 + i, i % 2 == 0);
	xenevtchn_notify(b->ev, b->kbd_port);
}

/* The directory must chain enough grefs for buffer_sz, and the first data
 * page must map. */
static int32_t check_dbuf(struct be *b, const struct xendispl_dbuf_create_req *d)
{
	uint32_t left = (d->buffer_sz + XC_PAGE_SIZE - 1) / XC_PAGE_SIZE;
	uint32_t per = (XC_PAGE_SIZE - 4) / 4, ref = d->gref_directory;
	uint32_t first = 0;
	while (left) {
		if (!ref)
			return -22;
		struct xendispl_page_directory *dir = map(b, ref);
		if (!first)
			first = dir->gref[0];
		left -= left < per ? left : per;
		ref = dir->gref_dir_next_page;
		xengnttab_unmap(b->gt, dir, 1);
	}
	void *page = map(b, first);
	xengnttab_unmap(b->gt, page, 1);
	return 0;
}

static void send_flip_evt(struct be *b, struct be_conn *c, uint64_t cookie)
{
	struct xendispl_evt *e = &XENDISPL_IN_RING_REF(c->evt, c->evt->in_prod);
	memset(e, 0, sizeof(*e));
	e->id = c->evt_id++;
	e->type = XENDISPL_EVT_PG_FLIP;
	e->op.pg_flip.fb_cookie = cookie;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	c->evt->in_prod++;
	xenevtchn_notify(b->ev, c->evt_port);
}

static void serve(struct be *b, struct be_conn *c)
{
	int more;
	do {
		RING_IDX rp = c->ring.sring->req_prod;
		rmb();
		while (c->ring.req_cons != rp) {
			struct xendispl_req req =
				*RING_GET_REQUEST(&c->ring, c->ring.req_cons);
			c->ring.req_cons++;
			struct xendispl_resp *r =
				RING_GET_RESPONSE(&c->ring, c->ring.rsp_prod_pvt);
			memset(r, 0, sizeof(*r));
			r->id = req.id;
			r->operation = req.operation;
			if (req.operation == XENDISPL_OP_DBUF_CREATE)
				r->status = check_dbuf(b, &req.op.dbuf_create);
			c->ring.rsp_prod_pvt++;
			int notify;
			RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&c->ring, notify);
			if (notify)
				xenevtchn_notify(b->ev, c->req_port);
			if (req.operation == XENDISPL_OP_PG_FLIP)
				send_flip_evt(b, c, req.op.pg_flip.fb_cookie);
		}
		RING_FINAL_CHECK_FOR_REQUESTS(&c->ring, more);
	} while (more);
}

static void on_port(struct be *b)
{
	xenevtchn_port_or_error_t p = xenevtchn_pending(b->ev);
	if (p < 0)
		return;
	xenevtchn_unmask(b->ev, (evtchn_port_t)p);
	for (unsigned i = 0; b->displ_up && i < b->num_conns; i++)
		if (b->conns[i].req_port == (evtchn_port_t)p)
			serve(b, &b->conns[i]);
}

static void on_store(struct be *b, unsigned keys)
{
	unsigned n;
	char **w = xs_read_watch(b->xs, &n);
	free(w);
	if (!b->displ_up &&
	    read_uint(b, "/local/domain/%u/device/vdispl/0/state", b->domid, 0) == 3)
		connect_displ(b);
	unsigned ks = read_uint(b, "/local/domain/%u/device/vkbd/0/state", b->domid, 0);
	if (!b->kbd_up && (ks == 3 || ks == 4))
		connect_kbd(b, keys);
}

void test_backend_run(uint32_t domid, unsigned num_conns, unsigned keys)
{
	struct be b = {.domid = domid, .num_conns = num_conns};
	char path[128];
	b.xs = xs_open(0);
	b.gt = xengnttab_open(NULL, 0);
	b.ev = xenevtchn_open(NULL, 0);
	if (!b.xs || !b.gt || !b.ev || num_conns > MAX_CONNS)
		die("opening the Xen libraries");
	write_state(&b, "vdispl", 2);
	write_state(&b, "vinput", 2);
	snprintf(path, sizeof(path), "/local/domain/%u/device/vdispl/0/state", domid);
	xs_watch(b.xs, path, "displ");
	snprintf(path, sizeof(path), "/local/domain/%u/device/vkbd/0/state", domid);
	xs_watch(b.xs, path, "kbd");
	for (;;) {
		struct pollfd fds[2] = {
			{.fd = xs_fileno(b.xs), .events = POLLIN},
			{.fd = xenevtchn_fd(b.ev), .events = POLLIN},
		};
		if (poll(fds, 2, 1000) < 0)
			die("poll");
		if (fds[0].revents)
			on_store(&b, keys);
		if (fds[1].revents)
			on_port(&b);
	}
}
