/* Internals of the simulated xen-drm-front, shared by drm_front.c (XenBus
 * and rings), drm_buf.c (display buffers) and drm_client.c (the modetest
 * -like client). */
#ifndef XENSIM_DRM_FRONT_PRIV_H
#define XENSIM_DRM_FRONT_PRIV_H

#include "ring_compat.h"

#include "drm_front.h"

#define DRM_FRONT_PATH_LEN 256
#define DRM_FRONT_NUM_BUFS 2
#define XENSIM_MAX_CONNS_FRONT 8

/* One display buffer and its framebuffer. */
struct drm_buf {
	bool allocated; /* pages exist (ours, or mapped from the backend) */
	bool be_alloc;
	uint64_t dbuf_cookie, fb_cookie;
	uint32_t width, height, pitch, size;
	uint32_t npages, ndir;
	int64_t data_pfn; /* frontend-allocated: one contiguous run */
	int64_t dir_pfn;
	uint32_t *data_grefs; /* npages (frontend-allocated) */
	uint32_t *dir_grefs;  /* ndir */
	void **pages;	      /* npages: where the guest draws */
	uint64_t frame;	      /* last drawn, UINT64_MAX: never */
};

struct drm_front;

/* The driver's view of one pipe (struct xen_drm_front_drm_pipeline and
 * the atomic state of its CRTC and primary plane): what the last commit
 * left, which decides what the next one sends (drm_pipe.c). */
struct drm_pipe {
	bool active;	/* crtc_state->active (enabled and DPMS on) */
	int fb;		/* buffer index on the primary plane, -1: none */
	uint32_t x, y;	/* plane src x/y: crtc->x/y in display_enable */
	bool connected;	/* pipeline->conn_connected */
};

/* One connector: its request ring, event page, and client state. */
struct drm_chan {
	struct drm_front *front;
	unsigned idx;
	uint32_t width, height;

	int64_t req_pfn, evt_pfn;
	int64_t req_gref, evt_gref;
	int64_t req_port, evt_port;
	struct xen_displif_front_ring ring;
	struct xendispl_event_page *evt_page;

	uint16_t next_id;
	bool busy;
	uint16_t wait_id;
	drm_front_resp_cb cb;
	void *cb_data;
	struct loop_source *req_timer;
	struct drm_front_stats *stats; /* in front: outlives reconnects */

	/* client */
	struct drm_pipe pipe;
	struct drm_buf bufs[DRM_FRONT_NUM_BUFS];
	unsigned front_buf; /* index shown */
	uint64_t frame;	    /* last frame number drawn */
	bool flipping;
	bool flip_pending; /* PG_FLIP sent, event not yet in */
	uint64_t flip_cookie;
	unsigned flip_buf;
	uint64_t flips_done;
	uint64_t shown_cookie, shown_frame;
	struct loop_source *flip_timer; /* 3.1 s event time-out */
	struct loop_source *tick_timer; /* pacing */
	uint32_t *row;			/* one row of pixels to draw */
};

enum drm_step_kind {
	STEP_GET_EDID,
	STEP_DBUF_CREATE,
	STEP_FB_ATTACH,
	STEP_SET_CONFIG,
	STEP_FB_DETACH,
	STEP_DBUF_DESTROY,
	STEP_SET_CONFIG_OFF,
	STEP_PG_FLIP, /* display_send_page_flip from a commit */
	STEP_DRAW,    /* no request: the client draws frame into buf */
};

struct drm_step {
	enum drm_step_kind kind;
	unsigned conn, buf;
	uint32_t x, y;	/* SET_CONFIG: crtc x/y */
	uint64_t frame; /* DRAW */
};

#define DRM_MAX_STEPS (XENSIM_MAX_STEPS_PER_CONN * 8)
#define XENSIM_MAX_STEPS_PER_CONN 8

struct drm_front {
	struct loop *loop;
	struct xs_server *xs;
	struct gsim_domain *dom;
	uint32_t domid, devid, be_domid;
	char path[DRM_FRONT_PATH_LEN];
	char be_path[DRM_FRONT_PATH_LEN];
	struct xs_srv_watch *be_watch;
	int state, be_state;
	bool be_alloc;
	unsigned num_conns;
	struct drm_chan *chans;

	bool reloading;
	struct loop_source *reload_timer;
	struct loop_source *reload_defer;

	/* client */
	enum drm_front_client_state cstate;
	bool client_wanted;
	bool stop_wanted;
	struct drm_front_client_cfg ccfg;
	struct drm_step steps[DRM_MAX_STEPS];
	unsigned nsteps, cur_step;
	uint64_t next_cookie;
	struct drm_buf edid;
	bool script_blocked; /* next step waits for a flip event */
	bool phase_wait_flips; /* script done, flip events still due */
	unsigned phases_done;
	struct loop_source *prog_timer; /* hold_ms between phases */

	struct drm_front_stats stats[XENSIM_MAX_CONNS_FRONT];
	struct drm_front_log_entry *log;
	size_t nlog;
};

/* drm_front.c */
int drm_chan_send(struct drm_chan *ch, const struct xendispl_req *req,
		  drm_front_resp_cb cb, void *data);
/* A request with the ring's next id and the given operation. */
void drm_chan_prepare(struct drm_chan *ch, struct xendispl_req *req,
		      uint8_t op);

/* drm_raw.c: conn's channel once its rings exist, else NULL. */
struct drm_chan *drm_front_chan(struct drm_front *f, unsigned conn);

/* drm_buf.c */
int drm_buf_alloc(struct drm_front *f, struct drm_buf *b, uint32_t size,
		  bool be_alloc);
/* be-alloc: maps the pages whose grefs the backend put in the directory. */
int drm_buf_map_backend(struct drm_front *f, struct drm_buf *b);
void drm_buf_free(struct drm_front *f, struct drm_buf *b, bool domain_dead);
void drm_buf_draw(struct drm_front *f, struct drm_chan *ch,
		  struct drm_buf *b, uint64_t frame);
/* ch's pattern (w x h, as if its own buffer) at column x0 of b. */
void drm_buf_draw_region(struct drm_front *f, struct drm_chan *ch,
			 struct drm_buf *b, uint64_t frame, uint32_t x0,
			 uint32_t w, uint32_t h);
uint32_t drm_buf_gref_dir(const struct drm_buf *b);
/* 0 if the first edid_sz bytes of b are a valid EDID, else -EINVAL. */
int drm_buf_check_edid(const struct drm_buf *b, uint32_t edid_sz);

/* drm_shared.c: one framebuffer pair for every connector (shared_fb),
 * each showing its own region side by side, as modetest with several -s
 * makes it. The pair is connector 0's bufs. */
bool drm_shared(const struct drm_front *f);
/* The buffer ch shows as its buffer i (connector 0's when shared). */
struct drm_buf *drm_chan_buf(struct drm_chan *ch, unsigned i);
/* Width x height of buffers connector ch allocates. */
void drm_shared_size(const struct drm_chan *ch, uint32_t *w, uint32_t *h);
/* Column where conn's region starts (0 unless shared). */
uint32_t drm_shared_x(const struct drm_front *f, unsigned conn);
/* Draws frame into b: every connector's region when shared, else ch's. */
void drm_client_draw(struct drm_front *f, struct drm_chan *ch,
		     struct drm_buf *b, uint64_t frame);
/* Setup steps when shared: the pair on connector 0's ring, then each
 * connector's SET_CONFIG at its offset. */
void drm_shared_plan_setup(struct drm_front *f);

/* drm_client.c */
/* Appends a step to the script (dropped when full). */
struct drm_step *drm_client_add_step(struct drm_front *f,
				     enum drm_step_kind k, unsigned conn,
				     unsigned buf);
void drm_client_set_state(struct drm_front *f,
			  enum drm_front_client_state s);
/* drm_step.c: fills req for step s; the ring it goes on, or -errno. */
int drm_client_build_step(struct drm_front *f, const struct drm_step *s,
			  struct xendispl_req *req);
/* Starts the script from its first step (it must be idle). */
void drm_client_run_script(struct drm_front *f);
void drm_client_on_connected(struct drm_front *f);
/* The device went away under the client: drop its state. */
void drm_client_abort(struct drm_front *f, bool domain_dead);
void drm_client_on_flip_evt(struct drm_chan *ch, uint64_t cookie);
/* A request on ch was answered and ch takes requests again. */
void drm_client_on_chan_idle(struct drm_chan *ch);

/* drm_pipe.c: DRM client calls, turned into steps as xen-drm-front's KMS
 * pipe turns them into requests. buf -1 is "no fb". */
void drm_pipe_reset(struct drm_chan *ch);
void drm_pipe_set_crtc(struct drm_front *f, unsigned conn, int buf,
		       uint32_t x, uint32_t y, bool new_mode);
void drm_pipe_dpms(struct drm_front *f, unsigned conn, bool on);
/* The backend's status for a SET_CONFIG / PG_FLIP a commit sent. */
void drm_pipe_result(struct drm_chan *ch, enum drm_step_kind k,
		     int32_t status);

/* drm_program.c: the guest programs other than FLIP. */
/* Plans phase n; false when the program has no phase n. */
bool drm_program_plan(struct drm_front *f, unsigned n);
/* The script of a phase finished. */
void drm_program_phase_done(struct drm_front *f);
int drm_program_init(struct drm_front *f);
void drm_program_fini(struct drm_front *f);

#endif
