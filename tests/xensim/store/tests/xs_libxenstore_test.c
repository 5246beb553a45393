/* The stock libxenstore against the simulated store. libxenstore is
 * synchronous, so the client runs on a second thread while this one turns
 * the server's loop. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <xenstore.h>

#include "loop.h"
#include "xs_server.h"
#include "xs_test_util.h"

/* Client-side checks can't use cmocka (it longjmps); they record the
 * first failing line and the main thread asserts on it. */
struct client {
	int (*body)(struct client *c);
	atomic_bool done;
	int fail_line;
	int fail_errno;
};

#define CHECK(c, cond)                                                         \
	do {                                                                   \
		if (!(cond)) {                                                 \
			(c)->fail_line = __LINE__;                             \
			(c)->fail_errno = errno;                               \
			return -1;                                             \
		}                                                              \
	} while (0)

static void *client_main(void *data)
{
	struct client *c = data;
	c->body(c);
	atomic_store(&c->done, true);
	return NULL;
}

static void run_client(struct xs_fixture *fx, int (*body)(struct client *c))
{
	struct client c = {.body = body};
	pthread_t th;
	setenv("XENSTORED_PATH", fx->sock, 1);
	assert_int_equal(pthread_create(&th, NULL, client_main, &c), 0);
	uint64_t end = loop_now_ns() + 20000000000ull;
	while (!atomic_load(&c.done) && loop_now_ns() < end)
		loop_dispatch(fx->loop, 5);
	if (!atomic_load(&c.done)) {
		/* The client is stuck in libxenstore: closing the server's
		 * side would let it go, but a hung test is already a fail. */
		fail_msg("client did not finish");
	}
	pthread_join(th, NULL);
	if (c.fail_line)
		fail_msg("client check failed at line %d (errno %s)",
			 c.fail_line, strerror(c.fail_errno));
}

/* Waits up to 5 s for a watch event, then reads it. */
static char **next_event(struct xs_handle *h, unsigned *num)
{
	struct pollfd pfd = {.fd = xs_fileno(h), .events = POLLIN};
	if (poll(&pfd, 1, 5000) != 1)
		return NULL;
	return xs_read_watch(h, num);
}

static bool event_is(char **ev, const char *path, const char *token)
{
	return ev && strcmp(ev[XS_WATCH_PATH], path) == 0 &&
	       strcmp(ev[XS_WATCH_TOKEN], token) == 0;
}

static int watch_body(struct client *c)
{
	struct xs_handle *h = xs_open(0), *h2 = xs_open(0);
	unsigned num;
	CHECK(c, h && h2);
	CHECK(c, xs_write(h, XBT_NULL, "/lx/w", "0", 1));
	CHECK(c, xs_watch(h, "/lx/w", "tok"));
	char **ev = next_event(h, &num);
	CHECK(c, event_is(ev, "/lx/w", "tok")); /* registration firing */
	free(ev);
	CHECK(c, xs_write(h2, XBT_NULL, "/lx/w/x", "1", 1));
	ev = next_event(h, &num);
	CHECK(c, event_is(ev, "/lx/w/x", "tok"));
	free(ev);
	/* Removing the parent fires a watch below it, with its own path. */
	CHECK(c, xs_watch(h, "/lx/w/x", "deep"));
	ev = next_event(h, &num);
	CHECK(c, event_is(ev, "/lx/w/x", "deep"));
	free(ev);
	CHECK(c, xs_rm(h2, XBT_NULL, "/lx/w"));
	bool seen_deep = false, seen_top = false;
	for (int i = 0; i < 2; i++) {
		ev = next_event(h, &num);
		CHECK(c, ev);
		seen_deep |= event_is(ev, "/lx/w/x", "deep");
		seen_top |= event_is(ev, "/lx/w", "tok");
		free(ev);
	}
	CHECK(c, seen_deep && seen_top);
	CHECK(c, xs_unwatch(h, "/lx/w", "tok"));
	CHECK(c, !xs_unwatch(h, "/lx/w", "tok") && errno == ENOENT);
	xs_close(h);
	xs_close(h2);
	return 0;
}

static void test_watch(void **state)
{
	run_client(*state, watch_body);
}

static int tx_conflict_body(struct client *c)
{
	struct xs_handle *h1 = xs_open(0), *h2 = xs_open(0);
	unsigned len;
	CHECK(c, h1 && h2);
	CHECK(c, xs_write(h1, XBT_NULL, "/lx/t/a", "1", 1));
	xs_transaction_t t1 = xs_transaction_start(h1);
	xs_transaction_t t2 = xs_transaction_start(h2);
	CHECK(c, t1 != XBT_NULL && t2 != XBT_NULL && t1 != t2);
	char *v = xs_read(h1, t1, "/lx/t/a", &len);
	CHECK(c, v && strcmp(v, "1") == 0);
	free(v);
	CHECK(c, xs_write(h2, t2, "/lx/t/a", "2", 1));
	CHECK(c, xs_transaction_end(h2, t2, false));
	/* t1 still sees its snapshot. */
	v = xs_read(h1, t1, "/lx/t/a", &len);
	CHECK(c, v && strcmp(v, "1") == 0);
	free(v);
	CHECK(c, xs_write(h1, t1, "/lx/t/b", "x", 1));
	errno = 0;
	CHECK(c, !xs_transaction_end(h1, t1, false));
	CHECK(c, errno == EAGAIN);
	/* Nothing of the failed transaction landed. */
	CHECK(c, !xs_read(h2, XBT_NULL, "/lx/t/b", &len) && errno == ENOENT);
	xs_close(h1);
	xs_close(h2);
	return 0;
}

static void test_tx_conflict(void **state)
{
	run_client(*state, tx_conflict_body);
}

static int tx_isolation_body(struct client *c)
{
	struct xs_handle *h1 = xs_open(0), *h2 = xs_open(0);
	unsigned len, num;
	CHECK(c, h1 && h2);
	CHECK(c, xs_mkdir(h1, XBT_NULL, "/lx/i"));
	CHECK(c, xs_watch(h2, "/lx/i", "iso"));
	char **ev = next_event(h2, &num);
	CHECK(c, event_is(ev, "/lx/i", "iso"));
	free(ev);
	xs_transaction_t t = xs_transaction_start(h1);
	CHECK(c, t != XBT_NULL);
	CHECK(c, xs_write(h1, t, "/lx/i/c", "3", 1));
	CHECK(c, !xs_read(h2, XBT_NULL, "/lx/i/c", &len) && errno == ENOENT);
	/* No event before the commit... */
	struct pollfd pfd = {.fd = xs_fileno(h2), .events = POLLIN};
	CHECK(c, poll(&pfd, 1, 200) == 0);
	CHECK(c, xs_transaction_end(h1, t, false));
	/* ...and one at commit. */
	ev = next_event(h2, &num);
	CHECK(c, event_is(ev, "/lx/i/c", "iso"));
	free(ev);
	char *v = xs_read(h2, XBT_NULL, "/lx/i/c", &len);
	CHECK(c, v && strcmp(v, "3") == 0);
	free(v);
	/* An aborted transaction leaves no trace. */
	t = xs_transaction_start(h1);
	CHECK(c, xs_write(h1, t, "/lx/i/d", "4", 1));
	CHECK(c, xs_transaction_end(h1, t, true));
	CHECK(c, !xs_read(h2, XBT_NULL, "/lx/i/d", &len) && errno == ENOENT);
	xs_close(h1);
	xs_close(h2);
	return 0;
}

static void test_tx_isolation(void **state)
{
	run_client(*state, tx_isolation_body);
}

/* More names than one payload holds: libxenstore falls back to
 * XS_DIRECTORY_PART after E2BIG. */
static int big_dir_body(struct client *c)
{
	struct xs_handle *h = xs_open(0);
	char path[64];
	unsigned num;
	CHECK(c, h);
	for (int i = 0; i < 400; i++) {
		snprintf(path, sizeof(path), "/lx/big/entry-with-long-name-%03d",
			 i);
		CHECK(c, xs_write(h, XBT_NULL, path, "", 0));
	}
	char **list = xs_directory(h, XBT_NULL, "/lx/big", &num);
	CHECK(c, list && num == 400);
	CHECK(c, strcmp(list[0], "entry-with-long-name-000") == 0);
	CHECK(c, strcmp(list[399], "entry-with-long-name-399") == 0);
	free(list);
	char *dp = xs_get_domain_path(h, 7);
	CHECK(c, dp && strcmp(dp, "/local/domain/7") == 0);
	free(dp);
	CHECK(c, xs_is_domain_introduced(h, 0));
	CHECK(c, !xs_is_domain_introduced(h, 9));
	xs_close(h);
	return 0;
}

static void test_big_directory(void **state)
{
	run_client(*state, big_dir_body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		XS_TEST(test_watch),
		XS_TEST(test_tx_conflict),
		XS_TEST(test_tx_isolation),
		XS_TEST(test_big_directory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
