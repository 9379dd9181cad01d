/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmdev_fuzz: an ioctl fuzzer for /dev/vmdev, run in the test VM
 * (Documentation/testing.rst, "The ioctl fuzzer").
 *
 * The parent process sets up the shared statistics and the kernel
 * health baselines, forks FZ procs workers and watches them. Each worker
 * has a context of its own, shared by its threads, and a KVM VM whose
 * vCPU its runner thread keeps inside VMDEV_RUN with a guest that
 * accesses register devices forever (tests/fuzz/guest.S); the other
 * threads create and destroy devices, access them, bind and unbind
 * eventfds on the same context, with valid and invalid arguments. Every
 * ioctl goes through fz_ioctl(), which counts it per errno and checks
 * what the UAPI promises about errors and write-backs.
 */
#ifndef VMDEV_FUZZ_H
#define VMDEV_FUZZ_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/vmdev.h>

#include "minivm.h"
#include "rng.h"

#define FZ_MAX_PROCS	8
#define FZ_MAX_THREADS	8
#define FZ_MAX_ERRNO	160	/* histogram slots: errno values below it */
#define FZ_NR_EFDS	12	/* eventfd pool of one process */
#define FZ_MAX_DEVS	64	/* devices a process remembers */
#define FZ_DEV_REGS	32	/* registers of a device it remembers */
#define FZ_NR_MSGS	8	/* violation messages kept for the report */
#define FZ_MSG_LEN	240
#define FZ_CANARY	64	/* bytes checked after an argument */
#define FZ_HIST		16	/* operations of a thread kept for a hang */

/*
 * The address arenas: most device ranges are drawn from them, and the
 * guest's accesses too, so that guest accesses hit devices.
 */
#define FZ_PIO_ARENA		0x1000ULL
#define FZ_PIO_ARENA_LEN	0x200ULL
#define FZ_MMIO_ARENA		0xc0000000ULL
#define FZ_MMIO_ARENA_LEN	0x1000ULL

/* The commands, as rows of the errno table. */
enum fz_ioc {
	FZ_GET_API_VERSION,
	FZ_CREATE_DEVICE,
	FZ_DESTROY_DEVICE,
	FZ_RESET_DEVICE,
	FZ_ACCESS,
	FZ_ACCESS_BATCH,
	FZ_REG_READ,
	FZ_REG_WRITE,
	FZ_FIFO_IO,
	FZ_GET_STATS,
	FZ_RUN,
	FZ_IRQFD,
	FZ_IOEVENTFD,
	FZ_NOTIFYFD,
	FZ_KVM_ATTACH,
	FZ_GET_LEVEL,
	FZ_SAVE_DEVICE,
	FZ_RESTORE_DEVICE,
	FZ_SAVE_CONTEXT,
	FZ_RESTORE_CONTEXT,
	FZ_BATCH,
	FZ_UNKNOWN,		/* numbers and types no command has */
	FZ_NR_IOC
};

struct fz_ioc_stats {
	uint64_t calls;
	uint64_t ok;
	uint64_t max_ns;		/* the longest call */
	uint64_t err[FZ_MAX_ERRNO];	/* the last slot: anything above */
};

/* What the guest runners did. */
struct fz_guest_stats {
	uint64_t runs;		/* VMDEV_RUN calls of the runners */
	uint64_t kernel_exits;	/* exits VMDEV_RUN completed in the kernel */
	uint64_t user_exits;	/* PIO/MMIO exits completed by the runner */
	uint64_t replayed;	/* ... of which VMDEV_ACCESS completed */
	uint64_t replay_slow;	/* ... left to the VMM */
	uint64_t replay_misfit;	/* ... refused (EINVAL: across a range end) */
	uint64_t other_exits;	/* other exit reasons (guest reloaded) */
	uint64_t reasons[64];	/* those, by KVM_EXIT_* (63: any above) */
	uint64_t guest_iters;	/* accesses the guests made (their counter) */
	uint64_t reloads;
	uint64_t slow_runs;	/* runner calls over a second, and ... */
	uint64_t slow_run_ns;	/* ... the longest: its time ... */
	uint64_t slow_run_exits; /* ... and its exits completed in the kernel */
	int slow_run_ret;
};

/* Calls that are not vmdev ioctls but shape what the module sees. */
struct fz_side_stats {
	uint64_t efd_signals;	/* write(2) to pool eventfds */
	uint64_t efd_recycles;	/* a pool eventfd closed and replaced */
	uint64_t kvm_ioeventfds; /* KVM_IOEVENTFD calls (ok ones) */
	uint64_t kvm_irqfds;	/* KVM_IRQFD calls (ok ones) */
	uint64_t ctx_recycles;	/* a context replaced under the threads */
	uint64_t run_remaps;	/* the kvm_run alias replaced */
	uint64_t scribbles;	/* exit data overwritten during a run */
	uint64_t forks;		/* short-lived children on inherited fds */
	uint64_t done;		/* VMDEV_ACCESS results: completed ... */
	uint64_t slow;		/* ... and left to the VMM */
};

/* A thread's progress: the operation it is in, and those before it. */
struct fz_beat {
	uint64_t beat_ns;	/* when it began the one it is in */
	pid_t tid;
	const char *what;	/* its name (a static string) */
	const char *hist[FZ_HIST];	/* the last ones, for a hang's report */
	uint64_t hist_ns[FZ_HIST];
	unsigned int nr_hist;
};

/* Shared by every process of the run (MAP_SHARED, set before fork). */
struct fz_shared {
	struct fz_ioc_stats ioc[FZ_NR_IOC];
	struct fz_guest_stats guest;
	struct fz_side_stats side;
	uint64_t violations;
	char msgs[FZ_NR_MSGS][FZ_MSG_LEN];
	int msg_ready[FZ_NR_MSGS];	/* msgs[i] is complete */
	/* Liveness: each thread's progress. */
	struct fz_beat beat[FZ_MAX_PROCS][FZ_MAX_THREADS];
	volatile int stop;
	uint64_t hard_stop_ns;	/* workers stop by themselves after it */
};

struct fz_config {
	uint64_t seed;
	unsigned int secs;
	unsigned int procs;
	unsigned int threads;	/* per process, the runner included */
	bool noop;		/* measure only: no fuzzing (slab noise) */
	bool verbose;		/* the runners print their first exits */
	long slab_tol_kb;	/* allowed SUnreclaim growth */
	long memcg_tol_kb;	/* allowed slab left in the workers' cgroup */
};

/* What a process remembers of a device it created. */
struct fz_dev {
	uint32_t id;
	int ctx;		/* the context fd it was created on */
	unsigned int gen;	/* that context's generation */
	uint16_t nr_regs;
	uint16_t nr_irqs;
	uint8_t type[FZ_DEV_REGS];
	uint8_t width[FZ_DEV_REGS];
	uint16_t flags[FZ_DEV_REGS];
	uint32_t nr_ranges;
	struct vmdev_range ranges[VMDEV_MAX_DEV_RANGES];
};

/* A binding a process made (ops_bind.c), to unbind it later. */
struct fz_bind {
	enum fz_ioc ioc;	/* FZ_IRQFD, FZ_IOEVENTFD, FZ_NOTIFYFD */
	int ctx;
	uint32_t id;
	uint32_t idx;		/* line or register */
	int fd;
};

#define FZ_MAX_BINDS	32

/* One worker process. */
struct fz_proc {
	unsigned int index;
	int ctx;		/* own context; dup2() replaces it in place */
	int shared_ctx;		/* the parent's, shared by every process */
	_Atomic unsigned int ctx_gen;
	bool have_vm;
	struct minivm vm;
	void *_Atomic run_alias; /* a second mapping of vm's kvm_run */
	void *run_ro;		/* the vCPU mapped read-only */
	void *run_priv;		/* ... privately */
	void *run_pio;		/* ... from page 1 (its PIO data page) */
	void *run_big;		/* ... three times as long as it is */
	int foreign_vcpu;	/* the parent's vCPU (not ours: EPERM) */
	void *foreign_run;
	int null_fd;
	_Atomic int efds[FZ_NR_EFDS];
	pthread_mutex_t lock;	/* devs, binds */
	pthread_rwlock_t vcpu_lock;	/* written by the runner's reloads */
	struct fz_dev devs[FZ_MAX_DEVS];
	unsigned int nr_devs;
	struct fz_bind binds[FZ_MAX_BINDS];	/* a ring, under lock */
	unsigned int nr_binds;
};

/* A create request and the arrays it points to. */
struct fz_map {
	struct vmdev_create_device req;
	struct vmdev_reg regs[VMDEV_MAX_REGS + 4];
	struct vmdev_link links[VMDEV_MAX_LINKS + 4];
	struct vmdev_irq irqs[VMDEV_MAX_IRQS + 4];
	struct vmdev_range ranges[VMDEV_MAX_DEV_RANGES + 4];
};

/* Memory of one thread for arguments placed in odd ways. */
struct fz_mem {
	uint8_t *buf;		/* FZ_BUF_SIZE bytes, canary checked */
	uint8_t *edge;		/* a page followed by an inaccessible one */
	uint8_t *aedge;		/* 16 pages so followed, for arrays */
	uint8_t *ro;		/* a page made read-only around a call */
	uint8_t *none;		/* an inaccessible page */
	size_t page;
};

#define FZ_BUF_SIZE	(64 * 1024)

struct fz_thread {
	struct fz_proc *proc;
	unsigned int index;	/* 0: the runner */
	struct fz_rng rng;
	struct fz_mem mem;
	bool child;		/* in a forked child: no locks, no table */
	struct fz_dev snap;	/* the device a child works on */
	struct kvm_run *kick_target;
	struct fz_map map;	/* the create request being built */
	struct vmdev_access batch[VMDEV_MAX_BATCH + 8];
	uint8_t fifo[8 * (VMDEV_MAX_FIFO + 8)];
};

extern struct fz_shared *fz_sh;
extern const struct fz_config *fz_cfg;

/* Where an argument is placed (args.c). */
enum fz_where {
	FZ_AT_BUF,		/* fz_mem.buf, with a canary after it */
	FZ_AT_EDGE,		/* running into an inaccessible page */
	FZ_AT_RO,		/* read-only */
	FZ_AT_NONE,		/* inaccessible */
	FZ_AT_NULL,
	FZ_AT_KERNEL,		/* a kernel address */
	FZ_AT_NONCANON,		/* a non-canonical address */
};

/* ---- fz_ioctl() and its checks (call.c) ---------------------------- */

/*
 * The bytes of the argument the kernel may write: on success, and on
 * failure too when on_error is set (documented exceptions).
 */
struct fz_out {
	uint32_t off;
	uint32_t len;
	bool on_error;
};

struct fz_call {
	enum fz_ioc ioc;
	unsigned long cmd;
	void *arg;		/* where the argument is, as passed */
	size_t len;		/* bytes of it that are readable and ours */
	bool checked;		/* arg is in fz_mem.buf: check write-backs */
	const struct fz_out *outs;
	unsigned int nr_outs;
};

long fz_ioctl(struct fz_thread *t, int fd, struct fz_call *c);

/* How fz_ioctl_ext() made a call. */
struct fz_ext {
	uint32_t size;		/* the size field */
	bool dirty;		/* a non-zero byte past the known struct */
	enum fz_where where;
	bool readable;		/* the struct could be read back */
};

long fz_ioctl_ext(struct fz_thread *t, int fd, enum fz_ioc ioc,
		  unsigned long cmd, void *k, uint32_t known,
		  const struct fz_out *outs, unsigned int nr_outs,
		  unsigned int bad_pct, struct fz_ext *x);
bool fz_ext_clean(const struct fz_ext *x, uint32_t known);
const char *fz_ioc_name(enum fz_ioc ioc);
void fz_violation(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
unsigned long fz_cmd_bits(struct fz_thread *t, unsigned long cmd);

/* ---- argument placement (args.c) ----------------------------------- */

enum fz_where fz_pick_where(struct fz_thread *t, unsigned int bad_pct);
void *fz_place(struct fz_thread *t, const void *src, size_t len,
	       enum fz_where where, size_t *readable);
uint64_t fz_array_ptr(struct fz_thread *t, const void *src, size_t len,
		      uint8_t *store);
uint32_t fz_pick_size(struct fz_thread *t, uint32_t known);
bool fz_fill_tail(struct fz_thread *t, uint8_t *p, uint32_t known,
		  uint32_t size);
int fz_mem_init(struct fz_mem *m);
void fz_mem_free(struct fz_mem *m);

/* ---- register maps (map.c) ----------------------------------------- */

void fz_map_gen(struct fz_thread *t, struct fz_map *m);
void fz_map_mutate(struct fz_thread *t, struct fz_map *m);
void fz_range_gen(struct fz_thread *t, struct vmdev_range *r, bool valid);

#define FZ_EXPECT_OK		(1U << 0)	/* or EEXIST, ENOSPC */
#define FZ_EXPECT_EINVAL	(1U << 1)
#define FZ_EXPECT_E2BIG		(1U << 2)
#define FZ_EXPECT_OTHER		(1U << 3)	/* the core said something else */
unsigned int fz_create_expect(const struct fz_map *m);

/* ---- process state (proc.c) ---------------------------------------- */

int fz_proc_ctx(struct fz_thread *t, unsigned int *gen);
bool fz_pick_dev(struct fz_thread *t, struct fz_dev *d);
uint32_t fz_pick_id(struct fz_thread *t, struct fz_dev *d, int *ctx);
uint32_t fz_pick_reg(struct fz_thread *t, const struct fz_dev *d,
		     uint32_t types);
void fz_dev_add(struct fz_thread *t, int ctx, unsigned int gen,
		const struct fz_map *m, uint32_t id);
void fz_dev_forget(struct fz_thread *t, int ctx, uint32_t id);
int fz_pick_efd(struct fz_thread *t, int *dup_fd);
void fz_recycle_ctx(struct fz_thread *t);
int fz_proc_main(struct fz_proc *p);
bool fz_stopping(void);
void fz_beat(struct fz_thread *t, const char *what);

/* ---- the operations (ops_*.c) -------------------------------------- */

void fz_op_random(struct fz_thread *t);
void fz_op_create(struct fz_thread *t);
void fz_op_destroy(struct fz_thread *t);
void fz_op_reset(struct fz_thread *t);
void fz_op_access(struct fz_thread *t);
void fz_op_batch(struct fz_thread *t);
void fz_op_reg(struct fz_thread *t);
void fz_op_fifo(struct fz_thread *t);
void fz_op_stats(struct fz_thread *t);
void fz_op_unknown(struct fz_thread *t);
void fz_op_version(struct fz_thread *t);
void fz_op_irqfd(struct fz_thread *t);
void fz_op_ioeventfd(struct fz_thread *t);
void fz_op_notifyfd(struct fz_thread *t);
void fz_op_kvm_attach(struct fz_thread *t);
void fz_op_level(struct fz_thread *t);
void fz_op_snapshot(struct fz_thread *t);
void fz_op_dev_batch(struct fz_thread *t);
void fz_op_run(struct fz_thread *t);
void fz_op_efd_signal(struct fz_thread *t);
void fz_op_efd_drain(struct fz_thread *t);
void fz_op_efd_recycle(struct fz_thread *t);
void fz_op_kvm_ioeventfd(struct fz_thread *t);
void fz_op_kvm_irqfd(struct fz_thread *t);
void fz_op_remap_run(struct fz_thread *t);
void fz_op_scribble(struct fz_thread *t);
void fz_op_fork(struct fz_thread *t);

void fz_access_gen(struct fz_thread *t, struct vmdev_access *a);

/* ---- the guest runner (runner.c) ----------------------------------- */

int fz_runner_setup(struct fz_proc *p);
void fz_runner(struct fz_thread *t);
int fz_ticks_install(void);
int fz_tick_start(struct fz_thread *t, unsigned int period_us, void **timer);
void fz_tick_stop(void *timer);
void fz_guard(struct fz_thread *t, struct kvm_run *run);

/* ---- kernel health (health.c) -------------------------------------- */

int fz_write_file(const char *path, const char *s);

struct fz_health {
	unsigned long taint;
	long objects[16];
	char object_names[16][32];
	int nr_objects;		/* -1: no debugfs file */
	long sunreclaim_kb;
	int kthreads;		/* kernel threads alive */
	int kmsg;		/* /dev/kmsg, read from the start of the run */
};

void fz_health_begin(struct fz_health *h);
void fz_kmsg_tail(struct fz_health *h, unsigned int max);
int fz_read_objects(struct fz_health *h);
/* Each prints its TAP line(s) and returns whether it passed. */
int fz_check_taint(const struct fz_health *h, unsigned int n);
int fz_check_kmsg(struct fz_health *h, unsigned int n);
int fz_check_objects(const struct fz_health *h, unsigned int n);
int fz_check_slab(const struct fz_health *h, unsigned int n);

/* ---- the workers' memory cgroup (cgroup.c) ------------------------- */

struct fz_cg {
	char dir[64];		/* "" when there is none */
	const char *why;	/* ... and why */
};

int fz_cg_create(struct fz_cg *cg);
int fz_cg_enter(const struct fz_cg *cg);
long long fz_cg_stat(const struct fz_cg *cg, const char *key);
long long fz_cg_read(const struct fz_cg *cg, const char *file);
void fz_cg_drain(const struct fz_cg *cg);
void fz_cg_remove(struct fz_cg *cg);
int fz_check_memcg(struct fz_cg *cg, unsigned int n);

/* ---- the parent while the workers run (supervise.c) ---------------- */

bool fz_supervise(struct fz_proc *tmpl, const struct fz_cg *cg);
void fz_print_violations(void);
void fz_print_objects(void);
void fz_sysrq(char c);
extern long long fz_cg_slab_max;	/* slab of the workers' cgroup */

/* ---- the report (report.c) ----------------------------------------- */

void fz_report(double secs);
uint64_t fz_now_ns(void);

#endif /* VMDEV_FUZZ_H */
