/* wp_viewporter v1: a surface's source rectangle (crop) and destination
 * size, double-buffered and applied at commit, with the protocol's errors
 * (viewport_exists, bad_value, out_of_buffer, no_surface).
 *
 * This compositor never scales: a frame's CRC covers the source rectangle
 * at its own size, and the destination is only reported. That is exactly
 * what a client cropping without scaling (destination == source size)
 * shows on a real compositor. */
#include <errno.h>
#include <wayland-server-protocol.h>

#include "tc.h"
#include "viewporter-server-protocol.h"

#define TC_VIEWPORTER_VERSION 1

static struct tc_surface *viewport_surface(struct wl_resource *resource)
{
	return wl_resource_get_user_data(resource);
}

/* The pending viewport state of a request's surface; NULL, with the
 * protocol error posted, once the wl_surface is gone. */
static struct tc_viewport_state *live_viewport(struct wl_resource *resource)
{
	struct tc_surface *surface = viewport_surface(resource);

	if (!surface) {
		wl_resource_post_error(resource, WP_VIEWPORT_ERROR_NO_SURFACE,
				       "the wl_surface is gone");
		return NULL;
	}
	return &surface->pending.viewport;
}

static void viewport_destroy(struct wl_client *client,
			     struct wl_resource *resource)
{
	(void)client;
	wl_resource_destroy(resource);
}

/* The crop and scale go with the viewport, at the next commit. */
static void viewport_resource_destroyed(struct wl_resource *resource)
{
	struct tc_surface *surface = viewport_surface(resource);
	if (!surface)
		return;
	surface->pending.viewport = (struct tc_viewport_state){0};
	surface->viewport_resource = NULL;
}

static void viewport_set_source(struct wl_client *client,
				struct wl_resource *resource, wl_fixed_t x,
				wl_fixed_t y, wl_fixed_t width,
				wl_fixed_t height)
{
	struct tc_viewport_state *vp = live_viewport(resource);
	wl_fixed_t unset = wl_fixed_from_int(-1);
	(void)client;
	if (!vp)
		return;
	if (x == unset && y == unset && width == unset && height == unset) {
		vp->src_set = false;
		return;
	}
	if (x < 0 || y < 0 || width <= 0 || height <= 0) {
		wl_resource_post_error(resource, WP_VIEWPORT_ERROR_BAD_VALUE,
				       "source %f,%f %fx%f is invalid",
				       wl_fixed_to_double(x),
				       wl_fixed_to_double(y),
				       wl_fixed_to_double(width),
				       wl_fixed_to_double(height));
		return;
	}
	vp->src_set = true;
	vp->src_x = x;
	vp->src_y = y;
	vp->src_w = width;
	vp->src_h = height;
}

static void viewport_set_destination(struct wl_client *client,
				     struct wl_resource *resource,
				     int32_t width, int32_t height)
{
	struct tc_viewport_state *vp = live_viewport(resource);
	(void)client;
	if (!vp)
		return;
	if (width == -1 && height == -1) {
		vp->dst_set = false;
		return;
	}
	if (width <= 0 || height <= 0) {
		wl_resource_post_error(resource, WP_VIEWPORT_ERROR_BAD_VALUE,
				       "destination %dx%d is invalid", width,
				       height);
		return;
	}
	vp->dst_set = true;
	vp->dst_w = width;
	vp->dst_h = height;
}

static const struct wp_viewport_interface viewport_impl = {
	.destroy = viewport_destroy,
	.set_source = viewport_set_source,
	.set_destination = viewport_set_destination,
};

static void viewporter_destroy(struct wl_client *client,
			       struct wl_resource *resource)
{
	(void)client;
	wl_resource_destroy(resource);
}

static void viewporter_get_viewport(struct wl_client *client,
				    struct wl_resource *resource, uint32_t id,
				    struct wl_resource *surface_resource)
{
	struct tc_surface *surface = tc_surface_from_resource(surface_resource);
	if (surface->viewport_resource) {
		wl_resource_post_error(resource,
				       WP_VIEWPORTER_ERROR_VIEWPORT_EXISTS,
				       "the surface has a viewport already");
		return;
	}
	struct wl_resource *viewport = wl_resource_create(
		client, &wp_viewport_interface,
		wl_resource_get_version(resource), id);
	if (!viewport) {
		wl_client_post_no_memory(client);
		return;
	}
	wl_resource_set_implementation(viewport, &viewport_impl, surface,
				       viewport_resource_destroyed);
	surface->viewport_resource = viewport;
}

static const struct wp_viewporter_interface viewporter_impl = {
	.destroy = viewporter_destroy,
	.get_viewport = viewporter_get_viewport,
};

static void viewporter_bind(struct wl_client *client, void *data,
			    uint32_t version, uint32_t id)
{
	struct wl_resource *resource = wl_resource_create(
		client, &wp_viewporter_interface, (int)version, id);
	if (!resource) {
		wl_client_post_no_memory(client);
		return;
	}
	wl_resource_set_implementation(resource, &viewporter_impl, data, NULL);
}

int tc_viewporter_create(struct tc_server *server)
{
	if (server->cfg.no_viewporter)
		return 0;
	if (!wl_global_create(server->display, &wp_viewporter_interface,
			      TC_VIEWPORTER_VERSION, server, viewporter_bind))
		return -ENOMEM;
	return 0;
}

int tc_viewport_region(struct tc_surface *surface, int32_t buf_w,
		       int32_t buf_h, struct tc_rect *out)
{
	const struct tc_viewport_state *vp = &surface->viewport;
	*out = (struct tc_rect){0, 0, buf_w, buf_h};
	if (!vp->src_set)
		return 0;
	/* Checked in fixed point: a source reaching past the buffer by a
	 * fraction is out of it too. */
	if ((int64_t)vp->src_x + vp->src_w > (int64_t)wl_fixed_from_int(buf_w) ||
	    (int64_t)vp->src_y + vp->src_h > (int64_t)wl_fixed_from_int(buf_h)) {
		if (surface->viewport_resource)
			wl_resource_post_error(
				surface->viewport_resource,
				WP_VIEWPORT_ERROR_OUT_OF_BUFFER,
				"source %f,%f %fx%f outside the %dx%d buffer",
				wl_fixed_to_double(vp->src_x),
				wl_fixed_to_double(vp->src_y),
				wl_fixed_to_double(vp->src_w),
				wl_fixed_to_double(vp->src_h), buf_w, buf_h);
		return -EPROTO;
	}
	*out = (struct tc_rect){
		wl_fixed_to_int(vp->src_x), wl_fixed_to_int(vp->src_y),
		wl_fixed_to_int(vp->src_w), wl_fixed_to_int(vp->src_h),
	};
	if (out->width <= 0)
		out->width = 1;
	if (out->height <= 0)
		out->height = 1;
	return 0;
}

/* A viewport outliving its surface answers no_surface from now on. */
void tc_viewport_surface_gone(struct tc_surface *surface)
{
	if (surface->viewport_resource)
		wl_resource_set_user_data(surface->viewport_resource, NULL);
	surface->viewport_resource = NULL;
}
