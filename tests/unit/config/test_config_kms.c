/* Settings for the KMS presenter: presenter, kms-device, drm-lease-socket
 * and a connector's output (a KMS connector name under kms) in the file;
 * --presenter, --kms-device, --drm-fd and --drm-lease-socket on the
 * command line, which imply kms and refuse an explicit --presenter
 * wayland. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"

static char err[CONFIG_ERR_MAX];

static int load(struct config *cfg, const char *text)
{
	config_init(cfg);
	err[0] = '\0';
	return config_load_string(cfg, "t.conf", text, err, sizeof(err));
}

static int parse_args(struct config_cli *cli, char **argv)
{
	int argc = 0;
	while (argv[argc])
		argc++;
	err[0] = '\0';
	return config_cli_parse(cli, argc, argv, err, sizeof(err));
}

/* Applies argv over the file's text; 0 or config_build's error. */
static int build(struct config *cfg, const char *text, char **argv)
{
	struct config_cli cli;
	int r = parse_args(&cli, argv);
	if (r < 0)
		return r;
	if (load(cfg, text) < 0)
		return -EINVAL;
	return config_apply_cli(cfg, &cli);
}

static void test_defaults(void **state)
{
	(void)state;
	struct config cfg;
	assert_int_equal(load(&cfg, ""), 0);
	assert_int_equal(cfg.presenter, CONFIG_PRESENTER_WAYLAND);
	assert_null(cfg.kms_device);
	assert_null(cfg.drm_lease_socket);
	assert_int_equal(cfg.drm_fd, -1);
	config_finish(&cfg);
	assert_string_equal(config_presenter_name(CONFIG_PRESENTER_KMS), "kms");
	assert_string_equal(config_presenter_name(CONFIG_PRESENTER_WAYLAND),
			    "wayland");
}

static void test_file_keys(void **state)
{
	(void)state;
	struct config cfg;
	assert_int_equal(load(&cfg, "[general]\npresenter = kms\n"
				    "kms-device = /dev/dri/card1\n"
				    "drm-lease-socket = /run/dlm/card0-HDMI-A-1\n"
				    "[connector c0]\noutput = Virtual-2\n"
				    "[connector dom=g/0/1]\ntitle = t\n"),
			 0);
	assert_int_equal(cfg.presenter, CONFIG_PRESENTER_KMS);
	assert_string_equal(cfg.kms_device, "/dev/dri/card1");
	assert_string_equal(cfg.drm_lease_socket, "/run/dlm/card0-HDMI-A-1");
	const struct config_connector *c =
		config_find_connector(&cfg, NULL, 1, 0, 0, "c0");
	assert_non_null(c);
	assert_string_equal(c->output, "Virtual-2");
	c = config_find_connector(&cfg, "g", 3, 0, 1, NULL);
	assert_non_null(c);
	assert_null(c->output); /* the first free output */
	config_finish(&cfg);
}

static void expect_error(const char *text, const char *message)
{
	struct config cfg;
	assert_int_equal(load(&cfg, text), -EINVAL);
	assert_string_equal(err, message);
	config_finish(&cfg);
}

static void test_file_errors(void **state)
{
	(void)state;
	expect_error("[general]\npresenter = drm\n",
		     "t.conf:2: invalid value \"drm\" for presenter");
	expect_error("[general]\npresenter = KMS\n",
		     "t.conf:2: invalid value \"KMS\" for presenter");
	expect_error("[general]\nkms-device =\n",
		     "t.conf:2: invalid value \"\" for kms-device");
	expect_error("[general]\ndrm-lease-socket =\n",
		     "t.conf:2: invalid value \"\" for drm-lease-socket");
	expect_error("[general]\ndrm-fd = 3\n",
		     "t.conf:2: unknown key \"drm-fd\" in [general]");
	expect_error("[connector c0]\noutput =\n",
		     "t.conf:2: invalid value \"\" for output in "
		     "[connector c0]");
	expect_error("[connector c0]\ndisplay = Virtual-1\n",
		     "t.conf:2: unknown key \"display\" in [connector c0]");
}

static void test_cli(void **state)
{
	(void)state;
	struct config_cli cli;
	char *all[] = {"vdispld", "--presenter", "kms", "--kms-device",
		       "/dev/dri/card2", "--drm-fd", "7", "--drm-lease-socket",
		       "/run/l.sock", NULL};
	assert_int_equal(parse_args(&cli, all), 0);
	assert_int_equal(cli.presenter, CONFIG_PRESENTER_KMS);
	assert_string_equal(cli.kms_device, "/dev/dri/card2");
	assert_int_equal(cli.drm_fd, 7);
	assert_string_equal(cli.drm_lease_socket, "/run/l.sock");

	char *none[] = {"vdispld", NULL};
	assert_int_equal(parse_args(&cli, none), 0);
	assert_int_equal(cli.presenter, -1);
	assert_int_equal(cli.drm_fd, -1);

	char *bad_pres[] = {"vdispld", "--presenter", "x11", NULL};
	assert_int_equal(parse_args(&cli, bad_pres), -EINVAL);
	assert_string_equal(err, "--presenter: unknown presenter \"x11\" "
				 "(wayland, kms)");
	char *bad_fd[] = {"vdispld", "--drm-fd", "-1", NULL};
	assert_int_equal(parse_args(&cli, bad_fd), -EINVAL);
	assert_string_equal(err, "--drm-fd: invalid fd \"-1\"");
	char *fd_word[] = {"vdispld", "--drm-fd", "three", NULL};
	assert_int_equal(parse_args(&cli, fd_word), -EINVAL);
	char *empty_sock[] = {"vdispld", "--drm-lease-socket", "", NULL};
	assert_int_equal(parse_args(&cli, empty_sock), -EINVAL);
	char *empty_dev[] = {"vdispld", "--kms-device", "", NULL};
	assert_int_equal(parse_args(&cli, empty_dev), -EINVAL);
	char *conflict[] = {"vdispld", "--presenter", "wayland", "--drm-fd",
			    "3", NULL};
	assert_int_equal(parse_args(&cli, conflict), -EINVAL);
	assert_non_null(strstr(err, "need --presenter kms"));
	char *conflict2[] = {"vdispld", "--drm-lease-socket", "/s",
			     "--presenter", "wayland", NULL};
	assert_int_equal(parse_args(&cli, conflict2), -EINVAL);
}

/* The command line over the file, and what implies kms. */
static void test_precedence(void **state)
{
	(void)state;
	struct config cfg;
	char *fd[] = {"vdispld", "--drm-fd", "4", NULL};
	assert_int_equal(build(&cfg, "[general]\npresenter = wayland\n", fd), 0);
	assert_int_equal(cfg.presenter, CONFIG_PRESENTER_KMS);
	assert_int_equal(cfg.drm_fd, 4);
	config_finish(&cfg);

	char *sock[] = {"vdispld", "--drm-lease-socket", "/cli.sock", NULL};
	assert_int_equal(build(&cfg, "[general]\ndrm-lease-socket = /f.sock\n",
			       sock), 0);
	assert_int_equal(cfg.presenter, CONFIG_PRESENTER_KMS);
	assert_string_equal(cfg.drm_lease_socket, "/cli.sock");
	config_finish(&cfg);

	char *dev[] = {"vdispld", "--kms-device", "/dev/dri/card1", NULL};
	assert_int_equal(build(&cfg, "", dev), 0);
	assert_int_equal(cfg.presenter, CONFIG_PRESENTER_KMS);
	assert_string_equal(cfg.kms_device, "/dev/dri/card1");
	config_finish(&cfg);

	char *way[] = {"vdispld", "--presenter", "wayland", NULL};
	assert_int_equal(build(&cfg, "[general]\npresenter = kms\n", way), 0);
	assert_int_equal(cfg.presenter, CONFIG_PRESENTER_WAYLAND);
	config_finish(&cfg);

	/* The file alone decides when the command line says nothing. */
	char *none[] = {"vdispld", NULL};
	assert_int_equal(build(&cfg, "[general]\npresenter = kms\n", none), 0);
	assert_int_equal(cfg.presenter, CONFIG_PRESENTER_KMS);
	assert_int_equal(cfg.drm_fd, -1);
	config_finish(&cfg);
}

/* fit = centre|scale in a [connector] section (kms). */
static void test_fit(void **state)
{
	struct config cfg;
	(void)state;
	assert_int_equal(load(&cfg, "[connector c0]\nfit = scale\n"
				    "[connector c1]\nfit = centre\n"),
			 0);
	assert_true(cfg.connectors->fit_scale);
	assert_false(cfg.connectors->next->fit_scale);
	config_finish(&cfg);
	assert_int_not_equal(load(&cfg, "[connector c0]\nfit = stretch\n"), 0);
	assert_non_null(strstr(err, "fit"));
	config_finish(&cfg);
}

/* [input]: Dom0's devices, each "DEVICE OUTPUT" (the output the last
 * word, a device name may hold spaces), a seat and a default output. */
static void test_input_section(void **state)
{
	struct config cfg;
	(void)state;
	assert_int_equal(load(&cfg, "[input]\n"
				    "seat = seat0\n"
				    "output = Virtual-1\n"
				    "device = /dev/input/event3 Virtual-2\n"
				    "device =   ILITEK Multi-Touch\t HDMI-A-1  \n"),
			 0);
	assert_string_equal(cfg.input.seat, "seat0");
	assert_string_equal(cfg.input.output, "Virtual-1");
	assert_int_equal(cfg.input.n_devices, 2);
	assert_string_equal(cfg.input.devices[0].device, "/dev/input/event3");
	assert_string_equal(cfg.input.devices[0].output, "Virtual-2");
	assert_string_equal(cfg.input.devices[1].device, "ILITEK Multi-Touch");
	assert_string_equal(cfg.input.devices[1].output, "HDMI-A-1");
	config_finish(&cfg);

	/* A device without its output, an unknown key, an empty seat. */
	assert_int_not_equal(load(&cfg, "[input]\ndevice = event3\n"), 0);
	assert_non_null(strstr(err, "DEVICE OUTPUT"));
	config_finish(&cfg);
	assert_int_not_equal(load(&cfg, "[input]\ntouch = event3\n"), 0);
	assert_non_null(strstr(err, "unknown key"));
	config_finish(&cfg);
	assert_int_not_equal(load(&cfg, "[input]\nseat =\n"), 0);
	config_finish(&cfg);

	/* No more than CONFIG_MAX_INPUT_DEVICES lines. */
	char text[2048] = "[input]\n";
	for (int i = 0; i <= CONFIG_MAX_INPUT_DEVICES; i++) {
		char line[64];
		snprintf(line, sizeof(line), "device = event%d Virtual-1\n", i);
		strcat(text, line);
	}
	assert_int_not_equal(load(&cfg, text), 0);
	assert_non_null(strstr(err, "devices in [input]"));
	config_finish(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_file_keys),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_cli),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_input_section),
		cmocka_unit_test(test_fit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
