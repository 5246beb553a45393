/* zwp_linux_dmabuf_v1, version 3 (format + modifier events) or 4 (default
 * and per-surface feedback with a format table). Advertised: XRGB8888 and
 * ARGB8888 with the LINEAR modifier only, which is what a CPU-visible
 * grant-backed buffer is. The main device is a fake dev_t (226:128, what
 * /dev/dri/renderD128 would be): nothing here has a DRM device, and clients
 * only compare it. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <drm_fourcc.h>
#include <wayland-server-protocol.h>

#include "log.h"
#include "tc.h"
#include "linux-dmabuf-unstable-v1-server-protocol.h"

static const uint32_t tc_dmabuf_formats[] = {
	DRM_FORMAT_XRGB8888,
	DRM_FORMAT_ARGB8888,
};

/* The v4 format table layout (see the protocol's format_table event). */
struct format_table_entry {
	uint32_t format;
	uint32_t pad; // cppcheck-suppress unusedStructMember
	uint64_t modifier;
};

static int format_table_create(struct tc_server *server)
{
	struct format_table_entry table[2];
	memset(table, 0, sizeof(table));
	for (size_t i = 0; i < 2; i++) {
		table[i].format = tc_dmabuf_formats[i];
		table[i].modifier = DRM_FORMAT_MOD_LINEAR;
	}
	int fd = memfd_create("tc-dmabuf-format-table",
			      MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	/* Sealed so no client can change what others read. */
	if (write(fd, table, sizeof(table)) != (ssize_t)sizeof(table) ||
	    fcntl(fd, F_ADD_SEALS,
		  F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) <
		    0) {
		int err = errno ? errno : EIO;
		close(fd);
		return -err;
	}
	server->format_table_fd = fd;
	server->format_table_size = sizeof(table);
	return 0;
}

static void destroy_req(struct wl_client *client, struct wl_resource *resource)
{
	(void)client;
	wl_resource_destroy(resource);
}

static const struct zwp_linux_dmabuf_feedback_v1_interface feedback_impl = {
	.destroy = destroy_req,
};

static void send_dev(struct wl_resource *feedback, bool main_device)
{
	dev_t dev = makedev(226, 128);
	struct wl_array array = {.size = sizeof(dev),
				 .alloc = sizeof(dev),
				 .data = &dev};
	if (main_device)
		zwp_linux_dmabuf_feedback_v1_send_main_device(feedback, &array);
	else
		zwp_linux_dmabuf_feedback_v1_send_tranche_target_device(
			feedback, &array);
}

static void send_feedback(struct tc_server *server, struct wl_client *client,
			  struct wl_resource *resource, uint32_t id)
{
	struct wl_resource *feedback = wl_resource_create(
		client, &zwp_linux_dmabuf_feedback_v1_interface,
		wl_resource_get_version(resource), id);
	if (!feedback) {
		wl_client_post_no_memory(client);
		return;
	}
	wl_resource_set_implementation(feedback, &feedback_impl, server, NULL);
	zwp_linux_dmabuf_feedback_v1_send_format_table(
		feedback, server->format_table_fd, server->format_table_size);
	send_dev(feedback, true);
	send_dev(feedback, false);
	uint16_t indices[2] = {0, 1};
	struct wl_array array = {.size = sizeof(indices),
				 .alloc = sizeof(indices),
				 .data = indices};
	zwp_linux_dmabuf_feedback_v1_send_tranche_formats(feedback, &array);
	zwp_linux_dmabuf_feedback_v1_send_tranche_flags(feedback, 0);
	zwp_linux_dmabuf_feedback_v1_send_tranche_done(feedback);
	zwp_linux_dmabuf_feedback_v1_send_done(feedback);
}

static void dmabuf_create_params(struct wl_client *client,
				 struct wl_resource *resource, uint32_t id)
{
	tc_dmabuf_params_create(wl_resource_get_user_data(resource), client,
				(uint32_t)wl_resource_get_version(resource), id);
}

static void dmabuf_get_default_feedback(struct wl_client *client,
					struct wl_resource *resource,
					uint32_t id)
{
	send_feedback(wl_resource_get_user_data(resource), client, resource,
		      id);
}

static void dmabuf_get_surface_feedback(struct wl_client *client,
					struct wl_resource *resource,
					uint32_t id, struct wl_resource *surface)
{
	(void)surface;	/* one output, one tranche: same as the default */
	send_feedback(wl_resource_get_user_data(resource), client, resource,
		      id);
}

static const struct zwp_linux_dmabuf_v1_interface dmabuf_impl = {
	.destroy = destroy_req,
	.create_params = dmabuf_create_params,
	.get_default_feedback = dmabuf_get_default_feedback,
	.get_surface_feedback = dmabuf_get_surface_feedback,
};

static void dmabuf_bind(struct wl_client *client, void *data,
			uint32_t version, uint32_t id)
{
	struct wl_resource *resource = wl_resource_create(
		client, &zwp_linux_dmabuf_v1_interface, (int)version, id);
	if (!resource) {
		wl_client_post_no_memory(client);
		return;
	}
	wl_resource_set_implementation(resource, &dmabuf_impl, data, NULL);
	/* Version 4 must not send these: feedback replaces them. */
	if (version >= 4)
		return;
	for (size_t i = 0; i < 2; i++) {
		zwp_linux_dmabuf_v1_send_format(resource, tc_dmabuf_formats[i]);
		if (version >= ZWP_LINUX_DMABUF_V1_MODIFIER_SINCE_VERSION)
			zwp_linux_dmabuf_v1_send_modifier(
				resource, tc_dmabuf_formats[i],
				(uint32_t)(DRM_FORMAT_MOD_LINEAR >> 32),
				(uint32_t)(DRM_FORMAT_MOD_LINEAR & 0xffffffff));
	}
}

int tc_dmabuf_create(struct tc_server *server)
{
	server->format_table_fd = -1;
	if (server->cfg.no_dmabuf)
		return 0;
	int ret = format_table_create(server);
	if (ret < 0) {
		log_error("cannot create the dma-buf format table: %s",
			  strerror(-ret));
		return ret;
	}
	if (!wl_global_create(server->display, &zwp_linux_dmabuf_v1_interface,
			      server->cfg.dmabuf_version, server, dmabuf_bind))
		return -ENOMEM;
	return 0;
}

void tc_dmabuf_destroy(struct tc_server *server)
{
	if (server->format_table_fd >= 0)
		close(server->format_table_fd);
	server->format_table_fd = -1;
}

bool tc_dmabuf_format_supported(uint32_t format, uint64_t modifier)
{
	if (modifier != DRM_FORMAT_MOD_LINEAR)
		return false;
	for (size_t i = 0; i < 2; i++)
		if (tc_dmabuf_formats[i] == format)
			return true;
	return false;
}
