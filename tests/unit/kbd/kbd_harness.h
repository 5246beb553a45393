/* A guest behaving like Linux xen-kbdfront, driven step by step, against
 * the real vkbd code over tests/common's fake Xen and XenStore. */
#ifndef VDISPLD_TEST_KBD_HARNESS_H
#define VDISPLD_TEST_KBD_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fake_xen.h"
#include "fake_xstore.h"
#include "kbd_priv.h"

struct kh_dev {
	struct kbd_device *dev;
	uint32_t domid, devid, gref, port;
	char be[96], fe[96];
	struct xenkbd_page *page; /* guest's view */
};

/* Fresh fakes; ctx with default limits. */
void kh_reset(struct kbd_ctx *ctx);
/* Nothing left mapped or bound (asserted), then the fakes go. */
void kh_teardown(void);

/* What one test file's tests work on, handed to cmocka as each test's
 * initial state (KH_TEST): setup resets ctx (kh_reset); teardown destroys
 * the devices (NULL ends the list), then kh_teardown. */
struct kh_fixture {
	struct kbd_ctx *ctx;
	struct kh_dev *devs[3];
};
int kh_test_setup(void **state);
int kh_test_teardown(void **state);
#define KH_TEST(fn, fixture)                                                  \
	cmocka_unit_test_prestate_setup_teardown(fn, kh_test_setup,           \
						 kh_test_teardown, fixture)

/* Toolstack nodes (frontend link, page-gref, event-channel) for a vkbd of
 * domid with unique-id uid (NULL: none); the page is granted by domid. */
void kh_dev_init(struct kh_dev *k, uint32_t domid, uint32_t devid,
		 const char *uid);
void kh_be(struct kh_dev *k, const char *node, const char *value);
void kh_fe(struct kh_dev *k, const char *node, const char *value);
/* probe then connect: first failing result, or 0. */
int kh_probe(struct kh_dev *k, struct kbd_ctx *ctx);
int kh_connect(struct kh_dev *k, struct kbd_ctx *ctx);
void kh_dev_destroy(struct kh_dev *k);

/* The usual Linux guest: abs pointer + multi-touch, advertised and
 * requested; mt area mt_w x mt_h with n contacts; pointer area 800x600. */
void kh_setup_linux(struct kh_dev *k, struct kbd_ctx *ctx, uint32_t mt_w,
		    uint32_t mt_h, uint32_t contacts);

/* Guest side of the ring. */
uint32_t kh_unread(const struct kh_dev *k);
/* Consumes up to max events (all: max 0), notifies when notify. */
size_t kh_consume(struct kh_dev *k, union xenkbd_in_event *out, size_t max,
		  bool notify);

/* Input helpers on connector (domid, uid) of 800x600. */
int kh_touch(struct kbd_ctx *ctx, uint32_t domid, const char *uid,
	     enum vinput_type type, int32_t id, double x, double y);
int kh_key(struct kbd_ctx *ctx, uint32_t domid, const char *uid,
	   enum vinput_type type, uint32_t code, bool pressed);
int kh_simple(struct kbd_ctx *ctx, uint32_t domid, const char *uid,
	      enum vinput_type type);

/* Expected-event checks. */
void kh_expect_mt(const union xenkbd_in_event *e, uint8_t sub, uint8_t id,
		  int32_t x, int32_t y);
void kh_expect_key(const union xenkbd_in_event *e, uint32_t code,
		   bool pressed);
void kh_expect_pos(const union xenkbd_in_event *e, int32_t x, int32_t y,
		   int32_t z);

#endif
