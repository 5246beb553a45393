/* Domain types through libxenctrl's domain information (the
 * XEN_SYSCTL_getdomaininfolist hypercall on /dev/xen/privcmd).
 *
 * The handle is opened on the first question, not at start: only a guest
 * asking for backend-allocated buffers needs the answer, and a daemon that
 * never meets one never holds privcmd open. */
#include "xen_domain.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenctrl.h>

#include "log.h"

struct xdomain {
	/* First: libxenctrl calls back with a pointer to it. */
	struct xentoollog_logger logger;
	xc_interface *xch;
	bool tried;	   /* xc_interface_open was called */
	bool query_failed; /* a failed query was logged */
	char last_msg[160]; /* the library's last complaint, for our log */
};

/* The library's own messages (e.g. why privcmd did not open) would go to
 * stderr unasked; keep the last one for the line we log ourselves, and
 * show them all at debug level. */
static void lib_vmessage(struct xentoollog_logger *logger,
			 xentoollog_level level, int errnoval,
			 const char *context, const char *format, va_list al)
{
	struct xdomain *xd = (struct xdomain *)logger;

	(void)level;
	vsnprintf(xd->last_msg, sizeof(xd->last_msg), format, al);
	if (errnoval > 0) {
		size_t n = strlen(xd->last_msg);

		snprintf(xd->last_msg + n, sizeof(xd->last_msg) - n, ": %s",
			 strerror(errnoval));
	}
	log_debug("xenctrl: %s: %s", context ? context : "-", xd->last_msg);
}

static void lib_progress(struct xentoollog_logger *logger,
			 const char *context, const char *doing_what,
			 int percent, unsigned long done, unsigned long total)
{
	(void)logger, (void)context, (void)doing_what, (void)percent;
	(void)done, (void)total;
}

static void lib_destroy(struct xentoollog_logger *logger)
{
	(void)logger; /* ours, freed with the xdomain */
}

struct xdomain *xdomain_open(void)
{
	struct xdomain *xd = calloc(1, sizeof(*xd));

	if (!xd)
		return NULL;
	xd->logger.vmessage = lib_vmessage;
	xd->logger.progress = lib_progress;
	xd->logger.destroy = lib_destroy;
	return xd;
}

void xdomain_close(struct xdomain *xd)
{
	if (!xd)
		return;
	if (xd->xch)
		xc_interface_close(xd->xch);
	free(xd);
}

static bool ensure_open(struct xdomain *xd)
{
	if (xd->tried)
		return xd->xch != NULL;
	xd->tried = true;
	errno = 0;
	xd->xch = xc_interface_open(&xd->logger, &xd->logger, 0);
	if (xd->xch)
		return true;
	if (!xd->last_msg[0])
		snprintf(xd->last_msg, sizeof(xd->last_msg), "%s",
			 strerror(errno ? errno : EIO));
	log_info("xen: cannot open libxenctrl (%s): guests' domain types "
		 "unknown, backend allocation allowed for every guest",
		 xd->last_msg);
	return false;
}

/* x86: PV is the absence of XEN_DOMINF_hvm_guest (getdomaininfo() in
 * xen/common/domctl.c sets it from is_hvm_domain()). HVM and PVH differ in
 * what Xen emulates: libxl gives HVM every device but vPCI and PVH the
 * local APIC only (libxl_x86.c), and Xen accepts no other mix for a
 * guest (emulation_flags_ok() in xen/arch/x86/domain.c).
 * ARM: Xen creates every domain with XEN_DOMCTL_CDF_hvm | _hap
 * (arch_sanitise_domain_config() in xen/arch/arm/domain.c): never PV,
 * whatever the flags say, and arch_config is another struct there. */
static enum xdomain_type type_of(const xc_domaininfo_t *info)
{
#if defined(__i386__) || defined(__x86_64__)
	if (!(info->flags & XEN_DOMINF_hvm_guest))
		return XDOMAIN_PV;
	if (info->arch_config.emulation_flags & XEN_X86_EMU_PIC)
		return XDOMAIN_HVM;
	return XDOMAIN_PVH;
#else
	(void)info;
	return XDOMAIN_ARM;
#endif
}

enum xdomain_type xdomain_type(struct xdomain *xd, uint32_t domid)
{
	xc_domaininfo_t info;
	int n;

#if !defined(__i386__) && !defined(__x86_64__)
	/* No guest of a non-x86 Xen is PV: no need to open privcmd. */
	(void)xd, (void)domid, (void)info, (void)n;
	return XDOMAIN_ARM;
#endif
	if (!xd || !ensure_open(xd))
		return XDOMAIN_UNKNOWN;
	memset(&info, 0, sizeof(info));
	errno = 0;
	/* The list starts at the first domain >= domid: check it is ours. */
	n = xc_domain_getinfolist(xd->xch, domid, 1, &info);
	if (n == 1 && info.domain == domid)
		return type_of(&info);
	if (!xd->query_failed) {
		xd->query_failed = true;
		log_warn("xen: cannot read domain %u's information (%s): its "
			 "type is unknown",
			 domid,
			 n < 0 ? strerror(errno ? errno : EIO) : "no such domain");
	}
	return XDOMAIN_UNKNOWN;
}

const char *xdomain_type_name(enum xdomain_type type)
{
	switch (type) {
	case XDOMAIN_PV:
		return "PV";
	case XDOMAIN_HVM:
		return "HVM";
	case XDOMAIN_PVH:
		return "PVH";
	case XDOMAIN_ARM:
		return "ARM";
	case XDOMAIN_UNKNOWN:
		break;
	}
	return "unknown";
}
