/* Leveled logging: stderr lines, or journald entries with structured
 * fields when stderr is the journal. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <systemd/sd-journal.h>
#include <time.h>
#include <unistd.h>

static enum log_level threshold = LOG_LVL_INFO;
static bool journal;
static int (*journal_sink)(const struct iovec *iov, int n);
static const char *prog = "vdispld";

/* systemd sets JOURNAL_STREAM=<dev>:<ino> for the stream it gave us as
 * stderr; a child that inherited the variable but has stderr elsewhere
 * (a pipe, a file) must not take the journal path. */
static bool stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2)
		return false;
	if (fstat(STDERR_FILENO, &st) < 0)
		return false;
	return (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}

void log_init(enum log_level level, const char *ident)
{
	threshold = level;
	if (ident)
		prog = ident;
	journal = journal_sink || stderr_is_journal();
}

void log_set_journal_sink(int (*sink)(const struct iovec *iov, int n))
{
	journal_sink = sink;
	journal = sink || stderr_is_journal();
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

/* Last line of defence: guest text is escaped by log_text() where it is
 * printed, but a byte that slipped through (a library's message, an
 * unescaped %s) still must not start a line or reach a terminal raw. */
static void scrub(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			*s = '?';
}

struct jfields {
	char f[6][160];
	struct iovec iov[6];
	int n;
};

static void jfield(struct jfields *j, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void jfield(struct jfields *j, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(j->f[j->n], sizeof(j->f[0]), fmt, ap);
	va_end(ap);
	size_t len = w < 0 ? 0
		     : (size_t)w < sizeof(j->f[0]) ? (size_t)w
						   : sizeof(j->f[0]) - 1;
	j->iov[j->n] = (struct iovec){j->f[j->n], len};
	j->n++;
}

/* One entry: the line as MESSAGE, and the guest's fields so that
 * `journalctl VDISPLD_DOMID=5` shows one guest. */
static int send_journal(enum log_level level, const struct log_src *s,
			int connector, const char *line)
{
	struct jfields j = {.n = 0};

	jfield(&j, "PRIORITY=%d", (int)level);
	jfield(&j, "SYSLOG_IDENTIFIER=%s", prog);
	if (s) {
		jfield(&j, "VDISPLD_DOMID=%u", (unsigned)s->domid);
		jfield(&j, "VDISPLD_DEVICE=%s", s->device);
		if (connector >= 0)
			jfield(&j, "VDISPLD_CONNECTOR=%d", connector);
	}
	char msg[1200];
	int m = snprintf(msg, sizeof(msg), "MESSAGE=%s", line);
	j.iov[j.n++] = (struct iovec){msg, (size_t)m < sizeof(msg)
						   ? (size_t)m
						   : sizeof(msg) - 1};
	return journal_sink ? journal_sink(j.iov, j.n)
			    : sd_journal_sendv(j.iov, j.n);
}

void log_emit(enum log_level level, const struct log_src *s, int connector,
	      const char *text)
{
	char line[1152];

	if (s && connector >= 0)
		snprintf(line, sizeof(line), "%s c%d: %s", s->prefix,
			 connector, text);
	else if (s)
		snprintf(line, sizeof(line), "%s: %s", s->prefix, text);
	else
		snprintf(line, sizeof(line), "%s", text);
	scrub(line);
	if (journal && send_journal(level, s, connector, line) >= 0)
		return;
	if (journal) {
		fprintf(stderr, "<%d>%s\n", (int)level, line);
		return;
	}
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	fprintf(stderr, "[%5lld.%06ld] %s %s: %s\n", (long long)ts.tv_sec,
		ts.tv_nsec / 1000, prog, level_tag(level), line);
}

void log_vemit(enum log_level level, const struct log_src *s, int connector,
	       const char *fmt, va_list ap)
{
	char buf[1024];
	vsnprintf(buf, sizeof(buf), fmt, ap);
	log_emit(level, s, connector, buf);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	if (!log_enabled(level))
		return;
	va_list ap;
	va_start(ap, fmt);
	log_vemit(level, NULL, -1, fmt, ap);
	va_end(ap);
}
