/* Receiving a DRM lease fd from a lease manager over a Unix socket, in
 * AGL drm-lease-manager's client protocol, so vdispld can be pointed at
 * that manager's socket for one lease (it names each socket after its
 * lease, e.g. /run/drm-lease-manager/card0-HDMI-A-1):
 *
 *   client: connect(SOCK_SEQPACKET) to the socket
 *   client: one message, a native int: 0 (get the lease)
 *   server: one message of one byte carrying the lease fd (SCM_RIGHTS);
 *           or it hangs up without one: refused
 *
 * The connection stays open while the lease is used: closing it hands the
 * lease back (the client may first send 1, release), and the manager
 * hanging up means it took the lease away. */
#ifndef VDISPLD_KMS_LEASE_H
#define VDISPLD_KMS_LEASE_H

enum kms_lease_op {
	KMS_LEASE_GET = 0,
	KMS_LEASE_RELEASE = 1,
};

/* Connects to path and asks for its lease, waiting at most timeout_ms for
 * the answer. Returns the lease fd (close-on-exec) and the connection to
 * keep in *conn; or -errno: ENOENT / ECONNREFUSED (no manager there),
 * EACCES (refused), EPROTO (an answer without exactly one fd), ETIMEDOUT,
 * ENAMETOOLONG. */
int kms_lease_request(const char *path, int timeout_ms, int *conn);

/* Hands the lease back (sends release) and closes the connection. */
void kms_lease_release(int conn);

#endif
