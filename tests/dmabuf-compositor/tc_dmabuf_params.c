/* zwp_linux_buffer_params_v1 and the wl_buffers it makes. A dma-buf here
 * is any fd that mmaps (a memfd from the Xen simulator, a real dma-buf on a
 * machine with one): import checks that the one plane fits the fd and maps,
 * and each commit maps it read-only again to digest what the client shows.
 *
 * With --attach-only, a real dma-buf that does not mmap is taken unread
 * (tc_attach.c); its import, commits, releases and destruction each get a
 * report line.
 *
 * Refusals: `create` answers `failed` (so clients can test their fallback),
 * except that version 4 makes an unadvertised format/modifier a protocol
 * error; `create_immed` raises the protocol error the spec names. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <drm_fourcc.h>
#include <linux/dma-buf.h>
#include <wayland-server-protocol.h>

#include "log.h"
#include "tc.h"
#include "linux-dmabuf-unstable-v1-server-protocol.h"

#define TC_MAX_PLANES 4

struct tc_plane {
	int fd;
	uint32_t offset, stride;
	uint64_t modifier;
};

struct tc_params {
	struct tc_server *server;
	struct wl_resource *resource;
	struct tc_plane planes[TC_MAX_PLANES];
	bool used;
	bool attach_only;  /* plane 0 does not mmap: taken unread */
	char exp_name[32]; /* its exporter, as the kernel names it */
};

struct tc_dmabuf_buffer {
	struct tc_server *server;
	int fd;
	int32_t width, height;
	uint32_t format, offset, stride;
	bool attach_only;
	char exp_name[32];
};

/* Why an import was refused: the report's word and the protocol error. */
struct tc_refusal {
	const char *reason;
	uint32_t error;
};

static void destroy_req(struct wl_client *client, struct wl_resource *resource)
{
	(void)client;
	wl_resource_destroy(resource);
}

/* wl_buffer */

static const struct wl_buffer_interface dmabuf_buffer_impl = {
	.destroy = destroy_req,
};

static void buffer_resource_destroyed(struct wl_resource *resource)
{
	struct tc_dmabuf_buffer *buffer = wl_resource_get_user_data(resource);
	if (!buffer)
		return;	/* an inert buffer from a refused create_immed */
	if (buffer->attach_only)
		tc_report(buffer->server, "dmabuf destroyed attach-only exp=%s",
			  buffer->exp_name);
	close(buffer->fd);
	free(buffer);
}

static void dmabuf_sync(int fd, uint64_t flags)
{
	/* Real dma-bufs want CPU access bracketed; memfds say ENOTTY. */
	struct dma_buf_sync sync = {.flags = flags | DMA_BUF_SYNC_READ};
	if (ioctl(fd, DMA_BUF_IOCTL_SYNC, &sync) < 0 && errno != ENOTTY &&
	    errno != EINVAL)
		log_debug("DMA_BUF_IOCTL_SYNC: %s", strerror(errno));
}

/* The mapping length a plane needs, as the spec bounds it. */
static size_t plane_span(uint32_t offset, uint32_t stride, int32_t height)
{
	return (size_t)offset + (size_t)stride * (size_t)height;
}

int tc_dmabuf_buffer_size(struct wl_resource *resource, int32_t *width,
			  int32_t *height)
{
	if (!wl_resource_instance_of(resource, &wl_buffer_interface,
				     &dmabuf_buffer_impl))
		return 0;
	struct tc_dmabuf_buffer *buffer = wl_resource_get_user_data(resource);
	if (!buffer)
		return 0;
	*width = buffer->width;
	*height = buffer->height;
	return 1;
}

int tc_dmabuf_buffer_read(struct wl_resource *resource,
			  const struct tc_rect *crop,
			  struct tc_frame_info *info, int dump_fd)
{
	if (!wl_resource_instance_of(resource, &wl_buffer_interface,
				     &dmabuf_buffer_impl))
		return 0;
	struct tc_dmabuf_buffer *buffer = wl_resource_get_user_data(resource);
	info->kind = "dmabuf";
	if (!buffer)
		return -EINVAL;
	info->width = buffer->width;
	info->height = buffer->height;
	info->stride = (int32_t)buffer->stride;
	info->offset = buffer->offset;
	info->drm_format = buffer->format;
	size_t span = plane_span(buffer->offset, buffer->stride, buffer->height);
	/* A client may have shrunk the fd since import: don't SIGBUS. */
	off_t size = lseek(buffer->fd, 0, SEEK_END);
	if (size < 0 || (uint64_t)size < span)
		return size < 0 ? -errno : -ERANGE;
	if (buffer->attach_only) {
		info->attach_only = true; /* latched, as scan-out would */
		return 1;
	}
	void *map = mmap(NULL, span, PROT_READ, MAP_SHARED, buffer->fd, 0);
	if (map == MAP_FAILED)
		return -errno;
	size_t skip = buffer->offset;
	if (crop) {
		/* A wp_viewport source: only its pixels are the frame. */
		skip += (size_t)crop->y * buffer->stride +
			(size_t)crop->x * (size_t)tc_format_bpp(buffer->format);
		info->width = crop->width;
		info->height = crop->height;
	}
	dmabuf_sync(buffer->fd, DMA_BUF_SYNC_START);
	int ret = tc_pixels_digest((const uint8_t *)map + skip, info->width,
				   info->height, (int32_t)buffer->stride,
				   buffer->format, info, dump_fd);
	dmabuf_sync(buffer->fd, DMA_BUF_SYNC_END);
	munmap(map, span);
	return ret < 0 ? ret : 1;
}

void tc_dmabuf_buffer_released(struct wl_resource *resource)
{
	if (!wl_resource_instance_of(resource, &wl_buffer_interface,
				     &dmabuf_buffer_impl))
		return;
	const struct tc_dmabuf_buffer *buffer =
		wl_resource_get_user_data(resource);
	if (buffer && buffer->attach_only)
		tc_report(buffer->server, "release buffer=dmabuf attach-only "
			  "exp=%s", buffer->exp_name);
}

/* params */

static struct tc_params *params_from(struct wl_resource *resource)
{
	return wl_resource_get_user_data(resource);
}

static void params_add(struct wl_client *client, struct wl_resource *resource,
		       int32_t fd, uint32_t plane_idx, uint32_t offset,
		       uint32_t stride, uint32_t modifier_hi,
		       uint32_t modifier_lo)
{
	struct tc_params *params = params_from(resource);
	(void)client;
	if (params->used) {
		close(fd);
		wl_resource_post_error(resource,
				       ZWP_LINUX_BUFFER_PARAMS_V1_ERROR_ALREADY_USED,
				       "params already used");
		return;
	}
	if (plane_idx >= TC_MAX_PLANES) {
		close(fd);
		wl_resource_post_error(resource,
				       ZWP_LINUX_BUFFER_PARAMS_V1_ERROR_PLANE_IDX,
				       "plane index %u out of bounds", plane_idx);
		return;
	}
	struct tc_plane *plane = &params->planes[plane_idx];
	if (plane->fd >= 0) {
		close(fd);
		wl_resource_post_error(resource,
				       ZWP_LINUX_BUFFER_PARAMS_V1_ERROR_PLANE_SET,
				       "plane %u already set", plane_idx);
		return;
	}
	plane->fd = fd;
	plane->offset = offset;
	plane->stride = stride;
	plane->modifier = (uint64_t)modifier_hi << 32 | modifier_lo;
}

/* Checks one plane of format over width x height against its fd. */
static struct tc_refusal check_plane(struct tc_params *params,
				     int32_t width, int32_t height,
				     uint32_t format)
{
	const struct tc_plane *plane = &params->planes[0];
	const uint32_t oob = ZWP_LINUX_BUFFER_PARAMS_V1_ERROR_OUT_OF_BOUNDS;
	uint64_t row = (uint64_t)width * (uint64_t)tc_format_bpp(format);
	if (plane->stride < row || plane->stride > (1u << 20))
		return (struct tc_refusal){"stride", oob};
	uint64_t span = (uint64_t)plane->offset +
			(uint64_t)plane->stride * (uint64_t)height;
	off_t size = lseek(plane->fd, 0, SEEK_END);
	if (size < 0)
		return (struct tc_refusal){
			"fd", ZWP_LINUX_BUFFER_PARAMS_V1_ERROR_INVALID_WL_BUFFER};
	if (span > (uint64_t)size)
		return (struct tc_refusal){"bounds", oob};
	void *map = mmap(NULL, (size_t)span, PROT_READ, MAP_SHARED, plane->fd, 0);
	if (map != MAP_FAILED) {
		munmap(map, (size_t)span);
		return (struct tc_refusal){NULL, 0};
	}
	params->attach_only =
		params->server->cfg.attach_only &&
		tc_attach_is_dmabuf(plane->fd, params->exp_name,
				    sizeof(params->exp_name));
	if (!params->attach_only)
		return (struct tc_refusal){
			"mmap", ZWP_LINUX_BUFFER_PARAMS_V1_ERROR_INVALID_WL_BUFFER};
	return (struct tc_refusal){NULL, 0};
}

static struct tc_refusal check_import(struct tc_params *params,
				      int32_t width, int32_t height,
				      uint32_t format, uint32_t flags)
{
	const struct tc_plane *plane = &params->planes[0];
	if (plane->fd < 0)
		return (struct tc_refusal){
			"planes", ZWP_LINUX_BUFFER_PARAMS_V1_ERROR_INCOMPLETE};
	for (int i = 1; i < TC_MAX_PLANES; i++)
		if (params->planes[i].fd >= 0)
			return (struct tc_refusal){
				"planes",
				ZWP_LINUX_BUFFER_PARAMS_V1_ERROR_INCOMPLETE};
	if (width <= 0 || height <= 0 || width > 16384 || height > 16384)
		return (struct tc_refusal){
			"dimensions",
			ZWP_LINUX_BUFFER_PARAMS_V1_ERROR_INVALID_DIMENSIONS};
	if (!tc_format_bpp(format) ||
	    !tc_dmabuf_format_supported(format, DRM_FORMAT_MOD_LINEAR))
		return (struct tc_refusal){
			"format", ZWP_LINUX_BUFFER_PARAMS_V1_ERROR_INVALID_FORMAT};
	if (!tc_dmabuf_format_supported(format, plane->modifier))
		return (struct tc_refusal){
			"modifier", ZWP_LINUX_BUFFER_PARAMS_V1_ERROR_INVALID_FORMAT};
	if (flags)
		return (struct tc_refusal){
			"flags",
			ZWP_LINUX_BUFFER_PARAMS_V1_ERROR_INVALID_WL_BUFFER};
	return check_plane(params, width, height, format);
}

static void report_import(struct tc_params *params, const char *outcome,
			  const char *reason, int32_t width, int32_t height,
			  uint32_t format, bool immed, bool fatal)
{
	const struct tc_plane *plane = &params->planes[0];
	char fmt[5];
	tc_report(params->server,
		  "dmabuf %s%s%s w=%d h=%d fmt=%s modifier=0x%016" PRIx64
		  " stride=%u offset=%u immed=%d fatal=%d%s%s",
		  outcome, reason ? " reason=" : "", reason ? reason : "",
		  width, height, tc_format_name(format, fmt), plane->modifier,
		  plane->stride, plane->offset, immed, fatal,
		  params->attach_only ? " attach-only exp=" : "",
		  params->attach_only ? params->exp_name : "");
}

/* The wl_buffer for params, taking plane 0's fd. NULL buffer: inert. */
static struct wl_resource *buffer_create(struct wl_client *client,
					 struct tc_params *params,
					 uint32_t id, int32_t width,
					 int32_t height, uint32_t format)
{
	struct tc_dmabuf_buffer *buffer = NULL;
	if (format) {
		buffer = calloc(1, sizeof(*buffer));
		if (!buffer)
			return NULL;
		*buffer = (struct tc_dmabuf_buffer){
			.server = params->server,
			.fd = params->planes[0].fd,
			.width = width,
			.height = height,
			.format = format,
			.offset = params->planes[0].offset,
			.stride = params->planes[0].stride,
			.attach_only = params->attach_only,
		};
		memcpy(buffer->exp_name, params->exp_name,
		       sizeof(buffer->exp_name));
	}
	struct wl_resource *resource =
		wl_resource_create(client, &wl_buffer_interface, 1, id);
	if (!resource) {
		free(buffer);
		return NULL;
	}
	if (buffer)
		params->planes[0].fd = -1;	/* the buffer owns it now */
	wl_resource_set_implementation(resource, &dmabuf_buffer_impl, buffer,
				       buffer_resource_destroyed);
	return resource;
}

/* Whether a refusal kills the client rather than answering `failed`. */
static bool refusal_is_fatal(const struct tc_params *params,
			     struct tc_refusal refusal, bool immed)
{
	if (params->server->cfg.refuse_dmabuf)
		return false;	/* "runtime" failure: never the client's fault */
	if (immed)
		return true;
	return wl_resource_get_version(params->resource) >= 4 &&
	       refusal.error == ZWP_LINUX_BUFFER_PARAMS_V1_ERROR_INVALID_FORMAT;
}

static void params_import(struct wl_client *client, struct tc_params *params,
			  uint32_t id, int32_t width, int32_t height,
			  uint32_t format, uint32_t flags, bool immed)
{
	if (params->used) {
		wl_resource_post_error(params->resource,
				       ZWP_LINUX_BUFFER_PARAMS_V1_ERROR_ALREADY_USED,
				       "params already used");
		return;
	}
	params->used = true;
	struct tc_refusal refusal =
		params->server->cfg.refuse_dmabuf
			? (struct tc_refusal){"refused", 0}
			: check_import(params, width, height, format, flags);
	if (!refusal.reason) {
		struct wl_resource *buffer =
			buffer_create(client, params, id, width, height, format);
		if (!buffer) {
			wl_client_post_no_memory(client);
			return;
		}
		report_import(params, "created", NULL, width, height, format,
			      immed, false);
		if (!immed)
			zwp_linux_buffer_params_v1_send_created(params->resource,
								buffer);
		return;
	}
	bool fatal = refusal_is_fatal(params, refusal, immed);
	report_import(params, "failed", refusal.reason, width, height, format,
		      immed, fatal);
	if (fatal) {
		wl_resource_post_error(params->resource, refusal.error,
				       "dma-buf import refused: %s",
				       refusal.reason);
		return;
	}
	/* create_immed promised the client an object for id: an inert one. */
	if (immed && !buffer_create(client, params, id, width, height, 0)) {
		wl_client_post_no_memory(client);
		return;
	}
	zwp_linux_buffer_params_v1_send_failed(params->resource);
}

static void params_create(struct wl_client *client,
			  struct wl_resource *resource, int32_t width,
			  int32_t height, uint32_t format, uint32_t flags)
{
	params_import(client, params_from(resource), 0, width, height, format,
		      flags, false);
}

static void params_create_immed(struct wl_client *client,
				struct wl_resource *resource,
				uint32_t buffer_id, int32_t width,
				int32_t height, uint32_t format, uint32_t flags)
{
	params_import(client, params_from(resource), buffer_id, width, height,
		      format, flags, true);
}

static const struct zwp_linux_buffer_params_v1_interface params_impl = {
	.destroy = destroy_req,
	.add = params_add,
	.create = params_create,
	.create_immed = params_create_immed,
};

static void params_resource_destroyed(struct wl_resource *resource)
{
	struct tc_params *params = params_from(resource);
	for (int i = 0; i < TC_MAX_PLANES; i++)
		if (params->planes[i].fd >= 0)
			close(params->planes[i].fd);
	free(params);
}

void tc_dmabuf_params_create(struct tc_server *server, struct wl_client *client,
			     uint32_t version, uint32_t id)
{
	struct tc_params *params = calloc(1, sizeof(*params));
	if (!params) {
		wl_client_post_no_memory(client);
		return;
	}
	for (int i = 0; i < TC_MAX_PLANES; i++)
		params->planes[i].fd = -1;
	params->server = server;
	params->resource = wl_resource_create(
		client, &zwp_linux_buffer_params_v1_interface, (int)version, id);
	if (!params->resource) {
		free(params);
		wl_client_post_no_memory(client);
		return;
	}
	wl_resource_set_implementation(params->resource, &params_impl, params,
				       params_resource_destroyed);
}
