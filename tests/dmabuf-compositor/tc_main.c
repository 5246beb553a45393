/* vdispld-test-compositor: flags, wiring onto the project's epoll loop,
 * readiness (READY on stdout and sd_notify), and a clean SIGTERM exit. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include <systemd/sd-daemon.h>
#include <wayland-server.h>

#include "log.h"
#include "loop.h"
#include "tc.h"

static const char usage[] =
	"usage: vdispld-test-compositor [options]\n"
	"  --socket NAME          listen on $XDG_RUNTIME_DIR/NAME (default: auto)\n"
	"  --report FILE          one line per commit / dma-buf import\n"
	"  --report-fd N          the same, to an inherited fd\n"
	"  --dump-dir DIR         last frame of each surface as DIR/<name>.raw\n"
	"  --no-dmabuf            do not advertise zwp_linux_dmabuf_v1\n"
	"  --dmabuf-version 3|4   zwp_linux_dmabuf_v1 version (default 4)\n"
	"  --refuse-dmabuf        answer every dma-buf import with `failed`\n"
	"  --output-size WxH      wl_output mode (default 1024x768)\n"
	"  --unthrottled          frame callbacks done at commit (no 60 Hz grid)\n"
	"  --no-read              do not read committed pixels (no CRC)\n"
	"  --no-viewporter        do not advertise wp_viewporter\n"
	"  --attach-only          take dma-bufs that don't mmap (a real grant\n"
	"                         export) unread, as scan-out would\n"
	"  --release-delay-ms N   release a replaced buffer N ms later\n"
	"  --frame-period-ms N    frame callbacks on an N ms grid (default 60 Hz)\n"
	"  --frames-stop-after-ms N  no frame callback done N ms after start\n"
	"                         (as for a surface that became hidden)\n"
	"  --verbose              debug logs on stderr\n";

static int parse_args(int argc, char **argv, struct tc_config *cfg)
{
	static const struct option opts[] = {
		{"socket", required_argument, NULL, 's'},
		{"report", required_argument, NULL, 'r'},
		{"report-fd", required_argument, NULL, 'f'},
		{"dump-dir", required_argument, NULL, 'd'},
		{"no-dmabuf", no_argument, NULL, 'n'},
		{"dmabuf-version", required_argument, NULL, 'V'},
		{"refuse-dmabuf", no_argument, NULL, 'R'},
		{"output-size", required_argument, NULL, 'o'},
		{"unthrottled", no_argument, NULL, 'U'},
		{"no-read", no_argument, NULL, 'N'},
		{"no-viewporter", no_argument, NULL, 'P'},
		{"attach-only", no_argument, NULL, 'A'},
		{"release-delay-ms", required_argument, NULL, 'D'},
		{"frame-period-ms", required_argument, NULL, 'F'},
		{"frames-stop-after-ms", required_argument, NULL, 'S'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	*cfg = (struct tc_config){.report_fd = -1, .dmabuf_version = 4,
				  .output_width = 1024, .output_height = 768};
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's': cfg->socket = optarg; break;
		case 'r': cfg->report_path = optarg; break;
		case 'f': cfg->report_fd = atoi(optarg); break;
		case 'd': cfg->dump_dir = optarg; break;
		case 'n': cfg->no_dmabuf = true; break;
		case 'V': cfg->dmabuf_version = atoi(optarg); break;
		case 'R': cfg->refuse_dmabuf = true; break;
		case 'U': cfg->unthrottled = true; break;
		case 'N': cfg->no_read = true; break;
		case 'P': cfg->no_viewporter = true; break;
		case 'A': cfg->attach_only = true; break;
		case 'D': cfg->release_delay_ms = (unsigned)atoi(optarg); break;
		case 'F': cfg->frame_period_ms = (unsigned)atoi(optarg); break;
		case 'S': cfg->frames_stop_ms = (unsigned)atoi(optarg); break;
		case 'v': log_set_level(LOG_LVL_DEBUG); break;
		case 'o':
			if (sscanf(optarg, "%dx%d", &cfg->output_width,
				   &cfg->output_height) != 2)
				cfg->output_width = 0;
			break;
		case 'h': fputs(usage, stdout); exit(0);
		default: fputs(usage, stderr); return -EINVAL;
		}
	}
	if (optind < argc || cfg->dmabuf_version < 3 ||
	    cfg->dmabuf_version > 4 || cfg->output_width <= 0 ||
	    cfg->output_height <= 0) {
		fputs(usage, stderr);
		return -EINVAL;
	}
	return 0;
}

static void wl_readable(void *data, int fd, uint32_t events)
{
	struct tc_server *server = data;
	(void)fd, (void)events;
	wl_event_loop_dispatch(wl_display_get_event_loop(server->display), 0);
}

/* Before each sleep: libwayland's idle work, then send what was queued. */
static void wl_flush(void *data)
{
	struct tc_server *server = data;
	wl_event_loop_dispatch_idle(wl_display_get_event_loop(server->display));
	wl_display_flush_clients(server->display);
}

static void signal_readable(void *data, int fd, uint32_t events)
{
	struct tc_server *server = data;
	struct signalfd_siginfo si;
	(void)events;
	if (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		log_info("signal %u: exiting", si.ssi_signo);
		loop_quit(server->loop, 0);
	}
}

static int signals_create(struct tc_server *server)
{
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return -errno;
	server->signal_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (server->signal_fd < 0)
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	server->signal_source = loop_add_fd(server->loop, server->signal_fd,
					    EPOLLIN, signal_readable, server);
	return server->signal_source ? 0 : -errno;
}

static int globals_create(struct tc_server *server)
{
	int ret;
	if ((ret = tc_compositor_create(server)) < 0 ||
	    (ret = tc_xdg_create(server)) < 0 ||
	    (ret = tc_output_create(server)) < 0 ||
	    (ret = tc_dmabuf_create(server)) < 0 ||
	    (ret = tc_viewporter_create(server)) < 0)
		return ret;
	if (wl_display_init_shm(server->display) < 0 ||
	    !wl_display_add_shm_format(server->display, WL_SHM_FORMAT_RGB565))
		return -ENOMEM;
	return 0;
}

static int listen_socket(struct tc_server *server)
{
	if (server->cfg.socket) {
		if (wl_display_add_socket(server->display, server->cfg.socket) < 0) {
			log_error("cannot listen on %s (XDG_RUNTIME_DIR set?): %s",
				  server->cfg.socket, strerror(errno));
			return -EADDRINUSE;
		}
		return 0;
	}
	const char *name = wl_display_add_socket_auto(server->display);
	if (!name) {
		log_error("cannot listen on any wayland-N socket");
		return -EADDRINUSE;
	}
	printf("SOCKET=%s\n", name);
	return 0;
}

static int server_start(struct tc_server *server)
{
	int ret;
	server->display = wl_display_create();
	server->loop = loop_create();
	if (!server->display || !server->loop || tc_release_init(server) < 0)
		return -ENOMEM;
	if ((ret = tc_report_open(server)) < 0 ||
	    (ret = signals_create(server)) < 0 ||
	    (ret = tc_frame_create(server)) < 0 ||
	    (ret = globals_create(server)) < 0 || (ret = listen_socket(server)) < 0)
		return ret;
	int wl_fd = wl_event_loop_get_fd(wl_display_get_event_loop(server->display));
	server->wl_source =
		loop_add_fd(server->loop, wl_fd, EPOLLIN, wl_readable, server);
	server->flush_hook = loop_add_prepare(server->loop, wl_flush, server);
	if (!server->wl_source || !server->flush_hook)
		return -ENOMEM;
	return 0;
}

static void server_finish(struct tc_server *server)
{
	if (server->display)
		wl_display_destroy_clients(server->display);
	if (server->loop) {
		loop_remove(server->wl_source);
		loop_remove(server->flush_hook);
		loop_remove(server->signal_source);
		tc_frame_destroy(server);
		if (server->release_timer)
			tc_release_destroy(server);
		loop_destroy(server->loop);
	}
	if (server->display)
		wl_display_destroy(server->display);
	if (server->signal_fd >= 0)
		close(server->signal_fd);
	tc_dmabuf_destroy(server);
	tc_report_close(server);
}

int main(int argc, char **argv)
{
	struct tc_server server = {.signal_fd = -1, .report_fd = -1,
				   .format_table_fd = -1};
	log_init(LOG_LVL_INFO, "vdispld-test-compositor");
	if (parse_args(argc, argv, &server.cfg) < 0)
		return 2;
	int ret = server_start(&server);
	if (ret < 0) {
		log_error("cannot start: %s", strerror(-ret));
		server_finish(&server);
		return 1;
	}
	printf("READY\n");
	fflush(stdout);
	sd_notify(0, "READY=1");
	ret = loop_run(server.loop);
	server_finish(&server);
	return ret == 0 ? 0 : 1;
}
