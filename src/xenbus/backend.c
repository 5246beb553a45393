/* Device discovery for one backend type: a watch on our backend/<type>
 * directory finds <domid>/<devid> directories at start-up (daemon restart
 * with guests already running) and as the toolstack creates them; a watch
 * on @releaseDomain drops the devices of guests that are gone. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xen_store.h"
#include "xenbus/xenbus_priv.h"

static bool domain_allowed(const struct xb_backend *be, uint32_t domid)
{
	if (be->n_domains == 0)
		return true;
	for (unsigned i = 0; i < be->n_domains; i++)
		if (be->domains[i] == domid)
			return true;
	return false;
}

static struct xb_node *node_find(struct xb_backend *be, uint32_t domid,
				 uint32_t devid)
{
	for (struct xb_node *n = be->nodes; n; n = n->next) {
		struct xb_device *dev = xb_node_dev(n);
		if (dev->domid == domid && dev->devid == devid)
			return n;
	}
	return NULL;
}

static struct xb_refused **refused_find(struct xb_backend *be, uint32_t domid,
					uint32_t devid)
{
	struct xb_refused **p = &be->refused;
	for (; *p; p = &(*p)->next)
		if ((*p)->domid == domid && (*p)->devid == devid)
			break;
	return p;
}

/* A refused device is forgotten once its directory is gone, so a new
 * device with the same ids gets a fresh look. */
static bool still_refused(struct xb_backend *be, uint32_t domid,
			  uint32_t devid)
{
	struct xb_refused **p = refused_find(be, domid, devid);
	if (!*p)
		return false;
	char path[300];
	snprintf(path, sizeof(path), "%s/%" PRIu32 "/%" PRIu32, be->type_path,
		 domid, devid);
	char *v = xstore_read(be->xs, path);
	if (v || errno != ENOENT) {
		free(v);
		return true;
	}
	struct xb_refused *gone = *p;
	*p = gone->next;
	free(gone);
	return false;
}

static void consider(struct xb_backend *be, uint32_t domid, uint32_t devid)
{
	if (!domain_allowed(be, domid) || node_find(be, domid, devid) ||
	    still_refused(be, domid, devid))
		return;
	int r = xb_device_add(be, domid, devid);
	if (r == -EPERM) {
		struct xb_refused *ref = calloc(1, sizeof(*ref));
		if (ref) {
			ref->domid = domid;
			ref->devid = devid;
			ref->next = be->refused;
			be->refused = ref;
		}
	} else if (r < 0 && r != -EAGAIN) {
		log_error("%s: dom%" PRIu32 " device %" PRIu32
			  " not added: %s",
			  be->impl->type, domid, devid, strerror(-r));
	}
}

/* Strict decimal id: a directory named "01" or "x" is not a device. */
static bool parse_id(const char *s, size_t len, uint32_t *out)
{
	if (len == 0 || len > 10 || (len > 1 && s[0] == '0'))
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

static void scan_domain(struct xb_backend *be, uint32_t domid)
{
	if (!domain_allowed(be, domid))
		return;
	char path[300];
	snprintf(path, sizeof(path), "%s/%" PRIu32, be->type_path, domid);
	unsigned num;
	char **devs = xstore_directory(be->xs, path, &num);
	for (unsigned i = 0; devs && i < num; i++) {
		uint32_t devid;
		if (parse_id(devs[i], strlen(devs[i]), &devid))
			consider(be, domid, devid);
	}
	free(devs);
}

static void scan_all(struct xb_backend *be)
{
	unsigned num;
	char **doms = xstore_directory(be->xs, be->type_path, &num);
	for (unsigned i = 0; doms && i < num; i++) {
		uint32_t domid;
		if (parse_id(doms[i], strlen(doms[i]), &domid))
			scan_domain(be, domid);
	}
	free(doms);
}

/* Fires for every change under backend/<type>, our own state writes
 * included: only a path naming an unknown device costs more than a
 * lookup. */
static void type_changed(void *data, const char *path)
{
	struct xb_backend *be = data;
	size_t len = strlen(be->type_path);
	if (strncmp(path, be->type_path, len) != 0)
		return;
	const char *rest = path + len;
	if (*rest != '/') {
		if (*rest == '\0')
			scan_all(be);
		return;
	}
	rest++;
	const char *slash = strchr(rest, '/');
	uint32_t domid, devid;
	if (!parse_id(rest, slash ? (size_t)(slash - rest) : strlen(rest),
		      &domid))
		return;
	if (!slash) {
		scan_domain(be, domid);
		return;
	}
	const char *dev = slash + 1;
	slash = strchr(dev, '/');
	if (parse_id(dev, slash ? (size_t)(slash - dev) : strlen(dev), &devid))
		consider(be, domid, devid);
}

/* @releaseDomain fires when any domain shuts down or dies; it names none.
 * A guest is gone once its /local/domain/<id> directory is. */
static void domain_released(void *data, const char *path)
{
	struct xb_backend *be = data;
	(void)path;
	struct xb_node *n = be->nodes;
	while (n) {
		struct xb_node *next = n->next;
		struct xb_device *dev = xb_node_dev(n);
		if (!xb_domain_alive(be->xs, dev->domid))
			xb_device_destroy(dev, false, "domain is gone");
		n = next;
	}
}

static int backend_watch(struct xb_backend *be)
{
	be->type_watch = xstore_watch(be->xs, be->type_path, type_changed, be);
	if (!be->type_watch)
		return -errno;
	be->release_watch =
		xstore_watch(be->xs, "@releaseDomain", domain_released, be);
	if (!be->release_watch)
		return -errno;
	return 0;
}

struct xb_backend *xb_backend_create(struct loop *loop, struct xstore *xs,
				     const struct xb_impl *impl, void *ctx,
				     const uint32_t *domains,
				     unsigned n_domains)
{
	int own = xstore_own_domid(xs);
	if (own < 0) {
		errno = EIO;
		return NULL;
	}
	struct xb_backend *be = calloc(1, sizeof(*be));
	if (!be)
		return NULL;
	be->loop = loop;
	be->xs = xs;
	be->impl = impl;
	be->ctx = ctx;
	be->own_domid = (uint32_t)own;
	if (n_domains) {
		be->domains = calloc(n_domains, sizeof(*domains));
		if (!be->domains)
			goto fail;
		memcpy(be->domains, domains, n_domains * sizeof(*domains));
		be->n_domains = n_domains;
	}
	if (asprintf(&be->type_path, "/local/domain/%d/backend/%s", own,
		     impl->type) < 0) {
		be->type_path = NULL;
		errno = ENOMEM;
		goto fail;
	}
	int r = backend_watch(be);
	if (r < 0) {
		errno = -r;
		goto fail;
	}
	log_info("%s: serving %s (%s)", impl->type, be->type_path,
		 n_domains ? "listed domains only" : "all domains");
	return be;
fail:;
	int err = errno;
	xb_backend_destroy(be);
	errno = err;
	return NULL;
}

/* Our devices go Closed: the frontends tear down and wait in Initialising,
 * so a restarted daemon finds them ready to connect again. */
void xb_backend_destroy(struct xb_backend *be)
{
	if (!be)
		return;
	xstore_unwatch(be->type_watch);
	xstore_unwatch(be->release_watch);
	while (be->nodes)
		xb_device_destroy(xb_node_dev(be->nodes), true, "shutting down");
	while (be->refused) {
		struct xb_refused *next = be->refused->next;
		free(be->refused);
		be->refused = next;
	}
	free(be->domains);
	free(be->type_path);
	free(be);
}

void xb_backend_for_each(struct xb_backend *be,
			 void (*fn)(struct xb_device *dev, void *data),
			 void *data)
{
	struct xb_node *n = be->nodes;
	while (n) {
		struct xb_node *next = n->next; /* fn may fail the device */
		fn(xb_node_dev(n), data);
		n = next;
	}
}

unsigned xb_backend_changes(const struct xb_backend *be)
{
	return be->changes;
}

unsigned xb_backend_device_count(const struct xb_backend *be)
{
	unsigned count = 0;
	for (const struct xb_node *n = be->nodes; n; n = n->next)
		count++;
	return count;
}
