/* LD_PRELOAD shim for the benchmark: counts vdispld's heap allocations
 * (malloc, calloc, realloc, aligned variants) into a file the benchmark
 * maps too, so it can read the counts at both ends of a steady window
 * without signalling the process.
 *
 * Counts are split by the object that called the allocator directly: the
 * vdispld executable, libwayland-client, anything else (libc internals,
 * other libraries), so a non-zero count per flip says whose it is.
 *
 * MALLOC_COUNT_FILE names the file (at least sizeof(struct
 * malloc_count_page) bytes); without it nothing is counted. */
#include <fcntl.h>
#include <link.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "malloc_count.h"

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void *__libc_memalign(size_t align, size_t size);

struct range {
	uintptr_t lo, hi;
};

static struct malloc_count_page *page;
static struct range exe, wayland;

static void widen(struct range *r, const struct dl_phdr_info *info)
{
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD)
			continue;
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
		uintptr_t hi = lo + ph->p_memsz;
		if (!r->lo || lo < r->lo)
			r->lo = lo;
		if (hi > r->hi)
			r->hi = hi;
	}
}

static int find_objects(struct dl_phdr_info *info, size_t size, void *data)
{
	int *nth = data;
	(void)size;
	if ((*nth)++ == 0)
		widen(&exe, info); /* the first is the program itself */
	else if (info->dlpi_name && strstr(info->dlpi_name, "libwayland-client"))
		widen(&wayland, info);
	return 0;
}

__attribute__((constructor)) static void malloc_count_init(void)
{
	const char *path = getenv("MALLOC_COUNT_FILE");
	int nth = 0;
	if (!path)
		return;
	dl_iterate_phdr(find_objects, &nth);
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return;
	void *map = mmap(NULL, sizeof(*page), PROT_READ | PROT_WRITE,
			 MAP_SHARED, fd, 0);
	close(fd);
	if (map != MAP_FAILED)
		page = map;
}

static void count(const void *caller)
{
	if (!page)
		return;
	uintptr_t a = (uintptr_t)caller;
	uint64_t *slot = a >= exe.lo && a < exe.hi	   ? &page->exe
			 : a >= wayland.lo && a < wayland.hi ? &page->wayland
							     : &page->other;
	__atomic_fetch_add(slot, 1, __ATOMIC_RELAXED);
}

void *malloc(size_t size)
{
	count(__builtin_return_address(0));
	return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	count(__builtin_return_address(0));
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
	count(__builtin_return_address(0));
	return __libc_realloc(p, size);
}

void *memalign(size_t align, size_t size)
{
	count(__builtin_return_address(0));
	return __libc_memalign(align, size);
}

void *aligned_alloc(size_t align, size_t size)
{
	count(__builtin_return_address(0));
	return __libc_memalign(align, size);
}

int posix_memalign(void **out, size_t align, size_t size)
{
	count(__builtin_return_address(0));
	void *p = __libc_memalign(align, size);
	if (!p)
		return 12; /* ENOMEM */
	*out = p;
	return 0;
}
