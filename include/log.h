/* Leveled logging to stderr, or to journald with structured fields when
 * stderr is the journal. One place for every message vdispld prints.
 *
 * Guest text is data: every byte a guest controls (XenStore values and
 * node names, unique-ids, request fields) goes through log_text() before
 * it reaches a log line, --trace, the status file or `vdispld --list`.
 *
 * Messages about one guest device go through a struct log_src: they carry
 * the device's prefix ("dom5(name) vdispl/0"), journald fields
 * (VDISPLD_DOMID, VDISPLD_DEVICE, VDISPLD_CONNECTOR), and their warnings
 * and errors (LOG_RATE_BURST), and apart from them its info lines
 * (LOG_RATE_BURST_INFO), are rate-limited per device per
 * LOG_RATE_INTERVAL_S, then one summary line, so one guest cannot flood
 * the log nor hide another guest's lines. */
#ifndef VDISPLD_LOG_H
#define VDISPLD_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

enum log_level {
	LOG_LVL_ERROR = 3,
	LOG_LVL_WARN = 4,
	LOG_LVL_INFO = 6,
	LOG_LVL_DEBUG = 7,
};

/* Sets the threshold; messages above it are dropped. Uses journald when
 * $JOURNAL_STREAM names our stderr (device:inode). */
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

/* ---- guest text (log_text.c) ---- */

/* Bytes of guest text shown; longer text ends in "...(N bytes)". */
#define LOG_TEXT_CAP 64u
/* Room for the escaped cap (4 bytes a byte at worst) and the suffix. */
#define LOG_TEXT_SIZE (LOG_TEXT_CAP * 4u + 32u)
/* Writes n bytes of s into buf (size >= LOG_TEXT_SIZE for no loss)
 * printable and single-line: bytes outside 0x20..0x7e as \xNN, '"', '\''
 * and '\\' with a backslash, at most LOG_TEXT_CAP bytes of s. Returns buf.
 * The one escaper of vdispld: logs, --trace, the status file, --list. */
const char *log_text_n(char *buf, size_t size, const void *s, size_t n);
/* The same for a C string; NULL gives "(absent)". */
const char *log_text_buf(char *buf, size_t size, const char *s);
/* log_text_buf into a buffer that lives until the end of the enclosing
 * block: log_warn("bad \"%s\"", log_text(value)). */
#define log_text(s) log_text_buf((char[LOG_TEXT_SIZE]){0}, LOG_TEXT_SIZE, (s))

/* ---- messages about one guest device (log_src.c) ---- */

#define LOG_RATE_BURST 10u
/* A device's coming up and going down is ~12 info lines: a guest's reboot
 * or two in a window passes whole, a guest cycling its states does not. */
#define LOG_RATE_BURST_INFO 30u
#define LOG_RATE_INTERVAL_S 10u

struct log_src {
	uint32_t domid;
	char device[24];  /* "vdispl/0" */
	char prefix[112]; /* "dom5(name) vdispl/0", name escaped */
	/* Rate limit of warnings and errors: the window and what it held. */
	uint64_t window_ns;
	unsigned in_window[2]; /* [0] errors and warnings, [1] info */
	unsigned long suppressed;
	struct log_src *next_pending; /* on the list of log_flush_suppressed */
	bool pending;
};

/* name (the guest's, may be NULL) is escaped into the prefix. */
void log_src_init(struct log_src *s, uint32_t domid, const char *type,
		  uint32_t devid, const char *name);
/* Says what was suppressed, if anything; s may then be freed. */
void log_src_finish(struct log_src *s);
/* "<prefix>[ c<connector>]: <message>"; connector < 0: the device. */
void log_src_msg(enum log_level level, struct log_src *s, int connector,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Never rate-limited: --trace lines (the operator asked for every
 * request; a trace of a flooding guest is as long as its flood). */
void log_src_every(enum log_level level, struct log_src *s, int connector,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Summaries of every device whose window ended with messages suppressed
 * (a device that went quiet is not left owing its summary): call now and
 * then, e.g. once a second. */
void log_flush_suppressed(void);

/* The device on whose behalf vdispld is acting (NULL: itself): library
 * messages (xentoollog) are tagged with it. Returns the previous one. */
struct log_src *log_set_current(struct log_src *s);
struct log_src *log_current(void);

/* ---- for tests ---- */

/* The clock of the rate limit (default CLOCK_MONOTONIC), in ns. */
void log_set_clock(uint64_t (*now_ns)(void));
/* Journal mode with this sink instead of sd_journal_sendv (NULL: back to
 * the $JOURNAL_STREAM decision). */
void log_set_journal_sink(int (*sink)(const struct iovec *iov, int n));

/* log.c, for log_src.c: one line out, with the fields of s if any. */
void log_emit(enum log_level level, const struct log_src *s, int connector,
	      const char *text);
void log_vemit(enum log_level level, const struct log_src *s, int connector,
	       const char *fmt, va_list ap);

#endif
