/* Any wl_buffer to a digest: libwayland's wl_shm buffers (read under
 * wl_shm_buffer_begin_access, which survives a client truncating its pool)
 * and this compositor's dma-buf buffers. */
#include <errno.h>
#include <drm_fourcc.h>
#include <wayland-server-protocol.h>

#include "tc.h"

static uint32_t shm_to_drm_format(uint32_t shm_format)
{
	switch (shm_format) {
	case WL_SHM_FORMAT_XRGB8888:
		return DRM_FORMAT_XRGB8888;
	case WL_SHM_FORMAT_ARGB8888:
		return DRM_FORMAT_ARGB8888;
	default:
		return shm_format;	/* the others are DRM fourccs already */
	}
}

static int shm_buffer_read(struct wl_shm_buffer *shm,
			   const struct tc_rect *crop,
			   struct tc_frame_info *info, int dump_fd)
{
	info->kind = "shm";
	info->width = wl_shm_buffer_get_width(shm);
	info->height = wl_shm_buffer_get_height(shm);
	info->stride = wl_shm_buffer_get_stride(shm);
	info->offset = 0;	/* libwayland hides the pool offset */
	info->drm_format = shm_to_drm_format(wl_shm_buffer_get_format(shm));
	int bpp = tc_format_bpp(info->drm_format);
	if (!bpp)
		return -ENOTSUP;
	size_t skip = 0;
	if (crop) {
		skip = (size_t)crop->y * (size_t)info->stride +
		       (size_t)crop->x * (size_t)bpp;
		info->width = crop->width;
		info->height = crop->height;
	}
	wl_shm_buffer_begin_access(shm);
	const uint8_t *base = wl_shm_buffer_get_data(shm);
	int ret = tc_pixels_digest(base + skip, info->width, info->height,
				   info->stride, info->drm_format, info,
				   dump_fd);
	wl_shm_buffer_end_access(shm);
	return ret;
}

int tc_buffer_read(struct wl_resource *resource, const struct tc_rect *crop,
		   struct tc_frame_info *info, int dump_fd)
{
	struct wl_shm_buffer *shm = wl_shm_buffer_get(resource);
	if (shm)
		return shm_buffer_read(shm, crop, info, dump_fd);
	int ret = tc_dmabuf_buffer_read(resource, crop, info, dump_fd);
	if (ret == 0)
		return -ENOTSUP;	/* a wl_buffer of no kind we know */
	return ret < 0 ? ret : 0;
}

int tc_buffer_size(struct wl_resource *resource, int32_t *width,
		   int32_t *height)
{
	struct wl_shm_buffer *shm = wl_shm_buffer_get(resource);
	if (shm) {
		*width = wl_shm_buffer_get_width(shm);
		*height = wl_shm_buffer_get_height(shm);
		return 0;
	}
	return tc_dmabuf_buffer_size(resource, width, height) == 1 ? 0
								    : -ENOTSUP;
}
