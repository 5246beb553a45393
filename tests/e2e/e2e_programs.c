/* What DRM clients in a guest do, on a real Weston through the real
 * vdispld, one guest program per scenario (enum drm_front_program; the
 * requests are what the simulated xen-drm-front's pipe model makes of the
 * client's calls, tests/xensim/guest/drm_pipe.c):
 *   prog_static     modetest -s on 800x600 + 1024x768: one SET_CONFIG per
 *                   connector and never a PG_FLIP; both pictures shown;
 *   prog_shared     the same with one 1824x768 fb at x = 0 and x = 800;
 *   prog_frontdraw  static, then three frames drawn into the fb on screen
 *                   with no request at all;
 *   prog_flip       modetest -v: SET_CONFIG, then 20 flips, events in order;
 *   prog_remodeset  static; drmModeSetCrtc(B) with the same mode (PG_FLIP
 *                   B); drmModeSetCrtc(A) with a new mode (SET_CONFIG 0,
 *                   PG_FLIP A, SET_CONFIG A); each picture checked;
 *   prog_dpms       static; DPMS off (SET_CONFIG 0, PG_FLIP A): no window;
 *                   DPMS on (PG_FLIP A, SET_CONFIG A): the new picture.
 * Every picture is compared pixel for pixel with the guest's pattern, and
 * every connector's SET_CONFIG / PG_FLIP sequence with the one expected,
 * so a static picture on screen is proven to come from SET_CONFIG. The
 * guest's connectors must still read connected after every phase: the
 * driver marks one disconnected when the backend fails a request of a
 * commit, e.g. the PG_FLIP that DPMS off sends after SET_CONFIG 0. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "drm_front.h"
#include "e2e_fixture.h"
#include "toolstack.h"

#define NCONN 2
#define MAX_VIEWS 32
#define FLIPS 20
#define DRAWN 3
#define SEQ_LEN 256

static const uint32_t sizes[NCONN][2] = {{800, 600}, {1024, 768}};

struct prog {
	struct e2e *e;
	struct xensim_guest *g;
	struct drm_front *f;
};

/* "C0 F1 C-": SET_CONFIG / PG_FLIP on conn's ring with the fb of buffer
 * 0 or 1, '-' for cookie 0, '?' for a cookie the client never made. */
static void conn_sequence(struct drm_front *f, unsigned conn, char *out,
			  size_t len)
{
	size_t n, pos = 0;
	const struct drm_front_log_entry *log = drm_front_req_log(f, &n);
	out[0] = '\0';
	for (size_t i = 0; i < n && pos + 4 < len; i++) {
		const struct xendispl_req *r = &log[i].req;
		uint64_t cookie;
		if (log[i].conn != conn)
			continue;
		if (r->operation == XENDISPL_OP_SET_CONFIG)
			cookie = r->op.set_config.fb_cookie;
		else if (r->operation == XENDISPL_OP_PG_FLIP)
			cookie = r->op.pg_flip.fb_cookie;
		else
			continue;
		char which = cookie ? '?' : '-';
		for (unsigned b = 0; cookie && b < 2; b++) {
			struct drm_front_buf_info bi;
			if (drm_front_buf_info(f, conn, b, &bi) == 0 &&
			    bi.fb_cookie == cookie)
				which = (char)('0' + b);
		}
		pos += (size_t)snprintf(out + pos, len - pos, "%s%c%c",
					pos ? " " : "",
					r->operation == XENDISPL_OP_PG_FLIP ? 'F'
									    : 'C',
					which);
	}
}

static void check_sequence(struct prog *p, const char *want)
{
	for (unsigned c = 0; c < NCONN; c++) {
		char got[SEQ_LEN];
		conn_sequence(p->f, c, got, sizeof(got));
		printf("c%u requests: %s\n", c, got);
		E2E_CHECK(!strcmp(got, want), "c%u: requests '%s', want '%s'",
			  c, got, want);
		/* A failed PG_FLIP or enabling SET_CONFIG makes the real
		 * driver report the connector disconnected (conn_connected) */
		E2E_CHECK(drm_front_conn_connected(p->f, c),
			  "c%u reads disconnected in the guest: the backend "
			  "failed a PG_FLIP or SET_CONFIG of a commit", c);
	}
}

static bool holding(void *data)
{
	return drm_front_client_state(data) == DRM_CLIENT_HOLDING;
}

/* Runs the program's next phase (the first: starts the client) and waits
 * until its requests are answered and its flip events in. */
static void phase(struct prog *p, const struct drm_front_client_cfg *start)
{
	unsigned n = drm_front_phases_done(p->f);
	int r = start ? drm_front_start(p->f, start) : drm_front_next_phase(p->f);
	E2E_CHECK(r == 0, "phase %u: %s", n, strerror(-r));
	E2E_CHECK(vd_fixture_pump_until(&p->e->fx, holding, p->f, 10000),
		  "phase %u not done in 10 s (client state %d)", n,
		  drm_front_client_state(p->f));
	E2E_CHECK(drm_front_phases_done(p->f) == n + 1, "phases done: %u",
		  drm_front_phases_done(p->f));
}

static void needle(char *buf, size_t len, unsigned conn)
{
	snprintf(buf, len, "vdispl-1-0-%u", conn);
}

/* Waits for every connector's window, then checks each pixel-exact
 * against the frame the guest last showed there (drm_front_shown), which
 * must be want_frame. */
static void check_pictures(struct prog *p, uint64_t want_frame)
{
	for (unsigned c = 0; c < NCONN; c++) {
		char nd[32];
		uint64_t cookie, frame;
		int x, y, w, h;
		needle(nd, sizeof(nd), c);
		E2E_CHECK(vd_fixture_wait_view(&p->e->fx, nd, 3000, &x, &y, &w, &h),
			  "no window %s within 3 s", nd);
		drm_front_shown(p->f, c, &cookie, &frame);
		E2E_CHECK(cookie && frame == want_frame,
			  "c%u: the guest shows frame %llu, want %llu", c,
			  (unsigned long long)frame,
			  (unsigned long long)want_frame);
	}
	vd_fixture_pump(&p->e->fx, 300); /* let the last commit reach the screen */
	struct e2e_view views[MAX_VIEWS];
	int n = e2e_views(p->e, views, MAX_VIEWS);
	struct wh_image img = {0};
	int r = e2e_screenshot(p->e, &img);
	E2E_CHECK(r == 0 && img.width > 0, "screenshot: %s, %dx%d", strerror(-r),
		  img.width, img.height);
	if (n > 0 && r == 0)
		E2E_CHECK(e2e_check_guest_pixels(p->e, p->g, &img, views, n) == 0,
			  "frame %llu not on screen pixel-exact",
			  (unsigned long long)want_frame);
	wh_image_free(&img);
}

/* Front-buffer drawing reaches the screen only where the compositor reads
 * the guest's memory (zero-copy) and repaints; a copy made at SET_CONFIG
 * holds frame 0. Either is right, pixel-exact; a mix is not. */
static void check_frontdraw(struct prog *p)
{
	struct e2e_view views[MAX_VIEWS];
	vd_fixture_pump(&p->e->fx, 300);
	int n = e2e_views(p->e, views, MAX_VIEWS);
	struct wh_image img = {0};
	int r = e2e_screenshot(p->e, &img);
	E2E_CHECK(r == 0 && n > 0, "screenshot: %s, views %d", strerror(-r), n);
	for (unsigned c = 0; r == 0 && c < NCONN; c++) {
		char nd[32];
		needle(nd, sizeof(nd), c);
		int vi = e2e_view_find(views, n, nd);
		E2E_CHECK(vi >= 0, "no view %s", nd);
		if (vi < 0)
			continue;
		bool last = e2e_check_conn_frame(p->g, c, DRAWN, &img, views, vi,
						 25) == 0;
		bool first = !last && e2e_check_conn_frame(p->g, c, 0, &img,
							   views, vi, 25) == 0;
		printf("c%u shows %s\n", c, last ? "the last frame drawn"
				      : first ? "frame 0 (copied at SET_CONFIG)"
					      : "neither frame");
		E2E_CHECK(last || first, "c%u: neither frame 0 nor %d", c, DRAWN);
	}
	wh_image_free(&img);
}

static bool views_gone(void *data)
{
	struct prog *p = data;
	struct e2e_view views[MAX_VIEWS];
	int n = e2e_views(p->e, views, MAX_VIEWS);
	for (unsigned c = 0; c < NCONN; c++) {
		char nd[32];
		needle(nd, sizeof(nd), c);
		if (n < 0 || e2e_view_find(views, n, nd) >= 0)
			return false;
	}
	return true;
}

static uint64_t flips_sent(struct prog *p)
{
	struct drm_front_stats s;
	drm_front_get_stats(p->f, DRM_FRONT_ALL_CONNS, &s);
	printf("flips %llu, events in order %llu, bad %llu, flip time-outs "
	       "%llu, request errors %llu\n", (unsigned long long)s.flips_sent,
	       (unsigned long long)s.flip_events_in_order,
	       (unsigned long long)s.flip_events_bad,
	       (unsigned long long)s.flip_timeouts,
	       (unsigned long long)s.responses_error);
	E2E_CHECK(s.req_timeouts == 0, "%llu request time-outs",
		  (unsigned long long)s.req_timeouts);
	return s.flips_sent;
}

/* A flip the guest asked for while its window is up gets its event. */
static void check_flips_answered(struct prog *p)
{
	struct drm_front_stats s;
	drm_front_get_stats(p->f, DRM_FRONT_ALL_CONNS, &s);
	E2E_CHECK(s.flip_events_in_order == s.flips_sent &&
			  s.flip_events_bad == 0 && s.flip_timeouts == 0,
		  "%llu flips, %llu events in order, %llu bad, %llu time-outs",
		  (unsigned long long)s.flips_sent,
		  (unsigned long long)s.flip_events_in_order,
		  (unsigned long long)s.flip_events_bad,
		  (unsigned long long)s.flip_timeouts);
}

/* modetest with two -s: SET_CONFIG carries the crtc's x into the one fb
 * and the fb's full size (display_enable). */
static void check_shared_offsets(struct prog *p)
{
	size_t n;
	const struct drm_front_log_entry *log = drm_front_req_log(p->f, &n);
	uint32_t want_x = 0;
	for (unsigned c = 0; c < NCONN; c++) {
		const struct xendispl_set_config_req *sc = NULL;
		for (size_t i = 0; i < n && !sc; i++)
			if (log[i].conn == c &&
			    log[i].req.operation == XENDISPL_OP_SET_CONFIG)
				sc = &log[i].req.op.set_config;
		E2E_CHECK(sc && sc->x == want_x && sc->y == 0 &&
				  sc->width == 1824 && sc->height == 768,
			  "c%u: SET_CONFIG %ux%u at %u,%u; want 1824x768 at %u,0",
			  c, sc ? sc->width : 0, sc ? sc->height : 0,
			  sc ? sc->x : 0, sc ? sc->y : 0, want_x);
		want_x += sizes[c][0];
	}
}

static void run_static(struct prog *p, const struct drm_front_client_cfg *cc)
{
	phase(p, cc);
	check_sequence(p, "C0");
	check_pictures(p, 0);
	if (cc->program == DRM_PROG_SHARED)
		check_shared_offsets(p);
	E2E_CHECK(flips_sent(p) == 0, "a static program sent PG_FLIP");
}

static void run_frontdraw(struct prog *p, const struct drm_front_client_cfg *cc)
{
	phase(p, cc);
	check_pictures(p, 0);
	for (unsigned i = 0; i < DRAWN; i++) {
		vd_fixture_pump(&p->e->fx, 100);
		phase(p, NULL);
	}
	E2E_CHECK(drm_front_next_phase(p->f) == -ENOENT, "a phase after frame %d",
		  DRAWN);
	check_sequence(p, "C0"); /* no dirty hook: drawing sends nothing */
	E2E_CHECK(flips_sent(p) == 0, "front-buffer drawing sent PG_FLIP");
	check_frontdraw(p);
}

static bool flips_done(void *data)
{
	return vd_guest_flips_done(data, FLIPS);
}

static void run_flip(struct prog *p, const struct drm_front_client_cfg *cc)
{
	E2E_CHECK(drm_front_start(p->f, cc) == 0, "client start");
	E2E_CHECK(vd_fixture_pump_until(&p->e->fx, flips_done, p->g, 30000),
		  "%d flips not done in 30 s", FLIPS);
	for (unsigned c = 0; c < NCONN; c++) {
		char got[SEQ_LEN];
		conn_sequence(p->f, c, got, sizeof(got));
		printf("c%u requests: %.40s...\n", c, got);
		E2E_CHECK(!strncmp(got, "C0 F1 F0 F1", 11), "c%u: '%.40s'", c, got);
	}
	E2E_CHECK(flips_sent(p) == NCONN * FLIPS, "flips sent");
	check_flips_answered(p);
	uint64_t cookie, frame;
	drm_front_shown(p->f, 0, &cookie, &frame);
	check_pictures(p, frame);
}

static void run_remodeset(struct prog *p, const struct drm_front_client_cfg *cc)
{
	phase(p, cc);
	check_sequence(p, "C0");
	check_pictures(p, 0);
	phase(p, NULL); /* drmModeSetCrtc(B), same mode: display_update */
	check_sequence(p, "C0 F1");
	check_flips_answered(p);
	check_pictures(p, 1);
	phase(p, NULL); /* drmModeSetCrtc(A), new mode: disable, enable */
	check_sequence(p, "C0 F1 C- F0 C0");
	check_pictures(p, 2);
	flips_sent(p);
}

static void run_dpms(struct prog *p, const struct drm_front_client_cfg *cc)
{
	phase(p, cc);
	check_sequence(p, "C0");
	check_pictures(p, 0);
	phase(p, NULL); /* DPMS off */
	check_sequence(p, "C0 C- F0");
	E2E_CHECK(vd_fixture_pump_until(&p->e->fx, views_gone, p, 3000),
		  "windows still up 3 s after DPMS off (SET_CONFIG 0)");
	phase(p, NULL); /* DPMS on, frame 1 drawn meanwhile */
	check_sequence(p, "C0 C- F0 F0 C0");
	check_pictures(p, 1);
	flips_sent(p);
}

static enum drm_front_program program;

static int run(struct e2e *e)
{
	struct xensim_guest_cfg cfg;
	vd_guest_cfg(&cfg, 1, "e2e-prog", NCONN, sizes, NULL);
	struct prog p = {.e = e, .g = vd_fixture_guest(&e->fx, &cfg, NULL)};
	p.f = p.g ? xensim_guest_drm(p.g) : NULL;
	int r = p.f ? e2e_vdispld_start(e) : -ENODEV;
	if (r < 0) {
		fprintf(stderr, "guest or vdispld: %s\n", strerror(-r));
		return 1;
	}
	struct drm_front_client_cfg cc;
	vd_client_cfg(&cc, 0, program == DRM_PROG_FLIP ? FLIPS : DRAWN);
	cc.program = program;
	cc.hold_ms = 0; /* the test runs each phase */
	switch (program) {
	case DRM_PROG_FLIP: run_flip(&p, &cc); break;
	case DRM_PROG_FRONTDRAW: run_frontdraw(&p, &cc); break;
	case DRM_PROG_REMODESET: run_remodeset(&p, &cc); break;
	case DRM_PROG_DPMS: run_dpms(&p, &cc); break;
	default: run_static(&p, &cc); break;
	}
	return e2e_failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct e2e_args args;
	if (e2e_parse_args(argc, argv, &args) < 0)
		return 2;
	if (strncmp(args.scenario, "prog_", 5) ||
	    drm_front_program_parse(args.scenario + 5, &program) < 0) {
		fprintf(stderr, "unknown scenario %s\n", args.scenario);
		return 2;
	}
	struct e2e_opts opts = {0};
	return e2e_main(&args, &opts, run);
}
