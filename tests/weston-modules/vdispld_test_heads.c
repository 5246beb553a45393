/* vdispld-test-heads.so: a TEST-ONLY Weston 10 module that adds more
 * outputs to the headless backend (which makes one, "headless"), through
 * the public windowed-output API, so kiosk-shell tests have several
 * outputs to place applications on.
 *
 * $VDISPLD_TEST_HEADS lists head names separated by ','. Weston's head
 * configurator then makes an output of each, sized from the weston.ini
 * [output] section with that name (mode=WxH), placed right of the
 * outputs before it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libweston/libweston.h>
#include <libweston/windowed-output-api.h>

WL_EXPORT int wet_module_init(struct weston_compositor *ec, int *argc,
			      char *argv[]);

WL_EXPORT int wet_module_init(struct weston_compositor *ec, int *argc,
			      char *argv[])
{
	const char *spec = getenv("VDISPLD_TEST_HEADS");
	(void)argc, (void)argv;
	const struct weston_windowed_output_api *api =
		weston_windowed_output_get_api(ec);
	if (!api) {
		weston_log("vdispld-test-heads: backend has no windowed-output "
			   "API (use the headless backend)\n");
		return -1;
	}
	char names[256];
	snprintf(names, sizeof(names), "%s", spec ? spec : "");
	char *save = NULL;
	for (char *n = strtok_r(names, ",", &save); n;
	     n = strtok_r(NULL, ",", &save)) {
		if (api->create_head(ec, n) < 0) {
			weston_log("vdispld-test-heads: cannot create head "
				   "%s\n", n);
			return -1;
		}
		weston_log("vdispld-test-heads: head %s\n", n);
	}
	return 0;
}
