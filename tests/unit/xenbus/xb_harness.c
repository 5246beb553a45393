/* Test rig for src/xenbus (see xb_harness.h). The test plays toolstack and
 * guest through stock libxenstore, so it includes xenstore.h; the product
 * keeps that to src/xen/. */
#include "xb_harness.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <xenstore.h>

#include "log.h"
#include "loop.h"
#include "xen_store.h"
#include "xs_server.h"

struct fake_counts fake;

static int fake_probe(struct xb_device *dev)
{
	struct fake_dev *f = (struct fake_dev *)dev;
	if (f->probed)
		fake.bad_call = true;
	fake.probe++;
	if (fake.fail_probe)
		return fake.fail_probe;
	f->probed = true;
	return 0;
}

static int fake_connect(struct xb_device *dev)
{
	struct fake_dev *f = (struct fake_dev *)dev;
	if (!f->probed || f->connected || dev->connected)
		fake.bad_call = true;
	fake.connect++;
	if (fake.fail_connect)
		return fake.fail_connect;
	f->connected = true;
	return 0;
}

static void fake_disconnect(struct xb_device *dev)
{
	struct fake_dev *f = (struct fake_dev *)dev;
	if (!f->connected)
		fake.bad_call = true;
	fake.disconnect++;
	f->connected = false;
}

static void fake_remove(struct xb_device *dev)
{
	struct fake_dev *f = (struct fake_dev *)dev;
	if (!f->probed || f->connected)
		fake.bad_call = true;
	fake.remove++;
	f->probed = false;
}

const struct xb_impl fake_impl = {
	.type = FAKE_TYPE,
	.device_size = sizeof(struct fake_dev),
	.probe = fake_probe,
	.connect = fake_connect,
	.disconnect = fake_disconnect,
	.remove = fake_remove,
};

static void stop_requested(void *data, int fd, uint32_t events)
{
	struct harness *hs = data;
	(void)events;
	uint64_t v;
	if (read(fd, &v, sizeof(v)) == sizeof(v))
		loop_quit(hs->srv_loop, 0);
}

static void *server_thread(void *data)
{
	struct harness *hs = data;
	loop_run(hs->srv_loop);
	return NULL;
}

static int server_start(struct harness *hs)
{
	hs->srv_loop = loop_create();
	if (!hs->srv_loop)
		return -1;
	hs->srv = xs_server_create(hs->srv_loop, hs->sock);
	hs->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!hs->srv || hs->stop_fd < 0 ||
	    !loop_add_fd(hs->srv_loop, hs->stop_fd, EPOLLIN, stop_requested,
			 hs))
		return -1;
	return pthread_create(&hs->thread, NULL, server_thread, hs) == 0 ? 0
									 : -1;
}

int harness_setup(struct harness *hs)
{
	memset(hs, 0, sizeof(*hs));
	memset(&fake, 0, sizeof(fake));
	hs->stop_fd = -1;
	snprintf(hs->dir, sizeof(hs->dir), "/tmp/vdispld-xb.XXXXXX");
	if (!mkdtemp(hs->dir))
		return -1;
	snprintf(hs->sock, sizeof(hs->sock), "%s/socket", hs->dir);
	if (server_start(hs) < 0)
		return -1;
	setenv("XENSTORED_PATH", hs->sock, 1);
	hs->h = xs_open(0);
	hs->loop = loop_create();
	if (!hs->h || !hs->loop)
		return -1;
	/* As xen-init-dom0 does. */
	ts_write(hs, "/local/domain/0/domid", "0");
	ts_write(hs, "/local/domain/0/name", "Domain-0");
	hs->xs = xstore_open(hs->loop);
	return hs->xs ? 0 : -1;
}

void harness_start_backend(struct harness *hs, const uint32_t *domains,
			   unsigned n_domains)
{
	hs->be = xb_backend_create(hs->loop, hs->xs, &fake_impl, hs, domains,
				   n_domains);
	if (!hs->be) {
		fprintf(stderr, "xb_backend_create: %s\n", strerror(errno));
		abort();
	}
}

void harness_teardown(struct harness *hs)
{
	xb_backend_destroy(hs->be);
	xstore_close(hs->xs);
	if (hs->loop)
		loop_destroy(hs->loop);
	if (hs->h)
		xs_close(hs->h);
	if (hs->thread) {
		uint64_t one = 1;
		if (write(hs->stop_fd, &one, sizeof(one)) != sizeof(one))
			abort();
		pthread_join(hs->thread, NULL);
	}
	xs_server_destroy(hs->srv);
	if (hs->srv_loop)
		loop_destroy(hs->srv_loop);
	if (hs->stop_fd >= 0)
		close(hs->stop_fd);
	unlink(hs->sock);
	rmdir(hs->dir);
	unsetenv("XENSTORED_PATH");
}

bool harness_wait(struct harness *hs, bool (*pred)(struct harness *, void *),
		  void *arg)
{
	uint64_t end = loop_now_ns() + 5000000000ull;
	while (!pred(hs, arg)) {
		if (loop_now_ns() > end)
			return false;
		loop_dispatch(hs->loop, 10);
	}
	return true;
}

void harness_pump(struct harness *hs, int ms)
{
	uint64_t end = loop_now_ns() + (uint64_t)ms * 1000000ull;
	while (loop_now_ns() < end)
		loop_dispatch(hs->loop, 5);
}

void ts_write(struct harness *hs, const char *path, const char *value)
{
	if (!xs_write(hs->h, XBT_NULL, path, value, strlen(value))) {
		fprintf(stderr, "toolstack write %s: %s\n", path,
			strerror(errno));
		abort();
	}
}

void ts_rm(struct harness *hs, const char *path)
{
	if (!xs_rm(hs->h, XBT_NULL, path)) {
		fprintf(stderr, "toolstack rm %s: %s\n", path, strerror(errno));
		abort();
	}
}

char *ts_read(struct harness *hs, const char *path)
{
	unsigned len;
	return xs_read(hs->h, XBT_NULL, path, &len);
}

void ts_create_domain(struct harness *hs, uint32_t domid)
{
	char path[64], name[32];
	snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
	snprintf(name, sizeof(name), "guest%u", domid);
	ts_write(hs, path, name);
	if (!xs_introduce_domain(hs->h, domid, 0, 1)) {
		fprintf(stderr, "introduce dom%u: %s\n", domid,
			strerror(errno));
		abort();
	}
}

static void tx_write(struct xs_handle *h, xs_transaction_t t,
		     const char *dir, const char *node, const char *value)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, node);
	if (!xs_write(h, t, path, value, strlen(value)))
		abort();
}

void ts_create_device(struct harness *hs, uint32_t domid, uint32_t devid,
		      int fe_state, const char *fe_path)
{
	char fe[128], be[128], id[16], st[16];
	snprintf(fe, sizeof(fe), "/local/domain/%u/device/%s/%u", domid,
		 FAKE_TYPE, devid);
	snprintf(be, sizeof(be), "/local/domain/0/backend/%s/%u/%u",
		 FAKE_TYPE, domid, devid);
	snprintf(id, sizeof(id), "%u", domid);
	snprintf(st, sizeof(st), "%d", fe_state);
	for (;;) {
		xs_transaction_t t = xs_transaction_start(hs->h);
		tx_write(hs->h, t, fe, "backend", be);
		tx_write(hs->h, t, fe, "backend-id", "0");
		tx_write(hs->h, t, fe, "state", st);
		tx_write(hs->h, t, be, "frontend", fe_path ? fe_path : fe);
		tx_write(hs->h, t, be, "frontend-id", id);
		tx_write(hs->h, t, be, "online", "1");
		tx_write(hs->h, t, be, "state", "1");
		if (xs_transaction_end(hs->h, t, false))
			return;
		if (errno != EAGAIN)
			abort();
	}
}

void ts_release_domain(struct harness *hs, uint32_t domid)
{
	if (!xs_release_domain(hs->h, domid)) {
		fprintf(stderr, "release dom%u: %s\n", domid, strerror(errno));
		abort();
	}
}

void fe_set(struct harness *hs, uint32_t domid, uint32_t devid, int state)
{
	char path[128], st[16];
	snprintf(path, sizeof(path), "/local/domain/%u/device/%s/%u/state",
		 domid, FAKE_TYPE, devid);
	snprintf(st, sizeof(st), "%d", state);
	ts_write(hs, path, st);
}

int be_state(struct harness *hs, uint32_t domid, uint32_t devid)
{
	char path[128];
	snprintf(path, sizeof(path), "/local/domain/0/backend/%s/%u/%u/state",
		 FAKE_TYPE, domid, devid);
	char *v = ts_read(hs, path);
	int st = v ? atoi(v) : -1;
	free(v);
	return st;
}

struct be_want {
	uint32_t domid, devid;
	int state;
};

static bool be_is(struct harness *hs, void *arg)
{
	struct be_want *w = arg;
	return be_state(hs, w->domid, w->devid) == w->state;
}

bool wait_be(struct harness *hs, uint32_t domid, uint32_t devid, int state)
{
	struct be_want w = {domid, devid, state};
	bool ok = harness_wait(hs, be_is, &w);
	if (!ok)
		fprintf(stderr, "backend dom%u/%u: state %d, wanted %d\n",
			domid, devid, be_state(hs, domid, devid), state);
	return ok;
}
