// SPDX-License-Identifier: GPL-2.0
/*
 * The workers run in a memory cgroup of their own, so that what they
 * leave in the kernel can be told from everything else. The module
 * allocates all of a context's memory with GFP_KERNEL_ACCOUNT (contexts,
 * devices, bus tables, bindings), as KVM does for its VMs, so every
 * object a worker made is charged to the cgroup, and the cgroup's
 * slab_unreclaimable (memory.stat) comes back to nearly nothing once the
 * workers are gone and their frees have run. Kernel threads (workqueue
 * workers the run woke up, which live on for minutes) are not charged
 * there: the global slab check (health.c) cannot tell them from a leak,
 * this one can.
 *
 * Needs cgroup v2 with the memory controller; mounted on /sys/fs/cgroup
 * if nothing is, as tests/kmod/kmod_memory.c does.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

#define CG_ROOT		"/sys/fs/cgroup"

/* 0, or -errno with cg->why saying what could not be done. */
int fz_cg_create(struct fz_cg *cg)
{
	memset(cg, 0, sizeof(*cg));
	if (access(CG_ROOT "/cgroup.controllers", F_OK) &&
	    mount("cgroup2", CG_ROOT, "cgroup2", 0, NULL)) {
		cg->why = "cannot mount cgroup2 on " CG_ROOT;
		return -errno;
	}
	if (fz_write_file(CG_ROOT "/cgroup.subtree_control", "+memory")) {
		cg->why = "no memory controller";
		return -EOPNOTSUPP;
	}
	snprintf(cg->dir, sizeof(cg->dir), CG_ROOT "/vmdev-fuzz-%d",
		 getpid());
	if (mkdir(cg->dir, 0755)) {
		cg->why = "cannot make the cgroup";
		cg->dir[0] = '\0';
		return -errno;
	}
	return 0;
}

/* Move the calling process into the cgroup (before it makes anything). */
int fz_cg_enter(const struct fz_cg *cg)
{
	char path[sizeof(cg->dir) + 16], pid[16];

	if (!cg->dir[0])
		return 0;
	snprintf(path, sizeof(path), "%s/cgroup.procs", cg->dir);
	snprintf(pid, sizeof(pid), "%d", getpid());
	return fz_write_file(path, pid);
}

/* A byte count of memory.stat, -1 if it has none. */
long long fz_cg_stat(const struct fz_cg *cg, const char *key)
{
	char path[sizeof(cg->dir) + 16], name[64];
	long long v, ret = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/memory.stat", cg->dir);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld", name, &v) == 2) {
		if (!strcmp(name, key)) {
			ret = v;
			break;
		}
	}
	fclose(f);
	return ret;
}

/* Drain the memory controller's per-CPU caches (see fz_check_memcg()). */
void fz_cg_drain(const struct fz_cg *cg)
{
	char path[sizeof(cg->dir) + 16];

	snprintf(path, sizeof(path), "%s/memory.high", cg->dir);
	fz_write_file(path, "0");
}

/* A file of the cgroup holding one number, -1 if it cannot be read. */
long long fz_cg_read(const struct fz_cg *cg, const char *file)
{
	char path[sizeof(cg->dir) + 32];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", cg->dir, file);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

void fz_cg_remove(struct fz_cg *cg)
{
	if (cg->dir[0])
		rmdir(cg->dir);
	cg->dir[0] = '\0';
}
