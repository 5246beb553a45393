/* A KMS device description (kms_plan.h's kms_res) as text, one object a
 * line, so what a real device said can be recorded into tests/data/kms/
 * and planned against in unit tests:
 *   crtc ID
 *   connector ID NAME connected|disconnected crtcs=0xMASK
 *   mode CONNECTOR_ID WxH@MHZ [preferred]     (refresh in mHz)
 *   plane ID crtcs=0xMASK primary|other     (other: cursor, overlay)
 * Lines starting with '#' are comments. */
#ifndef VDISPLD_TEST_KMS_RES_TEXT_H
#define VDISPLD_TEST_KMS_RES_TEXT_H

#include <stdio.h>

#include "kms_plan.h"

/* Each line prefixed with prefix (e.g. "KMS-RES: " on a console). */
void kms_res_print(FILE *out, const char *prefix, const struct kms_res *r);
/* 0, or -EINVAL with the bad line number in *line. */
int kms_res_parse(FILE *in, struct kms_res *r, int *line);

#endif
