// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The vCPU run call. One loop for both modes; only the way into the guest
 * differs:
 *
 *   kernel: VMDEV_RUN on the module context. The module runs KVM_RUN from
 *           inside the kernel and completes the register devices' exits
 *           there; what it returns is a slow-path access (or one for a
 *           userspace device), another exit, or an error.
 *   user:   KVM_RUN on the vCPU. Every PIO and MMIO exit comes here; a
 *           write that matches a doorbell is applied first (as KVM's
 *           ioeventfd would have taken it), the rest goes to the I/O
 *           manager, where register devices complete what the core can.
 *
 * An exit that the I/O manager completes is resumed at once; anything
 * else returns to the VMM with the exit as KVM left it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>

#include "base/internal.h"
#include "vm_internal.h"

struct vmdev_vcpu {
	struct vmdev_vm *vm;		/* a reference */
	int fd;
	struct kvm_run *run;
	size_t run_size;
	/* The last VMDEV_VCPU_UNHANDLED return, error 0 if not that. */
	int unhandled_error;
	uint32_t unhandled_done;

	/* Counters (vmdev_vcpu_stats()), read from any thread. */
	_Atomic uint64_t runs;
	_Atomic uint64_t kernel_exits;
	_Atomic uint64_t user_exits;
	_Atomic uint64_t returns;
};

/* ---- The access the module declined (vm_internal.h) ---------------------- */

struct declined {
	bool armed;
	bool write;
	uint8_t space;
	uint32_t len;
	uint64_t addr;
};

static _Thread_local struct declined declined;

void vmdev_declined_arm(enum vmdev_space space, uint64_t addr, uint32_t len,
			bool write)
{
	declined = (struct declined){
		.armed = true, .write = write, .space = space, .len = len,
		.addr = addr,
	};
}

void vmdev_declined_disarm(void)
{
	declined.armed = false;
}

bool vmdev_declined_take(enum vmdev_space space, uint64_t addr, uint32_t len,
			 bool write)
{
	if (!declined.armed || declined.space != space ||
	    declined.addr != addr || declined.len != len ||
	    declined.write != write)
		return false;
	declined.armed = false;
	return true;
}

/* ---- Creation ------------------------------------------------------------ */

/*
 * Whether the mapping line of /proc/self/maps for [start, end) is the
 * caller's kvm_run mapping of the vCPU named link: shared, writable, from
 * offset 0 of that very anonymous inode, run_size bytes at least.
 */
static bool is_run_mapping(const char *line, uintptr_t run, size_t run_size,
			   const char *link, bool *seen)
{
	unsigned long start, end, off;
	char perms[5];
	int path;

	if (sscanf(line, "%lx-%lx %4s %lx %*s %*u %n", &start, &end, perms,
		   &off, &path) != 4 || start != run)
		return false;
	*seen = true;
	return perms[1] == 'w' && perms[3] == 's' && !off &&
	       end - start >= run_size &&
	       !strncmp(line + path, link, strlen(link)) &&
	       (line[path + strlen(link)] == '\n' ||
		!line[path + strlen(link)]);
}

/*
 * The run page must be this vCPU's: kernel mode's VMDEV_RUN refuses any
 * other (-EINVAL), and user mode would read exits from the wrong page.
 * /proc/self/maps names the file of each mapping; without /proc there is
 * nothing to check against, and the module still checks.
 */
static int check_vcpu(int fd, const struct kvm_run *run, size_t run_size)
{
	char link[64], line[512];
	bool seen = false, ok = false;
	FILE *maps;
	int ret;

	ret = vmdev_fd_link(fd, link, sizeof(link));
	if (ret)
		return ret == -ENOENT ? 0 : ret;
	if (strncmp(link, "anon_inode:kvm-vcpu:", 20))
		return vmdev_err(ENOTTY);
	maps = fopen("/proc/self/maps", "re");
	if (!maps)
		return 0;
	while (!seen && fgets(line, sizeof(line), maps))
		ok = is_run_mapping(line, (uintptr_t)run, run_size, link,
				    &seen);
	fclose(maps);
	return ok ? 0 : vmdev_err(EINVAL);
}

int vmdev_vcpu_new(struct vmdev_vm *vm, int vcpu_fd, struct kvm_run *run,
		   size_t run_size, const struct vmdev_vcpu_opts *opts,
		   struct vmdev_vcpu **out)
{
	struct vmdev_vcpu *v;
	int ret;

	if (!vm || !run || !out || run_size < sizeof(*run) ||
	    VMDEV_OPTS_CHECK(opts, sz))
		return vmdev_err(EINVAL);
	if (vcpu_fd < 0)
		return vmdev_err(EBADF);
	ret = check_vcpu(vcpu_fd, run, run_size);
	if (ret)
		return ret;
	v = calloc(1, sizeof(*v));
	if (!v)
		return vmdev_err(ENOMEM);
	v->vm = vm;
	v->fd = vcpu_fd;
	v->run = run;
	v->run_size = run_size;
	vmdev_vm_get(vm);
	*out = v;
	return 0;
}

void vmdev_vcpu_free(struct vmdev_vcpu *vcpu)
{
	if (!vcpu)
		return;
	vmdev_vm_drain_deferred(vcpu->vm);
	vmdev_vm_put(vcpu->vm);
	free(vcpu);
}

/* ---- The loop ------------------------------------------------------------ */

static void bump(_Atomic uint64_t *c, uint64_t n)
{
	atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

/* Into the guest until the next exit the kernel does not complete. */
static int enter(struct vmdev_vcpu *v)
{
	struct vmdev_run r = {
		.size = sizeof(r), .vcpu_fd = v->fd,
		.kvm_run = (uintptr_t)v->run,
	};
	int ret;

	bump(&v->runs, 1);
	if (v->vm->mode == VMDEV_VM_USER)
		return ioctl(v->fd, KVM_RUN, 0) ? vmdev_err(errno) : 0;
	ret = ioctl(v->vm->ctx_fd, VMDEV_RUN, &r) ? vmdev_err(errno) : 0;
	/* Exits done before a signal count too, if the module says so. */
	bump(&v->kernel_exits, r.exits);
	return ret;
}

/*
 * One element of an exit, data in guest order at p: 0 when completed,
 * else the I/O manager's error, with p untouched.
 */
static int dispatch(struct vmdev_vcpu *v, enum vmdev_space space,
		    uint64_t addr, uint8_t *p, uint32_t len, bool write,
		    bool first)
{
	struct vmdev_vm *vm = v->vm;
	uint8_t buf[8];
	int ret;

	if (vm->mode == VMDEV_VM_USER) {
		if (write && vmdev_doorbell_hit(vm, space, addr, len, p))
			return 0;
	} else if (first) {
		vmdev_declined_arm(space, addr, len, write);
	}
	if (write) {
		ret = vmdev_io_write(vm->io, space, addr, p, len);
	} else {
		ret = vmdev_io_read(vm->io, space, addr, buf, len);
		if (!ret)
			memcpy(p, buf, len);
	}
	vmdev_declined_disarm();
	return ret;
}

static int unhandled(struct vmdev_vcpu *v, int error, uint32_t done)
{
	v->unhandled_error = error;
	v->unhandled_done = done;
	return VMDEV_VCPU_UNHANDLED;
}

/* Every element of a PIO exit; KVM batches string input (rep ins). */
static int complete_pio(struct vmdev_vcpu *v)
{
	const struct kvm_run *run = v->run;
	uint32_t size = run->io.size, n = run->io.count, i;
	bool write = run->io.direction == KVM_EXIT_IO_OUT;
	uint8_t *p = (uint8_t *)v->run + run->io.data_offset;
	int ret;

	if ((size != 1 && size != 2 && size != 4) || !n ||
	    run->io.data_offset > v->run_size ||
	    (uint64_t)size * n > v->run_size - run->io.data_offset)
		return vmdev_err(EPROTO);
	for (i = 0; i < n; i++, p += size) {
		ret = dispatch(v, VMDEV_PIO, run->io.port, p, size, write,
			       i == 0);
		if (ret)
			return unhandled(v, ret, i);
	}
	return 0;
}

static int complete_mmio(struct vmdev_vcpu *v)
{
	struct kvm_run *run = v->run;
	int ret;

	if (!run->mmio.len || run->mmio.len > sizeof(run->mmio.data))
		return vmdev_err(EPROTO);
	ret = dispatch(v, VMDEV_MMIO, run->mmio.phys_addr, run->mmio.data,
		       run->mmio.len, run->mmio.is_write, true);
	return ret ? unhandled(v, ret, 0) : 0;
}

/*
 * True when the exit is completed and the guest can go on; else *ret is
 * what vmdev_vcpu_run() returns.
 */
static bool complete(struct vmdev_vcpu *v, int *ret)
{
	switch (v->run->exit_reason) {
	case KVM_EXIT_IO:
		*ret = complete_pio(v);
		break;
	case KVM_EXIT_MMIO:
		*ret = complete_mmio(v);
		break;
	default:
		*ret = VMDEV_VCPU_EXIT;
		return false;
	}
	if (*ret)
		return false;
	bump(&v->user_exits, 1);
	return true;
}

int vmdev_vcpu_run(struct vmdev_vcpu *vcpu)
{
	int ret;

	if (!vcpu)
		return vmdev_err(EINVAL);
	vcpu->unhandled_error = 0;
	for (;;) {
		ret = enter(vcpu);
		if (ret || !complete(vcpu, &ret))
			break;
	}
	bump(&vcpu->returns, 1);
	/* A device callback may have changed errno since the error. */
	return ret < 0 ? vmdev_err(-ret) : ret;
}

int vmdev_vcpu_unhandled(const struct vmdev_vcpu *vcpu,
			 struct vmdev_vcpu_unhandled *info)
{
	struct vmdev_vcpu_unhandled u = { .sz = sizeof(u) };

	if (!vcpu || !info || info->sz < sizeof(size_t))
		return vmdev_err(EINVAL);
	if (!vcpu->unhandled_error)
		return vmdev_err(ENODATA);
	u.error = vcpu->unhandled_error;
	u.done = vcpu->unhandled_done;
	return vmdev_fill_out(info, info->sz, &u, sizeof(u));
}

static uint64_t load(const _Atomic uint64_t *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

int vmdev_vcpu_stats(const struct vmdev_vcpu *vcpu, struct vmdev_vcpu_stats *st)
{
	struct vmdev_vcpu_stats s = { .sz = sizeof(s) };

	if (!vcpu || !st || st->sz < sizeof(size_t))
		return vmdev_err(EINVAL);
	s.runs = load(&vcpu->runs);
	s.kernel_exits = load(&vcpu->kernel_exits);
	s.user_exits = load(&vcpu->user_exits);
	s.returns = load(&vcpu->returns);
	return vmdev_fill_out(st, st->sz, &s, sizeof(s));
}
