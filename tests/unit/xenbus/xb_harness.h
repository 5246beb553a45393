/* Test rig for src/xenbus: the simulated xenstored on its own thread and
 * loop (libxenstore calls block, so they must never run on the server's
 * thread), the daemon side's loop pumped from the test thread, and a
 * libxenstore handle through which the test plays toolstack and guest. */
#ifndef XB_HARNESS_H
#define XB_HARNESS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "xenbus.h"

#define FAKE_TYPE "vfake"

struct xs_handle;
struct xs_server;
struct loop;
struct xstore;

/* What the fake device type saw. */
struct fake_counts {
	unsigned probe, connect, disconnect, remove;
	int fail_probe;	  /* -errno to return from probe, 0 to succeed */
	int fail_connect; /* -errno to return from connect */
	bool bad_call;	  /* a callback came when it must not */
};

struct fake_dev {
	struct xb_device base;
	bool probed, connected;
};

struct harness {
	char dir[64];
	char sock[128];
	/* server thread */
	pthread_t thread;
	struct loop *srv_loop;
	struct xs_server *srv;
	int stop_fd;
	/* daemon side, pumped by the test thread */
	struct loop *loop;
	struct xstore *xs;
	struct xb_backend *be;
	/* toolstack / guest side */
	struct xs_handle *h;
};

extern struct fake_counts fake;
extern const struct xb_impl fake_impl;

/* Starts the server thread and connects both clients. 0 or -1. */
int harness_setup(struct harness *hs);
void harness_teardown(struct harness *hs);
/* Creates the backend (domains as xb_backend_create). */
void harness_start_backend(struct harness *hs, const uint32_t *domains,
			   unsigned n_domains);

/* Pumps the daemon loop until pred(hs, arg) or about 5 s. */
bool harness_wait(struct harness *hs, bool (*pred)(struct harness *, void *),
		  void *arg);
/* Pumps for ms milliseconds (to show that nothing happens). */
void harness_pump(struct harness *hs, int ms);

/* Toolstack: the domain's nodes and one device (frontend and backend
 * halves, in one transaction as xl does). fe_path NULL: the usual one. */
void ts_create_domain(struct harness *hs, uint32_t domid);
void ts_create_device(struct harness *hs, uint32_t domid, uint32_t devid,
		      int fe_state, const char *fe_path);
void ts_write(struct harness *hs, const char *path, const char *value);
void ts_rm(struct harness *hs, const char *path);
/* malloc'ed or NULL */
char *ts_read(struct harness *hs, const char *path);
void ts_release_domain(struct harness *hs, uint32_t domid);

/* Guest: writes the frontend's state. */
void fe_set(struct harness *hs, uint32_t domid, uint32_t devid, int state);
/* The backend state node's value, -1 if absent. */
int be_state(struct harness *hs, uint32_t domid, uint32_t devid);
/* Pumps until the backend state node reads state. */
bool wait_be(struct harness *hs, uint32_t domid, uint32_t devid, int state);

#endif
