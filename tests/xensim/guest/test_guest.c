/* Tests of the simulated toolstack and guests: the XenStore tree libxl
 * would write (names, owners, permissions as captured on real Xen), and a
 * full handshake, modetest-like request sequence, flip events and input
 * events against a tiny backend in a child process using the stock
 * libxenstore and the drop-in grant/evtchn libraries. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xen/io/xenbus.h>

#include "drm_front.h"
#include "kbd_front.h"
#include "log.h"
#include "loop.h"
#include "test_backend.h"
#include "toolstack.h"
#include "xensim.h"
#include "xs_server.h"

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
				__LINE__, #cond);                              \
			failures++;                                            \
		}                                                              \
	} while (0)

static int failures;

struct fixture {
	char dir[64];
	struct loop *loop;
	struct xensim *sim;
	struct xensim_guest *guest;
	pid_t child;
};

/* The guest of domu-two-connectors.cfg. */
static void two_conn_cfg(struct xensim_guest_cfg *c, bool defer)
{
	memset(c, 0, sizeof(*c));
	c->domid = 1;
	snprintf(c->name, sizeof(c->name), "domu");
	c->vdispl = true;
	c->num_conns = 2;
	c->conns[0] = (struct xensim_conn_cfg){800, 600, "c0"};
	c->conns[1] = (struct xensim_conn_cfg){1024, 768, "c1"};
	c->num_vkbs = 1;
	c->vkbs[0] = (struct xensim_vkb_cfg){
		.unique_id = "c0", .feature_abs_pointer = true,
		.feature_multi_touch = true, .mt_width = 800,
		.mt_height = 600, .mt_num_contacts = 10};
	c->defer_drivers = defer;
}

static int fixture_init(struct fixture *fx, bool defer)
{
	memset(fx, 0, sizeof(*fx));
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/xensim-guest-XXXXXX");
	if (!mkdtemp(fx->dir))
		return -errno;
	fx->loop = loop_create();
	fx->sim = fx->loop ? xensim_create(fx->loop, fx->dir) : NULL;
	if (!fx->sim)
		return -EIO;
	struct xensim_guest_cfg cfg;
	two_conn_cfg(&cfg, defer);
	fx->guest = xensim_guest_create(fx->sim, &cfg);
	return fx->guest ? 0 : -EIO;
}

static void fixture_fini(struct fixture *fx)
{
	if (fx->child > 0) {
		kill(fx->child, SIGKILL);
		waitpid(fx->child, NULL, 0);
	}
	xensim_destroy(fx->sim);
	loop_destroy(fx->loop);
	char path[128];
	snprintf(path, sizeof(path), "%s/xenstored", fx->dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/gsim", fx->dir);
	unlink(path);
	rmdir(fx->dir);
}

/* "(n0,r1)" as xenstore-ls -p prints it. */
static void perms_string(struct xs_server *xs, const char *path, char *out,
			 size_t len)
{
	struct xs_srv_perm p[8];
	int n = xs_srv_get_perms(xs, 0, path, p, 8);
	if (n < 0) {
		snprintf(out, len, "(missing)");
		return;
	}
	size_t o = (size_t)snprintf(out, len, "(");
	for (int i = 0; i < n && o < len; i++)
		o += (size_t)snprintf(out + o, len - o, "%s%c%u", i ? "," : "",
				      p[i].perm, p[i].domid);
	snprintf(out + o, len > o ? len - o : 0, ")");
}

struct node {
	const char *path, *value, *perms;
};

static void check_nodes(struct xs_server *xs, const struct node *nodes,
			size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char perms[64];
		perms_string(xs, nodes[i].path, perms, sizeof(perms));
		char *v = xs_srv_read(xs, 0, nodes[i].path);
		bool ok = v && strcmp(perms, nodes[i].perms) == 0 &&
			  (!nodes[i].value || strcmp(v, nodes[i].value) == 0);
		if (!ok) {
			fprintf(stderr, "%s = \"%s\" %s, want \"%s\" %s\n",
				nodes[i].path, v ? v : "(none)", perms,
				nodes[i].value ? nodes[i].value : "*",
				nodes[i].perms);
			failures++;
		}
		free(v);
	}
}

#define BE "/local/domain/0/backend/"
#define FE "/local/domain/1/device/"

/* xenstore-*-connected.txt, less what the drivers write, states "1". */
static const struct node toolstack_nodes[] = {
	{BE "vinput", "", "(n0)"},
	{BE "vinput/1", "", "(n0)"},
	{BE "vinput/1/0", "", "(n0,r1)"},
	{BE "vinput/1/0/frontend", FE "vkbd/0", "(n0,r1)"},
	{BE "vinput/1/0/frontend-id", "1", "(n0,r1)"},
	{BE "vinput/1/0/online", "1", "(n0,r1)"},
	{BE "vinput/1/0/state", "1", "(n0,r1)"},
	{BE "vinput/1/0/unique-id", "c0", "(n0,r1)"},
	{BE "vinput/1/0/feature-abs-pointer", "1", "(n0,r1)"},
	{BE "vinput/1/0/feature-multi-touch", "1", "(n0,r1)"},
	{BE "vinput/1/0/multi-touch-width", "800", "(n0,r1)"},
	{BE "vinput/1/0/multi-touch-height", "600", "(n0,r1)"},
	{BE "vinput/1/0/multi-touch-num-contacts", "10", "(n0,r1)"},
	{BE "console/1/0/protocol", "vt100", "(n0,r1)"},
	{BE "vdispl", "", "(n0)"},
	{BE "vdispl/1", "", "(n0)"},
	{BE "vdispl/1/0", "", "(n0,r1)"},
	{BE "vdispl/1/0/frontend", FE "vdispl/0", "(n0,r1)"},
	{BE "vdispl/1/0/frontend-id", "1", "(n0,r1)"},
	{BE "vdispl/1/0/online", "1", "(n0,r1)"},
	{BE "vdispl/1/0/state", "1", "(n0,r1)"},
	{FE "suspend", "", "(n0,r1)"},
	{FE "suspend/event-channel", "", "(n1)"},
	{FE "vkbd", "", "(n0,r1)"},
	{FE "vkbd/0", "", "(n1,r0)"},
	{FE "vkbd/0/backend", BE "vinput/1/0", "(n1,r0)"},
	{FE "vkbd/0/backend-id", "0", "(n1,r0)"},
	{FE "vkbd/0/state", "1", "(n1,r0)"},
	{FE "vdispl", "", "(n0,r1)"},
	{FE "vdispl/0", "", "(n1,r0)"},
	{FE "vdispl/0/backend", BE "vdispl/1/0", "(n1,r0)"},
	{FE "vdispl/0/backend-id", "0", "(n1,r0)"},
	{FE "vdispl/0/state", "1", "(n1,r0)"},
	{FE "vdispl/0/be-alloc", "0", "(n0,r1)"},
	{FE "vdispl/0/0", "", "(n1,r0)"},
	{FE "vdispl/0/0/resolution", "800x600", "(n0,r1)"},
	{FE "vdispl/0/0/unique-id", "c0", "(n0,r1)"},
	{FE "vdispl/0/1", "", "(n1,r0)"},
	{FE "vdispl/0/1/resolution", "1024x768", "(n0,r1)"},
	{FE "vdispl/0/1/unique-id", "c1", "(n0,r1)"},
	{"/local/domain/1/name", "domu", "(n0,r1)"},
	{"/local/domain/1/domid", "1", "(n0,r1)"},
	{"/local/domain/0/domid", "0", "(n0)"},
	{"/local/domain/0/name", "Domain-0", "(n0)"},
};

/* What the drivers add once Connected (values are grant/port numbers). */
static const struct node driver_nodes[] = {
	{FE "vkbd/0/state", "4", "(n1,r0)"},
	{FE "vkbd/0/request-multi-touch", "1", "(n1,r0)"},
	{FE "vkbd/0/request-abs-pointer", "1", "(n1,r0)"},
	{FE "vkbd/0/page-ref", NULL, "(n1,r0)"},
	{FE "vkbd/0/page-gref", NULL, "(n1,r0)"},
	{FE "vkbd/0/event-channel", NULL, "(n1,r0)"},
	{FE "vdispl/0/state", "4", "(n1,r0)"},
	{FE "vdispl/0/0/req-ring-ref", NULL, "(n1,r0)"},
	{FE "vdispl/0/0/req-event-channel", NULL, "(n1,r0)"},
	{FE "vdispl/0/0/evt-ring-ref", NULL, "(n1,r0)"},
	{FE "vdispl/0/0/evt-event-channel", NULL, "(n1,r0)"},
	{FE "vdispl/0/1/req-ring-ref", NULL, "(n1,r0)"},
	{FE "vdispl/0/1/evt-event-channel", NULL, "(n1,r0)"},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int test_toolstack_nodes(void)
{
	struct fixture fx;
	if (fixture_init(&fx, true) < 0) {
		fixture_fini(&fx);
		return 1;
	}
	struct xs_server *xs = xensim_store(fx.sim);
	check_nodes(xs, toolstack_nodes, N(toolstack_nodes));
	/* the guest may not touch the toolstack's read-only nodes */
	CHECK(xs_srv_write(xs, 1, FE "vdispl/0/be-alloc", "1") == -EACCES);
	CHECK(xs_srv_write(xs, 1, FE "vdispl/0/0/resolution", "1x1") == -EACCES);
	CHECK(xs_srv_write(xs, 1, FE "vdispl/0/state", "2") == 0);
	CHECK(xs_srv_write(xs, 1, FE "vdispl/0/state", "1") == 0);
	/* xl destroy removes both halves; Dom0 stays */
	xensim_guest_destroy(fx.guest);
	char *v = xs_srv_read(xs, 0, BE "vdispl/1/0");
	CHECK(v == NULL);
	free(v);
	v = xs_srv_read(xs, 0, "/local/domain/1");
	CHECK(v == NULL);
	free(v);
	v = xs_srv_read(xs, 0, "/local/domain/0/name");
	CHECK(v && strcmp(v, "Domain-0") == 0);
	free(v);
	fixture_fini(&fx);
	return failures ? 1 : 0;
}

static pid_t start_backend(struct fixture *fx, unsigned keys)
{
	const char *env[3];
	xensim_env(fx->sim, env, 3);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 3; i++)
			putenv((char *)env[i]);
		test_backend_run(1, 2, keys);
	}
	return pid;
}

typedef bool (*done_fn)(struct fixture *fx);

/* Turns the loop until done or timeout_ms; false on time-out or if the
 * backend died. */
static bool run_until(struct fixture *fx, done_fn done, int timeout_ms)
{
	uint64_t end = loop_now_ns() + (uint64_t)timeout_ms * 1000000ull;
	while (!done(fx)) {
		int status;
		if (fx->child > 0 && waitpid(fx->child, &status, WNOHANG) > 0) {
			fprintf(stderr, "backend exited (status %d)\n", status);
			fx->child = 0;
			return false;
		}
		if (loop_now_ns() > end)
			return false;
		loop_dispatch(fx->loop, 50);
	}
	return true;
}

#define FLIPS 20
#define KEYS 4

static bool flipped_enough(struct fixture *fx)
{
	struct drm_front *f = xensim_guest_drm(fx->guest);
	struct kbd_front *k = xensim_guest_kbd(fx->guest, 0);
	struct drm_front_stats s0, s1;
	drm_front_get_stats(f, 0, &s0);
	drm_front_get_stats(f, 1, &s1);
	return s0.flip_events >= FLIPS && s1.flip_events >= FLIPS &&
	       kbd_front_event_count(k) >= KEYS &&
	       kbd_front_state(k) == XenbusStateConnected;
}

static bool client_stopped(struct fixture *fx)
{
	struct drm_front *f = xensim_guest_drm(fx->guest);
	enum drm_front_client_state s = drm_front_client_state(f);
	return s == DRM_CLIENT_STOPPED || s == DRM_CLIENT_FAILED;
}

/* displif-requests-modetest-1conn.txt per connector, in request order. */
static void check_setup_sequence(const struct drm_front_log_entry *log,
				 size_t n)
{
	static const struct {
		unsigned ring;
		uint8_t op;
		uint16_t id;
	} want[] = {
		{0, XENDISPL_OP_DBUF_CREATE, 0}, {0, XENDISPL_OP_FB_ATTACH, 1},
		{0, XENDISPL_OP_SET_CONFIG, 2},	 {0, XENDISPL_OP_DBUF_CREATE, 3},
		{0, XENDISPL_OP_FB_ATTACH, 4},	 {0, XENDISPL_OP_DBUF_CREATE, 5},
		{0, XENDISPL_OP_FB_ATTACH, 6},	 {1, XENDISPL_OP_SET_CONFIG, 0},
		{0, XENDISPL_OP_DBUF_CREATE, 7}, {0, XENDISPL_OP_FB_ATTACH, 8},
	};
	CHECK(n > N(want));
	for (size_t i = 0; i < N(want) && i < n; i++) {
		CHECK(log[i].conn == want[i].ring);
		CHECK(log[i].req.operation == want[i].op);
		CHECK(log[i].req.id == want[i].id);
	}
	const struct xendispl_dbuf_create_req *d = &log[0].req.op.dbuf_create;
	CHECK(d->width == 800 && d->height == 600 && d->bpp == 32);
	CHECK(d->buffer_sz == 1920000 && d->flags == 0 && d->gref_directory);
	CHECK(log[1].req.op.fb_attach.dbuf_cookie == d->dbuf_cookie);
	CHECK(log[1].req.op.fb_attach.pixel_format == 0x34325258);
	CHECK(log[2].req.op.set_config.fb_cookie ==
	      log[1].req.op.fb_attach.fb_cookie);
	CHECK(log[2].req.op.set_config.x == 0 && log[2].req.op.set_config.y == 0);
	CHECK(log[2].req.op.set_config.width == 800);
	CHECK(log[7].req.op.set_config.width == 1024);
}

/* Flips on each ring alternate, starting with the second buffer, with ids
 * following on; teardown ends with FB_DETACH, DBUF_DESTROY, SET_CONFIG 0. */
static void check_flips_and_teardown(const struct drm_front_log_entry *log,
				     size_t n)
{
	uint64_t fb[2][2] = {{log[1].req.op.fb_attach.fb_cookie,
			      log[4].req.op.fb_attach.fb_cookie},
			     {log[6].req.op.fb_attach.fb_cookie,
			      log[9].req.op.fb_attach.fb_cookie}};
	unsigned flips[2] = {0, 0};
	uint16_t last_id[2] = {8, 0};
	size_t i = 10;
	for (; i < n && log[i].req.operation == XENDISPL_OP_PG_FLIP; i++) {
		unsigned c = log[i].conn;
		CHECK(c < 2);
		if (c >= 2)
			return;
		CHECK(log[i].req.op.pg_flip.fb_cookie == fb[c][(flips[c] + 1) % 2]);
		CHECK(log[i].req.id == (uint16_t)(last_id[c] + 1));
		last_id[c] = log[i].req.id;
		flips[c]++;
	}
	CHECK(flips[0] >= FLIPS && flips[1] >= FLIPS);
	static const uint8_t tail[] = {
		XENDISPL_OP_FB_DETACH, XENDISPL_OP_DBUF_DESTROY,
		XENDISPL_OP_FB_DETACH, XENDISPL_OP_DBUF_DESTROY,
		XENDISPL_OP_SET_CONFIG};
	for (unsigned c = 0; c < 2; c++) {
		for (size_t t = 0; t < N(tail); t++, i++) {
			CHECK(i < n);
			if (i >= n)
				return;
			CHECK(log[i].req.operation == tail[t]);
			CHECK(log[i].conn == (t == 4 ? c : 0));
		}
		CHECK(log[i - 1].req.op.set_config.fb_cookie == 0);
	}
	CHECK(i == n);
}

static void check_stats(struct drm_front *f)
{
	struct drm_front_stats s;
	drm_front_get_stats(f, DRM_FRONT_ALL_CONNS, &s);
	CHECK(s.requests_sent == s.responses);
	CHECK(s.responses_ok == s.responses && s.responses_error == 0);
	CHECK(s.responses_unexpected == 0 && s.req_timeouts == 0);
	CHECK(s.flip_events == s.flips_sent);
	CHECK(s.flip_events_in_order == s.flip_events);
	CHECK(s.flip_events_bad == 0 && s.flip_timeouts == 0);
	CHECK(s.evt_ring_errors == 0);
	CHECK(s.frames_drawn >= 2 * FLIPS);
}

static void check_keys(struct kbd_front *k)
{
	CHECK(kbd_front_event_count(k) == KEYS);
	CHECK(kbd_front_abs_pointer(k) && kbd_front_multi_touch(k));
	for (size_t i = 0; i < KEYS && i < kbd_front_event_count(k); i++) {
		const union xenkbd_in_event *ev = kbd_front_event(k, i);
		CHECK(ev->type == XENKBD_TYPE_KEY);
		CHECK(ev->key.keycode == 30 + i);
		CHECK(ev->key.pressed == (i % 2 == 0));
	}
	CHECK(kbd_front_ring_errors(k) == 0);
}

static int test_handshake_flips(void)
{
	struct fixture fx;
	if (fixture_init(&fx, false) < 0) {
		fixture_fini(&fx);
		return 1;
	}
	struct drm_front *f = xensim_guest_drm(fx.guest);
	struct drm_front_client_cfg cc = {.draw = true, .force_be_alloc = -1};
	CHECK(drm_front_start(f, &cc) == 0);
	fx.child = start_backend(&fx, KEYS);
	CHECK(fx.child > 0);
	CHECK(run_until(&fx, flipped_enough, 15000));
	CHECK(drm_front_state(f) == XenbusStateConnected);
	check_nodes(xensim_store(fx.sim), driver_nodes, N(driver_nodes));
	CHECK(drm_front_stop(f) == 0);
	CHECK(run_until(&fx, client_stopped, 5000));
	CHECK(drm_front_client_state(f) == DRM_CLIENT_STOPPED);
	size_t n;
	const struct drm_front_log_entry *log = drm_front_req_log(f, &n);
	check_setup_sequence(log, n);
	if (n > 10)
		check_flips_and_teardown(log, n);
	check_stats(f);
	check_keys(xensim_guest_kbd(fx.guest, 0));
	struct drm_front_stats st;
	drm_front_get_stats(f, DRM_FRONT_ALL_CONNS, &st);
	printf("%zu requests logged, %llu flips, %llu in-order flip events, "
	       "%zu key events\n", n, (unsigned long long)st.flips_sent,
	       (unsigned long long)st.flip_events_in_order,
	       kbd_front_event_count(xensim_guest_kbd(fx.guest, 0)));
	fixture_fini(&fx);
	return failures ? 1 : 0;
}

/* "C c F": conn's SET_CONFIG (c: cookie 0) and PG_FLIP, in order. */
static void commit_ops(struct drm_front *f, unsigned conn, char *out,
		       size_t len)
{
	size_t n, pos = 0;
	const struct drm_front_log_entry *log = drm_front_req_log(f, &n);
	out[0] = '\0';
	for (size_t i = 0; i < n && pos + 3 < len; i++) {
		const struct xendispl_req *r = &log[i].req;
		char op = 0;
		if (log[i].conn == conn && r->operation == XENDISPL_OP_PG_FLIP)
			op = 'F';
		else if (log[i].conn == conn &&
			 r->operation == XENDISPL_OP_SET_CONFIG)
			op = r->op.set_config.fb_cookie ? 'C' : 'c';
		if (op)
			pos += (size_t)snprintf(out + pos, len - pos, "%s%c",
						pos ? " " : "", op);
	}
}

static bool program_done(struct fixture *fx)
{
	struct drm_front *f = xensim_guest_drm(fx->guest);
	return drm_front_client_state(f) == DRM_CLIENT_HOLDING &&
	       drm_front_phases_done(f) == 3;
}

/* A program's phases run by themselves every hold_ms (as xensim's
 * --guest ...,program=P runs them), each commit as the driver makes it
 * (drm_pipe.c), against a plain backend. */
static int test_program(enum drm_front_program prog, const char *want)
{
	struct fixture fx;
	if (fixture_init(&fx, false) < 0) {
		fixture_fini(&fx);
		return 1;
	}
	struct drm_front *f = xensim_guest_drm(fx.guest);
	struct drm_front_client_cfg cc = {.draw = true, .force_be_alloc = -1,
					  .program = prog, .hold_ms = 30};
	CHECK(drm_front_start(f, &cc) == 0);
	fx.child = start_backend(&fx, 0);
	CHECK(fx.child > 0);
	CHECK(run_until(&fx, program_done, 15000));
	CHECK(drm_front_next_phase(f) == -ENOENT);
	for (unsigned c = 0; c < 2; c++) {
		char got[64];
		commit_ops(f, c, got, sizeof(got));
		printf("%s c%u: %s\n", drm_front_program_name(prog), c, got);
		CHECK(!strcmp(got, want));
	}
	CHECK(drm_front_stop(f) == 0);
	CHECK(run_until(&fx, client_stopped, 5000));
	CHECK(drm_front_client_state(f) == DRM_CLIENT_STOPPED);
	fixture_fini(&fx);
	return failures ? 1 : 0;
}

/* xl reboot: same guest, new domid, old nodes gone, frontends probe anew. */
static int test_reboot(void)
{
	struct fixture fx;
	if (fixture_init(&fx, false) < 0) {
		fixture_fini(&fx);
		return 1;
	}
	struct xs_server *xs = xensim_store(fx.sim);
	CHECK(xensim_guest_reboot(fx.guest, 0) == -EEXIST);
	CHECK(xensim_guest_reboot(fx.guest, 2) == 0);
	CHECK(xensim_guest_domid(fx.guest) == 2);
	char *v = xs_srv_read(xs, 0, "/local/domain/1/name");
	CHECK(v == NULL);
	free(v);
	v = xs_srv_read(xs, 0, BE "vdispl/1/0/frontend");
	CHECK(v == NULL);
	free(v);
	v = xs_srv_read(xs, 0, "/local/domain/2/name");
	CHECK(v && strcmp(v, "domu") == 0);
	free(v);
	v = xs_srv_read(xs, 0, BE "vdispl/2/0/frontend");
	CHECK(v && strcmp(v, "/local/domain/2/device/vdispl/0") == 0);
	free(v);
	struct drm_front *f = xensim_guest_drm(fx.guest);
	CHECK(f && drm_front_state(f) == XenbusStateInitialising);
	struct kbd_front *k = xensim_guest_kbd(fx.guest, 0);
	CHECK(k && kbd_front_state(k) == XenbusStateInitialised);
	CHECK(xensim_find_guest(fx.sim, "domu") == fx.guest);
	fixture_fini(&fx);
	return failures ? 1 : 0;
}

/* The test binary must load the drop-in libraries: re-run itself with
 * LD_LIBRARY_PATH pointing at them when started by hand. */
static int ensure_dropins(char **argv)
{
	char lib[512];
	snprintf(lib, sizeof(lib), "%s/libxengnttab.so.1", xensim_lib_dir());
	if (access(lib, R_OK) != 0) {
		printf("SKIP: drop-in libraries not built (%s)\n", lib);
		return 77;
	}
	const char *cur = getenv("LD_LIBRARY_PATH");
	if (cur && strstr(cur, xensim_lib_dir()))
		return 0;
	setenv("LD_LIBRARY_PATH", xensim_lib_dir(), 1);
	execv("/proc/self/exe", argv);
	perror("re-exec with LD_LIBRARY_PATH");
	return 1;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s toolstack_nodes|handshake_flips|reboot|"
			"program_remodeset|program_dpms\n",
			argv[0]);
		return 2;
	}
	log_init(getenv("XENSIM_DEBUG") ? LOG_LVL_DEBUG : LOG_LVL_WARN,
		 "test_xensim_guest");
	signal(SIGPIPE, SIG_IGN);
	if (strcmp(argv[1], "toolstack_nodes") == 0)
		return test_toolstack_nodes();
	if (strcmp(argv[1], "reboot") == 0)
		return test_reboot();
	if (strcmp(argv[1], "handshake_flips") == 0) {
		int ret = ensure_dropins(argv);
		return ret ? ret : test_handshake_flips();
	}
	/* modetest: SET_CONFIG A; same mode B: PG_FLIP; new mode A: disable,
	 * plane update, enable */
	if (strcmp(argv[1], "program_remodeset") == 0) {
		int ret = ensure_dropins(argv);
		return ret ? ret : test_program(DRM_PROG_REMODESET, "C F c F C");
	}
	/* DPMS off: disable, then the plane's update; on: update, enable */
	if (strcmp(argv[1], "program_dpms") == 0) {
		int ret = ensure_dropins(argv);
		return ret ? ret : test_program(DRM_PROG_DPMS, "C c F F C");
	}
	fprintf(stderr, "unknown test %s\n", argv[1]);
	return 2;
}
