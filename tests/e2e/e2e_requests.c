/* Requests through the real vdispld binary (the full hostile catalogue
 * lives in tests/hostile/; these are the end-to-end samples):
 *   invalid  a PG_FLIP of an unknown fb cookie, a DBUF_CREATE reusing a
 *            cookie, an unknown operation: each gets a non-zero status and
 *            the guest keeps flipping; a valid DBUF_CREATE/DESTROY of our
 *            own between them proves the requests reach the checks;
 *   trace    --trace logs one line per request, with its status. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drm_front.h"
#include "e2e_fixture.h"
#include "gsim.h"
#include "toolstack.h"

/* A 64x64 XRGB buffer of the guest's own: one directory page, four data
 * pages, all granted to Dom0 (as xen_front_pgdir_shbuf lays them out). */
#define OWN_PAGES 4
struct own_buf {
	struct gsim_domain *dom;
	int64_t pfn; /* directory, then data */
	uint32_t gref[1 + OWN_PAGES];
};

static int own_buf_create(struct own_buf *b, struct xensim_guest *g)
{
	b->dom = xensim_guest_domain(g);
	b->pfn = gsim_alloc_pages(b->dom, 1 + OWN_PAGES);
	if (b->pfn < 0)
		return (int)b->pfn;
	for (uint32_t i = 0; i < 1 + OWN_PAGES; i++) {
		int64_t ref = gsim_grant(b->dom, 0, (uint32_t)b->pfn + i, false);
		if (ref < 0)
			return (int)ref;
		b->gref[i] = (uint32_t)ref;
	}
	struct xendispl_page_directory *dir = gsim_page(b->dom, (uint32_t)b->pfn);
	memset(dir, 0, GSIM_PAGE_SIZE);
	for (uint32_t i = 0; i < OWN_PAGES; i++)
		dir->gref[i] = b->gref[1 + i];
	return 0;
}

static void own_buf_destroy(struct own_buf *b)
{
	for (uint32_t i = 0; i < 1 + OWN_PAGES; i++)
		if (b->gref[i])
			E2E_CHECK(gsim_ungrant(b->dom, b->gref[i]) == 0,
				  "gref %u still mapped", b->gref[i]);
	if (b->pfn >= 0)
		gsim_free_pages(b->dom, (uint32_t)b->pfn, 1 + OWN_PAGES);
}

static void dbuf_create_req(struct xendispl_req *q, const struct own_buf *b,
			    uint64_t cookie)
{
	q->operation = XENDISPL_OP_DBUF_CREATE;
	q->op.dbuf_create = (struct xendispl_dbuf_create_req){
		.dbuf_cookie = cookie, .width = 64, .height = 64, .bpp = 32,
		.buffer_sz = 64 * 64 * 4, .gref_directory = b->gref[0],
	};
}

/* Sends q on conn once the client's own request there is answered; the
 * backend's status, or -errno (-ETIMEDOUT: no answer in 3 s). */
static int send(struct e2e *e, struct xensim_guest *g, unsigned conn,
		struct xendispl_req *q)
{
	struct drm_front *f = xensim_guest_drm(g);
	for (int tries = 0; tries < 1000; tries++) {
		q->id = drm_front_next_id(f, conn);
		int32_t status = 0;
		int r = drm_front_send_raw_sync(f, conn, q, &status);
		if (r == 0)
			return status;
		if (r != -EBUSY)
			return r;
		vd_fixture_pump(&e->fx, 2);
	}
	return -EBUSY;
}

static uint64_t flip_events(struct xensim_guest *g)
{
	struct drm_front_stats s;
	drm_front_get_stats(xensim_guest_drm(g), DRM_FRONT_ALL_CONNS, &s);
	return s.flip_events;
}

struct goal {
	struct xensim_guest *g;
	uint64_t events;
};

static bool events_reached(void *data)
{
	struct goal *goal = data;
	return flip_events(goal->g) >= goal->events;
}

static bool keeps_flipping(struct e2e *e, struct xensim_guest *g, uint64_t n)
{
	struct goal goal = {g, flip_events(g) + n};
	return vd_fixture_pump_until(&e->fx, events_reached, &goal, 10000);
}

static struct xensim_guest *start_guest(struct e2e *e)
{
	static const uint32_t sizes[][2] = {{640, 480}, {320, 240}};
	struct xensim_guest *g = e2e_guest_create(e, 1, "e2e-req", 2, sizes,
						  false);
	struct drm_front_client_cfg cc;
	vd_client_cfg(&cc, 0, 0);
	if (!g || e2e_vdispld_start(e) < 0 ||
	    drm_front_start(xensim_guest_drm(g), &cc) < 0)
		return NULL;
	E2E_CHECK(keeps_flipping(e, g, 10), "guest does not flip");
	return g;
}

static void check_bad(int status, const char *what)
{
	printf("%s: status %d\n", what, status);
	E2E_CHECK(status != 0 && status != -ETIMEDOUT && status != -EBUSY,
		  "%s: status %d", what, status);
}

static int run_invalid(struct e2e *e)
{
	struct xensim_guest *g = start_guest(e);
	if (!g)
		return 1;
	struct drm_front_buf_info bi;
	E2E_CHECK(drm_front_buf_info(xensim_guest_drm(g), 0, 0, &bi) == 0, "info");
	struct own_buf b = {.pfn = -1};
	E2E_CHECK(own_buf_create(&b, g) == 0, "guest buffer");
	struct xendispl_req q = {0};

	q.operation = XENDISPL_OP_PG_FLIP;
	q.op.pg_flip.fb_cookie = 0xdeadbeef0badf00dull;
	check_bad(send(e, g, 0, &q), "PG_FLIP of an unknown fb");

	memset(&q, 0, sizeof(q));
	dbuf_create_req(&q, &b, bi.dbuf_cookie);
	check_bad(send(e, g, 0, &q), "DBUF_CREATE with the client's cookie");

	memset(&q, 0, sizeof(q));
	dbuf_create_req(&q, &b, 0xe2e0001);
	E2E_CHECK(send(e, g, 0, &q) == 0, "a valid DBUF_CREATE is refused");
	check_bad(send(e, g, 0, &q), "the same DBUF_CREATE again");
	memset(&q, 0, sizeof(q));
	q.operation = XENDISPL_OP_DBUF_DESTROY;
	q.op.dbuf_destroy.dbuf_cookie = 0xe2e0001;
	E2E_CHECK(send(e, g, 0, &q) == 0, "DBUF_DESTROY of our buffer refused");

	memset(&q, 0, sizeof(q));
	q.operation = 0x7f;
	check_bad(send(e, g, 1, &q), "operation 0x7f");

	E2E_CHECK(keeps_flipping(e, g, 30), "the guest stopped flipping");
	struct drm_front_stats s;
	drm_front_get_stats(xensim_guest_drm(g), DRM_FRONT_ALL_CONNS, &s);
	E2E_CHECK(s.flip_timeouts == 0 && s.flip_events_bad == 0 &&
		  s.responses_error == 4 && s.req_timeouts == 0,
		  "client: %llu flip time-outs, %llu bad events, %llu errors "
		  "(4 are ours)",
		  (unsigned long long)s.flip_timeouts,
		  (unsigned long long)s.flip_events_bad,
		  (unsigned long long)s.responses_error);
	vd_fixture_pump(&e->fx, 100); /* vdispld's unmap of our buffer has reached gsim */
	own_buf_destroy(&b);
	E2E_CHECK(vd_fixture_log_contains(&e->fx, "op=PG_FLIP(0x15) ck=deadbeef0badf00d -> "
				      "status -"),
		  "no trace line for the bad flip");
	E2E_CHECK(vd_fixture_log_contains(&e->fx, "op=unknown(0x7f)"),
		  "no trace line for operation 0x7f");
	return e2e_failures ? 1 : 0;
}

/* Counts lines of vdispld's log containing needle. */
static unsigned log_count(const struct e2e *e, const char *needle)
{
	FILE *f = fopen(e->fx.vd_log, "r");
	if (!f)
		return 0;
	char line[1024];
	unsigned n = 0;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, needle) != NULL;
	fclose(f);
	return n;
}

static int run_trace(struct e2e *e)
{
	struct xensim_guest *g = start_guest(e);
	if (!g)
		return 1;
	E2E_CHECK(drm_front_stop(xensim_guest_drm(g)) == 0, "stop");
	vd_fixture_pump(&e->fx, 500); /* teardown: FB_DETACH, DBUF_DESTROY, SET_CONFIG 0 */
	struct drm_front_stats s;
	drm_front_get_stats(xensim_guest_drm(g), DRM_FRONT_ALL_CONNS, &s);
	unsigned lines = log_count(e, " req id=");
	printf("%llu requests sent, %u trace lines\n",
	       (unsigned long long)s.requests_sent, lines);
	E2E_CHECK(lines == s.requests_sent, "%u trace lines for %llu requests",
		  lines, (unsigned long long)s.requests_sent);
	static const char *const ops[] = {
		"op=DBUF_CREATE(0x10)", "op=FB_ATTACH(0x12)",
		"op=SET_CONFIG(0x14)", "op=PG_FLIP(0x15)",
		"op=FB_DETACH(0x13)", "op=DBUF_DESTROY(0x11)",
	};
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		E2E_CHECK(log_count(e, ops[i]) > 0, "no %s line", ops[i]);
	E2E_CHECK(log_count(e, "op=PG_FLIP(0x15)") == s.flips_sent,
		  "%u flip lines, %llu flips", log_count(e, "op=PG_FLIP(0x15)"),
		  (unsigned long long)s.flips_sent);
	return e2e_failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct e2e_args args;
	if (e2e_parse_args(argc, argv, &args) < 0)
		return 2;
	int (*run)(struct e2e *) = !strcmp(args.scenario, "invalid") ? run_invalid
				 : !strcmp(args.scenario, "trace") ? run_trace
				 : NULL;
	if (!run) {
		fprintf(stderr, "unknown scenario %s\n", args.scenario);
		return 2;
	}
	/* Nothing here looks at pixels: a small output is enough. */
	struct e2e_opts opts = {.width = 1920, .height = 1080, .trace = true};
	return e2e_main(&args, &opts, run);
}
