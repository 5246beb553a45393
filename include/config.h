/* vdispld's settings: built-in defaults, then the INI file, then the
 * command line, each overriding the one before. */
#ifndef VDISPLD_CONFIG_H
#define VDISPLD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "log.h"

#define CONFIG_DEFAULT_PATH "/etc/vdispld/vdispld.conf"
#define CONFIG_MAX_DOMAINS 64
#define CONFIG_ERR_MAX 512

enum config_shell {
	CONFIG_SHELL_AUTO, /* ivi-shell if the compositor has it, else xdg */
	CONFIG_SHELL_XDG,
	CONFIG_SHELL_IVI,
};

/* Who shows the guests' pictures: a Wayland compositor, or vdispld itself
 * on a DRM device or lease (no compositor, no Wayland connection). */
enum config_presenter {
	CONFIG_PRESENTER_WAYLAND,
	CONFIG_PRESENTER_KMS,
};

/* One [connector ...] section. Matched either by the guest's unique-id
 * ("[connector c0]") or by position ("[connector dom=<name>/<dev>/<idx>]",
 * where <name> is the domain's name or its numeric id). */
struct config_connector {
	struct config_connector *next;
	char *section;	 /* the section's text, for messages */
	char *unique_id; /* unique-id form; NULL for the dom= form */
	char *dom;	 /* dom= form: domain name or decimal domid */
	uint32_t devid, index;
	char *app_id; /* NULL: the presenter's default */
	char *title;  /* NULL: the presenter's default */
	/* The output it goes on. wayland: the wl_output name to go
	 * fullscreen on; NULL: any. kms: the KMS connector (e.g. Virtual-1,
	 * HDMI-A-1); NULL: the first connected one nobody holds. */
	char *output;
	bool fullscreen;
	bool has_ivi_id;
	uint32_t ivi_id;
	/* size = WxH: surface size the frame is scaled to (wp_viewporter);
	 * 0: the connector's resolution. */
	uint32_t size_w, size_h;
	/* fit = scale (kms): on a screen whose mode is not the guest's
	 * resolution, the picture scaled to fit, aspect kept; false (fit =
	 * centre, the default): centred at 1:1. */
	bool fit_scale;
};

/* One [vkb ...] section: the connector whose input a guest's vkb device
 * (keyboard, pointer, multi-touch) carries, when it is not the connector
 * of the same guest with the vkb's own unique-id. Matched by the vkb's
 * unique-id ("[vkb k0]") or by position ("[vkb dom=<name>/<dev>]", <name>
 * the domain's name or numeric id, <dev> the vkb's device id). */
struct config_vkb {
	struct config_vkb *next;
	char *section;	 /* the section's text, for messages */
	char *unique_id; /* unique-id form; NULL for the dom= form */
	char *dom;	 /* dom= form: domain name or decimal domid */
	uint32_t devid;
	char *connector; /* connector unique-id to follow; NULL: its own */
};

/* [input]: Dom0's own input devices under presenter = kms (libinput),
 * each belonging to an output and so to the guest connector shown there. */
#define CONFIG_MAX_INPUT_DEVICES 16
struct config_input_device {
	char *device; /* a path, an event node name or the kernel's name */
	char *output; /* KMS connector name, e.g. Virtual-1 */
};
struct config_input {
	char *seat;   /* every device of this udev seat; NULL: listed only */
	char *output; /* output of devices no line names; NULL: ignored */
	struct config_input_device devices[CONFIG_MAX_INPUT_DEVICES];
	unsigned n_devices;
};

struct config {
	char *path;		/* file loaded, NULL if none */
	char *wayland_display;	/* NULL: $WAYLAND_DISPLAY / wayland-0 */
	enum config_presenter presenter;
	char *kms_device;	/* NULL: /dev/dri/card0 */
	char *drm_lease_socket;	/* lease manager's socket; NULL: none */
	int drm_fd;		/* inherited DRM (lease) fd; -1: none */
	enum config_shell shell;
	enum log_level log_level;
	bool trace;		/* log every displif request and event */
	bool no_dmabuf;		/* never zero copy: always copy frames */
	uint32_t status_interval_s; /* counters line at debug level; 0: off */
	uint32_t domains[CONFIG_MAX_DOMAINS];
	unsigned n_domains;	/* 0: serve every guest */
	uint32_t max_dbufs;	/* display buffers per device */
	uint32_t max_fbs;	/* framebuffers per device */
	uint32_t max_mapped_mb; /* guest memory mapped per device, MiB */
	uint32_t requests_per_turn; /* ring requests per loop turn */
	struct config_connector *connectors; /* in file order */
	struct config_vkb *vkbs;	     /* in file order */
	struct config_input input;
};

/* What the command line asked for; unset fields leave the file's value. */
struct config_cli {
	const char *config_path; /* --config; NULL: default if present */
	const char *wayland_display;
	int presenter;		/* enum config_presenter; -1: not given */
	const char *kms_device;
	const char *drm_lease_socket;
	int drm_fd;		/* -1: not given */
	uint32_t domains[CONFIG_MAX_DOMAINS];
	unsigned n_domains;	/* --domain given at least once: replaces */
	int log_level;		/* -1: not given */
	bool trace;
	bool no_dmabuf;
	bool help;
	bool version;
	bool list; /* --list: print the running daemon's status and exit */
};

/* Built-in defaults; nothing allocated. */
void config_init(struct config *cfg);
/* Frees what load/apply allocated and resets to defaults. */
void config_finish(struct config *cfg);

/* Parses path over cfg. On error returns -errno (-EINVAL for a bad file)
 * and writes "file:line: what" (or "file: why") into err. */
int config_load(struct config *cfg, const char *path, char *err,
		size_t err_len);
/* Same, from a string (tests); name is used in messages. */
int config_load_string(struct config *cfg, const char *name,
		       const char *text, char *err, size_t err_len);

/* Parses argv. 0, or -EINVAL with a message in err. */
int config_cli_parse(struct config_cli *cli, int argc, char *const argv[],
		     char *err, size_t err_len);
/* Puts the command line's choices over cfg. */
int config_apply_cli(struct config *cfg, const struct config_cli *cli);
/* The whole sequence: defaults, file (cli->config_path, or the default
 * path if it exists), command line. */
int config_build(struct config *cfg, const struct config_cli *cli, char *err,
		 size_t err_len);
void config_usage(FILE *out, const char *argv0);

/* The connector's settings: a dom= section that names this domain (by
 * dom_name or domid), device and index wins over a unique-id section.
 * NULL if none matches. dom_name and unique_id may be NULL. */
const struct config_connector *
config_find_connector(const struct config *cfg, const char *dom_name,
		      uint32_t domid, uint32_t devid, uint32_t index,
		      const char *unique_id);

/* The vkb's settings: a dom= section naming this domain and device wins
 * over a unique-id section. NULL if none matches. */
const struct config_vkb *config_find_vkb(const struct config *cfg,
					 const char *dom_name, uint32_t domid,
					 uint32_t devid,
					 const char *unique_id);

const char *config_shell_name(enum config_shell shell);
const char *config_presenter_name(enum config_presenter presenter);

#endif
