/* test_hostile_log VDISPLD: logs an operator can trust while a guest is
 * hostile (issue 19). vdispld runs at the default level (info), as an
 * operator runs it, with the good guest flipping and one hostile guest at
 * a time:
 *
 * - forged: the guest writes a value with an ANSI sequence, a newline, a
 *   forged "vdispld info:" line and 1 KB of padding into every node
 *   vdispld reads from it (resolution, unique-id, version, req-ring-ref,
 *   req-event-channel, a connector directory name). The log must then hold
 *   exactly one line per refusal that prints the value, escaped and
 *   capped, and no control byte, no line that does not start as vdispld's
 *   own, no line longer than LINE_MAX_BYTES.
 * - library: a ring ref never granted; the grant library's error is a
 *   vdispld line with the guest's prefix.
 * - status/list: a hostile guest name and forged values in the status
 *   file and both `vdispld --list` sources, escaped.
 * - flood: the guest sends FLOOD_REQS SET_CONFIGs that lie outside their
 *   fb (each one a warning) and FLOOD_REQS oversized DBUF_CREATEs. Its
 *   warning and error lines stay within the bound (LOG_RATE_BURST + 1
 *   summary per LOG_RATE_INTERVAL_S window), the summary says how many
 *   were suppressed, its refusals were each shown once, and the good
 *   guest's refusal sent in the middle of the flood is in the log.
 *
 * The journal export format is not checked here: no journald runs in the
 * test environment and libsystemd's socket path is fixed; the journal
 * fields are checked by unit_log through an injected sink. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hostile.h"
#include "log.h"
#include "loop.h"
#include "xensim.h"

#define FORGED_HEAD "1x1\x1b[31m\n[    0.000000] vdispld info: FORGED-BY-GUEST"
/* Escaped as log_text() shows it: what must reach the log. */
#define FORGED_SHOWN "1x1\\x1b[31m\\x0a[    0.000000] vdispld info: FORGED-BY-GUEST"
#define LINE_MAX_BYTES 600u
#define FLOOD_REQS 3000u

static char forged[1025];
static const char *vdispld_bin;

/* ---- the log file ---- */

/* vdispld's log from byte `from` on (malloc'ed); *end gets its length. */
static char *log_since(struct hfix *fx, long from, long *end)
{
	FILE *f = fopen(fx->vf.vd_log, "r");
	char *text;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	*end = n;
	n = n > from ? n - from : 0;
	text = calloc(1, (size_t)n + 1);
	fseek(f, from, SEEK_SET);
	if (text && fread(text, 1, (size_t)n, f) != (size_t)n) {
		free(text);
		text = NULL;
	}
	fclose(f);
	return text;
}

static long log_size(struct hfix *fx)
{
	long end = 0;
	free(log_since(fx, 0, &end));
	return end;
}

static unsigned count(const char *text, const char *needle)
{
	unsigned n = 0;
	for (const char *p = text; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* Lines containing both a and b. */
static unsigned count_lines(const char *text, const char *a, const char *b)
{
	unsigned n = 0;
	for (const char *l = text; *l;) {
		const char *e = strchr(l, '\n');
		size_t len = e ? (size_t)(e - l) : strlen(l);
		char *line = strndup(l, len);
		if (line && strstr(line, a) && (!b || strstr(line, b)))
			n++;
		free(line);
		l += len + (e ? 1 : 0);
	}
	return n;
}

/* Every line is vdispld's own ("[ secs.usecs] vdispld LEVEL: "), short,
 * and has no byte outside printable ASCII. */
static int check_lines(const char *text)
{
	unsigned lineno = 0;
	for (const char *l = text; *l; lineno++) {
		const char *e = strchr(l, '\n');
		size_t len = e ? (size_t)(e - l) : strlen(l);
		const char *v = memchr(l, ']', len);
		if (l[0] != '[' || !v || strncmp(v, "] vdispld ", 10) != 0) {
			fprintf(stderr, "  line %u is not vdispld's: %.80s\n",
				lineno, l);
			return -1;
		}
		HCHECK(len <= LINE_MAX_BYTES);
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)l[i] < 0x20 ||
			    (unsigned char)l[i] >= 0x7f) {
				fprintf(stderr, "  line %u: byte %#x at %zu\n",
					lineno, (unsigned char)l[i], i);
				return -1;
			}
		l += len + (e ? 1 : 0);
	}
	return 0;
}

/* ---- forged values ---- */

static bool closed_seen(void *data)
{
	struct hfix *fx = data;
	return (fx->be_seen & ((1u << XenbusStateClosing) |
			       (1u << XenbusStateClosed))) != 0;
}

/* As the guest where XenStore lets it, else as the toolstack would. */
static int write_forged(struct hfix *fx, const char *node)
{
	if (hxs_write(fx, fx->bad_domid, node, forged) == 0)
		return 0;
	return hxs_write(fx, 0, node, forged);
}

/* A deferred guest, node forged (or ring-ref / port given as the forged
 * text), then the handshake: the device must fail. */
static int forge_one(struct hfix *fx, const char *node, bool as_ref,
		     bool as_port)
{
	struct hbad_opts o = {.defer = true};

	hbad_create(fx, &o);
	HCHECK(fx->bad);
	if (node)
		HCHECK(write_forged(fx, node) == 0);
	HCHECK(hmf_start(fx, 1, 0, as_ref ? forged : NULL,
			 as_port ? forged : NULL) == 0);
	HCHECK(vd_fixture_pump_until(&fx->vf, closed_seen, fx, 5000));
	HCHECK(hbad_destroy(fx) == 0);
	return 0;
}

/* A connector directory named with control bytes: XenStore itself may
 * refuse such a name; then there is nothing vdispld could print. */
static int forge_conn_name(struct hfix *fx)
{
	struct hbad_opts o = {.defer = true};
	char node[64];

	hbad_create(fx, &o);
	HCHECK(fx->bad);
	snprintf(node, sizeof(node), "1\x1b[31m\n/resolution");
	if (hxs_write(fx, fx->bad_domid, node, "320x240") < 0 &&
	    hxs_write(fx, 0, node, "320x240") < 0)
		fprintf(stderr, "  (XenStore refuses a node name with control "
				"bytes: not a vdispld input)\n");
	HCHECK(hmf_start(fx, 1, 0, NULL, NULL) == 0);
	vd_fixture_pump(&fx->vf, 300);
	HCHECK(hbad_destroy(fx) == 0);
	return 0;
}

static int case_forged(struct hfix *fx)
{
	long from = log_size(fx), end;
	char *text;
	int ret = 0;

	memcpy(forged, FORGED_HEAD, strlen(FORGED_HEAD));
	memset(forged + strlen(FORGED_HEAD), 'P',
	       sizeof(forged) - 1 - strlen(FORGED_HEAD));
	HCHECK(forge_one(fx, "0/resolution", false, false) == 0);
	HCHECK(forge_one(fx, "0/unique-id", false, false) == 0);
	HCHECK(forge_one(fx, "version", false, false) == 0);
	HCHECK(forge_one(fx, NULL, true, false) == 0);
	HCHECK(forge_one(fx, NULL, false, true) == 0);
	HCHECK(forge_conn_name(fx) == 0);
	text = log_since(fx, from, &end);
	HCHECK(text);
	if (check_lines(text) < 0)
		ret = -1;
	/* One line per refusal that prints the value, each escaped and
	 * capped at LOG_TEXT_CAP bytes of the 1 KB. */
	if (count_lines(text, "resolution \"" FORGED_SHOWN, "(1024 bytes)") != 1 ||
	    count_lines(text, "unique-id \"" FORGED_SHOWN, "(1024 bytes)") != 1 ||
	    count_lines(text, "version \"" FORGED_SHOWN, "(1024 bytes)") != 1) {
		fprintf(stderr, "  forged values not shown once each, escaped\n");
		ret = -1;
	}
	HCHECK(count(text, "FORGED-BY-GUEST") == 3);
	if (ret < 0)
		fprintf(stderr, "%s", text);
	free(text);
	return ret;
}

/* ---- the Xen libraries' messages ---- */

/* A ring ref the guest never granted: the grant library's own error
 * ("gnttab: mmap failed", as Linux gntdev + libxengnttab say it) must be
 * a vdispld line with the guest's prefix. */
static int case_library(struct hfix *fx)
{
	struct hbad_opts o = {.defer = true};
	char want[64];
	long from = log_size(fx), end;

	hbad_create(fx, &o);
	HCHECK(fx->bad);
	snprintf(want, sizeof(want), "] vdispld error: dom%u(bad%u) vdispl/0: ",
		 fx->bad_domid, fx->bad_domid);
	HCHECK(hmf_start(fx, 1, 0, "777", NULL) == 0);
	HCHECK(vd_fixture_pump_until(&fx->vf, closed_seen, fx, 5000));
	HCHECK(hbad_destroy(fx) == 0);
	char *text = log_since(fx, from, &end);
	HCHECK(text);
	int ret = count_lines(text, want, "gnttab: mmap failed") == 1 &&
			  check_lines(text) == 0
		      ? 0
		      : -1;
	if (ret)
		fprintf(stderr, "  no \"%sgnttab: mmap failed\" line in:\n%s",
			want, text);
	free(text);
	return ret;
}

/* ---- the status file and --list ---- */

#define EVIL_NAME "evil\x1b[2J\nvdispld info: X"
#define EVIL_SHOWN "evil\\x1b[2J\\x0avdispld info: X"

static bool named_connected(void *data)
{
	struct drm_front *f = xensim_guest_drm(data);
	return f && drm_front_state(f) == XenbusStateConnected;
}

/* A guest whose toolstack name is hostile, connected and shown. */
static struct xensim_guest *named_guest(struct hfix *fx)
{
	struct xensim_guest_cfg cfg = {
		.domid = 40, .vdispl = true, .num_conns = 1,
		.conns = {{H_CONN_W, H_CONN_H, "n0"}},
	};
	snprintf(cfg.name, sizeof(cfg.name), "%s", EVIL_NAME);
	struct xensim_guest *g = xensim_guest_create(fx->vf.sim, &cfg);
	if (g && !vd_fixture_pump_until(&fx->vf, named_connected, g, 5000)) {
		xensim_guest_destroy(g);
		return NULL;
	}
	return g;
}

/* Printable lines only (and newlines). */
static int printable(const char *what, const char *text)
{
	for (const char *p = text; *p; p++)
		if (*p != '\n' && ((unsigned char)*p < 0x20 ||
				   (unsigned char)*p >= 0x7f)) {
			fprintf(stderr, "  %s: byte %#x in:\n%s\n", what,
				(unsigned char)*p, text);
			return -1;
		}
	return 0;
}

static int run_list(struct hfix *fx, const char *rundir, const char *want)
{
	struct vd_env e;
	char rt[160], out[160];
	const char *extra[] = {rt, NULL};
	const char *argv[] = {vdispld_bin, "--list", NULL};

	snprintf(rt, sizeof(rt), "RUNTIME_DIRECTORY=%s", rundir);
	snprintf(out, sizeof(out), "%s/list.txt", fx->vf.dir);
	HCHECK(vd_fixture_env(&fx->vf, &e, false, extra) == 0);
	HCHECK(vd_fixture_run(&fx->vf, argv, e.v, NULL, out, 10000) == 0);
	char *text = vd_slurp(out);
	HCHECK(text);
	int ret = printable("--list", text);
	if (!strstr(text, want)) {
		fprintf(stderr, "  --list: no \"%s\" in:\n%s\n", want, text);
		ret = -1;
	}
	free(text);
	return ret;
}

static int case_status_list(struct hfix *fx)
{
	char path[160], none[160];
	struct xensim_guest *g = named_guest(fx);
	struct hbad_opts o = {.defer = true};

	HCHECK(g);
	hbad_create(fx, &o); /* stays InitWait: its nodes stay in XenStore */
	HCHECK(fx->bad);
	HCHECK(write_forged(fx, "0/resolution") == 0);
	HCHECK(write_forged(fx, "0/unique-id") == 0);
	vd_fixture_pump(&fx->vf, 1500); /* a status refresh */
	snprintf(path, sizeof(path), "%s/status", fx->vf.dir);
	char *text = vd_slurp(path);
	HCHECK(text);
	int ret = printable("status file", text);
	if (!strstr(text, EVIL_SHOWN))
		ret = -1;
	free(text);
	/* The daemon's file, then XenStore's view (no live status file). */
	if (run_list(fx, fx->vf.dir, EVIL_SHOWN) < 0)
		ret = -1;
	snprintf(none, sizeof(none), "%s/none", fx->vf.dir);
	if (run_list(fx, none, FORGED_SHOWN) < 0 ||
	    run_list(fx, none, EVIL_SHOWN) < 0)
		ret = -1;
	xensim_guest_destroy(g);
	HCHECK(hleak_wait(fx, 40) == 0);
	HCHECK(hbad_destroy(fx) == 0);
	return ret;
}

/* ---- flood ---- */

/* n requests like r, in batches of a ring's worth. */
static int flood(struct hfix *fx, struct xendispl_req r, unsigned n)
{
	static struct xendispl_req reqs[H_RING_SLOTS];
	static int32_t st[H_RING_SLOTS];

	for (unsigned done = 0; done < n;) {
		unsigned k = n - done < H_RING_SLOTS ? n - done : H_RING_SLOTS;
		for (unsigned i = 0; i < k; i++)
			reqs[i] = r;
		HCHECK(hreq_batch(fx, 0, reqs, k, st, false) == 0);
		for (unsigned i = 0; i < k; i++)
			HCHECK(st[i] != 0);
		done += k;
	}
	return 0;
}

/* The good guest's own refused request, in the middle of the flood. */
static int good_refusal(struct hfix *fx)
{
	struct drm_front *f = hfix_good_front(fx);
	struct xendispl_req r = hr_config(0xdeadbeefull, 0, 0, 1, 1);
	int32_t st = 0;

	int ret = -EBUSY;
	/* The good guest flips all the time: wait for a moment its ring has
	 * no request out (-EBUSY). */
	for (int tries = 0; ret == -EBUSY && tries < 2000; tries++) {
		r.id = drm_front_next_id(f, 0);
		ret = drm_front_send_raw_sync(f, 0, &r, &st);
		if (ret == -EBUSY)
			vd_fixture_pump(&fx->vf, 1);
	}
	HCHECK(ret == 0);
	HCHECK(st != 0);
	return 0;
}

/* The bad guest's warn and error lines: at most a burst and a summary
 * per window. */
static int check_bound(const char *text, const char *bad, uint64_t ns)
{
	unsigned windows = 1 + (unsigned)(ns / (LOG_RATE_INTERVAL_S *
						1000000000ull)) + 1;
	unsigned bound = windows * (LOG_RATE_BURST + 1);
	unsigned lines = count_lines(text, "vdispld warn: ", bad) +
			 count_lines(text, "vdispld error: ", bad);

	fprintf(stderr, "  %u warn/error lines from %s for %u requests in "
			"%.1f s (bound %u: %u windows of %u + a summary)\n",
		lines, bad, 2 * FLOOD_REQS, (double)ns / 1e9, bound, windows,
		LOG_RATE_BURST);
	HCHECK(lines <= bound);
	HCHECK(lines >= LOG_RATE_BURST);
	return 0;
}

static int case_flood(struct hfix *fx)
{
	char bad[48], summary[96];
	long from, end;
	uint64_t t0;

	HCHECK(hbad_create(fx, NULL));
	HCHECK(hfb_make(fx, 1, 2, H_CONN_W, H_CONN_H) == 0);
	snprintf(bad, sizeof(bad), "dom%u(bad%u) vdispl/0", fx->bad_domid,
		 fx->bad_domid);
	from = log_size(fx);
	t0 = loop_now_ns();
	HCHECK(flood(fx, hr_config(2, 100000, 0, H_CONN_W, H_CONN_H),
		     FLOOD_REQS / 2) == 0);
	HCHECK(good_refusal(fx) == 0);
	HCHECK(flood(fx, hr_config(2, 100000, 0, H_CONN_W, H_CONN_H),
		     FLOOD_REQS / 2) == 0);
	HCHECK(flood(fx, hr_dbuf(9, 0, 0, 0, 0xffffffffu, 1), FLOOD_REQS) ==
	       0);
	uint64_t ns = loop_now_ns() - t0;
	HCHECK(hbad_destroy(fx) == 0); /* the device goes: its summary */
	vd_fixture_pump(&fx->vf, 500); /* vdispld is another process */
	char *text = log_since(fx, from, &end);
	HCHECK(text);
	int ret = check_lines(text) < 0 || check_bound(text, bad, ns) < 0;
	snprintf(summary, sizeof(summary), "similar messages from dom%u "
		 "vdispl/0 in ", fx->bad_domid);
	if (count_lines(text, "suppressed ", summary) < 1 ||
	    count_lines(text, "dom1(good) vdispl/0 c0: SET_CONFIG", "refused") != 1 ||
	    count_lines(text, bad, "DBUF_CREATE id=") > 1) {
		fprintf(stderr, "  summary, the good guest's line or the "
				"refusal missing\n");
		ret = 1;
	}
	if (ret)
		fprintf(stderr, "%s", text);
	free(text);
	return ret ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct hfix fx;
	int ret, failed = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s VDISPLD\n", argv[0]);
		return 2;
	}
	log_init(LOG_LVL_WARN, "hostile-log");
	hfix_vdispld_level = "info"; /* what an operator runs */
	hfix_status_file = true;
	vdispld_bin = argv[1];
	ret = hfix_start(&fx, argv[1], false);
	if (ret < 0) {
		fprintf(stderr, "FAIL: fixture: %s\n", strerror(-ret));
		hfix_stop(&fx);
		return 1;
	}
	fprintf(stderr, "SKIP (part): journal export format: no journald "
			"here; fields checked by unit_log's sink\n");
	if (case_forged(&fx) < 0) {
		fprintf(stderr, "FAIL forged\n");
		failed++;
	} else {
		fprintf(stderr, "ok forged\n");
	}
	if (case_library(&fx) < 0) {
		fprintf(stderr, "FAIL library\n");
		failed++;
	} else {
		fprintf(stderr, "ok library\n");
	}
	if (case_status_list(&fx) < 0) {
		fprintf(stderr, "FAIL status/list\n");
		failed++;
	} else {
		fprintf(stderr, "ok status/list\n");
	}
	if (case_flood(&fx) < 0) {
		fprintf(stderr, "FAIL flood\n");
		failed++;
	} else {
		fprintf(stderr, "ok flood\n");
	}
	if (!vd_fixture_vdispld_alive(&fx.vf)) {
		fprintf(stderr, "FAIL: vdispld died\n");
		failed++;
	}
	if (hfix_stop(&fx) < 0)
		failed++;
	return failed ? 1 : 0;
}
