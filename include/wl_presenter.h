/* The Wayland presenter: shows each guest connector as its own Wayland
 * surface (an xdg_toplevel, or an ivi_surface under Weston's ivi-shell),
 * copying guest pixels into wl_shm buffers, and answers every show() with
 * one flip_done when the compositor says the frame was shown (or from a
 * 60 Hz timer when it never will: hidden surface, compositor gone). */
#ifndef VDISPLD_WL_PRESENTER_H
#define VDISPLD_WL_PRESENTER_H

#include <stdbool.h>
#include <stdint.h>

#include "input.h"
#include "presenter.h"

struct loop;

/* What a connector's surface looks like to the compositor. Any field left
 * NULL / 0 takes the default. */
struct wl_presenter_conn_opts {
	const char *app_id;	     /* default "vdispl-<domid>-<devid>-<index>" */
	const char *title;	     /* default "<dom_name> <unique_id>" */
	const char *fullscreen_output; /* output name (xdg-output), or NULL */
	uint32_t ivi_id;	     /* !=0: ivi_surface with this id, when the
				      * compositor offers ivi_application */
	bool fullscreen;	     /* fullscreen (on fullscreen_output if
				      * set, else where the compositor likes) */
	/* Surface size in surface coordinates when it differs from the
	 * connector's resolution: the frame is scaled with wp_viewporter
	 * (where the compositor has it). 0: the resolution. When fullscreen
	 * the compositor's size wins: the frame is scaled to fit it,
	 * keeping its aspect ratio (the compositor centres it). */
	uint32_t width, height;
};

/* Fills *opts for one connector; strings must stay valid until
 * conn_create returns (they are copied). */
typedef void (*wl_presenter_lookup_fn)(void *data,
				       const struct pres_conn_info *info,
				       struct wl_presenter_conn_opts *opts);

struct wl_presenter_config {
	const char *display; /* NULL: $WAYLAND_DISPLAY */
	wl_presenter_lookup_fn lookup; /* NULL: defaults for everyone */
	void *lookup_data;
	/* Flip fallback: complete a show this long after its commit when no
	 * frame callback came (hidden surface). 0: 33 ms (two 60 Hz frames).*/
	uint32_t fallback_ms;
	/* Where pointer, keyboard and touch input on a connector's surface
	 * goes (positions in the connector's pixels). event NULL: ignored. */
	struct vinput_sink input;
};

/* Connects to the compositor and hooks the display fd into loop. Returns
 * NULL (errno set, reason logged) when no compositor can be reached. */
struct presenter *wl_presenter_create(struct loop *loop,
				      const struct wl_presenter_config *cfg);

/* True while the Wayland connection is alive. When it drops, guests stay
 * connected (their flips complete on a 60 Hz timer), the presenter
 * watches for the compositor's socket to come back, connects again and
 * gives every connector a new surface showing its current frame. */
bool wl_presenter_connected(struct presenter *p);
/* How many times the connection was made again after a loss. */
uint64_t wl_presenter_reconnects(struct presenter *p);

/* Runs the lookup again for every connector (after a settings reload):
 * a changed title is set in place; a changed app_id, ivi id, fullscreen
 * output or size re-creates that connector's surface (with its current
 * frame); the others are left alone. */
void wl_presenter_reconfigure(struct presenter *p);

/* Whether the compositor offered wp_presentation (flip completion from
 * presentation feedback rather than frame callbacks alone). */
bool wl_presenter_has_presentation(struct presenter *p);
/* Which shells the compositor offers: ivi_application (Weston's
 * ivi-shell) and xdg_wm_base. The daemon checks the configured shell
 * against these at start. */
bool wl_presenter_has_ivi(struct presenter *p);
bool wl_presenter_has_xdg(struct presenter *p);

#endif
