/* e2e's use of the shared fixture: its arguments, Weston's size and
 * renderer, vdispld's flags, and the counted exit checks. */
#include "e2e_fixture.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "toolstack.h"
#include "xensim.h"

int e2e_failures;

int e2e_parse_args(int argc, char **argv, struct e2e_args *out)
{
	*out = (struct e2e_args){.renderer = "pixman"};
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--renderer=", 11))
			out->renderer = argv[i] + 11;
		else if (!strncmp(argv[i], "--vdispld=", 10))
			out->vdispld = argv[i] + 10;
		else if (argv[i][0] != '-' && !out->scenario)
			out->scenario = argv[i];
		else
			out->scenario = NULL, i = argc;
	}
	if (!out->vdispld || !out->scenario ||
	    (strcmp(out->renderer, "pixman") && strcmp(out->renderer, "gl"))) {
		fprintf(stderr, "usage: %s --vdispld=PATH [--renderer=pixman|gl] "
				"SCENARIO\n", argv[0]);
		return -EINVAL;
	}
	return 0;
}

int e2e_start(struct e2e *e, const struct e2e_args *args,
	      const struct e2e_opts *opts)
{
	memset(e, 0, sizeof(*e));
	e->args = *args;
	e->opts = *opts;
	if (!e->opts.width)
		e->opts.width = 4096, e->opts.height = 2304;
	log_init(getenv("E2E_DEBUG") ? LOG_LVL_DEBUG : LOG_LVL_WARN, "e2e");
	struct vd_fixture_opts fo = {
		.weston = {.renderer = e->args.renderer,
			   .width = e->opts.width, .height = e->opts.height},
		.skip_gl_failure = true,
	};
	int r = vd_fixture_setup(&e->fx, "e2e", &fo);
	if (r != 0)
		return r;
	return vd_fixture_write_conf(&e->fx, "# e2e: built-in defaults only\n");
}

int e2e_main(const struct e2e_args *args, const struct e2e_opts *opts,
	     int (*run)(struct e2e *e))
{
	struct e2e e;
	int r = e2e_start(&e, args, opts);
	int ret = r == 77 ? 77 : r < 0 ? 1 : run(&e);
	if (r == 0) {
		e2e_vdispld_check_exit(&e);
		if (ret == 0 && e2e_failures)
			ret = 1;
	}
	if (e2e_failures)
		vd_fixture_report(&e.fx);
	vd_fixture_destroy(&e.fx);
	if (ret == 0)
		printf("PASS %s (%s)\n", args->scenario, args->renderer);
	return ret;
}

int e2e_vdispld_start(struct e2e *e)
{
	/* WAYLAND_DISPLAY unset: the socket comes from the flag. */
	const char *env[] = {"WAYLAND_DISPLAY=", NULL};
	const char *argv[] = {"--wayland-display", e->fx.wh.socket, "-v",
			      e->opts.trace ? "--trace" : NULL, NULL};
	struct vd_spawn s = {
		.vdispld = e->args.vdispld, .conf_flag = "--config",
		.args = argv, .env = env, .cwd = e->fx.dir,
	};
	return vd_fixture_spawn(&e->fx, &s);
}

void e2e_vdispld_check_exit(struct e2e *e)
{
	if (e->fx.vd) {
		int st = vd_fixture_stop_vdispld(&e->fx, 10000);
		E2E_CHECK(vd_exit_is(st, 0), "vdispld's exit status %#x", st);
	}
	E2E_CHECK(vd_fixture_logs_clean(&e->fx), "sanitizer report");
}

struct xensim_guest *e2e_guest_create(struct e2e *e, uint32_t domid,
				      const char *name, unsigned nconns,
				      const uint32_t sizes[][2], bool be_alloc)
{
	struct xensim_guest_cfg cfg;
	vd_guest_cfg(&cfg, domid, name, nconns, sizes, NULL);
	cfg.be_alloc = be_alloc;
	return vd_fixture_guest(&e->fx, &cfg, NULL);
}
