/* Guest programs other than modetest -v (enum drm_front_program): what a
 * DRM client does, phase by phase, as calls into the simulated driver.
 * Which requests reach the backend is drm_pipe.c's business, never this
 * file's: a program says "drmModeSetCrtc(B)", not "send PG_FLIP".
 *
 * Buffers follow modetest's order (bo_create: DRM_IOCTL_MODE_CREATE_DUMB
 * -> DBUF_CREATE, then the pattern is drawn through the mapping, then
 * drmModeAddFB2 -> fb_create -> FB_ATTACH), all on connector 0's ring. */
#include "drm_front_priv.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "log.h"
#include "loop.h"

static const char *const names[] = {
	[DRM_PROG_FLIP] = "flip",	    [DRM_PROG_STATIC] = "static",
	[DRM_PROG_FRONTDRAW] = "frontdraw", [DRM_PROG_REMODESET] = "remodeset",
	[DRM_PROG_DPMS] = "dpms",	    [DRM_PROG_SHARED] = "shared",
};

const char *drm_front_program_name(enum drm_front_program p)
{
	if ((unsigned)p >= sizeof(names) / sizeof(names[0]))
		return NULL;
	return names[p];
}

int drm_front_program_parse(const char *name, enum drm_front_program *out)
{
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(name, names[i])) {
			*out = (enum drm_front_program)i;
			return 0;
		}
	}
	return -EINVAL;
}

static unsigned num_phases(const struct drm_front *f)
{
	switch (f->ccfg.program) {
	case DRM_PROG_REMODESET:
	case DRM_PROG_DPMS:
		return 3;
	case DRM_PROG_FRONTDRAW: /* phase 0, then one per frame drawn */
		return f->ccfg.max_flips ? (unsigned)f->ccfg.max_flips + 1
					 : UINT_MAX;
	default:
		return 1;
	}
}

static void add_draw(struct drm_front *f, unsigned conn, unsigned buf,
		     uint64_t frame)
{
	if (!f->ccfg.draw)
		return;
	struct drm_step *s = drm_client_add_step(f, STEP_DRAW, conn, buf);
	if (s)
		s->frame = frame;
}

/* A dumb buffer with frame drawn in it, and its fb. With a shared fb the
 * buffer is connector 0's and the draw fills every connector's region,
 * so other connectors make none. */
static void make_buf(struct drm_front *f, unsigned conn, unsigned buf,
		     uint64_t frame)
{
	if (drm_shared(f) && conn)
		return;
	drm_client_add_step(f, STEP_DBUF_CREATE, conn, buf);
	add_draw(f, conn, buf, frame);
	drm_client_add_step(f, STEP_FB_ATTACH, conn, buf);
}

/* Draws into a buffer (once for a shared fb). */
static void draw(struct drm_front *f, unsigned conn, unsigned buf,
		 uint64_t frame)
{
	if (!drm_shared(f) || !conn)
		add_draw(f, conn, buf, frame);
}

/* modetest -s: buffer A with frame 0, drmModeSetCrtc(A) per connector
 * (with a shared fb after all buffers, at growing x, as set_mode does). */
static void plan_modeset(struct drm_front *f)
{
	for (unsigned c = 0; c < f->num_conns; c++) {
		if (f->ccfg.get_edid)
			drm_client_add_step(f, STEP_GET_EDID, c, 0);
		make_buf(f, c, 0, 0);
	}
	for (unsigned c = 0; c < f->num_conns; c++)
		drm_pipe_set_crtc(f, c, 0, drm_shared_x(f, c), 0, false);
}

static void plan_conn(struct drm_front *f, unsigned c, unsigned n)
{
	uint32_t x = drm_shared_x(f, c);
	switch (f->ccfg.program) {
	case DRM_PROG_FRONTDRAW: /* fbcon / splash: no call at all */
		draw(f, c, 0, n);
		break;
	case DRM_PROG_REMODESET:
		if (n == 1) { /* a new fb, the same mode: no modeset */
			make_buf(f, c, 1, 1);
			drm_pipe_set_crtc(f, c, 1, x, 0, false);
		} else { /* back to A with a new mode: a full modeset */
			draw(f, c, 0, 2);
			drm_pipe_set_crtc(f, c, 0, x, 0, true);
		}
		break;
	case DRM_PROG_DPMS:
		if (n == 2)
			draw(f, c, 0, 1); /* while off: shown only once on */
		drm_pipe_dpms(f, c, n == 2);
		break;
	default:
		break;
	}
}

bool drm_program_plan(struct drm_front *f, unsigned n)
{
	if (n >= num_phases(f))
		return false;
	f->nsteps = f->cur_step = 0;
	if (n == 0) {
		plan_modeset(f);
		return true;
	}
	for (unsigned c = 0; c < f->num_conns; c++)
		plan_conn(f, c, n);
	return true;
}

static int run_phase(struct drm_front *f)
{
	if (!drm_program_plan(f, f->phases_done))
		return -ENOENT;
	log_debug("drm_front %u: %s phase %u", f->domid,
		  drm_front_program_name(f->ccfg.program), f->phases_done);
	drm_client_set_state(f, DRM_CLIENT_SETUP);
	drm_client_run_script(f);
	return 0;
}

static void on_prog_timer(void *data)
{
	struct drm_front *f = data;
	if (f->cstate == DRM_CLIENT_HOLDING)
		run_phase(f);
}

void drm_program_phase_done(struct drm_front *f)
{
	f->phases_done++;
	drm_client_set_state(f, DRM_CLIENT_HOLDING);
	if (f->ccfg.hold_ms && f->phases_done < num_phases(f))
		loop_timer_arm(f->prog_timer,
			       (uint64_t)f->ccfg.hold_ms * 1000000ull, 0);
}

int drm_program_init(struct drm_front *f)
{
	if (!f->prog_timer)
		f->prog_timer = loop_add_timer(f->loop, on_prog_timer, f);
	return f->prog_timer ? 0 : -ENOMEM;
}

void drm_program_fini(struct drm_front *f)
{
	loop_remove(f->prog_timer);
	f->prog_timer = NULL;
}

unsigned drm_front_phases_done(const struct drm_front *f)
{
	return f->phases_done;
}

int drm_front_next_phase(struct drm_front *f)
{
	if (f->cstate == DRM_CLIENT_SETUP)
		return -EBUSY;
	if (f->cstate != DRM_CLIENT_HOLDING)
		return -ENOENT;
	loop_timer_arm(f->prog_timer, 0, 0);
	return run_phase(f);
}
