/* SIGHUP re-applies connector settings without dropping the guest: after
 * the settings file gives connector c0 a new app-id (and c1 a new title
 * only), kill -HUP re-creates c0's surface alone (a new Weston view with
 * the new app_id, the old one gone) while c1 keeps its surface (the same
 * view in Weston's scene graph, now titled anew) and both keep flipping
 * with no flip event missed.
 *
 * Usage: test_wlres_sighup <vdispld> */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wlres_fixture.h"

static const struct wlres_guest guest = {
	.domid = 5, .name = "wlres-hup", .n_conns = 2, .width = {320, 256},
	.height = {240, 192}, .unique_id = {"c0", "c1"},
};

static const char conf1[] = "[general]\nshell = xdg\n"
			    "[connector c0]\napp-id = hup-a0\n"
			    "[connector c1]\napp-id = hup-b\ntitle = B one\n";
static const char conf2[] = "[general]\nshell = xdg\n"
			    "[connector c0]\napp-id = hup-a1\n"
			    "[connector c1]\napp-id = hup-b\ntitle = B two\n";

/* The scene graph's line describing the view whose line holds needle
 * (malloc'ed), or NULL. */
static char *view_line(struct wlres *w, const char *needle)
{
	char *text = NULL;
	if (weston_harness_scene_graph(&w->vf.wh, &text) < 0 || !text)
		return NULL;
	char *line = NULL;
	for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n")) {
		if (strstr(l, "View ") && strstr(l, needle)) {
			line = strdup(l);
			break;
		}
	}
	if (getenv("WLRES_DUMP"))
		fprintf(stderr, "%s\n", text);
	free(text);
	return line;
}

/* "surface ID <n>, ..., 0x<addr>):" as one number (0: not found). */
static unsigned long long surface_key(const char *line)
{
	const char *id = line ? strstr(line, "surface ID ") : NULL;
	const char *addr = line ? strrchr(line, ',') : NULL;
	unsigned long long n = 0, a = 0;
	if (!id || !addr || sscanf(id, "surface ID %llu", &n) != 1 ||
	    sscanf(addr, ", %llx", &a) != 1)
		return 0;
	return n ^ (a << 12);
}

static int run(struct wlres *w)
{
	int x, y, vw, vh;
	if (!wlres_wait_flips(w, 10, 15000) ||
	    !vd_fixture_wait_view(&w->vf, "hup-a0", 5000, &x, &y, &vw, &vh) ||
	    !vd_fixture_wait_view(&w->vf, "hup-b", 5000, &x, &y, &vw, &vh)) {
		fprintf(stderr, "FAIL: no flips or views at start\n");
		return 1;
	}
	int maps_before = vd_fixture_log_count(&w->vf, "as xdg_toplevel");
	char *b0 = view_line(w, "hup-b");
	printf("c1 before reload: %s\n", b0 ? b0 : "(none)");
	if (vd_fixture_write_conf(&w->vf, conf2) < 0 || kill(w->vf.vd, SIGHUP) < 0)
		return 1;
	if (!b0 || !vd_fixture_wait_view(&w->vf, "hup-a1", 5000, &x, &y, &vw, &vh)) {
		fprintf(stderr, "FAIL: c0 has no view with its new app_id\n");
		free(b0);
		return 1;
	}
	int fails = 0;
	char *old = view_line(w, "hup-a0");
	char *b = view_line(w, "hup-b");
	printf("c1 after reload: %s\n", b ? b : "(none)");
	if (old) {
		fprintf(stderr, "FAIL: c0's old view is still there: %s\n", old);
		fails++;
	}
	if (!b || !strstr(b, "B two")) {
		fprintf(stderr, "FAIL: c1's view lacks its new title\n");
		fails++;
	}
	/* Weston names the surface by its protocol id and its address: the
	 * same surface keeps both. */
	if (!surface_key(b) || surface_key(b0) != surface_key(b)) {
		fprintf(stderr, "FAIL: c1's surface changed\n");
		fails++;
	}
	free(b0);
	free(old);
	free(b);
	/* vdispld's own account: one surface made anew (c0's), c1's title
	 * set in place, no new connector. */
	int renewed = vd_fixture_log_count(&w->vf, "): new surface");
	int c0_renewed = vd_fixture_log_count(&w->vf, "hup-a0: settings changed");
	int retitled = vd_fixture_log_count(&w->vf, "hup-b: title now 'B two'");
	if (renewed != 1 || c0_renewed != 1 || retitled != 1 ||
	    vd_fixture_log_count(&w->vf, "as xdg_toplevel") != maps_before) {
		fprintf(stderr, "FAIL: %d surfaces re-created (%d of c0), %d "
			"retitled; want 1, 1, 1\n", renewed, c0_renewed,
			retitled);
		fails++;
	}
	struct drm_front_stats st;
	wlres_stats(w, 0, 0, &st);
	if (!wlres_wait_flips(w, st.flip_events + 20, 3000)) {
		fprintf(stderr, "FAIL: flips stalled after the reload\n");
		fails++;
	}
	if (!vd_fixture_vdispld_alive(&w->vf) || !wlres_flips_clean(w))
		fails++;
	return fails ? 1 : 0;
}

int main(int argc, char *argv[])
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s <vdispld>\n", argv[0]);
		return 2;
	}
	struct weston_harness_opts wo = {.width = 800, .height = 600};
	return wlres_main(argv[1], &wo, &guest, 1, conf1, run);
}
