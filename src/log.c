/* Leveled logging: stderr, with syslog priority prefixes under journald. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static enum log_level threshold = LOG_LVL_INFO;
static bool journal;
static const char *prog = "vdispld";

void log_init(enum log_level level, const char *ident)
{
	threshold = level;
	if (ident)
		prog = ident;
	/* systemd sets JOURNAL_STREAM when stderr is connected to the journal:
	 * then the journal timestamps for us and reads "<N>" as the priority. */
	journal = getenv("JOURNAL_STREAM") != NULL;
}

void log_set_level(enum log_level level) { threshold = level; }
enum log_level log_get_level(void) { return threshold; }
bool log_enabled(enum log_level level) { return level <= threshold; }

int log_level_parse(const char *name)
{
	static const struct {
		const char *name;
		enum log_level level;
	} names[] = {
		{"error", LOG_LVL_ERROR}, {"warn", LOG_LVL_WARN},
		{"warning", LOG_LVL_WARN}, {"info", LOG_LVL_INFO},
		{"debug", LOG_LVL_DEBUG},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(name, names[i].name) == 0)
			return (int)names[i].level;
	if (name[0] >= '0' && name[0] <= '7' && name[1] == '\0') {
		int v = name[0] - '0';
		return v < LOG_LVL_ERROR ? LOG_LVL_ERROR : v;
	}
	return -1;
}

static const char *level_tag(enum log_level level)
{
	switch (level) {
	case LOG_LVL_ERROR: return "error";
	case LOG_LVL_WARN: return "warn";
	case LOG_LVL_INFO: return "info";
	default: return "debug";
	}
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	if (!log_enabled(level))
		return;
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (journal) {
		fprintf(stderr, "<%d>%s\n", (int)level, buf);
		return;
	}
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	fprintf(stderr, "[%5lld.%06ld] %s %s: %s\n", (long long)ts.tv_sec,
		ts.tv_nsec / 1000, prog, level_tag(level), buf);
}
