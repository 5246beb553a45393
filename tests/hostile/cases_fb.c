/* Hostile cases on framebuffers, SET_CONFIG, PG_FLIP and GET_EDID. */
#include <xen/errno.h>

#include "hostile.h"

static int bad(struct hfix *fx)
{
	return hbad_create(fx, NULL) ? 0 : -1;
}

/* One dbuf of w x h at bpp, no fb. */
static int dbuf_only(struct hfix *fx, uint64_t ck, uint32_t w, uint32_t h,
		     uint32_t bpp)
{
	uint32_t size = (w * bpp + 7) / 8 * h;
	uint32_t dir = hbuf_make(fx, (size + 4095) / 4096, 0);

	HCHECK(dir);
	HEXPECT_OK(fx, 0, hr_dbuf(ck, w, h, bpp, size, dir));
	return 0;
}

static int attach_too_small(struct hfix *fx)
{
	HCHECK(bad(fx) == 0);
	HCHECK(dbuf_only(fx, 1, 320, 240, 16) == 0);
	/* XRGB8888 needs 4 bytes a pixel: the RGB565 buffer is half. */
	HEXPECT_ERR(fx, 0, hr_fb(1, 2, 320, 240, H_FMT_XRGB8888));
	HEXPECT_ERR(fx, 0, hr_fb(1, 3, 320, 241, H_FMT_RGB565));
	HEXPECT_OK(fx, 0, hr_fb(1, 4, 320, 240, H_FMT_RGB565));
	return 0;
}

static int attach_prime_too_small(struct hfix *fx)
{
	uint32_t dir;

	HCHECK(bad(fx) == 0);
	dir = hbuf_make(fx, 1, 0);
	HCHECK(dir);
	HEXPECT_OK(fx, 0, hr_dbuf(1, 0, 0, 0, 4096, dir)); /* PRIME import */
	HEXPECT_ERR(fx, 0, hr_fb(1, 2, 320, 240, H_FMT_XRGB8888));
	HEXPECT_ERR(fx, 0, hr_fb(1, 3, 33, 32, H_FMT_XRGB8888));
	return 0;
}

static int attach_cookies(struct hfix *fx)
{
	HCHECK(bad(fx) == 0);
	HCHECK(dbuf_only(fx, 1, 64, 64, 32) == 0);
	HEXPECT_ERR(fx, 0, hr_fb(1, 0, 64, 64, H_FMT_XRGB8888));
	HEXPECT_ERR(fx, 0, hr_fb(0, 2, 64, 64, H_FMT_XRGB8888));
	HEXPECT_ERR(fx, 0, hr_fb(77, 2, 64, 64, H_FMT_XRGB8888));
	HEXPECT_OK(fx, 0, hr_fb(1, 2, 64, 64, H_FMT_XRGB8888));
	HEXPECT_ERR(fx, 0, hr_fb(1, 2, 64, 64, H_FMT_XRGB8888));
	return 0;
}

static int attach_bad_format(struct hfix *fx)
{
	HCHECK(bad(fx) == 0);
	HCHECK(dbuf_only(fx, 1, 64, 64, 32) == 0);
	HEXPECT_ERR(fx, 0, hr_fb(1, 2, 64, 64, 0x12345678));
	HEXPECT_ERR(fx, 0, hr_fb(1, 3, 64, 64, 0));
	HEXPECT_ERR(fx, 0, hr_fb(1, 4, 64, 64, 0xffffffffu));
	return 0;
}

static int attach_bad_size(struct hfix *fx)
{
	HCHECK(bad(fx) == 0);
	HCHECK(dbuf_only(fx, 1, 64, 64, 32) == 0);
	HEXPECT_ERR(fx, 0, hr_fb(1, 2, 0, 64, H_FMT_XRGB8888));
	HEXPECT_ERR(fx, 0, hr_fb(1, 3, 64, 0, H_FMT_XRGB8888));
	HEXPECT_ERR(fx, 0, hr_fb(1, 4, 0xffffffffu, 0xffffffffu, H_FMT_XRGB8888));
	HEXPECT_ERR(fx, 0, hr_fb(1, 5, 0x40000001u, 4, H_FMT_XRGB8888));
	return 0;
}

static int fb_limit(struct hfix *fx)
{
	HCHECK(bad(fx) == 0);
	HCHECK(dbuf_only(fx, 1, 16, 16, 32) == 0);
	for (unsigned i = 0; i < H_MAX_FBS; i++)
		HEXPECT_OK(fx, 0, hr_fb(1, 100 + i, 16, 16, H_FMT_XRGB8888));
	HEXPECT_ERR(fx, 0, hr_fb(1, 99, 16, 16, H_FMT_XRGB8888));
	for (unsigned i = 0; i < H_MAX_FBS; i++)
		HEXPECT_OK(fx, 0, hr_fb_detach(100 + i));
	HEXPECT_OK(fx, 0, hr_fb(1, 99, 16, 16, H_FMT_XRGB8888));
	return 0;
}

static int detach_bad(struct hfix *fx)
{
	HCHECK(bad(fx) == 0);
	HCHECK(hfb_make(fx, 1, 2, 16, 16) == 0);
	HEXPECT_ERR(fx, 0, hr_fb_detach(0));
	HEXPECT_ERR(fx, 0, hr_fb_detach(3));
	HEXPECT_ERR(fx, 0, hr_fb_detach(1)); /* a dbuf cookie, not an fb */
	HEXPECT_OK(fx, 0, hr_fb_detach(2));
	HEXPECT_ERR(fx, 0, hr_fb_detach(2));
	return 0;
}

static int config_outside(struct hfix *fx)
{
	HCHECK(bad(fx) == 0);
	HCHECK(hfb_make(fx, 1, 2, H_CONN_W, H_CONN_H) == 0);
	HEXPECT_ERR(fx, 0, hr_config(2, 1, 0, H_CONN_W, H_CONN_H));
	HEXPECT_ERR(fx, 0, hr_config(2, 0, 1, H_CONN_W, H_CONN_H));
	HEXPECT_ERR(fx, 0, hr_config(2, 0xffffffffu, 0xffffffffu, 1, 1));
	HEXPECT_ERR(fx, 0, hr_config(2, 0xfffffff0u, 0, 0x20, 0x20));
	HEXPECT_OK(fx, 0, hr_config(2, 0, 0, H_CONN_W, H_CONN_H));
	return 0;
}

static int config_fb_smaller(struct hfix *fx)
{
	HCHECK(bad(fx) == 0);
	HCHECK(hfb_make(fx, 1, 2, 100, 100) == 0);
	HEXPECT_ERR(fx, 0, hr_config(2, 0, 0, 100, 100));
	HEXPECT_ERR(fx, 0, hr_config(3, 0, 0, H_CONN_W, H_CONN_H));
	HEXPECT_ERR(fx, 0, hr_config(1, 0, 0, H_CONN_W, H_CONN_H));
	return 0;
}

static int flip_detached(struct hfix *fx)
{
	HCHECK(bad(fx) == 0);
	HCHECK(hfb_make(fx, 1, 2, H_CONN_W, H_CONN_H) == 0);
	HEXPECT_OK(fx, 0, hr_config(2, 0, 0, H_CONN_W, H_CONN_H));
	HEXPECT_OK(fx, 0, hr_flip(2));
	HEXPECT_OK(fx, 0, hr_fb_detach(2));
	HEXPECT_ERR(fx, 0, hr_flip(2));
	vd_fixture_pump(&fx->vf, 100);
	return 0;
}

static int flip_unknown(struct hfix *fx)
{
	HCHECK(bad(fx) == 0);
	HCHECK(hfb_make(fx, 1, 2, H_CONN_W, H_CONN_H) == 0);
	/* Before SET_CONFIG: answered, nothing shown (Linux flips a
	 * switched-off CRTC's plane too). */
	HEXPECT_OK(fx, 0, hr_flip(2));
	HEXPECT_OK(fx, 0, hr_config(2, 0, 0, H_CONN_W, H_CONN_H));
	HEXPECT_ERR(fx, 0, hr_flip(0));
	HEXPECT_ERR(fx, 0, hr_flip(3));
	HEXPECT_ERR(fx, 0, hr_flip(1)); /* the dbuf's cookie */
	return 0;
}

/* 32 flips in one batch: every one answered (the presenter may retire
 * superseded flips at once, or refuse those over the in-flight limit),
 * and the device still refuses what it must. */
static int flip_flood(struct hfix *fx)
{
	struct xendispl_req r[H_RING_SLOTS];
	int32_t st[H_RING_SLOTS];

	HCHECK(bad(fx) == 0);
	HCHECK(hfb_make(fx, 1, 2, H_CONN_W, H_CONN_H) == 0);
	HEXPECT_OK(fx, 0, hr_config(2, 0, 0, H_CONN_W, H_CONN_H));
	for (unsigned i = 0; i < H_RING_SLOTS; i++)
		r[i] = hr_flip(2);
	HCHECK(hreq_batch(fx, 0, r, H_RING_SLOTS, st, false) == 0);
	for (unsigned i = 0; i < H_RING_SLOTS; i++)
		HCHECK(st[i] == 0 || st[i] == -XEN_EBUSY);
	vd_fixture_pump(&fx->vf, 200);
	HEXPECT_ERR(fx, 0, hr_flip(3));
	return 0;
}

/* Flip on a second connector of an fb it was never configured with. */
static int flip_other_conn(struct hfix *fx)
{
	struct hbad_opts o = {.conns = 2};

	HCHECK(hbad_create(fx, &o));
	HCHECK(hfb_make(fx, 1, 2, H_CONN_W, H_CONN_H) == 0);
	HEXPECT_OK(fx, 0, hr_config(2, 0, 0, H_CONN_W, H_CONN_H));
	HEXPECT_OK(fx, 1, hr_flip(2)); /* off: answered, nothing shown */
	HEXPECT_ERR(fx, 1, hr_config(2, 5, 5, H_CONN_W, H_CONN_H));
	return 0;
}

static int edid_proto1(struct hfix *fx)
{
	uint32_t dir;

	HCHECK(bad(fx) == 0);
	dir = hbuf_make(fx, 1, 0);
	HCHECK(dir);
	HEXPECT_ERR(fx, 0, hr_edid(dir, 4096)); /* no version: protocol 1 */
	return 0;
}

static int edid_case(struct hfix *fx, uint32_t npages, unsigned flags,
		     uint32_t size, uint32_t dir_override)
{
	struct hbad_opts o = {.protocol2 = true};
	uint32_t dir;

	HCHECK(hbad_create(fx, &o));
	dir = hbuf_make(fx, npages, flags);
	HCHECK(dir);
	HEXPECT_OK(fx, 0, hr_edid(dir, 4096)); /* the sane request works */
	HEXPECT_ERR(fx, 0, hr_edid(dir_override ? dir_override : dir, size));
	return 0;
}

static int edid_short(struct hfix *fx)
{
	return edid_case(fx, 1, 0, 64, 0);
}

static int edid_huge(struct hfix *fx)
{
	return edid_case(fx, 1, 0, 1u << 20, 0);
}

static int edid_bad_dir(struct hfix *fx)
{
	return edid_case(fx, 1, 0, 4096, 99999);
}

static int edid_ro(struct hfix *fx)
{
	struct hbad_opts o = {.protocol2 = true};
	uint32_t dir;

	HCHECK(hbad_create(fx, &o));
	dir = hbuf_make(fx, 1, HB_DATA_RO);
	HCHECK(dir);
	HEXPECT_ERR(fx, 0, hr_edid(dir, 4096));
	return 0;
}

const struct hcase hcases_fb[] = {
	{"fb", "fb_attach_too_small", "XRGB8888 fb on an RGB565-sized dbuf; one line too many: errors", attach_too_small},
	{"fb", "fb_attach_prime_too_small", "PRIME dbuf of 4 KiB, fb 320x240 / 33x32 XRGB8888: errors", attach_prime_too_small},
	{"fb", "fb_attach_cookies", "fb cookie 0, dbuf cookie 0, unknown dbuf, duplicate fb cookie: errors", attach_cookies},
	{"fb", "fb_attach_bad_format", "fourcc 0x12345678, 0, 0xffffffff: errors", attach_bad_format},
	{"fb", "fb_attach_bad_size", "width/height 0, 0xffffffff, stride overflow: errors", attach_bad_size},
	{"fb", "fb_limit", "max-fbs + 1: error; after detaches a new one works", fb_limit},
	{"fb", "fb_detach_bad", "FB_DETACH of 0, unknown, a dbuf cookie, twice: errors", detach_bad},
	{"fb", "fb_config_outside", "SET_CONFIG whose region leaves the fb (x/y 1, 0xffffffff, wrap): errors", config_outside},
	{"fb", "fb_config_fb_smaller", "SET_CONFIG with an fb smaller than the resolution, unknown fb, dbuf cookie: errors", config_fb_smaller},
	{"fb", "fb_flip_detached", "PG_FLIP of an fb detached while on screen: error", flip_detached},
	{"fb", "fb_flip_unknown", "PG_FLIP before SET_CONFIG: answered; of cookie 0, unknown, a dbuf cookie: errors", flip_unknown},
	{"fb", "fb_flip_flood", "32 PG_FLIPs in one batch: each answered 0 or -EBUSY, then an unknown flip gets an error", flip_flood},
	{"fb", "fb_flip_other_conn", "On a connector not configured: PG_FLIP answered, SET_CONFIG off the fb an error", flip_other_conn},
	{"fb", "edid_protocol1", "GET_EDID without version 2: error", edid_proto1},
	{"fb", "edid_short_buffer", "GET_EDID buffer_sz 64 (< 128): error", edid_short},
	{"fb", "edid_huge_buffer", "GET_EDID buffer_sz 1 MiB: error", edid_huge},
	{"fb", "edid_bad_dir", "GET_EDID with a directory never granted: error", edid_bad_dir},
	{"fb", "edid_read_only", "GET_EDID into a page granted read-only: error", edid_ro},
	{NULL, NULL, NULL, NULL},
};
