/* What the cases of test_dmabuf_compositor share: a failed CHECK prints
 * where and why and returns -1 from the case. */
#ifndef TEST_TC_H
#define TEST_TC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "test_check.h"
#include "tc_client.h"
#include "tc_harness.h"

/* A numeric field of a report line, ~0 if absent. */
unsigned long tt_field_ul(const char *line, const char *key, int base);
/* The nth commit line of app_id must show picture p, read as kind. */
int tt_check_commit(const struct tc_harness *h, const char *app_id, int nth,
		    const struct tc_picture *p, const char *kind,
		    uint32_t offset);
/* Starts the compositor with args and connects c to it. */
int tt_start(struct tc_harness *h, struct tc_client *c, const char *binary,
	     const char *const args[], uint32_t want_dmabuf);
/* Shows p as a dma-buf made with create or create_immed. */
int tt_show_dmabuf(struct tc_client *c, struct tc_window *w,
		   const struct tc_picture *p, bool immed,
		   struct tc_buffer_state *b);
/* Expects the connection to die with error code on interface iface. */
int tt_expect_protocol_error(struct tc_client *c, const char *iface,
			     uint32_t code);

/* test_tc_viewport.c */
int case_viewport(struct tc_harness *h, const char *binary);

#endif
