/* Hostile cases in XenStore: absurd toolstack values (resolution,
 * unique-id, connector count), a hand-played frontend publishing refs and
 * ports that are not what they claim, and frontend states that jump. */
#include <stdlib.h>
#include <string.h>

#include "hostile.h"
#include "toolstack.h"
#include "xensim.h"
#include "xs_server.h"

static bool closed_seen(void *data)
{
	struct hfix *fx = data;

	return (fx->be_seen & ((1u << XenbusStateClosing) |
			       (1u << XenbusStateClosed))) != 0;
}

static bool error_node(struct hfix *fx)
{
	char path[160];
	char *v;

	snprintf(path, sizeof(path), "%s/error", fx->be_path);
	v = xs_srv_read(xensim_store(fx->vf.sim), 0, path);
	free(v);
	return v != NULL;
}

static int deferred(struct hfix *fx)
{
	struct hbad_opts o = {.defer = true};

	hbad_create(fx, &o);
	return fx->bad ? 0 : -1;
}

/* Plays the frontend and expects the device failed with a reason. */
static int expect_fail(struct hfix *fx, unsigned conns, unsigned flags,
		       const char *ring_ref, const char *port)
{
	HCHECK(hmf_start(fx, conns, flags, ring_ref, port) == 0);
	HCHECK(vd_fixture_pump_until(&fx->vf, closed_seen, fx, fx->valgrind ? 20000 : 3000));
	HCHECK(error_node(fx));
	return 0;
}

/* A node the toolstack owns (written as dom0), then the handshake. */
static int toolstack_value(struct hfix *fx, const char *node, const char *v)
{
	HCHECK(deferred(fx) == 0);
	if (v) {
		HCHECK(hxs_write(fx, 0, node, v) == 0);
	} else {
		char path[256];

		snprintf(path, sizeof(path), "%s/%s", fx->fe_path, node);
		HCHECK(xs_srv_rm(xensim_store(fx->vf.sim), 0, path) == 0);
	}
	return expect_fail(fx, 1, 0, NULL, NULL);
}

#define RES_CASE(fn, val)                                                      \
	static int fn(struct hfix *fx)                                         \
	{                                                                      \
		return toolstack_value(fx, "0/resolution", val);               \
	}
RES_CASE(res_0x0, "0x0")
RES_CASE(res_huge, "99999x99999")
RES_CASE(res_negative, "-1x5")
RES_CASE(res_3d, "800x600x3")
RES_CASE(res_missing, NULL)
RES_CASE(res_garbage, "abc")
RES_CASE(res_overlong, "18446744073709551617x600")
RES_CASE(res_spaces, " 800 x 600")

/* 4000 bytes: as long as a XenStore value can be (XENSTORE_PAYLOAD_MAX
 * is 4096 for the whole message). */
static int uid_huge(struct hfix *fx)
{
	static char big[4001];

	memset(big, 'u', sizeof(big) - 1);
	return toolstack_value(fx, "0/unique-id", big);
}

static int uid_nonprint(struct hfix *fx)
{
	return toolstack_value(fx, "0/unique-id", "a b\x01");
}

static int conns_many(struct hfix *fx, unsigned n)
{
	HCHECK(deferred(fx) == 0);
	for (unsigned i = 1; i < n; i++) {
		char node[32];

		snprintf(node, sizeof(node), "%u/resolution", i);
		HCHECK(hxs_write(fx, 0, node, "320x240") == 0);
	}
	return expect_fail(fx, 1, 0, NULL, NULL);
}

static int conns_1000(struct hfix *fx)
{
	return conns_many(fx, 1000);
}

static int conns_17(struct hfix *fx)
{
	return conns_many(fx, 17);
}

static int no_conns(struct hfix *fx)
{
	char path[200];

	HCHECK(deferred(fx) == 0);
	snprintf(path, sizeof(path), "%s/0", fx->fe_path);
	HCHECK(xs_srv_rm(xensim_store(fx->vf.sim), 0, path) == 0);
	HCHECK(hxs_write(fx, 0, "1/resolution", "320x240") == 0);
	HCHECK(hmf_start(fx, 0, 0, NULL, NULL) == 0);
	HCHECK(vd_fixture_pump_until(&fx->vf, closed_seen, fx, fx->valgrind ? 20000 : 3000));
	return 0;
}

#define MF_CASE(fn, flags, ref, port)                                          \
	static int fn(struct hfix *fx)                                         \
	{                                                                      \
		HCHECK(deferred(fx) == 0);                                     \
		return expect_fail(fx, 1, flags, ref, port);                   \
	}
MF_CASE(ref_missing, HMF_NO_RING_REF, NULL, NULL)
MF_CASE(ref_garbage, 0, "12abc", NULL)
MF_CASE(ref_zero, 0, "0", NULL)
MF_CASE(ref_negative, 0, "-5", NULL)
MF_CASE(ref_huge, 0, "99999999999999999999", NULL)
MF_CASE(ref_unmapped, 0, "77777", NULL)
MF_CASE(ref_revoked, HMF_RING_REVOKED, NULL, NULL)
MF_CASE(ref_foreign, HMF_RING_FOREIGN, NULL, NULL)
MF_CASE(ring_ro, HMF_RING_RO, NULL, NULL)
MF_CASE(evt_ro, HMF_EVT_RO, NULL, NULL)
MF_CASE(port_unallocated, HMF_NO_PORT, NULL, NULL)
MF_CASE(port_garbage, 0, NULL, "x1")

static int version_value(struct hfix *fx, const char *v)
{
	HCHECK(deferred(fx) == 0);
	HCHECK(hxs_write(fx, fx->bad_domid, "version", v) == 0);
	return expect_fail(fx, 1, 0, NULL, NULL);
}

static int version_3(struct hfix *fx)
{
	return version_value(fx, "3");
}

static int version_garbage(struct hfix *fx)
{
	return version_value(fx, "2; rm -rf /");
}

/* The backend's frontend / frontend-id bent before vdispld reads them
 * (nothing runs between the create and these writes): refused, never
 * taken to InitWait. */
static int backend_node(struct hfix *fx, const char *node, const char *v)
{
	char path[200];

	HCHECK(deferred(fx) == 0);
	snprintf(path, sizeof(path), "%s/%s", fx->be_path, node);
	HCHECK(hxs_write(fx, 0, path, v) == 0);
	vd_fixture_pump(&fx->vf, 500);
	HCHECK(hbad_be_state(fx) == XenbusStateInitialising);
	HCHECK(!(fx->be_seen & (1u << XenbusStateInitWait)));
	return 0;
}

static int frontend_foreign(struct hfix *fx)
{
	return backend_node(fx, "frontend", "/local/domain/1/device/vdispl/0");
}

static int frontend_dotdot(struct hfix *fx)
{
	char v[128];

	snprintf(v, sizeof(v), "/local/domain/%u/device/../../1/device/vdispl/0",
		 fx->next_domid);
	return backend_node(fx, "frontend", v);
}

static int frontend_id_other(struct hfix *fx)
{
	return backend_node(fx, "frontend-id", "1");
}

/* ---- frontend state jumps (a real, connected frontend) ---- */

static int state_writes(struct hfix *fx, const char *const *vals, unsigned n)
{
	HCHECK(hbad_create(fx, NULL));
	for (unsigned i = 0; i < n; i++)
		HCHECK(hxs_write(fx, fx->bad_domid, "state", vals[i]) == 0);
	HCHECK(hbad_wait_closed(fx, 3000));
	return 0;
}

#define STATE_CASE(fn, ...)                                                    \
	static int fn(struct hfix *fx)                                         \
	{                                                                      \
		static const char *const v[] = {__VA_ARGS__};                  \
		return state_writes(fx, v, sizeof(v) / sizeof(v[0]));          \
	}
STATE_CASE(state_initialising, "1")
STATE_CASE(state_random, "77")
STATE_CASE(state_non_numeric, "abc")
STATE_CASE(state_negative, "-1")
STATE_CASE(state_empty, "")
STATE_CASE(state_unknown, "0")

/* Closed, seen by the backend, then Connected without Initialising. */
static int state_closed_connected(struct hfix *fx)
{
	HCHECK(hbad_create(fx, NULL));
	HCHECK(hxs_write(fx, fx->bad_domid, "state", "6") == 0);
	vd_fixture_pump(&fx->vf, 100);
	HCHECK(hxs_write(fx, fx->bad_domid, "state", "4") == 0);
	HCHECK(hbad_wait_closed(fx, 3000));
	vd_fixture_pump(&fx->vf, 100);
	return 0;
}

static int state_flap(struct hfix *fx)
{
	static const char *const seq[] = {"1", "3", "4", "5", "6", "4", "2"};

	HCHECK(hbad_create(fx, NULL));
	for (unsigned i = 0; i < 210; i++) {
		HCHECK(hxs_write(fx, fx->bad_domid, "state", seq[i % 7]) == 0);
		if (i % 10 == 0)
			vd_fixture_pump(&fx->vf, 5);
	}
	HCHECK(hxs_write(fx, fx->bad_domid, "state", "6") == 0);
	HCHECK(hbad_wait_closed(fx, 3000));
	return 0;
}

static int state_closing_mid_flip(struct hfix *fx)
{
	struct drm_front_client_cfg cc = {.draw = true, .force_be_alloc = -1};
	struct drm_front *f = hbad_create(fx, NULL);

	HCHECK(f);
	HCHECK(drm_front_start(f, &cc) == 0);
	vd_fixture_pump(&fx->vf, 300);
	hbad_clear_seen(fx);
	HCHECK(hxs_write(fx, fx->bad_domid, "state", "5") == 0);
	HCHECK(hbad_wait_closed(fx, 3000));
	return 0;
}

static int fe_dir_removed(struct hfix *fx)
{
	HCHECK(hbad_create(fx, NULL));
	HCHECK(xs_srv_rm(xensim_store(fx->vf.sim), 0, fx->fe_path) == 0);
	HCHECK(hbad_wait_closed(fx, 3000));
	return 0;
}

const struct hcase hcases_xs[] = {
	{"xs", "xs_res_0x0", "resolution \"0x0\": device closed with an error node", res_0x0},
	{"xs", "xs_res_huge", "resolution \"99999x99999\": closed, error node", res_huge},
	{"xs", "xs_res_negative", "resolution \"-1x5\": closed, error node", res_negative},
	{"xs", "xs_res_3d", "resolution \"800x600x3\": closed, error node", res_3d},
	{"xs", "xs_res_missing", "resolution node removed: closed, error node", res_missing},
	{"xs", "xs_res_garbage", "resolution \"abc\": closed, error node", res_garbage},
	{"xs", "xs_res_overlong", "resolution 2^64+1 wide: closed, error node", res_overlong},
	{"xs", "xs_res_spaces", "resolution \" 800 x 600\": closed, error node", res_spaces},
	{"xs", "xs_uid_4000", "unique-id of 4000 bytes: closed, error node", uid_huge},
	{"xs", "xs_uid_nonprint", "unique-id with a space and \\x01: closed, error node", uid_nonprint},
	{"xs", "xs_conns_1000", "1000 connectors: closed, error node", conns_1000},
	{"xs", "xs_conns_17", "17 connectors (one over the ceiling): closed, error node", conns_17},
	{"xs", "xs_no_conns", "no connector 0: closed", no_conns},
	{"xs", "xs_ring_ref_missing", "req-ring-ref absent: closed, error node", ref_missing},
	{"xs", "xs_ring_ref_garbage", "req-ring-ref \"12abc\": closed, error node", ref_garbage},
	{"xs", "xs_ring_ref_zero", "req-ring-ref \"0\": closed, error node", ref_zero},
	{"xs", "xs_ring_ref_negative", "req-ring-ref \"-5\": closed, error node", ref_negative},
	{"xs", "xs_ring_ref_huge", "req-ring-ref of 20 digits: closed, error node", ref_huge},
	{"xs", "xs_ring_ref_unmapped", "req-ring-ref never granted: closed, error node", ref_unmapped},
	{"xs", "xs_ring_ref_revoked", "ring page grant revoked before connect: closed, error node", ref_revoked},
	{"xs", "xs_ring_ref_foreign", "ring page granted to another domain: closed, error node", ref_foreign},
	{"xs", "xs_ring_read_only", "ring page granted read-only: closed, error node", ring_ro},
	{"xs", "xs_evt_page_read_only", "event page granted read-only: closed, error node", evt_ro},
	{"xs", "xs_evtchn_unallocated", "req-event-channel names a port never allocated: closed, error node", port_unallocated},
	{"xs", "xs_evtchn_garbage", "req-event-channel \"x1\": closed, error node", port_garbage},
	{"xs", "xs_version_3", "frontend version \"3\": closed, error node", version_3},
	{"xs", "xs_version_garbage", "frontend version \"2; rm -rf /\": closed, error node", version_garbage},
	{"xs", "xs_frontend_foreign", "backend frontend node pointing into another domain: device refused (never InitWait)", frontend_foreign},
	{"xs", "xs_frontend_dotdot", "frontend path with /../ into another domain: refused", frontend_dotdot},
	{"xs", "xs_frontend_id_other", "frontend-id naming another domain: refused", frontend_id_other},
	{NULL, NULL, NULL, NULL},
};

const struct hcase hcases_state[] = {
	{"state", "state_connected_to_initialising", "Connected -> Initialising without Closing: device restarted", state_initialising},
	{"state", "state_closed_then_connected", "Closed, then Connected without Initialising: device closed", state_closed_connected},
	{"state", "state_random_number", "state \"77\": treated as Closed", state_random},
	{"state", "state_non_numeric", "state \"abc\": treated as Closed", state_non_numeric},
	{"state", "state_negative", "state \"-1\": treated as Closed", state_negative},
	{"state", "state_empty", "state \"\": treated as Closed", state_empty},
	{"state", "state_unknown", "state 0 (Unknown) while connected: device closed", state_unknown},
	{"state", "state_flap", "210 state writes cycling 1,3,4,5,6,4,2 then Closed: device closed", state_flap},
	{"state", "state_closing_mid_flip", "Closing while flipping at full rate: device closed", state_closing_mid_flip},
	{"state", "state_fe_dir_removed", "frontend directory removed while connected: device closed", fe_dir_removed},
	{NULL, NULL, NULL, NULL},
};
