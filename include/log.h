/* Leveled logging to stderr, journald-friendly (syslog "<N>" prefixes when
 * stderr is the journal). One place for every message vdispld prints. */
#ifndef VDISPLD_LOG_H
#define VDISPLD_LOG_H

#include <stdbool.h>

enum log_level {
	LOG_LVL_ERROR = 3,
	LOG_LVL_WARN = 4,
	LOG_LVL_INFO = 6,
	LOG_LVL_DEBUG = 7,
};

/* Sets the threshold; messages above it are dropped. Detects journald from
 * $JOURNAL_STREAM unless force_prefix says otherwise. */
void log_init(enum log_level level, const char *ident);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
bool log_enabled(enum log_level level);
/* Parses "error", "warn", "info", "debug" (or 3..7); -1 if unknown. */
int log_level_parse(const char *name);

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_LVL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...)                                                         \
	do {                                                                   \
		if (log_enabled(LOG_LVL_DEBUG))                                \
			log_msg(LOG_LVL_DEBUG, __VA_ARGS__);                   \
	} while (0)

#endif
