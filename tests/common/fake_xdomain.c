/* See fake_xdomain.h. */
#include "fake_xdomain.h"

#include <stdlib.h>

static enum xdomain_type fake_type = XDOMAIN_UNKNOWN;
static unsigned fake_queries;

void fake_xdomain_set_type(enum xdomain_type type)
{
	fake_type = type;
	fake_queries = 0;
}

unsigned fake_xdomain_queries(void)
{
	return fake_queries;
}

/* Handles are never used by the fake: the code under test may pass NULL
 * (as displ_ctx_init leaves it) and still be asked. */
struct xdomain *xdomain_open(void)
{
	return NULL;
}

void xdomain_close(struct xdomain *xd)
{
	(void)xd;
}

enum xdomain_type xdomain_type(struct xdomain *xd, uint32_t domid)
{
	(void)xd, (void)domid;
	fake_queries++;
	return fake_type;
}

const char *xdomain_type_name(enum xdomain_type type)
{
	return type == XDOMAIN_PV ? "PV" : "other";
}
