/* The libinput source (libinput_src.h): one libinput context on the
 * daemon's loop, either on a udev seat or on the listed device paths
 * (the path backend: no logind, vdispld opens the nodes itself as root;
 * udevd must still have processed them). Each device gets an output when libinput adds it and a route
 * (linput_route.c) that remembers what it holds; a device removed
 * releases it. Listed paths absent at start, or unplugged later, are
 * tried again on a timer, as are those udevd has not processed yet. */
#include <errno.h>
#include <fcntl.h>
#include <libudev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linput_priv.h"
#include "log.h"
#include "loop.h"

#define RETRY_NS 2000000000ull

static int open_restricted(const char *path, int flags, void *data)
{
	int fd = open(path, flags | O_CLOEXEC);

	(void)data;
	return fd < 0 ? -errno : fd;
}

static void close_restricted(int fd, void *data)
{
	(void)data;
	close(fd);
}

static const struct libinput_interface iface = {
	.open_restricted = open_restricted,
	.close_restricted = close_restricted,
};

static void li_log(struct libinput *li, enum libinput_log_priority prio,
		   const char *fmt, va_list ap)
{
	char buf[512];
	size_t n;

	(void)li;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	n = strlen(buf);
	while (n && buf[n - 1] == '\n')
		buf[--n] = 0;
	/* Device names are whatever a plugged-in device says: one line of
	 * printable text. */
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)buf[i] < 0x20 || (unsigned char)buf[i] > 0x7e)
			buf[i] = '?';
	log_msg(prio >= LIBINPUT_LOG_PRIORITY_ERROR ? LOG_LVL_WARN
		: prio >= LIBINPUT_LOG_PRIORITY_INFO ? LOG_LVL_INFO
						     : LOG_LVL_DEBUG,
		"input: libinput: %s", buf);
}

/* ---- which output a device belongs to ---- */

static bool same_node(const char *path, const char *devnode)
{
	char *real;
	bool same;

	if (!devnode || path[0] != '/')
		return false;
	real = realpath(path, NULL);
	same = real && strcmp(real, devnode) == 0;
	free(real);
	return same;
}

static const char *output_of(const struct linput_src *s,
			     struct libinput_device *dev)
{
	struct udev_device *ud = libinput_device_get_udev_device(dev);
	const char *node = ud ? udev_device_get_devnode(ud) : NULL;
	const char *sysname = libinput_device_get_sysname(dev);
	const char *name = libinput_device_get_name(dev);
	const char *out = NULL;

	for (size_t i = 0; i < s->n_slots && !out; i++) {
		const char *want = s->slots[i].device;

		if (s->slots[i].opened == dev || same_node(want, node) ||
		    strcmp(want, sysname) == 0 || strcmp(want, name) == 0)
			out = s->slots[i].output;
	}
	if (!out)
		out = libinput_device_get_output_name(dev); /* udev WL_OUTPUT */
	if (!out)
		out = s->default_output;
	if (ud)
		udev_device_unref(ud);
	return out;
}

/* ---- devices ---- */

static void device_added(struct linput_src *s, struct libinput_device *dev)
{
	struct linput_dev *d = calloc(1, sizeof(*d));
	const char *out = output_of(s, dev);
	static const char *const caps[] = {"keyboard", "pointer", "touch"};
	static const enum libinput_device_capability cap_ids[] = {
		LIBINPUT_DEVICE_CAP_KEYBOARD, LIBINPUT_DEVICE_CAP_POINTER,
		LIBINPUT_DEVICE_CAP_TOUCH};
	char what[64] = "";

	if (!d || (out && !(d->output = strdup(out)))) {
		free(d);
		log_error("input: no memory for %s: its input is ignored",
			  libinput_device_get_sysname(dev));
		return;
	}
	d->src = s;
	d->dev = libinput_device_ref(dev);
	lroute_init(&d->route, &s->sink);
	libinput_device_set_user_data(dev, d);
	d->next = s->devs;
	s->devs = d;
	for (size_t i = 0; i < 3; i++)
		if (libinput_device_has_capability(dev, cap_ids[i]))
			snprintf(what + strlen(what), sizeof(what) - strlen(what),
				 "%s%s", what[0] ? "," : "", caps[i]);
	log_info("input: %s \"%s\" (%s) -> %s",
		 libinput_device_get_sysname(dev),
		 log_text(libinput_device_get_name(dev)),
		 what[0] ? what : "nothing we read",
		 out ? out : "no output: ignored");
}

static void dev_free(struct linput_dev *d)
{
	struct linput_dev **pp = &d->src->devs;

	while (*pp != d)
		pp = &(*pp)->next;
	*pp = d->next;
	lroute_release_all(&d->route);
	libinput_device_set_user_data(d->dev, NULL);
	libinput_device_unref(d->dev);
	free(d->output);
	free(d);
}

static void device_removed(struct linput_src *s, struct libinput_device *dev)
{
	struct linput_dev *d = libinput_device_get_user_data(dev);

	for (size_t i = 0; i < s->n_slots; i++)
		if (s->slots[i].opened == dev)
			s->slots[i].opened = NULL;
	log_info("input: %s removed", libinput_device_get_sysname(dev));
	if (d)
		dev_free(d);
}

static void drain(struct linput_src *s)
{
	struct libinput_event *ev;

	while ((ev = libinput_get_event(s->li))) {
		struct libinput_device *dev = libinput_event_get_device(ev);
		struct linput_dev *d = libinput_device_get_user_data(dev);

		switch (libinput_event_get_type(ev)) {
		case LIBINPUT_EVENT_DEVICE_ADDED:
			device_added(s, dev);
			break;
		case LIBINPUT_EVENT_DEVICE_REMOVED:
			device_removed(s, dev);
			break;
		default:
			if (d)
				linput_event(d, ev);
			break;
		}
		libinput_event_destroy(ev);
	}
}

static void on_readable(void *data, int fd, uint32_t events)
{
	struct linput_src *s = data;

	(void)fd, (void)events;
	if (libinput_dispatch(s->li) < 0)
		log_warn("input: libinput_dispatch failed");
	drain(s);
}

static void on_initial(void *data)
{
	struct linput_src *s = data;

	s->initial = NULL;
	on_readable(s, -1, 0);
}

/* Why path can't be opened now, or NULL. libinput's path backend waits
 * (sleeping, up to seconds) for udevd to have initialised the device and
 * reads its ID_INPUT_* properties from udev's database, so a node udevd
 * has not seen is left for the next retry rather than stalling the loop. */
static const char *not_ready(struct linput_src *s, const char *path)
{
	struct udev_device *ud;
	struct stat st;
	bool ready;

	if (stat(path, &st) < 0)
		return strerror(errno);
	if (!S_ISCHR(st.st_mode))
		return "not a character device";
	ud = udev_device_new_from_devnum(s->udev, 'c', st.st_rdev);
	ready = ud && udev_device_get_is_initialized(ud);
	if (ud)
		udev_device_unref(ud);
	return ready ? NULL : "udev has not initialised it (is udevd running?)";
}

/* Opens every listed path not open yet. */
static void open_paths(struct linput_src *s)
{
	for (size_t i = 0; i < s->n_slots; i++) {
		struct linput_slot *sl = &s->slots[i];
		const char *why;

		if (sl->opened || sl->device[0] != '/')
			continue;
		why = not_ready(s, sl->device);
		if (!why) {
			sl->opened = libinput_path_add_device(s->li, sl->device);
			why = sl->opened ? NULL : "libinput refused it";
		}
		if (!why) {
			sl->warned = false;
		} else if (!sl->warned) {
			log_warn("input: can't use %s yet: %s; trying again",
				 sl->device, why);
			sl->warned = true;
		}
	}
}

static void on_retry(void *data)
{
	struct linput_src *s = data;

	open_paths(s);
	drain(s);
}

/* ---- the source ---- */

static int copy_config(struct linput_src *s, const struct linput_config *cfg)
{
	if (cfg->default_output &&
	    !(s->default_output = strdup(cfg->default_output)))
		return -ENOMEM;
	s->slots = calloc(cfg->n_maps ? cfg->n_maps : 1, sizeof(*s->slots));
	if (!s->slots)
		return -ENOMEM;
	for (size_t i = 0; i < cfg->n_maps; i++) {
		const struct linput_map *m = &cfg->maps[i];

		if (!m->device || !m->output)
			return -EINVAL;
		s->slots[i].device = strdup(m->device);
		s->slots[i].output = strdup(m->output);
		s->n_slots = i + 1;
		if (!s->slots[i].device || !s->slots[i].output)
			return -ENOMEM;
	}
	return 0;
}

static int open_context(struct linput_src *s, const char *seat)
{
	s->udev = udev_new();
	if (!s->udev)
		return -ENOMEM;
	s->li = seat ? libinput_udev_create_context(&iface, s, s->udev)
		     : libinput_path_create_context(&iface, s);
	if (!s->li)
		return -ENOMEM;
	libinput_log_set_handler(s->li, li_log);
	libinput_log_set_priority(s->li, LIBINPUT_LOG_PRIORITY_INFO);
	if (!seat) {
		open_paths(s);
		return 0;
	}
	s->seat_mode = true;
	if (libinput_udev_assign_seat(s->li, seat) < 0) {
		log_error("input: can't read udev seat %s", seat);
		return -EIO;
	}
	return 0;
}

static int start(struct linput_src *s, const struct linput_config *cfg)
{
	int ret = copy_config(s, cfg);

	if (ret < 0)
		return ret;
	ret = open_context(s, cfg->seat);
	if (ret < 0)
		return ret;
	s->watch = loop_add_fd(s->loop, libinput_get_fd(s->li), EPOLLIN,
			       on_readable, s);
	/* What libinput queued already (the devices added) is read at the
	 * start of the next turn, not from inside the caller. */
	s->initial = loop_defer(s->loop, on_initial, s);
	if (!s->watch || !s->initial)
		return -ENOMEM;
	if (!s->seat_mode && s->n_slots) {
		s->retry = loop_add_timer(s->loop, on_retry, s);
		if (!s->retry || loop_timer_arm(s->retry, RETRY_NS, RETRY_NS) < 0)
			return -ENOMEM;
	}
	return 0;
}

struct linput_src *linput_src_create(struct loop *loop,
				     const struct linput_config *cfg,
				     linput_resolve_fn resolve,
				     void *resolve_data,
				     const struct vinput_sink *sink)
{
	struct linput_src *s = calloc(1, sizeof(*s));
	int ret;

	if (!s)
		return NULL;
	s->loop = loop;
	s->resolve = resolve;
	s->resolve_data = resolve_data;
	s->sink = *sink;
	ret = start(s, cfg);
	if (ret < 0) {
		log_error("input: libinput can't start: %s", strerror(-ret));
		linput_src_destroy(s);
		errno = -ret;
		return NULL;
	}
	log_info("input: reading %s", cfg->seat ? cfg->seat : "the listed devices");
	return s;
}

void linput_src_destroy(struct linput_src *s)
{
	if (!s)
		return;
	while (s->devs)
		dev_free(s->devs);
	loop_remove(s->watch);
	loop_remove(s->retry);
	loop_remove(s->initial);
	if (s->li)
		libinput_unref(s->li);
	if (s->udev)
		udev_unref(s->udev);
	for (size_t i = 0; i < s->n_slots; i++) {
		free(s->slots[i].device);
		free(s->slots[i].output);
	}
	free(s->slots);
	free(s->default_output);
	free(s);
}

void linput_src_forget(struct linput_src *s, uint32_t domid,
		       const char *unique_id)
{
	for (struct linput_dev *d = s->devs; d; d = d->next)
		lroute_forget(&d->route, domid, unique_id);
}

size_t linput_src_device_count(const struct linput_src *s)
{
	size_t n = 0;

	for (const struct linput_dev *d = s->devs; d; d = d->next)
		n++;
	return n;
}

int linput_map_parse(char *buf, struct linput_map *m)
{
	char *end = buf + strlen(buf), *out;

	while (end > buf && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = 0;
	out = end;
	while (out > buf && out[-1] != ' ' && out[-1] != '\t')
		out--;
	if (out == buf || !*out)
		return -EINVAL; /* one word: no output */
	out[-1] = 0;
	for (char *e = out - 1; e > buf && (e[-1] == ' ' || e[-1] == '\t');)
		*--e = 0;
	while (*buf == ' ' || *buf == '\t')
		buf++;
	if (!*buf)
		return -EINVAL;
	m->device = buf;
	m->output = out;
	return 0;
}
