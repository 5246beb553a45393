/* One wl_output (v4) of the configured size at 60 Hz, so clients that
 * size or place windows from the output see a plausible screen. */
#include <errno.h>
#include <wayland-server-protocol.h>

#include "tc.h"

#define TC_OUTPUT_VERSION 4

static void output_release(struct wl_client *client,
			   struct wl_resource *resource)
{
	(void)client;
	wl_resource_destroy(resource);
}

static const struct wl_output_interface output_impl = {
	.release = output_release,
};

static void output_bind(struct wl_client *client, void *data,
			uint32_t version, uint32_t id)
{
	struct tc_server *server = data;
	struct wl_resource *resource =
		wl_resource_create(client, &wl_output_interface, (int)version, id);
	if (!resource) {
		wl_client_post_no_memory(client);
		return;
	}
	wl_resource_set_implementation(resource, &output_impl, server, NULL);
	int32_t w = server->cfg.output_width, h = server->cfg.output_height;
	/* ~96 dpi for the physical size. */
	wl_output_send_geometry(resource, 0, 0, w * 254 / 960, h * 254 / 960,
				WL_OUTPUT_SUBPIXEL_UNKNOWN, "vdispld",
				"test-compositor", WL_OUTPUT_TRANSFORM_NORMAL);
	wl_output_send_mode(resource,
			    WL_OUTPUT_MODE_CURRENT | WL_OUTPUT_MODE_PREFERRED,
			    w, h, 60000);
	if (version >= WL_OUTPUT_SCALE_SINCE_VERSION)
		wl_output_send_scale(resource, 1);
	if (version >= WL_OUTPUT_NAME_SINCE_VERSION) {
		wl_output_send_name(resource, "TEST-1");
		wl_output_send_description(resource, "vdispld test output");
	}
	if (version >= WL_OUTPUT_DONE_SINCE_VERSION)
		wl_output_send_done(resource);
}

int tc_output_create(struct tc_server *server)
{
	if (!wl_global_create(server->display, &wl_output_interface,
			      TC_OUTPUT_VERSION, server, output_bind))
		return -ENOMEM;
	return 0;
}
