/* xensim: a simulated Xen host (xenstored, grant tables, event channels)
 * with simulated guests, for running the shipping vdispld without Xen. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "drm_front.h"
#include "gsim.h"
#include "guest_spec.h"
#include "log.h"
#include "loop.h"
#include "toolstack.h"
#include "xensim.h"

#define MAX_GUESTS 16

static const char usage[] =
	"Usage: xensim --socket-dir DIR [--guest SPEC]... [options]\n"
	"\n"
	"Runs a simulated Xen host until SIGTERM or SIGINT: a xenstored on\n"
	"DIR/xenstored, the grant/event-channel hypervisor on DIR/gsim (for the\n"
	"drop-in libxengnttab/libxenevtchn/libxenctrl), Dom0's nodes, and\n"
	"guests whose simulated xen-drm-front / xen-kbdfront wait for a backend\n"
	"(vdispld).\n"
	"Prints the environment a backend needs, then READY.\n"
	"\n"
	"Options:\n"
	"  --socket-dir DIR   where to create the sockets (must exist)\n"
	"  --guest SPEC       create a guest (repeatable); SPEC is key=value,...\n"
	"      name=NAME         guest name (default guest<domid>)\n"
	"      domid=N           domain id, required, > 0\n"
	"      mem=PAGES         memory in 4 KiB pages (default 65536)\n"
	"      conn=WxH[:ID]     a vdispl connector with unique-id ID (repeatable)\n"
	"      be-alloc=0|1      vdispl be-alloc (backend allocates buffers)\n"
	"      type=pv|hvm|pvh   what libxenctrl reports (default hvm); a PV\n"
	"                        guest's be-alloc buffers are refused\n"
	"      vkb=ID            a vkb (backend-type=linux) for connector ID:\n"
	"                        abs pointer, multi-touch, 10 contacts\n"
	"      draw=0|1          run a display client: double-buffered test\n"
	"                        pattern, PG_FLIP continuously (default 0)\n"
	"      fps=N             flips per second (default 60; 0: as fast as\n"
	"                        flip events return)\n"
	"      prime=0|1         DBUF_CREATE like a PRIME import (no geometry)\n"
	"      edid=0|1          GET_EDID on each connector first\n"
	"    e.g. --guest name=g1,domid=1,conn=800x600:c0,conn=1024x768:c1,"
	"vkb=c0,draw=1\n"
	"  --no-dmabuf        the grant device cannot export dma-bufs (like\n"
	"                     Debian kernels): vdispld must take the copy path\n"
	"  --ready-file PATH  also write PATH (the env lines) once ready\n"
	"  --log-level LVL    error, warn, info (default), debug\n"
	"  --help             this text\n";

struct options {
	const char *dir;
	const char *ready_file;
	bool no_dmabuf;
	int log_level;
	unsigned nguests;
	struct xensim_guest_spec guests[MAX_GUESTS];
};

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{"socket-dir", required_argument, NULL, 'd'},
		{"guest", required_argument, NULL, 'g'},
		{"no-dmabuf", no_argument, NULL, 'n'},
		{"ready-file", required_argument, NULL, 'r'},
		{"log-level", required_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	char err[128];
	int c;
	o->log_level = LOG_LVL_INFO;
	while ((c = getopt_long(argc, argv, "d:g:nr:l:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o->dir = optarg; break;
		case 'n': o->no_dmabuf = true; break;
		case 'r': o->ready_file = optarg; break;
		case 'h': fputs(usage, stdout); exit(0);
		case 'l':
			o->log_level = log_level_parse(optarg);
			if (o->log_level < 0) {
				fprintf(stderr, "xensim: bad log level '%s'\n", optarg);
				return -EINVAL;
			}
			break;
		case 'g':
			if (o->nguests == MAX_GUESTS ||
			    xensim_guest_spec_parse(optarg, &o->guests[o->nguests],
						    err, sizeof(err)) < 0) {
				fprintf(stderr, "xensim: --guest %s: %s\n", optarg,
					o->nguests == MAX_GUESTS ? "too many guests" : err);
				return -EINVAL;
			}
			o->nguests++;
			break;
		default: fputs(usage, stderr); return -EINVAL;
		}
	}
	if (!o->dir || optind != argc) {
		fputs(usage, stderr);
		return -EINVAL;
	}
	return 0;
}

static void on_signal(void *data, int fd, uint32_t events)
{
	struct loop *loop = data;
	struct signalfd_siginfo si;
	(void)events;
	if (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		log_info("xensim: signal %u, shutting down", si.ssi_signo);
	loop_quit(loop, 0);
}

static int create_guests(struct xensim *sim, const struct options *o)
{
	for (unsigned i = 0; i < o->nguests; i++) {
		const struct xensim_guest_spec *s = &o->guests[i];
		struct xensim_guest *g = xensim_guest_create(sim, &s->cfg);
		if (!g) {
			log_error("xensim: creating guest domid %u: %s",
				  s->cfg.domid, strerror(errno));
			return -errno;
		}
		struct drm_front *f = xensim_guest_drm(g);
		if (s->draw && f && drm_front_start(f, &s->client) < 0)
			return -EIO;
	}
	return 0;
}

/* The env lines go to stdout (and the ready file) for scripts to source. */
static int announce(struct xensim *sim, const char *ready_file)
{
	const char *env[3];
	int n = xensim_env(sim, env, 3);
	FILE *rf = ready_file ? fopen(ready_file, "w") : NULL;
	if (ready_file && !rf) {
		log_error("xensim: writing %s: %s", ready_file, strerror(errno));
		return -errno;
	}
	for (int i = 0; i < n; i++) {
		printf("export %s\n", env[i]);
		if (rf)
			fprintf(rf, "export %s\n", env[i]);
	}
	printf("READY\n");
	fflush(stdout);
	if (rf && fclose(rf) != 0)
		return -EIO;
	return 0;
}

static void report(struct xensim *sim)
{
	for (struct xensim_guest *g = xensim_first_guest(sim); g;
	     g = xensim_next_guest(g)) {
		struct drm_front *f = xensim_guest_drm(g);
		struct drm_front_stats st;
		if (!f)
			continue;
		drm_front_get_stats(f, DRM_FRONT_ALL_CONNS, &st);
		log_info("xensim: %s: state %d, %llu requests, %llu errors, "
			 "%llu time-outs, %llu/%llu flip events in order, "
			 "%llu flip time-outs", xensim_guest_name(g),
			 drm_front_state(f), (unsigned long long)st.requests_sent,
			 (unsigned long long)st.responses_error,
			 (unsigned long long)st.req_timeouts,
			 (unsigned long long)st.flip_events_in_order,
			 (unsigned long long)st.flip_events,
			 (unsigned long long)st.flip_timeouts);
	}
}

static int run(const struct options *o)
{
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	int sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	struct loop *loop = loop_create();
	if (sfd < 0 || !loop || !loop_add_fd(loop, sfd, EPOLLIN, on_signal, loop)) {
		log_error("xensim: setting up the loop: %s", strerror(errno));
		return 1;
	}
	struct xensim *sim = xensim_create(loop, o->dir);
	int ret = sim ? 0 : -errno;
	if (sim && o->no_dmabuf)
		gsim_set_dmabuf(xensim_gsim(sim), false);
	if (!ret)
		ret = create_guests(sim, o);
	if (!ret)
		ret = announce(sim, o->ready_file);
	if (!ret)
		ret = loop_run(loop);
	if (sim)
		report(sim);
	xensim_destroy(sim);
	loop_destroy(loop);
	close(sfd);
	return ret ? 1 : 0;
}

int main(int argc, char **argv)
{
	static struct options o; /* large: guest specs */
	if (parse_args(argc, argv, &o) < 0)
		return 2;
	log_init(o.log_level, "xensim");
	return run(&o);
}
