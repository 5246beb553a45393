/* See fake_presenter.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_presenter.h"

static struct fake_presenter *fake(struct presenter *p)
{
	return (struct fake_presenter *)p;
}

static struct pres_fb *fb_create(struct presenter *p,
				 const struct pres_fb_desc *desc)
{
	struct fake_presenter *fp = fake(p);
	struct pres_fb *fb;

	if (fp->fail_fb_create)
		return NULL;
	fb = calloc(1, sizeof(*fb));
	if (!fb)
		return NULL;
	fb->desc = *desc;
	fp->last_desc = *desc;
	fp->live_fbs++;
	fp->fb_creates++;
	return fb;
}

static void fb_destroy(struct presenter *p, struct pres_fb *fb)
{
	struct fake_presenter *fp = fake(p);

	/* The contract: nobody shows an fb while it is destroyed. */
	for (unsigned i = 0; i < FAKE_PRES_MAX_CONNS; i++) {
		if (fp->conns[i] && fp->conns[i]->config_fb == fb)
			abort();
	}
	fp->live_fbs--;
	free(fb);
}

static struct pres_conn *conn_create(struct presenter *p,
				     const struct pres_conn_info *info,
				     const struct pres_conn_listener *l,
				     void *data)
{
	struct fake_presenter *fp = fake(p);
	struct pres_conn *c;

	if (info->index >= FAKE_PRES_MAX_CONNS || fp->conns[info->index])
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->info = *info;
	snprintf(c->unique_id, sizeof(c->unique_id), "%s", info->unique_id);
	c->info.unique_id = c->unique_id;
	c->listener = l;
	c->data = data;
	fp->conns[info->index] = c;
	fp->live_conns++;
	return c;
}

static void conn_destroy(struct presenter *p, struct pres_conn *c)
{
	struct fake_presenter *fp = fake(p);

	fp->conns[c->info.index] = NULL;
	fp->live_conns--;
	free(c);
}

static int conn_set_config(struct presenter *p, struct pres_conn *c,
			   struct pres_fb *fb, uint32_t x, uint32_t y)
{
	(void)p;
	c->config_fb = fb;
	c->x = x;
	c->y = y;
	c->set_configs++;
	return 0;
}

static int conn_show(struct presenter *p, struct pres_conn *c,
		     struct pres_fb *fb)
{
	(void)p;
	if (c->n_pending == 64)
		return -1;
	c->config_fb = fb;
	c->shown = fb;
	c->shows++;
	c->pending[c->n_pending++] = fb;
	return 0;
}

static void conn_stats(struct presenter *p, struct pres_conn *c,
		       struct pres_conn_stats *out)
{
	(void)p, (void)c;
	memset(out, 0, sizeof(*out));
}

static void destroy(struct presenter *p)
{
	(void)p;
}

static const struct presenter_impl fake_impl = {
	.name = "fake",
	.fb_create = fb_create,
	.fb_destroy = fb_destroy,
	.conn_create = conn_create,
	.conn_destroy = conn_destroy,
	.conn_set_config = conn_set_config,
	.conn_show = conn_show,
	.conn_stats = conn_stats,
	.destroy = destroy,
};

void fake_presenter_init(struct fake_presenter *fp)
{
	memset(fp, 0, sizeof(*fp));
	fp->base.impl = &fake_impl;
}

struct pres_conn *fake_pres_conn(struct fake_presenter *fp, unsigned i)
{
	return i < FAKE_PRES_MAX_CONNS ? fp->conns[i] : NULL;
}

bool fake_pres_flip_done(struct fake_presenter *fp, unsigned i)
{
	struct pres_conn *c = fake_pres_conn(fp, i);
	struct pres_fb *fb;

	if (!c || c->n_pending == 0)
		return false;
	fb = c->pending[0];
	memmove(&c->pending[0], &c->pending[1],
		(c->n_pending - 1) * sizeof(c->pending[0]));
	c->n_pending--;
	c->listener->flip_done(c->data, fb);
	return true;
}
