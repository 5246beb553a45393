/* Zero copy: a guest framebuffer whose pages came as one dma-buf becomes a
 * wl_buffer through zwp_linux_dmabuf_v1, made once per fb, so a flip only
 * attaches, damages and commits.
 *
 * Decide before trying: the compositor's (format, modifier) pairs come from
 * the v3 modifier events or, on v4, from the default feedback's format
 * table and tranches. Only a LINEAR pair for the fb's own fourcc is tried
 * (a guest lays its buffers out linearly); on a v4 binding asking for an
 * unadvertised pair would be a fatal protocol error. The import uses
 * params.create, never create_immed, so a refusal is a `failed` event and
 * not a dead connection.
 *
 * Anything else copies, per fb and per reason, logged once per fb and
 * counted per connector (enum pres_copy_reason).
 *
 * Buffer lifetime. The compositor reads the guest's memory directly, so:
 * - a flip is answered (flip_done) only once the buffer shown before it
 *   was released (wl_buffer.release), when that is a different buffer:
 *   the guest draws into the previous buffer as soon as it gets the flip
 *   event, and drawing into a buffer the compositor may still read tears.
 *   This is the flip's "hold" (conn_frame.h); the fallback timer still
 *   ends the wait so a guest never times out.
 * - an fb destroyed while its wl_buffer is attached keeps the wl_buffer
 *   until the compositor releases it; displ waits for the grant device to
 *   say the dma-buf is released before the guest gets its pages back. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "linux-dmabuf-unstable-v1-client-protocol.h"
#include "log.h"
#include "wl_internal.h"

#define MOD_LINEAR 0ull
/* One format-table entry (linux-dmabuf v4). */
struct fmt_entry {
	uint32_t format;
	// cppcheck-suppress unusedStructMember
	uint32_t pad;
	uint64_t modifier;
};

enum dmabuf_fb_state { FB_PENDING, FB_READY, FB_FAILED };

struct wl_dmabuf_fb {
	struct wl_pres *p;
	struct pres_fb *fb; /* NULL once destroyed: a zombie */
	struct zwp_linux_buffer_params_v1 *params;
	struct wl_buffer *buffer;
	enum dmabuf_fb_state state;
	bool busy; /* attached since the last wl_buffer.release */
	unsigned holders; /* connectors whose hold_for this is */
	struct wl_list link; /* wl_dmabuf_state.zombies */
};

void wl_dmabuf_hold_set(struct wl_pres_conn *c, struct wl_dmabuf_fb *d)
{
	if (c->hold_for)
		c->hold_for->holders--;
	c->hold_for = d;
	if (d)
		d->holders++;
}

struct wl_dmabuf_state {
	struct zwp_linux_dmabuf_feedback_v1 *feedback;
	void *table;
	size_t table_size;
	/* Pairs of the feedback being received, until its done. */
	struct wl_pres_dmabuf_format *next;
	size_t n_next, cap_next;
	struct wl_list zombies;
};

static int push_pair(struct wl_pres_dmabuf_format **v, size_t *n, size_t *cap,
		     uint32_t format, uint64_t modifier)
{
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i].format == format && (*v)[i].modifier == modifier)
			return 0;
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 32;
		void *nv = realloc(*v, ncap * sizeof(**v));
		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = ncap;
	}
	(*v)[(*n)++] = (struct wl_pres_dmabuf_format){format, modifier};
	return 0;
}

static void dmabuf_format(void *data, struct zwp_linux_dmabuf_v1 *d,
			  uint32_t format)
{
	struct wl_pres *p = data;
	/* v1/v2 only (v3 sends modifier events too): implicit modifier. */
	if (zwp_linux_dmabuf_v1_get_version(d) < 3)
		push_pair(&p->dmabuf_formats, &p->n_dmabuf_formats,
			  &p->cap_dmabuf_formats, format,
			  0x00ffffffffffffffull);
}

static void dmabuf_modifier(void *data, struct zwp_linux_dmabuf_v1 *d,
			    uint32_t format, uint32_t hi, uint32_t lo)
{
	struct wl_pres *p = data;
	(void)d;
	push_pair(&p->dmabuf_formats, &p->n_dmabuf_formats,
		  &p->cap_dmabuf_formats, format, (uint64_t)hi << 32 | lo);
}

static const struct zwp_linux_dmabuf_v1_listener dmabuf_listener = {
	.format = dmabuf_format,
	.modifier = dmabuf_modifier,
};

static void table_unmap(struct wl_dmabuf_state *s)
{
	if (s->table)
		munmap(s->table, s->table_size);
	s->table = NULL;
	s->table_size = 0;
}

static void fb_format_table(void *data, struct zwp_linux_dmabuf_feedback_v1 *f,
			    int32_t fd, uint32_t size)
{
	struct wl_pres *p = data;
	struct wl_dmabuf_state *s = p->dmabuf_state;
	(void)f;
	table_unmap(s);
	void *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		log_warn("wl: dma-buf format table (%u bytes): %s", size,
			 strerror(errno));
	else
		s->table = map, s->table_size = size;
	close(fd);
}

static void fb_tranche_formats(void *data,
			       struct zwp_linux_dmabuf_feedback_v1 *f,
			       struct wl_array *indices)
{
	struct wl_pres *p = data;
	struct wl_dmabuf_state *s = p->dmabuf_state;
	const uint16_t *idx;
	(void)f;
	if (!s->table)
		return;
	const struct fmt_entry *tab = s->table;
	size_t n = s->table_size / sizeof(*tab);
	wl_array_for_each(idx, indices) {
		if (*idx < n)
			push_pair(&s->next, &s->n_next, &s->cap_next,
				  tab[*idx].format, tab[*idx].modifier);
	}
}

/* A complete feedback replaces what we knew. */
static void fb_done(void *data, struct zwp_linux_dmabuf_feedback_v1 *f)
{
	struct wl_pres *p = data;
	struct wl_dmabuf_state *s = p->dmabuf_state;
	(void)f;
	free(p->dmabuf_formats);
	p->dmabuf_formats = s->next;
	p->n_dmabuf_formats = s->n_next;
	p->cap_dmabuf_formats = s->cap_next;
	s->next = NULL;
	s->n_next = s->cap_next = 0;
}

static void fb_ignore(void *data, struct zwp_linux_dmabuf_feedback_v1 *f)
{
	(void)data, (void)f;
}

static void fb_ignore_array(void *data, struct zwp_linux_dmabuf_feedback_v1 *f,
			    struct wl_array *a)
{
	(void)data, (void)f, (void)a;
}

static void fb_ignore_flags(void *data, struct zwp_linux_dmabuf_feedback_v1 *f,
			    uint32_t flags)
{
	(void)data, (void)f, (void)flags;
}

static const struct zwp_linux_dmabuf_feedback_v1_listener feedback_listener = {
	.done = fb_done,
	.format_table = fb_format_table,
	.main_device = fb_ignore_array,
	.tranche_done = fb_ignore,
	.tranche_target_device = fb_ignore_array,
	.tranche_formats = fb_tranche_formats,
	.tranche_flags = fb_ignore_flags,
};

int wl_dmabuf_init(struct wl_pres *p)
{
	p->dmabuf_state = calloc(1, sizeof(*p->dmabuf_state));
	if (!p->dmabuf_state)
		return -ENOMEM;
	wl_list_init(&p->dmabuf_state->zombies);
	return 0;
}

void wl_dmabuf_bind(struct wl_pres *p, uint32_t name, uint32_t version)
{
	struct wl_dmabuf_state *s = p->dmabuf_state;
	uint32_t v = version < 4 ? version : 4;
	if (p->dmabuf || !s)
		return;
	p->dmabuf = wl_registry_bind(p->registry, name,
				     &zwp_linux_dmabuf_v1_interface, v);
	zwp_linux_dmabuf_v1_add_listener(p->dmabuf, &dmabuf_listener, p);
	if (v >= 4) {
		s->feedback = zwp_linux_dmabuf_v1_get_default_feedback(p->dmabuf);
		zwp_linux_dmabuf_feedback_v1_add_listener(s->feedback,
							  &feedback_listener, p);
	}
}

static void dmabuf_fb_free(struct wl_dmabuf_fb *d)
{
	if (d->params)
		zwp_linux_buffer_params_v1_destroy(d->params);
	if (d->buffer)
		wl_buffer_destroy(d->buffer);
	free(d);
}

void wl_dmabuf_finish(struct wl_pres *p)
{
	struct wl_dmabuf_state *s = p->dmabuf_state;
	if (!s)
		return;
	struct wl_dmabuf_fb *d, *tmp;
	// cppcheck-suppress unknownMacro
	wl_list_for_each_safe(d, tmp, &s->zombies, link) {
		wl_list_remove(&d->link);
		// cppcheck-suppress uninitvar
		dmabuf_fb_free(d);
	}
	if (s->feedback)
		zwp_linux_dmabuf_feedback_v1_destroy(s->feedback);
	table_unmap(s);
	free(s->next);
	free(s);
	p->dmabuf_state = NULL;
}

static bool pair_offered(const struct wl_pres *p, uint32_t fourcc)
{
	for (size_t i = 0; i < p->n_dmabuf_formats; i++)
		if (p->dmabuf_formats[i].format == fourcc &&
		    p->dmabuf_formats[i].modifier == MOD_LINEAR)
			return true;
	return false;
}

static const char *reason_detail(enum pres_copy_reason r)
{
	switch (r) {
	case PRES_COPY_DISABLED:
		return "zero copy disabled (--no-dmabuf)";
	case PRES_COPY_KERNEL:
		return "the grant device could not export the guest's pages "
		       "as a dma-buf";
	case PRES_COPY_COMPOSITOR:
		return "the compositor offers no zwp_linux_dmabuf_v1";
	case PRES_COPY_FORMAT:
		return "the compositor does not list this format with the "
		       "LINEAR modifier";
	case PRES_COPY_REFUSED:
		return "the compositor refused the dma-buf import (failed)";
	case PRES_COPY_REGION:
		return "a connector shows only part of it and there is no "
		       "wp_viewporter to crop";
	default:
		return "?";
	}
}

/* why: the cause in words, shown in place of err's text when known. */
static void copy_because(struct pres_fb *fb, enum pres_copy_reason r,
			 int err, const char *why)
{
	fb->copy_reason = (int)r;
	if (fb->copy_logged)
		return;
	fb->copy_logged = true;
	log_info("wl: fb %#llx (%ux%u %.4s stride %u) takes the copy path, "
		 "reason: %s: %s%s%s", (unsigned long long)fb->desc.cookie,
		 fb->desc.width, fb->desc.height,
		 (const char *)&fb->desc.fourcc, fb->desc.stride,
		 pres_copy_reason_name(r), reason_detail(r),
		 err || why ? "; " : "",
		 why ? why : err ? strerror(err) : "");
}

static void kick_waiters(struct wl_dmabuf_fb *d);

static void buffer_release(void *data, struct wl_buffer *buffer)
{
	struct wl_dmabuf_fb *d = data;
	(void)buffer;
	d->busy = false;
	if (!d->fb) {
		wl_list_remove(&d->link);
		dmabuf_fb_free(d);
		return;
	}
	/* Flips held for this release complete now (looked for only while
	 * there are some: 16 connectors, 16 releases a frame). */
	struct wl_pres_conn *c, *tmp;
	wl_list_for_each_safe(c, tmp, &d->p->conns, link) {
		if (d->holders == 0)
			break;
		// cppcheck-suppress uninitvar
		if (c->hold_for != d)
			continue;
		wl_dmabuf_hold_set(c, NULL);
		conn_frame_released(&c->frame);
	}
}

static const struct wl_buffer_listener buffer_listener = {
	.release = buffer_release,
};

static void params_created(void *data, struct zwp_linux_buffer_params_v1 *pa,
			   struct wl_buffer *buffer)
{
	struct wl_dmabuf_fb *d = data;
	zwp_linux_buffer_params_v1_destroy(pa);
	d->params = NULL;
	d->buffer = buffer;
	wl_buffer_add_listener(buffer, &buffer_listener, d);
	if (!d->fb) {
		wl_list_remove(&d->link);
		dmabuf_fb_free(d);
		return;
	}
	d->state = FB_READY;
	log_debug("wl: fb %#llx: zero copy (dma-buf wl_buffer)",
		  (unsigned long long)d->fb->desc.cookie);
	kick_waiters(d);
}

static void params_failed(void *data, struct zwp_linux_buffer_params_v1 *pa)
{
	struct wl_dmabuf_fb *d = data;
	zwp_linux_buffer_params_v1_destroy(pa);
	d->params = NULL;
	d->state = FB_FAILED;
	if (!d->fb) {
		wl_list_remove(&d->link);
		dmabuf_fb_free(d);
		return;
	}
	copy_because(d->fb, PRES_COPY_REFUSED, 0, NULL);
	kick_waiters(d);
}

static const struct zwp_linux_buffer_params_v1_listener params_listener = {
	.created = params_created,
	.failed = params_failed,
};

static enum pres_copy_reason static_reason(const struct wl_pres *p,
					   const struct pres_fb *fb, int *err)
{
	const struct pres_fb_desc *desc = &fb->desc;
	*err = 0;
	if (desc->dmabuf_fd < 0) {
		if (desc->dmabuf_error == -ECANCELED)
			return PRES_COPY_DISABLED;
		*err = desc->dmabuf_error < 0 ? -desc->dmabuf_error : 0;
		return PRES_COPY_KERNEL;
	}
	if (!p->dmabuf)
		return PRES_COPY_COMPOSITOR;
	if (!pair_offered(p, desc->fourcc))
		return PRES_COPY_FORMAT;
	return PRES_COPY_REASONS; /* none */
}

void wl_dmabuf_fb_init(struct wl_pres *p, struct pres_fb *fb)
{
	int err;
	enum pres_copy_reason r = static_reason(p, fb, &err);
	fb->copy_reason = -1;
	if (r != PRES_COPY_REASONS) {
		copy_because(fb, r, err, fb->desc.dmabuf_why);
		return;
	}
	if (p->dead)
		return; /* nothing will be shown anyway */
	struct wl_dmabuf_fb *d = calloc(1, sizeof(*d));
	if (!d) {
		log_warn("wl: fb %#llx: out of memory for zero copy; copying",
			 (unsigned long long)fb->desc.cookie);
		fb->copy_reason = PRES_COPY_REFUSED;
		return;
	}
	d->p = p;
	d->fb = fb;
	wl_list_init(&d->link);
	const struct pres_fb_desc *desc = &fb->desc;
	d->params = zwp_linux_dmabuf_v1_create_params(p->dmabuf);
	zwp_linux_buffer_params_v1_add_listener(d->params, &params_listener, d);
	zwp_linux_buffer_params_v1_add(d->params, desc->dmabuf_fd, 0,
				       desc->dmabuf_offset, desc->stride,
				       (uint32_t)(MOD_LINEAR >> 32),
				       (uint32_t)MOD_LINEAR);
	zwp_linux_buffer_params_v1_create(d->params, (int32_t)desc->width,
					  (int32_t)desc->height, desc->fourcc,
					  0);
	fb->dmabuf = d;
}

void wl_dmabuf_fb_finish(struct wl_pres *p, struct pres_fb *fb)
{
	struct wl_dmabuf_fb *d = fb->dmabuf;
	struct wl_pres_conn *c;
	wl_list_for_each(c, &p->conns, link) {
		// cppcheck-suppress uninitvar
		if (d && c->dmabuf_attached == d)
			c->dmabuf_attached = NULL;
		if (d && c->hold_for == d) {
			/* Its fb is gone: the guest draws into it no more. */
			wl_dmabuf_hold_set(c, NULL);
			conn_frame_released(&c->frame);
		}
	}
	fb->dmabuf = NULL;
	if (!d)
		return;
	/* Still on screen, or its import not answered yet: kept until the
	 * compositor lets go of it (or the connection goes). */
	if ((d->busy || d->params) && !p->dead && p->dmabuf_state) {
		d->fb = NULL;
		wl_list_insert(&p->dmabuf_state->zombies, &d->link);
		return;
	}
	dmabuf_fb_free(d);
}

/* Whether the region a connector shows is the whole fb: else the
 * wp_viewport crops it (without wp_viewporter, the frame is copied). */
static bool whole_fb(const struct wl_pres_conn *c, const struct pres_fb *fb,
		     uint32_t x, uint32_t y)
{
	return x == 0 && y == 0 && fb->desc.width == c->info.width &&
	       fb->desc.height == c->info.height;
}

static enum conn_present attach_commit(struct wl_pres_conn *c,
				       struct pres_fb *fb, uint32_t x,
				       uint32_t y, bool flip)
{
	struct wl_dmabuf_fb *d = fb->dmabuf;
	struct wl_dmabuf_fb *prev = c->dmabuf_attached;
	enum conn_present shown = CONN_PRESENT_SHOWN;
	wl_pres_conn_viewport(c, !whole_fb(c, fb, x, y), x, y);
	wl_surface_attach(c->surface, d->buffer, 0, 0);
	wl_surface_damage_buffer(c->surface, 0, 0, INT32_MAX, INT32_MAX);
	d->busy = true;
	c->dmabuf_attached = d;
	c->mapped = true;
	if (flip) {
		pacing_watch_commit(c);
		/* The guest draws into prev once it hears of this flip. */
		bool hold = prev && prev != d && prev->busy;
		wl_dmabuf_hold_set(c, hold ? prev : NULL);
		if (hold)
			shown = CONN_PRESENT_SHOWN_HOLD;
	}
	wl_surface_commit(c->surface);
	c->stats.frames++;
	c->stats.zero_copy_frames++;
	return shown;
}

/* An import was answered: connectors whose picture waited for it try
 * again (zero copy, or the copy path if it failed). */
static void kick_waiters(struct wl_dmabuf_fb *d)
{
	struct wl_list *conns = &d->p->conns;
	for (struct wl_list *l = conns->next, *next; l != conns; l = next) {
		next = l->next; /* taken first, as wl_list_for_each_safe does */
		struct wl_pres_conn *c = wl_container_of(l, c, link);
		if (c->frame.picture_fb.fb == d->fb)
			conn_frame_retry(&c->frame);
	}
}

int wl_dmabuf_present(struct wl_pres_conn *c, struct pres_fb *fb, uint32_t x,
		      uint32_t y, bool flip, int *reason)
{
	struct wl_dmabuf_fb *d = fb->dmabuf;
	if (d && d->state != FB_FAILED && !whole_fb(c, fb, x, y) &&
	    !c->viewport)
		copy_because(fb, PRES_COPY_REGION, 0, NULL);
	else if (d && d->state != FB_FAILED)
		fb->copy_reason = -1;
	if (!d || fb->copy_reason >= 0) {
		*reason = fb->copy_reason >= 0 ? fb->copy_reason
					       : PRES_COPY_REFUSED;
		return -1;
	}
	if (d->state == FB_PENDING)
		return CONN_PRESENT_LATER; /* kick_waiters() retries */
	return (int)attach_commit(c, fb, x, y, flip);
}

void wl_dmabuf_lost(struct wl_pres *p)
{
	struct pres_fb *fb;
	wl_list_for_each(fb, &p->fbs, link) {
		// cppcheck-suppress uninitvar
		wl_dmabuf_fb_finish(p, fb); /* dead: freed at once */
		fb->copy_reason = -1;
	}
}
