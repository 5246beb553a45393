/* "xl create / destroy / reboot" for simulated guests: the hypervisor
 * domain, the XenStore nodes libxl writes (with its permissions), and the
 * guest's frontend drivers. */
#include "toolstack.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drm_front.h"
#include "gsim.h"
#include "kbd_front.h"
#include "log.h"
#include "xensim.h"
#include "xensim_priv.h"

#define PATH_LEN 256
#define DEFAULT_MEM_PAGES 65536u

struct xensim_guest {
	struct xensim *sim;
	struct xensim_guest_cfg cfg;
	struct gsim_domain *dom;
	bool drivers_loaded;
	struct drm_front *drm;
	struct kbd_front *kbd[XENSIM_MAX_VKBS];
	struct xensim_guest *next;
};

/* libxl's three permission sets for a guest's nodes. */
struct guest_perms {
	struct xs_srv_perm ro[2];    /* dom0 owns, guest reads */
	struct xs_srv_perm rw[1];    /* guest owns */
	struct xs_srv_perm front[2]; /* guest owns, backend reads */
	struct xs_srv_perm back[2];  /* backend owns, guest reads */
};

static void guest_perms_init(struct guest_perms *p, uint32_t domid,
			     uint32_t be)
{
	p->ro[0] = (struct xs_srv_perm){0, 'n'};
	p->ro[1] = (struct xs_srv_perm){domid, 'r'};
	p->rw[0] = (struct xs_srv_perm){domid, 'n'};
	p->front[0] = (struct xs_srv_perm){domid, 'n'};
	p->front[1] = (struct xs_srv_perm){be, 'r'};
	p->back[0] = (struct xs_srv_perm){be, 'n'};
	p->back[1] = (struct xs_srv_perm){domid, 'r'};
}

int xensim_parse_resolution(const char *s, uint32_t *w, uint32_t *h)
{
	unsigned long a, b;
	char *end;
	errno = 0;
	a = strtoul(s, &end, 10);
	if (end == s || *end != 'x' || errno)
		return -EINVAL;
	const char *t = end + 1;
	b = strtoul(t, &end, 10);
	if (end == t || *end || errno || !a || !b || a > 16384 || b > 16384)
		return -EINVAL;
	*w = (uint32_t)a;
	*h = (uint32_t)b;
	return 0;
}

static int wr(struct xs_server *xs, const struct xs_srv_perm *perms,
	      unsigned n, const char *value, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Writes (value) or makes (NULL) the node at the formatted path with perms. */
static int wr(struct xs_server *xs, const struct xs_srv_perm *perms,
	      unsigned n, const char *value, const char *fmt, ...)
{
	char path[PATH_LEN];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return xensim_write_perms(xs, path, value, perms, n);
}

static void uuid_of(uint32_t domid, char out[40])
{
	snprintf(out, 40, "5eed0000-0000-4000-8000-%012x", domid);
}

/* libxl__domain_make: the domain's home, read-only to it except the
 * folders it must write to. */
static int write_domain_nodes(struct xs_server *xs, const struct xensim_guest_cfg *c,
			      const struct guest_perms *p)
{
	static const char *const rw_nodes[] = {
		"control/shutdown", "control/feature-poweroff",
		"control/feature-reboot", "control/feature-suspend",
		"control/sysrq", "device/suspend/event-channel", "data",
		"drivers", "feature", "attr", "error",
	};
	uint32_t d = c->domid;
	char uuid[40], num[16];
	uuid_of(d, uuid);
	snprintf(num, sizeof(num), "%u", d);
	int ret = 0;
	ret |= wr(xs, p->ro, 2, NULL, "/local/domain/%u", d);
	ret |= wr(xs, p->ro, 2, NULL, "/vm/%s", uuid);
	ret |= wr(xs, p->ro, 2, c->name, "/vm/%s/name", uuid);
	ret |= wr(xs, p->ro, 2, uuid, "/vm/%s/uuid", uuid);
	ret |= wr(xs, p->ro, 2, NULL, "/local/domain/%u/device", d);
	ret |= wr(xs, p->ro, 2, NULL, "/local/domain/%u/control", d);
	ret |= wr(xs, p->ro, 2, NULL, "/local/domain/%u/device/suspend", d);
	for (size_t i = 0; i < sizeof(rw_nodes) / sizeof(rw_nodes[0]); i++)
		ret |= wr(xs, p->rw, 1, NULL, "/local/domain/%u/%s", d,
			  rw_nodes[i]);
	ret |= wr(xs, p->ro, 2, c->name, "/local/domain/%u/name", d);
	ret |= wr(xs, p->ro, 2, num, "/local/domain/%u/domid", d);
	char vm[64];
	snprintf(vm, sizeof(vm), "/vm/%s", uuid);
	ret |= wr(xs, p->ro, 2, vm, "/local/domain/%u/vm", d);
	return ret ? -EIO : 0;
}

/* libxl__device_generic_add: the type and domain folders closed and owned
 * by the backend domain, the device folder readable by the guest. */
static int write_backend_head(struct xs_server *xs, const struct guest_perms *p,
			      uint32_t be, const char *type, uint32_t d,
			      unsigned devid, const char *fe_path)
{
	struct xs_srv_perm nbe[] = {{be, 'n'}};
	char dir[PATH_LEN], num[16];
	snprintf(num, sizeof(num), "%u", d);
	snprintf(dir, sizeof(dir), "/local/domain/%u/backend/%s/%u/%u", be,
		 type, d, devid);
	int ret = 0;
	ret |= wr(xs, nbe, 1, NULL, "/local/domain/%u/backend/%s", be, type);
	ret |= wr(xs, nbe, 1, NULL, "/local/domain/%u/backend/%s/%u", be, type, d);
	ret |= wr(xs, p->back, 2, NULL, "%s", dir);
	ret |= wr(xs, p->back, 2, fe_path, "%s/frontend", dir);
	ret |= wr(xs, p->back, 2, num, "%s/frontend-id", dir);
	ret |= wr(xs, p->back, 2, "1", "%s/online", dir);
	ret |= wr(xs, p->back, 2, "1", "%s/state", dir);
	return ret ? -EIO : 0;
}

/* The frontend half: guest-owned, backend-readable; `backend`, then
 * backend-id and state. */
static int write_frontend_head(struct xs_server *xs, const struct guest_perms *p,
			       const char *fe_path, const char *be_path,
			       uint32_t be)
{
	char num[16];
	snprintf(num, sizeof(num), "%u", be);
	int ret = 0;
	ret |= wr(xs, p->front, 2, NULL, "%s", fe_path);
	ret |= wr(xs, p->front, 2, be_path, "%s/backend", fe_path);
	ret |= wr(xs, p->front, 2, num, "%s/backend-id", fe_path);
	ret |= wr(xs, p->front, 2, "1", "%s/state", fe_path);
	return ret ? -EIO : 0;
}

static int write_vdispl(struct xs_server *xs, const struct xensim_guest_cfg *c,
			const struct guest_perms *p)
{
	char fe[PATH_LEN], be[PATH_LEN], val[32];
	uint32_t d = c->domid, b = c->backend_domid;
	snprintf(fe, sizeof(fe), "/local/domain/%u/device/vdispl/0", d);
	snprintf(be, sizeof(be), "/local/domain/%u/backend/vdispl/%u/0", b, d);
	int ret = wr(xs, p->ro, 2, NULL, "/local/domain/%u/device/vdispl", d);
	ret |= write_frontend_head(xs, p, fe, be, b);
	ret |= wr(xs, p->back, 2, c->be_alloc ? "1" : "0", "%s/be-alloc", fe);
	for (unsigned i = 0; i < c->num_conns; i++) {
		const struct xensim_conn_cfg *cc = &c->conns[i];
		snprintf(val, sizeof(val), "%ux%u", cc->width, cc->height);
		ret |= wr(xs, p->front, 2, NULL, "%s/%u", fe, i);
		ret |= wr(xs, p->back, 2, val, "%s/%u/resolution", fe, i);
		ret |= wr(xs, p->back, 2, cc->unique_id, "%s/%u/unique-id", fe, i);
	}
	ret |= write_backend_head(xs, p, b, "vdispl", d, 0, fe);
	return ret ? -EIO : 0;
}

static int write_u32(struct xs_server *xs, const struct xs_srv_perm *perms,
		     const char *dir, const char *name, uint32_t v)
{
	char val[16];
	snprintf(val, sizeof(val), "%u", v);
	return wr(xs, perms, 2, val, "%s/%s", dir, name);
}

/* vkb with backend-type=linux: backend under backend/vinput, the guest side
 * stays device/vkbd; features live in the backend directory. */
static int write_vkb(struct xs_server *xs, const struct xensim_guest_cfg *c,
		     const struct guest_perms *p, unsigned devid)
{
	const struct xensim_vkb_cfg *k = &c->vkbs[devid];
	char fe[PATH_LEN], be[PATH_LEN];
	uint32_t d = c->domid, b = c->backend_domid;
	snprintf(fe, sizeof(fe), "/local/domain/%u/device/vkbd/%u", d, devid);
	snprintf(be, sizeof(be), "/local/domain/%u/backend/vinput/%u/%u", b, d,
		 devid);
	int ret = wr(xs, p->ro, 2, NULL, "/local/domain/%u/device/vkbd", d);
	ret |= write_frontend_head(xs, p, fe, be, b);
	ret |= write_backend_head(xs, p, b, "vinput", d, devid, fe);
	ret |= wr(xs, p->back, 2, k->unique_id, "%s/unique-id", be);
	ret |= write_u32(xs, p->back, be, "feature-abs-pointer", k->feature_abs_pointer);
	ret |= write_u32(xs, p->back, be, "feature-multi-touch", k->feature_multi_touch);
	if (k->mt_width)
		ret |= write_u32(xs, p->back, be, "multi-touch-width", k->mt_width);
	if (k->mt_height)
		ret |= write_u32(xs, p->back, be, "multi-touch-height", k->mt_height);
	if (k->mt_num_contacts)
		ret |= write_u32(xs, p->back, be, "multi-touch-num-contacts",
				 k->mt_num_contacts);
	if (k->width)
		ret |= write_u32(xs, p->back, be, "width", k->width);
	if (k->height)
		ret |= write_u32(xs, p->back, be, "height", k->height);
	return ret ? -EIO : 0;
}

/* Every PV guest has a console; its backend sits beside ours. */
static int write_console(struct xs_server *xs, const struct xensim_guest_cfg *c,
			 const struct guest_perms *p)
{
	char fe[PATH_LEN];
	snprintf(fe, sizeof(fe), "/local/domain/%u/console", c->domid);
	int ret = wr(xs, p->front, 2, NULL, "%s", fe);
	ret |= write_backend_head(xs, p, c->backend_domid, "console",
				  c->domid, 0, fe);
	ret |= wr(xs, p->back, 2, "vt100",
		  "/local/domain/%u/backend/console/%u/0/protocol",
		  c->backend_domid, c->domid);
	return ret ? -EIO : 0;
}

static int write_guest_nodes(struct xs_server *xs, const struct xensim_guest_cfg *c)
{
	struct guest_perms p;
	guest_perms_init(&p, c->domid, c->backend_domid);
	int ret = write_domain_nodes(xs, c, &p);
	if (!ret)
		ret = write_console(xs, c, &p);
	if (!ret && c->vdispl)
		ret = write_vdispl(xs, c, &p);
	for (unsigned i = 0; !ret && i < c->num_vkbs; i++)
		ret = write_vkb(xs, c, &p, i);
	return ret;
}

/* libxl__xs_path_cleanup: removes path, then each parent left empty, up to
 * (not including) stop. */
static void path_cleanup(struct xs_server *xs, const char *path,
			 const char *stop)
{
	char buf[PATH_LEN * 2];
	snprintf(buf, sizeof(buf), "%s", path);
	xs_srv_rm(xs, 0, buf);
	for (char *slash = strrchr(buf, '/'); slash && slash != buf;
	     slash = strrchr(buf, '/')) {
		*slash = '\0';
		if (strcmp(buf, stop) == 0)
			return;
		unsigned n = 0;
		char **list = xs_srv_directory(xs, 0, buf, &n);
		if (!list)
			return;
		xs_srv_free_list(list);
		if (n)
			return;
		xs_srv_rm(xs, 0, buf);
	}
}

static void remove_guest_nodes(struct xs_server *xs, const struct xensim_guest_cfg *c)
{
	char path[PATH_LEN * 2], stop[PATH_LEN], uuid[40];
	uint32_t b = c->backend_domid, d = c->domid;
	snprintf(stop, sizeof(stop), "/local/domain/%u/backend", b);
	static const char *const types[] = {"vdispl", "vinput", "console"};
	for (size_t t = 0; t < 3; t++) {
		unsigned n = t == 1 ? c->num_vkbs : 1;
		if (t == 0 && !c->vdispl)
			continue;
		for (unsigned i = 0; i < n; i++) {
			snprintf(path, sizeof(path), "%s/%s/%u/%u", stop,
				 types[t], d, i);
			path_cleanup(xs, path, stop);
		}
	}
	snprintf(path, sizeof(path), "/local/domain/%u", d);
	xs_srv_rm(xs, 0, path);
	uuid_of(d, uuid);
	snprintf(path, sizeof(path), "/vm/%s", uuid);
	xs_srv_rm(xs, 0, path);
}

static int load_drivers(struct xensim_guest *g)
{
	struct xensim *sim = g->sim;
	char path[PATH_LEN];
	uint32_t d = g->cfg.domid;
	g->drivers_loaded = true;
	if (g->cfg.vdispl) {
		snprintf(path, sizeof(path), "/local/domain/%u/device/vdispl/0", d);
		struct drm_front_cfg fc = {.domid = d, .devid = 0, .path = path};
		g->drm = drm_front_create(sim->loop, sim->xs, g->dom, &fc);
		if (!g->drm)
			return errno ? -errno : -EIO;
	}
	for (unsigned i = 0; i < g->cfg.num_vkbs; i++) {
		snprintf(path, sizeof(path), "/local/domain/%u/device/vkbd/%u", d, i);
		struct kbd_front_cfg kc = {.domid = d, .devid = i, .path = path};
		g->kbd[i] = kbd_front_create(sim->loop, sim->xs, g->dom, &kc);
		if (!g->kbd[i])
			return errno ? -errno : -EIO;
	}
	return 0;
}

/* The guest dies: its drivers vanish without a word. */
static void unload_drivers_dead(struct xensim_guest *g)
{
	drm_front_destroy(g->drm, true);
	g->drm = NULL;
	for (unsigned i = 0; i < XENSIM_MAX_VKBS; i++) {
		kbd_front_destroy(g->kbd[i], true);
		g->kbd[i] = NULL;
	}
	g->drivers_loaded = false;
}

static void kill_guest(struct xensim_guest *g)
{
	struct xensim *sim = g->sim;
	unload_drivers_dead(g);
	remove_guest_nodes(sim->xs, &g->cfg);
	xs_srv_release_domain(sim->xs, g->cfg.domid);
	if (g->dom)
		gsim_domain_destroy(g->dom);
	g->dom = NULL;
}

static int boot_guest(struct xensim_guest *g)
{
	struct xensim *sim = g->sim;
	uint32_t pages = g->cfg.mem_pages ? g->cfg.mem_pages : DEFAULT_MEM_PAGES;
	g->dom = gsim_domain_create(sim->gs, g->cfg.domid, pages);
	if (!g->dom) {
		int ret = errno ? -errno : -EIO;
		log_error("xensim: creating domain %u: %s", g->cfg.domid,
			  strerror(-ret));
		return ret;
	}
	gsim_domain_set_type(g->dom, g->cfg.dom_type
					     ? (enum gsim_dom_type)g->cfg.dom_type
					     : GSIM_DOM_HVM);
	int ret = write_guest_nodes(sim->xs, &g->cfg);
	if (ret < 0) {
		log_error("xensim: writing XenStore nodes of domain %u failed",
			  g->cfg.domid);
		return ret;
	}
	xs_srv_introduce_domain(sim->xs, g->cfg.domid);
	log_info("xensim: created guest %s as domain %u", g->cfg.name,
		 g->cfg.domid);
	if (!g->cfg.defer_drivers)
		return load_drivers(g);
	return 0;
}

static bool domid_taken(struct xensim *sim, uint32_t domid,
			const struct xensim_guest *except)
{
	for (struct xensim_guest *g = sim->guests; g; g = g->next)
		if (g != except && g->cfg.domid == domid)
			return true;
	return domid == 0;
}

static int check_cfg(const struct xensim_guest_cfg *cfg)
{
	if (cfg->num_conns > XENSIM_MAX_CONNECTORS ||
	    cfg->num_vkbs > XENSIM_MAX_VKBS || (cfg->vdispl && !cfg->num_conns))
		return -EINVAL;
	for (unsigned i = 0; i < cfg->num_conns; i++)
		if (!cfg->conns[i].width || !cfg->conns[i].height)
			return -EINVAL;
	return 0;
}

struct xensim_guest *xensim_guest_create(struct xensim *sim,
					 const struct xensim_guest_cfg *cfg)
{
	int ret = check_cfg(cfg);
	if (ret == 0 && (domid_taken(sim, cfg->domid, NULL) ||
			 (cfg->name[0] && xensim_find_guest(sim, cfg->name))))
		ret = -EEXIST;
	struct xensim_guest *g = ret ? NULL : calloc(1, sizeof(*g));
	if (!g) {
		errno = ret ? -ret : ENOMEM;
		return NULL;
	}
	g->sim = sim;
	g->cfg = *cfg;
	if (!g->cfg.name[0])
		snprintf(g->cfg.name, sizeof(g->cfg.name), "guest%u", cfg->domid);
	xensim_link_guest(sim, g);
	ret = boot_guest(g);
	if (ret < 0) {
		xensim_guest_destroy(g);
		errno = -ret;
		return NULL;
	}
	return g;
}

void xensim_guest_destroy(struct xensim_guest *g)
{
	if (!g)
		return;
	kill_guest(g);
	log_info("xensim: destroyed guest %s (domain %u)", g->cfg.name,
		 g->cfg.domid);
	xensim_unlink_guest(g->sim, g);
	free(g);
}

int xensim_guest_reboot(struct xensim_guest *g, uint32_t new_domid)
{
	if (domid_taken(g->sim, new_domid, g))
		return -EEXIST;
	kill_guest(g);
	g->cfg.domid = new_domid;
	return boot_guest(g);
}

int xensim_guest_start_drivers(struct xensim_guest *g)
{
	if (g->drivers_loaded)
		return -EALREADY;
	return load_drivers(g);
}

int xensim_guest_reload_drivers(struct xensim_guest *g)
{
	if (!g->drivers_loaded)
		return -ENODEV;
	int ret = 0;
	if (g->drm)
		ret = drm_front_reload(g->drm);
	for (unsigned i = 0; i < XENSIM_MAX_VKBS && !ret; i++)
		if (g->kbd[i])
			ret = kbd_front_reload(g->kbd[i]);
	return ret;
}

uint32_t xensim_guest_domid(const struct xensim_guest *g)
{
	return g->cfg.domid;
}

const char *xensim_guest_name(const struct xensim_guest *g)
{
	return g->cfg.name;
}

const struct xensim_guest_cfg *xensim_guest_cfg(const struct xensim_guest *g)
{
	return &g->cfg;
}

struct gsim_domain *xensim_guest_domain(struct xensim_guest *g)
{
	return g->dom;
}

struct drm_front *xensim_guest_drm(struct xensim_guest *g)
{
	return g->drm;
}

struct kbd_front *xensim_guest_kbd(struct xensim_guest *g, unsigned devid)
{
	return devid < XENSIM_MAX_VKBS ? g->kbd[devid] : NULL;
}

void xensim_link_guest(struct xensim *sim, struct xensim_guest *g)
{
	struct xensim_guest **pp = &sim->guests;
	while (*pp)
		pp = &(*pp)->next;
	g->next = NULL;
	*pp = g;
}

void xensim_unlink_guest(struct xensim *sim, struct xensim_guest *g)
{
	for (struct xensim_guest **pp = &sim->guests; *pp; pp = &(*pp)->next) {
		if (*pp == g) {
			*pp = g->next;
			return;
		}
	}
}

struct xensim_guest *xensim_first_guest(struct xensim *sim)
{
	return sim->guests;
}

struct xensim_guest *xensim_next_guest(struct xensim_guest *g)
{
	return g->next;
}

struct xensim_guest *xensim_find_guest(struct xensim *sim, const char *name)
{
	for (struct xensim_guest *g = sim->guests; g; g = g->next)
		if (strcmp(g->cfg.name, name) == 0)
			return g;
	return NULL;
}
