/* Guest descriptions as one string, for the xensim binary and scripts:
 *   name=g1,domid=1,conn=800x600:c0,conn=1024x768:c1,be-alloc=0,vkb=c0,draw=1
 * Keys: name, domid, mem (pages), conn=WxH[:unique-id] (repeatable),
 * be-alloc=0|1, type=pv|hvm|pvh (what libxenctrl reports; default hvm,
 * where be-alloc works), vkb=<unique-id> (repeatable; absolute pointer and
 * multi-touch with 10 contacts over that connector's resolution),
 * draw=0|1 (start the display client), fps=N (default 60; 0 = as fast as
 * flip events come back), prime=0|1, edid=0|1. */
#ifndef XENSIM_GUEST_SPEC_H
#define XENSIM_GUEST_SPEC_H

#include <stdbool.h>
#include <stddef.h>

#include "drm_front.h"
#include "toolstack.h"

struct xensim_guest_spec {
	struct xensim_guest_cfg cfg;
	bool draw;
	struct drm_front_client_cfg client;
};

/* 0, or -EINVAL with a reason in err. */
int xensim_guest_spec_parse(const char *spec, struct xensim_guest_spec *out,
			    char *err, size_t errlen);

#endif
