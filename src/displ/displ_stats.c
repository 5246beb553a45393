/* The per-connector counters as one log line each: what zero copy and the
 * copy path did (frames, bytes copied, zero-copy frames, copy fallbacks by
 * reason, flips answered by the timer). For -v and --trace, SIGUSR1, and
 * for tests and benchmarks that read the log. */
#include <inttypes.h>
#include <stdio.h>

#include "displ_priv.h"
#include "presenter.h"

struct stats_walk {
	const struct displ_ctx *ctx;
	enum log_level level;
};

static void log_conn(const struct stats_walk *w, struct displ_device *d,
		     const struct displ_conn *c)
{
	struct pres_conn_stats st;
	char why[256];
	int n = 0;

	presenter_conn_stats(w->ctx->presenter, c->pres, &st);
	for (int r = 0; r < PRES_COPY_REASONS && n >= 0 &&
			(size_t)n < sizeof(why); r++)
		n += snprintf(why + n, sizeof(why) - (size_t)n,
			      " fallback_%s=%" PRIu64,
			      pres_copy_reason_name((enum pres_copy_reason)r),
			      st.fallback_frames[r]);
	log_msg(w->level, "stats: %s c%u: frames=%" PRIu64 " bytes_copied=%" PRIu64
		" zero_copy_frames=%" PRIu64 "%s timer_flips=%" PRIu64
		" copy_ns=%" PRIu64 " kms_flip_events=%" PRIu64,
		d->base.log.prefix, c->index, st.frames, st.bytes_copied,
		st.zero_copy_frames, why, st.fallbacks, st.copy_ns,
		st.kms_flip_events);
}

static void log_device(struct xb_device *xb, void *data)
{
	struct displ_device *d = displ_device_from_xb(xb);
	const struct stats_walk *w = data;

	if (!xb->connected || !d->conns)
		return;
	for (uint32_t i = 0; i < d->n_conns; i++)
		if (d->conns[i].pres)
			log_conn(w, d, &d->conns[i]);
}

void displ_log_stats(struct displ_ctx *ctx, struct xb_backend *vdispl,
		     enum log_level level)
{
	struct stats_walk w = {.ctx = ctx, .level = level};

	if (ctx->presenter && vdispl && log_enabled(level))
		xb_backend_for_each(vdispl, log_device, &w);
}
