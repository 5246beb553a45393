/* vdispld-test-ivi.so: a TEST-ONLY Weston 10 module for ivi-shell, doing
 * what an HMI controller or ivi id agent does for vdispld's surfaces, and
 * nothing more (Weston's demo hmi-controller never shows client surfaces).
 *
 * $VDISPLD_TEST_IVI_LAYOUT lists "ivi-id:x,y" entries separated by ';'.
 * Every listed ivi surface, once it has a size, goes onto one layer
 * covering the first output, at (x, y) in its buffer's size, visible.
 * Unlisted ivi ids stay invisible (as under a real controller).
 *
 * ivi-shell creates no screenshooter, so this module creates one
 * (screenshooter_create from weston.h; Weston must run with --debug for
 * weston-screenshooter to be allowed, which the test harness does). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libweston/libweston.h>
#include <wayland-server-core.h>
#include <weston/ivi-layout-export.h>
#include <weston/weston.h>

WL_EXPORT int wet_module_init(struct weston_compositor *ec, int *argc,
			      char *argv[]);

#define MAX_PLACES 16
#define LAYER_ID 0x7e57 /* any id; only this module uses layers */

struct place {
	uint32_t ivi_id;
	int32_t x, y;
};

struct test_ivi {
	struct weston_compositor *ec;
	const struct ivi_layout_interface *api;
	struct ivi_layout_layer *layer;
	struct place places[MAX_PLACES];
	int n_places;
	struct wl_listener configure;
	struct wl_listener destroy;
};

static int parse_layout(struct test_ivi *t, const char *spec)
{
	const char *p = spec;
	while (*p && t->n_places < MAX_PLACES) {
		struct place *pl = &t->places[t->n_places];
		int used = 0;
		if (sscanf(p, "%u:%d,%d%n", &pl->ivi_id, &pl->x, &pl->y,
			   &used) != 3)
			return -1;
		t->n_places++;
		p += used;
		if (*p == ';')
			p++;
		else if (*p)
			return -1;
	}
	return *p ? -1 : 0;
}

static const struct place *find_place(struct test_ivi *t, uint32_t id)
{
	for (int i = 0; i < t->n_places; i++)
		if (t->places[i].ivi_id == id)
			return &t->places[i];
	return NULL;
}

/* ivi-layout calls this when a surface commits a (new) size. */
static void surface_configured(struct wl_listener *l, void *data)
{
	struct test_ivi *t = wl_container_of(l, t, configure);
	struct ivi_layout_surface *s = data;
	const struct place *pl = find_place(t, t->api->get_id_of_surface(s));
	struct weston_surface *ws = t->api->surface_get_weston_surface(s);
	if (!pl || !ws || ws->width <= 0 || ws->height <= 0)
		return;
	t->api->surface_set_source_rectangle(s, 0, 0, ws->width, ws->height);
	t->api->surface_set_destination_rectangle(s, pl->x, pl->y, ws->width,
						  ws->height);
	t->api->surface_set_visibility(s, true);
	t->api->layer_add_surface(t->layer, s); /* no-op if already on it */
	t->api->commit_changes();
	weston_log("vdispld-test-ivi: ivi id %u (%dx%d) at %d,%d\n",
		   pl->ivi_id, ws->width, ws->height, pl->x, pl->y);
}

static void compositor_destroyed(struct wl_listener *l, void *data)
{
	struct test_ivi *t = wl_container_of(l, t, destroy);
	(void)data;
	wl_list_remove(&t->configure.link);
	wl_list_remove(&t->destroy.link);
	free(t);
}

static int setup_layer(struct test_ivi *t)
{
	struct weston_output *out;
	if (wl_list_empty(&t->ec->output_list)) {
		weston_log("vdispld-test-ivi: no output\n");
		return -1;
	}
	out = wl_container_of(t->ec->output_list.next, out, link);
	t->layer = t->api->layer_create_with_dimension(LAYER_ID, out->width,
						       out->height);
	if (!t->layer)
		return -1;
	t->api->layer_set_source_rectangle(t->layer, 0, 0, out->width,
					   out->height);
	t->api->layer_set_destination_rectangle(t->layer, 0, 0, out->width,
						out->height);
	t->api->layer_set_visibility(t->layer, true);
	t->api->screen_add_layer(out, t->layer);
	return t->api->commit_changes() < 0 ? -1 : 0;
}

WL_EXPORT int wet_module_init(struct weston_compositor *ec, int *argc,
			      char *argv[])
{
	const char *spec = getenv("VDISPLD_TEST_IVI_LAYOUT");
	(void)argc, (void)argv;
	struct test_ivi *t = calloc(1, sizeof(*t));
	if (!t)
		return -1;
	t->ec = ec;
	t->api = ivi_layout_get_api(ec);
	if (!t->api) {
		weston_log("vdispld-test-ivi: no ivi-layout API (run with "
			   "shell=ivi-shell.so)\n");
		free(t);
		return -1;
	}
	if (parse_layout(t, spec ? spec : "") < 0) {
		weston_log("vdispld-test-ivi: bad VDISPLD_TEST_IVI_LAYOUT "
			   "\"%s\" (want id:x,y;...)\n", spec);
		free(t);
		return -1;
	}
	if (setup_layer(t) < 0) {
		weston_log("vdispld-test-ivi: cannot create the layer\n");
		free(t);
		return -1;
	}
	t->configure.notify = surface_configured;
	t->api->add_listener_configure_surface(&t->configure);
	t->destroy.notify = compositor_destroyed;
	wl_signal_add(&ec->destroy_signal, &t->destroy);
	screenshooter_create(ec);
	weston_log("vdispld-test-ivi: %d placement(s)\n", t->n_places);
	return 0;
}
