/* Settings: INI parsing with file:line errors, command line, precedence,
 * connector lookup. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"

static char err[CONFIG_ERR_MAX];

static int load(struct config *cfg, const char *text)
{
	config_init(cfg);
	err[0] = '\0';
	return config_load_string(cfg, "t.conf", text, err, sizeof(err));
}

/* Loads text that must fail and checks the message. */
static void expect_error(const char *text, const char *message)
{
	struct config cfg;
	assert_int_equal(load(&cfg, text), -EINVAL);
	assert_string_equal(err, message);
	config_finish(&cfg);
}

static void test_defaults(void **state)
{
	(void)state;
	struct config cfg;
	assert_int_equal(load(&cfg, ""), 0);
	assert_null(cfg.wayland_display);
	assert_int_equal(cfg.shell, CONFIG_SHELL_AUTO);
	assert_int_equal(cfg.log_level, LOG_LVL_INFO);
	assert_false(cfg.trace);
	assert_int_equal(cfg.n_domains, 0);
	assert_int_equal(cfg.max_dbufs, 64);
	assert_int_equal(cfg.max_fbs, 64);
	assert_int_equal(cfg.max_mapped_mb, 512);
	assert_int_equal(cfg.requests_per_turn, 64);
	assert_null(cfg.connectors);
	config_finish(&cfg);
}

static const char every_key[] =
	"# comment\n"
	"; another\n"
	"[general]\n"
	"wayland-display = wayland-7\n"
	"shell = ivi\n"
	"log-level = debug\n"
	"trace = yes\n"
	"domains = 3, 5 9\n"
	"max-dbufs = 10\n"
	"max-fbs = 11\n"
	"max-mapped-mb = 12\n"
	"requests-per-turn = 13 ; inline comment\n"
	"\n"
	"[connector c0]\n"
	"app-id = app.c0\n"
	"title = Left screen\n"
	"output = HDMI-A-1\n"
	"fullscreen = true\n"
	"ivi-id = 1000\n"
	"[connector dom=guest1/0/1]\n"
	"app-id = app.g1\n";

static void test_every_key(void **state)
{
	(void)state;
	struct config cfg;
	assert_int_equal(load(&cfg, every_key), 0);
	assert_string_equal(cfg.wayland_display, "wayland-7");
	assert_int_equal(cfg.shell, CONFIG_SHELL_IVI);
	assert_int_equal(cfg.log_level, LOG_LVL_DEBUG);
	assert_true(cfg.trace);
	assert_int_equal(cfg.n_domains, 3);
	assert_int_equal(cfg.domains[0], 3);
	assert_int_equal(cfg.domains[1], 5);
	assert_int_equal(cfg.domains[2], 9);
	assert_int_equal(cfg.max_dbufs, 10);
	assert_int_equal(cfg.max_fbs, 11);
	assert_int_equal(cfg.max_mapped_mb, 12);
	assert_int_equal(cfg.requests_per_turn, 13);

	const struct config_connector *c = cfg.connectors;
	assert_non_null(c);
	assert_string_equal(c->unique_id, "c0");
	assert_null(c->dom);
	assert_string_equal(c->app_id, "app.c0");
	assert_string_equal(c->title, "Left screen");
	assert_string_equal(c->output, "HDMI-A-1");
	assert_true(c->fullscreen);
	assert_true(c->has_ivi_id);
	assert_int_equal(c->ivi_id, 1000);

	c = c->next;
	assert_non_null(c);
	assert_null(c->unique_id);
	assert_string_equal(c->dom, "guest1");
	assert_int_equal(c->devid, 0);
	assert_int_equal(c->index, 1);
	assert_string_equal(c->app_id, "app.g1");
	assert_false(c->fullscreen);
	assert_false(c->has_ivi_id);
	assert_null(c->next);
	config_finish(&cfg);
	assert_null(cfg.connectors); /* finish resets to defaults */
}

static void test_bad_keys_and_values(void **state)
{
	(void)state;
	expect_error("[general]\n\nfoo = 1\n",
		     "t.conf:3: unknown key \"foo\" in [general]");
	expect_error("[general]\nlog-level = loud\n",
		     "t.conf:2: invalid value \"loud\" for log-level");
	expect_error("[general]\nshell = wm\n",
		     "t.conf:2: invalid value \"wm\" for shell");
	expect_error("[general]\ntrace = maybe\n",
		     "t.conf:2: invalid value \"maybe\" for trace");
	expect_error("[general]\nmax-dbufs = 0\n",
		     "t.conf:2: invalid value \"0\" for max-dbufs");
	expect_error("[general]\nmax-fbs = 12x\n",
		     "t.conf:2: invalid value \"12x\" for max-fbs");
	expect_error("[general]\nmax-mapped-mb = -1\n",
		     "t.conf:2: invalid value \"-1\" for max-mapped-mb");
	expect_error("[general]\ndomains = 1 two\n",
		     "t.conf:2: invalid value \"1 two\" for domains");
	expect_error("[connector c0]\nivi-id = x\n",
		     "t.conf:2: invalid value \"x\" for ivi-id in "
		     "[connector c0]");
	expect_error("[connector c0]\ncolour = red\n",
		     "t.conf:2: unknown key \"colour\" in [connector c0]");
}

static void test_bad_structure(void **state)
{
	(void)state;
	expect_error("trace = 1\n", "t.conf:1: \"trace\" outside any section");
	expect_error("[general]\n[displays]\nx = 1\n",
		     "t.conf:3: unknown section [displays]");
	expect_error("[general]\ntrace = 1\nthis is not ini\n",
		     "t.conf:3: syntax error (expected [section] or "
		     "key = value)");
	expect_error("[connector c0]\napp-id = a\n[general]\ntrace = 1\n"
		     "[connector c0]\ntitle = b\n",
		     "t.conf:6: [connector c0] appears twice");
	expect_error("[connector dom=guest/x/1]\ntitle = t\n",
		     "t.conf:2: [connector dom=guest/x/1]: expected "
		     "dom=<name>/<dev>/<idx>");
	expect_error("[connector two ids]\ntitle = t\n",
		     "t.conf:2: [connector two ids]: expected one unique-id");
	/* The first error is the one reported, whatever its kind. */
	expect_error("[general]\nbad line\nfoo = 1\n",
		     "t.conf:2: syntax error (expected [section] or "
		     "key = value)");
	expect_error("[general]\nfoo = 1\nbad line\n",
		     "t.conf:2: unknown key \"foo\" in [general]");

	char long_line[400];
	memset(long_line, 'a', sizeof(long_line));
	memcpy(long_line, "[general]\ntitle = ", 18);
	strcpy(long_line + 300, "\n");
	struct config cfg;
	assert_int_equal(load(&cfg, long_line), -EINVAL);
	assert_non_null(strstr(err, "t.conf:2: line longer than"));
	config_finish(&cfg);
}

static char *write_temp(char *dir, const char *text)
{
	assert_non_null(mkdtemp(dir));
	char *path;
	assert_true(asprintf(&path, "%s/vdispld.conf", dir) > 0);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void remove_temp(char *dir, char *path)
{
	unlink(path);
	rmdir(dir);
	free(path);
}

static void test_file(void **state)
{
	(void)state;
	char dir[] = "/tmp/vdispld-config.XXXXXX";
	char *path = write_temp(dir, "[general]\nmax-fbs = 5\nbogus = 1\n");
	struct config cfg;
	config_init(&cfg);
	assert_int_equal(config_load(&cfg, path, err, sizeof(err)), -EINVAL);
	char want[1200];
	snprintf(want, sizeof(want), "%s:3: unknown key \"bogus\" in "
		 "[general]", path);
	assert_string_equal(err, want);
	config_finish(&cfg);

	config_init(&cfg);
	char missing[600];
	snprintf(missing, sizeof(missing), "%s/none.conf", dir);
	assert_int_equal(config_load(&cfg, missing, err, sizeof(err)),
			 -ENOENT);
	snprintf(want, sizeof(want), "%s: %s", missing, strerror(ENOENT));
	assert_string_equal(err, want);
	config_finish(&cfg);
	remove_temp(dir, path);
}

static int parse_args(struct config_cli *cli, char **argv)
{
	int argc = 0;
	while (argv[argc])
		argc++;
	err[0] = '\0';
	return config_cli_parse(cli, argc, argv, err, sizeof(err));
}

static void test_cli(void **state)
{
	(void)state;
	struct config_cli cli;
	char *all[] = {"vdispld", "--config", "/x.conf", "--wayland-display",
		       "w-2", "--domain", "4", "-d", "6", "--log-level",
		       "warn", "--trace", NULL};
	assert_int_equal(parse_args(&cli, all), 0);
	assert_string_equal(cli.config_path, "/x.conf");
	assert_string_equal(cli.wayland_display, "w-2");
	assert_int_equal(cli.n_domains, 2);
	assert_int_equal(cli.domains[0], 4);
	assert_int_equal(cli.domains[1], 6);
	assert_int_equal(cli.log_level, LOG_LVL_WARN);
	assert_true(cli.trace);
	assert_false(cli.help);

	char *verbose[] = {"vdispld", "-v", "-h", "-V", NULL};
	assert_int_equal(parse_args(&cli, verbose), 0);
	assert_int_equal(cli.log_level, LOG_LVL_DEBUG);
	assert_true(cli.help);
	assert_true(cli.version);
	assert_null(cli.config_path);

	char *none[] = {"vdispld", NULL};
	assert_int_equal(parse_args(&cli, none), 0);
	assert_int_equal(cli.log_level, -1);

	char *bad_dom[] = {"vdispld", "--domain", "abc", NULL};
	assert_int_equal(parse_args(&cli, bad_dom), -EINVAL);
	assert_non_null(strstr(err, "invalid domain id \"abc\""));
	char *bad_level[] = {"vdispld", "--log-level", "chatty", NULL};
	assert_int_equal(parse_args(&cli, bad_level), -EINVAL);
	char *unknown[] = {"vdispld", "--frobnicate", NULL};
	assert_int_equal(parse_args(&cli, unknown), -EINVAL);
	assert_non_null(strstr(err, "--frobnicate"));
	char *missing_arg[] = {"vdispld", "--config", NULL};
	assert_int_equal(parse_args(&cli, missing_arg), -EINVAL);
	char *stray[] = {"vdispld", "extra", NULL};
	assert_int_equal(parse_args(&cli, stray), -EINVAL);
}

/* defaults < file < command line, key by key. */
static void test_precedence(void **state)
{
	(void)state;
	char dir[] = "/tmp/vdispld-config.XXXXXX";
	char *path = write_temp(dir, "[general]\nwayland-display = file-w\n"
				     "log-level = warn\ndomains = 1 2\n"
				     "max-fbs = 7\n");
	struct config_cli cli;
	struct config cfg;
	char *argv[] = {"vdispld", "-c", path, "-W", "cli-w", "--domain", "5",
			NULL};
	assert_int_equal(parse_args(&cli, argv), 0);
	assert_int_equal(config_build(&cfg, &cli, err, sizeof(err)), 0);
	assert_string_equal(cfg.path, path);
	assert_string_equal(cfg.wayland_display, "cli-w");
	assert_int_equal(cfg.n_domains, 1); /* replaced, not appended */
	assert_int_equal(cfg.domains[0], 5);
	assert_int_equal(cfg.log_level, LOG_LVL_WARN); /* file, no flag */
	assert_int_equal(cfg.max_fbs, 7);	       /* file */
	assert_int_equal(cfg.max_dbufs, 64);	       /* default */
	config_finish(&cfg);

	char *argv2[] = {"vdispld", "-c", path, "-v", NULL};
	assert_int_equal(parse_args(&cli, argv2), 0);
	assert_int_equal(config_build(&cfg, &cli, err, sizeof(err)), 0);
	assert_int_equal(cfg.log_level, LOG_LVL_DEBUG);
	assert_string_equal(cfg.wayland_display, "file-w");
	assert_int_equal(cfg.n_domains, 2);
	config_finish(&cfg);

	/* A file named on the command line must exist. */
	char *argv3[] = {"vdispld", "-c", "/nonexistent/vdispld.conf", NULL};
	assert_int_equal(parse_args(&cli, argv3), 0);
	assert_int_equal(config_build(&cfg, &cli, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/vdispld.conf"));
	remove_temp(dir, path);
}

static void test_connector_lookup(void **state)
{
	(void)state;
	struct config cfg;
	assert_int_equal(load(&cfg, "[connector c0]\napp-id = by-uid\n"
				    "[connector dom=guest1/0/0]\n"
				    "app-id = by-name\n"
				    "[connector dom=7/1/2]\napp-id = by-id\n"),
			 0);
	const struct config_connector *c;
	/* dom= beats unique-id, though it comes later in the file. */
	c = config_find_connector(&cfg, "guest1", 3, 0, 0, "c0");
	assert_non_null(c);
	assert_string_equal(c->app_id, "by-name");
	/* Another guest with the same unique-id: the unique-id section. */
	c = config_find_connector(&cfg, "guest2", 4, 0, 0, "c0");
	assert_non_null(c);
	assert_string_equal(c->app_id, "by-uid");
	/* Numeric domid in dom=, name unknown. */
	c = config_find_connector(&cfg, NULL, 7, 1, 2, NULL);
	assert_non_null(c);
	assert_string_equal(c->app_id, "by-id");
	/* Wrong index or device: no match. */
	assert_null(config_find_connector(&cfg, "guest1", 3, 0, 1, "c9"));
	assert_null(config_find_connector(&cfg, NULL, 7, 2, 2, NULL));
	assert_null(config_find_connector(&cfg, "guest1", 3, 1, 0, NULL));
	config_finish(&cfg);
}

/* The shipped file: loads as is, and with every commented-out setting
 * switched on it still loads and shows the built-in defaults. */
static void test_shipped_file(void **state)
{
	(void)state;
	struct config cfg;
	config_init(&cfg);
	assert_int_equal(config_load(&cfg, VD_SHIPPED_CONF, err, sizeof(err)),
			 0);
	assert_null(cfg.connectors);
	config_finish(&cfg);

	FILE *f = fopen(VD_SHIPPED_CONF, "r");
	assert_non_null(f);
	char *text = calloc(1, 65536);
	assert_non_null(text);
	size_t len = 0;
	char line[512];
	while (fgets(line, sizeof(line), f)) {
		/* "#key = v" and "#[section]" are settings; "# text" is not. */
		const char *from = line;
		if (line[0] == '#' && (line[1] == '[' ||
				       (line[1] >= 'a' && line[1] <= 'z')))
			from = line + 1;
		size_t n = strlen(from);
		assert_true(len + n < 65536);
		memcpy(text + len, from, n);
		len += n;
	}
	fclose(f);
	assert_int_equal(load(&cfg, text), 0);
	free(text);
	struct config defaults;
	config_init(&defaults);
	assert_string_equal(cfg.wayland_display, "wayland-0");
	assert_int_equal(cfg.shell, defaults.shell);
	assert_int_equal(cfg.log_level, defaults.log_level);
	assert_int_equal(cfg.trace, defaults.trace);
	assert_int_equal(cfg.n_domains, 0);
	assert_int_equal(cfg.max_dbufs, defaults.max_dbufs);
	assert_int_equal(cfg.max_fbs, defaults.max_fbs);
	assert_int_equal(cfg.max_mapped_mb, defaults.max_mapped_mb);
	assert_int_equal(cfg.requests_per_turn, defaults.requests_per_turn);
	assert_non_null(cfg.connectors);
	assert_non_null(cfg.connectors->next);
	assert_non_null(cfg.vkbs);
	assert_string_equal(cfg.vkbs->connector, "c0");
	assert_non_null(cfg.vkbs->next);
	assert_string_equal(cfg.vkbs->next->dom, "guest1");
	config_finish(&cfg);
}

/* [vkb ...]: pairing a vkb with a connector, dom= beating unique-id. */
static void test_vkb_pairing(void **state)
{
	(void)state;
	struct config cfg;
	assert_int_equal(load(&cfg, "[vkb k0]\nconnector = c0\n"
				    "[vkb dom=guest1/1]\nconnector = c1\n"
				    "[vkb dom=7/0]\nconnector = left\n"), 0);
	const struct config_vkb *v =
		config_find_vkb(&cfg, "other", 3, 0, "k0");
	assert_non_null(v);
	assert_string_equal(v->connector, "c0");
	v = config_find_vkb(&cfg, "guest1", 3, 1, "k0");
	assert_non_null(v);
	assert_string_equal(v->connector, "c1");
	v = config_find_vkb(&cfg, NULL, 7, 0, "k9");
	assert_non_null(v);
	assert_string_equal(v->connector, "left");
	assert_null(config_find_vkb(&cfg, "guest1", 3, 0, "k9"));
	assert_null(config_find_vkb(&cfg, NULL, 3, 0, NULL));
	config_finish(&cfg);

	expect_error("[vkb]\nconnector = c0\n",
		     "t.conf:2: unknown section [vkb]");
	expect_error("[vkb a b]\nconnector = c0\n",
		     "t.conf:2: [vkb a b]: expected one unique-id or "
		     "dom=<name>/<dev>");
	expect_error("[vkb dom=g]\nconnector = c0\n",
		     "t.conf:2: [vkb dom=g]: expected one unique-id or "
		     "dom=<name>/<dev>");
	expect_error("[vkb dom=g/x]\nconnector = c0\n",
		     "t.conf:2: [vkb dom=g/x]: expected one unique-id or "
		     "dom=<name>/<dev>");
	expect_error("[vkb k0]\napp-id = x\n",
		     "t.conf:2: unknown key \"app-id\" in [vkb k0]");
	expect_error("[vkb k0]\nconnector =\n",
		     "t.conf:2: invalid value \"\" for connector in [vkb k0]");
	expect_error("[vkb k0]\nconnector = a\n[general]\ntrace = 1\n"
		     "[vkb k0]\nconnector = b\n",
		     "t.conf:6: [vkb k0] appears twice");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_bad_keys_and_values),
		cmocka_unit_test(test_bad_structure),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_cli),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_connector_lookup),
		cmocka_unit_test(test_shipped_file),
		cmocka_unit_test(test_vkb_pairing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
