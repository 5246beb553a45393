/* The simulated Xen host: store + hypervisor servers, Dom0's own nodes, the
 * list of guests, and the environment clients need to reach it. */
#include "xensim.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gsim.h"
#include "log.h"
#include "toolstack.h"
#include "xensim_priv.h"

#ifndef XENSIM_LIB_DIR
#error "XENSIM_LIB_DIR must name the drop-in library folder"
#endif

const char *xensim_lib_dir(void)
{
	return XENSIM_LIB_DIR;
}

int xensim_write_perms(struct xs_server *xs, const char *path,
		       const char *value, const struct xs_srv_perm *perms,
		       unsigned n)
{
	int ret = value ? xs_srv_write(xs, 0, path, value)
			: xs_srv_mkdir(xs, 0, path);
	if (ret < 0 && !(ret == -EEXIST && !value)) {
		log_error("xensim: writing %s: %s", path, strerror(-ret));
		return ret;
	}
	ret = xs_srv_set_perms(xs, 0, path, perms, n);
	if (ret < 0)
		log_error("xensim: setting permissions of %s: %s", path,
			  strerror(-ret));
	return ret;
}

/* What xenstored and xen-init-dom0 leave behind before any guest exists:
 * the root folders and Dom0's identity, all owned by Dom0, closed to
 * everyone else. */
static int write_dom0_nodes(struct xs_server *xs)
{
	static const struct xs_srv_perm n0[] = {{0, 'n'}};
	static const char *const dirs[] = {
		"/local", "/local/domain", "/local/domain/0",
		"/local/domain/0/backend", "/vm",
		"/vm/00000000-0000-0000-0000-000000000000", "/libxl",
	};
	static const char *const nodes[][2] = {
		{"/local/domain/0/domid", "0"},
		{"/local/domain/0/name", "Domain-0"},
		{"/local/domain/0/vm", "/vm/00000000-0000-0000-0000-000000000000"},
		{"/vm/00000000-0000-0000-0000-000000000000/name", "Domain-0"},
		{"/vm/00000000-0000-0000-0000-000000000000/uuid",
		 "00000000-0000-0000-0000-000000000000"},
	};
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		int ret = xensim_write_perms(xs, dirs[i], NULL, n0, 1);
		if (ret < 0)
			return ret;
	}
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		int ret = xensim_write_perms(xs, nodes[i][0], nodes[i][1], n0, 1);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int build_env(struct xensim *sim)
{
	snprintf(sim->env_store, sizeof(sim->env_store), "XENSTORED_PATH=%s",
		 sim->store_path);
	snprintf(sim->env_gsim, sizeof(sim->env_gsim), "XENSIM_SOCKET=%s",
		 sim->gsim_path);
	const char *old = getenv("LD_LIBRARY_PATH");
	int n = (old && *old)
			? asprintf(&sim->env_ld, "LD_LIBRARY_PATH=%s:%s",
				   XENSIM_LIB_DIR, old)
			: asprintf(&sim->env_ld, "LD_LIBRARY_PATH=%s",
				   XENSIM_LIB_DIR);
	if (n < 0) {
		sim->env_ld = NULL;
		return -ENOMEM;
	}
	return 0;
}

static int make_paths(struct xensim *sim, const char *dir)
{
	int a = snprintf(sim->store_path, sizeof(sim->store_path),
			 "%s/xenstored", dir);
	int b = snprintf(sim->gsim_path, sizeof(sim->gsim_path), "%s/gsim",
			 dir);
	if (a < 0 || b < 0 || (size_t)a >= sizeof(sim->store_path) ||
	    (size_t)b >= sizeof(sim->gsim_path))
		return -ENAMETOOLONG;
	return 0;
}

struct xensim *xensim_create(struct loop *loop, const char *dir)
{
	struct xensim *sim = calloc(1, sizeof(*sim));
	if (!sim)
		return NULL;
	sim->loop = loop;
	int ret = make_paths(sim, dir);
	if (ret < 0)
		goto fail;
	ret = build_env(sim);
	if (ret < 0)
		goto fail;
	sim->xs = xs_server_create(loop, sim->store_path);
	if (!sim->xs) {
		ret = errno ? -errno : -EIO;
		log_error("xensim: store server on %s: %s", sim->store_path,
			  strerror(-ret));
		goto fail;
	}
	sim->gs = gsim_create(loop, sim->gsim_path);
	if (!sim->gs) {
		ret = errno ? -errno : -EIO;
		log_error("xensim: grant server on %s: %s", sim->gsim_path,
			  strerror(-ret));
		goto fail;
	}
	ret = write_dom0_nodes(sim->xs);
	if (ret < 0)
		goto fail;
	return sim;
fail:
	xensim_destroy(sim);
	errno = -ret;
	return NULL;
}

void xensim_destroy(struct xensim *sim)
{
	if (!sim)
		return;
	while (sim->guests)
		xensim_guest_destroy(sim->guests);
	if (sim->gs)
		gsim_destroy(sim->gs);
	if (sim->xs)
		xs_server_destroy(sim->xs);
	free(sim->env_ld);
	free(sim);
}

struct loop *xensim_loop(struct xensim *sim)
{
	return sim->loop;
}

struct xs_server *xensim_store(struct xensim *sim)
{
	return sim->xs;
}

struct gsim *xensim_gsim(struct xensim *sim)
{
	return sim->gs;
}

const char *xensim_store_path(const struct xensim *sim)
{
	return sim->store_path;
}

const char *xensim_gsim_path(const struct xensim *sim)
{
	return sim->gsim_path;
}

int xensim_env(struct xensim *sim, const char **env, size_t max)
{
	if (max < 3)
		return -ENOSPC;
	env[0] = sim->env_store;
	env[1] = sim->env_gsim;
	env[2] = sim->env_ld;
	return 3;
}

static bool env_overridden(const char *entry)
{
	static const char *const names[] = {"XENSTORED_PATH=", "XENSIM_SOCKET=",
					    "LD_LIBRARY_PATH="};
	for (size_t i = 0; i < 3; i++)
		if (strncmp(entry, names[i], strlen(names[i])) == 0)
			return true;
	return false;
}

char **xensim_environ(struct xensim *sim)
{
	extern char **environ;
	size_t n = 0;
	while (environ[n])
		n++;
	char **out = calloc(n + 4, sizeof(*out));
	if (!out)
		return NULL;
	size_t k = 0;
	const char *ours[3];
	xensim_env(sim, ours, 3);
	for (size_t i = 0; i < 3; i++)
		out[k++] = strdup(ours[i]);
	for (size_t i = 0; i < n; i++)
		if (!env_overridden(environ[i]))
			out[k++] = strdup(environ[i]);
	for (size_t i = 0; i < k; i++) {
		if (!out[i]) {
			for (size_t j = 0; j < k; j++)
				free(out[j]);
			free(out);
			return NULL;
		}
	}
	return out;
}

void xensim_environ_free(char **envp)
{
	if (!envp)
		return;
	for (size_t i = 0; envp[i]; i++)
		free(envp[i]);
	free(envp);
}
