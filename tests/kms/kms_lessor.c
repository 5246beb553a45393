/* kms_lessor: the test's lessor, inside the real-KMS VM. It opens the
 * card (DRM master), shows its own picture (kms_pattern conn 2) on
 * Virtual-1 at 800x600, leases Virtual-2's connector, CRTC and primary
 * plane, and runs kms_check on the lease: its fd inherited
 * (mode fd: kms_check --drm-fd N) or handed over a lease socket in AGL
 * drm-lease-manager's protocol (mode socket: kms_check --lease-socket
 * PATH; a request is a native int 0, the answer one byte carrying the fd,
 * a hang-up without one a refusal). kms_check's output passes through;
 * its "KMS-LESSOR revoke" line makes us revoke the lease
 * (drmModeRevokeLease), "KMS-LESSOR lease-again" lease the same objects
 * anew for the next request on the socket.
 * Usage: kms_lessor fd|socket SOCKET_PATH KMS_CHECK [ARGS...]
 * Exit: kms_check's, or 1 when the lessor's own set-up fails. */
#include <drm_fourcc.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "fake_lease_manager.h"
#include "kms_pattern.h"

struct lessor {
	int fd;
	uint32_t conn[2], crtc[2], plane2;
	uint32_t lessee;
	int pending;  /* a lease not handed out yet; -1: none */
	int client;   /* the connection the lease went out on */
	unsigned refused;
};

static int fail(const char *what)
{
	printf("KMS-FAIL lessor: %s: %s\n", what, strerror(errno));
	fflush(stdout);
	return -1;
}

/* Virtual-1 and Virtual-2, each with the CRTC its encoder reaches and
 * Virtual-2's primary plane. */
static int find_objects(struct lessor *l)
{
	drmModeRes *res = drmModeGetResources(l->fd);
	drmModePlaneRes *pr = drmModeGetPlaneResources(l->fd);
	if (!res || !pr)
		return fail("resources");
	int crtc_idx[2] = {-1, -1};
	for (int i = 0; i < res->count_connectors; i++) {
		drmModeConnector *c = drmModeGetConnector(l->fd, res->connectors[i]);
		if (c && c->connector_type == DRM_MODE_CONNECTOR_VIRTUAL &&
		    c->connector_type_id >= 1 && c->connector_type_id <= 2 &&
		    c->count_encoders > 0) {
			unsigned k = c->connector_type_id - 1;
			drmModeEncoder *e = drmModeGetEncoder(l->fd, c->encoders[0]);
			for (int b = 0; e && b < res->count_crtcs; b++)
				if (e->possible_crtcs & (1u << b) &&
				    crtc_idx[k] < 0)
					crtc_idx[k] = b;
			drmModeFreeEncoder(e);
			l->conn[k] = c->connector_id;
		}
		drmModeFreeConnector(c);
	}
	for (unsigned k = 0; k < 2; k++)
		if (crtc_idx[k] >= 0)
			l->crtc[k] = res->crtcs[crtc_idx[k]];
	for (uint32_t i = 0; i < pr->count_planes && crtc_idx[1] >= 0; i++) {
		drmModePlane *pl = drmModeGetPlane(l->fd, pr->planes[i]);
		drmModeObjectProperties *props = drmModeObjectGetProperties(
			l->fd, pr->planes[i], DRM_MODE_OBJECT_PLANE);
		for (uint32_t j = 0; pl && props && j < props->count_props; j++) {
			drmModePropertyRes *prop =
				drmModeGetProperty(l->fd, props->props[j]);
			if (prop && !strcmp(prop->name, "type") &&
			    props->prop_values[j] == DRM_PLANE_TYPE_PRIMARY &&
			    pl->possible_crtcs & (1u << crtc_idx[1]) && !l->plane2)
				l->plane2 = pl->plane_id;
			drmModeFreeProperty(prop);
		}
		drmModeFreeObjectProperties(props);
		drmModeFreePlane(pl);
	}
	drmModeFreeResources(res);
	drmModeFreePlaneResources(pr);
	if (!l->conn[0] || !l->conn[1] || !l->crtc[0] || !l->crtc[1] ||
	    !l->plane2) {
		errno = ENODEV;
		return fail("Virtual-1/Virtual-2 with CRTCs and a primary plane");
	}
	return 0;
}

/* Our picture on Virtual-1 in its 800x600 mode. */
static int show_own(struct lessor *l)
{
	drmModeConnector *c = drmModeGetConnector(l->fd, l->conn[0]);
	drmModeModeInfo mode;
	bool found = false;
	for (int m = 0; c && m < c->count_modes && !found; m++) {
		mode = c->modes[m];
		found = mode.hdisplay == 800 && mode.vdisplay == 600;
	}
	drmModeFreeConnector(c);
	if (!found) {
		errno = ENOENT;
		return fail("an 800x600 mode on Virtual-1");
	}
	struct drm_mode_create_dumb cd = {.width = 800, .height = 600, .bpp = 32};
	if (drmIoctl(l->fd, DRM_IOCTL_MODE_CREATE_DUMB, &cd) < 0)
		return fail("dumb buffer");
	struct drm_mode_map_dumb md = {.handle = cd.handle};
	uint32_t handles[4] = {cd.handle}, pitches[4] = {cd.pitch}, fb = 0;
	uint32_t offsets[4] = {0};
	if (drmIoctl(l->fd, DRM_IOCTL_MODE_MAP_DUMB, &md) < 0 ||
	    drmModeAddFB2(l->fd, 800, 600, DRM_FORMAT_XRGB8888, handles,
			  pitches, offsets, &fb, 0) < 0)
		return fail("framebuffer");
	uint8_t *px = mmap(NULL, cd.size, PROT_READ | PROT_WRITE, MAP_SHARED,
			   l->fd, (off_t)md.offset);
	if (px == MAP_FAILED)
		return fail("mmap");
	for (uint32_t y = 0; y < 600; y++)
		for (uint32_t x = 0; x < 800; x++)
			((uint32_t *)(px + y * cd.pitch))[x] =
				kms_pattern(2, 0, x, y);
	if (drmModeSetCrtc(l->fd, l->crtc[0], fb, 0, 0, &l->conn[0], 1,
			   &mode) < 0)
		return fail("modeset of Virtual-1");
	return 0;
}

static int make_lease(struct lessor *l, int flags)
{
	uint32_t objs[3] = {l->conn[1], l->crtc[1], l->plane2};
	int fd = drmModeCreateLease(l->fd, objs, 3, flags, &l->lessee);
	if (fd < 0) {
		errno = -fd;
		return fail("drmModeCreateLease");
	}
	printf("KMS-LESSOR leased Virtual-2 (connector %u, CRTC %u, plane "
	       "%u) to lessee %u\n", objs[0], objs[1], objs[2], l->lessee);
	fflush(stdout);
	return fd;
}

/* One request: the pending lease goes out, or a refusal (hang-up). */
static void serve(struct lessor *l, int lsock)
{
	int op;
	int c = flm_accept(lsock, &op);
	if (c < 0)
		return;
	if (op != 0 || l->pending < 0) {
		l->refused++;
		close(c);
		return;
	}
	if (flm_send_fds(c, &l->pending, 1) < 0)
		fail("sending the lease");
	close(l->pending);
	l->pending = -1;
	if (l->client >= 0)
		close(l->client);
	l->client = c; /* held open while the lease is used */
}

/* kms_check's line: passed on, and acted on when it is a cue. */
static void on_line(struct lessor *l, const char *line)
{
	printf("%s\n", line);
	fflush(stdout);
	if (!strcmp(line, "KMS-LESSOR revoke")) {
		int r = drmModeRevokeLease(l->fd, l->lessee);
		printf("KMS-LESSOR revoked lessee %u: %s\n", l->lessee,
		       r < 0 ? strerror(-r) : "ok");
	} else if (!strcmp(line, "KMS-LESSOR lease-again")) {
		l->pending = make_lease(l, O_CLOEXEC);
	}
	fflush(stdout);
}

/* Until kms_check closes its output: its lines, and the socket. */
static void run(struct lessor *l, int out, int lsock)
{
	char buf[4096];
	size_t have = 0;
	for (;;) {
		struct pollfd pfd[2] = {{.fd = out, .events = POLLIN},
					{.fd = lsock, .events = POLLIN}};
		if (poll(pfd, lsock >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (lsock >= 0 && pfd[1].revents)
			serve(l, lsock);
		if (!pfd[0].revents)
			continue;
		ssize_t n = read(out, buf + have, sizeof(buf) - 1 - have);
		if (n <= 0)
			return;
		have += (size_t)n;
		buf[have] = '\0';
		char *nl, *start = buf;
		while ((nl = strchr(start, '\n'))) {
			*nl = '\0';
			on_line(l, start);
			start = nl + 1;
		}
		have = strlen(start);
		memmove(buf, start, have);
		if (have == sizeof(buf) - 1)
			have = 0; /* an overlong line: dropped */
	}
}

int main(int argc, char **argv)
{
	if (argc < 4 || (strcmp(argv[1], "fd") && strcmp(argv[1], "socket"))) {
		fprintf(stderr, "usage: %s fd|socket SOCKET KMS_CHECK [ARGS]\n",
			argv[0]);
		return 2;
	}
	bool by_fd = !strcmp(argv[1], "fd");
	struct lessor l = {.pending = -1, .client = -1};
	l.fd = open("/dev/dri/card0", O_RDWR | O_CLOEXEC);
	if (l.fd < 0 ||
	    drmSetClientCap(l.fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) < 0 ||
	    find_objects(&l) < 0 || show_own(&l) < 0)
		return l.fd < 0 ? fail("/dev/dri/card0"), 1 : 1;
	int lease = make_lease(&l, by_fd ? 0 : O_CLOEXEC);
	int lsock = by_fd ? -1 : flm_listen(argv[2], 4);
	if (!by_fd && lsock < 0)
		return fail("lease socket"), 1;
	int pipefd[2];
	if (lease < 0 || pipe2(pipefd, O_CLOEXEC) < 0)
		return 1;
	char fdarg[16];
	snprintf(fdarg, sizeof(fdarg), "%d", lease);
	char *args[64];
	int n = 0;
	for (int i = 3; i < argc && n < 60; i++)
		args[n++] = argv[i];
	args[n++] = by_fd ? "--drm-fd" : "--lease-socket";
	args[n++] = by_fd ? fdarg : argv[2];
	args[n] = NULL;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], STDOUT_FILENO);
		execv(args[0], args);
		_exit(127);
	}
	close(pipefd[1]);
	if (by_fd)
		close(lease); /* kms_check holds it now */
	else
		l.pending = lease;
	run(&l, pipefd[0], lsock);
	int status = 0;
	waitpid(pid, &status, 0);
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
	printf("KMS-LESSOR %s run over: kms_check exit %d, %u request(s) "
	       "refused\n", argv[1], code, l.refused);
	fflush(stdout);
	return code;
}
