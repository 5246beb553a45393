/* vdispld --presenter kms starting where it can't show anything: the
 * real daemon with the simulated Xen host (xensim) and no compositor, on
 * a machine without a usable DRM device. Each start must fail with the
 * exit code and the message an operator needs, never reach for Wayland
 * (WAYLAND_DISPLAY points at a live-looking name nobody serves), and the
 * lease socket path must be the daemon's own: a fake lease manager hands
 * it /dev/null, which it must receive and then refuse as no DRM device.
 * Usage: test_kms_daemon_start <vdispld> */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fake_lease_manager.h"
#include "vd_fixture.h"

static int fails;

/* A one-request lease manager in a child: /dev/null as the "lease". */
static pid_t fake_manager(const char *path)
{
	int s = flm_listen(path, 1);
	if (s < 0)
		return -1;
	pid_t pid = fork();
	if (pid != 0) {
		close(s);
		return pid;
	}
	alarm(20); /* never asked: don't outlive the test */
	int op, c = flm_accept(s, &op), nul = open("/dev/null", O_RDWR);
	if (c < 0 || nul < 0 || op != 0)
		_exit(3);
	_exit(flm_send_fds(c, &nul, 1) < 0 ? 4 : 0);
}

/* Runs vdispld with args; checks its exit code and that its log says
 * each of want (NULL-terminated) and nothing about Wayland. */
static void expect(struct vd_fixture *fx, const char *vdispld,
		   const char *name, const char *const *args, int code,
		   const char *const *want)
{
	const char *argv[16] = {vdispld};
	unsigned n = 1;
	for (unsigned i = 0; args[i] && n < 15; i++)
		argv[n++] = args[i];
	char log[160];
	snprintf(log, sizeof(log), "%s/%s.log", fx->dir, name);
	struct vd_env env;
	int st = vd_fixture_env(fx, &env, false, NULL);
	if (st == 0)
		st = vd_fixture_run(fx, argv, env.v, NULL, log, 20000);
	char *text = vd_slurp(log);
	/* ASan exits 1 too: its report in the log is a failure. */
	bool ok = vd_exit_is(st, code) && text && !strstr(text, "Wayland") &&
		  !strstr(text, "Sanitizer");
	for (unsigned i = 0; ok && want[i]; i++)
		ok = strstr(text, want[i]) != NULL;
	if (!ok) {
		char how[64];
		fprintf(stderr, "FAIL %s: %s (want exit code %d), log:\n%s\n",
			name, vd_exit_describe(st, how, sizeof(how)), code,
			text ? text : "(none)");
		fails++;
	} else {
		printf("ok %s: exit code %d\n", name, code);
	}
	free(text);
}

int main(int argc, char *argv[])
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s <vdispld>\n", argv[0]);
		return 2;
	}
	const char *vd = argv[1];
	struct vd_fixture fx;
	if (vd_fixture_create(&fx, "kmsstart") < 0 ||
	    vd_fixture_start_sim(&fx) < 0) {
		fprintf(stderr, "FAIL: the simulator did not start\n");
		return 1;
	}
	fx.xdg_dir = fx.dir;
	fx.socket = "wayland-nobody";
	char card[96], sock[96], none[96];
	snprintf(card, sizeof(card), "%s/no-card0", fx.dir);
	snprintf(sock, sizeof(sock), "%s/lease.sock", fx.dir);
	snprintf(none, sizeof(none), "%s/no-manager.sock", fx.dir);

	const char *a1[] = {"--presenter", "kms", "--kms-device", card, NULL};
	const char *w1[] = {"kms: cannot open", "cannot show anything through "
			    "KMS", NULL};
	expect(&fx, vd, "no-device", a1, 1, w1);

	const char *a2[] = {"--drm-fd", "77", NULL};
	const char *w2[] = {"DRM fd 77 is not open", NULL};
	expect(&fx, vd, "fd-not-open", a2, 1, w2);

	const char *a3[] = {"--drm-lease-socket", none, NULL};
	const char *w3[] = {"no lease from", "No such file", NULL};
	expect(&fx, vd, "no-manager", a3, 1, w3);

	pid_t mgr = fake_manager(sock);
	const char *a4[] = {"--drm-lease-socket", sock, NULL};
	const char *w4[] = {"lease received from", "no atomic modesetting",
			    NULL};
	expect(&fx, vd, "not-drm", a4, 1, w4);
	/* A manager never asked ends on its alarm (killed: a failure). */
	int st = -1;
	if (mgr < 0 || waitpid(mgr, &st, 0) != mgr || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0) {
		fprintf(stderr, "FAIL: the fake lease manager (status %d)\n",
			st);
		fails++;
	}

	const char *a5[] = {"--presenter", "wayland", "--drm-fd", "3", NULL};
	const char *w5[] = {"need --presenter kms", NULL};
	expect(&fx, vd, "contradiction", a5, 2, w5);

	vd_fixture_destroy(&fx);
	printf("%s\n", fails ? "FAIL" : "PASS");
	return fails ? 1 : 0;
}
