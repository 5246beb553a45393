/* The daemon's choice of presenter (settings: presenter = wayland|kms):
 * creates it with the connector settings it asks for, checks the settings
 * against what it offers, and answers what main.c asks of either kind
 * (is the display side there, re-read settings). */
#ifndef VDISPLD_PRESENTER_SELECT_H
#define VDISPLD_PRESENTER_SELECT_H

#include <stdbool.h>

#include "config.h"
#include "input.h"

struct linput_src;
struct loop;
struct presenter;

struct presenter_select {
	struct presenter *presenter;
	enum config_presenter kind;
	/* The daemon's settings: read at each connector's creation, so a
	 * reload applies to connectors created afterwards. */
	const struct config *cfg;
	/* Input for the guests' vkbds. Wayland: the compositor's seat. KMS:
	 * Dom0's own devices ([input], read through libinput). */
	struct vinput_sink input;
	struct linput_src *linput; /* KMS with [input]; else NULL */
};

/* Creates the configured presenter into s->presenter. 0; -1 when it
 * can't start (logged; the exit code goes in *exit_code: 1 runtime, 2 a
 * settings mistake). */
int presenter_select_open(struct presenter_select *s, struct loop *loop,
			  const struct config *cfg, struct vinput_sink input,
			  int *exit_code);
/* True while the compositor (Wayland) or the DRM device/lease (KMS) is
 * there; while not, every flip is answered on a timer. */
bool presenter_select_connected(const struct presenter_select *s);
/* What it is, for "lost X" / "X is back" messages. */
const char *presenter_select_what(const struct presenter_select *s);
/* Settings re-read (SIGHUP): connectors pick up changed settings. */
void presenter_select_reconfigure(struct presenter_select *s);
/* Stops the input source and destroys the presenter. */
void presenter_select_close(struct presenter_select *s);

#endif
