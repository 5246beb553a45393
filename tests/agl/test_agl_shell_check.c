/* The shell check at start: settings that ask for shell = ivi under a
 * compositor without ivi_application (here Weston's desktop-shell) make
 * vdispld refuse to start with exit code 2 (a settings mistake: the unit
 * does not restart on it) and a log line saying what is missing; with
 * shell = auto the same settings start and fall back to xdg_toplevel.
 *
 * Usage: test_agl_shell_check <vdispld> */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agl_fixture.h"

static const struct agl_conn conns[] = {{320, 240, "c0"}};

static int run_with(struct agl *a, const char *vdispld, const char *shell,
		    const char *log)
{
	char conf[128];
	snprintf(conf, sizeof(conf), "%s/%s.conf", a->vf.dir, shell);
	FILE *f = fopen(conf, "w");
	if (!f)
		return -1;
	fprintf(f, "[general]\nshell = %s\n[connector c0]\nivi-id = 1000\n",
		shell);
	fclose(f);
	const char *argv[] = {vdispld, "-c", conf, NULL};
	return agl_run(a, argv, NULL, log, 3000);
}

int main(int argc, char *argv[])
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s <vdispld>\n", argv[0]);
		return 2;
	}
	struct weston_harness_opts wo = {.shell = "desktop-shell.so"};
	struct agl a;
	int r = agl_start_with_guest(&a, &wo, conns, 1);
	if (r != 0)
		return r;
	int fails = 0;
	char log[128];
	snprintf(log, sizeof(log), "%s/ivi.log", a.vf.dir);
	int code = run_with(&a, argv[1], "ivi", log);
	char *text = vd_slurp(log);
	if (code != 2 || !text || !strstr(text, "no ivi_application")) {
		fprintf(stderr, "FAIL: shell = ivi under desktop-shell: exit "
			"%d (want 2), log:\n%s\n", code, text ? text : "");
		fails++;
	}
	free(text);
	/* auto: starts (and runs until agl_run's time-out kills it). */
	snprintf(log, sizeof(log), "%s/auto.log", a.vf.dir);
	code = run_with(&a, argv[1], "auto", log);
	text = vd_slurp(log);
	if (code != -110 || !text ||
	    !strstr(text, "shell: xdg_toplevel")) {
		fprintf(stderr, "FAIL: shell = auto: exit %d (want it still "
			"running), log:\n%s\n", code, text ? text : "");
		fails++;
	}
	free(text);
	agl_finish(&a);
	printf("%s\n", fails ? "FAIL" : "PASS");
	return fails ? 1 : 0;
}
