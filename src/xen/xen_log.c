/* Routes the Xen libraries' messages through vdispld's log (xen_log.h). */
#include "xen_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <xentoollog.h>

#include "log.h"

static enum log_level map_level(xentoollog_level level)
{
	if (level >= XTL_ERROR)
		return LOG_LVL_ERROR;
	if (level >= XTL_WARN)
		return LOG_LVL_WARN;
	if (level >= XTL_INFO)
		return LOG_LVL_INFO;
	return LOG_LVL_DEBUG;
}

static void xl_vmessage(struct xentoollog_logger *logger,
			xentoollog_level level, int errnoval,
			const char *context, const char *format, va_list al)
{
	enum log_level lvl = map_level(level);
	char text[512];

	(void)logger;
	if (!log_enabled(lvl))
		return;
	vsnprintf(text, sizeof(text), format, al);
	/* On a guest's behalf: its prefix, fields and rate limit (a guest
	 * that makes every map fail must not flood through the library). */
	log_src_msg(lvl, log_current(), -1, "%s: %s%s%s",
		    context ? context : "xen", text, errnoval >= 0 ? ": " : "",
		    errnoval >= 0 ? strerror(errnoval) : "");
}

static void xl_progress(struct xentoollog_logger *logger,
			const char *context, const char *doing_what,
			int percent, unsigned long done, unsigned long total)
{
	/* Only long toolstack operations report progress; none of ours. */
	(void)logger, (void)context, (void)doing_what, (void)percent;
	(void)done, (void)total;
}

static void xl_destroy(struct xentoollog_logger *logger)
{
	(void)logger; /* static */
}

static struct xentoollog_logger logger = {
	.vmessage = xl_vmessage,
	.progress = xl_progress,
	.destroy = xl_destroy,
};

struct xentoollog_logger *xen_logger(void)
{
	return &logger;
}
