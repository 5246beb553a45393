/* Display buffers: DBUF_CREATE from chained page directories, bad fields
 * and lying directories refused with nothing kept, the limits on count
 * and mapped bytes, DBUF_DESTROY taking its fbs, and buffers the backend
 * allocates (be-alloc). Against the real vdispl code with a fake guest. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "harness.h"

static void test_dbuf_chained_directory(void **state)
{
	struct harness h;
	uint32_t npages = DISPL_GREFS_PER_DIR_PAGE * 2 + 10; /* 3 dir pages */
	uint32_t *refs = calloc(npages, sizeof(*refs)), dir_refs[8];
	uint32_t size = npages * 4096 - 123;
	struct displ_dbuf *b;

	(void)state;
	h_setup(&h, 1, NULL, false);
	uint32_t dir = h_guest_buffer(&h, npages, refs, dir_refs);
	/* Mark the last page of each directory page's span. */
	*(uint32_t *)fake_guest_page(refs[1022]) = 1;
	*(uint32_t *)fake_guest_page(refs[1023]) = 2;
	*(uint32_t *)fake_guest_page(refs[npages - 1]) = 3;
	assert_int_equal(h_dbuf_create(&h, DB1, 0, 0, 0, size, dir), 0);
	b = displ_dbuf_find(h.dev, DB1);
	assert_non_null(b);
	assert_int_equal(b->npages, npages);
	assert_memory_equal(b->refs, refs, npages * sizeof(*refs));
	assert_int_equal(*(uint32_t *)((uint8_t *)b->map + 1022 * 4096), 1);
	assert_int_equal(*(uint32_t *)((uint8_t *)b->map + 1023 * 4096), 2);
	assert_int_equal(
		*(uint32_t *)((uint8_t *)b->map + (npages - 1) * 4096ul), 3);
	/* Directory pages were mapped one at a time and let go. */
	assert_int_equal(fake_live_maps(), 2 + 1);
	assert_int_equal(h.dev->mapped_bytes, npages * 4096ull);
	free(refs);
	h_teardown(&h);
}

/* Fields no buffer can have: each refused, nothing kept. */
static void test_dbuf_bad_fields(void **state)
{
	struct harness h;
	struct h_snap s;

	(void)state;
	h_setup(&h, 1, NULL, false);
	h_make_fb(&h, DB1, FB1, 64, 64);
	s = h_snap(&h);
	uint32_t dir = h_guest_buffer(&h, 4, NULL, NULL);

	/* zero, duplicate cookie */
	assert_int_equal(h_dbuf_create(&h, 0, 64, 16, 32, 16384, dir),
			 -XEN_EINVAL);
	assert_int_equal(h_dbuf_create(&h, DB1, 64, 16, 32, 16384, dir),
			 -XEN_EEXIST);
	/* size 0, data_ofs past the end */
	assert_int_not_equal(h_dbuf_create(&h, DB2, 0, 0, 0, 0, dir), 0);
	struct xendispl_req r = { .operation = XENDISPL_OP_DBUF_CREATE };
	r.op.dbuf_create = (struct xendispl_dbuf_create_req){
		.dbuf_cookie = DB2, .buffer_sz = 16384, .gref_directory = dir,
		.data_ofs = 16384,
	};
	assert_int_not_equal(h_call(&h, 0, &r, NULL), 0);
	/* geometry + data_ofs past the end */
	r.op.dbuf_create = (struct xendispl_dbuf_create_req){
		.dbuf_cookie = DB2, .width = 64, .height = 64, .bpp = 32,
		.buffer_sz = 16384, .gref_directory = dir, .data_ofs = 4,
	};
	assert_int_not_equal(h_call(&h, 0, &r, NULL), 0);
	/* width*height*bpp wraps in 32 bits to a tiny number */
	assert_int_not_equal(h_dbuf_create(&h, DB2, 65536, 65536, 32, 16384,
					   dir), 0);
	assert_int_not_equal(h_dbuf_create(&h, DB2, 0x80000000u, 2, 8, 16384,
					   dir), 0);
	/* geometry larger than the buffer, partial geometry */
	assert_int_not_equal(h_dbuf_create(&h, DB2, 800, 600, 32, 16384, dir),
			     0);
	assert_int_not_equal(h_dbuf_create(&h, DB2, 64, 0, 32, 16384, dir), 0);
	/* size beyond any limit: 4 GiB - 1 */
	assert_int_not_equal(h_dbuf_create(&h, DB2, 0, 0, 0, 0xffffffffu, dir),
			     0);
	/* unknown flags; REQ_ALLOC on a device without be-alloc */
	r.op.dbuf_create = (struct xendispl_dbuf_create_req){
		.dbuf_cookie = DB2, .buffer_sz = 16384, .gref_directory = dir,
		.flags = 2,
	};
	assert_int_not_equal(h_call(&h, 0, &r, NULL), 0);
	r.op.dbuf_create.flags = XENDISPL_DBUF_FLG_REQ_ALLOC;
	assert_int_not_equal(h_call(&h, 0, &r, NULL), 0);
	/* directory ref that is not granted; grants to another domain */
	assert_int_not_equal(h_dbuf_create(&h, DB2, 0, 0, 0, 16384, 4000), 0);
	uint32_t foreign = fake_guest_grant_new(7, false);
	assert_int_not_equal(h_dbuf_create(&h, DB2, 0, 0, 0, 4096, foreign),
			     0);
	assert_null(displ_dbuf_find(h.dev, DB2));
	h_assert_unchanged(&h, s);

	h_teardown(&h);
}

/* Directories that lie: shorter than the size, looping, naming a page
 * that is not granted. Each refused, nothing kept. */
static void test_dbuf_bad_directory(void **state)
{
	struct harness h;
	uint32_t dir_refs[8];

	(void)state;
	h_setup(&h, 1, NULL, false);
	struct h_snap s = h_snap(&h);
	/* Directory shorter than the size: next is 0 after one page. */
	uint32_t big = DISPL_GREFS_PER_DIR_PAGE + 5;
	uint32_t dir = h_guest_buffer(&h, big, NULL, dir_refs);
	((struct xendispl_page_directory *)fake_guest_page(dir_refs[0]))
		->gref_dir_next_page = 0;
	assert_int_not_equal(h_dbuf_create(&h, DB2, 0, 0, 0, big * 4096, dir),
			     0);
	/* Directory loop: the first page names itself as next. */
	((struct xendispl_page_directory *)fake_guest_page(dir_refs[0]))
		->gref_dir_next_page = dir_refs[0];
	assert_int_not_equal(h_dbuf_create(&h, DB2, 0, 0, 0, big * 4096, dir),
			     0);
	/* A data ref that is not granted. */
	((struct xendispl_page_directory *)fake_guest_page(dir_refs[0]))
		->gref_dir_next_page = dir_refs[1];
	((struct xendispl_page_directory *)fake_guest_page(dir_refs[1]))
		->gref[2] = 3999;
	assert_int_not_equal(h_dbuf_create(&h, DB2, 0, 0, 0, big * 4096, dir),
			     0);
	h_assert_unchanged(&h, s);
	h_teardown(&h);
}

static void test_dbuf_limits(void **state)
{
	struct harness h;
	struct h_snap s;

	(void)state;
	h_init(&h, 1, NULL, false);
	h.ctx.limits.max_dbufs = 2;
	h.ctx.limits.max_mapped_bytes = 64 * 4096;
	assert_int_equal(h_connect(&h), 0);
	uint32_t d1 = h_guest_buffer(&h, 8, NULL, NULL);
	uint32_t d2 = h_guest_buffer(&h, 60, NULL, NULL);
	assert_int_equal(h_dbuf_create(&h, 1, 0, 0, 0, 8 * 4096, d1), 0);
	s = h_snap(&h);
	/* 8 + 60 pages > 64 */
	assert_int_equal(h_dbuf_create(&h, 2, 0, 0, 0, 60 * 4096, d2),
			 -XEN_ENOMEM);
	h_assert_unchanged(&h, s);
	assert_int_equal(h_dbuf_create(&h, 2, 0, 0, 0, 4096, d2), 0);
	s = h_snap(&h);
	assert_int_equal(h_dbuf_create(&h, 3, 0, 0, 0, 4096, d1), -XEN_ENOSPC);
	h_assert_unchanged(&h, s);
	/* Destroying gives the budget back. */
	assert_int_equal(h_simple(&h, 0, XENDISPL_OP_DBUF_DESTROY, 1), 0);
	assert_int_equal(h_dbuf_create(&h, 3, 0, 0, 0, 4096, d1), 0);
	h_teardown(&h);
}

/* Policy: DBUF_DESTROY of a dbuf with fbs destroys those fbs too. */
static void test_dbuf_destroy_takes_fbs(void **state)
{
	struct harness h;

	(void)state;
	h_setup(&h, 1, NULL, false);
	h_make_fb(&h, DB1, FB1, 800, 600);
	assert_int_equal(h_fb_attach(&h, FB2, DB1, 400, 300, XR24), 0);
	assert_int_equal(h_set_config(&h, 0, FB1, 0, 0, 800, 600), 0);
	assert_int_equal(h.pres.live_fbs, 2);
	assert_int_equal(h_simple(&h, 0, XENDISPL_OP_DBUF_DESTROY, DB1), 0);
	assert_int_equal(h.pres.live_fbs, 0);
	assert_int_equal(h.dev->n_fbs, 0);
	assert_null(fake_pres_conn(&h.pres, 0)->config_fb);
	assert_int_equal(fake_live_maps(), 2);
	assert_int_equal(h_simple(&h, 0, XENDISPL_OP_DBUF_DESTROY, DB1),
			 -XEN_ENOENT);
	assert_int_equal(h_simple(&h, 0, XENDISPL_OP_DBUF_DESTROY, 0),
			 -XEN_ENOENT);
	/* The cookie can be used again. */
	h_make_fb(&h, DB1, FB1, 64, 64);
	h_teardown(&h);
}

static void test_be_alloc(void **state)
{
	struct harness h;
	uint32_t npages = DISPL_GREFS_PER_DIR_PAGE + 3, dir_refs[8];
	struct xendispl_req r = { .operation = XENDISPL_OP_DBUF_CREATE };

	(void)state;
	h_setup(&h, 1, NULL, true);
	assert_true(h.dev->be_alloc);
	uint32_t dir = h_guest_dir_only(&h, npages, dir_refs);
	r.op.dbuf_create = (struct xendispl_dbuf_create_req){
		.dbuf_cookie = DB1, .buffer_sz = npages * 4096,
		.flags = XENDISPL_DBUF_FLG_REQ_ALLOC, .gref_directory = dir,
	};
	assert_int_equal(h_call(&h, 0, &r, NULL), 0);
	assert_int_equal(fake_live_shares(), 1);
	struct displ_dbuf *b = displ_dbuf_find(h.dev, DB1);
	assert_non_null(b);

	/* The guest finds our refs in its directory, chained over 2 pages,
	 * and sees what we write through them. */
	struct xendispl_page_directory *p0 = fake_guest_page(dir_refs[0]);
	struct xendispl_page_directory *p1 = fake_guest_page(dir_refs[1]);
	assert_int_equal(p0->gref_dir_next_page, dir_refs[1]);
	uint32_t first = p0->gref[0], last = p1->gref[2];
	assert_int_equal(first, b->refs[0]);
	assert_int_equal(last, b->refs[npages - 1]);
	((uint8_t *)b->map)[0] = 0x5a;
	((uint8_t *)b->map)[(npages - 1) * 4096ul + 7] = 0xa5;
	assert_int_equal(((uint8_t *)fake_guest_page(first))[0], 0x5a);
	assert_int_equal(((uint8_t *)fake_guest_page(last))[7], 0xa5);
	assert_int_equal(h_fb_attach(&h, FB1, DB1, 800, 600, XR24), 0);

	/* A be-alloc device may still take frontend-allocated buffers. */
	uint32_t gdir = h_guest_buffer(&h, 4, NULL, NULL);
	assert_int_equal(h_dbuf_create(&h, DB2, 0, 0, 0, 4 * 4096, gdir), 0);

	/* A directory too short for the size: refused, nothing shared. */
	uint32_t short_dir = h_guest_dir_only(&h, 5, NULL);
	r.op.dbuf_create.dbuf_cookie = 0x77;
	r.op.dbuf_create.gref_directory = short_dir;
	assert_int_not_equal(h_call(&h, 0, &r, NULL), 0);
	assert_int_equal(fake_live_shares(), 1);

	assert_int_equal(h_simple(&h, 0, XENDISPL_OP_DBUF_DESTROY, DB1), 0);
	assert_int_equal(fake_live_shares(), 0);
	assert_null(fake_guest_page(first)); /* grant ended */
	h_teardown(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dbuf_chained_directory),
		cmocka_unit_test(test_dbuf_bad_fields),
		cmocka_unit_test(test_dbuf_bad_directory),
		cmocka_unit_test(test_dbuf_limits),
		cmocka_unit_test(test_dbuf_destroy_takes_fbs),
		cmocka_unit_test(test_be_alloc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
