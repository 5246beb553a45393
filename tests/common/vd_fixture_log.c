/* vdispld's logs and what /proc says about it: see vd_fixture.h. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vd_fixture.h"

char *vd_slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	char chunk[4096];
	size_t n;
	while (m && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, m);
	fclose(f);
	if (!m || fclose(m) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

bool vd_file_contains(const char *path, const char *needle)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	char line[1024];
	bool found = false;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, needle) != NULL;
	fclose(f);
	return found;
}

bool vd_fixture_log_contains(const struct vd_fixture *fx, const char *needle)
{
	return vd_file_contains(fx->vd_log, needle);
}

int vd_fixture_log_lines(const struct vd_fixture *fx, const char *needle)
{
	FILE *f = fopen(fx->vd_log, "r");
	char line[1024];
	int n = 0;
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, needle) != NULL;
	fclose(f);
	return n;
}

int vd_fixture_log_count(const struct vd_fixture *fx, const char *needle)
{
	char *log = vd_slurp(fx->vd_log);
	int n = 0;
	for (const char *p = log; p && (p = strstr(p, needle)); p++)
		n++;
	free(log);
	return n;
}

static void dump_file(const char *title, const char *path, unsigned max_lines)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	unsigned total = 0;
	char line[1024];
	while (fgets(line, sizeof(line), f))
		total++;
	rewind(f);
	fprintf(stderr, "---- %s (%s), last %u of %u lines ----\n", title, path,
		max_lines < total ? max_lines : total, total);
	for (unsigned i = 0; fgets(line, sizeof(line), f); i++)
		if (i + max_lines >= total)
			fputs(line, stderr);
	fclose(f);
}

void vd_fixture_dump_log(const struct vd_fixture *fx, unsigned lines)
{
	if (fx->vd_log[0])
		dump_file("vdispld log", fx->vd_log, lines);
	else
		fprintf(stderr, "(no vdispld log)\n");
}

void vd_fixture_report(const struct vd_fixture *fx)
{
	char path[128];
	for (unsigned i = 1; i <= fx->runs; i++) {
		snprintf(path, sizeof(path), "%s/vdispld-%u.log", fx->dir, i);
		dump_file("vdispld log", path, 60);
	}
	snprintf(path, sizeof(path), "%s/valgrind.log", fx->dir);
	dump_file("valgrind log", path, 200);
	if (fx->wh_started)
		dump_file("weston log", fx->wh.log_path, 30);
	if (fx->tc_started)
		tc_harness_dump_log(&fx->tc);
}

int vd_proc_fd_count(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	DIR *d = opendir(path);
	if (!d)
		return -errno;
	int n = 0;
	for (struct dirent *de; (de = readdir(d));)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

long vd_proc_rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}
