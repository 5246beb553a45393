/* A simulated Linux xen-drm-front (one vdispl device of one guest).
 *
 * Handshake as the real driver: in Initialising until the backend is
 * InitWait, then per connector a request ring page and an event page in
 * the guest's memory granted to the backend, two unbound event channels,
 * <idx>/req-ring-ref, req-event-channel, evt-ring-ref, evt-event-channel,
 * Initialised; Connected once the backend is Connected. Backend Closing /
 * Closed / Unknown takes the device down and back to Initialising.
 *
 * On top runs a display client (drm_front_start) doing what a DRM client
 * does to the driver: by default modetest -v (two buffers, SET_CONFIG,
 * then PG_FLIP forever), or another guest program (enum
 * drm_front_program). DBUF_CREATE and FB_ATTACH go on connector 0's ring,
 * SET_CONFIG and PG_FLIP on the connector's own ring, one request in
 * flight per ring, each waiting for its response (3 s) and each flip for
 * its XENDISPL_EVT_PG_FLIP (3.1 s), like Linux. Which of SET_CONFIG and
 * PG_FLIP a client action turns into is decided by a model of the
 * driver's KMS pipe (drm_pipe.c, from xen_drm_front_kms.c). Time-outs and
 * error statuses are counted, not fatal.
 *
 * Callbacks (drm_front_resp_cb) run from the loop. */
#ifndef XENSIM_DRM_FRONT_H
#define XENSIM_DRM_FRONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xen/io/displif.h>

struct loop;
struct xs_server;
struct gsim_domain;
struct drm_front;

#define DRM_FRONT_REQ_TIMEOUT_MS 3000
#define DRM_FRONT_FLIP_TIMEOUT_MS 3100
#define DRM_FRONT_ALL_CONNS (~0u)
#define DRM_FRONT_LOG_MAX 4096

struct drm_front_conn_cfg {
	uint32_t width, height;
};

/* Read from XenStore at InitWait, as Linux does; the toolstack passes the
 * same values here only to size things before then. */
struct drm_front_cfg {
	uint32_t domid;
	uint32_t devid;
	const char *path; /* /local/domain/<domid>/device/vdispl/<devid> */
};

struct drm_front *drm_front_create(struct loop *loop, struct xs_server *xs,
				   struct gsim_domain *dom,
				   const struct drm_front_cfg *cfg);
/* Frees everything. With domain_dead (the guest crashed or was destroyed)
 * nothing is written to XenStore or ungranted: the hypervisor does that. */
void drm_front_destroy(struct drm_front *f, bool domain_dead);

/* Driver reload: Closing, wait for the backend to close (<= 3 s), free the
 * channels, Closed, then Initialising again. The client restarts if it was
 * running. 0 or -errno. */
int drm_front_reload(struct drm_front *f);

int drm_front_state(const struct drm_front *f); /* enum xenbus_state */
unsigned drm_front_num_conns(const struct drm_front *f); /* 0 before InitWait */
bool drm_front_be_alloc(const struct drm_front *f);

/* ---- display client ---- */

enum drm_front_client_state {
	DRM_CLIENT_OFF,	     /* not started */
	DRM_CLIENT_WAITING,  /* started, device not Connected yet */
	DRM_CLIENT_SETUP,    /* EDID / DBUF_CREATE / FB_ATTACH / SET_CONFIG */
	DRM_CLIENT_FLIPPING,
	DRM_CLIENT_TEARDOWN, /* FB_DETACH / DBUF_DESTROY / SET_CONFIG 0 */
	DRM_CLIENT_STOPPED,  /* teardown done */
	DRM_CLIENT_FAILED,   /* a setup request failed or timed out */
	DRM_CLIENT_HOLDING,  /* a program's phase is done; nothing in flight */
};

/* What the guest's DRM client does (each phase is one or more DRM calls;
 * the requests are what xen-drm-front makes of them, see drm_pipe.c):
 *   FLIP       modetest -v: buffers A and B, drmModeSetCrtc(A), then
 *              drmModePageFlip forever (today's default);
 *   STATIC     modetest -s: buffer A, drmModeSetCrtc(A), nothing more;
 *   FRONTDRAW  STATIC, then phase k >= 1 draws frame k into A (on screen)
 *              without any call (fbcon, a splash: no dirty hook);
 *   REMODESET  STATIC; phase 1 makes buffer B (frame 1) and
 *              drmModeSetCrtc(B) with the same mode; phase 2 draws frame 2
 *              into A and drmModeSetCrtc(A) with a new mode;
 *   DPMS       STATIC; phase 1 DPMS off; phase 2 draws frame 1 into A and
 *              DPMS on;
 *   SHARED     modetest -s c0 -s c1: one fb for all connectors side by
 *              side, drmModeSetCrtc per connector at its x offset. */
enum drm_front_program {
	DRM_PROG_FLIP,
	DRM_PROG_STATIC,
	DRM_PROG_FRONTDRAW,
	DRM_PROG_REMODESET,
	DRM_PROG_DPMS,
	DRM_PROG_SHARED,
};
/* "flip", "static", ...; NULL for an unknown value. */
const char *drm_front_program_name(enum drm_front_program p);
/* 0, or -EINVAL for an unknown name. */
int drm_front_program_parse(const char *name, enum drm_front_program *out);

struct drm_front_client_cfg {
	bool prime;	    /* DBUF_CREATE with width = height = bpp = 0 */
	bool get_edid;	    /* GET_EDID per connector first (protocol 2) */
	bool draw;	    /* draw the pattern before each flip */
	int force_be_alloc; /* -1: use be-alloc from XenStore; 0/1: override */
	uint32_t flip_interval_ms; /* 0: next flip as soon as the last is done */
	uint64_t max_flips;	   /* per connector; 0: unlimited */
	/* One framebuffer pair for all connectors side by side (Linux with
	 * modetest -s A -s B: an 1824x768 fb for 800x600 + 1024x768): each
	 * SET_CONFIG carries its x offset and the fb's full size, flips go
	 * to every connector at once. Connector c's region holds its own
	 * pattern (xensim_pattern_pixel(domid, c, frame, its width, ...)). */
	bool shared_fb;
	enum drm_front_program program;
	/* Programs other than FLIP: ms between phases; 0: a phase runs only
	 * on drm_front_next_phase(). FRONTDRAW stops after max_flips phases
	 * when that is set. */
	uint32_t hold_ms;
};

/* Starts now or as soon as the device is Connected. 0 or -errno. */
int drm_front_start(struct drm_front *f, const struct drm_front_client_cfg *c);
/* Stops flipping and tears down like modetest on exit (in flight requests
 * finish first). drm_front_client_state() reaches DRM_CLIENT_STOPPED. */
int drm_front_stop(struct drm_front *f);
enum drm_front_client_state drm_front_client_state(const struct drm_front *f);
/* Phases of the program done (requests answered, flip events in or timed
 * out); phase 0 is the setup. */
unsigned drm_front_phases_done(const struct drm_front *f);
/* Runs the next phase now. 0; -EBUSY while one runs; -ENOENT after the
 * last or when the client is not HOLDING. */
int drm_front_next_phase(struct drm_front *f);

struct drm_front_stats {
	uint64_t requests_sent;
	uint64_t responses;
	uint64_t responses_ok;
	uint64_t responses_error;     /* status != 0 */
	uint64_t responses_unexpected; /* id not awaited (late, or bogus) */
	uint64_t req_timeouts;
	uint64_t flips_sent;
	uint64_t flip_events;
	uint64_t flip_events_in_order; /* cookie == fb flipped, in order */
	uint64_t flip_events_bad;      /* wrong cookie or none awaited */
	uint64_t flip_timeouts;
	uint64_t evt_ring_errors;      /* in_prod - in_cons out of range */
	uint64_t edid_ok, edid_bad;
	uint64_t frames_drawn;
	/* pipeline->conn_connected went false: a failed PG_FLIP or enabling
	 * SET_CONFIG; the real guest's connector then reads disconnected
	 * (xen_drm_front_conn.c: connector_detect) until a display_disable */
	uint64_t conn_disconnects;
	int32_t last_error_status; /* keep last: the rest are counters */
};
/* One connector's counters, or all summed with DRM_FRONT_ALL_CONNS. */
void drm_front_get_stats(const struct drm_front *f, unsigned conn,
			 struct drm_front_stats *out);

/* Every request the frontend put on a ring (first DRM_FRONT_LOG_MAX). */
struct drm_front_log_entry {
	unsigned conn;
	struct xendispl_req req;
};
const struct drm_front_log_entry *drm_front_req_log(const struct drm_front *f,
						    size_t *count);

/* Buffers of the client: cookies, and the frame number last drawn in each
 * (UINT64_MAX if never drawn), so tests can compute expected pixels. */
struct drm_front_buf_info {
	uint64_t dbuf_cookie, fb_cookie;
	uint32_t width, height, pitch;
	uint64_t frame;
	bool be_alloc;
};
int drm_front_buf_info(const struct drm_front *f, unsigned conn, unsigned buf,
		       struct drm_front_buf_info *out);
/* The fb cookie last flipped (or set) on conn and its frame number. */
int drm_front_shown(const struct drm_front *f, unsigned conn,
		    uint64_t *fb_cookie, uint64_t *frame);

/* The test pattern: XRGB8888 (padding byte 0) for pixel (x, y) of frame
 * `frame` on connector `conn` of guest `domid`, in a buffer `width` wide:
 * a solid colour per guest/connector, a 16 px white bar moving 4 px per
 * frame, and the frame number in binary across the top 8 rows (bit i in
 * x = 8i..8i+7, white = 1, black = 0). */
uint32_t xensim_pattern_pixel(uint32_t domid, unsigned conn, uint64_t frame,
			      uint32_t width, uint32_t x, uint32_t y);

/* Whether conn's connector reads connected (connector_detect). */
bool drm_front_conn_connected(const struct drm_front *f, unsigned conn);

/* ---- raw access for hostile tests ---- */

/* status is the backend's, or -ETIMEDOUT after 3 s (then resp is NULL). */
typedef void (*drm_front_resp_cb)(void *data, int32_t status,
				  const struct xendispl_resp *resp);
/* Puts req (as given, id included) on conn's ring and notifies. The
 * response with req->id is handed to cb. -EBUSY if the ring is awaiting a
 * response, -ENOTCONN before Initialised. */
int drm_front_send_raw(struct drm_front *f, unsigned conn,
		       const struct xendispl_req *req, drm_front_resp_cb cb,
		       void *data);
/* Same, turning the loop until the answer: 0 with *status, or -errno. */
int drm_front_send_raw_sync(struct drm_front *f, unsigned conn,
			    const struct xendispl_req *req, int32_t *status);
/* Next request id the client would use on conn. */
uint16_t drm_front_next_id(const struct drm_front *f, unsigned conn);
/* Writes bytes anywhere in conn's request ring page. */
int drm_front_ring_write(struct drm_front *f, unsigned conn, size_t offset,
			 const void *bytes, size_t len);
/* Sets the shared req_prod (and the private copy) to any value. */
int drm_front_ring_set_req_prod(struct drm_front *f, unsigned conn,
				uint32_t req_prod);
/* n notifications on conn's request channel. */
int drm_front_notify(struct drm_front *f, unsigned conn, unsigned n);
/* The guest's view of the pages (for tests). */
void *drm_front_req_page(struct drm_front *f, unsigned conn);
void *drm_front_evt_page(struct drm_front *f, unsigned conn);

#endif
