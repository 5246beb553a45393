/* Fake domain types for the unit tests and the fuzzers, linked in place of
 * src/xen/domain.c: every domain has the type last set (XDOMAIN_UNKNOWN
 * until then, as without privcmd), and the questions are counted. */
#ifndef VDISPLD_TEST_FAKE_XDOMAIN_H
#define VDISPLD_TEST_FAKE_XDOMAIN_H

#include "xen_domain.h"

/* Sets the type and zeroes the question count. */
void fake_xdomain_set_type(enum xdomain_type type);
unsigned fake_xdomain_queries(void);

#endif
