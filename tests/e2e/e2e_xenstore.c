/* e2e_xenstore --vdispld=PATH [--renderer=R] xenstore_lost|sim_lost
 *
 * vdispld cannot work without XenStore (no guest can come or go) or the
 * event channel device (no guest is heard), so when either goes it must
 * exit with code 1 for the service manager to restart it, saying why
 * (src/main.c). The test runs a flipping guest, then
 * - xenstore_lost: closes the simulated xenstored's sockets only, as if
 *   xenstored died (libxenstore tells nobody: vdispld's probe must notice);
 * - sim_lost: takes the whole simulator away, XenStore and the event
 *   channel device together (either may be noticed first, neither may
 *   make vdispld spin on a dead fd);
 * and wants that exit within 2 s. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "drm_front.h"
#include "e2e_fixture.h"
#include "loop.h"
#include "toolstack.h"
#include "xensim.h"
#include "xs_server.h"

#define LOST_EXIT_MS 2000

static bool whole_sim;

static bool flipping(void *data)
{
	return vd_guest_min_flip_events(data) >= 10;
}

static int run(struct e2e *e)
{
	static const uint32_t sizes[][2] = {{640, 480}};
	struct xensim_guest *g = e2e_guest_create(e, 1, "e2e-xs", 1, sizes,
						  false);
	if (!g || e2e_vdispld_start(e) < 0)
		return 1;
	struct drm_front_client_cfg cc;
	vd_client_cfg(&cc, 0, 0);
	E2E_CHECK(drm_front_start(xensim_guest_drm(g), &cc) == 0,
		  "the guest's client did not start");
	E2E_CHECK(vd_fixture_pump_until(&e->fx, flipping, g, 10000),
		  "the guest never flipped 10 times");
	if (e2e_failures)
		return 1;

	if (whole_sim) {
		xensim_destroy(e->fx.sim); /* its XenStore server with it */
		e->fx.sim = NULL;
	} else {
		xs_server_kill_sockets(xensim_store(e->fx.sim));
	}
	uint64_t t0 = loop_now_ns();
	int status = 0;
	int r = vd_fixture_wait_child(&e->fx, e->fx.vd, LOST_EXIT_MS, &status);
	unsigned ms = (unsigned)((loop_now_ns() - t0) / 1000000u);
	E2E_CHECK(r == 0, "vdispld still runs %d ms after XenStore went away",
		  LOST_EXIT_MS);
	if (r == 0) {
		char why[64];
		e->fx.vd = 0;
		E2E_CHECK(vd_exit_is(status, 1), "vdispld ended with %s, want "
			  "exit code 1", vd_exit_describe(status, why, sizeof(why)));
		printf("vdispld exited %u ms after XenStore went away\n", ms);
	}
	if (!whole_sim)
		E2E_CHECK(vd_fixture_log_contains(&e->fx,
						  "lost the XenStore connection"),
			  "no \"lost the XenStore connection\" in vdispld's log");
	else
		E2E_CHECK(vd_fixture_log_contains(&e->fx,
						  "lost the XenStore connection") ||
				  vd_fixture_log_contains(
					  &e->fx, "lost the event channel device"),
			  "vdispld's log names neither XenStore nor the event "
			  "channel device as lost");
	/* A dead fd left on the loop would fail once per turn. */
	E2E_CHECK(vd_fixture_log_count(&e->fx, "evtchn: ") <= 8,
		  "%d evtchn errors: vdispld kept reading a dead device",
		  vd_fixture_log_count(&e->fx, "evtchn: "));
	return e2e_failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct e2e_args args;
	if (e2e_parse_args(argc, argv, &args) < 0)
		return 2;
	whole_sim = strcmp(args.scenario, "sim_lost") == 0;
	if (strcmp(args.scenario, "xenstore_lost") && !whole_sim) {
		fprintf(stderr, "unknown scenario %s\n", args.scenario);
		return 2;
	}
	/* Nothing here looks at pixels: a small output is enough. */
	struct e2e_opts opts = {.width = 1920, .height = 1080};
	return e2e_main(&args, &opts, run);
}
