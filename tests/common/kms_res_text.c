/* kms_res as text: see kms_res_text.h. */
#include "kms_res_text.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

void kms_res_print(FILE *out, const char *prefix, const struct kms_res *r)
{
	for (unsigned i = 0; i < r->n_crtcs; i++)
		fprintf(out, "%scrtc %" PRIu32 "\n", prefix, r->crtc_ids[i]);
	for (unsigned i = 0; i < r->n_connectors; i++) {
		const struct kms_connector *c = &r->connectors[i];
		fprintf(out, "%sconnector %" PRIu32 " %s %s crtcs=0x%" PRIx32 "\n",
			prefix, c->id, c->name,
			c->connected ? "connected" : "disconnected",
			c->possible_crtcs);
		for (unsigned m = 0; m < c->n_modes; m++)
			fprintf(out, "%smode %" PRIu32 " %" PRIu32 "x%" PRIu32
				"@%" PRIu32 "%s\n", prefix, c->id,
				c->modes[m].width, c->modes[m].height,
				c->modes[m].refresh_mhz,
				c->modes[m].preferred ? " preferred" : "");
	}
	for (unsigned i = 0; i < r->n_planes; i++)
		fprintf(out, "%splane %" PRIu32 " crtcs=0x%" PRIx32 " %s\n",
			prefix, r->planes[i].id, r->planes[i].possible_crtcs,
			r->planes[i].primary ? "primary" : "other");
}

static struct kms_connector *find_conn(struct kms_res *r, uint32_t id)
{
	for (unsigned i = 0; i < r->n_connectors; i++)
		if (r->connectors[i].id == id)
			return &r->connectors[i];
	return NULL;
}

static int parse_line(const char *s, struct kms_res *r)
{
	uint32_t id, mask, w, h, mhz;
	char name[KMS_NAME_LEN], word[32];
	int n = 0;

	if (sscanf(s, "crtc %" SCNu32 " %n", &id, &n) == 1 && !s[n]) {
		if (r->n_crtcs == KMS_MAX_CRTCS)
			return -EINVAL;
		r->crtc_ids[r->n_crtcs++] = id;
	} else if (sscanf(s, "connector %" SCNu32 " %31s %31s crtcs=0x%" SCNx32
			  " %n", &id, name, word, &mask, &n) == 4 && !s[n]) {
		if (r->n_connectors == KMS_MAX_CONNECTORS)
			return -EINVAL;
		struct kms_connector *c = &r->connectors[r->n_connectors++];
		*c = (struct kms_connector){.id = id,
					    .connected = !strcmp(word, "connected"),
					    .possible_crtcs = mask};
		snprintf(c->name, sizeof(c->name), "%s", name);
	} else if (sscanf(s, "mode %" SCNu32 " %" SCNu32 "x%" SCNu32 "@%" SCNu32
			  " %n", &id, &w, &h, &mhz, &n) == 4) {
		struct kms_connector *c = find_conn(r, id);
		bool pref = !strcmp(s + n, "preferred");
		if (!c || c->n_modes == KMS_MAX_MODES || (s[n] && !pref))
			return -EINVAL;
		c->modes[c->n_modes++] = (struct kms_mode){w, h, mhz, pref};
	} else if (sscanf(s, "plane %" SCNu32 " crtcs=0x%" SCNx32 " %31s %n",
			  &id, &mask, word, &n) == 3 && !s[n]) {
		if (r->n_planes == KMS_MAX_PLANES)
			return -EINVAL;
		r->planes[r->n_planes++] = (struct kms_plane){
			id, mask, !strcmp(word, "primary")};
	} else {
		return -EINVAL;
	}
	return 0;
}

int kms_res_parse(FILE *in, struct kms_res *r, int *line)
{
	char buf[256];

	memset(r, 0, sizeof(*r));
	*line = 0;
	while (fgets(buf, sizeof(buf), in)) {
		(*line)++;
		buf[strcspn(buf, "\n")] = '\0';
		if (!buf[0] || buf[0] == '#')
			continue;
		if (parse_line(buf, r) < 0)
			return -EINVAL;
	}
	return 0;
}
