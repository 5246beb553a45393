/* The distribution's own xenstore-* tools (package xenstore-utils) against
 * the simulated store, over the wire, through the stock libxenstore. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "loop.h"
#include "xs_server.h"
#include "xs_test_util.h"

#define TOOL_TIMEOUT_MS 10000

/* Runs one tool against sock; argv without the NULL terminator. */
static struct tool_result *run_on(struct xs_fixture *fx, const char *sock,
				  int argc, const char **args)
{
	static struct tool_result res;
	char *argv[16];
	assert_true(argc < 16);
	for (int i = 0; i < argc; i++)
		argv[i] = (char *)args[i];
	argv[argc] = NULL;
	assert_int_equal(xs_run_tool(fx->loop, sock, argv, TOOL_TIMEOUT_MS,
				     &res),
			 0);
	return &res;
}

#define RUN(fx, ...)                                                           \
	run_on((fx), (fx)->sock,                                               \
	       sizeof((const char *[]){__VA_ARGS__}) / sizeof(const char *),   \
	       (const char *[]){__VA_ARGS__})
#define RUN_ON(fx, sock, ...)                                                  \
	run_on((fx), (sock),                                                   \
	       sizeof((const char *[]){__VA_ARGS__}) / sizeof(const char *),   \
	       (const char *[]){__VA_ARGS__})

static void test_write_read(void **state)
{
	struct xs_fixture *fx = *state;
	struct tool_result *r =
		RUN(fx, "/usr/bin/xenstore-write", "/test/a", "hello");
	assert_int_equal(r->status, 0);
	r = RUN(fx, "/usr/bin/xenstore-read", "/test/a");
	assert_int_equal(r->status, 0);
	assert_string_equal(r->out, "hello\n");
	/* The tool wrote through the same tree the API sees. */
	char *v = xs_srv_read(fx->srv, 0, "/test/a");
	assert_non_null(v);
	assert_string_equal(v, "hello");
	free(v);
	r = RUN(fx, "/usr/bin/xenstore-read", "/test/missing");
	assert_int_not_equal(r->status, 0);
}

static void test_exists_list(void **state)
{
	struct xs_fixture *fx = *state;
	assert_int_equal(xs_srv_write(fx->srv, 0, "/test/d/one", "1"), 0);
	assert_int_equal(xs_srv_write(fx->srv, 0, "/test/d/two", "2"), 0);
	struct tool_result *r = RUN(fx, "/usr/bin/xenstore-list", "/test/d");
	assert_int_equal(r->status, 0);
	assert_string_equal(r->out, "one\ntwo\n");
	r = RUN(fx, "/usr/bin/xenstore-exists", "/test/d/one");
	assert_int_equal(r->status, 0);
	r = RUN(fx, "/usr/bin/xenstore-exists", "/test/d/three");
	assert_int_not_equal(r->status, 0);
}

static void test_ls_full_perms(void **state)
{
	struct xs_fixture *fx = *state;
	const struct xs_srv_perm p[] = {{0, 'n'}, {1, 'r'}};
	assert_int_equal(xs_srv_write(fx->srv, 0, "/test/ls/k", "v"), 0);
	assert_int_equal(xs_srv_set_perms(fx->srv, 0, "/test/ls/k", p, 2), 0);
	struct tool_result *r =
		RUN(fx, "/usr/bin/xenstore-ls", "-f", "-p", "/test/ls");
	assert_int_equal(r->status, 0);
	assert_non_null(strstr(r->out, "/test/ls/k = \"v\""));
	assert_non_null(strstr(r->out, "(n0,r1)"));
	r = RUN(fx, "/usr/bin/xenstore-ls", "/test");
	assert_int_equal(r->status, 0);
	assert_non_null(strstr(r->out, "ls = \"\""));
	assert_non_null(strstr(r->out, " k = \"v\""));
}

static void test_rm(void **state)
{
	struct xs_fixture *fx = *state;
	assert_int_equal(xs_srv_write(fx->srv, 0, "/test/rm/a/b", "x"), 0);
	struct tool_result *r = RUN(fx, "/usr/bin/xenstore-rm", "/test/rm/a");
	assert_int_equal(r->status, 0);
	assert_null(xs_srv_read(fx->srv, 0, "/test/rm/a/b"));
	char *v = xs_srv_read(fx->srv, 0, "/test/rm");
	assert_non_null(v);
	free(v);
}

static void test_chmod(void **state)
{
	struct xs_fixture *fx = *state;
	struct xs_srv_perm p[4];
	assert_int_equal(xs_srv_write(fx->srv, 0, "/test/ch", "x"), 0);
	struct tool_result *r =
		RUN(fx, "/usr/bin/xenstore-chmod", "/test/ch", "n5", "r7");
	assert_int_equal(r->status, 0);
	assert_int_equal(xs_srv_get_perms(fx->srv, 0, "/test/ch", p, 4), 2);
	assert_int_equal(p[0].domid, 5);
	assert_int_equal(p[0].perm, 'n');
	assert_int_equal(p[1].domid, 7);
	assert_int_equal(p[1].perm, 'r');
	r = RUN(fx, "/usr/bin/xenstore-ls", "-p", "/test");
	assert_non_null(strstr(r->out, "(n5,r7)"));
}

struct watch_ctx {
	struct xs_fixture *fx;
	unsigned base;
	bool written;
};

/* Makes the change once the tool's watch is registered. */
static void watch_tick(void *data)
{
	struct watch_ctx *c = data;
	if (c->written || xs_srv_watch_count(c->fx->srv) <= c->base)
		return;
	c->written = true;
	assert_int_equal(xs_srv_write(c->fx->srv, 0, "/test/w/sub", "1"), 0);
}

/* xenstore-watch -n 2: the registration firing, then our change below
 * the watched path. */
static void test_watch(void **state)
{
	struct xs_fixture *fx = *state;
	assert_int_equal(xs_srv_write(fx->srv, 0, "/test/w", "0"), 0);
	struct watch_ctx c = {fx, xs_srv_watch_count(fx->srv), false};
	char *argv[] = {"/usr/bin/xenstore-watch", "-n", "2", "/test/w", NULL};
	struct tool_result res;
	assert_int_equal(xs_run_tool_tick(fx->loop, fx->sock, argv,
					  TOOL_TIMEOUT_MS, &res, watch_tick,
					  &c),
			 0);
	assert_true(c.written);
	assert_int_equal(res.status, 0);
	assert_string_equal(res.out, "/test/w\n/test/w/sub\n");
	/* The tool's connection and watch are gone with it. */
	xs_pump(fx->loop, 50);
	assert_int_equal(xs_srv_watch_count(fx->srv), c.base);
	assert_int_equal(xs_srv_connection_count(fx->srv), 0);
}

static void test_guest_socket(void **state)
{
	struct xs_fixture *fx = *state;
	const char *gsock = xs_fixture_path(fx, "guest5");
	char gpath[192];
	snprintf(gpath, sizeof(gpath), "%s", gsock);
	assert_int_equal(xs_server_add_domain_socket(fx->srv, 5, gpath), 0);
	const struct xs_srv_perm own[] = {{5, 'n'}};
	assert_int_equal(xs_srv_mkdir(fx->srv, 0, "/local/domain/5"), 0);
	assert_int_equal(xs_srv_set_perms(fx->srv, 0, "/local/domain/5", own,
					  1),
			 0);
	struct tool_result *r = RUN_ON(fx, gpath, "/usr/bin/xenstore-write",
				       "/local/domain/0/evil", "x");
	assert_int_not_equal(r->status, 0);
	/* xenstore-write doesn't print errno; -ls does. */
	assert_non_null(strstr(r->err, "could not write"));
	r = RUN_ON(fx, gpath, "/usr/bin/xenstore-ls", "/local/domain/0");
	assert_int_not_equal(r->status, 0);
	assert_non_null(strstr(r->err, "Permission denied"));
	r = RUN_ON(fx, gpath, "/usr/bin/xenstore-chmod", "/local/domain/0",
		   "b5");
	assert_int_not_equal(r->status, 0);
	assert_non_null(strstr(r->err, "Permission denied"));
	assert_null(xs_srv_read(fx->srv, 0, "/local/domain/0/evil"));
	r = RUN_ON(fx, gpath, "/usr/bin/xenstore-write",
		   "/local/domain/5/mine", "ok");
	assert_int_equal(r->status, 0);
	char *v = xs_srv_read(fx->srv, 0, "/local/domain/5/mine");
	assert_non_null(v);
	assert_string_equal(v, "ok");
	free(v);
	/* Relative paths resolve into the guest's own directory. */
	r = RUN_ON(fx, gpath, "/usr/bin/xenstore-read", "mine");
	assert_int_equal(r->status, 0);
	assert_string_equal(r->out, "ok\n");
	/* And the guest owns what it created. */
	struct xs_srv_perm p[2];
	assert_int_equal(
		xs_srv_get_perms(fx->srv, 0, "/local/domain/5/mine", p, 2), 1);
	assert_int_equal(p[0].domid, 5);
}

int main(void)
{
	if (access("/usr/bin/xenstore-read", X_OK) != 0) {
		printf("SKIP: xenstore-utils not installed\n");
		return 77;
	}
	const struct CMUnitTest tests[] = {
		XS_TEST(test_write_read),
		XS_TEST(test_exists_list),
		XS_TEST(test_ls_full_perms),
		XS_TEST(test_rm),
		XS_TEST(test_chmod),
		XS_TEST(test_watch),
		XS_TEST(test_guest_socket),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
