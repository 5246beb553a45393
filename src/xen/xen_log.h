/* The xentoollog logger vdispld gives the Xen libraries at open: their
 * messages ("gnttab: error: mmap failed") become vdispld log lines with a
 * level, a time, and the prefix of the guest device vdispld is acting for
 * (log_current()), instead of untagged lines on stderr. Private to
 * src/xen/ (and its tests). */
#ifndef VDISPLD_XEN_LOG_H
#define VDISPLD_XEN_LOG_H

struct xentoollog_logger;

/* One static logger; never destroyed, shared by every handle. */
struct xentoollog_logger *xen_logger(void);

#endif
