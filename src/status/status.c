/* The daemon's half of operator status: a text file rewritten atomically,
 * at most once a second, when a connector line changed. It reads displ's
 * connectors through displ's public view (displ_for_each_conn): status is
 * a view, not a participant. */
#include "status.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "displ.h"
#include "log.h"
#include "loop.h"
#include "presenter.h"
#include "xenbus.h"

#define STATUS_MAX_SAMPLES 256
#define STATUS_MAX_GUESTS 256
#define STATUS_PERIOD_NS 1000000000ull

/* Frame counters of one connector at the last refresh, for its rate. */
struct status_sample {
	uint32_t domid, devid, index;
	uint64_t frames;
};

struct status_writer {
	struct loop *loop;
	struct xb_backend *vdispl;
	struct loop_source *timer;
	char *path;
	char *body; /* last written, without the header line */
	bool write_failed;
	bool written; /* the file is ours to remove */
	uint64_t last_ns;
	struct status_sample samples[STATUS_MAX_SAMPLES];
	unsigned n_samples;
	struct status_sample next[STATUS_MAX_SAMPLES];
	unsigned n_next;
	FILE *out; /* open_memstream while building */
};

int status_default_path(char *buf, size_t len)
{
	const char *dirs = getenv("RUNTIME_DIRECTORY");
	/* systemd lists several directories separated by ':' */
	size_t n = dirs ? strcspn(dirs, ":") : 0;
	int w = n ? snprintf(buf, len, "%.*s/status", (int)n, dirs)
		  : snprintf(buf, len, "/run/vdispld/status");
	return w < 0 || (size_t)w >= len ? -ENAMETOOLONG : 0;
}

struct count_ctx {
	unsigned guests, connectors;
	uint32_t seen[STATUS_MAX_GUESTS];
};

static void count_conn(const struct displ_conn_view *v, void *data)
{
	struct count_ctx *c = data;
	if (!v->dev->connected)
		return;
	if (v->index != DISPL_VIEW_NO_CONN)
		c->connectors++;
	for (unsigned i = 0; i < c->guests && i < STATUS_MAX_GUESTS; i++)
		if (c->seen[i] == v->dev->domid)
			return;
	if (c->guests < STATUS_MAX_GUESTS)
		c->seen[c->guests] = v->dev->domid;
	c->guests++;
}

void status_count(struct xb_backend *vdispl, unsigned *guests,
		  unsigned *connectors)
{
	struct count_ctx c = {0};
	displ_for_each_conn(vdispl, count_conn, &c);
	*guests = c.guests;
	*connectors = c.connectors;
}

static const char *xb_state_text(enum xenbus_state s)
{
	static const char *const names[] = {
		"Unknown",   "Initialising", "InitWait", "Initialised",
		"Connected", "Closing",	     "Closed",	 "Reconfiguring",
		"Reconfigured",
	};
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

static uint64_t previous_frames(struct status_writer *w, uint32_t domid,
				uint32_t devid, uint32_t index, bool *found)
{
	for (unsigned i = 0; i < w->n_samples; i++) {
		struct status_sample *s = &w->samples[i];
		if (s->domid == domid && s->devid == devid && s->index == index) {
			*found = true;
			return s->frames;
		}
	}
	*found = false;
	return 0;
}

static const char *path_text(const struct pres_conn_stats *st)
{
	if (!st->frames && !st->zero_copy_frames)
		return "-";
	if (!st->zero_copy_frames)
		return "copy";
	return st->bytes_copied ? "mixed" : "zero-copy";
}

struct write_ctx {
	struct status_writer *w;
	double secs;
};

static void write_conn(const struct displ_conn_view *v, void *data)
{
	const struct write_ctx *ctx = data;
	struct status_writer *w = ctx->w;
	const struct xb_device *dev = v->dev;
	const char *name = log_text(dev->dom_name ? dev->dom_name : "?");

	if (v->index == DISPL_VIEW_NO_CONN) {
		/* Not connected yet: the device line alone, its state. */
		fprintf(w->out,
			"%-12s %5u %3u %4s %-10s %-12s %-9s %-9s %-9s %6s\n",
			name, dev->domid, dev->devid, "-", "-",
			xb_state_text(dev->fe_state), "-", "-", "-", "-");
		return;
	}
	const struct pres_conn_stats *st = &v->stats;
	bool found;
	uint64_t before = previous_frames(w, dev->domid, dev->devid, v->index,
					  &found);
	double rate = found && ctx->secs > 0 && st->frames >= before
			      ? (double)(st->frames - before) / ctx->secs
			      : 0.0;
	if (w->n_next < STATUS_MAX_SAMPLES)
		w->next[w->n_next++] = (struct status_sample){
			dev->domid, dev->devid, v->index, st->frames};
	const char *state = !dev->connected ? xb_state_text(dev->fe_state)
			    : v->broken	    ? "broken"
			    : !v->on	    ? "off"
			    : rate > 0	    ? "flipping"
					    : "static";
	char size[32];
	snprintf(size, sizeof(size), "%ux%u", v->width, v->height);
	/* Name and unique-id came through XenStore: log_text()'d. */
	fprintf(w->out, "%-12s %5u %3u %4u %-10s %-12s %-9s %-9s %-9s %6.1f\n",
		name, dev->domid, dev->devid, v->index,
		v->unique_id[0] ? log_text(v->unique_id) : "-", state, size,
		v->format ? v->format : "-", path_text(st), rate);
}

/* The table, without the header line: malloc'ed, NULL on ENOMEM. */
static char *build_body(struct status_writer *w, uint64_t now)
{
	char *text = NULL;
	size_t len = 0;
	w->out = open_memstream(&text, &len);
	if (!w->out)
		return NULL;
	fprintf(w->out, "%-12s %5s %3s %4s %-10s %-12s %-9s %-9s %-9s %6s\n",
		"GUEST", "DOMID", "DEV", "CONN", "UNIQUE-ID", "STATE", "SIZE",
		"FORMAT", "PATH", "FPS");
	struct write_ctx ctx = {w, w->last_ns ? (double)(now - w->last_ns) / 1e9
					      : 0};
	w->n_next = 0;
	displ_for_each_conn(w->vdispl, write_conn, &ctx);
	memcpy(w->samples, w->next, w->n_next * sizeof(w->next[0]));
	w->n_samples = w->n_next;
	w->last_ns = now;
	bool ok = fclose(w->out) == 0;
	w->out = NULL;
	if (!ok) {
		free(text);
		return NULL;
	}
	return text;
}

static int write_file(struct status_writer *w, const char *body)
{
	char tmp[4096 + 8];
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", w->path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	FILE *f = fopen(tmp, "we");
	if (!f)
		return -errno;
	char when[32];
	time_t t = time(NULL);
	struct tm tm;
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
	fprintf(f, "%s%ld updated=%s\n%s", STATUS_MAGIC, (long)getpid(), when,
		body);
	int r = fclose(f) == 0 ? 0 : -errno;
	if (r == 0 && rename(tmp, w->path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}

void status_writer_refresh(struct status_writer *w)
{
	char *body = build_body(w, loop_now_ns());
	if (!body)
		return;
	if (w->body && strcmp(body, w->body) == 0) {
		free(body);
		return;
	}
	int r = write_file(w, body);
	if (r < 0 && !w->write_failed)
		log_warn("status: cannot write %s: %s (vdispld --list will fall "
			 "back to XenStore)", w->path, strerror(-r));
	w->write_failed = r < 0;
	w->written |= r == 0;
	free(w->body);
	w->body = r < 0 ? NULL : body;
	if (r < 0)
		free(body);
}

static void status_tick(void *data)
{
	status_writer_refresh(data);
}

struct status_writer *status_writer_create(struct loop *loop, const char *path,
					   struct xb_backend *vdispl)
{
	struct status_writer *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->loop = loop;
	w->vdispl = vdispl;
	w->path = strdup(path);
	w->timer = loop_add_timer(loop, status_tick, w);
	if (!w->path || !w->timer ||
	    loop_timer_arm(w->timer, STATUS_PERIOD_NS, STATUS_PERIOD_NS) < 0) {
		int e = errno ? errno : ENOMEM;
		status_writer_destroy(w);
		errno = e;
		return NULL;
	}
	status_writer_refresh(w);
	return w;
}

void status_writer_destroy(struct status_writer *w)
{
	if (!w)
		return;
	loop_remove(w->timer);
	if (w->written)
		unlink(w->path);
	free(w->body);
	free(w->path);
	free(w);
}
