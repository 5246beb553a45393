/* The server side of AGL drm-lease-manager's protocol, for the tests that
 * play the lease manager (tests/kms/kms_lessor.c in the real-KMS VM,
 * tests/kms/test_kms_daemon_start.c, tests/unit/kms/test_kms_lease.c): a
 * request is a native int on a SOCK_SEQPACKET connection, a lease the fd
 * carried by a one-byte answer, a refusal a hang-up without one. */
#ifndef VDISPLD_TEST_FAKE_LEASE_MANAGER_H
#define VDISPLD_TEST_FAKE_LEASE_MANAGER_H

#include <sys/types.h>

/* A close-on-exec SOCK_SEQPACKET socket listening at path (a stale one
 * there removed first); -1 with errno set when that fails. */
int flm_listen(const char *path, int backlog);

/* Accepts one client on lsock and reads its request into *op (-1 when it
 * sent none or a short one). The connection (close-on-exec), or -1 with
 * errno set when accept fails. */
int flm_accept(int lsock, int *op);

/* Answers on connection c: one byte carrying fds[0..n) (0 to 2 of them;
 * none is a malformed answer, two a wrong one). sendmsg's result. */
ssize_t flm_send_fds(int c, const int *fds, int n);

#endif
