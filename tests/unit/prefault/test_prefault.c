/* prefault_write: after it, every page of a fresh shared mapping (a
 * wl_shm pool's memfd) is present in our page table, writable without a
 * fault, and keeps its content. prefault_read maps a file's pages. A
 * prefault job does the same one slice per loop turn, reports once, and
 * stops when cancelled. Presence is read from /proc/self/pagemap (bit 63),
 * which anyone may read for their own process. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmocka.h>

#include "loop.h"
#include "prefault.h"

/* Pages of [p, p + size) whose page-table entry is present. */
static size_t present_pages(const void *p, size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), n = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	for (size_t off = 0; off < size; off += page) {
		uint64_t e = 0;
		off_t at = (off_t)(((uintptr_t)p + off) / page * sizeof(e));
		assert_int_equal(pread(fd, &e, sizeof(e), at), sizeof(e));
		n += (e >> 63) & 1;
	}
	close(fd);
	return n;
}

static long minor_faults(void)
{
	struct rusage ru;
	assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
	return ru.ru_minflt;
}

/* A fresh memfd mapped shared, as shm_pool_init does. */
static uint8_t *fresh_map(size_t size)
{
	int fd = memfd_create("prefault-test", MFD_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	void *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	assert_true(m != MAP_FAILED);
	close(fd);
	return m;
}

static void test_pages_present_and_zero(void **state)
{
	(void)state;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	/* Not a whole number of pages: the last, partial one counts too. */
	size_t size = 257 * page + 100, pages = 258;
	uint8_t *m = fresh_map(size);

	assert_int_equal(present_pages(m, size), 0); /* else no test */
	prefault_write(m, size);
	assert_int_equal(present_pages(m, size), pages);

	long before = minor_faults();
	for (size_t off = 0; off < size; off += page)
		((volatile uint8_t *)m)[off] = 0xa5;
	assert_int_equal(minor_faults() - before, 0);

	/* Only what we wrote changed: the rest is still the kernel's zero. */
	for (size_t off = 0; off < size; off++)
		if (m[off] != ((off % page) != 0 ? 0 : 0xa5))
			fail_msg("byte %zu is %#x", off, m[off]);
	munmap(m, size);
}

/* prefault_read maps the pages of a shared mapping whose file already has
 * them (a grant mapping on the copy path), and changes nothing. */
static void test_read_maps_pages(void **state)
{
	(void)state;
	size_t page = (size_t)sysconf(_SC_PAGESIZE), size = 64 * page;
	int fd = memfd_create("prefault-read", MFD_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	uint8_t *w = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	const uint8_t *r = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	assert_true(w != MAP_FAILED && r != MAP_FAILED);
	close(fd);
	memset(w, 0x5a, size);

	assert_int_equal(present_pages(r, size), 0);
	prefault_read(r, size);
	assert_int_equal(present_pages(r, size), 64);
	for (size_t off = 0; off < size; off++)
		if (r[off] != 0x5a)
			fail_msg("byte %zu is %#x", off, r[off]);
	munmap(w, size);
	munmap((void *)r, size);
}

struct done_count {
	unsigned calls;
	uint64_t ns;
};

static void count_done(void *data, uint64_t ns)
{
	struct done_count *d = data;
	d->calls++;
	d->ns = ns;
}

/* A write job over a fresh mapping of size bytes, on a new loop. */
static struct prefault_job *job_setup(size_t size, uint8_t **m,
				      struct loop **loop,
				      struct done_count *done)
{
	*m = fresh_map(size);
	*loop = loop_create();
	assert_non_null(*loop);
	memset(done, 0, sizeof(*done));
	struct prefault_job *job =
		prefault_start(*loop, *m, size, true, count_done, done);
	assert_non_null(job);
	return job;
}

/* One slice per turn, then done once; the last slice may be partial. */
static void test_job_slices(void **state)
{
	(void)state;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t size = 3 * PREFAULT_SLICE + 5 * page + 7;
	size_t pages = (size + page - 1) / page, slice = PREFAULT_SLICE / page;
	uint8_t *m;
	struct loop *loop;
	struct done_count done;

	job_setup(size, &m, &loop, &done);
	assert_int_equal(present_pages(m, size), 0); /* nothing before a turn */
	for (unsigned turn = 1; turn <= 3; turn++) {
		assert_true(loop_dispatch(loop, 0) >= 0);
		assert_int_equal(present_pages(m, size), turn * slice);
		assert_int_equal(done.calls, 0);
	}
	assert_true(loop_dispatch(loop, 0) >= 0);
	assert_int_equal(present_pages(m, size), pages);
	assert_int_equal(done.calls, 1);
	assert_true(done.ns > 0);
	for (unsigned turn = 0; turn < 3; turn++)
		assert_true(loop_dispatch(loop, 0) >= 0);
	assert_int_equal(done.calls, 1); /* once, and the job is gone */
	loop_destroy(loop);
	munmap(m, size);
}

static void test_job_cancel(void **state)
{
	(void)state;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t size = 4 * PREFAULT_SLICE;
	uint8_t *m;
	struct loop *loop;
	struct done_count done;
	struct prefault_job *job = job_setup(size, &m, &loop, &done);

	assert_true(loop_dispatch(loop, 0) >= 0);
	prefault_cancel(job);
	for (unsigned turn = 0; turn < 5; turn++)
		assert_true(loop_dispatch(loop, 0) >= 0);
	assert_int_equal(present_pages(m, size), PREFAULT_SLICE / page);
	assert_int_equal(done.calls, 0);
	prefault_cancel(NULL);
	assert_null(prefault_start(loop, m, 0, true, count_done, &done));
	assert_null(prefault_start(NULL, m, size, true, count_done, &done));
	loop_destroy(loop);
	munmap(m, size);
}

/* A pool may already hold a copied frame when a slice reaches it: every
 * byte must stay as it was. */
static void test_write_keeps_content(void **state)
{
	(void)state;
	size_t page = (size_t)sysconf(_SC_PAGESIZE), size = 16 * page + 3;
	uint8_t *m = fresh_map(size);
	for (size_t off = 0; off < size; off++)
		m[off] = (uint8_t)(off * 7 + 1);
	prefault_write(m, size);
	for (size_t off = 0; off < size; off++)
		if (m[off] != (uint8_t)(off * 7 + 1))
			fail_msg("byte %zu is %#x", off, m[off]);
	munmap(m, size);
}

static void test_nothing_to_do(void **state)
{
	(void)state;
	prefault_write(NULL, 4096);
	prefault_read(NULL, 4096);
	uint8_t *m = fresh_map(4096);
	prefault_write(m, 0);
	prefault_read(m, 0);
	assert_int_equal(present_pages(m, 4096), 0);
	munmap(m, 4096);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pages_present_and_zero),
		cmocka_unit_test(test_read_maps_pages),
		cmocka_unit_test(test_write_keeps_content),
		cmocka_unit_test(test_job_slices),
		cmocka_unit_test(test_job_cancel),
		cmocka_unit_test(test_nothing_to_do),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
