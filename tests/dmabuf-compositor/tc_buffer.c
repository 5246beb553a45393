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
			   struct tc_frame_info *info, int dump_fd)
{
	info->kind = "shm";
	info->width = wl_shm_buffer_get_width(shm);
	info->height = wl_shm_buffer_get_height(shm);
	info->stride = wl_shm_buffer_get_stride(shm);
	info->offset = 0;	/* libwayland hides the pool offset */
	info->drm_format = shm_to_drm_format(wl_shm_buffer_get_format(shm));
	if (!tc_format_bpp(info->drm_format))
		return -ENOTSUP;
	wl_shm_buffer_begin_access(shm);
	int ret = tc_pixels_digest(wl_shm_buffer_get_data(shm), info->width,
				   info->height, info->stride,
				   info->drm_format, info, dump_fd);
	wl_shm_buffer_end_access(shm);
	return ret;
}

int tc_buffer_read(struct wl_resource *resource, struct tc_frame_info *info,
		   int dump_fd)
{
	struct wl_shm_buffer *shm = wl_shm_buffer_get(resource);
	if (shm)
		return shm_buffer_read(shm, info, dump_fd);
	int ret = tc_dmabuf_buffer_read(resource, info, dump_fd);
	if (ret == 0)
		return -ENOTSUP;	/* a wl_buffer of no kind we know */
	return ret < 0 ? ret : 0;
}
