/* Input end to end: real Weston input (the test-only module's seat) on a
 * guest connector's surface, through the shipping vdispld, onto the
 * simulated guest's kbdif ring, compared event by event.
 *
 * Usage: test_input <vdispld> <vdispld-test-input.so> <case>
 * Cases: touch, pointer_keyboard, focus_loss, two_guests, stalled_guest,
 * scaled_surface. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drm_front.h"
#include "input_fixture.h"
#include "kbd_front.h"
#include "loop.h"

/* How much vdispld may grow during a flood: the sanitizers' quarantine
 * keeps freed memory resident for a while. */
#ifdef INPUT_SANITIZED
#define RSS_SLACK_KB 32768
#else
#define RSS_SLACK_KB 4096
#endif

/* Guest A: connector 800x600; multi-touch area 1600x1200 (x2) and pointer
 * 1024x768 (x1.28), so every position the guest gets was scaled. */
static const struct iguest_cfg guest_a = {
	.domid = 1, .name = "guest-a", .conn_w = 800, .conn_h = 600,
	.vkb_uid = "c0", .mt_w = 1600, .mt_h = 1200, .ptr_w = 1024,
	.ptr_h = 768,
};

/* Guest B's vkb is "kb": only the [vkb kb] section below pairs it with
 * its connector c0. */
static const struct iguest_cfg guest_b = {
	.domid = 2, .name = "guest-b", .conn_w = 800, .conn_h = 600,
	.vkb_uid = "kb", .mt_w = 1600, .mt_h = 1200, .ptr_w = 800,
	.ptr_h = 600,
};

static const char extra_conf[] = "[vkb kb]\nconnector = c0\n";

/* Guest A's connector shown at 1.5x (wp_viewport destination 1200x900):
 * surface coordinates must be scaled back to the connector's pixels. */
static const char scaled_conf[] = "[connector c0]\nsize = 1200x900\n";

/* Touch, with frames as a real touchscreen sends them. */
static int touch(struct ifix *fx, const struct iguest *g, const char *what,
		 int id, int sx, int sy)
{
	if (strcmp(what, "up") == 0)
		ICHECK(ifix_cmd(fx, "touch up %d", id) == 0);
	else
		ICHECK(ifix_cmd(fx, "touch %s %d %d %d", what, id, g->vx + sx,
				g->vy + sy) == 0);
	return ifix_cmd(fx, "touch frame");
}

static int case_touch(struct ifix *fx)
{
	struct iguest a;

	ICHECK(ifix_guest(fx, &guest_a, &a) == 0);
	/* Two fingers down, both move in one frame, one up, the other up.
	 * Weston drops the frame after the last up: kbd/ closes it. */
	ICHECK(touch(fx, &a, "down", 0, 100, 50) == 0);
	ICHECK(touch(fx, &a, "down", 1, 300, 200) == 0);
	ICHECK(ifix_cmd(fx, "touch motion 0 %d %d", a.vx + 110, a.vy + 60) == 0);
	ICHECK(touch(fx, &a, "motion", 1, 310, 220) == 0);
	ICHECK(touch(fx, &a, "up", 0, 0, 0) == 0);
	ICHECK(touch(fx, &a, "up", 1, 0, 0) == 0);
	ICHECK(ifix_expect(fx, a.kbd, 11,
			   "DOWN c0 200,100; SYN; DOWN c1 600,400; SYN; "
			   "MOTION c0 220,120; MOTION c1 620,440; SYN; "
			   "UP c0; SYN; UP c1; SYN") == 0);
	/* Contact ids are reused lowest first; a finger moving off the
	 * surface stays with it (clamped to the touch area). */
	ICHECK(touch(fx, &a, "down", 7, 799, 599) == 0);
	ICHECK(touch(fx, &a, "motion", 7, 900, -20) == 0);
	ICHECK(touch(fx, &a, "up", 7, 0, 0) == 0);
	return ifix_expect(fx, a.kbd, 6,
			   "DOWN c0 1598,1198; SYN; MOTION c0 1599,0; SYN; "
			   "UP c0; SYN");
}

/* 800x600 shown as 1200x900: surface (600,450) is connector (400,300),
 * i.e. (800,600) of the 1600x1200 touch area and (512,384) of the
 * 1024x768 pointer. */
static int case_scaled_surface(struct ifix *fx)
{
	struct iguest a;

	ICHECK(ifix_guest(fx, &guest_a, &a) == 0);
	printf("  surface view %dx%d at %d,%d\n", a.vw, a.vh, a.vx, a.vy);
	ICHECK(a.vw == 1200 && a.vh == 900);
	ICHECK(touch(fx, &a, "down", 0, 600, 450) == 0);
	ICHECK(touch(fx, &a, "motion", 0, 300, 225) == 0);
	ICHECK(touch(fx, &a, "motion", 0, 900, 675) == 0);
	ICHECK(touch(fx, &a, "up", 0, 0, 0) == 0);
	ICHECK(ifix_expect(fx, a.kbd, 8,
			   "DOWN c0 800,600; SYN; MOTION c0 400,300; SYN; "
			   "MOTION c0 1200,900; SYN; UP c0; SYN") == 0);
	ICHECK(ifix_cmd(fx, "pointer move %d %d", a.vx + 600, a.vy + 450) == 0);
	ICHECK(ifix_cmd(fx, "pointer move %d %d", a.vx + 900, a.vy + 675) == 0);
	ICHECK(ifix_cmd(fx, "pointer move %d %d", a.vx + 1199, a.vy + 899) == 0);
	/* The far corner: connector (799.33,599.33), inside the last pixel. */
	return ifix_expect(fx, a.kbd, 3,
			   "POS 512,384 z0; POS 768,576 z0; POS 1023,767 z0");
}

static int case_pointer_keyboard(struct ifix *fx)
{
	struct iguest a;

	ICHECK(ifix_guest(fx, &guest_a, &a) == 0);
	ICHECK(ifix_cmd(fx, "pointer move %d %d", a.vx + 400, a.vy + 300) == 0);
	ICHECK(ifix_cmd(fx, "pointer move %d %d", a.vx + 100, a.vy + 75) == 0);
	ICHECK(ifix_cmd(fx, "button 272 1") == 0);
	ICHECK(ifix_cmd(fx, "button 272 0") == 0);
	ICHECK(ifix_cmd(fx, "axis 10") == 0);
	ICHECK(ifix_cmd(fx, "axis -20") == 0);
	ICHECK(ifix_expect(fx, a.kbd, 6,
			   "POS 512,384 z0; POS 128,96 z0; KEY 272 1; "
			   "KEY 272 0; POS 128,96 z1; POS 128,96 z-2") == 0);
	ICHECK(ifix_cmd(fx, "key 30 1") == 0);
	ICHECK(ifix_cmd(fx, "key 42 1") == 0);
	ICHECK(ifix_cmd(fx, "key 30 0") == 0);
	ICHECK(ifix_cmd(fx, "key 42 0") == 0);
	return ifix_expect(fx, a.kbd, 4,
			   "KEY 30 1; KEY 42 1; KEY 30 0; KEY 42 0");
}

static int case_focus_loss(struct ifix *fx)
{
	struct iguest a;

	ICHECK(ifix_guest(fx, &guest_a, &a) == 0);
	ICHECK(ifix_cmd(fx, "pointer move %d %d", a.vx + 200, a.vy + 150) == 0);
	ICHECK(touch(fx, &a, "down", 0, 50, 60) == 0);
	ICHECK(ifix_cmd(fx, "key 42 1") == 0);
	ICHECK(ifix_cmd(fx, "button 272 1") == 0);
	ICHECK(ifix_expect(fx, a.kbd, 5,
			   "POS 256,192 z0; DOWN c0 100,120; SYN; KEY 42 1; "
			   "KEY 272 1") == 0);
	/* The keyboard leaves: everything held is released in the guest. */
	ICHECK(ifix_cmd(fx, "keyboard focus-out") == 0);
	ICHECK(ifix_expect(fx, a.kbd, 4,
			   "KEY 42 0; KEY 272 0; UP c0; SYN") == 0);
	/* The real releases that follow find nothing held. */
	ICHECK(ifix_cmd(fx, "button 272 0") == 0);
	ICHECK(ifix_cmd(fx, "key 42 0") == 0);
	ICHECK(touch(fx, &a, "up", 0, 0, 0) == 0);
	ICHECK(ifix_cmd(fx, "keyboard focus-in") == 0);
	ICHECK(ifix_expect(fx, a.kbd, 0, "") == 0);
	/* And input works again afterwards. */
	ICHECK(ifix_cmd(fx, "key 30 1") == 0);
	ICHECK(ifix_cmd(fx, "key 30 0") == 0);
	return ifix_expect(fx, a.kbd, 2, "KEY 30 1; KEY 30 0");
}

static bool inside(const struct iguest *g, int x, int y)
{
	return x >= g->vx && y >= g->vy && x < g->vx + g->vw &&
	       y < g->vy + g->vh;
}

/* A point of a's surface that b does not cover. */
static bool uncovered_point(const struct iguest *a, const struct iguest *b,
			    int *x, int *y)
{
	for (int dy = 10; dy < a->vh; dy += 20)
		for (int dx = 10; dx < a->vw; dx += 20)
			if (!inside(b, a->vx + dx, a->vy + dy)) {
				*x = a->vx + dx;
				*y = a->vy + dy;
				return true;
			}
	return false;
}

/* kbd/'s scaling: floor, clamped to [0, to - 1]. */
static int scaled(int v, int from, int to)
{
	long s = v <= 0 ? 0 : (long)v * to / from;

	return (int)(s > to - 1 ? to - 1 : s);
}

static int case_two_guests(struct ifix *fx)
{
	struct iguest a, b;
	char want[256];
	int ax, ay;

	ICHECK(ifix_guest(fx, &guest_a, &a) == 0);
	ICHECK(ifix_guest(fx, &guest_b, &b) == 0); /* mapped last: on top */
	printf("  A at %d,%d, B at %d,%d\n", a.vx, a.vy, b.vx, b.vy);
	kbd_front_clear_events(a.kbd);
	ICHECK(uncovered_point(&a, &b, &ax, &ay));
	/* First finger on B; the second lands on A's surface, but Weston
	 * gives it to B (touch focus is per seat): B's coordinates. */
	ICHECK(touch(fx, &b, "down", 0, 400, 300) == 0);
	ICHECK(ifix_cmd(fx, "touch down 1 %d %d", ax, ay) == 0);
	ICHECK(ifix_cmd(fx, "touch frame") == 0);
	ICHECK(touch(fx, &b, "up", 0, 0, 0) == 0);
	ICHECK(touch(fx, &b, "up", 1, 0, 0) == 0);
	snprintf(want, sizeof(want),
		 "DOWN c0 800,600; SYN; DOWN c1 %d,%d; SYN; UP c0; SYN; "
		 "UP c1; SYN", scaled(ax - b.vx, 800, 1600),
		 scaled(ay - b.vy, 600, 1200));
	ICHECK(ifix_expect(fx, b.kbd, 8, want) == 0);
	ICHECK(ifix_expect(fx, a.kbd, 0, "") == 0);
	/* Now a touch and the pointer on A only: A hears them, B doesn't. */
	ICHECK(ifix_cmd(fx, "touch down 0 %d %d", ax, ay) == 0);
	ICHECK(ifix_cmd(fx, "touch frame") == 0);
	ICHECK(ifix_cmd(fx, "touch up 0") == 0);
	ICHECK(ifix_cmd(fx, "pointer move %d %d", ax, ay) == 0);
	snprintf(want, sizeof(want), "DOWN c0 %d,%d; SYN; UP c0; SYN; "
		 "POS %d,%d z0", scaled(ax - a.vx, 800, 1600),
		 scaled(ay - a.vy, 600, 1200), scaled(ax - a.vx, 800, 1024),
		 scaled(ay - a.vy, 600, 768));
	ICHECK(ifix_expect(fx, a.kbd, 5, want) == 0);
	return ifix_expect(fx, b.kbd, 0, "");
}

/* Events of one kind, in order, as text ("KEY 30 1; ..."). */
static void only(struct kbd_front *k, const char *prefixes[], char *out,
		 size_t len)
{
	static char all[1 << 16];
	size_t used = 0;

	ifix_describe(k, 0, all, sizeof(all));
	out[0] = '\0';
	for (char *it = strtok(all, ";"); it; it = strtok(NULL, ";")) {
		while (*it == ' ')
			it++;
		for (int i = 0; prefixes[i]; i++)
			if (strncmp(it, prefixes[i], strlen(prefixes[i])) == 0)
				used += (size_t)snprintf(out + used, len - used,
							 "%s%s", used ? "; " : "",
							 it);
	}
}

static uint64_t flips(const struct iguest *g, uint64_t *timeouts)
{
	struct drm_front_stats st;

	drm_front_get_stats(g->drm, DRM_FRONT_ALL_CONNS, &st);
	if (timeouts)
		*timeouts = st.flip_timeouts + st.req_timeouts;
	return st.flip_events;
}

/* A pointer flood at 2 kHz (twice a fast gaming mouse), with a key
 * press/release and a touch in the middle. Faster than any device would
 * be no test of vdispld: libwayland-server 1.21 drops a client whose 4 KiB
 * socket buffer fills, and a sanitized vdispld on a busy machine can lag
 * 8 ms behind an unpaced 20 kHz stream. */
#define FLOOD_INTERVAL_NS 500000ull

static int flood(struct ifix *fx, const struct iguest *a, int n, bool extras)
{
	uint64_t t0 = loop_now_ns();

	for (int i = 0; i < n; i++) {
		if (extras && i == n / 4)
			ICHECK(ifix_cmd(fx, "key 30 1") == 0);
		if (extras && i == n / 3)
			ICHECK(touch(fx, a, "down", 0, 40, 40) == 0);
		if (extras && i == n / 2)
			ICHECK(ifix_cmd(fx, "key 30 0") == 0);
		if (extras && i == 2 * n / 3)
			ICHECK(touch(fx, a, "up", 0, 0, 0) == 0);
		ICHECK(ifix_cmd(fx, "pointer move %d %d", a->vx + 100 + i % 500,
				a->vy + 100 + i % 300) == 0);
		vd_fixture_poll(&fx->vf);
		uint64_t due = t0 + (uint64_t)(i + 1) * FLOOD_INTERVAL_NS;
		if (i % 10 == 9 && loop_now_ns() < due)
			vd_fixture_pump(&fx->vf, (unsigned)((due - loop_now_ns()) / 1000000u));
	}
	return 0;
}

/* The flood's rates, the RSS and the display's flips, printed. */
static int flood_and_measure(struct ifix *fx, const struct iguest *a,
			     bool extras, long *rss)
{
	uint64_t t0 = loop_now_ns(), f0 = flips(a, NULL), f1, timeouts, ms;

	ICHECK(flood(fx, a, 2000, extras) == 0);
	ms = (loop_now_ns() - t0) / 1000000u;
	f1 = flips(a, NULL);
	vd_fixture_pump(&fx->vf, 500);
	*rss = vd_proc_rss_kb(fx->vf.vd);
	printf("  2000 motions in %llu ms; vdispld RSS %ld KiB; %llu flips "
	       "during the flood, %llu in the 500 ms after\n",
	       (unsigned long long)ms, *rss, (unsigned long long)(f1 - f0),
	       (unsigned long long)(flips(a, &timeouts) - f1));
	ICHECK(vd_fixture_vdispld_alive(&fx->vf));
	/* vdispld never blocked: flips kept completing, none timed out. */
	ICHECK(f1 > f0 && flips(a, &timeouts) > f1 && timeouts == 0);
	return 0;
}

static int case_stalled_guest(struct ifix *fx)
{
	static const char *keep[] = {"KEY", "DOWN", "UP", NULL};
	struct iguest a;
	char got[512];
	long rss0, rss1, rss2;

	ICHECK(ifix_guest(fx, &guest_a, &a) == 0);
	kbd_front_set_consuming(a.kbd, false);
	ICHECK(flood(fx, &a, 600, false) == 0); /* ring and queue full */
	vd_fixture_pump(&fx->vf, 300);
	rss0 = vd_proc_rss_kb(fx->vf.vd);
	ICHECK(flood_and_measure(fx, &a, true, &rss1) == 0);
	ICHECK(flood_and_measure(fx, &a, false, &rss2) == 0);
	/* Bounded: a second flood as big as the first costs nothing. */
	ICHECK(rss0 > 0 && rss2 - rss0 < RSS_SLACK_KB);
	ICHECK(kbd_front_event_count(a.kbd) == 0);
	kbd_front_set_consuming(a.kbd, true);
	ifix_wait_events(fx, a.kbd, 2, 3000);
	/* One ring plus one queue at most: motion was coalesced. */
	printf("  %zu events after resuming\n", kbd_front_event_count(a.kbd));
	ICHECK(kbd_front_event_count(a.kbd) <= XENKBD_IN_RING_LEN + 256);
	only(a.kbd, keep, got, sizeof(got));
	if (strcmp(got, "KEY 30 1; DOWN c0 80,80; KEY 30 0; UP c0") != 0) {
		fprintf(stderr, "  promised events: %s\n", got);
		return -1;
	}
	printf("  ok: promised events all there: %s\n", got);
	kbd_front_clear_events(a.kbd);
	/* Reading again, it gets everything at once. */
	ICHECK(ifix_cmd(fx, "key 31 1") == 0);
	ICHECK(ifix_cmd(fx, "key 31 0") == 0);
	return ifix_expect(fx, a.kbd, 2, "KEY 31 1; KEY 31 0");
}

static const struct {
	const char *name;
	int (*run)(struct ifix *fx);
	const char *conf; /* NULL: extra_conf */
} cases[] = {
	{"touch", case_touch, NULL},
	{"pointer_keyboard", case_pointer_keyboard, NULL},
	{"focus_loss", case_focus_loss, NULL},
	{"two_guests", case_two_guests, NULL},
	{"stalled_guest", case_stalled_guest, NULL},
	{"scaled_surface", case_scaled_surface, scaled_conf},
};

int main(int argc, char *argv[])
{
	struct ifix fx;
	int ret;

	if (argc != 4) {
		fprintf(stderr, "usage: %s <vdispld> <module.so> <case>\n",
			argv[0]);
		return 2;
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (strcmp(cases[i].name, argv[3]) != 0)
			continue;
		ret = ifix_start(&fx, argv[1], argv[2],
				 cases[i].conf ? cases[i].conf : extra_conf);
		if (ret == 77)
			return 77;
		if (ret == 0)
			ret = cases[i].run(&fx);
		if (ret != 0) {
			vd_fixture_dump_log(&fx.vf, 40);
			weston_harness_dump_log(&fx.vf.wh);
		}
		if (ifix_stop(&fx) < 0)
			ret = -1;
		printf("%s: %s\n", argv[3], ret == 0 ? "PASS" : "FAIL");
		return ret == 0 ? 0 : 1;
	}
	fprintf(stderr, "unknown case %s\n", argv[3]);
	return 2;
}
