/* The [connector ...] and [vkb ...] sections: one entry per section, in
 * file order, each named by unique-id or by dom=<name>/<dev>[/<idx>]. */
#include "config_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void config_connector_free(struct config_connector *c)
{
	free(c->section);
	free(c->unique_id);
	free(c->dom);
	free(c->app_id);
	free(c->title);
	free(c->output);
	free(c);
}

void config_vkb_free(struct config_vkb *v)
{
	free(v->section);
	free(v->unique_id);
	free(v->dom);
	free(v->connector);
	free(v);
}

/* ---- [connector ...] ---- */

/* "dom=<name>/<dev>/<idx>" */
static int parse_dom_form(struct config_connector *c, const char *spec)
{
	const char *slash2 = strrchr(spec, '/');
	if (!slash2 || slash2 == spec)
		return -EINVAL;
	const char *slash1 = slash2 - 1;
	while (slash1 > spec && *slash1 != '/')
		slash1--;
	if (slash1 == spec)
		return -EINVAL;
	char dev[16];
	size_t dev_len = (size_t)(slash2 - slash1 - 1);
	if (dev_len == 0 || dev_len >= sizeof(dev))
		return -EINVAL;
	memcpy(dev, slash1 + 1, dev_len);
	dev[dev_len] = '\0';
	if (config_parse_u32(dev, 0, UINT32_MAX, &c->devid) < 0 ||
	    config_parse_u32(slash2 + 1, 0, 31, &c->index) < 0)
		return -EINVAL;
	c->dom = strndup(spec, (size_t)(slash1 - spec));
	return c->dom ? 0 : -ENOMEM;
}

static struct config_connector *connector_new(struct config_parse_ctx *ctx,
					      const char *section)
{
	const char *spec = section + strlen(CONFIG_CONNECTOR_PREFIX);
	while (*spec == ' ')
		spec++;
	struct config_connector *c = calloc(1, sizeof(*c));
	if (!c || !(c->section = strdup(section)))
		goto oom;
	if (strncmp(spec, "dom=", 4) == 0) {
		int r = parse_dom_form(c, spec + 4);
		if (r == -ENOMEM)
			goto oom;
		if (r < 0) {
			config_parse_error(ctx, "[%s]: expected "
					   "dom=<name>/<dev>/<idx>", section);
			config_connector_free(c);
			return NULL;
		}
	} else if (!spec[0] || strchr(spec, ' ')) {
		config_parse_error(ctx, "[%s]: expected one unique-id",
				   section);
		config_connector_free(c);
		return NULL;
	} else if (!(c->unique_id = strdup(spec))) {
		goto oom;
	}
	struct config_connector **tail = &ctx->cfg->connectors;
	while (*tail)
		tail = &(*tail)->next;
	*tail = c;
	return c;
oom:
	if (c)
		config_connector_free(c);
	config_parse_error(ctx, "out of memory");
	return NULL;
}

static struct config_connector *connector_find(struct config *cfg,
					       const char *section)
{
	for (struct config_connector *c = cfg->connectors; c; c = c->next)
		if (strcmp(c->section, section) == 0)
			return c;
	return NULL;
}

/* inih hands us keys, not section headers: a section is new when the
 * name changes; seeing an old name again means it was repeated. */
static struct config_connector *
connector_section(struct config_parse_ctx *ctx, const char *section)
{
	bool same = ctx->last_section &&
		    strcmp(ctx->last_section, section) == 0;
	struct config_connector *c = connector_find(ctx->cfg, section);
	if (same)
		return c;
	free(ctx->last_section);
	ctx->last_section = strdup(section);
	if (c) {
		config_parse_error(ctx, "[%s] appears twice", section);
		return NULL;
	}
	return connector_new(ctx, section);
}

int config_connector_key(struct config_parse_ctx *ctx, const char *section,
			 const char *key, const char *value)
{
	struct config_connector *c = connector_section(ctx, section);
	if (!c)
		return 0;
	int r = -ENOENT;
	if (strcmp(key, "app-id") == 0)
		r = value[0] ? config_set_string(&c->app_id, value) : -EINVAL;
	else if (strcmp(key, "title") == 0)
		r = config_set_string(&c->title, value);
	else if (strcmp(key, "output") == 0)
		r = value[0] ? config_set_string(&c->output, value) : -EINVAL;
	else if (strcmp(key, "fullscreen") == 0)
		r = config_parse_bool(value, &c->fullscreen);
	else if (strcmp(key, "ivi-id") == 0) {
		r = config_parse_u32(value, 0, UINT32_MAX, &c->ivi_id);
		c->has_ivi_id = r == 0;
	} else if (strcmp(key, "size") == 0)
		r = config_parse_size(value, &c->size_w, &c->size_h);
	else if (strcmp(key, "fit") == 0) {
		bool scale = strcmp(value, "scale") == 0;
		r = scale || strcmp(value, "centre") == 0 ? 0 : -EINVAL;
		c->fit_scale = scale;
	}
	if (r == -ENOENT)
		return config_parse_error(ctx, "unknown key \"%s\" in [%s]",
					  key, section);
	if (r < 0)
		return config_parse_error(ctx, "invalid value \"%s\" for %s "
					  "in [%s]", value, key, section);
	return 1;
}

/* ---- [vkb ...] ---- */

/* "dom=<name>/<dev>" */
static int parse_vkb_dom(struct config_vkb *v, const char *spec)
{
	const char *slash = strrchr(spec, '/');
	if (!slash || slash == spec ||
	    config_parse_u32(slash + 1, 0, UINT32_MAX, &v->devid) < 0)
		return -EINVAL;
	v->dom = strndup(spec, (size_t)(slash - spec));
	return v->dom ? 0 : -ENOMEM;
}

static struct config_vkb *vkb_new(struct config_parse_ctx *ctx,
				  const char *section)
{
	const char *spec = section + strlen(CONFIG_VKB_PREFIX);
	while (*spec == ' ')
		spec++;
	struct config_vkb *v = calloc(1, sizeof(*v));
	int r = -ENOMEM;
	if (v && (v->section = strdup(section))) {
		if (strncmp(spec, "dom=", 4) == 0)
			r = parse_vkb_dom(v, spec + 4);
		else if (!spec[0] || strchr(spec, ' '))
			r = -EINVAL;
		else
			r = (v->unique_id = strdup(spec)) ? 0 : -ENOMEM;
	}
	if (r < 0) {
		if (r == -ENOMEM)
			config_parse_error(ctx, "out of memory");
		else
			config_parse_error(ctx, "[%s]: expected one unique-id "
					   "or dom=<name>/<dev>", section);
		if (v)
			config_vkb_free(v);
		return NULL;
	}
	struct config_vkb **tail = &ctx->cfg->vkbs;
	while (*tail)
		tail = &(*tail)->next;
	*tail = v;
	return v;
}

/* Same new-or-repeated rule as connector_section. */
static struct config_vkb *vkb_section(struct config_parse_ctx *ctx,
				      const char *section)
{
	bool same = ctx->last_section &&
		    strcmp(ctx->last_section, section) == 0;
	struct config_vkb *v = ctx->cfg->vkbs;
	while (v && strcmp(v->section, section) != 0)
		v = v->next;
	if (same)
		return v;
	free(ctx->last_section);
	ctx->last_section = strdup(section);
	if (v) {
		config_parse_error(ctx, "[%s] appears twice", section);
		return NULL;
	}
	return vkb_new(ctx, section);
}

int config_vkb_key(struct config_parse_ctx *ctx, const char *section,
		   const char *key, const char *value)
{
	struct config_vkb *v = vkb_section(ctx, section);
	if (!v)
		return 0;
	if (strcmp(key, "connector") != 0)
		return config_parse_error(ctx, "unknown key \"%s\" in [%s]",
					  key, section);
	if (!value[0] || strchr(value, ' '))
		return config_parse_error(ctx, "invalid value \"%s\" for %s "
					  "in [%s]", value, key, section);
	if (config_set_string(&v->connector, value) < 0)
		return config_parse_error(ctx, "out of memory");
	return 1;
}
