/* See bench_report.h. */
#include "bench_report.h"

#include <stdio.h>
#include <string.h>

static double frame_bytes(const struct bench_scenario *sc)
{
	return (double)sc->width * sc->height * 4;
}

/* memcpy at its peak: back to back, best of 30. */
static double peak_us(const struct bench_report *rep,
		      const struct bench_scenario *sc)
{
	return sc->height > 1080 ? rep->memcpy_us_2160 : rep->memcpy_us_1080;
}

/* The reference a scenario's copy is held to: memcpy in the same rhythm
 * (back to back for unthrottled runs, one frame per 60 Hz period else). */
static double ref_us(const struct bench_report *rep,
		     const struct bench_scenario *sc)
{
	if (sc->unthrottled)
		return peak_us(rep, sc);
	return sc->height > 1080 ? rep->paced_us_2160 : rep->paced_us_1080;
}

static void reference_row(const char *frame, double bytes, double peak,
			  double paced)
{
	printf("| %s | %.0f | %.0f | %.2f | %.0f | %.2f |\n", frame, bytes,
	       peak, bytes / peak / 1e3, paced, bytes / paced / 1e3);
}

void bench_report_reference(struct bench_report *rep)
{
	rep->memcpy_us_1080 = bench_memcpy_us(1920u * 1080u * 4u);
	rep->memcpy_us_2160 = bench_memcpy_us(3840u * 2160u * 4u);
	rep->paced_us_1080 = bench_memcpy_paced_us(1920u * 1080u * 4u);
	rep->paced_us_2160 = bench_memcpy_paced_us(3840u * 2160u * 4u);
	printf("Reference: memcpy of one XRGB8888 frame on this machine "
	       "(2 sources x 3 destinations): peak = best of 30 back to back "
	       "(unthrottled runs are held to it); paced = mean of 180 copies "
	       "made one per 60 Hz period (60 Hz runs are held to it)\n\n"
	       "| frame | bytes | peak (us) | GB/s | paced 60 Hz (us) | GB/s |\n"
	       "|---|---|---|---|---|---|\n");
	reference_row("1920x1080", 8294400.0, rep->memcpy_us_1080,
		      rep->paced_us_1080);
	reference_row("3840x2160", 33177600.0, rep->memcpy_us_2160,
		      rep->paced_us_2160);
	printf("\n");
	rep->skel_ok = bench_skeleton_ref(1, false, &rep->skel) == 0 &&
		       bench_skeleton_ref(16, true, &rep->skel16) == 0;
	if (!rep->skel_ok) {
		printf("Reference: the flip's skeleton: could not be measured\n\n");
		return;
	}
	printf("Reference: the flip's skeleton on this machine: three "
	       "processes (guest, backend, compositor) making the wake-ups of "
	       "zero-copy flips and nothing else, each waiting in epoll_wait "
	       "(bench/bench_skeleton.c). The best of %d readings each (all "
	       "in brackets): no backend flips with less here.\n\n"
	       "- 1 connector, unthrottled (%u flips a reading): the backend's "
	       "CPU per flip %.1f us (%.1f-%.1f); the guest's flip latency "
	       "p50 %.0f us, p99 %.0f us (%.0f-%.0f)\n"
	       "- 16 connectors, compositor at 60 Hz (3 s a reading): the "
	       "backend's CPU %.2f %% of a core (%.2f-%.2f), %.1f us per "
	       "flip\n\n",
	       SKEL_READINGS, SKEL_ROUNDS, rep->skel.cpu_us[0],
	       rep->skel.cpu_us[0], rep->skel.cpu_us[1], rep->skel.p50_us[0],
	       rep->skel.p99_us[0], rep->skel.p99_us[0], rep->skel.p99_us[1],
	       rep->skel16.cpu_pct[0], rep->skel16.cpu_pct[0],
	       rep->skel16.cpu_pct[1], rep->skel16.cpu_us[0]);
}

void bench_report_header(const struct bench_report *rep)
{
	(void)rep;
	printf("| scenario | conns | flips/s | latency p50 / p99 / max (us) "
	       "| vdispld CPU/flip (us, median window (min-max)) "
	       "| vdispld CPU (%% of a core, median (min-max)) "
	       "| compositor CPU/flip (us) | bytes copied/flip "
	       "| copy/frame (us, x memcpy; the first 10 frames) | allocs/flip (vdispld, "
	       "libwayland, other) | RSS (MiB) | timer flips / guest time-outs "
	       "|\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
	fflush(stdout);
}

void bench_report_row(const struct bench_report *rep, size_t i)
{
	const struct bench_scenario *sc = &rep->scenarios[i];
	const struct bench_result *r = &rep->results[i];
	unsigned conns = sc->guests * sc->conns_per_guest;
	if (sc->strace) {
		printf("| %s | %u | syscalls per flip: **%.2f** (%s) "
		       "|||||||||\n", sc->name, conns, r->syscalls_per_flip,
		       r->syscall_top);
		fflush(stdout);
		return;
	}
	char copy[96] = "-";
	if (!sc->zero_copy && r->copy_us_per_frame > 0 && sc->unthrottled)
		snprintf(copy, sizeof(copy), "%.0f (%.2fx); first 10: %.0f",
			 r->copy_us_per_frame,
			 r->copy_us_per_frame / ref_us(rep, sc),
			 r->first_copy_us);
	else if (!sc->zero_copy && r->copy_us_per_frame > 0)
		snprintf(copy, sizeof(copy),
			 "%.0f (%.2fx; %.2fx peak); first 10: %.0f",
			 r->copy_us_per_frame,
			 r->copy_us_per_frame / ref_us(rep, sc),
			 r->copy_us_per_frame / peak_us(rep, sc),
			 r->first_copy_us);
	char cpu_us[48], cpu_pct[48];
	snprintf(cpu_us, sizeof(cpu_us), "%.1f (%.1f-%.1f)", r->cpu_us_per_flip,
		 r->cpu_us_lo, r->cpu_us_hi);
	snprintf(cpu_pct, sizeof(cpu_pct), "%.2f (%.2f-%.2f)", r->cpu_pct,
		 r->cpu_pct_lo, r->cpu_pct_hi);
	printf("| %s | %u | %.0f | %.0f / %.0f / %.0f | %s | %s | %.1f "
	       "| %.0f | %s | %.2f, %.2f, %.2f | %.1f | %llu / %llu |\n",
	       sc->name, conns, r->flips_per_s, r->lat_p50_us, r->lat_p99_us,
	       r->lat_max_us, cpu_us, cpu_pct,
	       r->comp_cpu_us_per_flip, r->bytes_per_flip, copy,
	       r->allocs_per_flip[0], r->allocs_per_flip[1],
	       r->allocs_per_flip[2], r->rss_mib,
	       (unsigned long long)r->timer_flips,
	       (unsigned long long)r->flip_timeouts);
	fflush(stdout);
}

static const struct bench_result *find(const struct bench_report *rep,
				       const char *name)
{
	for (size_t i = 0; i < rep->n; i++)
		if (rep->ran[i] && !strcmp(rep->scenarios[i].name, name))
			return &rep->results[i];
	return NULL;
}

static void target(const char *what, const char *scenario, double value,
		   double limit, const char *unit)
{
	if (value < 0) {
		printf("- %s: not measured (%s did not run)\n", what, scenario);
		return;
	}
	printf("- %s [%s]: %.2f %s, limit %.2f: ratio %.2f: **%s**\n", what,
	       scenario, value, unit, limit, value / limit,
	       value <= limit ? "met" : "NOT met");
}

/* The copy path's worst single-connector ratio to memcpy: to memcpy in
 * the same rhythm, or (peak) to memcpy back to back. */
static double worst_copy_ratio(const struct bench_report *rep, bool peak,
			       const char **which)
{
	double worst = -1;
	for (size_t i = 0; i < rep->n; i++) {
		const struct bench_scenario *sc = &rep->scenarios[i];
		const struct bench_result *r = &rep->results[i];
		if (!rep->ran[i] || sc->zero_copy || sc->strace ||
		    sc->guests * sc->conns_per_guest != 1 ||
		    r->copy_us_per_frame <= 0)
			continue;
		double ratio = r->copy_us_per_frame /
			       (peak ? peak_us(rep, sc) : ref_us(rep, sc));
		if (ratio > worst) {
			worst = ratio;
			*which = sc->name;
		}
	}
	return worst;
}

/* Where a zero-copy figure stands against the skeleton's, which no
 * backend beats: vdispld as a ratio of it, and whether the limit is below
 * it on this machine (then no backend can meet it here). */
static void floor_note(double value, double best, double skel, double limit,
		       const char *unit)
{
	printf("  (the skeleton alone, its best reading: %.2f %s; vdispld "
	       "%.2fx the skeleton", skel, unit, value / skel);
	if (best > 0)
		printf(", its best window %.2fx", best / skel);
	if (skel >= limit)
		printf("; the limit is below the skeleton's: no backend meets "
		       "it on this machine now");
	printf(")\n");
}

void bench_report_targets(const struct bench_report *rep)
{
	const struct bench_result *u = find(rep, "unthr 1x1080p zc");
	const struct bench_result *m = find(rep, "60Hz 8x2 1080p zc");
	const char *which = "1-connector copy runs", *which_peak = which;
	double ratio = worst_copy_ratio(rep, false, &which);
	double ratio_peak = worst_copy_ratio(rep, true, &which_peak);
	printf("\nTargets (this run):\n");
	target("copy path: time to copy one frame / memcpy of its bytes in "
	       "the same rhythm", which, ratio, 1.25, "x");
	if (ratio_peak >= 0)
		printf("  (to memcpy's back-to-back peak: worst %.2fx [%s])\n",
		       ratio_peak, which_peak);
	target("zero copy: vdispld CPU per flip", "unthr 1x1080p zc",
	       u ? u->cpu_us_per_flip : -1, 30, "us");
	if (u)
		printf("  (median of %u windows; all: %.1f-%.1f us)\n",
		       u->windows, u->cpu_us_lo, u->cpu_us_hi);
	if (u && rep->skel_ok)
		floor_note(u->cpu_us_per_flip, u->cpu_us_lo,
			   rep->skel.cpu_us[0], 30, "us");
	target("zero copy: flip latency p99 with frames at commit (backend + "
	       "IPC + simulator)", "unthr 1x1080p zc",
	       u ? u->lat_p99_us : -1, 100, "us");
	if (u && rep->skel_ok)
		floor_note(u->lat_p99_us, -1, rep->skel.p99_us[0], 100,
			   "us");
	target("zero copy: 16 connectors at 60 Hz, vdispld CPU",
	       "60Hz 8x2 1080p zc", m ? m->cpu_pct : -1, 2, "% of a core");
	if (m)
		printf("  (median of %u windows; all: %.2f-%.2f %% of a core)\n",
		       m->windows, m->cpu_pct_lo, m->cpu_pct_hi);
	if (m && rep->skel_ok)
		floor_note(m->cpu_pct, m->cpu_pct_lo, rep->skel16.cpu_pct[0], 2,
			   "% of a core");
	printf("(memcpy reference per frame, peak / paced: 1080p %.0f / %.0f "
	       "us, 2160p %.0f / %.0f us; frame bytes %.0f / %.0f)\n",
	       rep->memcpy_us_1080, rep->paced_us_1080, rep->memcpy_us_2160,
	       rep->paced_us_2160, frame_bytes(&rep->scenarios[0]),
	       3840.0 * 2160 * 4);
}

int bench_report_csv(const struct bench_report *rep, const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "scenario,conns,zero_copy,unthrottled,width,height,flips_per_s,"
		   "lat_p50_us,lat_p99_us,lat_max_us,cpu_us_per_flip,cpu_pct,"
		   "copy_us_per_frame,memcpy_us,memcpy_peak_us\n");
	for (size_t i = 0; i < rep->n; i++) {
		const struct bench_scenario *sc = &rep->scenarios[i];
		const struct bench_result *r = &rep->results[i];
		if (!rep->ran[i] || sc->strace)
			continue;
		fprintf(f, "%s,%u,%d,%d,%u,%u,%.1f,%.1f,%.1f,%.1f,%.2f,%.3f,"
			   "%.1f,%.1f,%.1f\n", sc->name, sc->guests * sc->conns_per_guest,
			sc->zero_copy, sc->unthrottled, sc->width, sc->height,
			r->flips_per_s, r->lat_p50_us, r->lat_p99_us,
			r->lat_max_us, r->cpu_us_per_flip, r->cpu_pct,
			r->copy_us_per_frame, ref_us(rep, sc), peak_us(rep, sc));
	}
	return fclose(f) == 0 ? 0 : -1;
}
