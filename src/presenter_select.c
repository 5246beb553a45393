/* Which presenter shows the guests (settings: presenter = wayland|kms),
 * created with the per-connector settings of its kind. Under kms no
 * Wayland connection is made at all: a Dom0 without a compositor runs it.
 * Settings of the other kind are ignored with a warning, not refused: one
 * file may serve both set-ups, and the warning names the key. A
 * connector's output is both kinds': a wl_output name under wayland (with
 * fullscreen), a KMS connector name under kms. */
#include "presenter_select.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kms_presenter.h"
#include "log.h"
#include "wl_presenter.h"
#ifdef VDISPLD_HAVE_LIBINPUT
#include "libinput_src.h"
#endif

/* The [connector ...] section of a guest connector, if any. */
static const struct config_connector *
connector_of(const struct config *cfg, const struct pres_conn_info *info)
{
	return config_find_connector(cfg, info->dom_name, info->domid,
				     info->devid, info->index, info->unique_id);
}

/* Wayland asks per connector how its surface should look. */
static void wl_lookup(void *data, const struct pres_conn_info *info,
		      struct wl_presenter_conn_opts *opts)
{
	const struct config *cfg = data;
	const struct config_connector *c = connector_of(cfg, info);
	if (!c)
		return;
	opts->app_id = c->app_id;
	opts->title = c->title;
	opts->fullscreen = c->fullscreen;
	if (c->fullscreen)
		opts->fullscreen_output = c->output;
	opts->width = c->size_w;
	opts->height = c->size_h;
	/* The presenter picks ivi_application for a non-zero ivi_id when the
	 * compositor has it: shell = xdg forces xdg_toplevel by not asking. */
	if (c->has_ivi_id && cfg->shell != CONFIG_SHELL_XDG)
		opts->ivi_id = c->ivi_id;
}

/* KMS asks per connector which output (KMS connector) it goes on. */
static void kms_lookup(void *data, const struct pres_conn_info *info,
		       struct kms_presenter_conn_opts *opts)
{
	const struct config_connector *c = connector_of(data, info);
	if (!c)
		return;
	opts->output = c->output;
	opts->fit = c->fit_scale ? KMS_FIT_SCALE : KMS_FIT_CENTRE;
}

/* The configured shell against what the compositor offers: asking for
 * one it lacks is a settings mistake, refused at start (exit 2). */
static int check_shell(const struct config *cfg, struct presenter *p)
{
	bool ivi = wl_presenter_has_ivi(p);
	bool xdg = wl_presenter_has_xdg(p);
	if (cfg->shell == CONFIG_SHELL_IVI && !ivi) {
		log_error("settings ask for shell = ivi, but the compositor "
			  "offers no ivi_application (is it Weston with "
			  "ivi-shell.so?); use shell = xdg or auto");
		return -1;
	}
	if (cfg->shell == CONFIG_SHELL_XDG && !xdg) {
		log_error("settings ask for shell = xdg, but the compositor "
			  "offers no xdg_wm_base; use shell = ivi or auto");
		return -1;
	}
	if (cfg->shell == CONFIG_SHELL_IVI) {
		for (const struct config_connector *c = cfg->connectors; c;
		     c = c->next)
			if (!c->has_ivi_id)
				log_warn("[%s] has no ivi-id: with shell = ivi "
					 "it gets an xdg_toplevel%s", c->section,
					 xdg ? "" : ", which this compositor "
						    "cannot show");
	}
	bool use_ivi = ivi && cfg->shell != CONFIG_SHELL_XDG;
	log_info("shell: %s (settings: shell = %s; compositor offers%s%s)",
		 use_ivi ? "ivi_application for connectors with an ivi-id, "
			   "xdg_toplevel for the rest"
			 : "xdg_toplevel",
		 config_shell_name(cfg->shell), ivi ? " ivi_application" : "",
		 xdg ? " xdg_wm_base" : "");
	return 0;
}

/* Keys the chosen presenter does not read: said once, at start. */
static void warn_other_kind(const struct config *cfg)
{
	bool kms = cfg->presenter == CONFIG_PRESENTER_KMS;
	for (const struct config_connector *c = cfg->connectors; c;
	     c = c->next) {
		if (kms && (c->app_id || c->title || c->has_ivi_id ||
			    c->fullscreen || c->size_w))
			log_warn("[%s]: app-id, title, ivi-id, fullscreen and "
				 "size are for presenter = wayland; ignored "
				 "under kms (output = names the screen)",
				 c->section);
		if (!kms && c->fit_scale)
			log_warn("[%s]: fit = scale is for presenter = kms "
				 "(under wayland, size = scales the surface)",
				 c->section);
	}
	if (!kms && (cfg->kms_device || cfg->drm_lease_socket))
		log_warn("kms-device / drm-lease-socket are for presenter = "
			 "kms; ignored under wayland");
	if (kms && cfg->wayland_display)
		log_warn("wayland-display is for presenter = wayland; ignored "
			 "under kms");
	bool input = cfg->input.seat || cfg->input.n_devices;
	if (!kms && input)
		log_warn("[input] is for presenter = kms (Dom0's own devices); "
			 "under wayland the compositor's seat gives input");
}

#ifdef VDISPLD_HAVE_LIBINPUT
/* An output's input devices reach the guest connector shown there. */
static bool kms_input_target(void *data, const char *output,
			     struct linput_target *t)
{
	const struct presenter_select *s = data;
	struct kms_shown k;
	if (!kms_presenter_shown_on(s->presenter, output, &k))
		return false;
	*t = (struct linput_target){
		.domid = k.domid,
		.unique_id = k.unique_id,
		.width = k.width,
		.height = k.height,
		.mode_w = k.mode_w,
		.mode_h = k.mode_h,
		.dst = k.dst,
		.src = k.src,
	};
	return true;
}

/* A guest connector goes: what its output's devices hold on it is
 * released now, not at their next event. */
static void kms_input_forget(void *data, uint32_t domid,
			     const char *unique_id)
{
	const struct presenter_select *s = data;
	if (s->linput)
		linput_src_forget(s->linput, domid, unique_id);
}
#endif

/* Dom0's input devices under kms ([input]). A source that can't start is
 * logged and the guests go without input, as under a compositor without
 * a seat: the display matters more. */
static void open_kms_input(struct presenter_select *s, struct loop *loop)
{
	const struct config_input *in = &s->cfg->input;
	if (!in->seat && !in->n_devices)
		return;
#ifdef VDISPLD_HAVE_LIBINPUT
	struct linput_map maps[CONFIG_MAX_INPUT_DEVICES];
	for (unsigned i = 0; i < in->n_devices; i++)
		maps[i] = (struct linput_map){in->devices[i].device,
					      in->devices[i].output};
	struct linput_config lcfg = {
		.seat = in->seat,
		.maps = maps,
		.n_maps = in->n_devices,
		.default_output = in->output,
	};
	s->linput = linput_src_create(loop, &lcfg, kms_input_target, s,
				      &s->input);
	if (!s->linput)
		log_error("input: Dom0's input devices can't be read; the "
			  "guests get no input");
#else
	(void)loop;
	log_error("[input] names Dom0's input devices, but this vdispld is "
		  "built without libinput; the guests get no input");
#endif
}

static int open_wayland(struct presenter_select *s, struct loop *loop,
			int *exit_code)
{
	const struct config *cfg = s->cfg;
	struct wl_presenter_config wcfg = {
		.display = cfg->wayland_display,
		.lookup = wl_lookup,
		.lookup_data = (void *)cfg,
		.input = s->input,
	};
	s->presenter = wl_presenter_create(loop, &wcfg);
	if (!s->presenter) {
		const char *name = cfg->wayland_display
					   ? cfg->wayland_display
					   : getenv("WAYLAND_DISPLAY");
		const char *dir = getenv("XDG_RUNTIME_DIR");
		log_error("cannot connect to the Wayland compositor (display "
			  "%s, XDG_RUNTIME_DIR %s): %s",
			  name ? name : "wayland-0", dir ? dir : "unset",
			  strerror(errno));
		*exit_code = 1;
		return -1;
	}
	if (check_shell(cfg, s->presenter) < 0) {
		*exit_code = 2;
		return -1;
	}
	return 0;
}

static int open_kms(struct presenter_select *s, struct loop *loop,
		    int *exit_code)
{
	const struct config *cfg = s->cfg;
	struct kms_presenter_config kcfg = {
		.device = cfg->kms_device,
		.fd = cfg->drm_fd,
		.lease_socket = cfg->drm_lease_socket,
		.lookup = kms_lookup,
		.lookup_data = (void *)cfg,
		.no_zero_copy = cfg->no_dmabuf,
	};
#ifdef VDISPLD_HAVE_LIBINPUT
	kcfg.conn_gone = kms_input_forget;
	kcfg.conn_gone_data = s;
#endif
	s->presenter = kms_presenter_create(loop, &kcfg);
	if (!s->presenter) {
		log_error("cannot show anything through KMS (%s): %s",
			  cfg->drm_lease_socket ? cfg->drm_lease_socket
			  : cfg->drm_fd >= 0    ? "the inherited --drm-fd"
			  : cfg->kms_device     ? cfg->kms_device
						: "/dev/dri/card0",
			  strerror(errno));
		*exit_code = 1;
		return -1;
	}
	open_kms_input(s, loop);
	log_info("presenter: kms on %s", cfg->drm_lease_socket
		 ? "a lease from the lease manager"
		 : cfg->drm_fd >= 0 ? "an inherited DRM fd"
				    : "the whole device");
	return 0;
}

int presenter_select_open(struct presenter_select *s, struct loop *loop,
			  const struct config *cfg, struct vinput_sink input,
			  int *exit_code)
{
	*s = (struct presenter_select){.kind = cfg->presenter, .cfg = cfg,
				       .input = input};
	warn_other_kind(cfg);
	if (s->kind == CONFIG_PRESENTER_KMS)
		return open_kms(s, loop, exit_code);
	return open_wayland(s, loop, exit_code);
}

bool presenter_select_connected(const struct presenter_select *s)
{
	if (!s->presenter)
		return false;
	return s->kind == CONFIG_PRESENTER_KMS
		       ? kms_presenter_has_device(s->presenter)
		       : wl_presenter_connected(s->presenter);
}

const char *presenter_select_what(const struct presenter_select *s)
{
	return s->kind == CONFIG_PRESENTER_KMS ? "the DRM device (lease)"
					       : "the Wayland compositor";
}

void presenter_select_reconfigure(struct presenter_select *s)
{
	if (s->kind == CONFIG_PRESENTER_WAYLAND)
		wl_presenter_reconfigure(s->presenter);
	else
		kms_presenter_reconfigure(s->presenter);
}

void presenter_select_close(struct presenter_select *s)
{
#ifdef VDISPLD_HAVE_LIBINPUT
	linput_src_destroy(s->linput); /* releases what guests hold */
#endif
	s->linput = NULL;
	presenter_destroy(s->presenter);
	s->presenter = NULL;
}
