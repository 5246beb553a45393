/* Fuzz target 2: the page-directory walk (displ_dir_walk), in both
 * directions: reading data refs the guest listed, and filling in the
 * refs of pages we share (backend allocation). The guest's directory is
 * a graph of up to MAX_DIR_PAGES pages whose gref_dir_next_page links the
 * input chooses: chains, loops, self-loops, early zeros, refs that were
 * never granted or were revoked, read-only pages, any page count up to
 * the 4 GiB a buffer_sz can describe.
 *
 * Checked against a model of the walk: success exactly when the chain
 * has enough distinct, mappable pages; then every ref read (or written)
 * is the right one and nothing outside the used entries changed; the
 * status is 0 or -XEN_EINVAL; nothing stays mapped. */
#include <stdlib.h>
#include <string.h>

#include "fake_xen.h"
#include "fuzz_guest.h"
#include "fuzz_input.h"
#include "xen_grant.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define MAX_DIR_PAGES 96u
#define PER_PAGE DISPL_GREFS_PER_DIR_PAGE
/* A data ref value that tells page i's entry j apart from all others. */
#define ENTRY(i, j) (0x40000000u + (uint32_t)(i) * 0x10000u + (uint32_t)(j))

struct dir {
	unsigned n;
	uint32_t ref[MAX_DIR_PAGES];
	bool ro[MAX_DIR_PAGES], revoked[MAX_DIR_PAGES];
	uint32_t next[MAX_DIR_PAGES];
};

static uint32_t pick_ref(struct fin *in, const struct dir *d)
{
	uint8_t b = fin_u8(in);

	if (b < 0xe0)
		return d->ref[b % d->n];
	if (b < 0xf0)
		return 0;
	return fin_u32(in);
}

static uint32_t pick_npages(struct fin *in)
{
	static const uint32_t sizes[8] = { 1,	 PER_PAGE,     PER_PAGE + 1,
					   2 * PER_PAGE, 469,	       0,
					   1u << 20,	 PER_PAGE * 90 };
	uint8_t b = fin_u8(in);

	if (b < 0xc0)
		return sizes[b % 8];
	if (b < 0xe0)
		return b; /* small */
	return fin_u32(in) % ((1u << 20) + 1); /* up to a 4 GiB buffer */
}

static int index_of(const struct dir *d, uint32_t ref)
{
	for (unsigned i = 0; i < d->n; i++) {
		if (d->ref[i] == ref)
			return (int)i;
	}
	return -1;
}

/* The walk as the protocol defines it: ndir distinct pages, each one
 * granted to us (writable when we fill), linked by next. Returns the
 * number of pages it visits, or -1 if the walk must fail. */
static int model(const struct dir *d, uint32_t first, uint32_t npages,
		 bool fill, int *order)
{
	uint32_t ndir = (npages + PER_PAGE - 1) / PER_PAGE;
	uint32_t ref = first;

	for (uint32_t i = 0; i < ndir; i++) {
		int k = ref ? index_of(d, ref) : -1;

		if (k < 0 || d->revoked[k] || (fill && d->ro[k]))
			return -1;
		for (uint32_t j = 0; j < i; j++) {
			if (order[j] == k)
				return -1; /* loop */
		}
		order[i] = k;
		ref = d->next[k];
	}
	return (int)ndir;
}

static void build(struct fin *in, struct dir *d)
{
	d->n = 1 + fin_u8(in) % MAX_DIR_PAGES;
	for (unsigned i = 0; i < d->n; i++) {
		uint8_t b = fin_u8(in);

		d->ro[i] = (b & 7) == 7;
		d->ref[i] = fake_guest_grant_new(FG_DOMID, d->ro[i]);
		FG_CHECK(d->ref[i] != 0);
		d->revoked[i] = (b & 0x38) == 0x38;
	}
	/* By default a straight chain, then the input's detours. */
	for (unsigned i = 0; i < d->n; i++)
		d->next[i] = i + 1 < d->n ? d->ref[i + 1] : 0;
	for (unsigned k = fin_u8(in) % 8; k > 0; k--) {
		unsigned i = fin_u8(in) % d->n;

		d->next[i] = pick_ref(in, d);
	}
	for (unsigned i = 0; i < d->n; i++) {
		struct xendispl_page_directory *pd = fake_guest_page(d->ref[i]);

		pd->gref_dir_next_page = d->next[i];
		for (uint32_t j = 0; j < PER_PAGE; j++)
			pd->gref[j] = ENTRY(i, j);
		if (d->revoked[i])
			fake_guest_revoke(d->ref[i]);
	}
}

/* Entry e of the walk's output comes from page order[e / PER_PAGE]. */
static uint32_t expected(const int *order, uint32_t e)
{
	return ENTRY(order[e / PER_PAGE], e % PER_PAGE);
}

static void check_fill(const struct dir *d, const int *order, int visited,
		       uint32_t npages, const uint32_t *refs)
{
	for (int v = 0; v < visited; v++) {
		unsigned k = (unsigned)order[v];
		const struct xendispl_page_directory *pd;
		uint32_t n = npages - (uint32_t)v * PER_PAGE;

		pd = fake_guest_page(d->ref[k]);
		FG_CHECK(pd && pd->gref_dir_next_page == d->next[k]);
		if (n > PER_PAGE)
			n = PER_PAGE;
		for (uint32_t j = 0; j < PER_PAGE; j++) {
			uint32_t want = j < n ? refs[(uint32_t)v * PER_PAGE + j]
					      : ENTRY(k, j);

			FG_CHECK(pd->gref[j] == want);
		}
	}
}

static void run(struct fin *in)
{
	static struct displ_ctx ctx;
	static struct displ_device dev;
	static struct dir d;
	static int order[MAX_DIR_PAGES + 1];
	uint8_t mode = fin_u8(in);
	bool fill = mode & 1;
	uint32_t npages = pick_npages(in), first;
	uint32_t *refs = calloc(npages ? npages : 1, sizeof(*refs));
	int want, ret;

	FG_CHECK(refs != NULL);
	memset(&d, 0, sizeof(d));
	memset(&dev, 0, sizeof(dev));
	displ_ctx_init(&ctx, NULL, NULL, NULL);
	dev.ctx = &ctx;
	dev.base.domid = (mode & 0x80) ? FG_DOMID + 1 : FG_DOMID;
	build(in, &d);
	first = pick_ref(in, &d);
	for (uint32_t e = 0; fill && e < npages; e++)
		refs[e] = 0x7000000u + e;

	want = dev.base.domid == FG_DOMID
		       ? model(&d, first, npages, fill, order)
		       : (npages ? -1 : 0);
	ret = displ_dir_walk(&dev, first, npages, refs, fill);
	FG_CHECK(fake_live_maps() == 0);
	FG_CHECK(ret == 0 || ret == -XEN_EINVAL);
	FG_CHECK((ret == 0) == (want >= 0));
	if (ret == 0 && !fill) {
		for (uint32_t e = 0; e < npages; e++)
			FG_CHECK(refs[e] == expected(order, e));
	}
	if (ret == 0 && fill)
		check_fill(&d, order, want, npages, refs);
	free(refs);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_log_from_env();
	fake_xen_set_mode(FAKE_XEN_FUZZ);
	fake_xen_reset();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fin in = { .p = data, .n = size };

	fake_xen_reset();
	run(&in);
	return 0;
}
