/* The per-connector counters as one log line each: what zero copy and the
 * copy path did (frames, bytes copied, zero-copy frames, copy fallbacks by
 * reason, flips answered by the timer). For -v and --trace, SIGUSR1, and
 * for tests and benchmarks that read the log. */
#include <inttypes.h>
#include <stdio.h>

#include "displ.h"

static void log_conn(const struct displ_conn_view *v, void *data)
{
	const enum log_level *level = data;
	const struct pres_conn_stats *st = &v->stats;
	char why[256];
	int n = 0;

	if (!v->has_pres)
		return;
	for (int r = 0; r < PRES_COPY_REASONS && n >= 0 &&
			(size_t)n < sizeof(why); r++)
		n += snprintf(why + n, sizeof(why) - (size_t)n,
			      " fallback_%s=%" PRIu64,
			      pres_copy_reason_name((enum pres_copy_reason)r),
			      st->fallback_frames[r]);
	log_msg(*level, "stats: %s c%u: frames=%" PRIu64 " bytes_copied=%" PRIu64
		" zero_copy_frames=%" PRIu64 "%s timer_flips=%" PRIu64
		" copy_ns=%" PRIu64,
		v->dev->log.prefix, v->index, st->frames, st->bytes_copied,
		st->zero_copy_frames, why, st->fallbacks, st->copy_ns);
}

void displ_log_stats(struct displ_ctx *ctx, struct xb_backend *vdispl,
		     enum log_level level)
{
	if (ctx->presenter && vdispl && log_enabled(level))
		displ_for_each_conn(vdispl, log_conn, &level);
}
