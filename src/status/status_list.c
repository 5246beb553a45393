/* `vdispld --list`: the running daemon's status file when its writer is
 * alive, else what XenStore alone says. Always names the source, because
 * the two differ: only the daemon knows formats, paths and frame rates.
 * Every XenStore value and node name printed is log_text()'d: a guest
 * writes its own device directory (connector names, resolution,
 * unique-id), and an operator's terminal must not run what it wrote. */
#include "status.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "loop.h"
#include "xen_store.h"

/* 0 and *pid when path is a status file whose writer is alive; else
 * -errno (-ESRCH: written by a process that is gone). */
static int read_live_file(const char *path, FILE **out, long *pid)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	char line[256];
	if (!fgets(line, sizeof(line), f) ||
	    strncmp(line, STATUS_MAGIC, strlen(STATUS_MAGIC)) != 0) {
		fclose(f);
		return -EBADMSG;
	}
	*pid = strtol(line + strlen(STATUS_MAGIC), NULL, 10);
	if (*pid <= 0 || (kill((pid_t)*pid, 0) < 0 && errno != EPERM)) {
		fclose(f);
		return -ESRCH;
	}
	*out = f;
	return 0;
}

static const char *state_text(const char *num)
{
	static const char *const names[] = {
		"Unknown",   "Initialising", "InitWait", "Initialised",
		"Connected", "Closing",	     "Closed",	 "Reconfiguring",
		"Reconfigured",
	};
	if (!num)
		return "-";
	char *end;
	unsigned long v = strtoul(num, &end, 10);
	return !*end && v < sizeof(names) / sizeof(names[0]) ? names[v] : num;
}

static void list_connectors(FILE *out, struct xstore *xs, const char *guest,
			    const char *domid, const char *devid,
			    const char *fe, const char *be_state)
{
	unsigned n = 0;
	char **names = fe ? xstore_directory(xs, fe, &n) : NULL;
	unsigned shown = 0;
	for (unsigned i = 0; i < n; i++) {
		char dir[512], *end;
		strtoul(names[i], &end, 10);
		if (!names[i][0] || *end)
			continue; /* not a connector index */
		snprintf(dir, sizeof(dir), "%s/%s", fe, names[i]);
		char *res = xstore_read_at(xs, dir, "resolution");
		char *uid = xstore_read_at(xs, dir, "unique-id");
		fprintf(out, "%-12s %5s %3s %4s %-10s %-12s %-9s\n",
			log_text(guest), log_text(domid), log_text(devid),
			log_text(names[i]), uid ? log_text(uid) : "-",
			log_text(be_state), res ? log_text(res) : "-");
		free(res);
		free(uid);
		shown++;
	}
	if (!shown)
		fprintf(out, "%-12s %5s %3s %4s %-10s %-12s %-9s\n",
			log_text(guest), log_text(domid), log_text(devid), "-",
			"-", log_text(be_state), "-");
	free(names);
}

static void list_guest(FILE *out, struct xstore *xs, const char *base,
		       const char *domid)
{
	char dir[256], path[256];
	snprintf(dir, sizeof(dir), "%s/%s", base, domid);
	snprintf(path, sizeof(path), "/local/domain/%s/name", domid);
	char *name = xstore_read(xs, path);
	unsigned n = 0;
	char **devs = xstore_directory(xs, dir, &n);
	for (unsigned i = 0; i < n; i++) {
		char be[512];
		snprintf(be, sizeof(be), "%s/%s", dir, devs[i]);
		char *fe = xstore_read_at(xs, be, "frontend");
		char *st = xstore_read_at(xs, be, "state");
		list_connectors(out, xs, name ? name : "?", domid, devs[i], fe,
				state_text(st));
		free(fe);
		free(st);
	}
	free(devs);
	free(name);
}

static int list_xenstore(FILE *out, const char *why)
{
	struct loop *loop = loop_create();
	struct xstore *xs = loop ? xstore_open(loop) : NULL;
	int own = xs ? xstore_own_domid(xs) : -1;
	if (own < 0) {
		fprintf(stderr, "vdispld: no running daemon (%s) and XenStore "
			"is unreachable: nothing to list\n", why);
		xstore_close(xs);
		if (loop)
			loop_destroy(loop);
		return 1;
	}
	fprintf(out, "# source: XenStore (no running vdispld: %s); states are "
		"the backend's, sizes the guests' configuration; formats, "
		"paths and rates need the daemon\n", why);
	fprintf(out, "%-12s %5s %3s %4s %-10s %-12s %-9s\n", "GUEST", "DOMID",
		"DEV", "CONN", "UNIQUE-ID", "STATE", "SIZE");
	char base[128];
	snprintf(base, sizeof(base), "/local/domain/%d/backend/vdispl", own);
	unsigned n = 0;
	char **doms = xstore_directory(xs, base, &n);
	for (unsigned i = 0; i < n; i++)
		list_guest(out, xs, base, doms[i]);
	free(doms);
	xstore_close(xs);
	loop_destroy(loop);
	return 0;
}

int status_list(FILE *out, const char *path)
{
	FILE *f = NULL;
	long pid = 0;
	int r = read_live_file(path, &f, &pid);
	if (r < 0) {
		char why[600];
		snprintf(why, sizeof(why), "%s: %s", path,
			 r == -ESRCH ? "its writer has exited"
			 : r == -EBADMSG ? "not a status file"
					 : strerror(-r));
		return list_xenstore(out, why);
	}
	fprintf(out, "# source: running vdispld (pid %ld), %s\n", pid, path);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, out);
	fclose(f);
	return 0;
}
