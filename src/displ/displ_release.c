/* DBUF_DESTROY replies held until the compositor has let go of the
 * buffer's dma-buf.
 *
 * The guest frees (and may reuse) a buffer's pages as soon as it has the
 * DBUF_DESTROY reply, so the reply must not go out while the compositor
 * can still read them through the exported dma-buf. Waiting in the grant
 * device would stall every guest; instead the reply is kept here and its
 * own loop timer asks the grant device (timeout 0) every few milliseconds,
 * backing off, until it says released. Linux's frontend gives up on a
 * request after 3 s, so past limits.release_wait_ms (2.5 s) the reply
 * goes out anyway, with a warning: a stuck compositor must not make a
 * guest see a time-out. The ring keeps being served meanwhile; the
 * frontend matches replies by id. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "displ_priv.h"
#include "loop.h"
#include "xen_grant.h"

#define NS_PER_MS 1000000ull
/* First poll soon (a compositor usually lets go by its next frame), then
 * less often: an export held for long costs a few polls a second. */
#define POLL_FIRST_NS (4 * NS_PER_MS)
#define POLL_MAX_NS (32 * NS_PER_MS)

struct displ_release {
	struct displ_release *next;
	struct displ_conn *conn;
	struct xendispl_resp resp;
	struct displ_export_wait wait;
	struct loop_source *timer; /* the next poll */
	uint64_t start_ns, step_ns, deadline_ns;
};

static void release_free(struct displ_release *r)
{
	if (r->wait.fd >= 0)
		close(r->wait.fd); /* the export's fd number, kept till now */
	loop_remove(r->timer);
	free(r);
}

static void release_answer(struct displ_release *r, uint64_t now, int err)
{
	struct displ_conn *c = r->conn;
	unsigned ms = (unsigned)((now - r->start_ns) / NS_PER_MS);

	if (err == 0)
		displ_trace(c->dev->ctx->trace ? LOG_LVL_INFO : LOG_LVL_DEBUG,
			    c, "req id=%u op=DBUF_DESTROY ck=%016llx -> status "
			    "0 (dma-buf released after %u ms)",
			    (unsigned)r->resp.id,
			    (unsigned long long)r->wait.cookie, ms);
	else
		displ_log(LOG_LVL_WARN, c,
			  "dbuf %016llx: dma-buf still held by the compositor "
			  "after %u ms (%s): answering DBUF_DESTROY id=%u now, "
			  "before the guest times out",
			  (unsigned long long)r->wait.cookie, ms, strerror(-err),
			  (unsigned)r->resp.id);
	displ_conn_reply(c, &r->resp);
}

/* True when r is done (answered): released, past its deadline, or the
 * grant device can't tell. Otherwise its timer asks again later. */
static bool release_poll(struct displ_device *d, struct displ_release *r,
			 uint64_t now)
{
	int err = xgrant_dmabuf_wait_released(d->ctx->xg, r->wait.handle, 0);

	if (err == 0 || err != -ETIMEDOUT || now >= r->deadline_ns) {
		release_answer(r, now, err);
		return true;
	}
	r->step_ns = r->step_ns * 2 > POLL_MAX_NS ? POLL_MAX_NS : r->step_ns * 2;
	uint64_t next = now + r->step_ns;
	if (next > r->deadline_ns)
		next = r->deadline_ns;
	loop_timer_arm(r->timer, next > now ? next - now : 1, 0);
	return false;
}

static void release_unlink(struct displ_device *d, const struct displ_release *r)
{
	for (struct displ_release **p = &d->releases; *p; p = &(*p)->next) {
		if (*p == r) {
			*p = r->next;
			return;
		}
	}
}

static void timer_fired(void *data)
{
	struct displ_release *r = data;
	struct displ_device *d = r->conn->dev;

	if (release_poll(d, r, loop_now_ns())) {
		release_unlink(d, r);
		release_free(r);
	}
}

int displ_release_hold(struct displ_conn *c, const struct xendispl_resp *resp,
		       const struct displ_export_wait *w)
{
	struct displ_device *d = c->dev;
	uint32_t wait_ms = d->ctx->limits.release_wait_ms;
	struct displ_release *r;
	uint64_t now = loop_now_ns();
	int err = -ECANCELED;

	if (wait_ms == 0)
		goto reply_now;
	r = calloc(1, sizeof(*r));
	if (r)
		r->timer = loop_add_timer(d->base.loop, timer_fired, r);
	if (!r || !r->timer) {
		err = -errno;
		free(r);
		goto reply_now;
	}
	*r = (struct displ_release){
		.next = d->releases, .conn = c, .resp = *resp, .wait = *w,
		.timer = r->timer, .start_ns = now, .step_ns = POLL_FIRST_NS,
		.deadline_ns = now + wait_ms * NS_PER_MS,
	};
	d->releases = r;
	loop_timer_arm(r->timer, POLL_FIRST_NS, 0);
	displ_log(LOG_LVL_DEBUG, c, "dbuf %016llx: dma-buf still held by the "
		  "compositor: DBUF_DESTROY id=%u waits for its release",
		  (unsigned long long)w->cookie, (unsigned)resp->id);
	return 0;

reply_now:
	displ_log(wait_ms ? LOG_LVL_WARN : LOG_LVL_DEBUG, c,
		  "dbuf %016llx: dma-buf still held by the compositor; "
		  "answering DBUF_DESTROY at once (%s)",
		  (unsigned long long)w->cookie,
		  wait_ms ? strerror(-err) : "release_wait_ms is 0");
	close(w->fd);
	return err;
}

void displ_release_cancel_all(struct displ_device *d)
{
	while (d->releases) {
		struct displ_release *r = d->releases;

		d->releases = r->next;
		displ_log(LOG_LVL_DEBUG, r->conn, "dbuf %016llx: guest gone "
			  "while its dma-buf was held: DBUF_DESTROY id=%u "
			  "not answered", (unsigned long long)r->wait.cookie,
			  (unsigned)r->resp.id);
		release_free(r);
	}
}
