// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark's three VMs and one run of one case (fastpath.h).
 *
 * Each VM has the same register device twice, at a PIO and at an MMIO
 * window: a CONST register the reads hit, an RW register the exiting
 * writes hit, a DOORBELL register. The kernel VM binds a KVM ioeventfd
 * (datamatch) at the doorbell register's own address to that register
 * through the library (level 2, VMDEV_IOEVENTFD); the user VM has a plain
 * KVM ioeventfd at an address of its own, bound to nothing. The third VM
 * is the kernel one at level 3 (vmdev_vm_opts.kvm_bus), without
 * ioeventfds: its devices sit on KVM's bus. The guest is
 * tests/guest/bench.S.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "fastpath.h"

GUEST_IMAGE_DECLARE(bench);

#define PIO_BASE	0x6200
#define MMIO_BASE	0xd0000000ULL
#define FLOOR_PIO	0x6280		/* the plain ioeventfds */
#define FLOOR_MMIO	0xd0001000ULL
#define WINDOW		16
#define VMDEV_TRACE_ENABLE	"/sys/kernel/tracing/events/vmdev/enable"

#define READ_VALUE	0xc0ffee42U	/* what the CONST register reads */
#define WRITE_VALUE	0x2aU		/* what every write stores */

enum { REG_CONST, REG_DATA, REG_DOORBELL, NR_REGS };

static const struct vmdev_reg regs[NR_REGS] = {
	[REG_CONST] = {
		.offset = 0, .width = FP_ACCESS_BYTES, .type = VMDEV_REG_CONST,
		.reset = READ_VALUE, .sel_reg = VMDEV_SEL_NONE,
	},
	[REG_DATA] = {
		.offset = 4, .width = FP_ACCESS_BYTES, .type = VMDEV_REG_RW,
		.wmask = 0xffffffff, .sel_reg = VMDEV_SEL_NONE,
	},
	[REG_DOORBELL] = {
		.offset = 8, .width = FP_ACCESS_BYTES,
		.type = VMDEV_REG_DOORBELL, .sel_reg = VMDEV_SEL_NONE,
	},
};

static const struct vmdev_rdev_desc bench_map = {
	.dev_size = WINDOW, .nr_regs = NR_REGS, .regs = regs,
};

static const uint64_t base_of[2] = { PIO_BASE, MMIO_BASE };
static const uint64_t floor_of[2] = { FLOOR_PIO, FLOOR_MMIO };

/* ---- Names --------------------------------------------------------------- */

bool fp_is_write(enum fp_kind kind)
{
	return kind == FP_PIO_WRITE || kind == FP_MMIO_WRITE;
}

static uint8_t space_of(enum fp_kind kind)
{
	return kind >= FP_MMIO_READ ? VMDEV_SPACE_MMIO : VMDEV_SPACE_PIO;
}

/* A KVM ioeventfd only ever sees writes. */
bool fp_applies(enum fp_kind kind, enum fp_path path)
{
	return path == FP_USER || path == FP_RUN_LOOP || path == FP_KVM_BUS ||
	       path == FP_TRACED || fp_is_write(kind);
}

const char *fp_kind_name(enum fp_kind kind)
{
	static const char *const names[FP_NR_KINDS] = {
		"pio read", "pio write", "mmio read", "mmio write",
	};

	return names[kind];
}

const char *fp_path_key(enum fp_path path)
{
	static const char *const keys[FP_NR_PATHS] = {
		"user", "run_loop", "run_loop_traced", "doorbell", "ioeventfd",
		"kvm_bus",
	};

	return keys[path];
}

const char *fp_path_title(enum fp_path path)
{
	static const char *const titles[FP_NR_PATHS] = {
		"userspace exits", "level 1 run loop", "level 1, events on",
		"level 2 doorbell", "KVM ioeventfd", "level 3 KVM bus",
	};

	return titles[path];
}

/* ---- Set-up -------------------------------------------------------------- */

static int say_err(int err, const char *what)
{
	printf("error: %s: %s\n", what, strerror(-err));
	return err;
}

/* Level 2: a guest write of WRITE_VALUE at the doorbell rings it. */
static int add_doorbell(struct vmdev_regdev *dev, uint8_t space)
{
	VMDEV_OPTS(vmdev_doorbell_opts, o, .space = space,
		   .addr = base_of[space] + regs[REG_DOORBELL].offset,
		   .len = FP_ACCESS_BYTES, .reg = REG_DOORBELL,
		   .flags = VMDEV_DOORBELL_F_DATAMATCH,
		   .datamatch = WRITE_VALUE);

	return vmdev_regdev_doorbell_add(dev, &o);
}

/* The floor: a KVM ioeventfd with the same datamatch, bound to nothing. */
static int floor_ioeventfd(int vm_fd, uint8_t space, int fd, bool assign)
{
	struct kvm_ioeventfd io = {
		.datamatch = WRITE_VALUE, .addr = floor_of[space],
		.len = FP_ACCESS_BYTES, .fd = fd,
		.flags = KVM_IOEVENTFD_FLAG_DATAMATCH,
	};

	if (space == VMDEV_SPACE_PIO)
		io.flags |= KVM_IOEVENTFD_FLAG_PIO;
	if (!assign)
		io.flags |= KVM_IOEVENTFD_FLAG_DEASSIGN;
	return ioctl(vm_fd, KVM_IOEVENTFD, &io) ? -errno : 0;
}

static int add_floor(struct fp_vm *v, uint8_t space)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), ret;

	if (fd < 0)
		return -errno;
	ret = floor_ioeventfd(v->e.vm.vm_fd, space, fd, true);
	if (ret) {
		close(fd);
		return ret;
	}
	v->floor_fd[space] = fd;
	return 0;
}

static int vm_setup(struct fp_vm *v, enum vmdev_vm_mode mode, bool kvm_bus)
{
	struct e2e_opts o = {
		.mode = mode, .image = GUEST_IMAGE(bench),
		.cpu_mode = MINIVM_LONG64, .kvm_bus = kvm_bus,
	};
	int ret, sp;

	ret = e2e_init(&v->e, &o);
	if (ret > 0)
		return say_err(-ret, v->e.skip_why);
	if (ret)
		return say_err(ret, "VM, libvmdev context or vCPU");
	for (sp = VMDEV_SPACE_PIO; sp <= VMDEV_SPACE_MMIO; sp++) {
		ret = e2e_regdev(&v->e, &bench_map, sp, base_of[sp], WINDOW,
				 NULL, NULL, NULL, &v->dev[sp]);
		if (ret)
			return say_err(ret, "vmdev_regdev_new");
		if (kvm_bus) {
			ret = vmdev_vm_level(v->e.ctx, sp, base_of[sp]);
			if (ret != 3)
				return say_err(ret < 0 ? ret : -EOPNOTSUPP,
					       "level 3 (vmdev_vm_level)");
			continue;
		}
		if (mode == VMDEV_VM_KERNEL)
			ret = add_doorbell(v->dev[sp], sp);
		else
			ret = add_floor(v, sp);
		if (ret)
			return say_err(ret, mode == VMDEV_VM_KERNEL ?
				       "vmdev_regdev_doorbell_add" :
				       "KVM_IOEVENTFD");
	}
	return 0;
}

int fp_setup(struct fp_bench *b)
{
	int ret;

	/* No fd yet, whichever set-up fails: fp_teardown() closes none. */
	b->user.floor_fd[VMDEV_SPACE_PIO] = -1;
	b->user.floor_fd[VMDEV_SPACE_MMIO] = -1;
	b->kernel.floor_fd[VMDEV_SPACE_PIO] = -1;
	b->kernel.floor_fd[VMDEV_SPACE_MMIO] = -1;
	b->kvm_bus.floor_fd[VMDEV_SPACE_PIO] = -1;
	b->kvm_bus.floor_fd[VMDEV_SPACE_MMIO] = -1;
	ret = vm_setup(&b->user, VMDEV_VM_USER, false);
	if (!ret)
		ret = vm_setup(&b->kernel, VMDEV_VM_KERNEL, false);
	if (!ret)
		ret = vm_setup(&b->kvm_bus, VMDEV_VM_KERNEL, true);
	if (!ret && vmdev_vm_mode(b->kernel.e.ctx) != VMDEV_VM_KERNEL)
		ret = say_err(-EOPNOTSUPP, "libvmdev kernel mode");
	return ret;
}

static void vm_teardown(struct fp_vm *v)
{
	int sp;

	for (sp = VMDEV_SPACE_PIO; sp <= VMDEV_SPACE_MMIO; sp++) {
		if (v->floor_fd[sp] >= 0) {
			floor_ioeventfd(v->e.vm.vm_fd, sp, v->floor_fd[sp],
					false);
			close(v->floor_fd[sp]);
		}
		vmdev_regdev_free(v->dev[sp]);
		v->dev[sp] = NULL;
	}
	e2e_fini(&v->e);
}

void fp_teardown(struct fp_bench *b)
{
	vm_teardown(&b->kvm_bus);
	vm_teardown(&b->kernel);
	vm_teardown(&b->user);
}

/* ---- One run ------------------------------------------------------------- */

/* The counters a run changes, read before and after it. */
struct snapshot {
	struct vmdev_vcpu_stats vcpu;
	struct vmdev_regdev_stats dev;
};

static struct fp_vm *vm_of(struct fp_bench *b, enum fp_path path)
{
	if (path == FP_KVM_BUS)
		return &b->kvm_bus;
	return path == FP_USER || path == FP_IOEVENTFD ? &b->user : &b->kernel;
}

static uint64_t addr_of(enum fp_kind kind, enum fp_path path)
{
	uint8_t sp = space_of(kind);

	if (path == FP_IOEVENTFD)
		return floor_of[sp];
	if (!fp_is_write(kind))
		return base_of[sp] + regs[REG_CONST].offset;
	if (path == FP_DOORBELL)
		return base_of[sp] + regs[REG_DOORBELL].offset;
	return base_of[sp] + regs[REG_DATA].offset;
}

/* The register the case's writes must leave holding WRITE_VALUE. */
static int written_reg(enum fp_path path)
{
	if (path == FP_USER || path == FP_RUN_LOOP || path == FP_KVM_BUS ||
	    path == FP_TRACED)
		return REG_DATA;
	return path == FP_DOORBELL ? REG_DOORBELL : -1;
}

static int fail(struct fp_case *c, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->error, sizeof(c->error), fmt, ap);
	va_end(ap);
	return err;
}

static void snap(struct fp_vm *v, uint8_t sp, struct snapshot *s)
{
	s->vcpu = e2e_vcpu_stats(&v->e);
	s->dev = e2e_stats(v->dev[sp]);
}

/* Load the guest with its parameters; clear what the writes will set. */
static int prepare(struct fp_vm *v, const struct fp_case *c, uint32_t n)
{
	struct guest_bench_params *p;
	int reg = written_reg(c->path), ret;
	uint64_t stale;

	ret = minivm_load(&v->e.vm, GUEST_IMAGE(bench), MINIVM_LONG64);
	if (ret)
		return ret;
	p = minivm_gpa(&v->e.vm, GUEST_PARAM_ADDR, sizeof(*p));
	if (!p)
		return -EFAULT;
	*p = (struct guest_bench_params){
		.space = space_of(c->kind), .size = FP_ACCESS_BYTES,
		.write = fp_is_write(c->kind), .count = n,
		.addr = addr_of(c->kind, c->path),
		.value = fp_is_write(c->kind) ? WRITE_VALUE : READ_VALUE,
	};
	if (!fp_is_write(c->kind))
		return 0;
	if (reg >= 0)
		return vmdev_regdev_reg_write(v->dev[p->space], reg, 0);
	/* The floor: empty the eventfd counter (EAGAIN: it is). */
	if (read(v->floor_fd[p->space], &stale, sizeof(stale)) < 0 &&
	    errno != EAGAIN)
		return -errno;
	return 0;
}

/* Exits and device counters the run must have produced, exactly. */
static int check_counts(struct fp_case *c, uint32_t n,
			const struct snapshot *a, const struct snapshot *z)
{
	uint64_t runs = z->vcpu.runs - a->vcpu.runs;
	uint64_t kern = z->vcpu.kernel_exits - a->vcpu.kernel_exits;
	uint64_t user = z->vcpu.user_exits - a->vcpu.user_exits;
	uint64_t fast = z->dev.fast - a->dev.fast;
	uint64_t slow = z->dev.slow - a->dev.slow;
	uint64_t ioev = z->dev.ioeventfds - a->dev.ioeventfds;
	/* Exits only for the user path: n of them and the exit port. */
	uint64_t want_runs = c->path == FP_USER ? n + 1ULL : 1;
	bool loop = c->path == FP_RUN_LOOP || c->path == FP_TRACED;
	uint64_t want_kern = loop ? n : 0;
	uint64_t want_user = c->path == FP_USER ? n : 0;
	/* The device completes every access but at level 2 and the floor. */
	bool exits = c->path == FP_USER || loop || c->path == FP_KVM_BUS;

	c->exits = (struct fp_exits){ .to_user = runs, .in_kernel = kern };
	if (runs != want_runs || kern != want_kern || user != want_user)
		return fail(c, -EPROTO,
			    "exits: %llu to userspace, %llu completed in the kernel, %llu in userspace; expected %llu, %llu, %llu",
			    (unsigned long long)runs, (unsigned long long)kern,
			    (unsigned long long)user,
			    (unsigned long long)want_runs,
			    (unsigned long long)want_kern,
			    (unsigned long long)want_user);
	if (fast != (exits ? n : 0) || slow ||
	    ioev != (c->path == FP_DOORBELL ? n : 0))
		return fail(c, -EPROTO,
			    "device counted %llu fast, %llu slow, %llu ioeventfd writes of %u",
			    (unsigned long long)fast, (unsigned long long)slow,
			    (unsigned long long)ioev, n);
	return 0;
}

/* Where the writes went: the register, or the floor's eventfd count. */
static int check_written(struct fp_vm *v, struct fp_case *c, uint32_t n)
{
	uint8_t sp = space_of(c->kind);
	int reg = written_reg(c->path);
	uint64_t val = 0;

	if (c->path == FP_IOEVENTFD) {
		if (read(v->floor_fd[sp], &val, sizeof(val)) < 0 &&
		    errno != EAGAIN)
			return fail(c, -errno, "eventfd read: %s",
				    strerror(errno));
		if (val != n)
			return fail(c, -EPROTO,
				    "the ioeventfd counted %llu writes of %u",
				    (unsigned long long)val, n);
		return 0;
	}
	if (vmdev_regdev_reg_read(v->dev[sp], reg, &val) || val != WRITE_VALUE)
		return fail(c, -EPROTO, "register %d holds %#llx, not %#x",
			    reg, (unsigned long long)val, WRITE_VALUE);
	return 0;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/*
 * The clock runs around the whole run: from loading the deadline timer
 * and the first entry into the guest to the return of its exit-port
 * write, the guest's own set-up and that last exit included. Nothing is
 * subtracted: with the counts calibrated to about a second a run, what
 * is not the N accesses weighs well under a thousandth.
 */
static int timed_run(struct fp_vm *v, double *secs)
{
	double t0 = now_s();
	int ret = e2e_run(&v->e);

	*secs = now_s() - t0;
	return ret;
}

/* vmdev.ko's tracepoints, all of them, on or off: 0 or -errno. */
static int trace_events(bool on)
{
	int fd = open(VMDEV_TRACE_ENABLE, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, on ? "1" : "0", 1);
	close(fd);
	return n == 1 ? 0 : -EIO;
}

/* A run with the tracepoints on: off again whatever the outcome. */
static int traced_run(struct fp_vm *v, double *secs)
{
	int ret = trace_events(true), off;

	if (ret)
		return ret;
	ret = timed_run(v, secs);
	off = trace_events(false);
	return ret ? ret : off;
}

int fp_run(struct fp_bench *b, struct fp_case *c, uint32_t n, double *secs)
{
	struct fp_vm *v = vm_of(b, c->path);
	const struct guest_bench_params *p;
	struct snapshot a, z;
	int ret;

	ret = prepare(v, c, n);
	if (ret)
		return fail(c, ret, "loading the guest: %s", strerror(-ret));
	snap(v, space_of(c->kind), &a);
	ret = c->path == FP_TRACED ? traced_run(v, secs) : timed_run(v, secs);
	if (ret)
		return fail(c, ret, "run: %s (exit %s)", strerror(-ret),
			    minivm_exit_name(v->e.vm.run->exit_reason));
	snap(v, space_of(c->kind), &z);
	p = minivm_gpa(&v->e.vm, GUEST_PARAM_ADDR, sizeof(*p));
	if (v->e.result != GUEST_PASS)
		return fail(c, -EPROTO, "guest result %#x, %u reads mismatched",
			    v->e.result, p->mismatches);
	ret = check_counts(c, n, &a, &z);
	if (!ret && fp_is_write(c->kind))
		ret = check_written(v, c, n);
	return ret;
}
