/* Fuzz target 3: the XenStore value parsers, through the real code paths:
 * displ_xs_read_config (resolution "WxH", unique-id, connector count,
 * version, be-alloc, ring refs and channels) over src/xen/store.c
 * (xstore_read_uint's strict number parser) over a fake libxenstore.
 *
 * Input: lines "relative/path=value" under the frontend directory (values
 * are bytes, NULs included, as a guest can write them); the first line's
 * value also goes straight to displ_parse_resolution and xstore_read_uint.
 * Both parsers are checked against independent models; an accepted
 * configuration must satisfy every bound the rest of vdispld relies on. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_guest.h"
#include "fuzz_input.h"
#include "fuzz_xs.h"
#include "loop.h"
#include "xen_store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define MAX_LINES 64u

static struct loop *loop;
static struct xstore *xs;

/* Digits only, 1..max_digits of them, no overflow; -1 otherwise. */
static int64_t model_number(const char *s, size_t len, size_t max_digits,
			    uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > max_digits)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

/* "WxH", each 1..5 digits within 1..DISPL_MAX_DIMENSION. */
static bool model_resolution(const char *s, uint32_t *w, uint32_t *h)
{
	const char *x = s ? strchr(s, 'x') : NULL;
	uint64_t a, b;

	if (!x || model_number(s, (size_t)(x - s), 5, &a) < 0 ||
	    model_number(x + 1, strlen(x + 1), 5, &b) < 0)
		return false;
	if (a == 0 || b == 0 || a > DISPL_MAX_DIMENSION ||
	    b > DISPL_MAX_DIMENSION)
		return false;
	*w = (uint32_t)a;
	*h = (uint32_t)b;
	return true;
}

static void check_parsers(const char *value)
{
	uint32_t w = 0, h = 0, mw = 0, mh = 0;
	bool ok = displ_parse_resolution(value, &w, &h) == 0;
	uint64_t v = 0, mv = 0;
	int r;

	FG_CHECK(ok == model_resolution(value, &mw, &mh));
	if (ok)
		FG_CHECK(w == mw && h == mh);

	fuzz_xs_set_str("/t/n", value);
	r = xstore_read_uint(xs, "/t", "n", 0, UINT64_MAX, &v);
	FG_CHECK(r == 0 || r == -EINVAL || r == -ERANGE);
	FG_CHECK((r == 0) ==
		 (model_number(value, strlen(value), 20, &mv) == 0));
	if (r == 0)
		FG_CHECK(v == mv);
	r = xstore_read_uint(xs, "/t", "n", 1, UINT32_MAX, &v);
	FG_CHECK((r == 0) == (model_number(value, strlen(value), 20, &mv) == 0 &&
			      mv >= 1 && mv <= UINT32_MAX));
}

static void check_conn(const struct displ_conn *c)
{
	char path[160];
	const char *res, *uid;
	uint32_t w, h;
	size_t len;

	snprintf(path, sizeof(path), FG_FE "/%u/resolution", c->index);
	res = fuzz_xs_get(path);
	FG_CHECK(model_resolution(res, &w, &h));
	FG_CHECK(c->width == w && c->height == h);

	len = strnlen(c->unique_id, sizeof(c->unique_id));
	FG_CHECK(len >= 1 && len <= DISPL_MAX_UNIQUE_ID);
	for (size_t i = 0; i < len; i++)
		FG_CHECK(c->unique_id[i] > ' ' && c->unique_id[i] <= '~');
	snprintf(path, sizeof(path), FG_FE "/%u/unique-id", c->index);
	uid = fuzz_xs_get(path);
	if (uid)
		FG_CHECK(strcmp(uid, c->unique_id) == 0);

	FG_CHECK(c->req_ref >= 1 && c->evt_ref >= 1);
	FG_CHECK(c->req_port >= 1 && c->evt_port >= 1);
}

static void check_config(uint32_t max_connectors)
{
	static struct displ_ctx ctx;
	static struct displ_device dev;
	int ret;

	memset(&dev, 0, sizeof(dev));
	displ_ctx_init(&ctx, NULL, NULL, NULL);
	ctx.limits.max_connectors = max_connectors;
	dev.ctx = &ctx;
	dev.base.xs = xs;
	dev.base.fe_path = FG_FE;
	log_src_init(&dev.base.log, 0, "vdispl", 0, "fuzz");

	ret = displ_xs_read_config(&dev);
	FG_CHECK(ret <= 0);
	if (ret == 0) {
		uint32_t max = ctx.limits.max_connectors;

		if (max == 0 || max > DISPL_MAX_CONNECTORS)
			max = DISPL_MAX_CONNECTORS;
		FG_CHECK(dev.n_conns >= 1 && dev.n_conns <= max);
		FG_CHECK(dev.protocol == 1 || dev.protocol == 2);
		const char *v = fuzz_xs_get(FG_FE "/be-alloc");

		FG_CHECK(dev.be_alloc == (v && strcmp(v, "1") == 0));
		for (uint32_t i = 0; i < dev.n_conns; i++)
			check_conn(&dev.conns[i]);
	}
	/* On failure too: displ_connect frees what it read. */
	free(dev.conns);
}

/* "path=value\n" lines; the path is relative to the frontend dir. */
static void load_nodes(const struct fin *in, bool first_to_parsers)
{
	const char *p = (const char *)in->p, *end = p + in->n;

	for (unsigned n = 0; p < end && n < MAX_LINES; n++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = nl ? nl : end;
		const char *eq = memchr(p, '=', (size_t)(line_end - p));
		if (eq) {
			char value[256];
			size_t klen = (size_t)(eq - p);
			size_t vlen = (size_t)(line_end - eq - 1);

			if (klen < 128 && vlen < sizeof(value)) {
				char path[256];

				snprintf(path, sizeof(path), FG_FE "/%.*s",
					 (int)klen, p);
				memcpy(value, eq + 1, vlen);
				value[vlen] = '\0';
				fuzz_xs_set(path, value, vlen);
				if (first_to_parsers && n == 0)
					check_parsers(value);
			}
		}
		p = nl ? nl + 1 : end;
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_log_from_env();
	loop = loop_create();
	xs = loop ? xstore_open(loop) : NULL;
	FG_CHECK(xs != NULL);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fin in = { .p = data, .n = size };

	uint32_t max = fin_u8(&in) % (DISPL_MAX_CONNECTORS + 4);

	fuzz_xs_reset();
	load_nodes(&in, true);
	check_config(max);
	fuzz_xs_reset();
	return 0;
}
