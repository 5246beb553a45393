/* The suite's output: Markdown rows as scenarios finish, the memcpy
 * reference, the targets (met or not, as ratios), and a CSV for plot.py. */
#ifndef VDISPLD_BENCH_REPORT_H
#define VDISPLD_BENCH_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "bench.h"

struct bench_report {
	const struct bench_scenario *scenarios;
	struct bench_result *results;
	const bool *ran;
	size_t n;
	/* memcpy of one frame: peak (back to back) and paced at 60 Hz. */
	double memcpy_us_1080, memcpy_us_2160;
	double paced_us_1080, paced_us_2160;
	/* The flip's skeleton, its wake-ups alone (bench_skeleton.c): one
	 * connector unthrottled, and 16 at 60 Hz. */
	struct bench_skeleton skel, skel16;
	bool skel_ok;
};

void bench_report_reference(struct bench_report *rep);
void bench_report_header(const struct bench_report *rep);
void bench_report_row(const struct bench_report *rep, size_t i);
void bench_report_targets(const struct bench_report *rep);
int bench_report_csv(const struct bench_report *rep, const char *path);

#endif
