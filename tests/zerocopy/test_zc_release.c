/* DBUF_DESTROY of a zero-copy buffer waits for the compositor to let go
 * of its dma-buf, without stalling anyone else: the simulated grant device
 * says "still held" (gsim_set_dmabuf_hold_ms) for a while after vdispld
 * first asks, as a compositor still scanning the buffer out would.
 *
 * Cases (guest 1 tears its display down while guest 2 keeps flipping):
 *   hold      600 ms: each of the two DBUF_DESTROY replies comes after
 *             the release (>= 600 ms), guest 2 flips on meanwhile.
 *   deadline  4 s: each reply comes anyway at ~2.5 s with a warning, before
 *             the guest's 3 s time-out; the exports go once released.
 *   gone      3 s: guest 1 is destroyed while a reply is held: nothing is
 *             answered, nothing leaks, guest 2 flips on, vdispld exits 0.
 * usage: test_zc_release VDISPLD TEST-COMPOSITOR CASE */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drm_front.h"
#include "gsim.h"
#include "loop.h"
#include "toolstack.h"
#include "xensim.h"
#include "zc_fixture.h"

struct rig {
	struct zc_fixture fx;
	struct xensim_guest *other;
};

static uint64_t ms_now(void)
{
	return loop_now_ns() / 1000000u;
}

static struct drm_front_stats guest_stats(struct xensim_guest *g)
{
	struct drm_front_stats st;
	drm_front_get_stats(xensim_guest_drm(g), DRM_FRONT_ALL_CONNS, &st);
	return st;
}

static struct gsim_stats sim_stats(struct rig *r, uint32_t domid)
{
	struct gsim_stats st;
	gsim_get_stats(xensim_gsim(r->fx.vf.sim), domid, &st);
	return st;
}

/* Guest 1 (the fixture's) and guest 2, both flipping at ~30 Hz. */
static int rig_start(struct rig *r, const char *vdispld, const char *tc)
{
	struct zc_opts o = {
		.vdispld = vdispld, .compositor = tc, .kernel_dmabuf = true,
		.width = 320, .height = 240, .fps = 30,
	};
	static const uint32_t size[][2] = {{320, 240}};
	struct xensim_guest_cfg cfg;
	struct drm_front_client_cfg cc;
	memset(r, 0, sizeof(*r));
	ZC_CHECK(zc_start(&r->fx, &o) == 0, "fixture did not start");
	vd_guest_cfg(&cfg, 2, "other", 1, size, NULL);
	vd_client_cfg(&cc, 33, 0);
	r->other = vd_fixture_guest(&r->fx.vf, &cfg, &cc);
	ZC_CHECK(r->other, "guest 2");
	ZC_CHECK(zc_wait_flips(&r->fx, 10, 10000), "guest 1 does not flip");
	for (int i = 0; i < 100 && guest_stats(r->other).flip_events < 10; i++)
		vd_fixture_pump(&r->fx.vf, 100);
	ZC_CHECK(guest_stats(r->other).flip_events >= 10, "guest 2 does not flip");
	return 0;
}

static bool client_stopped(void *data)
{
	return drm_front_client_state(data) == DRM_CLIENT_STOPPED;
}

/* The "<key> <N> ms" numbers of vdispld's log lines containing key, in
 * order, into ms[] (at most max). Returns how many. */
static int log_ms(struct rig *r, const char *key, unsigned *ms, int max)
{
	char *log = vd_slurp(r->fx.vf.vd_log);
	int n = 0;
	for (const char *p = log; p && n < max && (p = strstr(p, key));
	     p += strlen(key))
		ms[n++] = (unsigned)strtoul(p + strlen(key), NULL, 10);
	free(log);
	return n;
}

/* Stops guest 1's client (FB_DETACH + DBUF_DESTROY per buffer, then
 * SET_CONFIG off) and waits for the end. *took: how long, in ms; guest
 * 2's flip events meanwhile in *flips. */
static int teardown_guest1(struct rig *r, int timeout_ms, uint64_t *took,
			   uint64_t *flips)
{
	struct drm_front *f = zc_front(&r->fx);
	uint64_t e0 = guest_stats(r->other).flip_events, t0 = ms_now();
	ZC_CHECK(drm_front_stop(f) == 0, "stop");
	ZC_CHECK(vd_fixture_pump_until(&r->fx.vf, client_stopped, f, timeout_ms),
	      "guest 1's teardown did not end in %d ms", timeout_ms);
	*took = ms_now() - t0;
	*flips = guest_stats(r->other).flip_events - e0;
	struct drm_front_stats g1 = guest_stats(r->fx.guest);
	ZC_CHECK(g1.req_timeouts == 0 && g1.responses_error == 0,
	      "guest 1: %llu request time-outs, %llu errors",
	      (unsigned long long)g1.req_timeouts,
	      (unsigned long long)g1.responses_error);
	return 0;
}

/* Guest 2 flipped all along, at least min_flips, never timing out. */
static int other_fine(struct rig *r, uint64_t flips, uint64_t min_flips)
{
	struct drm_front_stats g2 = guest_stats(r->other);
	fprintf(stderr, "guest 2: %llu flip events meanwhile, %llu time-outs\n",
		(unsigned long long)flips, (unsigned long long)g2.flip_timeouts);
	ZC_CHECK(flips >= min_flips && g2.flip_timeouts == 0 &&
		      g2.req_timeouts == 0 && g2.flip_events_bad == 0,
	      "guest 2 stalled: %llu flips (want >= %llu)",
	      (unsigned long long)flips, (unsigned long long)min_flips);
	return 0;
}

static bool no_dmabufs(void *data)
{
	return sim_stats(data, 1).dmabufs == 0;
}

static int finish(struct rig *r)
{
	ZC_CHECK(zc_stop_vdispld(&r->fx) == 0, "vdispld did not exit 0");
	ZC_CHECK(vd_fixture_logs_clean(&r->fx.vf), "sanitizer report in a log");
	return 0;
}

static int case_hold(struct rig *r)
{
	unsigned ms[4];
	uint64_t took, flips;
	gsim_set_dmabuf_hold_ms(xensim_gsim(r->fx.vf.sim), 600);
	if (teardown_guest1(r, 5000, &took, &flips))
		return 1;
	int n = log_ms(r, "(dma-buf released after ", ms, 4);
	fprintf(stderr, "teardown took %llu ms; replies after %u, %u ms\n",
		(unsigned long long)took, n > 0 ? ms[0] : 0, n > 1 ? ms[1] : 0);
	ZC_CHECK(n == 2, "%d replies after a release logged, want 2", n);
	for (int i = 0; i < n; i++)
		ZC_CHECK(ms[i] >= 600 && ms[i] < 600 + 200,
		      "reply %d after %u ms, want 600..800", i, ms[i]);
	ZC_CHECK(took >= 1200, "teardown took %llu ms, want >= 1200",
	      (unsigned long long)took);
	ZC_CHECK(sim_stats(r, 1).dmabufs == 0, "exports of guest 1 left");
	if (other_fine(r, flips, 15))
		return 1;
	return finish(r);
}

static int case_deadline(struct rig *r)
{
	unsigned ms[4];
	uint64_t took, flips;
	gsim_set_dmabuf_hold_ms(xensim_gsim(r->fx.vf.sim), 4000);
	if (teardown_guest1(r, 9000, &took, &flips))
		return 1;
	int n = log_ms(r, "dma-buf still held by the compositor after ", ms, 4);
	fprintf(stderr, "teardown took %llu ms; answered after %u, %u ms\n",
		(unsigned long long)took, n > 0 ? ms[0] : 0, n > 1 ? ms[1] : 0);
	ZC_CHECK(n == 2, "%d warnings of a reply given while held, want 2", n);
	for (int i = 0; i < n; i++)
		ZC_CHECK(ms[i] >= 2500 && ms[i] < 2800,
		      "reply %d after %u ms, want 2500..2800 (< 3 s)", i, ms[i]);
	if (other_fine(r, flips, 50))
		return 1;
	/* The compositor lets go at last: nothing stays exported. */
	ZC_CHECK(vd_fixture_pump_until(&r->fx.vf, no_dmabufs, r, 5000),
	      "guest 1 still has %u exports", sim_stats(r, 1).dmabufs);
	return finish(r);
}

static bool destroy_held(void *data)
{
	struct rig *r = data;
	return vd_fixture_log_contains(&r->fx.vf, "waits for its release");
}

static bool not_answered(void *data)
{
	struct rig *r = data;
	return vd_fixture_log_contains(&r->fx.vf, "not answered");
}

static bool guest1_released(void *data)
{
	struct gsim_stats st = sim_stats(data, 1);
	return st.mapped_pages == 0 && st.bound_ports == 0 && st.dmabufs == 0;
}

static int case_gone(struct rig *r)
{
	gsim_set_dmabuf_hold_ms(xensim_gsim(r->fx.vf.sim), 3000);
	ZC_CHECK(drm_front_stop(zc_front(&r->fx)) == 0, "stop");
	ZC_CHECK(vd_fixture_pump_until(&r->fx.vf, destroy_held, r, 3000),
	      "no DBUF_DESTROY held");
	uint64_t e0 = guest_stats(r->other).flip_events;
	xensim_guest_destroy(r->fx.guest); /* "xl destroy" mid-hold */
	r->fx.guest = NULL;
	ZC_CHECK(vd_fixture_pump_until(&r->fx.vf, not_answered, r, 3000),
	      "vdispld did not drop the held reply");
	ZC_CHECK(vd_fixture_vdispld_alive(&r->fx.vf), "vdispld died");
	ZC_CHECK(vd_fixture_pump_until(&r->fx.vf, guest1_released, r, 5000),
	      "guest 1 leaked: mapped %u ports %u exports %u",
	      sim_stats(r, 1).mapped_pages, sim_stats(r, 1).bound_ports,
	      sim_stats(r, 1).dmabufs);
	if (other_fine(r, guest_stats(r->other).flip_events - e0, 15))
		return 1;
	return finish(r);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(struct rig *r);
	} cases[] = {
		{"hold", case_hold},
		{"deadline", case_deadline},
		{"gone", case_gone},
	};
	if (argc < 4) {
		fprintf(stderr, "usage: %s VDISPLD TEST-COMPOSITOR CASE\n",
			argv[0]);
		return 2;
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (strcmp(argv[3], cases[i].name) != 0)
			continue;
		static struct rig r;
		int rc = rig_start(&r, argv[1], argv[2]);
		if (rc == 0)
			rc = cases[i].run(&r);
		if (rc != 0)
			vd_fixture_dump_log(&r.fx.vf, 30);
		vd_fixture_destroy(&r.fx.vf);
		fprintf(stderr, "%s: %s\n", argv[3], rc == 0 ? "PASS" : "FAIL");
		return rc;
	}
	fprintf(stderr, "unknown case %s\n", argv[3]);
	return 2;
}
