/* Hostile cases on a guest's life: it vanishes mid-request, mid-flip, with
 * buffers on screen, mid-handshake, and reboots or reloads in storms.
 * "Disconnected" here is the guest being gone: the check is that vdispld
 * gives back everything it held of it (hbad_destroy / hleak_wait). */
#include <stdio.h>
#include <string.h>

#include "hostile.h"
#include "loop.h"
#include "toolstack.h"
#include "xs_server.h"

static int destroy_now(struct hfix *fx)
{
	HCHECK(hbad_destroy(fx) == 0);
	return 0;
}

static int flipping_guest(struct hfix *fx, bool be_alloc, unsigned conns)
{
	struct hbad_opts o = {.be_alloc = be_alloc, .conns = conns};
	struct drm_front_client_cfg cc = {.draw = true, .force_be_alloc = -1};
	struct drm_front *f = hbad_create(fx, &o);
	struct drm_front_stats st;

	HCHECK(f);
	HCHECK(drm_front_start(f, &cc) == 0);
	vd_fixture_pump(&fx->vf, 400);
	drm_front_get_stats(f, DRM_FRONT_ALL_CONNS, &st);
	HCHECK(st.flip_events > 0);
	return 0;
}

static int mid_request(struct hfix *fx)
{
	struct drm_front *f = hbad_create(fx, NULL);
	struct xen_displif_sring *s;
	RING_IDX p;

	HCHECK(f);
	s = drm_front_req_page(f, 0);
	p = s->req_prod;
	for (unsigned i = 0; i < H_RING_SLOTS; i++) {
		uint32_t dir = hbuf_make(fx, 64, 0);
		struct xendispl_req r = hr_dbuf(500 + i, 0, 0, 0, 64 * 4096, dir);

		HCHECK(dir);
		r.id = (uint16_t)(900 + i);
		s->ring[(p + i) & (H_RING_SLOTS - 1)].req = r;
	}
	drm_front_ring_set_req_prod(f, 0, p + H_RING_SLOTS);
	drm_front_notify(f, 0, 1);
	/* Let vdispld be in the middle of them, then pull the plug. */
	for (int i = 0; i < 3; i++)
		loop_dispatch(fx->vf.loop, 0);
	return destroy_now(fx);
}

static int mid_flip(struct hfix *fx)
{
	HCHECK(flipping_guest(fx, false, 1) == 0);
	return destroy_now(fx);
}

static int be_alloc_on_screen(struct hfix *fx)
{
	HCHECK(flipping_guest(fx, true, 1) == 0);
	return destroy_now(fx);
}

static int two_conns_on_screen(struct hfix *fx)
{
	HCHECK(flipping_guest(fx, false, 2) == 0);
	return destroy_now(fx);
}

static int during_storm(struct hfix *fx)
{
	struct drm_front *f = hbad_create(fx, NULL);

	HCHECK(f);
	HCHECK(hfb_make(fx, 1, 2, H_CONN_W, H_CONN_H) == 0);
	HEXPECT_OK(fx, 0, hr_config(2, 0, 0, H_CONN_W, H_CONN_H));
	for (int i = 0; i < 20; i++) {
		drm_front_notify(f, 0, 10000);
		loop_dispatch(fx->vf.loop, 0);
	}
	return destroy_now(fx);
}

static int mid_handshake(struct hfix *fx)
{
	struct hbad_opts o = {.defer = true};

	hbad_create(fx, &o);
	HCHECK(fx->bad);
	HCHECK(hmf_start(fx, 1, 0, NULL, NULL) == 0);
	return destroy_now(fx); /* Initialised written, nothing dispatched */
}

static int before_discovery(struct hfix *fx)
{
	struct hbad_opts o = {.defer = true};

	hbad_create(fx, &o); /* vdispld has not even seen it */
	HCHECK(fx->bad);
	return destroy_now(fx);
}

static int mid_big_create(struct hfix *fx)
{
	struct drm_front *f = hbad_create(fx, NULL);
	uint32_t dir;
	struct xendispl_req r;

	HCHECK(f);
	dir = hbuf_make(fx, 3000, 0);
	HCHECK(dir);
	r = hr_dbuf(7, 0, 0, 0, 3000 * 4096, dir);
	r.id = drm_front_next_id(f, 0);
	HCHECK(drm_front_send_raw(f, 0, &r, NULL, NULL) == 0);
	loop_dispatch(fx->vf.loop, 0);
	return destroy_now(fx);
}

/* Ten reboots, each with a fresh domid, flipping in between. */
static int reboot_storm(struct hfix *fx)
{
	struct drm_front_client_cfg cc = {.draw = true, .force_be_alloc = -1};
	uint32_t old[10];

	HCHECK(flipping_guest(fx, false, 1) == 0);
	xs_srv_unwatch(fx->be_watch);
	fx->be_watch = NULL;
	for (unsigned i = 0; i < 10; i++) {
		struct drm_front *f;

		old[i] = fx->bad_domid;
		fx->bad_domid = fx->next_domid++;
		HCHECK(xensim_guest_reboot(fx->bad, fx->bad_domid) == 0);
		f = xensim_guest_drm(fx->bad);
		HCHECK(f && drm_front_start(f, &cc) == 0);
		vd_fixture_pump(&fx->vf, i % 3 == 0 ? 0 : 60);
	}
	for (unsigned i = 0; i < 10; i++)
		HCHECK(hleak_wait(fx, old[i]) == 0);
	return destroy_now(fx);
}

static bool bad_connected(void *data)
{
	struct hfix *fx = data;
	struct drm_front *f = xensim_guest_drm(fx->bad);

	return f && drm_front_state(f) == XenbusStateConnected;
}

static int reload_storm(struct hfix *fx)
{
	unsigned done = 0;

	HCHECK(flipping_guest(fx, false, 1) == 0);
	/* Each reload as soon as the guest takes one (it refuses while one
	 * runs), while its client flips. */
	for (unsigned i = 0; i < 10; i++) {
		uint64_t end = loop_now_ns() + 3000000000ull;

		int r;

		while ((r = xensim_guest_reload_drivers(fx->bad)) < 0 &&
		       loop_now_ns() < end)
			loop_dispatch(fx->vf.loop, 5);
		if (r < 0)
			fprintf(stderr, "  reload %u refused: %s\n", i,
				strerror(-r));
		done += r == 0;
		vd_fixture_pump(&fx->vf, 25);
	}
	HCHECK(done == 10);
	HCHECK(vd_fixture_pump_until(&fx->vf, bad_connected, fx, 5000));
	HCHECK(hbad_wait_closed(fx, 100));
	return destroy_now(fx);
}

const struct hcase hcases_life[] = {
	{"life", "life_destroy_mid_request", "guest destroyed with 32 DBUF_CREATEs on the ring: everything of it released", mid_request},
	{"life", "life_destroy_mid_flip", "guest destroyed while flipping at full rate: released", mid_flip},
	{"life", "life_destroy_be_alloc_on_screen", "be-alloc guest destroyed with its buffers on screen: shared pages released", be_alloc_on_screen},
	{"life", "life_destroy_two_conns_on_screen", "two-connector guest destroyed while both flip: released", two_conns_on_screen},
	{"life", "life_destroy_during_storm", "guest destroyed amid 200,000 notifications with an fb on screen: released", during_storm},
	{"life", "life_destroy_mid_handshake", "guest destroyed right after writing Initialised: released", mid_handshake},
	{"life", "life_destroy_before_discovery", "guest destroyed before vdispld saw it: nothing held", before_discovery},
	{"life", "life_destroy_mid_big_create", "guest destroyed while a 12 MiB DBUF_CREATE is served: released", mid_big_create},
	{"life", "life_reboot_storm", "10 reboots (new domids) while flipping: every old domid released", reboot_storm},
	{"life", "life_reload_storm", "10 driver reloads back to back while flipping: device closed each time, reconnects, nothing leaked", reload_storm},
	{NULL, NULL, NULL, NULL},
};
