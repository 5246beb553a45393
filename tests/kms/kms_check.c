/* Runs inside the real-KMS VM (tests/kms/run.sh): the KMS presenter on a
 * real DRM driver (QEMU's virtio-gpu, two outputs), driven the way displ
 * drives it. Two guest connectors: A 800x600 on Virtual-1, B 1024x768 on
 * Virtual-2. First set_config alone (a guest that never flips), held
 * while the host takes screenshots; then flips, each answered once and in
 * order, held again on the last frame for the host's screenshots; then
 * its counters. Lines starting with "KMS-" are for run.sh.
 * With --drm-fd or --lease-socket it runs the lease test instead
 * (kms_check_lease.c).
 * With --scale WxH it shows one WxH picture scaled to Virtual-1's mode.
 * Usage: kms_check [--device /dev/dri/card0 | --drm-fd N |
 *                   --lease-socket PATH] [--hold-ms N] [--flips N]
 *                  [--scale WxH] */
#include <drm_fourcc.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kms_check.h"
#include "kms_pattern.h"
#include "kms_presenter.h"
#include "log.h"
#include "loop.h"

// cppcheck-suppress constParameter
static void flip_done(void *data, struct pres_fb *fb)
{
	struct tconn *t = data;
	if (t->done < t->shown && t->queue[t->done % 4] != fb)
		t->bad_order++;
	t->done++;
}

static const struct pres_conn_listener listener = {.flip_done = flip_done};

int tconn_init(struct presenter *p, struct tconn *t, unsigned idx)
{
	uint32_t stride = t->w * 4;
	for (unsigned f = 0; f < 2; f++) {
		t->pixels[f] = malloc((size_t)stride * t->h);
		if (!t->pixels[f])
			return -ENOMEM;
		uint32_t *px = (uint32_t *)t->pixels[f];
		for (uint32_t y = 0; y < t->h; y++)
			for (uint32_t x = 0; x < t->w; x++)
				px[y * t->w + x] = kms_pattern(idx, f, x, y);
		struct pres_fb_desc d = {.width = t->w, .height = t->h,
					 .stride = stride,
					 .fourcc = DRM_FORMAT_XRGB8888,
					 .pixels = t->pixels[f],
					 .size = (size_t)stride * t->h,
					 .dmabuf_fd = -1,
					 .cookie = 0x100 * idx + f};
		t->fb[f] = presenter_fb_create(p, &d);
		if (!t->fb[f])
			return -ENOMEM;
	}
	struct pres_conn_info info = {.domid = 1, .index = idx,
				      .dom_name = "kms-check",
				      .unique_id = t->name,
				      .width = t->w, .height = t->h};
	t->conn = presenter_conn_create(p, &info, &listener, t);
	return t->conn ? 0 : -EINVAL;
}

void tconn_finish(struct presenter *p, struct tconn *t)
{
	if (t->conn)
		presenter_conn_destroy(p, t->conn);
	for (unsigned f = 0; f < 2; f++) {
		if (t->fb[f])
			presenter_fb_destroy(p, t->fb[f]);
		free(t->pixels[f]);
	}
}

void tconn_lookup(void *data, const struct pres_conn_info *info,
		   struct kms_presenter_conn_opts *opts)
{
	const struct tconn *ts = data;
	opts->output = ts[info->index].output;
	opts->fit = ts[info->index].fit;
}

void pump_ms(struct loop *loop, unsigned ms)
{
	uint64_t end = loop_now_ns() + (uint64_t)ms * 1000000ull;
	while (loop_now_ns() < end)
		loop_dispatch(loop, 10);
}

bool flip_once(struct loop *loop, struct presenter *p, struct tconn *ts,
	       unsigned first, unsigned count, unsigned frame)
{
	for (unsigned c = first; c < first + count; c++) {
		struct tconn *t = &ts[c];
		struct pres_fb *fb = t->fb[frame];
		t->queue[t->shown % 4] = fb;
		if (presenter_conn_show(p, t->conn, fb) == 0)
			t->shown++;
	}
	bool waiting = true;
	uint64_t end = loop_now_ns() + 2000000000ull;
	while (waiting && loop_now_ns() < end) {
		loop_dispatch(loop, 10);
		waiting = false;
		for (unsigned c = first; c < first + count; c++)
			waiting |= ts[c].done < ts[c].shown;
	}
	return !waiting;
}

void flip_n(struct loop *loop, struct presenter *p, struct tconn *ts,
	    unsigned first, unsigned count, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		flip_once(loop, p, ts, first, count, (n - i) % 2);
}

struct args {
	const char *device, *lease_socket;
	int drm_fd;
	unsigned hold_ms, flips;
	uint32_t scale_w, scale_h; /* --scale WxH */
};

static void parse_args(int argc, char **argv, struct args *a)
{
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--device"))
			a->device = argv[i + 1];
		else if (!strcmp(argv[i], "--drm-fd"))
			a->drm_fd = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--lease-socket"))
			a->lease_socket = argv[i + 1];
		else if (!strcmp(argv[i], "--hold-ms"))
			a->hold_ms = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--flips"))
			a->flips = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--scale") &&
			 sscanf(argv[i + 1], "%ux%u", &a->scale_w,
				&a->scale_h) != 2)
			a->scale_w = 0;
	}
}

/* Input's view (kms_presenter_shown_on): which guest connector each
 * display shows, and where; nothing on a display nobody has. */
static int check_targets(struct presenter *p, const struct tconn *ts)
{
	int bad = 0;
	for (unsigned c = 0; c < 2; c++) {
		struct kms_shown t;
		bool found = kms_presenter_shown_on(p, ts[c].output, &t);
		printf("KMS-RESULT target %s: %s %u/%s %ux%u mode %ux%u at "
		       "%d,%d\n", ts[c].output, found ? "shows" : "none",
		       found ? t.domid : 0, found ? t.unique_id : "-",
		       found ? t.width : 0, found ? t.height : 0,
		       found ? t.mode_w : 0, found ? t.mode_h : 0,
		       found ? t.dst.x : 0, found ? t.dst.y : 0);
		bad |= !found || t.domid != 1 || strcmp(t.unique_id, ts[c].name) ||
		       t.width != ts[c].w || t.mode_w != ts[c].w ||
		       t.mode_h != ts[c].h || t.dst.x || t.dst.y ||
		       t.dst.w != ts[c].w || t.src.w != ts[c].w;
	}
	struct kms_shown none;
	bad |= kms_presenter_shown_on(p, "HDMI-A-1", &none);
	return bad;
}

static unsigned gone;

// cppcheck-suppress constParameterCallback
static void conn_gone(void *data, uint32_t domid, const char *unique_id)
{
	(void)data, (void)domid, (void)unique_id;
	gone++;
}

/* Counters and order per connector; then both connectors go, each
 * announced once. 0 when all is as it should be. */
static int results(struct presenter *p, struct tconn *ts, unsigned flips)
{
	int rc = 0;
	for (unsigned c = 0; c < 2; c++) {
		struct pres_conn_stats st;
		presenter_conn_stats(p, ts[c].conn, &st);
		printf("KMS-RESULT %s shown=%u done=%u out_of_order=%u "
		       "frames=%llu timer_flips=%llu bytes_copied=%llu\n",
		       ts[c].name, ts[c].shown, ts[c].done, ts[c].bad_order,
		       (unsigned long long)st.frames,
		       (unsigned long long)st.fallbacks,
		       (unsigned long long)st.bytes_copied);
		if (ts[c].done != ts[c].shown || ts[c].bad_order ||
		    ts[c].shown != flips)
			rc = 1;
	}
	for (unsigned c = 0; c < 2; c++)
		tconn_finish(p, &ts[c]);
	printf("KMS-RESULT connectors gone: %u\n", gone);
	return rc || gone != 2;
}

/* --scale WxH: one connector of a size Virtual-1 has no mode for, with
 * fit = scale: its picture goes up scaled to fit the preferred mode
 * (kms_shot_check checks each pixel). */
static int check_scaled(const char *device, const struct args *a)
{
	struct tconn ts[1] = {{.name = "A", .output = "Virtual-1",
			       .w = a->scale_w, .h = a->scale_h,
			       .fit = KMS_FIT_SCALE}};
	struct loop *loop = loop_create();
	struct kms_presenter_config cfg = {.device = device, .fd = -1,
					   .lookup = tconn_lookup,
					   .lookup_data = ts};
	struct presenter *p = loop ? kms_presenter_create(loop, &cfg) : NULL;
	if (!p || tconn_init(p, &ts[0], 0) < 0) {
		printf("KMS-FAIL scaled setup: %s\n", strerror(errno));
		return 1;
	}
	presenter_conn_set_config(p, ts[0].conn, ts[0].fb[0], 0, 0);
	pump_ms(loop, 500);
	struct kms_shown t;
	bool found = kms_presenter_shown_on(p, "Virtual-1", &t);
	printf("KMS-RESULT scaled %ux%u: mode %ux%u, picture at %d,%d %ux%u\n",
	       a->scale_w, a->scale_h, found ? t.mode_w : 0,
	       found ? t.mode_h : 0, found ? t.dst.x : 0, found ? t.dst.y : 0,
	       found ? t.dst.w : 0, found ? t.dst.h : 0);
	printf("KMS-SHOT scaled\n");
	fflush(stdout);
	pump_ms(loop, a->hold_ms);
	struct pres_conn_stats st;
	presenter_conn_stats(p, ts[0].conn, &st);
	int rc = !found || t.dst.w == a->scale_w || st.frames != 1 ||
		 !st.bytes_copied;
	printf("%s scaled\n", rc ? "KMS-FAIL" : "KMS-PASS");
	fflush(stdout);
	tconn_finish(p, &ts[0]);
	presenter_destroy(p);
	loop_destroy(loop);
	return rc;
}

int main(int argc, char **argv)
{
	struct args a = {.device = "/dev/dri/card0", .drm_fd = -1,
			 .hold_ms = 8000, .flips = 120};
	parse_args(argc, argv, &a);
	const char *device = a.device;
	unsigned hold_ms = a.hold_ms, flips = a.flips;
	log_init(LOG_LVL_INFO, "kms_check");
	if (a.drm_fd >= 0 || a.lease_socket)
		return kms_check_lease(a.drm_fd, a.lease_socket, hold_ms, flips);
	if (a.scale_w && a.scale_h)
		return check_scaled(device, &a);
	struct tconn ts[2] = {
		{.name = "A", .output = "Virtual-1", .w = 800, .h = 600},
		{.name = "B", .output = "Virtual-2", .w = 1024, .h = 768},
	};
	struct loop *loop = loop_create();
	struct kms_presenter_config cfg = {.device = device, .fd = -1,
					   .lookup = tconn_lookup,
					   .lookup_data = ts,
					   .conn_gone = conn_gone};
	struct presenter *p = loop ? kms_presenter_create(loop, &cfg) : NULL;
	if (!p || tconn_init(p, &ts[0], 0) < 0 || tconn_init(p, &ts[1], 1) < 0) {
		printf("KMS-FAIL setup: %s\n", strerror(errno));
		return 1;
	}
	for (unsigned c = 0; c < 2; c++)
		presenter_conn_set_config(p, ts[c].conn, ts[c].fb[0], 0, 0);
	pump_ms(loop, 500);
	printf("KMS-SHOT static\n");
	fflush(stdout);
	int rc = check_targets(p, ts);
	pump_ms(loop, hold_ms);
	flip_n(loop, p, ts, 0, 2, flips);
	pump_ms(loop, 200);
	printf("KMS-SHOT flipped\n");
	fflush(stdout);
	pump_ms(loop, hold_ms);
	rc |= results(p, ts, flips);
	printf("%s\n", rc ? "KMS-FAIL" : "KMS-PASS");
	fflush(stdout);
	presenter_destroy(p);
	loop_destroy(loop);
	return rc;
}
