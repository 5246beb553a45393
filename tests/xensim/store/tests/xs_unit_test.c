/* In-process API and wire robustness of the simulated xenstored. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <xen/io/xs_wire.h>

#include "loop.h"
#include "xs_server.h"
#include "xs_test_util.h"

/* A guest directory the way the toolstack makes one: owned by the guest. */
static void make_guest_dir(struct xs_server *srv, uint32_t domid)
{
	char path[64];
	const struct xs_srv_perm own = {domid, 'n'};
	snprintf(path, sizeof(path), "/local/domain/%u", domid);
	assert_int_equal(xs_srv_mkdir(srv, 0, path), 0);
	assert_int_equal(xs_srv_set_perms(srv, 0, path, &own, 1), 0);
}

static void expect_read_errno(struct xs_server *srv, uint32_t caller,
			      const char *path, int err)
{
	errno = 0;
	char *v = xs_srv_read(srv, caller, path);
	assert_null(v);
	assert_int_equal(errno, err);
}

static void test_guest_perms(void **state)
{
	struct xs_fixture *fx = *state;
	struct xs_server *srv = fx->srv;
	make_guest_dir(srv, 5);
	make_guest_dir(srv, 6);
	assert_int_equal(xs_srv_write(srv, 0, "/local/domain/0/secret", "s"), 0);
	/* (n0) inherited from dom0's directory: guests can't read it. */
	expect_read_errno(srv, 5, "/local/domain/0/secret", EACCES);
	/* Hidden names don't leak as ENOENT either. */
	expect_read_errno(srv, 5, "/local/domain/0/nothing", EACCES);
	expect_read_errno(srv, 5, "/local/domain/5/nothing", ENOENT);
	assert_int_equal(xs_srv_write(srv, 5, "/local/domain/5/a/b", "v"), 0);
	assert_int_equal(xs_srv_write(srv, 5, "/local/domain/6/x", "v"), -EACCES);
	assert_int_equal(xs_srv_write(srv, 5, "/local/domain/0/x", "v"), -EACCES);
	assert_int_equal(xs_srv_write(srv, 5, "/local/domain/9/x", "v"), -EACCES);
	assert_int_equal(xs_srv_rm(srv, 5, "/local/domain/0/secret"), -EACCES);
	/* Created nodes, parents included, belong to the guest. */
	struct xs_srv_perm p[4];
	assert_int_equal(xs_srv_get_perms(srv, 0, "/local/domain/5/a", p, 4), 1);
	assert_int_equal(p[0].domid, 5);
	/* The owner grants read to dom6, but can't give the node away. */
	const struct xs_srv_perm grant[] = {{5, 'n'}, {6, 'r'}};
	assert_int_equal(xs_srv_set_perms(srv, 5, "/local/domain/5/a/b", grant,
					  2),
			 0);
	char *v = xs_srv_read(srv, 6, "/local/domain/5/a/b");
	assert_non_null(v);
	assert_string_equal(v, "v");
	free(v);
	assert_int_equal(xs_srv_write(srv, 6, "/local/domain/5/a/b", "w"),
			 -EACCES);
	const struct xs_srv_perm giveaway[] = {{6, 'n'}};
	assert_int_equal(xs_srv_set_perms(srv, 5, "/local/domain/5/a/b",
					  giveaway, 1),
			 -EPERM);
	assert_int_equal(xs_srv_set_perms(srv, 6, "/local/domain/5/a/b", grant,
					  2),
			 -EACCES);
	const struct xs_srv_perm bad[] = {{5, 'x'}};
	assert_int_equal(xs_srv_set_perms(srv, 5, "/local/domain/5/a/b", bad,
					  1),
			 -EINVAL);
	/* dom0 is privileged: reads anything. */
	v = xs_srv_read(srv, 0, "/local/domain/5/a/b");
	assert_non_null(v);
	free(v);
}

/* A value that could not come back in one reply is refused (xenstored
 * does); one that fits is kept whole. */
static void test_value_size_limit(void **state)
{
	struct xs_fixture *fx = *state;
	char *big = malloc(XENSTORE_PAYLOAD_MAX + 2);
	assert_non_null(big);
	memset(big, 'a', XENSTORE_PAYLOAD_MAX + 1);
	big[XENSTORE_PAYLOAD_MAX + 1] = '\0';
	assert_int_equal(xs_srv_write(fx->srv, 0, "/big", big), -E2BIG);
	big[XENSTORE_PAYLOAD_MAX] = '\0';
	assert_int_equal(xs_srv_write(fx->srv, 0, "/big", big), 0);
	char *v = xs_srv_read(fx->srv, 0, "/big");
	assert_non_null(v);
	assert_int_equal(strlen(v), XENSTORE_PAYLOAD_MAX);
	free(v);
	free(big);
}

static void test_paths(void **state)
{
	struct xs_fixture *fx = *state;
	struct xs_server *srv = fx->srv;
	make_guest_dir(srv, 5);
	assert_int_equal(xs_srv_write(srv, 5, "rel/a", "v"), 0);
	char *v = xs_srv_read(srv, 0, "/local/domain/5/rel/a");
	assert_non_null(v);
	assert_string_equal(v, "v");
	free(v);
	v = xs_srv_read(srv, 5, "rel/a");
	assert_non_null(v);
	free(v);
	unsigned num = 0;
	char **list = xs_srv_directory(srv, 5, "rel", &num);
	assert_non_null(list);
	assert_int_equal(num, 1);
	assert_string_equal(list[0], "a");
	assert_null(list[1]);
	xs_srv_free_list(list);
	const char *invalid[] = {"", "/a//b", "/a/", "/a b", "@releaseDomain",
				 "/a\\b"};
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
		assert_int_equal(xs_srv_write(srv, 0, invalid[i], "x"), -EINVAL);
	char *longpath = malloc(XENSTORE_ABS_PATH_MAX + 10);
	assert_non_null(longpath);
	memset(longpath, 'a', XENSTORE_ABS_PATH_MAX + 9);
	longpath[0] = '/';
	longpath[XENSTORE_ABS_PATH_MAX + 9] = '\0';
	assert_int_equal(xs_srv_write(srv, 0, longpath, "x"), -EINVAL);
	free(longpath);
	/* xenstored: removing what isn't there is fine if the parent is. */
	assert_int_equal(xs_srv_rm(srv, 0, "/local/nothing"), 0);
	assert_int_equal(xs_srv_rm(srv, 0, "/local/no/thing"), -ENOENT);
	assert_int_equal(xs_srv_rm(srv, 0, "/"), -EINVAL);
	/* mkdir of an existing node leaves its value alone. */
	assert_int_equal(xs_srv_mkdir(srv, 0, "/local/domain/5/rel/a"), 0);
	v = xs_srv_read(srv, 0, "/local/domain/5/rel/a");
	assert_string_equal(v, "v");
	free(v);
}

struct recorder {
	unsigned count;
	char paths[8][128];
	struct xs_srv_watch *unwatch_me;
};

static void record(void *data, const char *path)
{
	struct recorder *r = data;
	if (r->count < 8)
		snprintf(r->paths[r->count], sizeof(r->paths[0]), "%s", path);
	r->count++;
	if (r->unwatch_me) {
		xs_srv_unwatch(r->unwatch_me);
		r->unwatch_me = NULL;
	}
}

static void test_watch_deferred(void **state)
{
	struct xs_fixture *fx = *state;
	struct xs_server *srv = fx->srv;
	struct recorder rec = {0};
	struct xs_srv_watch *w = xs_srv_watch(srv, 0, "/d", record, &rec);
	assert_non_null(w);
	assert_int_equal(rec.count, 0); /* not from inside the call */
	xs_pump(fx->loop, 20);
	assert_int_equal(rec.count, 1);
	assert_string_equal(rec.paths[0], "/d");
	assert_int_equal(xs_srv_write(srv, 0, "/d/x", "1"), 0);
	assert_int_equal(xs_srv_write(srv, 0, "/other", "1"), 0);
	assert_int_equal(rec.count, 1);
	xs_pump(fx->loop, 20);
	assert_int_equal(rec.count, 2);
	assert_string_equal(rec.paths[1], "/d/x");
	/* Events still queued when the watch goes are dropped. */
	assert_int_equal(xs_srv_write(srv, 0, "/d/y", "1"), 0);
	xs_srv_unwatch(w);
	xs_pump(fx->loop, 20);
	assert_int_equal(rec.count, 2);
	assert_int_equal(xs_srv_watch_count(srv), 0);
}

static void test_watch_relative_and_unwatch_in_cb(void **state)
{
	struct xs_fixture *fx = *state;
	struct xs_server *srv = fx->srv;
	make_guest_dir(srv, 5);
	struct recorder rel = {0}, other = {0};
	struct xs_srv_watch *w1 = xs_srv_watch(srv, 5, "dev", record, &rel);
	struct xs_srv_watch *w2 =
		xs_srv_watch(srv, 0, "/local/domain/5", record, &other);
	assert_non_null(w1);
	assert_non_null(w2);
	/* w1's first callback removes w2, whose event is queued behind it. */
	rel.unwatch_me = w2;
	xs_pump(fx->loop, 20);
	assert_int_equal(rel.count, 1);
	assert_string_equal(rel.paths[0], "dev");
	assert_int_equal(other.count, 0);
	assert_int_equal(xs_srv_write(srv, 5, "dev/state", "1"), 0);
	xs_pump(fx->loop, 20);
	assert_int_equal(rel.count, 2);
	assert_string_equal(rel.paths[1], "dev/state");
	xs_srv_unwatch(w1);
}

static void test_watch_perms(void **state)
{
	struct xs_fixture *fx = *state;
	struct xs_server *srv = fx->srv;
	make_guest_dir(srv, 5);
	struct recorder rec = {0};
	struct xs_srv_watch *w = xs_srv_watch(srv, 5, "/local", record, &rec);
	xs_pump(fx->loop, 20);
	assert_int_equal(rec.count, 1);
	/* A change the guest can't read is not reported to it. */
	assert_int_equal(xs_srv_write(srv, 0, "/local/domain/0/k", "1"), 0);
	assert_int_equal(xs_srv_write(srv, 5, "/local/domain/5/k", "1"), 0);
	xs_pump(fx->loop, 20);
	assert_int_equal(rec.count, 2);
	assert_string_equal(rec.paths[1], "/local/domain/5/k");
	xs_srv_unwatch(w);
}

static void test_release_domain(void **state)
{
	struct xs_fixture *fx = *state;
	struct xs_server *srv = fx->srv;
	make_guest_dir(srv, 5);
	struct recorder intro = {0}, rel = {0}, guest = {0};
	struct xs_srv_watch *wi =
		xs_srv_watch(srv, 0, "@introduceDomain", record, &intro);
	struct xs_srv_watch *wr =
		xs_srv_watch(srv, 0, "@releaseDomain", record, &rel);
	struct xs_srv_watch *wg = xs_srv_watch(srv, 5, "dev", record, &guest);
	const char *gsock = xs_fixture_path(fx, "guest5");
	assert_int_equal(xs_server_add_domain_socket(srv, 5, gsock), 0);
	int fd = xs_raw_connect(gsock);
	assert_true(fd >= 0);
	xs_pump(fx->loop, 20);
	assert_int_equal(xs_srv_connection_count(srv), 1);
	assert_int_equal(intro.count, 1);
	assert_string_equal(intro.paths[0], "@introduceDomain");
	assert_int_equal(rel.count, 1);
	xs_srv_introduce_domain(srv, 5);
	xs_pump(fx->loop, 20);
	assert_int_equal(intro.count, 2);
	assert_int_equal(xs_srv_watch_count(srv), 3);
	xs_srv_release_domain(srv, 5);
	xs_pump(fx->loop, 20);
	assert_int_equal(rel.count, 2);
	assert_string_equal(rel.paths[1], "@releaseDomain");
	/* The guest's connection and watches are gone... */
	assert_int_equal(xs_srv_connection_count(srv), 0);
	assert_int_equal(xs_srv_watch_count(srv), 2);
	char c;
	assert_int_equal(read(fd, &c, 1), 0);
	close(fd);
	/* ...its nodes are not (the toolstack removes them). */
	assert_int_equal(xs_srv_write(srv, 0, "/local/domain/5/dev", "x"), 0);
	xs_pump(fx->loop, 20);
	assert_int_equal(guest.count, 1);
	xs_srv_unwatch(wg); /* still the caller's to free */
	xs_srv_unwatch(wi);
	xs_srv_unwatch(wr);
}

/* One request over a raw socket; returns the reply payload. */
static int raw_call(struct xs_fixture *fx, int fd, uint32_t type,
		    const void *payload, size_t len, uint32_t *rtype,
		    char *buf, size_t size)
{
	uint32_t req_id;
	assert_int_equal(xs_raw_send(fd, type, 42, 0, (uint32_t)len, payload,
				     len),
			 0);
	int n = xs_raw_recv(fx->loop, fd, rtype, &req_id, buf, size, 2000);
	assert_true(n >= 0);
	assert_int_equal(req_id, 42);
	return n;
}

static void expect_error(struct xs_fixture *fx, int fd, uint32_t type,
			 const void *payload, size_t len, const char *err)
{
	uint32_t rtype;
	char buf[256];
	int n = raw_call(fx, fd, type, payload, len, &rtype, buf, sizeof(buf));
	assert_int_equal(rtype, XS_ERROR);
	assert_int_equal(n, (int)strlen(err) + 1);
	assert_string_equal(buf, err);
}

static void expect_alive(struct xs_fixture *fx, int fd)
{
	uint32_t rtype;
	char buf[64];
	int n = raw_call(fx, fd, XS_GET_DOMAIN_PATH, "3", 2, &rtype, buf,
			 sizeof(buf));
	assert_int_equal(rtype, XS_GET_DOMAIN_PATH);
	assert_int_equal(n, (int)sizeof("/local/domain/3"));
	assert_string_equal(buf, "/local/domain/3");
}

static void test_malformed_wire(void **state)
{
	struct xs_fixture *fx = *state;
	int fd = xs_raw_connect(fx->sock);
	assert_true(fd >= 0);
	expect_error(fx, fd, 999, "x", 2, "EINVAL");
	expect_error(fx, fd, XS_WATCH_EVENT, "a\0b", 4, "EINVAL");
	expect_error(fx, fd, XS_ERROR, "", 0, "EINVAL");
	expect_error(fx, fd, XS_READ, "/local", 6, "EINVAL"); /* no NUL */
	expect_error(fx, fd, XS_READ, "/a\0/b", 6, "EINVAL"); /* two args */
	expect_error(fx, fd, XS_READ, "", 0, "EINVAL");
	expect_error(fx, fd, XS_WRITE, "/nonul", 6, "EINVAL");
	expect_error(fx, fd, XS_WATCH, "/a", 3, "EINVAL"); /* no token */
	expect_error(fx, fd, XS_SET_PERMS, "/local\0x0", 10, "EINVAL");
	expect_error(fx, fd, XS_SET_PERMS, "/local\0r-1", 11, "EINVAL");
	expect_error(fx, fd, XS_SET_PERMS, "/local", 7, "EINVAL");
	expect_error(fx, fd, XS_TRANSACTION_END, "X", 2, "EINVAL");
	expect_error(fx, fd, XS_GET_DOMAIN_PATH, "abc", 4, "EINVAL");
	expect_error(fx, fd, XS_READ, "/no/such", 9, "ENOENT");
	/* A transaction id that isn't ours. */
	uint32_t rtype, req_id;
	char buf[256];
	assert_int_equal(xs_raw_send(fd, XS_READ, 7, 1234, 7, "/local", 7), 0);
	assert_int_equal(xs_raw_recv(fx->loop, fd, &rtype, &req_id, buf,
				     sizeof(buf), 2000),
			 7);
	assert_int_equal(rtype, XS_ERROR);
	assert_string_equal(buf, "ENOENT");
	/* Oversized: answered, body skipped, connection still usable. */
	char *junk = calloc(1, XENSTORE_PAYLOAD_MAX + 100);
	assert_non_null(junk);
	assert_int_equal(xs_raw_send(fd, XS_WRITE, 42, 0,
				     XENSTORE_PAYLOAD_MAX + 100, junk,
				     XENSTORE_PAYLOAD_MAX + 100),
			 0);
	free(junk);
	assert_int_equal(xs_raw_recv(fx->loop, fd, &rtype, &req_id, buf,
				     sizeof(buf), 2000),
			 7);
	assert_int_equal(rtype, XS_ERROR);
	assert_string_equal(buf, "EINVAL");
	expect_alive(fx, fd);
	close(fd);
}

static void test_wire_guest_and_partial(void **state)
{
	struct xs_fixture *fx = *state;
	const char *gsock = xs_fixture_path(fx, "guest5");
	assert_int_equal(xs_server_add_domain_socket(fx->srv, 5, gsock), 0);
	int fd = xs_raw_connect(gsock);
	assert_true(fd >= 0);
	expect_error(fx, fd, XS_INTRODUCE, "5\0" "0\0" "1", 6, "EACCES");
	expect_error(fx, fd, XS_RELEASE, "5", 2, "EACCES");
	expect_error(fx, fd, XS_WRITE, "/local/domain/0/x\0v", 20, "EACCES");
	/* A request trickling in one byte at a time. */
	struct xsd_sockmsg hdr = {XS_GET_DOMAIN_PATH, 9, 0, 2};
	char msg[sizeof(hdr) + 2];
	memcpy(msg, &hdr, sizeof(hdr));
	memcpy(msg + sizeof(hdr), "5", 2);
	for (size_t i = 0; i < sizeof(msg); i++) {
		assert_int_equal(write(fd, msg + i, 1), 1);
		xs_pump(fx->loop, 2);
	}
	uint32_t rtype, req_id;
	char buf[64];
	assert_int_equal(xs_raw_recv(fx->loop, fd, &rtype, &req_id, buf,
				     sizeof(buf), 2000),
			 (int)sizeof("/local/domain/5"));
	assert_int_equal(req_id, 9);
	assert_string_equal(buf, "/local/domain/5");
	close(fd);
}

static void test_many_connections(void **state)
{
	struct xs_fixture *fx = *state;
	enum { N = 64 };
	int fds[N];
	for (int i = 0; i < N; i++) {
		fds[i] = xs_raw_connect(fx->sock);
		assert_true(fds[i] >= 0);
		/* Each leaves a watch and a transaction behind. */
		assert_int_equal(xs_raw_send(fds[i], XS_WATCH, 1, 0, 6,
					     "/a\0tk", 6),
				 0);
		assert_int_equal(xs_raw_send(fds[i], XS_TRANSACTION_START, 2,
					     0, 1, "", 1),
				 0);
	}
	xs_pump(fx->loop, 100);
	assert_int_equal(xs_srv_connection_count(fx->srv), N);
	assert_int_equal(xs_srv_watch_count(fx->srv), N);
	/* The reply, then the registration firing, then the transaction. */
	const uint32_t order[] = {XS_WATCH, XS_WATCH_EVENT,
				  XS_TRANSACTION_START};
	for (int i = 0; i < N; i++) {
		for (int m = 0; m < 3; m++) {
			uint32_t rtype, req_id;
			char buf[64];
			assert_true(xs_raw_recv(fx->loop, fds[i], &rtype,
						&req_id, buf, sizeof(buf),
						2000) > 0);
			assert_int_equal(rtype, order[m]);
			if (rtype == XS_WATCH_EVENT)
				assert_memory_equal(buf, "/a\0tk", 6);
		}
		expect_alive(fx, fds[i]);
	}
	for (int i = 0; i < N; i++)
		close(fds[i]);
	xs_pump(fx->loop, 100);
	assert_int_equal(xs_srv_connection_count(fx->srv), 0);
	assert_int_equal(xs_srv_watch_count(fx->srv), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		XS_TEST(test_guest_perms),
		XS_TEST(test_paths),
		XS_TEST(test_value_size_limit),
		XS_TEST(test_watch_deferred),
		XS_TEST(test_watch_relative_and_unwatch_in_cb),
		XS_TEST(test_watch_perms),
		XS_TEST(test_release_domain),
		XS_TEST(test_malformed_wire),
		XS_TEST(test_wire_guest_and_partial),
		XS_TEST(test_many_connections),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
