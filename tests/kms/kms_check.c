/* Runs inside the real-KMS VM (tests/kms/run.sh): the KMS presenter on a
 * real DRM driver (QEMU's virtio-gpu, two outputs), driven the way displ
 * drives it. Two guest connectors: A 800x600 on Virtual-1, B 1024x768 on
 * Virtual-2. First set_config alone (a guest that never flips), held
 * while the host takes screenshots; then flips, each answered once and in
 * order, held again on the last frame for the host's screenshots; then
 * its counters. Lines starting with "KMS-" are for run.sh.
 * With --drm-fd or --lease-socket it runs the lease test instead
 * (kms_check_lease.c).
 * Usage: kms_check [--device /dev/dri/card0 | --drm-fd N |
 *                   --lease-socket PATH] [--hold-ms N] [--flips N] */
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

int main(int argc, char **argv)
{
	const char *device = "/dev/dri/card0", *lease_socket = NULL;
	unsigned hold_ms = 8000, flips = 120;
	int drm_fd = -1;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--device"))
			device = argv[i + 1];
		else if (!strcmp(argv[i], "--drm-fd"))
			drm_fd = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--lease-socket"))
			lease_socket = argv[i + 1];
		else if (!strcmp(argv[i], "--hold-ms"))
			hold_ms = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--flips"))
			flips = (unsigned)atoi(argv[i + 1]);
	}
	log_init(LOG_LVL_INFO, "kms_check");
	if (drm_fd >= 0 || lease_socket)
		return kms_check_lease(drm_fd, lease_socket, hold_ms, flips);
	struct tconn ts[2] = {
		{.name = "A", .output = "Virtual-1", .w = 800, .h = 600},
		{.name = "B", .output = "Virtual-2", .w = 1024, .h = 768},
	};
	struct loop *loop = loop_create();
	struct kms_presenter_config cfg = {.device = device, .fd = -1,
					   .lookup = tconn_lookup,
					   .lookup_data = ts};
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
	pump_ms(loop, hold_ms);
	flip_n(loop, p, ts, 0, 2, flips);
	pump_ms(loop, 200);
	printf("KMS-SHOT flipped\n");
	fflush(stdout);
	pump_ms(loop, hold_ms);
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
	printf("%s\n", rc ? "KMS-FAIL flips" : "KMS-PASS");
	fflush(stdout);
	for (unsigned c = 0; c < 2; c++)
		tconn_finish(p, &ts[c]);
	presenter_destroy(p);
	loop_destroy(loop);
	return rc;
}
