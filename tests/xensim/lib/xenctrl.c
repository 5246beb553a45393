/* Drop-in libxenctrl.so.4.17: only what vdispld calls (check_xenctrl.sh
 * keeps it so), answering from the simulator's domains over the wire.
 * getdomaininfolist gets the flags and emulation flags Xen 4.17 reports
 * for each kind of x86 guest: no XEN_DOMINF_hvm_guest for PV; for HVM and
 * PVH the emulation flags libxl asks for (libxl_x86.c): every device but
 * vPCI for HVM, the local APIC alone for PVH.
 * XENSIM_NO_PRIVCMD=1 makes xc_interface_open fail as it does where
 * /dev/xen/privcmd is missing. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenctrl.h>

#include "gsim.h"
#include "gsim_conn.h"

struct xc_interface_core {
	struct gsim_conn conn;
};

/* Complaints go where the real library sends them: the caller's logger,
 * or stderr without one. */
static void say(xentoollog_logger *logger, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (logger && logger->vmessage) {
		logger->vmessage(logger, XTL_ERROR, err, "xencall", fmt, ap);
	} else {
		fputs("xencall: error: ", stderr);
		vfprintf(stderr, fmt, ap);
		fprintf(stderr, ": %s\n", strerror(err));
	}
	va_end(ap);
}

xc_interface *xc_interface_open(xentoollog_logger *logger,
				xentoollog_logger *dombuild_logger,
				unsigned open_flags)
{
	const char *no = getenv("XENSIM_NO_PRIVCMD");
	xc_interface *xch;
	int r = -ENOENT;

	(void)dombuild_logger;
	(void)open_flags;
	xch = calloc(1, sizeof(*xch));
	if (!xch)
		return NULL;
	if (!(no && strcmp(no, "1") == 0))
		r = gsim_conn_open(&xch->conn, GSIM_KIND_CTRL, NULL);
	if (r < 0) {
		say(logger, -r, "Could not obtain handle on privileged "
				"command interface");
		free(xch);
		errno = -r;
		return NULL;
	}
	return xch;
}

int xc_interface_close(xc_interface *xch)
{
	if (!xch)
		return 0;
	gsim_conn_close(&xch->conn);
	free(xch);
	return 0;
}

static void fill_info(const struct gsim_wire_dominfo *d, xc_domaininfo_t *out)
{
	memset(out, 0, sizeof(*out));
	out->domain = (domid_t)d->domid;
	out->flags = XEN_DOMINF_running;
	out->nr_online_vcpus = 1;
#if defined(__i386__) || defined(__x86_64__)
	switch (d->type) {
	case GSIM_DOM_HVM:
		out->flags |= XEN_DOMINF_hvm_guest | XEN_DOMINF_hap;
		out->arch_config.emulation_flags =
			XEN_X86_EMU_ALL & ~XEN_X86_EMU_VPCI;
		break;
	case GSIM_DOM_PVH:
		out->flags |= XEN_DOMINF_hvm_guest | XEN_DOMINF_hap;
		out->arch_config.emulation_flags = XEN_X86_EMU_LAPIC;
		break;
	default: /* PV */
		break;
	}
#else
	/* Arm has no PV: Xen makes every guest hvm|hap (auto-translated). */
	out->flags |= XEN_DOMINF_hvm_guest | XEN_DOMINF_hap;
#endif
}

int xc_domain_getinfolist(xc_interface *xch, uint32_t first_domain,
			  unsigned int max_domains, xc_domaininfo_t *info)
{
	unsigned n = 0;

	while (n < max_domains) {
		struct gsim_wire_dominfo q = { .domid = first_domain }, rep;
		struct gsim_call call = { .op = GSIM_OP_DOMINFO, .req = &q,
					  .req_len = sizeof(q), .send_fd = -1,
					  .rep = &rep, .rep_max = sizeof(rep) };
		int r = gsim_conn_call(&xch->conn, &call);

		if (r == -ESRCH)
			break; /* no more domains: a short list */
		if (r == 0 && call.rep_len != sizeof(rep))
			r = -EPROTO;
		if (r < 0) {
			errno = -r;
			return -1;
		}
		fill_info(&rep, &info[n++]);
		if (rep.domid >= DOMID_FIRST_RESERVED)
			break;
		first_domain = rep.domid + 1;
	}
	return (int)n;
}
