/* Logging a hostile guest: guest text escaped and capped by log_text(),
 * lines about one device rate-limited with a summary (the clock is ours),
 * journald entries with the guest's fields (the sink is ours), and the Xen
 * libraries' messages tagged with the guest vdispld acts for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xentoollog.h>

#include "log.h"
#include "xen/xen_log.h"

/* ---- stderr captured in a temp file ---- */

static FILE *cap;
static int saved_stderr = -1;

static void capture_start(void)
{
	fflush(stderr);
	cap = tmpfile();
	assert_non_null(cap);
	saved_stderr = dup(STDERR_FILENO);
	assert_true(dup2(fileno(cap), STDERR_FILENO) >= 0);
}

/* Stops the capture; returns the text (malloc'ed). */
static char *capture_end(void)
{
	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	long n = ftell(cap);
	char *text = calloc(1, (size_t)n + 1);
	rewind(cap);
	assert_int_equal(fread(text, 1, (size_t)n, cap), (size_t)n);
	fclose(cap);
	return text;
}

static unsigned count(const char *text, const char *needle)
{
	unsigned n = 0;
	for (const char *p = text; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static uint64_t fake_ns;
static uint64_t fake_clock(void) { return fake_ns; }

static int setup(void **state)
{
	(void)state;
	log_init(LOG_LVL_INFO, "vdispld");
	log_set_journal_sink(NULL);
	log_set_clock(fake_clock);
	fake_ns = 1000000000ull;
	return 0;
}

/* ---- log_text ---- */

static void text_escapes_controls_quotes_and_non_ascii(void **state)
{
	(void)state;
	const char *forged = "1x1\x1b[31m\n[    0.000000] vdispld info: "
			     "FORGED \"q\" 'a' \\ \xc3\xa9";
	const char *t = log_text(forged);
	assert_string_equal(t, "1x1\\x1b[31m\\x0a[    0.000000] vdispld info: "
			       "FORGED \\\"q\\\" \\'a\\' \\\\ \\xc3\\xa9");
	assert_string_equal(log_text(NULL), "(absent)");
	assert_string_equal(log_text(""), "");
}

static void text_is_capped(void **state)
{
	(void)state;
	char big[1000];
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	const char *t = log_text(big);
	assert_int_equal(strspn(t, "A"), LOG_TEXT_CAP);
	assert_string_equal(t + LOG_TEXT_CAP, "...(999 bytes)");

	/* All escapes: still fits LOG_TEXT_SIZE, still capped. */
	memset(big, '\n', sizeof(big) - 1);
	t = log_text(big);
	assert_int_equal(strlen(t), LOG_TEXT_CAP * 4 + strlen("...(999 bytes)"));
	assert_null(strchr(t, '\n'));

	/* A small buffer is cut at a whole escape, never mid-escape. */
	char small[7];
	log_text_buf(small, sizeof(small), "\n\n");
	assert_string_equal(small, "\\x0a");
}

/* ---- lines ---- */

static void stray_newline_never_starts_a_line(void **state)
{
	(void)state;
	capture_start();
	log_info("unescaped %s", "a\nvdispld info: forged\x1b[2J");
	char *out = capture_end();
	assert_int_equal(count(out, "\n"), 1);
	assert_null(strchr(out, '\x1b'));
	assert_non_null(strstr(out, "a?vdispld info: forged?[2J"));
	free(out);
}

/* ---- the rate limit ---- */

static void flood_is_limited_per_device_with_a_summary(void **state)
{
	(void)state;
	struct log_src a, b;
	log_src_init(&a, 5, "vdispl", 0, "bad\nguest");
	log_src_init(&b, 6, "vdispl", 0, "good");
	capture_start();
	for (int i = 0; i < 1000; i++) {
		log_src_msg(LOG_LVL_WARN, &a, 0, "refused %d", i);
		if (i % 100 == 0) {
			log_src_msg(LOG_LVL_ERROR, &b, -1, "other %d", i);
			log_warn("vdispld itself %d", i);
		}
		fake_ns += 1000000; /* 1 s for the 1000 */
	}
	/* Nothing more from a: the summary is owed once the window ends. */
	log_flush_suppressed();
	fake_ns += 10ull * 1000000000ull;
	log_flush_suppressed();
	log_src_msg(LOG_LVL_WARN, &a, -1, "after the window");
	char *out = capture_end();

	assert_int_equal(count(out, "dom5(bad\\x0aguest) vdispl/0 c0: refused"),
			 LOG_RATE_BURST);
	assert_int_equal(count(out, "suppressed 990 similar messages from dom5 "
				    "vdispl/0 in 10 s"), 1);
	assert_int_equal(count(out, "dom5(bad\\x0aguest) vdispl/0: after"), 1);
	/* The other guest and vdispld's own lines: every one. */
	assert_int_equal(count(out, "dom6(good) vdispl/0: other"), 10);
	assert_int_equal(count(out, "vdispld itself"), 10);
	/* Bound: burst + summary + the next window's line. */
	assert_int_equal(count(out, "dom5("), LOG_RATE_BURST + 2);
	log_src_finish(&a);
	log_src_finish(&b);
	free(out);
}

static void debug_is_not_limited_and_finish_flushes(void **state)
{
	(void)state;
	struct log_src a;
	log_src_init(&a, 7, "vinput", 1, NULL);
	log_set_level(LOG_LVL_DEBUG);
	capture_start();
	for (int i = 0; i < 50; i++) {
		log_src_msg(LOG_LVL_DEBUG, &a, -1, "every one %d", i);
		log_src_msg(LOG_LVL_ERROR, &a, -1, "limited %d", i);
	}
	for (int i = 0; i < 50; i++) /* --trace lines */
		log_src_every(LOG_LVL_INFO, &a, 0, "req id=%d", i);
	log_src_finish(&a); /* the device goes: its summary now */
	char *out = capture_end();
	log_set_level(LOG_LVL_INFO);
	assert_int_equal(count(out, "every one"), 50);
	assert_int_equal(count(out, "req id="), 50);
	assert_int_equal(count(out, "limited"), LOG_RATE_BURST);
	assert_int_equal(count(out, "suppressed 40 similar messages from dom7 "
				    "vinput/1 in 1 s"), 1);
	free(out);
}

/* A device coming up logs info lines; they must not use the burst its
 * first warnings need. */
static void info_has_its_own_burst(void **state)
{
	(void)state;
	struct log_src a;
	log_src_init(&a, 8, "vdispl", 0, "x");
	capture_start();
	for (int i = 0; i < 50; i++)
		log_src_msg(LOG_LVL_INFO, &a, -1, "state %d", i);
	log_src_msg(LOG_LVL_WARN, &a, -1, "first refusal");
	log_src_finish(&a);
	char *out = capture_end();
	assert_int_equal(count(out, "state "), LOG_RATE_BURST_INFO);
	assert_int_equal(count(out, "first refusal"), 1);
	assert_int_equal(count(out, "suppressed 20 similar"), 1); /* 50 - 30 */
	free(out);
}

/* ---- journald ---- */

static char jbuf[8][1300];
static int jfields_n, jentries;

static int fake_journal(const struct iovec *iov, int n)
{
	jentries++;
	jfields_n = n < 8 ? n : 8;
	for (int i = 0; i < jfields_n; i++)
		snprintf(jbuf[i], sizeof(jbuf[i]), "%.*s", (int)iov[i].iov_len,
			 (const char *)iov[i].iov_base);
	return 0;
}

static bool has_field(const char *f)
{
	for (int i = 0; i < jfields_n; i++)
		if (strcmp(jbuf[i], f) == 0)
			return true;
	return false;
}

static void journal_entries_carry_the_guest_fields(void **state)
{
	(void)state;
	struct log_src a;
	log_src_init(&a, 5, "vdispl", 0, "domuA");
	log_set_journal_sink(fake_journal);
	log_src_msg(LOG_LVL_WARN, &a, 1, "bad \"%s\"", log_text("x\ny"));
	assert_int_equal(jentries, 1);
	assert_true(has_field("PRIORITY=4"));
	assert_true(has_field("SYSLOG_IDENTIFIER=vdispld"));
	assert_true(has_field("VDISPLD_DOMID=5"));
	assert_true(has_field("VDISPLD_DEVICE=vdispl/0"));
	assert_true(has_field("VDISPLD_CONNECTOR=1"));
	assert_true(has_field("MESSAGE=dom5(domuA) vdispl/0 c1: bad \"x\\x0ay\""));
	/* vdispld's own line: no guest fields. */
	log_info("ready");
	assert_int_equal(jentries, 2);
	assert_true(has_field("MESSAGE=ready"));
	assert_false(has_field("VDISPLD_DOMID=5"));
	log_set_journal_sink(NULL);
	log_src_finish(&a);
}

/* JOURNAL_STREAM counts only when it names our stderr: a child that
 * inherited it with stderr redirected writes plain lines. With it naming
 * stderr, lines go to the journal socket and not to stderr. */
static void journal_stream_must_name_stderr(void **state)
{
	(void)state;
	struct stat st;
	char js[64];
	capture_start();
	assert_int_equal(fstat(STDERR_FILENO, &st), 0);
	setenv("JOURNAL_STREAM", "1:2", 1);
	log_init(LOG_LVL_INFO, "vdispld");
	log_warn("elsewhere");
	snprintf(js, sizeof(js), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", js, 1);
	log_init(LOG_LVL_INFO, "vdispld");
	log_warn("journal");
	unsetenv("JOURNAL_STREAM");
	log_init(LOG_LVL_INFO, "vdispld");
	char *out = capture_end();
	assert_int_equal(count(out, "] vdispld warn: elsewhere\n"), 1);
	/* To the journal socket (libsystemd drops it when none listens). */
	assert_int_equal(count(out, "vdispld warn: journal"), 0);
	free(out);
}

/* ---- the Xen libraries' logger ---- */

static void xtl(struct xentoollog_logger *l, xentoollog_level level,
		int errnoval, const char *context, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	l->vmessage(l, level, errnoval, context, fmt, ap);
	va_end(ap);
}

static void library_messages_get_level_time_and_guest(void **state)
{
	(void)state;
	struct log_src a;
	log_src_init(&a, 5, "vdispl", 0, "domuA");
	capture_start();
	xtl(xen_logger(), XTL_ERROR, 22, "gnttab", "mmap failed");
	struct log_src *prev = log_set_current(&a);
	xtl(xen_logger(), XTL_ERROR, 22, "gnttab", "mmap failed");
	xtl(xen_logger(), XTL_DEBUG, -1, "gnttab", "chatter");
	log_set_current(prev);
	char *out = capture_end();
	/* "[  sec.usec] vdispld error: ..." : time, name, level. */
	assert_int_equal(count(out, "] vdispld error: gnttab: mmap failed: "
				    "Invalid argument\n"), 1);
	assert_int_equal(count(out, "] vdispld error: dom5(domuA) vdispl/0: "
				    "gnttab: mmap failed: Invalid argument\n"),
			 1);
	assert_int_equal(count(out, "chatter"), 0); /* debug at info level */
	log_src_finish(&a);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(text_escapes_controls_quotes_and_non_ascii, setup),
		cmocka_unit_test_setup(text_is_capped, setup),
		cmocka_unit_test_setup(stray_newline_never_starts_a_line, setup),
		cmocka_unit_test_setup(flood_is_limited_per_device_with_a_summary, setup),
		cmocka_unit_test_setup(debug_is_not_limited_and_finish_flushes, setup),
		cmocka_unit_test_setup(info_has_its_own_burst, setup),
		cmocka_unit_test_setup(journal_entries_carry_the_guest_fields, setup),
		cmocka_unit_test_setup(journal_stream_must_name_stderr, setup),
		cmocka_unit_test_setup(library_messages_get_level_time_and_guest, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
