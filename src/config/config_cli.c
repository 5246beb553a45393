/* The command line through getopt_long, and --help's text. */
#include "config_priv.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <string.h>

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
		    config_parse_u32(arg, 0, 0x7fef,
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
