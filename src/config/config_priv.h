/* What the config_*.c files share and nobody else needs: the value
 * parsers, the INI parse state, and the section handlers. */
#ifndef VDISPLD_CONFIG_PRIV_H
#define VDISPLD_CONFIG_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"

#define CONFIG_CONNECTOR_PREFIX "connector "
#define CONFIG_VKB_PREFIX "vkb "

/* ---- value parsers (config_value.c): 0 or -EINVAL, never a partial
 * parse ---- */

/* Decimal, no sign, min..max. */
int config_parse_u32(const char *s, uint32_t min, uint32_t max,
		     uint32_t *out);
/* "WxH", each 1..16384 (surface coordinates). */
int config_parse_size(const char *s, uint32_t *w, uint32_t *h);
/* 1/true/yes/on, 0/false/no/off, any case. */
int config_parse_bool(const char *s, bool *out);
/* auto, xdg or ivi. */
int config_parse_shell(const char *s, enum config_shell *out);
/* "1 3, 7": domids separated by spaces and/or commas; "" means all.
 * On error (-ENOMEM too) *n is left as it was. */
int config_parse_domains(const char *s, uint32_t *out, unsigned *n);
/* Replaces *field with a copy of value; 0 or -ENOMEM. */
int config_set_string(char **field, const char *value);

/* ---- the INI parse (config_ini.c) ---- */

struct config_parse_ctx {
	struct config *cfg;
	FILE *file;
	const char *text; /* config_load_string */
	int line;	  /* line being parsed, counted by our reader */
	bool at_line_start;
	char *last_section; /* section of the previous key; NULL: [general] */
	int err_line;
	char err[CONFIG_ERR_MAX];
};

/* Records the first error (later ones are dropped) with the current line;
 * returns 0, the value inih takes as "stop, this line is bad". */
int config_parse_error(struct config_parse_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- [connector ...] and [vkb ...] (config_sections.c): each takes
 * one key of its section, creating the section's entry on its first key;
 * 1 (go on) or config_parse_error's 0 ---- */

int config_connector_key(struct config_parse_ctx *ctx, const char *section,
			 const char *key, const char *value);
int config_vkb_key(struct config_parse_ctx *ctx, const char *section,
		   const char *key, const char *value);
void config_connector_free(struct config_connector *c);
void config_vkb_free(struct config_vkb *v);

#endif
