/* vdispld-test-compositor: a small libwayland-server compositor for tests.
 * It offers what headless Weston can't here (zwp_linux_dmabuf_v1 over any
 * mmap-able fd) and reports every committed frame as one text line with a
 * CRC of its pixels, so tests can check zero-copy frames pixel-exact. */
#ifndef VDISPLD_TEST_COMPOSITOR_H
#define VDISPLD_TEST_COMPOSITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wayland-server-core.h>

struct loop;
struct loop_source;

struct tc_config {
	const char *socket;	/* NULL: wl_display_add_socket_auto */
	const char *report_path;
	int report_fd;		/* -1 unless --report-fd */
	const char *dump_dir;
	bool no_dmabuf;
	bool refuse_dmabuf;
	int dmabuf_version;	/* 3 or 4 */
	int output_width, output_height;
	bool unthrottled;	/* frame callbacks done at commit, no 60 Hz grid */
	bool no_read;		/* latch buffers without reading their pixels */
	bool no_viewporter;	/* do not advertise wp_viewporter */
	bool attach_only;	/* take dma-bufs that don't mmap, unread */
	unsigned release_delay_ms; /* release replaced buffers this late */
	unsigned frame_period_ms;  /* frame callback grid; 0: 60 Hz */
	unsigned frames_stop_ms;   /* no frame callback done after; 0: never */
};

struct tc_server {
	struct tc_config cfg;
	struct wl_display *display;
	struct loop *loop;
	struct loop_source *wl_source, *signal_source, *flush_hook, *tick;
	int signal_fd;
	int report_fd;
	bool tick_armed;
	uint64_t epoch_ns;
	struct wl_list frame_callbacks;	/* committed, waiting for the tick */
	uint32_t next_surface_id;
	struct wl_list late_releases;	/* tc_release.c */
	struct loop_source *release_timer;
	int format_table_fd;		/* sealed memfd (dma-buf v4) */
	uint32_t format_table_size;
};

/* A rectangle of buffer pixels. */
struct tc_rect {
	int32_t x, y, width, height;
};

/* wp_viewport state (double-buffered like the rest of a surface). The
 * source is kept as sent; pixels are cropped at its integer part. */
struct tc_viewport_state {
	bool src_set;
	wl_fixed_t src_x, src_y, src_w, src_h;
	bool dst_set;
	int32_t dst_w, dst_h;
};

/* The pixels of one buffer as this compositor reads them. */
struct tc_frame_info {
	const char *kind;	/* "dmabuf" or "shm" */
	int32_t width, height, stride;
	uint32_t offset;
	uint32_t drm_format;
	uint32_t crc;
	uint32_t px0;
	bool attach_only; /* not read (--attach-only): no crc, no px0 */
};

struct tc_surface {
	struct tc_server *server;
	struct wl_resource *resource;
	uint32_t id;
	struct {
		bool attached;
		bool damaged;
		struct wl_resource *buffer;
		struct wl_listener buffer_destroy;
		struct wl_list frames;	/* wl_callback links */
		struct tc_viewport_state viewport; /* the whole next state */
	} pending;
	struct tc_viewport_state viewport;	/* applied at the last commit */
	struct wl_resource *viewport_resource;	/* wp_viewport, or NULL */
	struct wl_resource *buffer;	/* latched; released when replaced */
	struct wl_listener buffer_destroy;
	struct tc_xdg_surface *xdg;	/* role, or NULL */
};

/* tc_compositor.c */
int tc_compositor_create(struct tc_server *server);
/* Name used in reports: the toplevel's app_id, else "surface-<id>". */
void tc_surface_name(const struct tc_surface *surface, char *buf, size_t len);
struct tc_surface *tc_surface_from_resource(struct wl_resource *resource);

/* tc_frame.c: frame callbacks on a fixed 60 Hz grid (or, --unthrottled,
 * done right at the commit that queued them). */
int tc_frame_create(struct tc_server *server);
void tc_frame_destroy(struct tc_server *server);
/* tc_release.c: buffer releases, now or --release-delay-ms later. */
int tc_release_init(struct tc_server *server);
void tc_release_destroy(struct tc_server *server);
void tc_release_buffer(struct tc_server *server, struct wl_resource *buffer);
void tc_frame_queue(struct tc_server *server, struct wl_list *callbacks);

/* tc_xdg.c */
int tc_xdg_create(struct tc_server *server);
/* 0 if the commit may go on; posts a protocol error and returns -EPROTO
 * when the role forbids it (a buffer before the first ack_configure). */
int tc_xdg_surface_precommit(struct tc_xdg_surface *xdg, bool has_buffer);
void tc_xdg_surface_postcommit(struct tc_xdg_surface *xdg);
const char *tc_xdg_surface_app_id(const struct tc_xdg_surface *xdg);
void tc_xdg_surface_detach(struct tc_xdg_surface *xdg);

/* tc_viewporter.c: wp_viewporter v1. The CRC of a frame covers the
 * viewport's source rectangle (the whole buffer without one) at its own
 * size: nothing is scaled, dst is only reported. */
int tc_viewporter_create(struct tc_server *server);
/* The buffer pixels a commit shows; -EPROTO after posting out_of_buffer
 * when the source lies outside the buffer (buf_w x buf_h). */
int tc_viewport_region(struct tc_surface *surface, int32_t buf_w,
		       int32_t buf_h, struct tc_rect *out);
void tc_viewport_surface_gone(struct tc_surface *surface);

/* tc_output.c */
int tc_output_create(struct tc_server *server);

/* tc_dmabuf.c / tc_dmabuf_params.c */
int tc_dmabuf_create(struct tc_server *server);
void tc_dmabuf_destroy(struct tc_server *server);
bool tc_dmabuf_format_supported(uint32_t format, uint64_t modifier);
void tc_dmabuf_params_create(struct tc_server *server, struct wl_client *client,
			     uint32_t version, uint32_t id);
/* Reads a dma-buf wl_buffer. 1 if resource is one (info filled), 0 if
 * it is not a dma-buf buffer, -errno if it can't be read. */
int tc_dmabuf_buffer_read(struct wl_resource *resource,
			  const struct tc_rect *crop,
			  struct tc_frame_info *info, int dump_fd);
/* Reports wl_buffer.release of an attach-only dma-buf (sent by caller). */
void tc_dmabuf_buffer_released(struct wl_resource *resource);
/* 1 and its size if resource is a dma-buf buffer, else 0. */
int tc_dmabuf_buffer_size(struct wl_resource *resource, int32_t *width,
			  int32_t *height);

/* tc_attach.c: whether fd is a dma-buf (the kernel names its exporter in
 * the fd's fdinfo), and that exporter's name into exp. */
bool tc_attach_is_dmabuf(int fd, char *exp, size_t len);

/* tc_buffer.c: any wl_buffer (shm or dma-buf) to a tc_frame_info, the
 * crop's pixels only when crop is not NULL (it must lie inside). */
int tc_buffer_read(struct wl_resource *resource, const struct tc_rect *crop,
		   struct tc_frame_info *info, int dump_fd);
/* Width and height of any wl_buffer we can read; -ENOTSUP otherwise. */
int tc_buffer_size(struct wl_resource *resource, int32_t *width,
		   int32_t *height);

/* tc_pixels.c */
uint32_t tc_crc32(uint32_t crc, const void *data, size_t len);
/* CRC and first pixel over width x height pixels at base (row pitch
 * stride), each pixel as a little-endian 32-bit XRGB/ARGB word (XR24 and
 * RG16 with the top byte 0). Writes those words to dump_fd if >= 0. */
int tc_pixels_digest(const uint8_t *base, int32_t width, int32_t height,
		     int32_t stride, uint32_t drm_format,
		     struct tc_frame_info *info, int dump_fd);
int tc_format_bpp(uint32_t drm_format);
/* "XR24" etc. buf needs 5 bytes. */
const char *tc_format_name(uint32_t drm_format, char buf[5]);

/* tc_report.c */
int tc_report_open(struct tc_server *server);
void tc_report_close(struct tc_server *server);
void tc_report(struct tc_server *server, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Opens the dump file for a surface (a temp name); -1 when no dump dir. */
int tc_dump_begin(struct tc_server *server, const char *name);
void tc_dump_end(struct tc_server *server, const char *name, int fd, bool ok);

#endif
