/* be-alloc on an x86 PV guest (docs/be-alloc-pv.md), end to end:
 *   be_alloc_pv  a PV guest with be-alloc=1 and a PVH guest with
 *                be-alloc=1 side by side. The PV guest's first DBUF_CREATE
 *                (REQ_ALLOC) gets -XEN_EOPNOTSUPP, its client fails as
 *                modetest would, its device stays Connected and still
 *                shows frontend-allocated buffers; vdispld logs why once.
 *                The PVH guest keeps backend allocation, pixel-exact.
 * The guests' types reach vdispld through the drop-in libxenctrl. */
#include <stdio.h>
#include <string.h>
#include <xen/errno.h>
#include <xen/io/xenbus.h>

#include "drm_front.h"
#include "e2e_fixture.h"
#include "gsim.h"
#include "toolstack.h"

#define FLIPS 20
#define MAX_VIEWS 16
#define PV_LINE                                                                \
	"dom1(e2e-pv) vdispl/0: a PV guest's xen-drm-front cannot map "        \
	"backend-allocated buffers; set be-alloc=0"

static struct xensim_guest *guest(struct e2e *e, uint32_t domid,
				  const char *name, enum gsim_dom_type type)
{
	static const uint32_t sizes[][2] = {{640, 480}};
	struct xensim_guest_cfg cfg;

	vd_guest_cfg(&cfg, domid, name, 1, sizes, NULL);
	cfg.be_alloc = true;
	cfg.dom_type = type;
	return vd_fixture_guest(&e->fx, &cfg, NULL);
}

static bool client_failed(void *data)
{
	return drm_front_client_state(xensim_guest_drm(data)) ==
	       DRM_CLIENT_FAILED;
}

static bool flips_done(void *data)
{
	return vd_guest_flips_done(data, FLIPS);
}

static bool first_frame(void *data)
{
	return vd_guest_min_flip_events(data) > 0;
}

/* The refusal: the status, on the request that asked for REQ_ALLOC, with
 * no time-out and the device still Connected. */
static void check_pv_refused(struct xensim_guest *pv)
{
	struct drm_front *f = xensim_guest_drm(pv);
	struct drm_front_stats s;
	size_t n = 0;
	const struct drm_front_log_entry *log = drm_front_req_log(f, &n);

	drm_front_get_stats(f, DRM_FRONT_ALL_CONNS, &s);
	E2E_CHECK(s.last_error_status == -XEN_EOPNOTSUPP,
		  "PV guest's DBUF_CREATE status %d, wanted %d",
		  s.last_error_status, -XEN_EOPNOTSUPP);
	E2E_CHECK(s.req_timeouts == 0, "%llu time-outs",
		  (unsigned long long)s.req_timeouts);
	E2E_CHECK(n > 0 && log[0].req.operation == XENDISPL_OP_DBUF_CREATE &&
			  (log[0].req.op.dbuf_create.flags &
			   XENDISPL_DBUF_FLG_REQ_ALLOC),
		  "the PV guest's first request was no REQ_ALLOC DBUF_CREATE");
	E2E_CHECK(drm_front_state(f) == XenbusStateConnected,
		  "PV guest's device in state %d", drm_front_state(f));
}

static void check_pvh_pixels(struct e2e *e, struct xensim_guest *pvh)
{
	struct e2e_view views[MAX_VIEWS];
	struct drm_front_buf_info bi;
	struct wh_image img = {0};
	int n = e2e_views(e, views, MAX_VIEWS);
	int r = e2e_screenshot(e, &img);

	E2E_CHECK(drm_front_buf_info(xensim_guest_drm(pvh), 0, 0, &bi) == 0 &&
			  bi.be_alloc,
		  "the PVH guest's buffers are not backend-allocated");
	E2E_CHECK(n > 0 && r == 0, "scene graph %d, screenshot %d", n, r);
	if (n > 0 && r == 0)
		E2E_CHECK(e2e_check_guest_pixels(e, pvh, &img, views, n) == 0,
			  "PVH guest's pixels");
	wh_image_free(&img);
}

static int run(struct e2e *e)
{
	struct xensim_guest *pv = guest(e, 1, "e2e-pv", GSIM_DOM_PV);
	struct xensim_guest *pvh = guest(e, 2, "e2e-pvh", GSIM_DOM_PVH);
	struct drm_front_client_cfg cc;

	if (!pv || !pvh || e2e_vdispld_start(e) < 0)
		return 1;
	vd_client_cfg(&cc, 0, FLIPS);
	E2E_CHECK(drm_front_start(xensim_guest_drm(pvh), &cc) == 0, "PVH");
	E2E_CHECK(vd_fixture_pump_until(&e->fx, flips_done, pvh, 30000),
		  "PVH guest: flips not done in 30 s");
	E2E_CHECK(drm_front_start(xensim_guest_drm(pv), &cc) == 0, "PV");
	E2E_CHECK(vd_fixture_pump_until(&e->fx, client_failed, pv, 10000),
		  "the PV guest's client did not fail (state %d)",
		  drm_front_client_state(xensim_guest_drm(pv)));
	check_pv_refused(pv);
	vd_fixture_pump(&e->fx, 200);
	check_pvh_pixels(e, pvh);

	/* The device still serves what a PV guest can use. */
	cc.force_be_alloc = 0;
	E2E_CHECK(drm_front_start(xensim_guest_drm(pv), &cc) == 0, "PV again");
	E2E_CHECK(vd_fixture_pump_until(&e->fx, first_frame, pv, 10000),
		  "PV guest: no frame from its own buffers in 10 s");

	E2E_CHECK(vd_fixture_log_count(&e->fx, PV_LINE) == 1,
		  "the PV line logged %d times",
		  vd_fixture_log_count(&e->fx, PV_LINE));
	E2E_CHECK(vd_fixture_log_count(&e->fx, "set be-alloc=0") == 1,
		  "the PVH guest was warned too");
	E2E_CHECK(vd_fixture_vdispld_alive(&e->fx), "vdispld died");
	return e2e_failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct e2e_args args;
	struct e2e_opts opts = {0};

	if (e2e_parse_args(argc, argv, &args) < 0)
		return 2;
	if (strcmp(args.scenario, "be_alloc_pv")) {
		fprintf(stderr, "unknown scenario %s\n", args.scenario);
		return 2;
	}
	return e2e_main(&args, &opts, run);
}
