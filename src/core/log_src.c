/* Messages about one guest device: its prefix and journald fields, and the
 * per-device rate limit. A guest decides how often its device fails, so
 * without a limit it decides how much of the journal it fills, and can
 * push other guests' lines out of a size-capped journal. vdispld's own
 * messages and other devices' are never limited by one device's flood.
 *
 * Limited: errors and warnings, and info lines (a guest cycling its device
 * through XenBus states makes them as fast as it likes) with a burst of
 * their own, so that the lines of a device coming up do not use the
 * burst its first refusals need. Not limited: debug, which an operator
 * asks for with -v to see every one. */
#include "log.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define INTERVAL_NS ((uint64_t)LOG_RATE_INTERVAL_S * 1000000000ull)

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t (*clock_ns)(void) = mono_ns;
static struct log_src *pending; /* devices owing a summary */
static struct log_src *current;

void log_set_clock(uint64_t (*now_ns)(void))
{
	clock_ns = now_ns ? now_ns : mono_ns;
}

struct log_src *log_set_current(struct log_src *s)
{
	struct log_src *prev = current;
	current = s;
	return prev;
}

struct log_src *log_current(void) { return current; }

void log_src_init(struct log_src *s, uint32_t domid, const char *type,
		  uint32_t devid, const char *name)
{
	memset(s, 0, sizeof(*s));
	s->domid = domid;
	snprintf(s->device, sizeof(s->device), "%s/%" PRIu32, type, devid);
	/* The name is the toolstack's, but nothing stops a guest's own
	 * tools from writing nodes that end up here: escape it too, cut
	 * short so the prefix stays a prefix. */
	char name_text[40];
	log_text_buf(name_text, sizeof(name_text), name ? name : "?");
	snprintf(s->prefix, sizeof(s->prefix), "dom%" PRIu32 "(%s) %s", domid,
		 name_text, s->device);
}

static void unlink_pending(struct log_src *s)
{
	for (struct log_src **p = &pending; *p; p = &(*p)->next_pending) {
		if (*p == s) {
			*p = s->next_pending;
			break;
		}
	}
	s->next_pending = NULL;
	s->pending = false;
}

/* Ends s's window at now: the summary line if anything was held back. */
static void close_window(struct log_src *s, uint64_t now)
{
	if (s->suppressed) {
		uint64_t span = now - s->window_ns;
		if (span > INTERVAL_NS)
			span = INTERVAL_NS;
		unsigned secs =
			(unsigned)((span + 999999999ull) / 1000000000ull);
		char text[160];
		snprintf(text, sizeof(text),
			 "suppressed %lu similar messages from dom%" PRIu32
			 " %s in %u s", s->suppressed, s->domid, s->device,
			 secs ? secs : 1);
		log_emit(LOG_LVL_WARN, s, -1, text);
	}
	if (s->pending)
		unlink_pending(s);
	s->window_ns = now;
	s->in_window[0] = s->in_window[1] = 0;
	s->suppressed = 0;
}

/* true: print this message; false: it is one too many this window. */
static bool rate_allow(struct log_src *s, enum log_level level)
{
	if (level > LOG_LVL_INFO)
		return true;
	uint64_t now = clock_ns();
	unsigned *n = &s->in_window[level == LOG_LVL_INFO];
	if (!s->in_window[0] && !s->in_window[1] && !s->suppressed)
		s->window_ns = now;
	else if (now - s->window_ns >= INTERVAL_NS)
		close_window(s, now);
	if (*n < (level == LOG_LVL_INFO ? LOG_RATE_BURST_INFO
					: LOG_RATE_BURST)) {
		(*n)++;
		return true;
	}
	s->suppressed++;
	if (!s->pending) {
		s->pending = true;
		s->next_pending = pending;
		pending = s;
	}
	return false;
}

void log_src_msg(enum log_level level, struct log_src *s, int connector,
		 const char *fmt, ...)
{
	if (!log_enabled(level))
		return;
	if (s && !rate_allow(s, level))
		return;
	va_list ap;
	va_start(ap, fmt);
	log_vemit(level, s, connector, fmt, ap);
	va_end(ap);
}

void log_src_every(enum log_level level, struct log_src *s, int connector,
		   const char *fmt, ...)
{
	if (!log_enabled(level))
		return;
	va_list ap;
	va_start(ap, fmt);
	log_vemit(level, s, connector, fmt, ap);
	va_end(ap);
}

void log_flush_suppressed(void)
{
	uint64_t now = clock_ns();
	struct log_src *s = pending;
	while (s) {
		struct log_src *next = s->next_pending;
		if (now - s->window_ns >= INTERVAL_NS)
			close_window(s, now);
		s = next;
	}
}

void log_src_finish(struct log_src *s)
{
	close_window(s, clock_ns());
	if (current == s)
		current = NULL;
}
