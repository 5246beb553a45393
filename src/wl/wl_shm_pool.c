/* A small ring of wl_shm buffers for one connector, all in one memfd,
 * allocated when the connector's size or format changes, never per frame. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"
#include "pixel_convert.h"
#include "prefault.h"
#include "wl_internal.h"

static void buffer_release(void *data, struct wl_buffer *buffer)
{
	struct shm_buf *buf = data;
	(void)buffer;
	buf->busy = false;
	if (buf->pool->released)
		buf->pool->released(buf->pool->data);
}

static const struct wl_buffer_listener buffer_listener = {
	.release = buffer_release,
};

int shm_pool_init(struct shm_pool *pool, struct wl_shm *shm, uint32_t width,
		  uint32_t height, uint32_t drm_format, uint32_t bytes_per_pixel)
{
	void (*released)(void *) = pool->released;
	void *owner = pool->data;
	memset(pool, 0, sizeof(*pool));
	pool->fd = -1;
	pool->released = released;
	pool->data = owner;
	/* wl_shm wants 4-byte aligned strides in practice (pixman). */
	uint32_t stride = (width * bytes_per_pixel + 3) & ~3u;
	size_t one = (size_t)stride * height;
	size_t size = one * WL_PRES_POOL_BUFFERS;
	if (one == 0 || size > INT32_MAX)
		return -EINVAL;

	int fd = memfd_create("vdispld-shm", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0 || ftruncate(fd, (off_t)size) < 0) {
		int err = errno;
		log_error("wl: shm pool of %zu bytes: %s", size, strerror(err));
		if (fd >= 0)
			close(fd);
		return -err;
	}
	uint8_t *map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		int err = errno;
		log_error("wl: mmap shm pool: %s", strerror(err));
		close(fd);
		return -err;
	}
	pool->fd = fd;
	pool->map = map;
	pool->size = size;
	pool->width = width;
	pool->height = height;
	pool->stride = stride;
	pool->drm_format = drm_format;
	/* NULL only when libwayland is out of memory: then no pool. */
	struct wl_shm_pool *wl_pool = wl_shm_create_pool(shm, fd, (int32_t)size);
	for (int i = 0; wl_pool && i < WL_PRES_POOL_BUFFERS; i++) {
		struct shm_buf *buf = &pool->bufs[i];
		buf->pool = pool;
		buf->data = map + one * (size_t)i;
		buf->buffer = wl_shm_pool_create_buffer(
			wl_pool, (int32_t)(one * (size_t)i), (int32_t)width,
			(int32_t)height, (int32_t)stride,
			pixconv_drm_to_wl_shm(drm_format));
		if (!buf->buffer)
			break;
		wl_buffer_add_listener(buf->buffer, &buffer_listener, buf);
	}
	bool complete = wl_pool && pool->bufs[WL_PRES_POOL_BUFFERS - 1].buffer;
	/* The buffers keep the pool's memory alive on the server side. */
	if (wl_pool)
		wl_shm_pool_destroy(wl_pool);
	if (!complete) {
		log_error("wl: shm pool of %zu bytes: out of memory", size);
		shm_pool_finish(pool);
		return -ENOMEM;
	}
	return 0;
}

static void pool_warmed(void *data, uint64_t ns)
{
	struct shm_pool *pool = data;
	pool->warming = NULL;
	pool->warm = true;
	log_debug("wl: shm pool of %zu bytes faulted in at configuration "
		  "(%.1f ms in %zu slices)", pool->size, (double)ns / 1e6,
		  (pool->size + PREFAULT_SLICE - 1) / PREFAULT_SLICE);
}

/* Not in shm_pool_init: every connector has a pool, for the frames that
 * can't go zero copy, and a pool a zero-copy connector never writes costs
 * no memory until it is touched (three 1080p buffers: about 24 MiB). A slice
 * per loop turn: a guest switching formats in a loop gets its pool
 * re-made each time, never more than a slice of faults per turn. */
void shm_pool_warm(struct shm_pool *pool, struct loop *loop)
{
	if (pool->warm || pool->warming || !pool->map)
		return;
	pool->warming = prefault_start(loop, pool->map, pool->size, true,
				       pool_warmed, pool);
}

void shm_pool_finish(struct shm_pool *pool)
{
	prefault_cancel(pool->warming);
	pool->warming = NULL;
	if (!pool->map)
		return;
	for (int i = 0; i < WL_PRES_POOL_BUFFERS; i++)
		if (pool->bufs[i].buffer)
			wl_buffer_destroy(pool->bufs[i].buffer);
	munmap(pool->map, pool->size);
	close(pool->fd);
	void (*released)(void *) = pool->released;
	void *data = pool->data;
	memset(pool, 0, sizeof(*pool));
	pool->fd = -1;
	pool->released = released;
	pool->data = data;
}

struct shm_buf *shm_pool_acquire(struct shm_pool *pool)
{
	for (int i = 0; i < WL_PRES_POOL_BUFFERS; i++)
		if (!pool->bufs[i].busy)
			return &pool->bufs[i];
	return NULL;
}
