/* vdispld-test-input.so in a real headless Weston 10: commands on its
 * socket must reach a real client as wl_touch (ids, surface coordinates,
 * frames), wl_pointer (enter/motion/button/axis) and wl_keyboard (key).
 * Usage: test_weston_input_module <abs path of vdispld-test-input.so> */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input_client.h"
#include "input_cmd.h"
#include "weston_harness.h"

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
				__LINE__, #cond);                              \
			return -1;                                             \
		}                                                              \
	} while (0)

static const struct ic_event *find(struct input_client *c, enum ic_kind kind,
				   size_t nth)
{
	const struct ic_event *ev;
	size_t n = input_client_events(c, &ev);

	for (size_t i = 0; i < n; i++) {
		if (ev[i].kind == kind && nth-- == 0)
			return &ev[i];
	}
	return NULL;
}

static size_t count(struct input_client *c, enum ic_kind kind)
{
	size_t n = 0;

	while (find(c, kind, n))
		n++;
	return n;
}

static void dump(struct input_client *c, const char *what)
{
	const struct ic_event *ev;
	size_t n = input_client_events(c, &ev);

	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "%s %zu: kind %d id %d %.2f,%.2f code %u "
				"state %u value %.2f\n",
			what, i, ev[i].kind, ev[i].id, ev[i].x, ev[i].y,
			ev[i].code, ev[i].state, ev[i].value);
}

/* The surface position the pointer was last reported at. */
static bool pointer_at(struct input_client *c, double x, double y)
{
	const struct ic_event *ev, *last = NULL;
	size_t n = input_client_events(c, &ev);

	for (size_t i = 0; i < n; i++) {
		if (ev[i].kind == IC_POINTER_ENTER ||
		    ev[i].kind == IC_POINTER_MOTION)
			last = &ev[i];
	}
	return last && last->x == x && last->y == y;
}

static int check_pointer(struct input_client *c, int fd)
{
	const struct ic_event *e;

	input_client_clear(c);
	CHECK(input_cmd(fd, "pointer move 100 200") == 0);
	CHECK(input_client_sync(c) == 0);
	dump(c, "pointer");
	/* enter (first time on the surface) or motion, at 100,200 */
	CHECK(pointer_at(c, 100, 200));
	input_client_clear(c);
	CHECK(input_cmd(fd, "pointer move 150.5 250") == 0);
	CHECK(input_cmd(fd, "button 272 1") == 0);
	CHECK(input_cmd(fd, "button 272 0") == 0);
	CHECK(input_cmd(fd, "axis 10") == 0);
	CHECK(input_client_sync(c) == 0);
	dump(c, "pointer");
	e = find(c, IC_POINTER_MOTION, 0);
	CHECK(e && e->x == 150.5 && e->y == 250);
	e = find(c, IC_POINTER_BUTTON, 0);
	CHECK(e && e->code == 272 && e->state == 1);
	e = find(c, IC_POINTER_BUTTON, 1);
	CHECK(e && e->code == 272 && e->state == 0);
	e = find(c, IC_POINTER_AXIS, 0);
	CHECK(e && e->code == 0 && e->value == 10);
	return 0;
}

static int check_keyboard(struct input_client *c, int fd)
{
	const struct ic_event *e;

	/* The click above activated the window: keyboard focus is ours. */
	CHECK(count(c, IC_KEYBOARD_LEAVE) == 0);
	input_client_clear(c);
	CHECK(input_cmd(fd, "key 30 1") == 0);
	CHECK(input_cmd(fd, "key 30 0") == 0);
	CHECK(input_client_sync(c) == 0);
	e = find(c, IC_KEY, 0);
	CHECK(e && e->code == 30 && e->state == 1);
	e = find(c, IC_KEY, 1);
	CHECK(e && e->code == 30 && e->state == 0);
	CHECK(count(c, IC_KEY) == 2);
	/* Seat-level focus out / in: the client is told. */
	CHECK(input_cmd(fd, "keyboard focus-out") == 0);
	CHECK(input_cmd(fd, "keyboard focus-in") == 0);
	CHECK(input_client_sync(c) == 0);
	CHECK(count(c, IC_KEYBOARD_LEAVE) == 1);
	CHECK(count(c, IC_KEYBOARD_ENTER) == 1);
	return 0;
}

static int check_touch(struct input_client *c, int fd)
{
	const struct ic_event *ev;
	size_t n;
	static const enum ic_kind want[] = {
		IC_TOUCH_DOWN,	 IC_TOUCH_FRAME, IC_TOUCH_DOWN,
		IC_TOUCH_FRAME,	 IC_TOUCH_MOTION, IC_TOUCH_MOTION,
		IC_TOUCH_FRAME,	 IC_TOUCH_UP,	  IC_TOUCH_FRAME,
		IC_TOUCH_UP,
	};

	input_client_clear(c);
	CHECK(input_cmd(fd, "touch down 3 10 20") == 0);
	CHECK(input_cmd(fd, "touch frame") == 0);
	CHECK(input_cmd(fd, "touch down 7 300.25 400") == 0);
	CHECK(input_cmd(fd, "touch frame") == 0);
	CHECK(input_cmd(fd, "touch motion 3 15 25") == 0);
	CHECK(input_cmd(fd, "touch motion 7 310 410") == 0);
	CHECK(input_cmd(fd, "touch frame") == 0);
	CHECK(input_cmd(fd, "touch up 3") == 0);
	CHECK(input_cmd(fd, "touch frame") == 0);
	CHECK(input_cmd(fd, "touch up 7") == 0);
	CHECK(input_client_sync(c) == 0);

	n = input_client_events(c, &ev);
	dump(c, "touch");
	/* Weston does not deliver the frame after the last up. */
	CHECK(n >= sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		CHECK(ev[i].kind == want[i]);
	CHECK(ev[0].id == 3 && ev[0].x == 10 && ev[0].y == 20);
	CHECK(ev[2].id == 7 && ev[2].x == 300.25 && ev[2].y == 400);
	CHECK(ev[4].id == 3 && ev[4].x == 15 && ev[4].y == 25);
	CHECK(ev[5].id == 7 && ev[5].x == 310 && ev[5].y == 410);
	CHECK(ev[7].id == 3 && ev[9].id == 7);
	CHECK(input_cmd(fd, "no such command") < 0);
	return 0;
}

static int run(const char *module, const char *sock)
{
	struct weston_harness h;
	struct weston_harness_opts opts = { .modules = module };
	struct input_client *c = NULL;
	int fd = -1, ret = -1, w, hh;

	setenv("VDISPLD_TEST_INPUT", sock, 1);
	if (weston_harness_start(&h, &opts) < 0) {
		fprintf(stderr, "weston did not start\n");
		weston_harness_dump_log(&h);
		weston_harness_destroy(&h);
		return -1;
	}
	weston_harness_setenv(&h);
	c = input_client_create(5000);
	fd = c ? input_cmd_connect(sock) : -1;
	if (c && fd >= 0) {
		input_client_size(c, &w, &hh);
		fprintf(stderr, "fullscreen window %dx%d\n", w, hh);
		ret = check_pointer(c, fd) || check_keyboard(c, fd) ||
		      check_touch(c, fd) ? -1 : 0;
	}
	if (fd >= 0)
		close(fd);
	input_client_destroy(c);
	if (weston_harness_stop(&h) != 0) {
		fprintf(stderr, "weston did not exit cleanly\n");
		ret = -1;
	}
	if (ret < 0)
		weston_harness_dump_log(&h);
	weston_harness_destroy(&h);
	return ret;
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/vdispld-input-XXXXXX", sock[64];
	struct stat st;
	int ret;

	if (argc < 2 || stat(argv[1], &st) < 0) {
		fprintf(stderr, "usage: %s <vdispld-test-input.so>\n", argv[0]);
		return 2;
	}
	if (access("/usr/bin/weston", X_OK) < 0) {
		fprintf(stderr, "SKIP: no /usr/bin/weston\n");
		return 77;
	}
	if (wh_mkdtemp(dir) < 0)
		return 1;
	snprintf(sock, sizeof(sock), "%s/input.sock", dir);
	ret = run(argv[1], sock);
	wh_rm_rf(dir);
	return ret == 0 ? 0 : 1;
}
