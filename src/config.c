/* Settings: INI file through libinih, command line through getopt_long. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <ini.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define CONNECTOR_PREFIX "connector "
#define VKB_PREFIX "vkb "

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

static void connector_free(struct config_connector *c)
{
	free(c->section);
	free(c->unique_id);
	free(c->dom);
	free(c->app_id);
	free(c->title);
	free(c->output);
	free(c);
}

static void vkb_free(struct config_vkb *v)
{
	free(v->section);
	free(v->unique_id);
	free(v->dom);
	free(v->connector);
	free(v);
}

void config_finish(struct config *cfg)
{
	while (cfg->vkbs) {
		struct config_vkb *next = cfg->vkbs->next;
		vkb_free(cfg->vkbs);
		cfg->vkbs = next;
	}
	while (cfg->connectors) {
		struct config_connector *next = cfg->connectors->next;
		connector_free(cfg->connectors);
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

/* ---- value parsers: 0 or -EINVAL, never a partial parse ---- */

static int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	if (!s[0] || s[0] == '-' || s[0] == '+')
		return -EINVAL;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/* "WxH", each 1..16384 (surface coordinates). */
static int parse_size(const char *s, uint32_t *w, uint32_t *h)
{
	char ws[16];
	const char *x = strchr(s, 'x');
	if (!x || (size_t)(x - s) >= sizeof(ws))
		return -EINVAL;
	memcpy(ws, s, (size_t)(x - s));
	ws[x - s] = '\0';
	uint32_t nw, nh;
	if (parse_u32(ws, 1, 16384, &nw) < 0 || parse_u32(x + 1, 1, 16384, &nh) < 0)
		return -EINVAL;
	*w = nw;
	*h = nh;
	return 0;
}

static int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"1", "true", "yes", "on"};
	static const char *const no[] = {"0", "false", "no", "off"};
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_shell(const char *s, enum config_shell *out)
{
	for (int i = CONFIG_SHELL_AUTO; i <= CONFIG_SHELL_IVI; i++) {
		if (strcmp(s, config_shell_name((enum config_shell)i)) == 0) {
			*out = (enum config_shell)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* "1 3, 7": domids separated by spaces and/or commas; "" means all. */
static int parse_domains(const char *s, uint32_t *out, unsigned *n)
{
	char *copy = strdup(s);
	if (!copy)
		return -ENOMEM;
	unsigned count = 0;
	int r = 0;
	char *save;
	for (char *tok = strtok_r(copy, " ,\t", &save); tok;
	     tok = strtok_r(NULL, " ,\t", &save)) {
		if (count == CONFIG_MAX_DOMAINS ||
		    parse_u32(tok, 0, 0x7fef, &out[count]) < 0) {
			r = -EINVAL;
			break;
		}
		count++;
	}
	free(copy);
	if (r == 0)
		*n = count;
	return r;
}

static int set_string(char **field, const char *value)
{
	char *copy = strdup(value);
	if (!copy)
		return -ENOMEM;
	free(*field);
	*field = copy;
	return 0;
}

/* ---- INI parsing ---- */

struct parse_ctx {
	struct config *cfg;
	FILE *file;
	const char *text; /* config_load_string */
	int line;	  /* line being parsed, counted by our reader */
	bool at_line_start;
	char *last_section;
	int err_line;
	char err[CONFIG_ERR_MAX];
};

static int parse_error(struct parse_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int parse_error(struct parse_ctx *ctx, const char *fmt, ...)
{
	if (ctx->err_line)
		return 0; /* the first error is the one reported */
	ctx->err_line = ctx->line;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ctx->err, sizeof(ctx->err), fmt, ap);
	va_end(ap);
	return 0;
}

static int general_key(struct parse_ctx *ctx, const char *key,
		       const char *value)
{
	struct config *cfg = ctx->cfg;
	int r = -ENOENT;
	if (strcmp(key, "wayland-display") == 0) {
		r = value[0] ? set_string(&cfg->wayland_display, value)
			     : -EINVAL;
	} else if (strcmp(key, "shell") == 0) {
		r = parse_shell(value, &cfg->shell);
	} else if (strcmp(key, "log-level") == 0) {
		int lvl = log_level_parse(value);
		r = lvl < 0 ? -EINVAL : 0;
		if (r == 0)
			cfg->log_level = (enum log_level)lvl;
	} else if (strcmp(key, "trace") == 0) {
		r = parse_bool(value, &cfg->trace);
	} else if (strcmp(key, "no-dmabuf") == 0) {
		r = parse_bool(value, &cfg->no_dmabuf);
	} else if (strcmp(key, "status-interval") == 0) {
		r = parse_u32(value, 0, 3600, &cfg->status_interval_s);
	} else if (strcmp(key, "domains") == 0) {
		r = parse_domains(value, cfg->domains, &cfg->n_domains);
	} else if (strcmp(key, "max-dbufs") == 0) {
		r = parse_u32(value, 1, 4096, &cfg->max_dbufs);
	} else if (strcmp(key, "max-fbs") == 0) {
		r = parse_u32(value, 1, 4096, &cfg->max_fbs);
	} else if (strcmp(key, "max-mapped-mb") == 0) {
		r = parse_u32(value, 1, 65536, &cfg->max_mapped_mb);
	} else if (strcmp(key, "requests-per-turn") == 0) {
		r = parse_u32(value, 1, 4096, &cfg->requests_per_turn);
	}
	if (r == -ENOENT)
		return parse_error(ctx, "unknown key \"%s\" in [general]", key);
	if (r < 0)
		return parse_error(ctx, "invalid value \"%s\" for %s", value,
				   key);
	return 1;
}

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
	if (parse_u32(dev, 0, UINT32_MAX, &c->devid) < 0 ||
	    parse_u32(slash2 + 1, 0, 31, &c->index) < 0)
		return -EINVAL;
	c->dom = strndup(spec, (size_t)(slash1 - spec));
	return c->dom ? 0 : -ENOMEM;
}

static struct config_connector *connector_new(struct parse_ctx *ctx,
					      const char *section)
{
	const char *spec = section + strlen(CONNECTOR_PREFIX);
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
			parse_error(ctx, "[%s]: expected dom=<name>/<dev>/<idx>",
				    section);
			connector_free(c);
			return NULL;
		}
	} else if (!spec[0] || strchr(spec, ' ')) {
		parse_error(ctx, "[%s]: expected one unique-id", section);
		connector_free(c);
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
		connector_free(c);
	parse_error(ctx, "out of memory");
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
static struct config_connector *connector_section(struct parse_ctx *ctx,
						  const char *section)
{
	bool same = ctx->last_section &&
		    strcmp(ctx->last_section, section) == 0;
	struct config_connector *c = connector_find(ctx->cfg, section);
	if (same)
		return c;
	free(ctx->last_section);
	ctx->last_section = strdup(section);
	if (c) {
		parse_error(ctx, "[%s] appears twice", section);
		return NULL;
	}
	return connector_new(ctx, section);
}

static int connector_key(struct parse_ctx *ctx, const char *section,
			 const char *key, const char *value)
{
	struct config_connector *c = connector_section(ctx, section);
	if (!c)
		return 0;
	int r = -ENOENT;
	if (strcmp(key, "app-id") == 0)
		r = value[0] ? set_string(&c->app_id, value) : -EINVAL;
	else if (strcmp(key, "title") == 0)
		r = set_string(&c->title, value);
	else if (strcmp(key, "output") == 0)
		r = value[0] ? set_string(&c->output, value) : -EINVAL;
	else if (strcmp(key, "fullscreen") == 0)
		r = parse_bool(value, &c->fullscreen);
	else if (strcmp(key, "ivi-id") == 0) {
		r = parse_u32(value, 0, UINT32_MAX, &c->ivi_id);
		c->has_ivi_id = r == 0;
	} else if (strcmp(key, "size") == 0)
		r = parse_size(value, &c->size_w, &c->size_h);
	if (r == -ENOENT)
		return parse_error(ctx, "unknown key \"%s\" in [%s]", key,
				   section);
	if (r < 0)
		return parse_error(ctx, "invalid value \"%s\" for %s in [%s]",
				   value, key, section);
	return 1;
}

/* ---- [vkb ...] sections ---- */

/* "dom=<name>/<dev>" */
static int parse_vkb_dom(struct config_vkb *v, const char *spec)
{
	const char *slash = strrchr(spec, '/');
	if (!slash || slash == spec ||
	    parse_u32(slash + 1, 0, UINT32_MAX, &v->devid) < 0)
		return -EINVAL;
	v->dom = strndup(spec, (size_t)(slash - spec));
	return v->dom ? 0 : -ENOMEM;
}

static struct config_vkb *vkb_new(struct parse_ctx *ctx, const char *section)
{
	const char *spec = section + strlen(VKB_PREFIX);
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
			parse_error(ctx, "out of memory");
		else
			parse_error(ctx, "[%s]: expected one unique-id or "
				    "dom=<name>/<dev>", section);
		if (v)
			vkb_free(v);
		return NULL;
	}
	struct config_vkb **tail = &ctx->cfg->vkbs;
	while (*tail)
		tail = &(*tail)->next;
	*tail = v;
	return v;
}

static struct config_vkb *vkb_section(struct parse_ctx *ctx,
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
		parse_error(ctx, "[%s] appears twice", section);
		return NULL;
	}
	return vkb_new(ctx, section);
}

static int vkb_key(struct parse_ctx *ctx, const char *section,
		   const char *key, const char *value)
{
	struct config_vkb *v = vkb_section(ctx, section);
	if (!v)
		return 0;
	if (strcmp(key, "connector") != 0)
		return parse_error(ctx, "unknown key \"%s\" in [%s]", key,
				   section);
	if (!value[0] || strchr(value, ' '))
		return parse_error(ctx, "invalid value \"%s\" for %s in [%s]",
				   value, key, section);
	if (set_string(&v->connector, value) < 0)
		return parse_error(ctx, "out of memory");
	return 1;
}

static int handle_key(void *user, const char *section, const char *key,
		       const char *value)
{
	struct parse_ctx *ctx = user;
	if (strcmp(section, "general") == 0) {
		free(ctx->last_section);
		ctx->last_section = NULL;
		return general_key(ctx, key, value);
	}
	if (strncmp(section, CONNECTOR_PREFIX, strlen(CONNECTOR_PREFIX)) == 0)
		return connector_key(ctx, section, key, value);
	if (strncmp(section, VKB_PREFIX, strlen(VKB_PREFIX)) == 0)
		return vkb_key(ctx, section, key, value);
	if (!section[0])
		return parse_error(ctx, "\"%s\" outside any section", key);
	return parse_error(ctx, "unknown section [%s]", section);
}

/* Our own line reader, so the handler knows which line it is on and
 * overlong lines (inih would cut them) are errors. */
static char *read_line(char *str, int num, void *stream)
{
	struct parse_ctx *ctx = stream;
	char *r;
	if (ctx->file) {
		r = fgets(str, num, ctx->file);
	} else {
		if (!*ctx->text)
			return NULL;
		size_t len = strcspn(ctx->text, "\n");
		if (ctx->text[len] == '\n')
			len++;
		if (len > (size_t)num - 1)
			len = (size_t)num - 1;
		memcpy(str, ctx->text, len);
		str[len] = '\0';
		ctx->text += len;
		r = str;
	}
	if (!r)
		return NULL;
	if (ctx->at_line_start)
		ctx->line++;
	size_t len = strlen(str);
	ctx->at_line_start = len > 0 && str[len - 1] == '\n';
	if (len == (size_t)num - 1 && !ctx->at_line_start)
		parse_error(ctx, "line longer than %d characters", num - 2);
	return r;
}

static int run_parser(struct parse_ctx *ctx, const char *name, char *err,
		      size_t err_len)
{
	ctx->at_line_start = true;
	int r = ini_parse_stream(read_line, ctx, handle_key, ctx);
	free(ctx->last_section);
	ctx->last_section = NULL;
	if (r == 0 && !ctx->err_line)
		return 0;
	if (r < 0) {
		snprintf(err, err_len, "%s: cannot parse (%s)", name,
			 r == -2 ? "out of memory" : "read error");
		return r == -2 ? -ENOMEM : -EIO;
	}
	/* inih reports the first bad line, ours or its own (a line that is
	 * neither a section nor key = value, which never reaches us). */
	if (!ctx->err_line || (r > 0 && r < ctx->err_line))
		snprintf(err, err_len, "%s:%d: syntax error (expected "
			 "[section] or key = value)", name, r);
	else
		snprintf(err, err_len, "%s:%d: %s", name, ctx->err_line,
			 ctx->err);
	return -EINVAL;
}

int config_load(struct config *cfg, const char *path, char *err,
		size_t err_len)
{
	struct parse_ctx ctx = {.cfg = cfg};
	ctx.file = fopen(path, "re");
	if (!ctx.file) {
		int e = errno;
		snprintf(err, err_len, "%s: %s", path, strerror(e));
		return -e;
	}
	int r = run_parser(&ctx, path, err, err_len);
	fclose(ctx.file);
	if (r == 0)
		r = set_string(&cfg->path, path);
	return r;
}

int config_load_string(struct config *cfg, const char *name,
		       const char *text, char *err, size_t err_len)
{
	struct parse_ctx ctx = {.cfg = cfg, .text = text};
	return run_parser(&ctx, name, err, err_len);
}

/* ---- command line ---- */

void config_usage(FILE *out, const char *argv0)
{
	fprintf(out,
		"Usage: %s [options]\n"
		"Xen para-virtual display backend (vdispl) on Wayland.\n\n"
		"  -c, --config FILE          settings file (default %s,\n"
		"                             if present)\n"
		"  -W, --wayland-display NAME compositor socket (default\n"
		"                             $WAYLAND_DISPLAY)\n"
		"  -d, --domain ID            serve only this guest; repeatable\n"
		"  -v                         verbose: log level debug\n"
		"  -l, --log-level LEVEL      error, warn, info or debug\n"
		"  -t, --trace                log every display request\n"
		"      --no-dmabuf            never zero copy: copy every frame\n"
		"  -L, --list                 print every guest, device and\n"
		"                             connector (from the running\n"
		"                             daemon, else XenStore) and exit\n"
		"  -h, --help                 this text\n"
		"  -V, --version              print the version\n",
		argv0, CONFIG_DEFAULT_PATH);
}

static int cli_error(char *err, size_t err_len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int cli_error(char *err, size_t err_len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, err_len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int cli_option(struct config_cli *cli, int opt, const char *arg,
		      char *err, size_t err_len)
{
	switch (opt) {
	case 'c':
		cli->config_path = arg;
		return 0;
	case 'W':
		if (!arg[0])
			return cli_error(err, err_len,
					 "--wayland-display: empty name");
		cli->wayland_display = arg;
		return 0;
	case 'd':
		if (cli->n_domains == CONFIG_MAX_DOMAINS ||
		    parse_u32(arg, 0, 0x7fef,
			      &cli->domains[cli->n_domains]) < 0)
			return cli_error(err, err_len,
					 "--domain: invalid domain id \"%s\"",
					 arg);
		cli->n_domains++;
		return 0;
	case 'v':
		cli->log_level = LOG_LVL_DEBUG;
		return 0;
	case 'l':
		cli->log_level = log_level_parse(arg);
		if (cli->log_level < 0)
			return cli_error(err, err_len,
					 "--log-level: unknown level \"%s\" "
					 "(error, warn, info, debug)",
					 arg);
		return 0;
	case 't':
		cli->trace = true;
		return 0;
	case 'D':
		cli->no_dmabuf = true;
		return 0;
	case 'h':
		cli->help = true;
		return 0;
	case 'L':
		cli->list = true;
		return 0;
	case 'V':
		cli->version = true;
		return 0;
	default:
		return cli_error(err, err_len, "unknown option (see --help)");
	}
}

int config_cli_parse(struct config_cli *cli, int argc, char *const argv[],
		     char *err, size_t err_len)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"wayland-display", required_argument, NULL, 'W'},
		{"domain", required_argument, NULL, 'd'},
		{"log-level", required_argument, NULL, 'l'},
		{"trace", no_argument, NULL, 't'},
		{"no-dmabuf", no_argument, NULL, 'D'},
		{"help", no_argument, NULL, 'h'},
		{"list", no_argument, NULL, 'L'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	*cli = (struct config_cli){.log_level = -1};
	optind = 0; /* glibc: full re-initialisation, so tests can re-parse */
	opterr = 0;
	int opt;
	while ((opt = getopt_long(argc, argv, "c:W:d:vl:thVL", opts, NULL)) !=
	       -1) {
		if (opt == '?' || opt == ':')
			return cli_error(err, err_len,
					 "%s: unknown option or missing "
					 "argument (see --help)",
					 argv[optind - 1]);
		int r = cli_option(cli, opt, optarg, err, err_len);
		if (r < 0)
			return r;
	}
	if (optind < argc)
		return cli_error(err, err_len, "unexpected argument \"%s\"",
				 argv[optind]);
	return 0;
}

int config_apply_cli(struct config *cfg, const struct config_cli *cli)
{
	if (cli->wayland_display &&
	    set_string(&cfg->wayland_display, cli->wayland_display) < 0)
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
	return parse_u32(dom, 0, UINT32_MAX, &id) == 0 && id == domid;
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
