/* Settings: built-in defaults, the file over them (config_ini.c), the
 * command line over that (config_cli.c parses it, applied here), and the
 * per-connector / per-vkb lookups the daemon makes at connect time. */
#include "config_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void config_init(struct config *cfg)
{
	*cfg = (struct config){
		.shell = CONFIG_SHELL_AUTO,
		.log_level = LOG_LVL_INFO,
		.max_dbufs = 64,
		.max_fbs = 64,
		.max_mapped_mb = 512,
		.requests_per_turn = 64,
		.status_interval_s = 5,
	};
}

void config_finish(struct config *cfg)
{
	while (cfg->vkbs) {
		struct config_vkb *next = cfg->vkbs->next;
		config_vkb_free(cfg->vkbs);
		cfg->vkbs = next;
	}
	while (cfg->connectors) {
		struct config_connector *next = cfg->connectors->next;
		config_connector_free(cfg->connectors);
		cfg->connectors = next;
	}
	free(cfg->path);
	free(cfg->wayland_display);
	config_init(cfg);
}

const char *config_shell_name(enum config_shell shell)
{
	switch (shell) {
	case CONFIG_SHELL_XDG: return "xdg";
	case CONFIG_SHELL_IVI: return "ivi";
	default: return "auto";
	}
}

int config_apply_cli(struct config *cfg, const struct config_cli *cli)
{
	if (cli->wayland_display &&
	    config_set_string(&cfg->wayland_display, cli->wayland_display) < 0)
		return -ENOMEM;
	if (cli->n_domains) {
		memcpy(cfg->domains, cli->domains,
		       cli->n_domains * sizeof(cli->domains[0]));
		cfg->n_domains = cli->n_domains;
	}
	if (cli->log_level >= 0)
		cfg->log_level = (enum log_level)cli->log_level;
	if (cli->trace)
		cfg->trace = true;
	if (cli->no_dmabuf)
		cfg->no_dmabuf = true;
	return 0;
}

int config_build(struct config *cfg, const struct config_cli *cli, char *err,
		 size_t err_len)
{
	config_init(cfg);
	const char *path = cli->config_path;
	/* The default file is optional; a file named on the command line
	 * is not. */
	if (!path && access(CONFIG_DEFAULT_PATH, F_OK) == 0)
		path = CONFIG_DEFAULT_PATH;
	if (path) {
		int r = config_load(cfg, path, err, err_len);
		if (r < 0) {
			config_finish(cfg);
			return r;
		}
	}
	int r = config_apply_cli(cfg, cli);
	if (r < 0) {
		snprintf(err, err_len, "out of memory");
		config_finish(cfg);
	}
	return r;
}

/* ---- lookup ---- */

static bool dom_matches(const char *dom, const char *dom_name, uint32_t domid)
{
	if (dom_name && strcmp(dom, dom_name) == 0)
		return true;
	uint32_t id;
	return config_parse_u32(dom, 0, UINT32_MAX, &id) == 0 && id == domid;
}

const struct config_connector *
config_find_connector(const struct config *cfg, const char *dom_name,
		      uint32_t domid, uint32_t devid, uint32_t index,
		      const char *unique_id)
{
	const struct config_connector *by_uid = NULL;
	for (const struct config_connector *c = cfg->connectors; c;
	     c = c->next) {
		if (c->dom && c->devid == devid && c->index == index &&
		    dom_matches(c->dom, dom_name, domid))
			return c;
		if (!by_uid && c->unique_id && unique_id &&
		    strcmp(c->unique_id, unique_id) == 0)
			by_uid = c;
	}
	return by_uid;
}

const struct config_vkb *config_find_vkb(const struct config *cfg,
					 const char *dom_name, uint32_t domid,
					 uint32_t devid, const char *unique_id)
{
	const struct config_vkb *by_uid = NULL;
	for (const struct config_vkb *v = cfg->vkbs; v; v = v->next) {
		if (v->dom && v->devid == devid &&
		    dom_matches(v->dom, dom_name, domid))
			return v;
		if (!by_uid && v->unique_id && unique_id &&
		    strcmp(v->unique_id, unique_id) == 0)
			by_uid = v;
	}
	return by_uid;
}
