/* One steady window of a running rig: flip latency per connector as the
 * guest sees it (PG_FLIP put on the ring -> XENDISPL_EVT_PG_FLIP read),
 * flips, vdispld's and the compositor's CPU time (/proc/<pid>/schedstat:
 * nanoseconds on CPU, not 10 ms ticks), vdispld's heap allocations (the
 * malloc counting shim), its copy counters (SIGUSR1) and RSS. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "vd_fixture.h"
#include "drm_front.h"
#include "loop.h"

/* Enough for 16 connectors flipping 20k times a second for 10 s. */
#define MAX_SAMPLES (4u * 1024u * 1024u)

struct conn_track {
	struct drm_front *front;
	unsigned conn;
	uint64_t last_sent, last_evt, sent_at;
};

uint64_t bench_proc_cpu_ns(pid_t pid)
{
	char path[64];
	unsigned long long ns = 0;
	snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%llu", &ns) != 1)
		ns = 0;
	fclose(f);
	return ns;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static unsigned track_init(struct bench_rig *r, struct conn_track *t)
{
	unsigned n = 0;
	for (unsigned g = 0; g < r->sc->guests; g++) {
		for (unsigned c = 0; c < r->sc->conns_per_guest; c++) {
			struct drm_front_stats st;
			t[n].front = bench_rig_front(r, g);
			t[n].conn = c;
			drm_front_get_stats(t[n].front, c, &st);
			t[n].last_sent = st.flips_sent;
			t[n].last_evt = st.flip_events;
			t[n].sent_at = 0;
			n++;
		}
	}
	return n;
}

/* The guest keeps one flip in flight per connector, and sends the next
 * in the same turn its event arrives: from the turn flips_sent went up to
 * the turn flip_events did is one flip's latency. */
static size_t track_turn(struct conn_track *t, uint64_t now, uint32_t *lat,
			 size_t n, uint64_t *events)
{
	struct drm_front_stats st;
	drm_front_get_stats(t->front, t->conn, &st);
	if (st.flip_events > t->last_evt && t->sent_at && n < MAX_SAMPLES) {
		uint64_t d = now - t->sent_at;
		lat[n++] = d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
	}
	if (st.flips_sent > t->last_sent)
		t->sent_at = now;
	else if (st.flip_events > t->last_evt)
		t->sent_at = 0;
	*events += st.flip_events - t->last_evt;
	t->last_sent = st.flips_sent;
	t->last_evt = st.flip_events;
	return n;
}

static void latency_stats(uint32_t *lat, size_t n, struct bench_result *res)
{
	if (!n)
		return;
	qsort(lat, n, sizeof(lat[0]), cmp_u32);
	res->lat_p50_us = lat[n / 2] / 1e3;
	res->lat_p99_us = lat[n * 99 / 100] / 1e3;
	res->lat_max_us = lat[n - 1] / 1e3;
}

static void read_counts(const struct bench_rig *r, uint64_t out[3])
{
	out[0] = __atomic_load_n(&r->counts->exe, __ATOMIC_RELAXED);
	out[1] = __atomic_load_n(&r->counts->wayland, __ATOMIC_RELAXED);
	out[2] = __atomic_load_n(&r->counts->other, __ATOMIC_RELAXED);
}

/* vdispld's copy counters over the window (asked for at its edges, out of
 * its CPU figures). */
static void counters_diff(const struct bench_counters *a,
			  const struct bench_counters *b,
			  struct bench_result *res)
{
	uint64_t frames = b->frames - a->frames;
	uint64_t copied = frames - (b->zero_copy_frames - a->zero_copy_frames);
	if (frames)
		res->bytes_per_flip =
			(double)(b->bytes_copied - a->bytes_copied) /
			(double)frames;
	if (copied)
		res->copy_us_per_frame =
			(double)(b->copy_ns - a->copy_ns) / 1e3 / (double)copied;
	res->timer_flips = b->timer_flips - a->timer_flips;
}

int bench_measure(struct bench_rig *r, double secs, struct bench_result *res)
{
	static struct conn_track t[BENCH_MAX_CONNS];
	uint32_t *lat = malloc(MAX_SAMPLES * sizeof(*lat));
	uint64_t a0[3], a1[3], to0, to1, ev0, ev1, events = 0;
	size_t n = 0;
	if (!lat)
		return -ENOMEM;
	struct bench_counters c0, c1;
	int ret = bench_rig_counters(r, &c0);
	if (ret < 0) {
		free(lat);
		return ret;
	}
	unsigned nt = track_init(r, t);
	bench_rig_front_stats(r, &ev0, &to0);
	read_counts(r, a0);
	uint64_t t0 = loop_now_ns(), end = t0 + (uint64_t)(secs * 1e9);
	uint64_t cpu0 = bench_proc_cpu_ns(r->vd);
	uint64_t comp0 = bench_proc_cpu_ns(r->tc.pid);
	while (loop_now_ns() < end) {
		loop_dispatch(r->loop, 5);
		uint64_t now = loop_now_ns();
		for (unsigned i = 0; i < nt; i++)
			n = track_turn(&t[i], now, lat, n, &events);
	}
	uint64_t cpu1 = bench_proc_cpu_ns(r->vd);
	uint64_t comp1 = bench_proc_cpu_ns(r->tc.pid);
	res->wall_s = (double)(loop_now_ns() - t0) / 1e9;
	read_counts(r, a1);
	bench_rig_front_stats(r, &ev1, &to1);
	res->rss_mib = (double)vd_proc_rss_kb(r->vd) / 1024.0;
	ret = bench_rig_counters(r, &c1);
	if (ret == 0)
		counters_diff(&c0, &c1, res);
	res->flips = events;
	res->flip_timeouts = to1 - to0;
	if (events) {
		double f = (double)events;
		res->flips_per_s = f / res->wall_s;
		res->cpu_us_per_flip = (double)(cpu1 - cpu0) / 1e3 / f;
		res->comp_cpu_us_per_flip = (double)(comp1 - comp0) / 1e3 / f;
		for (int i = 0; i < 3; i++)
			res->allocs_per_flip[i] = (double)(a1[i] - a0[i]) / f;
	}
	res->cpu_pct = (double)(cpu1 - cpu0) / 1e7 / res->wall_s;
	latency_stats(lat, n, res);
	free(lat);
	if (ret < 0)
		return ret;
	return events ? 0 : -EIO;
}
