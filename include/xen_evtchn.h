/* Event channels for vdispld: one xenevtchn handle, its fd on the loop,
 * each bound port dispatched to its own callback. The only door to
 * libxenevtchn. */
#ifndef VDISPLD_XEN_EVTCHN_H
#define VDISPLD_XEN_EVTCHN_H

#include <stdint.h>

struct loop;
struct xevtchn;
struct xevtchn_port;

typedef void (*xevtchn_cb)(void *data);

struct xevtchn *xevtchn_open(struct loop *loop);
void xevtchn_close(struct xevtchn *xe);

/* cb runs (from the loop) once if reading the device fails for good: no
 * guest's notification would reach us any more. */
void xevtchn_on_lost(struct xevtchn *xe, void (*cb)(void *data), void *data);

/* Binds to the remote domain's port; cb runs (from the loop) each time the
 * remote notifies. The port is unmasked again after cb returns. */
struct xevtchn_port *xevtchn_bind(struct xevtchn *xe, uint32_t domid,
				  uint32_t remote_port, xevtchn_cb cb,
				  void *data);
int xevtchn_notify(struct xevtchn_port *port);
void xevtchn_unbind(struct xevtchn_port *port);
uint32_t xevtchn_local_port(const struct xevtchn_port *port);

#endif
