/* The zero-copy fixture, shared by tests/zerocopy and bench/: a compositor
 * (the dma-buf test compositor, or real headless Weston), the Xen
 * simulator on our loop with one drawing guest, and the shipping vdispld
 * as a child whose log carries its counters ("stats: ..." lines). */
#ifndef ZC_FIXTURE_H
#define ZC_FIXTURE_H

#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/types.h>

#include "vd_fixture.h"

struct xensim_guest;
struct drm_front;

/* A failed check in a zero-copy test: says where and why, returns 1. */
#define ZC_CHECK(cond, ...)                                                    \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);   \
			fprintf(stderr, __VA_ARGS__);                          \
			fprintf(stderr, "\n");                                 \
			return 1;                                              \
		}                                                              \
	} while (0)

struct zc_opts {
	const char *vdispld;	  /* binary */
	const char *compositor;	  /* test compositor binary; NULL: Weston */
	const char *const *tc_args; /* extra test compositor flags */
	bool kernel_dmabuf;	  /* simulated gntdev exports dma-bufs */
	bool export_pv;		  /* ... but refuses exports as in a PV Dom0 */
	bool be_alloc;
	bool no_dmabuf_flag;	  /* vdispld --no-dmabuf */
	uint32_t width, height;
	uint32_t fps;		  /* 0: flip as fast as flip events return */
	bool no_draw;		  /* guest flips without drawing (bench) */
	uint64_t max_flips;	  /* 0: unlimited */
	unsigned status_interval_s; /* 0: only the exit line */
	/* Two connectors, 320x240 and 400x300, showing one 720x300 fb side
	 * by side (width/height unused), as Linux does for modetest with two
	 * -s (there: 1824x768 for 800x600 + 1024x768; smaller here so a
	 * sanitizer build of the test compositor keeps up). */
	bool shared_fb;
};

struct zc_stats {
	uint64_t frames, bytes_copied, zero_copy_frames, timer_flips;
	uint64_t fallback[8]; /* by enum pres_copy_reason */
};

/* The shared fixture (tests/common/vd_fixture.h) plus the one guest. */
struct zc_fixture {
	struct zc_opts o;
	struct vd_fixture vf;
	struct xensim_guest *guest;
};

/* Compositor, simulator, guest, vdispld. 0 or -errno. */
int zc_start(struct zc_fixture *fx, const struct zc_opts *o);
struct drm_front *zc_front(struct zc_fixture *fx);
/* Waits until the guest saw n flip events. */
bool zc_wait_flips(struct zc_fixture *fx, uint64_t n, unsigned ms);
/* SIGTERM to vdispld (its exit logs the final counters). 0 if it exited
 * 0. */
int zc_stop_vdispld(struct zc_fixture *fx);
/* The last "stats:" line of vdispld's log, parsed. 0 or -ENOENT. */
int zc_read_stats(const struct zc_fixture *fx, struct zc_stats *out);
/* The same for connector conn's last line. */
int zc_read_conn_stats(const struct zc_fixture *fx, unsigned conn,
		       struct zc_stats *out);
/* SIGUSR1 to the running vdispld (once per run: the first reply is read):
 * the "stats:" line right after its marker, parsed. 0 or -errno. */
int zc_ask_stats(struct zc_fixture *fx, struct zc_stats *out);

/* CRC the test compositor reports for frame `frame` of the guest's
 * pattern (zlib crc32 over XRGB words, X masked). */
uint32_t zc_pattern_crc(uint32_t domid, unsigned conn, uint64_t frame,
			uint32_t w, uint32_t h);

#endif
