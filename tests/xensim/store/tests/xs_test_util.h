/* Helpers for the store tests: a server on its own loop in a temp dir,
 * loop pumping, spawning tools with captured output, raw wire clients. */
#ifndef XENSIM_XS_TEST_UTIL_H
#define XENSIM_XS_TEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct loop;
struct xs_server;

struct xs_fixture {
	char dir[64];
	char sock[128];
	struct loop *loop;
	struct xs_server *srv;
};

/* 0 or -errno; on failure everything is already cleaned up. */
int xs_fixture_setup(struct xs_fixture *fx);
void xs_fixture_teardown(struct xs_fixture *fx);
/* cmocka per-test setup/teardown: a fixture (calloc'd) in *state. */
int xs_test_setup(void **state);
int xs_test_teardown(void **state);
/* A cmocka test with that fixture. */
#define XS_TEST(fn) cmocka_unit_test_setup_teardown(fn, xs_test_setup, \
						     xs_test_teardown)

/* A path inside the fixture's temp dir (static buffer, one at a time). */
const char *xs_fixture_path(struct xs_fixture *fx, const char *name);

/* Turns the loop for about ms milliseconds. */
void xs_pump(struct loop *loop, int ms);

struct tool_result {
	int status; /* exit code, or -1 if killed/failed */
	char out[16384];
	char err[4096];
};

/* Runs argv with XENSTORED_PATH=sock, pumping loop until it exits (at most
 * timeout_ms, then SIGKILL). Returns 0 or -errno. */
int xs_run_tool(struct loop *loop, const char *sock, char *const argv[],
		int timeout_ms, struct tool_result *res);
/* Same, calling tick(data) on every pump turn while the tool runs. */
int xs_run_tool_tick(struct loop *loop, const char *sock, char *const argv[],
		     int timeout_ms, struct tool_result *res,
		     void (*tick)(void *data), void *data);

/* Raw wire client: a connected non-blocking socket, or -errno. */
int xs_raw_connect(const char *sock);
/* Sends one message with an arbitrary header. */
int xs_raw_send(int fd, uint32_t type, uint32_t req_id, uint32_t tx_id,
		uint32_t len, const void *payload, size_t payload_len);
/* Pumps loop until one full reply arrives on fd (or timeout_ms). Returns
 * payload length (payload NUL-terminated in buf) or -errno; *type gets
 * the message type and *req_id its id. */
int xs_raw_recv(struct loop *loop, int fd, uint32_t *type, uint32_t *req_id,
		char *buf, size_t size, int timeout_ms);

#endif
