/* vdispld as a systemd service talks to the service manager: READY=1,
 * STATUS= with the guests and connectors served, and WATCHDOG=1
 * keepalives at half of WatchdogSec (WATCHDOG_USEC), all on
 * $NOTIFY_SOCKET, here a datagram socket of the test's. STATUS= follows
 * the guest going away too (vdispld counts again only when a device
 * connects or disconnects).
 *
 * Usage: test_agl_notify <vdispld> */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "agl_fixture.h"
#include "loop.h"
#include "toolstack.h"

#define WATCHDOG_USEC 400000 /* keepalives expected every 200 ms */

static const struct agl_conn conns[] = {{320, 240, "c0"}, {256, 192, "c1"}};

struct notes {
	int fd;
	unsigned ready, watchdogs;
	char status[256];
	uint64_t first_wd, last_wd;
};

static void drain(struct notes *n)
{
	char buf[1024];
	ssize_t len;
	while ((len = recv(n->fd, buf, sizeof(buf) - 1, MSG_DONTWAIT)) > 0) {
		buf[len] = '\0';
		for (char *save = NULL, *l = strtok_r(buf, "\n", &save); l;
		     l = strtok_r(NULL, "\n", &save)) {
			if (!strcmp(l, "READY=1"))
				n->ready++;
			else if (!strncmp(l, "STATUS=", 7))
				snprintf(n->status, sizeof(n->status), "%s",
					 l + 7);
			else if (!strcmp(l, "WATCHDOG=1")) {
				n->last_wd = loop_now_ns();
				if (!n->watchdogs++)
					n->first_wd = n->last_wd;
			}
		}
	}
}

/* "xl destroy": STATUS= says no guest is served any more. */
static int guest_gone(struct agl *a, struct notes *n)
{
	static const char *const want = "Serving 0 guest(s), 0 connector(s)";
	xensim_guest_destroy(a->guest);
	a->guest = NULL;
	uint64_t end = loop_now_ns() + 10000000000ull;
	while (strcmp(n->status, want) && loop_now_ns() < end) {
		loop_dispatch(a->vf.loop, 10);
		drain(n);
	}
	printf("after the guest went: STATUS=\"%s\"\n", n->status);
	if (!strcmp(n->status, want))
		return 0;
	fprintf(stderr, "FAIL: STATUS=\"%s\" 10 s after the guest went\n",
		n->status);
	return 1;
}

int main(int argc, char *argv[])
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s <vdispld>\n", argv[0]);
		return 2;
	}
	struct weston_harness_opts wo = {.shell = "desktop-shell.so"};
	struct agl a;
	int r = agl_start_with_guest(&a, &wo, conns, 2);
	if (r != 0)
		return r;
	struct notes n = {.fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)};
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/notify", a.vf.dir);
	if (n.fd < 0 || bind(n.fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		perror("notify socket");
		agl_finish(&a);
		return 1;
	}
	char e_sock[160], e_wd[64];
	snprintf(e_sock, sizeof(e_sock), "NOTIFY_SOCKET=%s", addr.sun_path);
	snprintf(e_wd, sizeof(e_wd), "WATCHDOG_USEC=%d", WATCHDOG_USEC);
	const char *extra[] = {e_sock, e_wd, "WATCHDOG_PID=", NULL};
	int fails = 0;
	if (agl_start_vdispld_env(&a, argv[1], "[general]\nshell = xdg\n",
				  extra) < 0 ||
	    !agl_wait_static(&a, 15000)) {
		fails++;
	} else {
		/* 1.5 s of keepalives after the screens settled. */
		uint64_t end = loop_now_ns() + 1500000000ull;
		while (loop_now_ns() < end) {
			loop_dispatch(a.vf.loop, 10);
			drain(&n);
		}
		double span = (double)(n.last_wd - n.first_wd) / 1e9;
		double every = n.watchdogs > 1 ? span / (n.watchdogs - 1) : 0;
		printf("READY=1 x%u, STATUS=\"%s\", %u keepalives, every "
		       "%.0f ms\n", n.ready, n.status, n.watchdogs,
		       every * 1000);
		if (n.ready != 1) {
			fprintf(stderr, "FAIL: READY=1 sent %u times\n",
				n.ready);
			fails++;
		}
		if (strcmp(n.status, "Serving 1 guest(s), 2 connector(s)")) {
			fprintf(stderr, "FAIL: STATUS=\"%s\"\n", n.status);
			fails++;
		}
		/* Half of 400 ms: some 200 ms apart, never near 400. */
		if (n.watchdogs < 5 || every < 0.15 || every > 0.3) {
			fprintf(stderr, "FAIL: %u keepalives, every %.3f s "
				"(want about 0.2 s)\n", n.watchdogs, every);
			fails++;
		}
		fails += guest_gone(&a, &n);
	}
	if (fails)
		vd_fixture_report(&a.vf);
	agl_finish(&a);
	close(n.fd);
	printf("%s\n", fails ? "FAIL" : "PASS");
	return fails ? 1 : 0;
}
