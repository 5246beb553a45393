/* vdispld-test-input.so: a TEST-ONLY Weston 10 module that gives the
 * compositor a seat with pointer, keyboard and touch, fed from text
 * commands on a Unix stream socket, so tests can put real wl_touch /
 * wl_pointer / wl_keyboard events in front of Wayland clients on the
 * headless backend (which has no seat of its own).
 *
 * The socket path comes from $VDISPLD_TEST_INPUT. One command per line;
 * each gets one reply line, "ok" or "error <why>", after Weston has
 * processed it (so a client that then round-trips sees its events).
 * X/Y are global compositor coordinates (doubles).
 *
 *   touch down ID X Y | touch motion ID X Y | touch up ID
 *   touch frame | touch cancel
 *   pointer move X Y | button CODE 1|0 | axis VALUE (vertical, surface
 *   units; positive scrolls down)
 *   key CODE 1|0 | keyboard focus-in | keyboard focus-out
 *   sync (nothing; replies ok)
 *
 * The notify_* and weston_seat_init* functions are exported by
 * libweston-10 but declared only in its internal headers (backend.h,
 * libweston-internal.h of Weston 10.0), so their prototypes are
 * repeated here exactly as Weston 10 has them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <libweston/libweston.h>
#include <wayland-server-core.h>
#include <wayland-server-protocol.h>

/* ---- libweston-10 internals (libweston/backend.h,
 * libweston/libweston-internal.h at 10.0.x) ---- */
void weston_seat_init(struct weston_seat *seat, struct weston_compositor *ec,
		      const char *seat_name);
void weston_seat_init_pointer(struct weston_seat *seat);
int weston_seat_init_keyboard(struct weston_seat *seat,
			      struct xkb_keymap *keymap);
void weston_seat_init_touch(struct weston_seat *seat);
void weston_seat_release(struct weston_seat *seat);
struct weston_touch_device *
weston_touch_create_touch_device(struct weston_touch *touch,
				 const char *syspath, void *backend_data,
				 const struct weston_touch_device_ops *ops);
void weston_touch_device_destroy(struct weston_touch_device *device);
void notify_motion_absolute(struct weston_seat *seat,
			    const struct timespec *time, double x, double y);
void notify_button(struct weston_seat *seat, const struct timespec *time,
		   int32_t button, enum wl_pointer_button_state state);
void notify_axis(struct weston_seat *seat, const struct timespec *time,
		 struct weston_pointer_axis_event *event);
void notify_pointer_frame(struct weston_seat *seat);
void notify_key(struct weston_seat *seat, const struct timespec *time,
		uint32_t key, enum wl_keyboard_key_state state,
		enum weston_key_state_update update_state);
void notify_keyboard_focus_in(struct weston_seat *seat, struct wl_array *keys,
			      enum weston_key_state_update update_state);
void notify_keyboard_focus_out(struct weston_seat *seat);
void notify_touch_normalized(struct weston_touch_device *device,
			     const struct timespec *time, int touch_id,
			     double x, double y,
			     const struct weston_point2d_device_normalized *norm,
			     int touch_type);
void notify_touch_frame(struct weston_touch_device *device);
void notify_touch_cancel(struct weston_touch_device *device);

/* The entry point weston's --modules looks for (weston/weston.h). */
WL_EXPORT int wet_module_init(struct weston_compositor *ec, int *argc,
			      char *argv[]);

#define MAX_LINE 256

struct test_input;

struct client {
	struct wl_list link;
	struct test_input *ti;
	int fd;
	struct wl_event_source *source;
	char buf[MAX_LINE];
	size_t len;
};

struct test_input {
	struct weston_compositor *ec;
	struct weston_seat seat;
	struct weston_touch_device *touch;
	int listen_fd;
	char path[108];
	struct wl_event_source *listen_source;
	struct wl_list clients;
	struct wl_listener destroy;
};

static int cmd_touch(struct test_input *ti, const struct timespec *t,
		     const char *args)
{
	int id;
	double x, y;

	if (sscanf(args, "down %d %lf %lf", &id, &x, &y) == 3)
		notify_touch_normalized(ti->touch, t, id, x, y, NULL,
					WL_TOUCH_DOWN);
	else if (sscanf(args, "motion %d %lf %lf", &id, &x, &y) == 3)
		notify_touch_normalized(ti->touch, t, id, x, y, NULL,
					WL_TOUCH_MOTION);
	else if (sscanf(args, "up %d", &id) == 1)
		notify_touch_normalized(ti->touch, t, id, 0, 0, NULL,
					WL_TOUCH_UP);
	else if (strcmp(args, "frame") == 0)
		notify_touch_frame(ti->touch);
	else if (strcmp(args, "cancel") == 0)
		notify_touch_cancel(ti->touch);
	else
		return -EINVAL;
	return 0;
}

static int cmd_pointer(struct test_input *ti, const struct timespec *t,
		       const char *cmd, const char *args)
{
	double x, y;
	unsigned code, pressed;

	if (strcmp(cmd, "pointer") == 0 &&
	    sscanf(args, "move %lf %lf", &x, &y) == 2) {
		notify_motion_absolute(&ti->seat, t, x, y);
	} else if (strcmp(cmd, "button") == 0 &&
		   sscanf(args, "%u %u", &code, &pressed) == 2) {
		notify_button(&ti->seat, t, (int32_t)code,
			      pressed ? WL_POINTER_BUTTON_STATE_PRESSED
				      : WL_POINTER_BUTTON_STATE_RELEASED);
	} else if (strcmp(cmd, "axis") == 0 && sscanf(args, "%lf", &x) == 1) {
		struct weston_pointer_axis_event ev = {
			.axis = WL_POINTER_AXIS_VERTICAL_SCROLL,
			.value = x,
		};
		notify_axis(&ti->seat, t, &ev);
	} else {
		return -EINVAL;
	}
	notify_pointer_frame(&ti->seat);
	return 0;
}

static int cmd_keyboard(struct test_input *ti, const struct timespec *t,
			const char *cmd, const char *args)
{
	unsigned code, pressed;

	if (strcmp(cmd, "key") == 0 &&
	    sscanf(args, "%u %u", &code, &pressed) == 2) {
		notify_key(&ti->seat, t, code,
			   pressed ? WL_KEYBOARD_KEY_STATE_PRESSED
				   : WL_KEYBOARD_KEY_STATE_RELEASED,
			   STATE_UPDATE_AUTOMATIC);
	} else if (strcmp(cmd, "keyboard") == 0 &&
		   strcmp(args, "focus-in") == 0) {
		struct wl_array keys;

		wl_array_init(&keys);
		notify_keyboard_focus_in(&ti->seat, &keys,
					 STATE_UPDATE_AUTOMATIC);
		wl_array_release(&keys);
	} else if (strcmp(cmd, "keyboard") == 0 &&
		   strcmp(args, "focus-out") == 0) {
		notify_keyboard_focus_out(&ti->seat);
	} else {
		return -EINVAL;
	}
	return 0;
}

static int run_command(struct test_input *ti, char *line)
{
	struct timespec t;
	char *args = strchr(line, ' ');

	if (args)
		*args++ = '\0';
	else
		args = line + strlen(line);
	weston_compositor_get_time(&t);
	if (strcmp(line, "sync") == 0)
		return 0;
	if (strcmp(line, "touch") == 0)
		return cmd_touch(ti, &t, args);
	if (strcmp(line, "pointer") == 0 || strcmp(line, "button") == 0 ||
	    strcmp(line, "axis") == 0)
		return cmd_pointer(ti, &t, line, args);
	if (strcmp(line, "key") == 0 || strcmp(line, "keyboard") == 0)
		return cmd_keyboard(ti, &t, line, args);
	return -EINVAL;
}

static void client_destroy(struct client *c)
{
	wl_event_source_remove(c->source);
	close(c->fd);
	wl_list_remove(&c->link);
	free(c);
}

static void reply(struct client *c, int ret, const char *line)
{
	char out[MAX_LINE + 32];
	int n = ret == 0 ? snprintf(out, sizeof(out), "ok\n")
			 : snprintf(out, sizeof(out), "error bad command: %s\n",
				    line);

	if (write(c->fd, out, (size_t)n) != n)
		weston_log("vdispld-test-input: reply lost: %s\n",
			   strerror(errno));
}

/* Runs every complete line in the buffer. */
static void client_lines(struct client *c)
{
	char *nl;

	while ((nl = memchr(c->buf, '\n', c->len))) {
		size_t used = (size_t)(nl - c->buf) + 1;
		char line[MAX_LINE], copy[MAX_LINE];

		memcpy(line, c->buf, used - 1);
		line[used - 1] = '\0';
		memcpy(copy, line, used);
		reply(c, run_command(c->ti, line), copy);
		memmove(c->buf, c->buf + used, c->len - used);
		c->len -= used;
	}
}

static int on_client(int fd, uint32_t mask, void *data)
{
	struct client *c = data;
	ssize_t n;

	if (mask & (WL_EVENT_HANGUP | WL_EVENT_ERROR)) {
		client_destroy(c);
		return 0;
	}
	n = read(fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
	if (n <= 0) {
		client_destroy(c);
		return 0;
	}
	c->len += (size_t)n;
	client_lines(c);
	if (c->len == sizeof(c->buf) - 1) {
		weston_log("vdispld-test-input: line too long, dropping "
			   "client\n");
		client_destroy(c);
	}
	return 0;
}

static int on_accept(int fd, uint32_t mask, void *data)
{
	struct test_input *ti = data;
	struct wl_event_loop *loop = wl_display_get_event_loop(ti->ec->wl_display);
	struct client *c;
	int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

	(void)mask;
	if (cfd < 0)
		return 0;
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(cfd);
		return 0;
	}
	c->ti = ti;
	c->fd = cfd;
	c->source = wl_event_loop_add_fd(loop, cfd, WL_EVENT_READABLE,
					 on_client, c);
	if (!c->source) {
		close(cfd);
		free(c);
		return 0;
	}
	wl_list_insert(&ti->clients, &c->link);
	return 0;
}

static int listen_on(struct test_input *ti, const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct wl_event_loop *loop = wl_display_get_event_loop(ti->ec->wl_display);

	if (strlen(path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	snprintf(ti->path, sizeof(ti->path), "%s", path);
	ti->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ti->listen_fd < 0)
		return -errno;
	unlink(path);
	if (bind(ti->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(ti->listen_fd, 4) < 0)
		return -errno;
	ti->listen_source = wl_event_loop_add_fd(loop, ti->listen_fd,
						 WL_EVENT_READABLE, on_accept,
						 ti);
	return ti->listen_source ? 0 : -ENOMEM;
}

static void test_input_destroy(struct test_input *ti)
{
	while (!wl_list_empty(&ti->clients)) {
		struct client *c = wl_container_of(ti->clients.next, c, link);

		client_destroy(c);
	}
	if (ti->listen_source)
		wl_event_source_remove(ti->listen_source);
	if (ti->listen_fd >= 0) {
		close(ti->listen_fd);
		unlink(ti->path);
	}
	if (ti->touch)
		weston_touch_device_destroy(ti->touch);
	if (ti->seat.compositor)
		weston_seat_release(&ti->seat);
	free(ti);
}

static void on_compositor_destroy(struct wl_listener *l, void *data)
{
	struct test_input *ti = wl_container_of(l, ti, destroy);

	(void)data;
	test_input_destroy(ti);
}

WL_EXPORT int wet_module_init(struct weston_compositor *ec, int *argc,
			      char *argv[])
{
	const char *path = getenv("VDISPLD_TEST_INPUT");
	struct test_input *ti;
	int ret;

	(void)argc, (void)argv;
	if (!path || !path[0]) {
		weston_log("vdispld-test-input: set VDISPLD_TEST_INPUT to the "
			   "command socket path\n");
		return -1;
	}
	ti = calloc(1, sizeof(*ti));
	if (!ti)
		return -1;
	ti->ec = ec;
	ti->listen_fd = -1;
	wl_list_init(&ti->clients);

	weston_seat_init(&ti->seat, ec, "vdispld-test");
	weston_seat_init_pointer(&ti->seat);
	weston_seat_init_touch(&ti->seat);
	if (weston_seat_init_keyboard(&ti->seat, NULL) < 0 ||
	    !ti->seat.touch_state) {
		weston_log("vdispld-test-input: cannot create the seat\n");
		test_input_destroy(ti);
		return -1;
	}
	ti->touch = weston_touch_create_touch_device(
		ti->seat.touch_state, "vdispld-test-touch", NULL, NULL);
	ret = ti->touch ? listen_on(ti, path) : -ENOMEM;
	if (ret < 0) {
		weston_log("vdispld-test-input: cannot serve %s: %s\n", path,
			   strerror(-ret));
		test_input_destroy(ti);
		return -1;
	}
	weston_compositor_add_destroy_listener_once(ec, &ti->destroy,
						    on_compositor_destroy);
	weston_log("vdispld-test-input: seat with pointer, keyboard and "
		   "touch; commands on %s\n", path);
	return 0;
}
