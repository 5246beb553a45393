/* Status for operators.
 *
 * The running daemon keeps a small text file (by default
 * $RUNTIME_DIRECTORY/status, else /run/vdispld/status) with one line per
 * guest connector: guest, device, connector, state, size, format, path
 * (zero copy or copy) and frame rate. It is rewritten atomically (write a
 * temp file, rename) at most once a second, and only when a line changed.
 * `vdispld --list` prints that file when the daemon that wrote it is
 * alive, and otherwise what XenStore alone can tell (guests, devices,
 * states, resolutions), saying which source it used. */
#ifndef VDISPLD_STATUS_H
#define VDISPLD_STATUS_H

#include <stddef.h>
#include <stdio.h>

struct loop;
struct xb_backend;
struct status_writer;

/* First line of the file: "# vdispld status pid=<pid> updated=<time>". */
#define STATUS_MAGIC "# vdispld status pid="

/* Where the status file is: the first entry of $RUNTIME_DIRECTORY plus
 * "/status", else /run/vdispld/status. 0 or -ENAMETOOLONG. */
int status_default_path(char *buf, size_t len);

/* Guests with a connected display device, and their connectors. */
void status_count(struct xb_backend *vdispl, unsigned *guests,
		  unsigned *connectors);

/* Starts the once-a-second refresh of path (copied). NULL + errno. The
 * directory must exist; a failed write is logged once, not fatal. */
struct status_writer *status_writer_create(struct loop *loop, const char *path,
					   struct xb_backend *vdispl);
/* Stops and removes the file, so --list no longer trusts it. */
void status_writer_destroy(struct status_writer *w);
/* Writes now if anything changed (also used by tests). */
void status_writer_refresh(struct status_writer *w);

/* `vdispld --list`: prints the daemon's file at path, or XenStore's view.
 * Returns the exit code: 0 printed, 1 neither source was reachable. */
int status_list(FILE *out, const char *path);

#endif
