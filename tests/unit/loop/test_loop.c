/* The event loop: fds, timers, prepare hooks, deferred calls, and removal
 * from inside callbacks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <unistd.h>

#include "loop.h"

struct counter {
	int hits;
	struct loop_source *self;
	struct loop *loop;
};

static void count_cb(void *data)
{
	struct counter *c = data;
	c->hits++;
}

static void count_fd_cb(void *data, int fd, uint32_t events)
{
	struct counter *c = data;
	char buf[16];
	(void)events;
	(void)!read(fd, buf, sizeof(buf));
	c->hits++;
}

static void test_timer_fires_with_user_data(void **state)
{
	(void)state;
	struct loop *loop = loop_create();
	struct counter c = {0};
	struct loop_source *t = loop_add_timer(loop, count_cb, &c);
	assert_non_null(t);
	assert_int_equal(loop_timer_arm(t, 1000000, 1000000), 0);
	uint64_t start = loop_now_ns();
	while (c.hits < 3 && loop_now_ns() - start < 2000000000ull)
		loop_dispatch(loop, 100);
	assert_int_equal(c.hits, 3);
	assert_int_equal(loop_timer_arm(t, 0, 0), 0);
	int before = c.hits;
	loop_dispatch(loop, 20);
	assert_int_equal(c.hits, before);
	loop_destroy(loop);
}

static void test_fd_and_removal_inside_callback(void **state)
{
	(void)state;
	struct loop *loop = loop_create();
	int p[2];
	assert_int_equal(pipe(p), 0);
	struct counter c = {0};
	c.self = loop_add_fd(loop, p[0], EPOLLIN, count_fd_cb, &c);
	assert_non_null(c.self);
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(loop_dispatch(loop, 1000), 1);
	assert_int_equal(c.hits, 1);
	loop_remove(c.self);
	assert_int_equal(write(p[1], "y", 1), 1);
	assert_int_equal(loop_dispatch(loop, 20), 0);
	assert_int_equal(c.hits, 1);
	close(p[0]);
	close(p[1]);
	loop_destroy(loop);
}

static void defer_again(void *data)
{
	struct counter *c = data;
	c->hits++;
	if (c->hits == 1)
		loop_defer(c->loop, defer_again, c); /* runs next turn, not now */
}

static void test_defer_runs_once_per_turn(void **state)
{
	(void)state;
	struct loop *loop = loop_create();
	struct counter c = {.loop = loop};
	loop_defer(loop, defer_again, &c);
	loop_dispatch(loop, 0);
	assert_int_equal(c.hits, 1);
	loop_dispatch(loop, 0);
	assert_int_equal(c.hits, 2);
	loop_dispatch(loop, 0);
	assert_int_equal(c.hits, 2);
	/* A cancelled deferred call never runs. */
	struct loop_source *d = loop_defer(loop, count_cb, &c);
	loop_remove(d);
	loop_dispatch(loop, 0);
	assert_int_equal(c.hits, 2);
	loop_destroy(loop);
}

static void test_prepare_runs_before_each_sleep(void **state)
{
	(void)state;
	struct loop *loop = loop_create();
	struct counter c = {0};
	loop_add_prepare(loop, count_cb, &c);
	loop_dispatch(loop, 0);
	loop_dispatch(loop, 0);
	assert_int_equal(c.hits, 2);
	loop_destroy(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timer_fires_with_user_data),
		cmocka_unit_test(test_fd_and_removal_inside_callback),
		cmocka_unit_test(test_defer_runs_once_per_turn),
		cmocka_unit_test(test_prepare_runs_before_each_sleep),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
