/* The report: one line per event a test wants to check, each written with
 * a single write(2) so a reader never sees half a line. Dumps: the last
 * frame of each surface as raw little-endian 32-bit words (what the CRC
 * covers), written to a temp name and renamed so readers see whole files. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "tc.h"

int tc_report_open(struct tc_server *server)
{
	server->report_fd = -1;
	if (server->cfg.report_fd >= 0) {
		server->report_fd = server->cfg.report_fd;
		return 0;
	}
	if (!server->cfg.report_path)
		return 0;
	server->report_fd = open(server->cfg.report_path,
				 O_WRONLY | O_CREAT | O_TRUNC | O_APPEND |
					 O_CLOEXEC,
				 0644);
	if (server->report_fd < 0) {
		int err = errno;
		log_error("cannot open report %s: %s", server->cfg.report_path,
			  strerror(err));
		return -err;
	}
	return 0;
}

void tc_report_close(struct tc_server *server)
{
	if (server->report_fd >= 0)
		close(server->report_fd);
	server->report_fd = -1;
}

void tc_report(struct tc_server *server, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	log_debug("report: %s", line);
	line[n++] = '\n';
	if (server->report_fd < 0)
		return;
	ssize_t w;
	do
		w = write(server->report_fd, line, (size_t)n);
	while (w < 0 && errno == EINTR);
	if (w != n)
		log_warn("report write failed: %s",
			 w < 0 ? strerror(errno) : "short write");
}

static void dump_paths(struct tc_server *server, const char *name,
		       char *tmp, char *final, size_t len)
{
	snprintf(final, len, "%s/%s.raw", server->cfg.dump_dir, name);
	snprintf(tmp, len, "%s/.%s.raw.tmp", server->cfg.dump_dir, name);
}

int tc_dump_begin(struct tc_server *server, const char *name)
{
	if (!server->cfg.dump_dir)
		return -1;
	char tmp[512], final[512];
	dump_paths(server, name, tmp, final, sizeof(tmp));
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		log_warn("cannot write dump %s: %s", tmp, strerror(errno));
	return fd;
}

void tc_dump_end(struct tc_server *server, const char *name, int fd, bool ok)
{
	if (fd < 0)
		return;
	char tmp[512], final[512];
	dump_paths(server, name, tmp, final, sizeof(tmp));
	close(fd);
	if (!ok) {
		unlink(tmp);
		return;
	}
	if (rename(tmp, final) < 0)
		log_warn("cannot rename dump to %s: %s", final, strerror(errno));
}
