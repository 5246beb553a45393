/* vdispld: flags, settings, wiring, signals and service notification.
 *
 * Exit codes: 0 clean shutdown (SIGINT/SIGTERM, --help, --version);
 * 1 runtime failure (XenStore, grant or event-channel device, Wayland
 * compositor or DRM device/lease unreachable at start); 2 bad command
 * line or settings file (the unit does not restart on 2: retrying can't
 * fix a typo).
 *
 * Shutdown: every device is disconnected and its backend state set to
 * Closed. Linux xen-drm-front then unplugs its DRM device and waits in
 * Initialising, xen-kbdfront goes Closed; when vdispld starts again it
 * writes InitWait and both connect anew. Leaving them Connected would
 * instead leave the guests flipping into rings nobody serves.
 *
 * Losing the compositor (or a DRM lease) is not an exit: the guests stay
 * connected, their flips complete on a timer, and the presenter reconnects
 * when the compositor's socket comes back (src/wl/wl_reconnect.c) or a new
 * lease comes (src/kms/kms_lease_src.c). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "config.h"
#include "displ.h"
#include "kbd.h"
#include "log.h"
#include "loop.h"
#include "presenter.h"
#include "presenter_select.h"
#include "status.h"
#include "xen_domain.h"
#include "xen_evtchn.h"
#include "xen_grant.h"
#include "xen_store.h"
#include "xenbus.h"

enum {
	EXIT_OK = 0,
	EXIT_RUNTIME = 1,
	EXIT_USAGE = 2,
};

struct daemon {
	struct config cfg;
	struct config_cli cli;
	struct loop *loop;
	struct xstore *xs;
	struct xgrant *xg;
	struct xevtchn *xe;
	struct xdomain *xdom;
	struct presenter_select pres;
	struct displ_ctx displ;
	struct xb_backend *vdispl;
	struct kbd_ctx kbd;
	struct xb_backend *vkbd;
	int signal_fd;
	struct loop_source *signal_src;
	struct loop_source *status_src;
	struct loop_source *stats_timer; /* counters line, -v / --trace */
	struct loop_source *watchdog;
	struct status_writer *status;
	unsigned last_guests, last_conns;
	unsigned last_xb_changes; /* xb_backend_changes() when last counted */
	bool status_sent;
	bool pres_lost; /* compositor or lease gone; waiting for it */
	int start_code; /* exit code when daemon_start fails */
};

/* A vkb follows the connector of its guest with its own unique-id unless
 * a [vkb] section names another. Read at each connect: a reload applies
 * to vkbs that connect afterwards. */
static const char *vkb_pairing(void *data, uint32_t domid,
			       const char *dom_name, uint32_t devid,
			       const char *unique_id)
{
	struct daemon *d = data;
	const struct config_vkb *v = config_find_vkb(&d->cfg, dom_name, domid,
						     devid, unique_id);
	return v ? v->connector : NULL;
}

static void apply_limits(struct daemon *d)
{
	struct displ_limits *l = &d->displ.limits;
	l->max_dbufs = d->cfg.max_dbufs;
	l->max_fbs = d->cfg.max_fbs;
	l->max_mapped_bytes = (uint64_t)d->cfg.max_mapped_mb << 20;
	l->max_reqs_per_turn = d->cfg.requests_per_turn;
	d->displ.trace = d->cfg.trace;
	/* New buffers only: those alive keep the path they have. */
	d->displ.try_dmabuf = !d->cfg.no_dmabuf;
	if (d->stats_timer) {
		uint64_t ns = (uint64_t)d->cfg.status_interval_s * 1000000000ull;
		loop_timer_arm(d->stats_timer, ns, ns);
	}
}

/* The periodic counters lines: info with --trace, else debug (logged
 * only at -v, where someone reads them). */
static void log_counters(struct daemon *d)
{
	displ_log_stats(&d->displ, d->vdispl,
			d->cfg.trace ? LOG_LVL_INFO : LOG_LVL_DEBUG);
}

static void stats_tick(void *data)
{
	log_counters(data);
}

/* SIGHUP: the file is read again; log level, trace and connector
 * settings take effect (a connector whose app-id, ivi-id, fullscreen,
 * output or size changed gets a new surface, a new title is set in
 * place, the guests stay connected), the limits apply to new
 * connections; a changed domain list needs a restart. */
static void reload_config(struct daemon *d)
{
	char err[CONFIG_ERR_MAX];
	struct config fresh;
	log_info("SIGHUP: re-reading %s",
		 d->cli.config_path ? d->cli.config_path
				    : d->cfg.path ? d->cfg.path
						  : "(no settings file)");
	if (config_build(&fresh, &d->cli, err, sizeof(err)) < 0) {
		log_error("reload failed, keeping the current settings: %s",
			  err);
		return;
	}
	if (fresh.n_domains != d->cfg.n_domains ||
	    memcmp(fresh.domains, d->cfg.domains,
		   fresh.n_domains * sizeof(fresh.domains[0])) != 0)
		log_warn("reload: the domain list changed; restart vdispld "
			 "to apply it");
	if (fresh.presenter != d->cfg.presenter)
		log_warn("reload: the presenter changed; restart vdispld to "
			 "apply it");
	config_finish(&d->cfg);
	d->cfg = fresh;
	log_set_level(d->cfg.log_level);
	apply_limits(d);
	presenter_select_reconfigure(&d->pres);
	log_info("reload: settings applied");
}

static void signal_readable(void *data, int fd, uint32_t events)
{
	struct daemon *d = data;
	(void)events;
	struct signalfd_siginfo si;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			reload_config(d);
			continue;
		}
		if (si.ssi_signo == SIGUSR1) { /* asked for: always logged */
			log_info("SIGUSR1: counters of every connector");
			displ_log_stats(&d->displ, d->vdispl, LOG_LVL_INFO);
			continue;
		}
		log_info("%s: shutting down", strsignal((int)si.ssi_signo));
		sd_notify(0, "STOPPING=1");
		loop_quit(d->loop, EXIT_OK);
	}
}

static int signals_setup(struct daemon *d)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	d->signal_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (d->signal_fd < 0)
		return -errno;
	d->signal_src =
		loop_add_fd(d->loop, d->signal_fd, EPOLLIN, signal_readable, d);
	return d->signal_src ? 0 : -errno;
}

/* Before each sleep: tell systemd when the device counts or the
 * compositor's presence changed. A lost compositor is waited for, the
 * guests kept: the presenter reconnects by itself. */
static void before_sleep(void *data)
{
	struct daemon *d = data;
	/* A guest that flooded and went quiet still owes its summary line;
	 * the status timer wakes us at least once a second. */
	log_flush_suppressed();
	bool lost = !presenter_select_connected(&d->pres);
	bool changed = lost != d->pres_lost;
	if (changed && lost)
		log_warn("lost %s; keeping every guest connected and waiting "
			 "for it to come back", presenter_select_what(&d->pres));
	else if (changed)
		log_info("%s is back; every connector shown again",
			 presenter_select_what(&d->pres));
	d->pres_lost = lost;
	/* Runs every loop turn: the devices are counted only when some
	 * connected or disconnected (a walk of every device per flip, else). */
	unsigned xb_changes = d->vdispl ? xb_backend_changes(d->vdispl) : 0;
	if (d->status_sent && !changed && xb_changes == d->last_xb_changes)
		return;
	d->last_xb_changes = xb_changes;
	unsigned guests, conns;
	status_count(d->vdispl, &guests, &conns);
	if (d->status_sent && !changed && guests == d->last_guests &&
	    conns == d->last_conns)
		return;
	d->status_sent = true;
	d->last_guests = guests;
	d->last_conns = conns;
	sd_notifyf(0, "STATUS=Serving %u guest(s), %u connector(s)%s%s",
		   guests, conns, lost ? "; waiting for " : "",
		   lost ? presenter_select_what(&d->pres) : "");
}

static void watchdog_tick(void *data)
{
	(void)data;
	sd_notify(0, "WATCHDOG=1");
}

/* WatchdogSec= in the unit: keepalives at half the interval, from the
 * loop, so a loop that hangs stops them and systemd restarts us. */
static int watchdog_setup(struct daemon *d)
{
	uint64_t usec = 0;
	int r = sd_watchdog_enabled(0, &usec);
	if (r <= 0 || usec == 0)
		return r < 0 ? r : 0;
	d->watchdog = loop_add_timer(d->loop, watchdog_tick, d);
	uint64_t half_ns = usec * 1000u / 2u;
	if (!d->watchdog || loop_timer_arm(d->watchdog, half_ns, half_ns) < 0)
		return -errno;
	log_info("watchdog: keepalive every %llu ms",
		 (unsigned long long)(half_ns / 1000000u));
	return 0;
}

static void status_file_setup(struct daemon *d)
{
	char path[4096];
	if (status_default_path(path, sizeof(path)) < 0)
		return;
	d->status = status_writer_create(d->loop, path, d->vdispl);
	if (!d->status)
		log_warn("status: not writing %s: %s (vdispld --list will show "
			 "XenStore's view only)", path, strerror(errno));
}

/* Without XenStore no guest can come or go, without the event channel
 * device none is heard: exit with an error so the service manager restarts
 * us; guests reconnect to the new instance on their own. */
static void quit_lost(struct daemon *d, const char *what)
{
	log_error("lost %s, exiting", what);
	loop_quit(d->loop, EXIT_RUNTIME);
}

static void xenstore_lost(void *data)
{
	quit_lost(data, "the XenStore connection");
}

static void evtchn_lost(void *data)
{
	quit_lost(data, "the event channel device");
}

static int open_xen(struct daemon *d)
{
	d->xs = xstore_open(d->loop);
	if (!d->xs) {
		log_error("cannot reach XenStore: is this Dom0 (or a driver "
			  "domain) with xenstored running?");
		return -1;
	}
	xstore_on_lost(d->xs, xenstore_lost, d);
	d->xg = xgrant_open();
	d->xe = d->xg ? xevtchn_open(d->loop) : NULL;
	if (!d->xg || !d->xe) {
		log_error("cannot open the Xen grant/event-channel devices "
			  "(/dev/xen/gntdev, /dev/xen/evtchn)");
		return -1;
	}
	xevtchn_on_lost(d->xe, evtchn_lost, d);
	/* Guests' domain types, asked on first need; NULL (no memory) only
	 * means every type is unknown. */
	d->xdom = xdomain_open();
	return 0;
}

static int daemon_start(struct daemon *d)
{
	d->loop = loop_create();
	if (!d->loop) {
		log_error("cannot create the event loop: %s", strerror(errno));
		return -1;
	}
	int r = signals_setup(d);
	if (r < 0) {
		log_error("cannot set up signal handling: %s", strerror(-r));
		return -1;
	}
	if (open_xen(d) < 0)
		return -1;
	kbd_ctx_init(&d->kbd, d->xg, d->xe);
	d->kbd.pairing = vkb_pairing;
	d->kbd.pairing_data = d;
	if (presenter_select_open(&d->pres, d->loop, &d->cfg,
				  kbd_vinput_sink(&d->kbd), &d->start_code) < 0)
		return -1;
	displ_ctx_init(&d->displ, d->pres.presenter, d->xg, d->xe);
	d->displ.xdom = d->xdom;
	apply_limits(d);
	d->vdispl = xb_backend_create(d->loop, d->xs, &displ_xb_impl, &d->displ,
				      d->cfg.domains, d->cfg.n_domains);
	if (!d->vdispl) {
		log_error("cannot start the vdispl backend: %s",
			  strerror(errno));
		return -1;
	}
	/* Input: keyboard, pointer and multi-touch of the same guests. */
	d->vkbd = xb_backend_create(d->loop, d->xs, &kbd_xb_impl, &d->kbd,
				    d->cfg.domains, d->cfg.n_domains);
	if (!d->vkbd) {
		log_error("cannot start the vkbd backend: %s",
			  strerror(errno));
		return -1;
	}
	d->status_src = loop_add_prepare(d->loop, before_sleep, d);
	d->stats_timer = loop_add_timer(d->loop, stats_tick, d);
	if (!d->status_src || !d->stats_timer)
		return -1;
	apply_limits(d); /* arms the stats timer */
	r = watchdog_setup(d);
	if (r < 0) {
		log_error("cannot set up the watchdog keepalive: %s",
			  strerror(-r));
		return -1;
	}
	status_file_setup(d);
	if (d->cfg.no_dmabuf)
		log_info("zero copy disabled (no-dmabuf): every frame is copied");
	return 0;
}

static void daemon_stop(struct daemon *d)
{
	status_writer_destroy(d->status);
	/* Connectors first: their surfaces release what the guests were told
	 * is held, through the vkbds still connected. */
	if (d->vdispl)
		log_counters(d); /* the final counts */
	xb_backend_destroy(d->vdispl);
	xb_backend_destroy(d->vkbd);
	presenter_select_close(&d->pres);
	xevtchn_close(d->xe);
	xgrant_close(d->xg);
	xdomain_close(d->xdom);
	xstore_close(d->xs);
	if (d->loop)
		loop_destroy(d->loop);
	if (d->signal_fd >= 0)
		close(d->signal_fd);
	config_finish(&d->cfg);
}

static int parse_settings(struct daemon *d, int argc, char *argv[])
{
	char err[CONFIG_ERR_MAX];
	if (config_cli_parse(&d->cli, argc, argv, err, sizeof(err)) < 0) {
		fprintf(stderr, "vdispld: %s\n", err);
		return EXIT_USAGE;
	}
	if (d->cli.help) {
		config_usage(stdout, argv[0]);
		return EXIT_OK;
	}
	if (d->cli.version) {
		printf("vdispld %s\n", VDISPLD_VERSION);
		return EXIT_OK;
	}
	if (d->cli.list) {
		char path[4096];
		if (status_default_path(path, sizeof(path)) < 0) {
			fprintf(stderr, "vdispld: $RUNTIME_DIRECTORY too long\n");
			return EXIT_RUNTIME;
		}
		return status_list(stdout, path);
	}
	if (config_build(&d->cfg, &d->cli, err, sizeof(err)) < 0) {
		fprintf(stderr, "vdispld: %s\n", err);
		return EXIT_USAGE;
	}
	return -1; /* go on */
}

int main(int argc, char *argv[])
{
	struct daemon d = {.signal_fd = -1};
	config_init(&d.cfg);
	int code = parse_settings(&d, argc, argv);
	if (code >= 0) {
		config_finish(&d.cfg);
		return code;
	}
	log_init(d.cfg.log_level, "vdispld");
	log_info("vdispld %s starting (settings: %s)", VDISPLD_VERSION,
		 d.cfg.path ? d.cfg.path : "built-in defaults");

	d.start_code = EXIT_RUNTIME;
	if (daemon_start(&d) < 0) {
		code = d.start_code;
	} else {
		sd_notify(0, "READY=1");
		log_info("ready");
		code = loop_run(d.loop) == EXIT_OK ? EXIT_OK : EXIT_RUNTIME;
	}
	daemon_stop(&d);
	log_info("stopped (exit %d)", code);
	return code;
}
