/* See fake_presenter.h. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "displ_formats.h"
#include "fake_presenter.h"

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			abort();                                               \
	} while (0)

static struct fake_presenter *fake(struct presenter *p)
{
	return (struct fake_presenter *)p;
}

static bool conn_live(struct fake_presenter *fp, const struct pres_conn *c)
{
	return c && c->info.index < FAKE_PRES_MAX_CONNS &&
	       fp->conns[c->info.index] == c;
}

/* A compositor copies stride * (height - 1) + one row from pixels: that
 * must lie within size, and size within the mapping (touch both ends). */
static void check_desc(const struct pres_fb_desc *d)
{
	const struct pixel_format *fmt = displ_format_find(d->fourcc);
	volatile const uint8_t *px = d->pixels;
	uint64_t row, need;

	CHECK(fmt);
	CHECK(d->width > 0 && d->height > 0);
	row = ((uint64_t)d->width * fmt->bits_per_pixel + 7) / 8;
	CHECK(d->stride >= row);
	need = (uint64_t)d->stride * (d->height - 1) + row;
	CHECK(need <= d->size);
	CHECK(px != NULL);
	(void)px[0];
	(void)px[need - 1];
	(void)px[d->size - 1];
	if (d->dmabuf_fd >= 0)
		CHECK(fcntl(d->dmabuf_fd, F_GETFD) >= 0);
}

static struct pres_fb *fb_create(struct presenter *p,
				 const struct pres_fb_desc *desc)
{
	struct fake_presenter *fp = fake(p);
	struct pres_fb *fb;

	check_desc(desc);
	if (fp->fail_fb_create)
		return NULL;
	fb = calloc(1, sizeof(*fb));
	if (!fb)
		abort();
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
	for (unsigned i = 0; i < FAKE_PRES_MAX_CONNS; i++)
		CHECK(!fp->conns[i] || fp->conns[i]->config_fb != fb);
	CHECK(fp->live_fbs > 0);
	fp->live_fbs--;
	/* Pending flips may still name it: forget it there. */
	for (unsigned i = 0; i < FAKE_PRES_MAX_CONNS; i++) {
		struct pres_conn *c = fp->conns[i];

		for (unsigned j = 0; c && j < c->n_pending; j++) {
			if (c->pending[j] == fb)
				c->pending[j] = NULL;
		}
	}
	free(fb);
}

static struct pres_conn *conn_create(struct presenter *p,
				     const struct pres_conn_info *info,
				     const struct pres_conn_listener *l,
				     void *data)
{
	struct fake_presenter *fp = fake(p);
	struct pres_conn *c;

	CHECK(info->unique_id && strlen(info->unique_id) <= 64);
	CHECK(info->width > 0 && info->height > 0);
	if (info->index >= FAKE_PRES_MAX_CONNS || fp->conns[info->index])
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		abort();
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

	CHECK(conn_live(fp, c));
	fp->conns[c->info.index] = NULL;
	fp->live_conns--;
	free(c);
}

static int conn_set_config(struct presenter *p, struct pres_conn *c,
			   struct pres_fb *fb, uint32_t x, uint32_t y)
{
	CHECK(conn_live(fake(p), c));
	if (fb)
		check_desc(&fb->desc);
	c->config_fb = fb;
	c->x = x;
	c->y = y;
	c->set_configs++;
	return 0;
}

static int conn_show(struct presenter *p, struct pres_conn *c,
		     struct pres_fb *fb)
{
	struct fake_presenter *fp = fake(p);

	CHECK(conn_live(fp, c) && fb);
	check_desc(&fb->desc);
	if (fp->fail_show || c->n_pending == FAKE_PRES_MAX_PENDING)
		return -1;
	if (c->config_fb) /* an off connector stays off (conn_frame.h) */
		c->config_fb = fb;
	c->shown = fb;
	c->shows++;
	c->pending[c->n_pending++] = fb;
	if (fp->sync_flips)
		fake_pres_flip_done(fp, c->info.index);
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

unsigned fake_pres_pending(struct fake_presenter *fp, unsigned i)
{
	struct pres_conn *c = fake_pres_conn(fp, i);

	return c ? c->n_pending : 0;
}
