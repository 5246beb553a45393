/* The INI file through libinih: our own line reader (line numbers, overlong
 * lines), the [general] keys, and the dispatch to the other sections. */
#include "config_priv.h"

#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int config_parse_error(struct config_parse_ctx *ctx, const char *fmt, ...)
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

static int general_key(struct config_parse_ctx *ctx, const char *key,
		       const char *value)
{
	struct config *cfg = ctx->cfg;
	int r = -ENOENT;
	if (strcmp(key, "wayland-display") == 0) {
		r = value[0] ? config_set_string(&cfg->wayland_display, value)
			     : -EINVAL;
	} else if (strcmp(key, "shell") == 0) {
		r = config_parse_shell(value, &cfg->shell);
	} else if (strcmp(key, "log-level") == 0) {
		int lvl = log_level_parse(value);
		r = lvl < 0 ? -EINVAL : 0;
		if (r == 0)
			cfg->log_level = (enum log_level)lvl;
	} else if (strcmp(key, "trace") == 0) {
		r = config_parse_bool(value, &cfg->trace);
	} else if (strcmp(key, "no-dmabuf") == 0) {
		r = config_parse_bool(value, &cfg->no_dmabuf);
	} else if (strcmp(key, "status-interval") == 0) {
		r = config_parse_u32(value, 0, 3600, &cfg->status_interval_s);
	} else if (strcmp(key, "domains") == 0) {
		r = config_parse_domains(value, cfg->domains, &cfg->n_domains);
	} else if (strcmp(key, "max-dbufs") == 0) {
		r = config_parse_u32(value, 1, 4096, &cfg->max_dbufs);
	} else if (strcmp(key, "max-fbs") == 0) {
		r = config_parse_u32(value, 1, 4096, &cfg->max_fbs);
	} else if (strcmp(key, "max-mapped-mb") == 0) {
		r = config_parse_u32(value, 1, 65536, &cfg->max_mapped_mb);
	} else if (strcmp(key, "requests-per-turn") == 0) {
		r = config_parse_u32(value, 1, 4096, &cfg->requests_per_turn);
	}
	if (r == -ENOENT)
		return config_parse_error(ctx, "unknown key \"%s\" in "
					  "[general]", key);
	if (r < 0)
		return config_parse_error(ctx, "invalid value \"%s\" for %s",
					  value, key);
	return 1;
}

static int handle_key(void *user, const char *section, const char *key,
		      const char *value)
{
	struct config_parse_ctx *ctx = user;
	if (strcmp(section, "general") == 0) {
		free(ctx->last_section);
		ctx->last_section = NULL;
		return general_key(ctx, key, value);
	}
	if (strncmp(section, CONFIG_CONNECTOR_PREFIX,
		    strlen(CONFIG_CONNECTOR_PREFIX)) == 0)
		return config_connector_key(ctx, section, key, value);
	if (strncmp(section, CONFIG_VKB_PREFIX, strlen(CONFIG_VKB_PREFIX)) == 0)
		return config_vkb_key(ctx, section, key, value);
	if (!section[0])
		return config_parse_error(ctx, "\"%s\" outside any section",
					  key);
	return config_parse_error(ctx, "unknown section [%s]", section);
}

/* Our own line reader, so the handler knows which line it is on and
 * overlong lines (inih would cut them) are errors. */
static char *read_line(char *str, int num, void *stream)
{
	struct config_parse_ctx *ctx = stream;
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
		config_parse_error(ctx, "line longer than %d characters",
				   num - 2);
	return r;
}

static int run_parser(struct config_parse_ctx *ctx, const char *name,
		      char *err, size_t err_len)
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
	struct config_parse_ctx ctx = {.cfg = cfg};
	ctx.file = fopen(path, "re");
	if (!ctx.file) {
		int e = errno;
		snprintf(err, err_len, "%s: %s", path, strerror(e));
		return -e;
	}
	int r = run_parser(&ctx, path, err, err_len);
	fclose(ctx.file);
	if (r == 0)
		r = config_set_string(&cfg->path, path);
	return r;
}

int config_load_string(struct config *cfg, const char *name,
		       const char *text, char *err, size_t err_len)
{
	struct config_parse_ctx ctx = {.cfg = cfg, .text = text};
	return run_parser(&ctx, name, err, err_len);
}
