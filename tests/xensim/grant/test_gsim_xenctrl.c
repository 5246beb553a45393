/* The drop-in libxenctrl seen through vdispld's own src/xen/domain.c: a
 * child process (the drop-in is synchronous RPC, the simulator runs on the
 * parent's loop) asks for the type of a PV, an HVM, a PVH guest, Dom0 and a
 * domain that does not exist; then, with XENSIM_NO_PRIVCMD=1, for the PV
 * guest again (unknown: the fail-soft path); and the words a refused
 * grant export gets from our domain's type. Also checks the raw flags
 * getdomaininfolist returns, as Xen 4.17 reports them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xenctrl.h>

#include "gsim.h"
#include "loop.h"
#include "xen_domain.h"

#define CHECK(c, ...)                                                          \
	do {                                                                   \
		if (!(c)) {                                                    \
			fprintf(stderr, "%s:%d: %s: ", __FILE__, __LINE__, #c); \
			fprintf(stderr, __VA_ARGS__);                          \
			fprintf(stderr, "\n");                                 \
			return 1;                                              \
		}                                                              \
	} while (0)

static int check_types(void)
{
	struct xdomain *xd = xdomain_open();

	CHECK(xd, "xdomain_open");
#if defined(__i386__) || defined(__x86_64__)
	CHECK(xdomain_type(xd, 1) == XDOMAIN_PV, "dom1");
	CHECK(xdomain_type(xd, 2) == XDOMAIN_HVM, "dom2");
	CHECK(xdomain_type(xd, 3) == XDOMAIN_PVH, "dom3");
	CHECK(xdomain_type(xd, 0) == XDOMAIN_PV, "dom0");
	/* getdomaininfolist answers the next domain up: not ours. */
	CHECK(xdomain_type(xd, 5) == XDOMAIN_UNKNOWN, "dom5 is not dom7");
	CHECK(xdomain_type(xd, 9) == XDOMAIN_UNKNOWN, "no dom9");
	/* A refused export in words: the PV domain we run in is the cause
	 * (gntdev's use_ptemod answers EINVAL), not an HVM one's EINVAL. */
	const char *why = xdomain_export_refusal(xd, 0, -EINVAL);
	CHECK(why && !strcmp(why, "a PV Dom0 cannot export grants as dma-bufs"),
	      "PV Dom0 EINVAL: %s", why ? why : "NULL");
	why = xdomain_export_refusal(xd, 1, -EINVAL);
	CHECK(why && strstr(why, "PV driver domain"), "PV dom1 EINVAL");
	CHECK(!xdomain_export_refusal(xd, 2, -EINVAL), "HVM dom2 EINVAL");
	CHECK(!xdomain_export_refusal(xd, 0, -ENOMEM), "ENOMEM");
	why = xdomain_export_refusal(xd, 0, -ENOTTY);
	CHECK(why && strstr(why, "a PV Dom0 cannot export") &&
		      strstr(why, "CONFIG_XEN_GNTDEV_DMABUF"),
	      "PV Dom0 ENOTTY: %s", why ? why : "NULL");
	why = xdomain_export_refusal(xd, 2, -ENOTTY);
	CHECK(why && !strstr(why, "PV"), "HVM ENOTTY: %s", why ? why : "NULL");
#else
	/* Arm has no PV guest: answered without asking Xen. */
	CHECK(xdomain_type(xd, 1) == XDOMAIN_ARM, "dom1 on Arm");
#endif
	xdomain_close(xd);
	return 0;
}

static int check_raw(void)
{
	xc_interface *xch = xc_interface_open(NULL, NULL, 0);
	xc_domaininfo_t info[8];

	CHECK(xch, "xc_interface_open: %s", strerror(errno));
	int n = xc_domain_getinfolist(xch, 0, 8, info);
	CHECK(n == 5, "%d domains", n);
	CHECK(info[0].domain == 0 && info[1].domain == 1 && info[4].domain == 7,
	      "order");
#if defined(__i386__) || defined(__x86_64__)
	CHECK(!(info[1].flags & XEN_DOMINF_hvm_guest), "PV has no hvm flag");
	CHECK((info[2].flags & XEN_DOMINF_hvm_guest) &&
		      info[2].arch_config.emulation_flags ==
			      (XEN_X86_EMU_ALL & ~XEN_X86_EMU_VPCI),
	      "HVM");
	CHECK((info[3].flags & XEN_DOMINF_hvm_guest) &&
		      info[3].arch_config.emulation_flags == XEN_X86_EMU_LAPIC,
	      "PVH");
#else
	CHECK(info[1].flags & XEN_DOMINF_hvm_guest, "Arm: every guest hvm");
#endif
	CHECK(xc_domain_getinfolist(xch, 8, 1, info) == 0, "none above 7");
	xc_interface_close(xch);
	return 0;
}

static int child_main(void)
{
	if (check_types() || check_raw())
		return 1;
	setenv("XENSIM_NO_PRIVCMD", "1", 1);
	struct xdomain *xd = xdomain_open();
#if defined(__i386__) || defined(__x86_64__)
	CHECK(xd && xdomain_type(xd, 1) == XDOMAIN_UNKNOWN, "without privcmd");
#else
	CHECK(xd && xdomain_type(xd, 1) == XDOMAIN_ARM, "Arm needs no privcmd");
#endif
	xdomain_close(xd);
	return 0;
}

static int run(const char *sock)
{
	struct loop *loop = loop_create();
	struct gsim *g = gsim_create(loop, sock);
	int status = -1;

	CHECK(loop && g, "simulator");
	setenv("XENSIM_SOCKET", sock, 1);
	struct gsim_domain *pv = gsim_domain_create(g, 1, 64);
	struct gsim_domain *pvh = gsim_domain_create(g, 3, 64);
	CHECK(pv && gsim_domain_create(g, 2, 64) && pvh &&
		      gsim_domain_create(g, 7, 64),
	      "domains");
	gsim_domain_set_type(pv, GSIM_DOM_PV);
	gsim_domain_set_type(pvh, GSIM_DOM_PVH);
	pid_t pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0)
		_exit(child_main());
	for (int i = 0; i < 1000 && waitpid(pid, &status, WNOHANG) == 0; i++)
		loop_dispatch(loop, 10);
	gsim_destroy(g);
	loop_destroy(loop);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child failed");
	return 0;
}

int main(void)
{
	char dir[] = "/tmp/gsim-xc-XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	char sock[sizeof(dir) + 16];
	snprintf(sock, sizeof(sock), "%s/grant.sock", dir);
	int r = run(sock);
	unlink(sock);
	rmdir(dir);
	return r;
}
