/* The grant simulator seen through the drop-in libxengnttab/libxenevtchn.
 *
 * The parent runs the simulator loop and plays the guest (domain 1); a
 * child process plays vdispld, calling the drop-in libraries (synchronous
 * RPC, so they must not share the loop's thread). The child reports each
 * step on a pipe; the parent checks the guest's side of it and acks. A
 * second child maps, binds and shares, then exits without cleaning up:
 * the stats must drop back to zero. Runs with and without simulated
 * dma-buf support (XENSIM_NO_DMABUF=1). */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xenevtchn.h>
#include <xengnttab.h>

#include "gsim.h"
#include "loop.h"

#define PG GSIM_PAGE_SIZE
#define GUEST 1u
#define OTHER 5u

#define CHECK(c, ...)                                                          \
	do {                                                                   \
		if (!(c)) {                                                    \
			fprintf(stderr, "%s:%d: %s: ", __FILE__, __LINE__, #c); \
			fprintf(stderr, __VA_ARGS__);                          \
			fprintf(stderr, "\n");                                 \
			return 1;                                              \
		}                                                              \
	} while (0)

struct msg {
	uint32_t step;
	uint32_t arg[4];
	int32_t ok;
};

static struct {
	struct loop *loop;
	struct gsim *g;
	struct gsim_domain *guest;
	bool dmabuf;
	uint32_t buf_pfn, buf_refs[4], ro_ref, other_ref;
	uint32_t gport, gport2;
	unsigned guest_cbs;
	int to_child, from_child; /* parent's ends */
	int child_in, child_out;  /* child's ends */
	bool failed;
} t;

static uint8_t pattern(uint32_t page, uint32_t off) { return (uint8_t)(page * 31 + off * 7 + 1); }

static void guest_cb(void *data) { (*(unsigned *)data)++; }

/* ---- parent: the guest's side of each step -------------------------- */

static int stats_expect(const char *what, unsigned got, unsigned want)
{
	if (got == want)
		return 0;
	fprintf(stderr, "parent: %s = %u, want %u\n", what, got, want);
	return 1;
}

static int guest_step_crash(struct msg *m)
{
	struct gsim_stats s;
	gsim_get_stats(t.g, 2, &s);
	(void)m;
	return stats_expect("mapped", s.mapped_pages, 4) |
	       stats_expect("ports", s.bound_ports, 1) |
	       stats_expect("shared", s.shared_pages, 1);
}

static int guest_step(struct msg *m)
{
	struct gsim_stats s;
	gsim_get_stats(t.g, GUEST, &s);
	uint8_t *p;
	switch (m->step) {
	case 1: /* child wrote through its writable mapping */
		p = gsim_page(t.guest, t.buf_pfn + 2);
		CHECK(memcmp(p + 100, "hello", 5) == 0, "guest sees no write");
		return stats_expect("mapped_pages", s.mapped_pages, 4);
	case 2:
		return stats_expect("mapped_pages", s.mapped_pages, 0);
	case 3:
		return stats_expect("dmabufs", s.dmabufs, m->arg[0]);
	case 4: /* child bound our port: notify it */
		CHECK(gsim_evtchn_is_bound(t.guest, t.gport), "not bound");
		CHECK(stats_expect("bound_ports", s.bound_ports, 1) == 0, "ports");
		CHECK(gsim_evtchn_notify(t.guest, t.gport) == 0, "notify");
		return 0;
	case 5: /* child notified us: the callback ran from the loop */
		CHECK(t.guest_cbs == 1, "guest callbacks %u", t.guest_cbs);
		CHECK(s.notifications_in == 1 && s.notifications_out == 1,
		      "counters %u/%u", s.notifications_in, s.notifications_out);
		return 0;
	case 6: /* gntshr pages: we see them, and write back */
		for (uint32_t i = 0; i < 2; i++) {
			p = gsim_map_foreign(t.guest, 0, m->arg[i], true);
			CHECK(p && p[10] == 0xC0 + i, "share page %u", i);
		}
		p = gsim_map_foreign(t.guest, 0, m->arg[1], true);
		p[20] = 0x5A;
		CHECK(gsim_map_foreign(t.guest, 0, 12345, false) == NULL &&
			      errno == ENOENT, "bogus foreign ref");
		return stats_expect("shared_pages", s.shared_pages, 2);
	case 7:
		return stats_expect("shared_pages", s.shared_pages, 0);
	case 8: /* imported dma-buf pages granted to us */
		p = gsim_map_foreign(t.guest, 0, m->arg[0], true);
		CHECK(p && p[0] == 0x77 && p[PG - 1] == 0x77, "import page 0");
		p = gsim_map_foreign(t.guest, 0, m->arg[1], true);
		CHECK(p && p[5] == 0x78, "import page 1");
		return stats_expect("dmabufs", s.dmabufs, 1);
	case 9:
		gsim_domain_destroy(t.guest);
		t.guest = NULL;
		return 0;
	case 10:
		gsim_set_dmabuf_hold_ms(t.g, m->arg[0]);
		return 0;
	case 11: /* child bound both ports: notify both before it reads */
		CHECK(gsim_evtchn_is_bound(t.guest, t.gport2), "not bound");
		CHECK(gsim_evtchn_notify(t.guest, t.gport) == 0 &&
			      gsim_evtchn_notify(t.guest, t.gport2) == 0,
		      "notify");
		return 0;
	case 20:
		return guest_step_crash(m);
	default:
		return 1;
	}
}

static void on_child(void *data, int fd, uint32_t events)
{
	(void)data;
	struct msg m;
	ssize_t n = read(fd, &m, sizeof(m));
	if (n != (ssize_t)sizeof(m)) {
		loop_quit(t.loop, 0); /* child gone */
		return;
	}
	m.ok = guest_step(&m) == 0;
	if (!m.ok) {
		fprintf(stderr, "parent: step %u failed\n", m.step);
		t.failed = true;
	}
	if (write(t.to_child, &m, sizeof(m)) != sizeof(m))
		t.failed = true;
}

/* ---- child: vdispld's side ------------------------------------------- */

static int step(uint32_t n, uint32_t a0, uint32_t a1)
{
	struct msg m = {.step = n, .arg = {a0, a1}};
	if (write(t.child_out, &m, sizeof(m)) != sizeof(m) ||
	    read(t.child_in, &m, sizeof(m)) != sizeof(m) || !m.ok) {
		fprintf(stderr, "child: step %u not acked\n", n);
		return 1;
	}
	return 0;
}

static int check_buf(const uint8_t *p, uint32_t pages)
{
	for (uint32_t pg = 0; pg < pages; pg++)
		for (uint32_t off = 0; off < PG; off += 97)
			CHECK(p[pg * PG + off] == pattern(pg, off), "byte %u/%u", pg, off);
	return 0;
}

static int child_map(xengnttab_handle *xgt)
{
	uint8_t *p = xengnttab_map_domain_grant_refs(xgt, 4, GUEST, t.buf_refs,
						     PROT_READ | PROT_WRITE);
	CHECK(p, "map 4 refs: %s", strerror(errno));
	CHECK(check_buf(p, 4) == 0, "guest bytes");
	memcpy(p + 2 * PG + 100, "hello", 5);
	CHECK(step(1, 0, 0) == 0, "step 1");

	errno = 0;
	CHECK(!xengnttab_map_grant_ref(xgt, GUEST, t.ro_ref, PROT_READ | PROT_WRITE) &&
		      errno == EINVAL, "rw map of ro grant: errno %d", errno);
	uint8_t *ro = xengnttab_map_grant_ref(xgt, GUEST, t.ro_ref, PROT_READ);
	CHECK(ro && ro[0] == 0xAB, "ro map");
	CHECK(xengnttab_unmap(xgt, ro, 1) == 0, "unmap ro");
	errno = 0;
	CHECK(!xengnttab_map_grant_ref(xgt, GUEST, t.other_ref, PROT_READ) &&
		      errno == EINVAL, "grant for dom5: errno %d", errno);
	errno = 0;
	CHECK(!xengnttab_map_grant_ref(xgt, GUEST, 4000, PROT_READ) &&
		      errno == EINVAL, "unknown ref: errno %d", errno);
	CHECK(!xengnttab_map_grant_ref(xgt, 77, 8, PROT_READ) && errno == EINVAL,
	      "unknown domain");
	CHECK(xengnttab_unmap(xgt, p, 3) < 0 && errno == EINVAL, "wrong count");
	CHECK(xengnttab_unmap(xgt, p + PG, 3) < 0 && errno == EINVAL, "wrong addr");
	CHECK(xengnttab_unmap(xgt, p, 4) == 0, "unmap");
	return step(2, 0, 0);
}

static int child_copy(xengnttab_handle *xgt)
{
	uint8_t out[16] = {0};
	xengnttab_grant_copy_segment_t seg = {
		.source.foreign = {.ref = t.buf_refs[1], .offset = 8, .domid = GUEST},
		.dest.virt = out, .len = sizeof(out), .flags = GNTCOPY_source_gref};
	CHECK(xengnttab_grant_copy(xgt, 1, &seg) == 0 && seg.status == GNTST_okay,
	      "grant copy: %d", seg.status);
	CHECK(out[0] == pattern(1, 8), "copied bytes");
	return 0;
}

static int child_dmabuf(xengnttab_handle *xgt)
{
	uint32_t fd;
	int r = xengnttab_dmabuf_exp_from_refs(xgt, GUEST, 0, 4, t.buf_refs, &fd);
	if (!t.dmabuf) {
		CHECK(r < 0 && errno == ENOTTY, "export without dma-buf: %d", errno);
		return step(3, 0, 0);
	}
	CHECK(r == 0, "export: %s", strerror(errno));
	uint8_t *p = mmap(NULL, 4 * PG, PROT_READ, MAP_SHARED, (int)fd, 0);
	CHECK(p != MAP_FAILED, "mmap dma-buf");
	CHECK(check_buf(p, 2) == 0 && memcmp(p + 2 * PG + 100, "hello", 5) == 0,
	      "dma-buf shows the guest's bytes");
	munmap(p, 4 * PG);
	CHECK(step(3, 1, 0) == 0, "step 3");
	close((int)fd);
	CHECK(xengnttab_dmabuf_exp_wait_released(xgt, fd, 100) == 0, "wait");
	CHECK(step(3, 0, 0) == 0, "released export still counted");

	/* A compositor slow to let go: held for 150 ms from the first ask. */
	CHECK(xengnttab_dmabuf_exp_from_refs(xgt, GUEST, 0, 4, t.buf_refs, &fd) == 0,
	      "export 2: %s", strerror(errno));
	CHECK(step(10, 150, 0) == 0, "step 10");
	close((int)fd);
	for (int i = 0; i < 2; i++)
		CHECK(xengnttab_dmabuf_exp_wait_released(xgt, fd, 0) < 0 &&
			      errno == ETIMEDOUT, "held export said released");
	CHECK(step(3, 1, 0) == 0, "held export not counted");
	usleep(170 * 1000);
	CHECK(step(3, 0, 0) == 0, "export counted after its hold");
	/* Gone by now: the kernel no longer knows the fd (ENOENT). */
	CHECK(xengnttab_dmabuf_exp_wait_released(xgt, fd, 0) < 0 && errno == ENOENT,
	      "wait after the hold: %s", strerror(errno));
	CHECK(step(10, 0, 0) == 0, "step 10");
	uint32_t rev[2] = {t.buf_refs[1], t.buf_refs[0]};
	CHECK(xengnttab_dmabuf_exp_from_refs(xgt, GUEST, 0, 2, rev, &fd) < 0 &&
		      errno == EOPNOTSUPP, "export out of order");
	return 0;
}

/* Reads until n ports came (the simulator may deliver them apart). */
static int read_ports(int fd, evtchn_port_t *got, unsigned n)
{
	size_t have = 0;
	while (have < n * sizeof(*got)) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		CHECK(poll(&pfd, 1, 5000) == 1, "evtchn fd never readable");
		ssize_t r = read(fd, (char *)got + have, n * sizeof(*got) - have);
		CHECK(r > 0, "read: %s", r < 0 ? strerror(errno) : "EOF");
		have += (size_t)r;
	}
	return 0;
}

/* The fd behaves like /dev/xen/evtchn, as vdispld reads it: one read
 * returns every pending port that fits (both were queued before the step
 * was acked), one write unmasks every port in it (else the second round
 * never fires; its unmasks reach the simulator apart from the step, so
 * the ports may come apart). */
static int batch_read_unmask(xenevtchn_handle *xce, evtchn_port_t lp)
{
	int lp2 = xenevtchn_bind_interdomain(xce, GUEST, t.gport2);
	CHECK(lp2 > 0, "bind 2: %s", strerror(errno));
	int fd = xenevtchn_fd(xce);
	for (int round = 0; round < 2; round++) {
		CHECK(step(11, 0, 0) == 0, "step 11");
		evtchn_port_t got[4] = {0};
		if (round == 0) {
			struct pollfd pfd = {.fd = fd, .events = POLLIN};
			CHECK(poll(&pfd, 1, 5000) == 1, "evtchn fd never readable");
			CHECK(read(fd, got, sizeof(got)) == 2 * sizeof(got[0]),
			      "one read did not return both ports");
		} else {
			CHECK(read_ports(fd, got, 2) == 0, "round 1");
		}
		CHECK((got[0] == lp && got[1] == (evtchn_port_t)lp2) ||
			      (got[1] == lp && got[0] == (evtchn_port_t)lp2),
		      "ports %u %u", got[0], got[1]);
		CHECK(write(fd, got, 2 * sizeof(got[0])) == 2 * sizeof(got[0]),
		      "unmask both: %s", strerror(errno));
	}
	return xenevtchn_unbind(xce, (evtchn_port_t)lp2);
}

static int child_evtchn(void)
{
	xenevtchn_handle *xce = xenevtchn_open(NULL, 0);
	CHECK(xce, "evtchn open: %s", strerror(errno));
	int lp = xenevtchn_bind_interdomain(xce, GUEST, t.gport);
	CHECK(lp > 0, "bind: %s", strerror(errno));
	CHECK(step(4, (uint32_t)lp, 0) == 0, "step 4");
	struct pollfd pfd = {.fd = xenevtchn_fd(xce), .events = POLLIN};
	CHECK(poll(&pfd, 1, 5000) == 1, "evtchn fd never readable");
	CHECK(xenevtchn_pending(xce) == lp, "pending port");
	CHECK(xenevtchn_unmask(xce, (evtchn_port_t)lp) == 0, "unmask");
	CHECK(poll(&pfd, 1, 0) == 0, "spurious event");
	CHECK(xenevtchn_notify(xce, (evtchn_port_t)lp) == 0, "notify");
	CHECK(xenevtchn_notify(xce, 999) < 0 && errno == ENOTCONN, "bad port");
	CHECK(xenevtchn_unmask(xce, 999) < 0 && errno == ENOTCONN, "unmask bad");
	/* notify has no reply; a later call on the same handle is answered
	 * only after it, so step 5 sees the guest's callback. */
	CHECK(xenevtchn_bind_interdomain(xce, GUEST, t.gport) < 0 &&
		      errno == EINVAL, "bound twice: %s", strerror(errno));
	CHECK(step(5, 0, 0) == 0, "step 5");
	CHECK(batch_read_unmask(xce, (evtchn_port_t)lp) == 0, "batch");
	CHECK(step(9, 0, 0) == 0, "step 9"); /* guest destroyed */
	/* Xen drops a send on a port whose peer closed (ECS_UNBOUND). */
	CHECK(xenevtchn_notify(xce, (evtchn_port_t)lp) == 0,
	      "notify to dead guest: %s", strerror(errno));
	CHECK(xenevtchn_unbind(xce, (evtchn_port_t)lp) == 0, "unbind");
	CHECK(xenevtchn_notify(xce, (evtchn_port_t)lp) < 0 && errno == ENOTCONN,
	      "notify after unbind");
	return xenevtchn_close(xce);
}

static int child_share(void)
{
	xengntshr_handle *xgs = xengntshr_open(NULL, 0);
	CHECK(xgs, "gntshr open: %s", strerror(errno));
	uint32_t refs[2];
	uint8_t *q = xengntshr_share_pages(xgs, GUEST, 2, refs, 1);
	CHECK(q, "share: %s", strerror(errno));
	q[10] = 0xC0;
	q[PG + 10] = 0xC1;
	CHECK(step(6, refs[0], refs[1]) == 0, "step 6");
	CHECK(q[PG + 20] == 0x5A, "guest's write not seen");
	CHECK(xengntshr_unshare(xgs, q, 2) == 0, "unshare");
	CHECK(step(7, 0, 0) == 0, "step 7");
	return xengntshr_close(xgs);
}

static int child_import(xengnttab_handle *xgt)
{
	if (!t.dmabuf)
		return 0;
	int fd = memfd_create("backend-buf", MFD_CLOEXEC);
	CHECK(fd >= 0 && ftruncate(fd, 2 * PG) == 0, "memfd");
	uint8_t *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED, "mmap");
	memset(p, 0x77, PG);
	p[PG + 5] = 0x78;
	uint32_t refs[2];
	CHECK(xengnttab_dmabuf_imp_to_refs(xgt, GUEST, (uint32_t)fd, 2, refs) == 0,
	      "import: %s", strerror(errno));
	CHECK(step(8, refs[0], refs[1]) == 0, "step 8");
	CHECK(xengnttab_dmabuf_imp_release(xgt, (uint32_t)fd) == 0, "release");
	munmap(p, 2 * PG);
	close(fd);
	return 0;
}

static int child_main(void)
{
	Dl_info info;
	CHECK(dladdr((void *)xengnttab_open, &info) && strstr(info.dli_fname, "xensim-lib"),
	      "not the drop-in library: %s", info.dli_fname);
	xengnttab_handle *xgt = xengnttab_open(NULL, 0);
	CHECK(xgt, "gnttab open: %s", strerror(errno));
	if (child_map(xgt) || child_copy(xgt) || child_dmabuf(xgt) ||
	    child_import(xgt) || child_share() || child_evtchn())
		return 1;
	return xengnttab_close(xgt);
}

/* Maps, binds and shares, then dies without undoing any of it. */
static int crash_main(void)
{
	xengnttab_handle *xgt = xengnttab_open(NULL, 0);
	xenevtchn_handle *xce = xenevtchn_open(NULL, 0);
	xengntshr_handle *xgs = xengntshr_open(NULL, 0);
	CHECK(xgt && xce && xgs, "open");
	CHECK(xengnttab_map_domain_grant_refs(xgt, 4, 2, t.buf_refs, PROT_READ), "map");
	CHECK(xenevtchn_bind_interdomain(xce, 2, t.gport) > 0, "bind");
	uint32_t ref;
	CHECK(xengntshr_share_pages(xgs, 2, 1, &ref, 1), "share");
	CHECK(step(20, 0, 0) == 0, "step 20");
	_exit(0);
}

/* ---- parent driver ------------------------------------------------- */

static int run_child(int (*fn)(void))
{
	int c2p[2], p2c[2];
	if (pipe2(c2p, O_CLOEXEC) < 0 || pipe2(p2c, O_CLOEXEC) < 0)
		return 1;
	pid_t pid = fork();
	if (pid == 0) {
		close(c2p[0]);
		close(p2c[1]);
		t.child_out = c2p[1];
		t.child_in = p2c[0];
		_exit(fn());
	}
	close(c2p[1]);
	close(p2c[0]);
	t.from_child = c2p[0];
	t.to_child = p2c[1];
	struct loop_source *src = loop_add_fd(t.loop, t.from_child, EPOLLIN, on_child, NULL);
	loop_run(t.loop);
	loop_remove(src);
	close(t.from_child);
	close(t.to_child);
	int status;
	waitpid(pid, &status, 0);
	return !(WIFEXITED(status) && WEXITSTATUS(status) == 0) || t.failed;
}

static int setup_guest(uint32_t domid)
{
	t.guest = gsim_domain_create(t.g, domid, 1024);
	CHECK(t.guest, "domain");
	int64_t pfn = gsim_alloc_pages(t.guest, 4);
	CHECK(pfn >= 0, "alloc");
	t.buf_pfn = (uint32_t)pfn;
	for (uint32_t pg = 0; pg < 4; pg++) {
		uint8_t *p = gsim_page(t.guest, t.buf_pfn + pg);
		for (uint32_t off = 0; off < PG; off++)
			p[off] = pattern(pg, off);
		t.buf_refs[pg] = (uint32_t)gsim_grant(t.guest, 0, t.buf_pfn + pg, false);
	}
	int64_t ro = gsim_alloc_pages(t.guest, 1), other = gsim_alloc_pages(t.guest, 1);
	CHECK(ro >= 0 && other >= 0, "alloc");
	memset(gsim_page(t.guest, (uint32_t)ro), 0xAB, PG);
	t.ro_ref = (uint32_t)gsim_grant(t.guest, 0, (uint32_t)ro, true);
	t.other_ref = (uint32_t)gsim_grant(t.guest, OTHER, (uint32_t)other, false);
	t.guest_cbs = 0;
	int64_t port = gsim_evtchn_alloc_unbound(t.guest, 0, guest_cb, &t.guest_cbs);
	CHECK(port > 0, "port");
	t.gport = (uint32_t)port;
	port = gsim_evtchn_alloc_unbound(t.guest, 0, guest_cb, &t.guest_cbs);
	CHECK(port > 0, "port 2");
	t.gport2 = (uint32_t)port;
	return 0;
}

static int wait_clean(void)
{
	struct gsim_stats s;
	for (int i = 0; i < 200; i++) {
		loop_dispatch(t.loop, 10);
		gsim_get_stats(t.g, UINT32_MAX, &s);
		if (!s.clients && !s.mapped_pages && !s.bound_ports && !s.shared_pages)
			return 0;
	}
	fprintf(stderr, "leaked: clients %u mapped %u ports %u shared %u\n",
		s.clients, s.mapped_pages, s.bound_ports, s.shared_pages);
	return 1;
}

/* Freed refs come back lowest first, before any never-used one, as they
 * did before the table remembered where its free refs start. Called with
 * buf_refs[0] already freed. */
static int reuse_lowest_free(void)
{
	uint32_t pfn = t.buf_pfn;

	CHECK(gsim_ungrant(t.guest, t.buf_refs[2]) == 0, "ungrant");
	CHECK(gsim_grant(t.guest, 0, pfn, false) == t.buf_refs[0], "lowest");
	CHECK(gsim_grant(t.guest, 0, pfn, false) == t.buf_refs[2], "next");
	CHECK(gsim_grant(t.guest, 0, pfn, false) > t.other_ref, "then new");
	return 0;
}

static int run(const char *sock)
{
	const char *no = getenv("XENSIM_NO_DMABUF");
	t.dmabuf = !(no && strcmp(no, "1") == 0);
	t.loop = loop_create();
	t.g = gsim_create(t.loop, sock);
	CHECK(t.loop && t.g, "simulator");
	setenv("XENSIM_SOCKET", sock, 1);
	CHECK(setup_guest(GUEST) == 0, "guest 1");
	CHECK(run_child(child_main) == 0, "backend child failed");
	CHECK(wait_clean() == 0, "after a clean exit");
	/* Guest 1 is a zombie until nothing maps it; now it must be gone. */
	CHECK(gsim_domain_get(t.g, GUEST) == NULL, "guest 1 still there");

	CHECK(setup_guest(2) == 0, "guest 2");
	CHECK(run_child(crash_main) == 0, "crash child failed");
	CHECK(wait_clean() == 0, "after a crash");
	CHECK(!gsim_evtchn_is_bound(t.guest, t.gport), "port still bound");
	CHECK(gsim_ungrant(t.guest, t.buf_refs[0]) == 0, "grant still mapped");
	CHECK(reuse_lowest_free() == 0, "ref reuse");
	gsim_destroy(t.g);
	loop_destroy(t.loop);
	return 0;
}

int main(void)
{
	char dir[] = "/tmp/gsim-test-XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	char sock[sizeof(dir) + 16];
	snprintf(sock, sizeof(sock), "%s/grant.sock", dir);
	int r = run(sock);
	unlink(sock);
	rmdir(dir);
	return r;
}
