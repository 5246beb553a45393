/* xdg_wm_base v3 (as Weston 10 offers): enough of xdg_surface and
 * xdg_toplevel for a client to map a window. The first commit without a
 * buffer gets a configure (0x0: the client picks its size); a buffer
 * committed before the first ack_configure is the protocol error a real
 * compositor raises. Fullscreen/maximized get the output's size. No
 * popups: nothing in vdispld makes them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <wayland-server-protocol.h>

#include "tc.h"
#include "xdg-shell-server-protocol.h"

#define TC_XDG_WM_BASE_VERSION 3

struct tc_xdg_surface {
	struct tc_server *server;
	struct wl_resource *resource;
	struct wl_resource *toplevel;
	struct tc_surface *surface;	/* NULL once the wl_surface is gone */
	bool configured;		/* first ack_configure seen */
	bool initial_commit_done;
	uint32_t last_serial;
	bool fullscreen, maximized;
	char *app_id, *title;
};

static void destroy_req(struct wl_client *client, struct wl_resource *resource)
{
	(void)client;
	wl_resource_destroy(resource);
}

static void send_configure(struct tc_xdg_surface *xdg)
{
	struct wl_array states;
	wl_array_init(&states);
	if (xdg->toplevel) {
		int32_t w = 0, h = 0;
		uint32_t *s;
		if (xdg->fullscreen && (s = wl_array_add(&states, sizeof(*s))))
			*s = XDG_TOPLEVEL_STATE_FULLSCREEN;
		if (xdg->maximized && (s = wl_array_add(&states, sizeof(*s))))
			*s = XDG_TOPLEVEL_STATE_MAXIMIZED;
		if (xdg->fullscreen || xdg->maximized) {
			w = xdg->server->cfg.output_width;
			h = xdg->server->cfg.output_height;
		}
		xdg_toplevel_send_configure(xdg->toplevel, w, h, &states);
	}
	wl_array_release(&states);
	xdg->last_serial = wl_display_next_serial(xdg->server->display);
	xdg_surface_send_configure(xdg->resource, xdg->last_serial);
}

int tc_xdg_surface_precommit(struct tc_xdg_surface *xdg, bool has_buffer)
{
	if (has_buffer && !xdg->configured) {
		wl_resource_post_error(xdg->resource,
				       XDG_SURFACE_ERROR_UNCONFIGURED_BUFFER,
				       "buffer committed before ack_configure");
		return -EPROTO;
	}
	return 0;
}

void tc_xdg_surface_postcommit(struct tc_xdg_surface *xdg)
{
	if (!xdg->toplevel || xdg->initial_commit_done)
		return;
	xdg->initial_commit_done = true;
	send_configure(xdg);
}

const char *tc_xdg_surface_app_id(const struct tc_xdg_surface *xdg)
{
	return xdg->app_id;
}

void tc_xdg_surface_detach(struct tc_xdg_surface *xdg)
{
	xdg->surface = NULL;
}

/* xdg_toplevel */

static struct tc_xdg_surface *toplevel_xdg(struct wl_resource *resource)
{
	return wl_resource_get_user_data(resource);
}

static void set_string(char **dst, const char *value)
{
	free(*dst);
	*dst = strdup(value);
}

static void toplevel_set_title(struct wl_client *client,
			       struct wl_resource *resource, const char *title)
{
	(void)client;
	set_string(&toplevel_xdg(resource)->title, title);
}

static void toplevel_set_app_id(struct wl_client *client,
				struct wl_resource *resource,
				const char *app_id)
{
	(void)client;
	set_string(&toplevel_xdg(resource)->app_id, app_id);
}

static void toplevel_set_parent(struct wl_client *client,
				struct wl_resource *resource,
				struct wl_resource *parent)
{
	(void)client, (void)resource, (void)parent;
}

static void toplevel_show_window_menu(struct wl_client *client,
				      struct wl_resource *resource,
				      struct wl_resource *seat, uint32_t serial,
				      int32_t x, int32_t y)
{
	(void)client, (void)resource, (void)seat, (void)serial, (void)x,
		(void)y;
}

static void toplevel_move(struct wl_client *client,
			  struct wl_resource *resource,
			  struct wl_resource *seat, uint32_t serial)
{
	(void)client, (void)resource, (void)seat, (void)serial;
}

static void toplevel_resize(struct wl_client *client,
			    struct wl_resource *resource,
			    struct wl_resource *seat, uint32_t serial,
			    uint32_t edges)
{
	(void)client, (void)resource, (void)seat, (void)serial, (void)edges;
}

static void toplevel_set_size(struct wl_client *client,
			      struct wl_resource *resource, int32_t width,
			      int32_t height)
{
	(void)client, (void)resource, (void)width, (void)height;
}

static void set_state(struct wl_resource *resource, bool *state, bool on)
{
	struct tc_xdg_surface *xdg = toplevel_xdg(resource);
	*state = on;
	if (xdg->initial_commit_done)
		send_configure(xdg);
}

static void toplevel_set_maximized(struct wl_client *client,
				   struct wl_resource *resource)
{
	(void)client;
	set_state(resource, &toplevel_xdg(resource)->maximized, true);
}

static void toplevel_unset_maximized(struct wl_client *client,
				     struct wl_resource *resource)
{
	(void)client;
	set_state(resource, &toplevel_xdg(resource)->maximized, false);
}

static void toplevel_set_fullscreen(struct wl_client *client,
				    struct wl_resource *resource,
				    struct wl_resource *output)
{
	(void)client, (void)output;
	set_state(resource, &toplevel_xdg(resource)->fullscreen, true);
}

static void toplevel_unset_fullscreen(struct wl_client *client,
				      struct wl_resource *resource)
{
	(void)client;
	set_state(resource, &toplevel_xdg(resource)->fullscreen, false);
}

static void toplevel_set_minimized(struct wl_client *client,
				   struct wl_resource *resource)
{
	(void)client, (void)resource;
}

static const struct xdg_toplevel_interface toplevel_impl = {
	.destroy = destroy_req,
	.set_parent = toplevel_set_parent,
	.set_title = toplevel_set_title,
	.set_app_id = toplevel_set_app_id,
	.show_window_menu = toplevel_show_window_menu,
	.move = toplevel_move,
	.resize = toplevel_resize,
	.set_max_size = toplevel_set_size,
	.set_min_size = toplevel_set_size,
	.set_maximized = toplevel_set_maximized,
	.unset_maximized = toplevel_unset_maximized,
	.set_fullscreen = toplevel_set_fullscreen,
	.unset_fullscreen = toplevel_unset_fullscreen,
	.set_minimized = toplevel_set_minimized,
};

static void toplevel_resource_destroyed(struct wl_resource *resource)
{
	struct tc_xdg_surface *xdg = toplevel_xdg(resource);
	if (xdg)	/* NULL when the client went away in another order */
		xdg->toplevel = NULL;
}

/* xdg_surface */

static void xdg_surface_get_toplevel(struct wl_client *client,
				     struct wl_resource *resource, uint32_t id)
{
	struct tc_xdg_surface *xdg = wl_resource_get_user_data(resource);
	if (xdg->toplevel) {
		wl_resource_post_error(resource, XDG_SURFACE_ERROR_ALREADY_CONSTRUCTED,
				       "xdg_surface already has a role object");
		return;
	}
	xdg->toplevel = wl_resource_create(client, &xdg_toplevel_interface,
					   wl_resource_get_version(resource), id);
	if (!xdg->toplevel) {
		wl_client_post_no_memory(client);
		return;
	}
	wl_resource_set_implementation(xdg->toplevel, &toplevel_impl, xdg,
				       toplevel_resource_destroyed);
}

static void xdg_surface_get_popup(struct wl_client *client,
				  struct wl_resource *resource, uint32_t id,
				  struct wl_resource *parent,
				  struct wl_resource *positioner)
{
	(void)client, (void)id, (void)parent, (void)positioner;
	wl_resource_post_error(resource, XDG_SURFACE_ERROR_NOT_CONSTRUCTED,
			       "the test compositor has no popups");
}

static void xdg_surface_set_window_geometry(struct wl_client *client,
					    struct wl_resource *resource,
					    int32_t x, int32_t y, int32_t width,
					    int32_t height)
{
	(void)client, (void)resource, (void)x, (void)y, (void)width,
		(void)height;
}

static void xdg_surface_ack_configure(struct wl_client *client,
				      struct wl_resource *resource,
				      uint32_t serial)
{
	struct tc_xdg_surface *xdg = wl_resource_get_user_data(resource);
	(void)client;
	if (!xdg->initial_commit_done || serial > xdg->last_serial) {
		wl_resource_post_error(resource,
				       XDG_SURFACE_ERROR_INVALID_SERIAL,
				       "ack_configure %u was never sent",
				       serial);
		return;
	}
	xdg->configured = true;
}

static void xdg_surface_destroy_req(struct wl_client *client,
				    struct wl_resource *resource)
{
	struct tc_xdg_surface *xdg = wl_resource_get_user_data(resource);
	(void)client;
	if (xdg->toplevel) {
		wl_resource_post_error(resource,
				       XDG_SURFACE_ERROR_DEFUNCT_ROLE_OBJECT,
				       "xdg_surface destroyed before its toplevel");
		return;
	}
	wl_resource_destroy(resource);
}

static const struct xdg_surface_interface xdg_surface_impl = {
	.destroy = xdg_surface_destroy_req,
	.get_toplevel = xdg_surface_get_toplevel,
	.get_popup = xdg_surface_get_popup,
	.set_window_geometry = xdg_surface_set_window_geometry,
	.ack_configure = xdg_surface_ack_configure,
};

static void xdg_surface_resource_destroyed(struct wl_resource *resource)
{
	struct tc_xdg_surface *xdg = wl_resource_get_user_data(resource);
	if (xdg->toplevel)
		wl_resource_set_user_data(xdg->toplevel, NULL);
	if (xdg->surface)
		xdg->surface->xdg = NULL;
	free(xdg->app_id);
	free(xdg->title);
	free(xdg);
}

/* xdg_wm_base */

static void wm_base_create_positioner(struct wl_client *client,
				      struct wl_resource *resource, uint32_t id)
{
	(void)client, (void)id;
	wl_resource_post_error(resource, XDG_WM_BASE_ERROR_INVALID_POSITIONER,
			       "the test compositor has no popups");
}

static void wm_base_get_xdg_surface(struct wl_client *client,
				    struct wl_resource *resource, uint32_t id,
				    struct wl_resource *surface_resource)
{
	struct tc_surface *surface = tc_surface_from_resource(surface_resource);
	if (surface->xdg || surface->buffer) {
		wl_resource_post_error(resource, surface->xdg
						 ? XDG_WM_BASE_ERROR_ROLE
						 : XDG_WM_BASE_ERROR_INVALID_SURFACE_STATE,
				       "wl_surface %u has a role or a buffer",
				       surface->id);
		return;
	}
	struct tc_xdg_surface *xdg = calloc(1, sizeof(*xdg));
	if (!xdg) {
		wl_client_post_no_memory(client);
		return;
	}
	xdg->resource = wl_resource_create(client, &xdg_surface_interface,
					   wl_resource_get_version(resource), id);
	if (!xdg->resource) {
		free(xdg);
		wl_client_post_no_memory(client);
		return;
	}
	xdg->server = wl_resource_get_user_data(resource);
	xdg->surface = surface;
	surface->xdg = xdg;
	wl_resource_set_implementation(xdg->resource, &xdg_surface_impl, xdg,
				       xdg_surface_resource_destroyed);
}

static void wm_base_pong(struct wl_client *client, struct wl_resource *resource,
			 uint32_t serial)
{
	(void)client, (void)resource, (void)serial;
}

static const struct xdg_wm_base_interface wm_base_impl = {
	.destroy = destroy_req,
	.create_positioner = wm_base_create_positioner,
	.get_xdg_surface = wm_base_get_xdg_surface,
	.pong = wm_base_pong,
};

static void wm_base_bind(struct wl_client *client, void *data,
			 uint32_t version, uint32_t id)
{
	struct wl_resource *resource = wl_resource_create(
		client, &xdg_wm_base_interface, (int)version, id);
	if (!resource) {
		wl_client_post_no_memory(client);
		return;
	}
	wl_resource_set_implementation(resource, &wm_base_impl, data, NULL);
}

int tc_xdg_create(struct tc_server *server)
{
	if (!wl_global_create(server->display, &xdg_wm_base_interface,
			      TC_XDG_WM_BASE_VERSION, server, wm_base_bind))
		return -ENOMEM;
	return 0;
}
