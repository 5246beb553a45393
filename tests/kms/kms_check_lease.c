/* kms_check's lease run, inside the real-KMS VM under kms_lessor: the
 * presenter gets a lease of Virtual-2 only (inherited fd, or over the
 * lease socket through the daemon's own kms_lease code) and shows guest
 * connector B on it. Then kms_lessor revokes the lease while B flips: the
 * presenter must notice, and every flip must still be answered (by the
 * timer). Over the socket a new lease comes and the picture is back;
 * then the lessor revokes it while the guest is idle (no commit to be
 * refused): the presenter's probe must notice on its own.
 * "KMS-LESSOR ..." lines are kms_lessor's cues, "KMS-SHOT ..." run.sh's. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kms_check.h"
#include "log.h"
#include "loop.h"

/* Flips frame on B until the presenter's device is there (want) or not,
 * at most max flips; how many it took, or max + 1. */
static unsigned flip_until(struct loop *loop, struct presenter *p,
			   struct tconn *ts, bool want, unsigned max)
{
	unsigned n = 0;
	while (n <= max && kms_presenter_has_device(p) != want) {
		flip_once(loop, p, ts, 1, 1, n % 2);
		n++;
	}
	return n;
}

static void stats(struct presenter *p, struct tconn *t,
		  struct pres_conn_stats *st)
{
	presenter_conn_stats(p, t->conn, st);
}

static void cue(const char *line)
{
	printf("%s\n", line);
	fflush(stdout);
}

/* What each stage saw: counters after it, flips it took. */
struct stages {
	struct pres_conn_stats leased, lost, back;
	unsigned to_loss, to_back;
	bool idle_noticed;
};

/* Pumps without flipping until the presenter's device is gone, 20 s at
 * most; whether it went. */
static bool idle_until_lost(struct loop *loop, struct presenter *p)
{
	for (unsigned i = 0; i < 200 && kms_presenter_has_device(p); i++)
		pump_ms(loop, 100);
	return !kms_presenter_has_device(p);
}

/* Over the socket: a new lease, then flips answered by its events and
 * the last frame held for run.sh's screenshots. */
static bool relet(struct loop *loop, struct presenter *p, struct tconn *ts,
		  unsigned flips, unsigned hold_ms, struct stages *st)
{
	cue("KMS-LESSOR lease-again");
	st->to_back = flip_until(loop, p, ts, true, 1500);
	flip_n(loop, p, ts, 1, 1, flips);
	stats(p, &ts[1], &st->back);
	pump_ms(loop, 200);
	printf("KMS-SHOT relet\n");
	fflush(stdout);
	pump_ms(loop, hold_ms);
	cue("KMS-LESSOR revoke");
	st->idle_noticed = idle_until_lost(loop, p);
	return st->idle_noticed && st->to_back <= 1500 &&
	       st->back.kms_flip_events - st->lost.kms_flip_events >= flips;
}

static void report(const char *mode, struct presenter *p,
		   const struct tconn *t, const struct stages *st)
{
	printf("KMS-RESULT lease-%s shown=%u done=%u out_of_order=%u "
	       "leased_events=%llu leased_timer=%llu flips_to_loss=%u "
	       "lost_timer=%llu flips_to_new_lease=%u new_lease_events=%llu "
	       "idle_revoke_noticed=%d losses=%llu leases=%llu\n",
	       mode, t->shown, t->done, t->bad_order,
	       (unsigned long long)st->leased.kms_flip_events,
	       (unsigned long long)st->leased.fallbacks, st->to_loss,
	       (unsigned long long)(st->lost.fallbacks - st->leased.fallbacks),
	       st->to_back,
	       (unsigned long long)(st->back.kms_flip_events -
				    st->lost.kms_flip_events),
	       st->idle_noticed, (unsigned long long)kms_presenter_losses(p),
	       (unsigned long long)kms_presenter_leases(p));
}

int kms_check_lease(int drm_fd, const char *lease_socket, unsigned hold_ms,
		    unsigned flips)
{
	const char *mode = lease_socket ? "socket" : "fd";
	struct tconn ts[2] = {
		{.name = "A", .output = "Virtual-1", .w = 800, .h = 600},
		{.name = "B", .output = "Virtual-2", .w = 1024, .h = 768},
	};
	struct loop *loop = loop_create();
	struct kms_presenter_config cfg = {.fd = drm_fd,
					   .lease_socket = lease_socket,
					   .lookup = tconn_lookup,
					   .lookup_data = ts};
	struct presenter *p = loop ? kms_presenter_create(loop, &cfg) : NULL;
	if (!p || tconn_init(p, &ts[1], 1) < 0) {
		printf("KMS-FAIL lease-%s setup: %s\n", mode, strerror(errno));
		return 1;
	}
	presenter_conn_set_config(p, ts[1].conn, ts[1].fb[0], 0, 0);
	pump_ms(loop, 500);
	printf("KMS-SHOT lease-%s\n", mode);
	fflush(stdout);
	pump_ms(loop, hold_ms);
	flip_n(loop, p, ts, 1, 1, flips);
	struct stages st = {0};
	stats(p, &ts[1], &st.leased);

	cue("KMS-LESSOR revoke");
	st.to_loss = flip_until(loop, p, ts, false, 600);
	flip_n(loop, p, ts, 1, 1, 60);
	stats(p, &ts[1], &st.lost);
	bool lost_ok = st.to_loss <= 600 &&
		       st.lost.fallbacks - st.leased.fallbacks >= 60;
	st.back = st.lost; /* nothing new without a socket */
	bool back_ok = !lease_socket || relet(loop, p, ts, flips, hold_ms, &st);
	const struct tconn *t = &ts[1];
	report(mode, p, t, &st);
	bool ok = t->done == t->shown && !t->bad_order &&
		  st.leased.kms_flip_events >= flips &&
		  st.leased.fallbacks == 0 && lost_ok && back_ok &&
		  kms_presenter_losses(p) == (lease_socket ? 2u : 1u);
	printf("%s lease-%s\n", ok ? "KMS-PASS" : "KMS-FAIL", mode);
	fflush(stdout);
	tconn_finish(p, &ts[1]);
	presenter_destroy(p);
	loop_destroy(loop);
	return ok ? 0 : 1;
}
