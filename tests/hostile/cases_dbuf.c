/* Hostile cases on DBUF_CREATE / DBUF_DESTROY: sizes and geometry that
 * overflow or lie, cookies, grant refs that are not the guest's to give,
 * page directories that loop or end early, and the per-guest limits. */
#include "hostile.h"

static int bad(struct hfix *fx, const struct hbad_opts *o)
{
	return hbad_create(fx, o) ? 0 : -1;
}

static int zero_cookie(struct hfix *fx)
{
	uint32_t dir;

	HCHECK(bad(fx, NULL) == 0);
	dir = hbuf_make(fx, 1, 0);
	HCHECK(dir);
	HEXPECT_ERR(fx, 0, hr_dbuf(0, 32, 32, 32, 4096, dir));
	return 0;
}

static int dup_cookie(struct hfix *fx)
{
	uint32_t d1, d2;

	HCHECK(bad(fx, NULL) == 0);
	d1 = hbuf_make(fx, 1, 0);
	d2 = hbuf_make(fx, 1, 0);
	HCHECK(d1 && d2);
	HEXPECT_OK(fx, 0, hr_dbuf(5, 32, 32, 32, 4096, d1));
	HEXPECT_ERR(fx, 0, hr_dbuf(5, 32, 32, 32, 4096, d2));
	return 0;
}

static int wh_overflow(struct hfix *fx)
{
	uint32_t dir;

	HCHECK(bad(fx, NULL) == 0);
	dir = hbuf_make(fx, 1, 0);
	HCHECK(dir);
	HEXPECT_ERR(fx, 0, hr_dbuf(6, 0xffffffffu, 0xffffffffu, 32, 4096, dir));
	HEXPECT_ERR(fx, 0, hr_dbuf(7, 65536, 65536, 32, 0, dir));
	HEXPECT_ERR(fx, 0, hr_dbuf(8, 0x10000001u, 16, 32, 64, dir));
	return 0;
}

/* width x height x bpp is 4 GiB, which wraps to 0 in 32 bits. */
static int whbpp_wrap(struct hfix *fx)
{
	uint32_t dir;

	HCHECK(bad(fx, NULL) == 0);
	dir = hbuf_make(fx, 1, 0);
	HCHECK(dir);
	HEXPECT_ERR(fx, 0, hr_dbuf(9, 16384, 16384, 128, 4096, dir));
	HEXPECT_ERR(fx, 0, hr_dbuf(10, 16384, 8192, 256, 4096, dir));
	return 0;
}

static int size_mismatch(struct hfix *fx)
{
	uint32_t dir;

	HCHECK(bad(fx, NULL) == 0);
	dir = hbuf_make(fx, 1, 0);
	HCHECK(dir);
	/* 64x64x32 needs 16 KiB; the buffer says 4 KiB. */
	HEXPECT_ERR(fx, 0, hr_dbuf(11, 64, 64, 32, 4096, dir));
	return 0;
}

static int data_ofs_past_end(struct hfix *fx)
{
	struct xendispl_req r;
	uint32_t dir;

	HCHECK(bad(fx, NULL) == 0);
	dir = hbuf_make(fx, 1, 0);
	HCHECK(dir);
	r = hr_dbuf(12, 8, 8, 32, 4096, dir);
	r.op.dbuf_create.data_ofs = 4096;
	HEXPECT_ERR(fx, 0, r);
	r.op.dbuf_create.data_ofs = 0xffffffffu;
	HEXPECT_ERR(fx, 0, r);
	return 0;
}

/* data_ofs + pitch x height wraps in 32 bits. */
static int data_ofs_wrap(struct hfix *fx)
{
	struct xendispl_req r;
	uint32_t dir;

	HCHECK(bad(fx, NULL) == 0);
	dir = hbuf_make(fx, 2, 0);
	HCHECK(dir);
	r = hr_dbuf(13, 32, 32, 32, 8192, dir);
	r.op.dbuf_create.data_ofs = 8191;
	HEXPECT_ERR(fx, 0, r);
	r.op.dbuf_create.data_ofs = 0xfffff000u;
	r.op.dbuf_create.buffer_sz = 0xffffffffu;
	HEXPECT_ERR(fx, 0, r);
	return 0;
}

static int huge_size(struct hfix *fx)
{
	uint32_t dir;

	HCHECK(bad(fx, NULL) == 0);
	dir = hbuf_make(fx, 1, 0);
	HCHECK(dir);
	HEXPECT_ERR(fx, 0, hr_dbuf(14, 0, 0, 0, 0xffffffffu, dir));
	HEXPECT_ERR(fx, 0, hr_dbuf(15, 0, 0, 0, 0x80000000u, dir));
	return 0;
}

static int bad_bpp(struct hfix *fx)
{
	uint32_t dir;

	HCHECK(bad(fx, NULL) == 0);
	dir = hbuf_make(fx, 1, 0);
	HCHECK(dir);
	HEXPECT_ERR(fx, 0, hr_dbuf(16, 8, 8, 0, 4096, dir));
	HEXPECT_ERR(fx, 0, hr_dbuf(17, 8, 8, 0xffffffffu, 4096, dir));
	HEXPECT_ERR(fx, 0, hr_dbuf(18, 0, 8, 32, 4096, dir));
	return 0;
}

static int bad_flags(struct hfix *fx)
{
	struct xendispl_req r;
	uint32_t dir;

	HCHECK(bad(fx, NULL) == 0);
	dir = hbuf_make(fx, 1, 0);
	HCHECK(dir);
	r = hr_dbuf(19, 8, 8, 32, 4096, dir);
	r.op.dbuf_create.flags = 0xfffffffeu;
	HEXPECT_ERR(fx, 0, r);
	/* Backend allocation asked of a device without be-alloc. */
	r.op.dbuf_create.flags = XENDISPL_DBUF_FLG_REQ_ALLOC;
	HEXPECT_ERR(fx, 0, r);
	return 0;
}

static int buf_flags_case(struct hfix *fx, uint32_t npages, unsigned flags,
			  bool be_alloc)
{
	struct hbad_opts o = {.be_alloc = be_alloc};
	struct xendispl_req r;
	uint32_t dir;

	HCHECK(bad(fx, &o) == 0);
	dir = hbuf_make(fx, npages, flags | (be_alloc ? HB_NO_DATA : 0));
	HCHECK(dir);
	r = hr_dbuf(20, 0, 0, 0, npages * 4096, dir);
	if (be_alloc)
		r.op.dbuf_create.flags = XENDISPL_DBUF_FLG_REQ_ALLOC;
	HEXPECT_ERR(fx, 0, r);
	return 0;
}

static int gref_zero(struct hfix *fx)
{
	HCHECK(bad(fx, NULL) == 0);
	HEXPECT_ERR(fx, 0, hr_dbuf(21, 8, 8, 32, 4096, 0));
	return 0;
}

static int gref_unmapped(struct hfix *fx)
{
	HCHECK(bad(fx, NULL) == 0);
	HEXPECT_ERR(fx, 0, hr_dbuf(22, 8, 8, 32, 4096, 123456));
	HEXPECT_ERR(fx, 0, hr_dbuf(23, 8, 8, 32, 4096, 0xffffffffu));
	return 0;
}

static int dir_foreign(struct hfix *fx)
{
	return buf_flags_case(fx, 4, HB_DIR_FOREIGN, false);
}

static int data_foreign(struct hfix *fx)
{
	return buf_flags_case(fx, 4, HB_DATA_FOREIGN, false);
}

static int data_zero_refs(struct hfix *fx)
{
	return buf_flags_case(fx, 4, HB_DATA_ZERO, false);
}

static int data_bogus_refs(struct hfix *fx)
{
	return buf_flags_case(fx, 4, HB_DATA_BOGUS, false);
}

/* > 2 x 1023 pages: three directory pages, the second pointing back. */
static int dir_loop(struct hfix *fx)
{
	return buf_flags_case(fx, 2100, HB_DIR_LOOP, false);
}

static int dir_self(struct hfix *fx)
{
	return buf_flags_case(fx, 1500, HB_DIR_SELF, false);
}

static int dir_short(struct hfix *fx)
{
	return buf_flags_case(fx, 2100, HB_DIR_SHORT, false);
}

static int be_alloc_dir_ro(struct hfix *fx)
{
	return buf_flags_case(fx, 4, HB_DIR_RO, true);
}

static int be_alloc_dir_short(struct hfix *fx)
{
	return buf_flags_case(fx, 1500, HB_DIR_SHORT | HB_DIR_LOOP, true);
}

static int be_alloc_dir_foreign(struct hfix *fx)
{
	return buf_flags_case(fx, 4, HB_DIR_FOREIGN, true);
}

static int dbuf_limit(struct hfix *fx)
{
	uint32_t dir;

	HCHECK(bad(fx, NULL) == 0);
	dir = hbuf_make(fx, 1, 0);
	HCHECK(dir);
	for (unsigned i = 0; i < H_MAX_DBUFS; i++)
		HEXPECT_OK(fx, 0, hr_dbuf(100 + i, 8, 8, 32, 4096, dir));
	HEXPECT_ERR(fx, 0, hr_dbuf(99, 8, 8, 32, 4096, dir));
	for (unsigned i = 0; i < H_MAX_DBUFS; i++)
		HEXPECT_OK(fx, 0, hr_dbuf_destroy(100 + i));
	HEXPECT_OK(fx, 0, hr_dbuf(99, 8, 8, 32, 4096, dir));
	return 0;
}

static int mapped_limit(struct hfix *fx)
{
	uint32_t big = H_MAX_MAPPED_MB * 256u * 3 / 4; /* pages */
	uint32_t d1, d2;

	HCHECK(bad(fx, NULL) == 0);
	d1 = hbuf_make(fx, big, 0);
	d2 = hbuf_make(fx, big, 0);
	HCHECK(d1 && d2);
	HEXPECT_OK(fx, 0, hr_dbuf(30, 0, 0, 0, big * 4096, d1));
	HEXPECT_ERR(fx, 0, hr_dbuf(31, 0, 0, 0, big * 4096, d2));
	HEXPECT_OK(fx, 0, hr_dbuf_destroy(30));
	HEXPECT_OK(fx, 0, hr_dbuf(31, 0, 0, 0, big * 4096, d2));
	return 0;
}

static int destroy_twice(struct hfix *fx)
{
	uint32_t dir;

	HCHECK(bad(fx, NULL) == 0);
	dir = hbuf_make(fx, 1, 0);
	HCHECK(dir);
	HEXPECT_OK(fx, 0, hr_dbuf(40, 8, 8, 32, 4096, dir));
	HEXPECT_OK(fx, 0, hr_dbuf_destroy(40));
	HEXPECT_ERR(fx, 0, hr_dbuf_destroy(40));
	HEXPECT_ERR(fx, 0, hr_dbuf_destroy(0));
	HEXPECT_ERR(fx, 0, hr_dbuf_destroy(0xffffffffffffffffull));
	return 0;
}

/* Linux detaches first; a hostile guest destroys the dbuf under its fb. */
static int destroy_attached(struct hfix *fx)
{
	HCHECK(bad(fx, NULL) == 0);
	HCHECK(hfb_make(fx, 41, 42, 64, 64) == 0);
	HEXPECT_OK(fx, 0, hr_dbuf_destroy(41));
	HEXPECT_ERR(fx, 0, hr_fb_detach(42));
	HEXPECT_ERR(fx, 0, hr_config(42, 0, 0, 64, 64));
	return 0;
}

static int destroy_on_screen(struct hfix *fx)
{
	HCHECK(bad(fx, NULL) == 0);
	HCHECK(hfb_make(fx, 43, 44, H_CONN_W, H_CONN_H) == 0);
	HEXPECT_OK(fx, 0, hr_config(44, 0, 0, H_CONN_W, H_CONN_H));
	for (int i = 0; i < 5; i++) {
		HEXPECT_OK(fx, 0, hr_flip(44));
		vd_fixture_pump(&fx->vf, 20);
	}
	HEXPECT_OK(fx, 0, hr_flip(44));
	HEXPECT_OK(fx, 0, hr_dbuf_destroy(43)); /* flip still in flight */
	HEXPECT_ERR(fx, 0, hr_flip(44));
	vd_fixture_pump(&fx->vf, 100);
	return 0;
}

const struct hcase hcases_dbuf[] = {
	{"dbuf", "dbuf_zero_cookie", "DBUF_CREATE cookie 0: error", zero_cookie},
	{"dbuf", "dbuf_dup_cookie", "DBUF_CREATE twice with one cookie: second gets an error", dup_cookie},
	{"dbuf", "dbuf_wh_overflow", "width/height 0xffffffff, 65536x65536, 2^28+1 wide: errors", wh_overflow},
	{"dbuf", "dbuf_whbpp_wrap", "16384x16384x128 bpp (4 GiB, wraps to 0 in 32 bits): error", whbpp_wrap},
	{"dbuf", "dbuf_size_mismatch", "64x64x32 in a 4 KiB buffer_sz: error", size_mismatch},
	{"dbuf", "dbuf_data_ofs_past_end", "data_ofs = buffer_sz and 0xffffffff: errors", data_ofs_past_end},
	{"dbuf", "dbuf_data_ofs_wrap", "data_ofs + pitch x height past the end / wrapping: errors", data_ofs_wrap},
	{"dbuf", "dbuf_huge_size", "buffer_sz 4 GiB-1 and 2 GiB (over max-mapped-mb): errors, nothing mapped", huge_size},
	{"dbuf", "dbuf_bad_bpp", "bpp 0, bpp 0xffffffff, width 0 with height: errors", bad_bpp},
	{"dbuf", "dbuf_bad_flags", "unknown flags; REQ_ALLOC on a device without be-alloc: errors", bad_flags},
	{"dbuf", "dbuf_gref_zero", "gref_directory 0: error", gref_zero},
	{"dbuf", "dbuf_gref_unmapped", "gref_directory never granted (123456, 0xffffffff): errors", gref_unmapped},
	{"dbuf", "dbuf_limit", "max-dbufs + 1: error; after destroys a new one works", dbuf_limit},
	{"dbuf", "dbuf_mapped_limit", "two buffers of 3/4 max-mapped-mb: second refused until the first is destroyed", mapped_limit},
	{"dbuf", "dbuf_destroy_twice", "DBUF_DESTROY twice, of cookie 0, of an unknown cookie: errors", destroy_twice},
	{"dbuf", "dbuf_destroy_attached", "DBUF_DESTROY with an fb attached: its fb goes too (FB_DETACH / SET_CONFIG of it get errors)", destroy_attached},
	{"dbuf", "dbuf_destroy_on_screen", "DBUF_DESTROY of the buffer on screen with a flip in flight: later flip of its fb gets an error", destroy_on_screen},
	{NULL, NULL, NULL, NULL},
};

const struct hcase hcases_dir[] = {
	{"dir", "dir_foreign", "directory page granted to another domain: error", dir_foreign},
	{"dir", "dir_data_foreign", "data pages granted to another domain: error", data_foreign},
	{"dir", "dir_data_zero_refs", "directory full of gref 0: error", data_zero_refs},
	{"dir", "dir_data_bogus_refs", "directory of never-granted refs: error", data_bogus_refs},
	{"dir", "dir_loop", "3-page directory whose second page points back to the first: error", dir_loop},
	{"dir", "dir_self_loop", "directory page pointing to itself: error", dir_self},
	{"dir", "dir_short", "directory one page shorter than buffer_sz: error", dir_short},
	{"dir", "dir_be_alloc_ro", "be-alloc: directory granted read-only (backend must write it): error, shared pages returned", be_alloc_dir_ro},
	{"dir", "dir_be_alloc_short", "be-alloc: directory looping back early: error, shared pages returned", be_alloc_dir_short},
	{"dir", "dir_be_alloc_foreign", "be-alloc: directory granted to another domain: error", be_alloc_dir_foreign},
	{NULL, NULL, NULL, NULL},
};
