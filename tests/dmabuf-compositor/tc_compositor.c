/* wl_compositor v4: surfaces with double-buffered attach/damage/frame, and
 * regions (accepted, ignored: nothing here composites). A commit that
 * attaches a buffer latches it: the pixels are read and reported right
 * away, and the buffer it replaces is released only then, as a real
 * compositor does once the next buffer is on screen. */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wayland-server-protocol.h>

#include "log.h"
#include "tc.h"

#define TC_COMPOSITOR_VERSION 4

static const struct wl_surface_interface surface_impl;

struct tc_surface *tc_surface_from_resource(struct wl_resource *resource)
{
	assert(wl_resource_instance_of(resource, &wl_surface_interface,
				       &surface_impl));
	return wl_resource_get_user_data(resource);
}

void tc_surface_name(const struct tc_surface *surface, char *buf, size_t len)
{
	const char *app_id =
		surface->xdg ? tc_xdg_surface_app_id(surface->xdg) : NULL;
	if (!app_id || !app_id[0]) {
		snprintf(buf, len, "surface-%u", surface->id);
		return;
	}
	/* Report lines are space separated and dumps are file names. */
	snprintf(buf, len, "%s", app_id);
	for (char *c = buf; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '.' || *c == '-' ||
		      *c == '_'))
			*c = '_';
}

static void pending_buffer_destroyed(struct wl_listener *listener, void *data)
{
	struct tc_surface *surface =
		wl_container_of(listener, surface, pending.buffer_destroy);
	(void)data;
	wl_list_remove(&surface->pending.buffer_destroy.link);
	wl_list_init(&surface->pending.buffer_destroy.link);
	surface->pending.buffer = NULL;
}

static void current_buffer_destroyed(struct wl_listener *listener, void *data)
{
	struct tc_surface *surface =
		wl_container_of(listener, surface, buffer_destroy);
	(void)data;
	wl_list_remove(&surface->buffer_destroy.link);
	wl_list_init(&surface->buffer_destroy.link);
	surface->buffer = NULL;
}

static void set_pending_buffer(struct tc_surface *surface,
			       struct wl_resource *buffer)
{
	wl_list_remove(&surface->pending.buffer_destroy.link);
	wl_list_init(&surface->pending.buffer_destroy.link);
	surface->pending.buffer = buffer;
	if (buffer)
		wl_resource_add_destroy_listener(
			buffer, &surface->pending.buffer_destroy);
}

static void surface_destroy_req(struct wl_client *client,
				struct wl_resource *resource)
{
	(void)client;
	wl_resource_destroy(resource);
}

static void surface_attach(struct wl_client *client,
			   struct wl_resource *resource,
			   struct wl_resource *buffer, int32_t x, int32_t y)
{
	struct tc_surface *surface = tc_surface_from_resource(resource);
	(void)client, (void)x, (void)y;
	set_pending_buffer(surface, buffer);
	surface->pending.attached = true;
}

static void surface_damage(struct wl_client *client,
			   struct wl_resource *resource, int32_t x, int32_t y,
			   int32_t width, int32_t height)
{
	struct tc_surface *surface = tc_surface_from_resource(resource);
	(void)client, (void)x, (void)y;
	if (width > 0 && height > 0)
		surface->pending.damaged = true;
}

static void callback_unlink(struct wl_resource *resource)
{
	wl_list_remove(wl_resource_get_link(resource));
}

static void surface_frame(struct wl_client *client,
			  struct wl_resource *resource, uint32_t id)
{
	struct tc_surface *surface = tc_surface_from_resource(resource);
	struct wl_resource *cb =
		wl_resource_create(client, &wl_callback_interface, 1, id);
	if (!cb) {
		wl_client_post_no_memory(client);
		return;
	}
	wl_resource_set_implementation(cb, NULL, NULL, callback_unlink);
	wl_list_insert(surface->pending.frames.prev, wl_resource_get_link(cb));
}

static void surface_set_region(struct wl_client *client,
			       struct wl_resource *resource,
			       struct wl_resource *region)
{
	(void)client, (void)resource, (void)region;
}

/* " src=X,Y,WxH dst=WxH" for a surface with viewport state, else "". */
static void viewport_fields(const struct tc_surface *surface,
			    const struct tc_rect *region, char *buf,
			    size_t len)
{
	const struct tc_viewport_state *vp = &surface->viewport;
	buf[0] = '\0';
	if (!vp->src_set && !vp->dst_set)
		return;
	snprintf(buf, len, " src=%d,%d,%dx%d dst=%dx%d", region->x, region->y,
		 region->width, region->height,
		 vp->dst_set ? vp->dst_w : region->width,
		 vp->dst_set ? vp->dst_h : region->height);
}

static void report_frame(struct tc_surface *surface)
{
	struct tc_server *server = surface->server;
	struct tc_frame_info info = {0};
	struct tc_rect region = {0};
	char name[128], fmt[5], view[96];
	tc_surface_name(surface, name, sizeof(name));
	if (server->cfg.no_read) {
		/* Benchmarks: the pixels stay unread, the line still counts. */
		tc_report(server, "commit surface=%s buffer=unread", name);
		return;
	}
	int32_t bw, bh;
	if (tc_buffer_size(surface->buffer, &bw, &bh) == 0 &&
	    tc_viewport_region(surface, bw, bh, &region) < 0)
		return; /* out_of_buffer posted: the client is gone */
	const struct tc_rect *crop = surface->viewport.src_set ? &region : NULL;
	int dump_fd = tc_dump_begin(server, name);
	int ret = tc_buffer_read(surface->buffer, crop, &info, dump_fd);
	tc_dump_end(server, name, dump_fd, ret == 0 && !info.attach_only);
	if (ret < 0) {
		tc_report(server, "commit surface=%s buffer=%s error=%s", name,
			  info.kind ? info.kind : "unknown", strerror(-ret));
		return;
	}
	if (!crop)
		region = (struct tc_rect){0, 0, info.width, info.height};
	viewport_fields(surface, &region, view, sizeof(view));
	if (info.attach_only) {
		tc_report(server,
			  "commit surface=%s buffer=%s w=%d h=%d fmt=%s "
			  "stride=%d offset=%u attach-only%s",
			  name, info.kind, info.width, info.height,
			  tc_format_name(info.drm_format, fmt), info.stride,
			  info.offset, view);
		return;
	}
	tc_report(server,
		  "commit surface=%s buffer=%s w=%d h=%d fmt=%s stride=%d "
		  "offset=%u crc=%08x px0=%08x%s",
		  name, info.kind, info.width, info.height,
		  tc_format_name(info.drm_format, fmt), info.stride,
		  info.offset, info.crc, info.px0, view);
}

/* Latches the attached buffer; the one it replaces goes back to the
 * client now that the new one is "on screen". */
static void latch_buffer(struct tc_surface *surface)
{
	struct wl_resource *old = surface->buffer;
	struct wl_resource *next = surface->pending.buffer;
	set_pending_buffer(surface, NULL);
	wl_list_remove(&surface->buffer_destroy.link);
	wl_list_init(&surface->buffer_destroy.link);
	surface->buffer = next;
	if (next)
		wl_resource_add_destroy_listener(next,
						 &surface->buffer_destroy);
	if (old && old != next)
		tc_release_buffer(surface->server, old);
}

static void surface_commit(struct wl_client *client,
			   struct wl_resource *resource)
{
	struct tc_surface *surface = tc_surface_from_resource(resource);
	(void)client;
	bool has_buffer = surface->pending.attached ? !!surface->pending.buffer
						    : !!surface->buffer;
	if (surface->xdg &&
	    tc_xdg_surface_precommit(surface->xdg, has_buffer) < 0)
		return;
	bool attached = surface->pending.attached;
	bool damaged = surface->pending.damaged;
	surface->pending.attached = surface->pending.damaged = false;
	surface->viewport = surface->pending.viewport;
	if (attached)
		latch_buffer(surface);
	if (surface->buffer && (attached || damaged))
		report_frame(surface);
	else if (attached) {
		char name[128];
		tc_surface_name(surface, name, sizeof(name));
		tc_report(surface->server, "unmap surface=%s", name);
	}
	tc_frame_queue(surface->server, &surface->pending.frames);
	if (surface->xdg)
		tc_xdg_surface_postcommit(surface->xdg);
}

static void surface_set_buffer_transform(struct wl_client *client,
					 struct wl_resource *resource,
					 int32_t transform)
{
	(void)client, (void)resource, (void)transform;
}

static void surface_set_buffer_scale(struct wl_client *client,
				     struct wl_resource *resource,
				     int32_t scale)
{
	(void)client;
	if (scale < 1)
		wl_resource_post_error(resource, WL_SURFACE_ERROR_INVALID_SCALE,
				       "buffer scale %d is not positive", scale);
}

static const struct wl_surface_interface surface_impl = {
	.destroy = surface_destroy_req,
	.attach = surface_attach,
	.damage = surface_damage,
	.frame = surface_frame,
	.set_opaque_region = surface_set_region,
	.set_input_region = surface_set_region,
	.commit = surface_commit,
	.set_buffer_transform = surface_set_buffer_transform,
	.set_buffer_scale = surface_set_buffer_scale,
	.damage_buffer = surface_damage,
};

static void surface_resource_destroyed(struct wl_resource *resource)
{
	struct tc_surface *surface = wl_resource_get_user_data(resource);
	struct wl_resource *cb, *tmp;
	// cppcheck-suppress unknownMacro
	wl_resource_for_each_safe (cb, tmp, &surface->pending.frames)
		wl_resource_destroy(cb);
	if (surface->xdg)
		tc_xdg_surface_detach(surface->xdg);
	tc_viewport_surface_gone(surface);
	wl_list_remove(&surface->pending.buffer_destroy.link);
	wl_list_remove(&surface->buffer_destroy.link);
	free(surface);
}

static void compositor_create_surface(struct wl_client *client,
				      struct wl_resource *resource,
				      uint32_t id)
{
	struct tc_server *server = wl_resource_get_user_data(resource);
	struct tc_surface *surface = calloc(1, sizeof(*surface));
	if (!surface) {
		wl_client_post_no_memory(client);
		return;
	}
	surface->resource = wl_resource_create(
		client, &wl_surface_interface,
		wl_resource_get_version(resource), id);
	if (!surface->resource) {
		free(surface);
		wl_client_post_no_memory(client);
		return;
	}
	surface->server = server;
	surface->id = ++server->next_surface_id;
	wl_list_init(&surface->pending.frames);
	wl_list_init(&surface->pending.buffer_destroy.link);
	wl_list_init(&surface->buffer_destroy.link);
	surface->pending.buffer_destroy.notify = pending_buffer_destroyed;
	surface->buffer_destroy.notify = current_buffer_destroyed;
	wl_resource_set_implementation(surface->resource, &surface_impl,
				       surface, surface_resource_destroyed);
}

static void region_destroy_req(struct wl_client *client,
			       struct wl_resource *resource)
{
	(void)client;
	wl_resource_destroy(resource);
}

static void region_rect(struct wl_client *client,
			struct wl_resource *resource, int32_t x, int32_t y,
			int32_t width, int32_t height)
{
	(void)client, (void)resource, (void)x, (void)y, (void)width,
		(void)height;
}

static const struct wl_region_interface region_impl = {
	.destroy = region_destroy_req,
	.add = region_rect,
	.subtract = region_rect,
};

static void compositor_create_region(struct wl_client *client,
				     struct wl_resource *resource, uint32_t id)
{
	struct wl_resource *region = wl_resource_create(
		client, &wl_region_interface, 1, id);
	if (!region) {
		wl_client_post_no_memory(client);
		return;
	}
	(void)resource;
	wl_resource_set_implementation(region, &region_impl, NULL, NULL);
}

static const struct wl_compositor_interface compositor_impl = {
	.create_surface = compositor_create_surface,
	.create_region = compositor_create_region,
};

static void compositor_bind(struct wl_client *client, void *data,
			    uint32_t version, uint32_t id)
{
	struct wl_resource *resource = wl_resource_create(
		client, &wl_compositor_interface, (int)version, id);
	if (!resource) {
		wl_client_post_no_memory(client);
		return;
	}
	wl_resource_set_implementation(resource, &compositor_impl, data, NULL);
}

int tc_compositor_create(struct tc_server *server)
{
	if (!wl_global_create(server->display, &wl_compositor_interface,
			      TC_COMPOSITOR_VERSION, server, compositor_bind))
		return -ENOMEM;
	return 0;
}
