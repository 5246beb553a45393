/* Parser of --guest specs (see guest_spec.h). */
#include "guest_spec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gsim.h"

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (end == s || *end || errno || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_bool(const char *s, bool *out)
{
	unsigned long v;
	if (parse_uint(s, 1, &v) < 0)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_conn(struct xensim_guest_cfg *c, char *val)
{
	if (c->num_conns >= XENSIM_MAX_CONNECTORS)
		return -EINVAL;
	struct xensim_conn_cfg *cc = &c->conns[c->num_conns];
	char *colon = strchr(val, ':');
	if (colon)
		*colon = '\0';
	if (xensim_parse_resolution(val, &cc->width, &cc->height) < 0)
		return -EINVAL;
	if (colon)
		snprintf(cc->unique_id, sizeof(cc->unique_id), "%s", colon + 1);
	else
		snprintf(cc->unique_id, sizeof(cc->unique_id), "c%u", c->num_conns);
	c->num_conns++;
	c->vdispl = true;
	return 0;
}

static int parse_vkb(struct xensim_guest_cfg *c, const char *val)
{
	if (c->num_vkbs >= XENSIM_MAX_VKBS || !*val)
		return -EINVAL;
	struct xensim_vkb_cfg *k = &c->vkbs[c->num_vkbs++];
	snprintf(k->unique_id, sizeof(k->unique_id), "%s", val);
	k->feature_abs_pointer = true;
	k->feature_multi_touch = true;
	k->mt_num_contacts = 10;
	k->mt_width = 800;
	k->mt_height = 600;
	return 0;
}

/* Touch areas follow the connector with the vkb's unique-id, once all
 * connectors are known. */
static void size_vkbs(struct xensim_guest_cfg *c)
{
	for (unsigned i = 0; i < c->num_vkbs; i++) {
		for (unsigned j = 0; j < c->num_conns; j++) {
			if (strcmp(c->vkbs[i].unique_id, c->conns[j].unique_id))
				continue;
			c->vkbs[i].mt_width = c->conns[j].width;
			c->vkbs[i].mt_height = c->conns[j].height;
		}
	}
}

/* pv|hvm|pvh: what libxenctrl tells vdispld the guest is. */
static int parse_type(struct xensim_guest_cfg *c, const char *val)
{
	static const struct {
		const char *name;
		enum gsim_dom_type type;
	} types[] = {
		{ "pv", GSIM_DOM_PV },
		{ "hvm", GSIM_DOM_HVM },
		{ "pvh", GSIM_DOM_PVH },
	};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (!strcmp(val, types[i].name)) {
			c->dom_type = types[i].type;
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_pair(struct xensim_guest_spec *s, const char *key, char *val)
{
	struct xensim_guest_cfg *c = &s->cfg;
	unsigned long v = 0;
	int ret = 0;
	if (!strcmp(key, "name")) {
		if (!*val || strlen(val) >= sizeof(c->name))
			return -EINVAL;
		snprintf(c->name, sizeof(c->name), "%s", val);
	} else if (!strcmp(key, "domid")) {
		ret = parse_uint(val, 32752, &v); /* DOMID_FIRST_RESERVED */
		c->domid = (uint32_t)v;
		if (!ret && !v)
			ret = -EINVAL;
	} else if (!strcmp(key, "mem")) {
		ret = parse_uint(val, 1u << 20, &v);
		c->mem_pages = (uint32_t)v;
	} else if (!strcmp(key, "conn")) {
		ret = parse_conn(c, val);
	} else if (!strcmp(key, "type")) {
		ret = parse_type(c, val);
	} else if (!strcmp(key, "be-alloc")) {
		ret = parse_bool(val, &c->be_alloc);
	} else if (!strcmp(key, "vkb")) {
		ret = parse_vkb(c, val);
	} else if (!strcmp(key, "draw")) {
		ret = parse_bool(val, &s->draw);
	} else if (!strcmp(key, "fps")) {
		ret = parse_uint(val, 1000, &v);
		s->client.flip_interval_ms = v ? (uint32_t)(1000 / v) : 0;
	} else if (!strcmp(key, "prime")) {
		ret = parse_bool(val, &s->client.prime);
	} else if (!strcmp(key, "edid")) {
		ret = parse_bool(val, &s->client.get_edid);
	} else {
		return -ENOENT;
	}
	return ret;
}

int xensim_guest_spec_parse(const char *spec, struct xensim_guest_spec *out,
			    char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	out->client.draw = true;
	out->client.force_be_alloc = -1;
	out->client.flip_interval_ms = 16;
	char *copy = strdup(spec);
	if (!copy)
		return -ENOMEM;
	int ret = 0;
	char *save = NULL;
	for (char *tok = strtok_r(copy, ",", &save); tok && !ret;
	     tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		if (!eq) {
			snprintf(err, errlen, "'%s' is not key=value", tok);
			ret = -EINVAL;
			break;
		}
		*eq = '\0';
		ret = parse_pair(out, tok, eq + 1);
		if (ret == -ENOENT)
			snprintf(err, errlen, "unknown key '%s'", tok);
		else if (ret < 0)
			snprintf(err, errlen, "bad value for '%s'", tok);
	}
	free(copy);
	if (!ret && !out->cfg.domid) {
		snprintf(err, errlen, "domid= is required");
		ret = -EINVAL;
	}
	if (ret)
		return -EINVAL;
	size_vkbs(&out->cfg);
	return 0;
}
