/* Private to src/wl/: the Wayland presenter's objects. */
#ifndef VDISPLD_WL_INTERNAL_H
#define VDISPLD_WL_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <wayland-client.h>

#include "conn_frame.h"
#include "presenter.h"
#include "wl_presenter.h"

struct loop_source;
struct pixel_format;

#define WL_PRES_MAX_OUTPUTS 16
#define WL_PRES_MAX_SHM_FORMATS 128
#define WL_PRES_POOL_BUFFERS 3
/* One 60 Hz refresh, for flips when there is no compositor to pace us. */
#define WL_PRES_REFRESH_NS 16666667ull
/* The longest a flip waits for a slow compositor's frame callback before
 * the fallback answers it (wl_pacing.c): well inside the 3.1 s too. */
#define WL_PRES_SLOW_MAX_NS 1000000000ull

struct wl_dmabuf_fb;
struct wl_dmabuf_state;

struct pres_fb {
	struct fb_ref_list refs; /* first: see pres_fb_refs() */
	struct pres_fb_desc desc;
	const struct pixel_format *fmt;
	/* Zero copy (wl_dmabuf.c): its dma-buf wl_buffer, or NULL; why it
	 * copies (enum pres_copy_reason, -1: it does not), logged once. */
	struct wl_dmabuf_fb *dmabuf;
	int copy_reason;
	bool copy_logged;
	struct wl_list link; /* wl_pres.fbs: re-imported after a reconnect */
};

struct wl_pres_output {
	uint32_t global_name; /* 0: slot free */
	struct wl_output *output;
	struct zxdg_output_v1 *xdg_output;
	char name[64];
};

struct wl_pres_dmabuf_format {
	uint32_t format;
	uint64_t modifier;
};

struct wl_pres {
	struct presenter base;
	struct loop *loop;
	struct wl_presenter_config cfg;
	uint64_t fallback_ns;
	/* One fallback timer for every connector, at the earliest deadline:
	 * connectors flipping together reprogram it once per loop turn, not
	 * once each (wl_pacing.c). armed_ns: what the timerfd holds. */
	struct {
		int fd;
		struct loop_source *src, *sync;
		uint64_t armed_ns;
		bool dirty;
	} pacing;

	struct wl_display *display;
	struct loop_source *fd_src, *prepare_src;
	bool reading;	 /* holds a wl_display_prepare_read intent */
	bool want_write; /* flush hit EAGAIN: waiting for EPOLLOUT */
	bool dead;	 /* no connection: flips complete on the timer */

	/* Reconnecting (wl_reconnect.c): the socket we connect to, where it
	 * lives, and what watches for it to come back. */
	char *display_name; /* as passed to wl_display_connect */
	char *sock_dir, *sock_name;
	int inotify_fd;
	struct loop_source *inotify_src, *retry_timer, *teardown;
	uint64_t reconnects;

	struct wl_registry *registry;
	struct wl_compositor *compositor;
	struct wl_shm *shm;
	struct xdg_wm_base *wm_base;
	struct wp_presentation *presentation;
	struct wp_viewporter *viewporter;
	struct zwp_linux_dmabuf_v1 *dmabuf;
	struct ivi_application *ivi;
	struct zxdg_output_manager_v1 *xdg_output_mgr;

	struct wl_pres_output outputs[WL_PRES_MAX_OUTPUTS];
	uint32_t shm_formats[WL_PRES_MAX_SHM_FORMATS]; /* DRM fourccs */
	size_t n_shm_formats;
	struct wl_pres_dmabuf_format *dmabuf_formats;
	size_t n_dmabuf_formats, cap_dmabuf_formats;
	struct wl_dmabuf_state *dmabuf_state;

	struct wl_list conns; /* wl_pres_conn.link */
	struct wl_list fbs;   /* pres_fb.link */
	struct wl_list seats; /* wl_pres_seat.link (wl_seat.c) */
	uint32_t next_seat_ordinal;
};

struct shm_pool;
struct prefault_job;

struct shm_buf {
	struct shm_pool *pool;
	struct wl_buffer *buffer;
	uint8_t *data;
	bool busy; /* attached; until wl_buffer.release */
};

/* A few same-sized wl_shm buffers in one memfd. */
struct shm_pool {
	int fd;
	uint8_t *map;
	size_t size;
	uint32_t width, height, stride, drm_format;
	bool warm; /* every page faulted in (shm_pool_warm) */
	struct prefault_job *warming; /* until then */
	struct shm_buf bufs[WL_PRES_POOL_BUFFERS];
	/* Called when the compositor gives a buffer back. */
	void (*released)(void *data);
	void *data;
};

struct wl_pres_conn {
	struct wl_pres *pres;
	struct wl_list link;
	struct pres_conn_info info;
	char *dom_name, *unique_id, *app_id, *title, *fs_output;
	uint32_t ivi_id;
	bool fullscreen;
	uint32_t size_w, size_h; /* configured surface size; 0: resolution */
	const struct pres_conn_listener *listener;
	void *data;

	struct wl_surface *surface;
	struct xdg_surface *xdg_surface;
	struct xdg_toplevel *toplevel;
	struct ivi_surface *ivi_surface;
	/* Scaling and cropping (wl_surface.c): the surface's size in surface
	 * coordinates (dest_w x dest_h; the resolution without a viewport),
	 * the fullscreen size the compositor asked for, what the viewport
	 * was last told (0 / false: nothing yet). */
	struct wp_viewport *viewport;
	uint32_t dest_w, dest_h;
	int32_t fs_w, fs_h;
	uint32_t vp_dst_w, vp_dst_h;
	bool vp_src_set;
	uint32_t vp_src_x, vp_src_y;
	bool configured; /* the role is ready: buffers may be attached */
	bool mapped;	 /* a buffer is attached to the surface */
	/* The picture, whether it is up, and the flip owed (conn_frame.h). */
	struct conn_frame frame;
	struct shm_pool pool;

	/* Pacing (wl_pacing.c): what tells the owed flip's commit was shown. */
	struct wl_callback *frame_cb;
	struct wp_presentation_feedback *feedback;
	uint64_t commit_ns; /* when the flip's frame was committed */
	/* A slow compositor (wl_pacing.c): how late frame callbacks lately
	 * came after their commit (0: nothing learnt yet), and the
	 * frame callback of a flip the fallback answered, kept to learn that
	 * (late_cb, committed at late_commit_ns). */
	uint64_t slow_ns;
	struct wl_callback *late_cb;
	uint64_t late_commit_ns;
	/* The fallback's deadline (CLOCK_MONOTONIC ns, 0: none), behind the
	 * presenter's one pacing timer (wl_pacing.c). */
	uint64_t deadline_ns;
	struct pres_conn_stats stats;

	/* Zero copy (wl_dmabuf.c): the dma-buf attached to the surface, and
	 * the one whose release the flip's hold waits for. */
	struct wl_dmabuf_fb *dmabuf_attached;
	struct wl_dmabuf_fb *hold_for;
};

/* wl_display.c */
/* Connects, binds the globals (round trips bounded by timeout_ms) and
 * watches the display fd. -errno: call wl_pres_drop_globals. */
int wl_pres_connect(struct wl_pres *p, const char *name, int timeout_ms);
void wl_pres_disconnect(struct wl_pres *p);
bool wl_pres_shm_has(struct wl_pres *p, uint32_t drm_format);
struct wl_output *wl_pres_find_output(struct wl_pres *p, const char *name);
/* Marks the connection dead (logged once) and stops watching its fd. */
void wl_pres_mark_dead(struct wl_pres *p, const char *why);
/* Destroys every global and the display (not the prepare hook). */
void wl_pres_drop_globals(struct wl_pres *p);

/* wl_reconnect.c: the connection is gone: drop every Wayland object
 * (keeping connectors and fbs), watch for the socket, connect again and
 * give every connector a new surface with its current frame. */
int wl_reconnect_init(struct wl_pres *p, const char *display);
void wl_reconnect_finish(struct wl_pres *p);
void wl_reconnect_lost(struct wl_pres *p);

/* wl_surface.c: a connector's surface, role and viewport. */
int wl_pres_conn_load_opts(struct wl_pres_conn *c,
			   const struct pres_conn_info *info);
void wl_pres_conn_surface_create(struct wl_pres_conn *c);
void wl_pres_conn_surface_drop(struct wl_pres_conn *c);
/* A fresh xdg role (or ivi surface) on the same wl_surface. */
void wl_pres_conn_role_renew(struct wl_pres_conn *c);
/* Sets the viewport for the next commit: crop (x, y) of the
 * connector's size out of the attached buffer (crop false: the buffer
 * is the region) and scale it to the surface's size. */
void wl_pres_conn_viewport(struct wl_pres_conn *c, bool crop, uint32_t x,
			   uint32_t y);
/* Re-reads the connector's options; re-creates the surface when its
 * role must change (app_id, ivi id, fullscreen, size). */
void wl_pres_conn_reconfigure(struct wl_pres_conn *c);

/* wl_conn.c */
struct wl_pres_conn *wl_pres_conn_create(struct wl_pres *p,
					 const struct pres_conn_info *info,
					 const struct pres_conn_listener *l,
					 void *data);
void wl_pres_conn_destroy(struct wl_pres_conn *c);
int wl_pres_conn_set_config(struct wl_pres_conn *c, struct pres_fb *fb,
			    uint32_t x, uint32_t y);
int wl_pres_conn_show(struct wl_pres_conn *c, struct pres_fb *fb);
void wl_pres_conn_lost(struct wl_pres_conn *c);
/* The connector's new surface shows its picture (no flip is owed). */
void wl_pres_conn_restore(struct wl_pres_conn *c);

/* The connector whose wl_surface this is; NULL for none (or NULL). */
struct wl_pres_conn *wl_pres_conn_from_surface(struct wl_pres *p,
					       const struct wl_surface *surface);

/* wl_seat.c: input from every wl_seat, sent to cfg.input per connector. */
void wl_pres_seat_add(struct wl_pres *p, uint32_t global_name,
		      uint32_t version);
void wl_pres_seat_remove(struct wl_pres *p, uint32_t global_name);
/* Destroys every seat (releasing what the guests were told is held). */
void wl_pres_seats_destroy(struct wl_pres *p);
/* After a dispatch: touch points still waiting for their frame go out. */
void wl_pres_seats_flush(struct wl_pres *p);
/* c is going away: release what it holds, forget it everywhere. */
void wl_pres_seats_forget_conn(struct wl_pres *p, struct wl_pres_conn *c);

/* wl_pacing.c */
int pacing_init(struct wl_pres_conn *c);
/* Forgets the frame callback / feedback of the flip's commit. */
void pacing_drop_feedback(struct wl_pres_conn *c);
/* The surface is going away: forgets all it was waiting for and what was
 * learnt of its pacing; an owed flip is answered on the next tick. */
void pacing_surface_gone(struct wl_pres_conn *c);
void pacing_finish(struct wl_pres_conn *c);
/* The presenter's pacing timer, made by the first pacing_init. */
void pacing_timer_finish(struct wl_pres *p);
/* Call right before the wl_surface.commit that carries the owed flip's
 * frame: asks for the frame callback and presentation feedback that
 * answer it, with the fallback timer behind them. */
void pacing_watch_commit(struct wl_pres_conn *c);
/* (Re)arms the fallback timer; 0 disarms. */
void pacing_arm(struct wl_pres_conn *c, uint64_t ns);
/* conn_frame_ops.arm and .answered_late (owner: the wl_pres_conn). */
void pacing_flip_timer(void *owner, enum conn_flip state);
void pacing_answered_late(void *owner);

/* wl_dmabuf.c: zero copy through zwp_linux_dmabuf_v1. */
int wl_dmabuf_init(struct wl_pres *p);
void wl_dmabuf_finish(struct wl_pres *p);
void wl_dmabuf_bind(struct wl_pres *p, uint32_t name, uint32_t version);
/* Decides zero copy or copy for a new fb (starting its import). */
void wl_dmabuf_fb_init(struct wl_pres *p, struct pres_fb *fb);
void wl_dmabuf_fb_finish(struct wl_pres *p, struct pres_fb *fb);
/* Puts fb's region at (x, y) up zero copy: a conn_present, or -1 to copy
 * it, with *reason the enum pres_copy_reason why. */
int wl_dmabuf_present(struct wl_pres_conn *c, struct pres_fb *fb, uint32_t x,
		      uint32_t y, bool flip, int *reason);
/* c's flip waits for d's release (NULL: for none); d counts its holders. */
void wl_dmabuf_hold_set(struct wl_pres_conn *c, struct wl_dmabuf_fb *d);
/* The connection is gone: every dma-buf wl_buffer goes (fbs stay). */
void wl_dmabuf_lost(struct wl_pres *p);

/* wl_shm_pool.c */
int shm_pool_init(struct shm_pool *pool, struct wl_shm *shm, uint32_t width,
		  uint32_t height, uint32_t drm_format,
		  uint32_t bytes_per_pixel);
void shm_pool_finish(struct shm_pool *pool);
struct shm_buf *shm_pool_acquire(struct shm_pool *pool);
/* Faults every page of the pool in (once, a slice per loop turn), for a
 * connector that will copy: its first frames then take no page fault. */
void shm_pool_warm(struct shm_pool *pool, struct loop *loop);

#endif
