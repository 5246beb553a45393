/* Simulated xenstored: the xs_wire.h protocol on Unix sockets, plus the same
 * operations in-process for simulated guests and tests.
 *
 * Every operation runs with a caller domid and is checked against node
 * permissions exactly as xenstored does (dom0 is privileged). Connections on
 * the main socket are dom0; xs_server_add_domain_socket() opens a socket
 * whose connections act as a given guest, so stock tools can be refused.
 * Relative paths resolve against /local/domain/<caller>/.
 *
 * In-process watch callbacks run from the loop, never from inside the
 * xs_srv_* call that triggered them. */
#ifndef XENSIM_XS_SERVER_H
#define XENSIM_XS_SERVER_H

#include <stdbool.h>
#include <stdint.h>

struct loop;
struct xs_server;
struct xs_srv_watch;

/* One permission entry, as xenstored stores them: the first entry names the
 * owner and the access everyone else gets; later entries grant domids. */
struct xs_srv_perm {
	uint32_t domid;
	char perm; /* 'n' none, 'r' read, 'w' write, 'b' both */
};

struct xs_server *xs_server_create(struct loop *loop, const char *socket_path);
void xs_server_destroy(struct xs_server *srv);
int xs_server_add_domain_socket(struct xs_server *srv, uint32_t domid,
				const char *socket_path);
/* As if xenstored died, for its socket clients: every connection closed,
 * no new one accepted. The tree and the in-process calls stay, so the
 * simulation around it can still run and be torn down. */
void xs_server_kill_sockets(struct xs_server *srv);

/* 0 or -errno (ENOENT, EACCES, EINVAL, EEXIST ...). Writes create missing
 * parents the way xenstored does (owned by the caller, perms inherited). */
int xs_srv_write(struct xs_server *srv, uint32_t caller, const char *path,
		 const char *value);
int xs_srv_mkdir(struct xs_server *srv, uint32_t caller, const char *path);
int xs_srv_rm(struct xs_server *srv, uint32_t caller, const char *path);
/* malloc'ed NUL-terminated value, or NULL with errno set. */
char *xs_srv_read(struct xs_server *srv, uint32_t caller, const char *path);
/* malloc'ed array of malloc'ed names, NULL-terminated; NULL + errno. */
char **xs_srv_directory(struct xs_server *srv, uint32_t caller,
			const char *path, unsigned *num);
void xs_srv_free_list(char **list);
int xs_srv_set_perms(struct xs_server *srv, uint32_t caller, const char *path,
		     const struct xs_srv_perm *perms, unsigned n);
/* Fills up to max entries; returns the count or -errno. */
int xs_srv_get_perms(struct xs_server *srv, uint32_t caller, const char *path,
		     struct xs_srv_perm *perms, unsigned max);

typedef void (*xs_srv_watch_cb)(void *data, const char *path);
/* Like XS_WATCH from caller: fires once at registration, then for every
 * change at or below path (and for @introduceDomain/@releaseDomain). */
struct xs_srv_watch *xs_srv_watch(struct xs_server *srv, uint32_t caller,
				  const char *path, xs_srv_watch_cb cb,
				  void *data);
void xs_srv_unwatch(struct xs_srv_watch *w);

/* Toolstack side of domain life: introduce fires @introduceDomain;
 * release fires @releaseDomain and drops the domain's connections and
 * watches. Neither touches nodes (the toolstack removes them). */
void xs_srv_introduce_domain(struct xs_server *srv, uint32_t domid);
void xs_srv_release_domain(struct xs_server *srv, uint32_t domid);

/* Wire writes of exactly `path` fail with err (as xenstored's do when a
 * domain is over its quota or the daemon out of memory); err 0 stops it.
 * Safe to call from another thread than the server's. */
void xs_srv_fail_writes(struct xs_server *srv, const char *path, int err);

/* Counters for tests: live wire connections and watches. */
unsigned xs_srv_connection_count(const struct xs_server *srv);
unsigned xs_srv_watch_count(const struct xs_server *srv);

#endif
