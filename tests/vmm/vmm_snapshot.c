// SPDX-License-Identifier: GPL-2.0
/*
 * Live snapshot and restore of a running Linux guest across modes
 * (tools/vmdev-vmm/snapshot.c, Documentation/linux-guest.rst, "Snapshot
 * and restore"). The L2 guest runs /init's snap workload: 30 numbered
 * console lines 0.1 s apart, with 64 rounds of O_DIRECT disk writes and
 * read-backs in the background, and mark 6 after lines 10 and 20. Three
 * VMM processes carry it:
 *
 *   1. kernel mode boots it with --snapshot A: at line 10 it pauses,
 *      saves to A and exits 0;
 *   2. a new VMM in user mode restores A with --snapshot B: lines 11 to
 *      20, then B;
 *   3. a new VMM in kernel mode restores B: lines 21 to 30, the disk's
 *      count of rounds verified, a reset, exit 0.
 *
 * The three consoles, end to end, must hold every line once, in order
 * (no byte lost or repeated: a broken line fails too), the disk rounds
 * all verified (the I/O in flight at each pause completed), and the
 * image the rounds' blocks. And a save that fails loses nothing: before
 * step 2, A restored in user mode with --snapshot into a directory that
 * is not there goes on from the failed save at line 20 to its end.
 *
 * A step that stalls on the test bed (no sign of life for STALL_SECS:
 * Documentation/guests.rst, "Interrupts delivered twice") is tried again
 * from the same starting point.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vmm_run.h"

#define L2_INITRD	"/boot/l2-initramfs.cpio"
#define QUIET		"quiet loglevel=1 printk.time=0 vmdev.work=snap"
#define RUN_SECS	"100"
#define STALL_SIGN	"vmdev-vmm: "
#define STALL_SECS	60
#define TRIES		3
#define TEST_SECS	600
#define DISK_BYTES	(4 << 20)
#define TICKS		30
#define ROUNDS		64
#define ROUND_BLOCK	16
#define BLOCK		4096

FIXTURE(snapshot) {
	char dir[32];
	char disk[64], snap_a[64], snap_b[64];
	struct vmm_run *run[3];
	char *console;
};

FIXTURE_SETUP(snapshot)
{
	int i;

	if (access(VMM, X_OK) || access(L2_KERNEL, R_OK) ||
	    access(L2_INITRD, R_OK))
		SKIP(return, "no %s, %s or %s in this initramfs", VMM,
		     L2_KERNEL, L2_INITRD);
	for (i = 0; i < 3; i++) {
		self->run[i] = calloc(1, sizeof(struct vmm_run));
		ASSERT_NE(NULL, self->run[i]);
	}
	self->console = calloc(3, OUT_MAX);
	ASSERT_NE(NULL, self->console);
	strcpy(self->dir, "/tmp/vmm-snap-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->disk, sizeof(self->disk), "%s/disk.img", self->dir);
	snprintf(self->snap_a, sizeof(self->snap_a), "%s/a.snap", self->dir);
	snprintf(self->snap_b, sizeof(self->snap_b), "%s/b.snap", self->dir);
}

FIXTURE_TEARDOWN(snapshot)
{
	int i;

	for (i = 0; i < 3; i++)
		free(self->run[i]);
	free(self->console);
	if (self->dir[0]) {
		unlink(self->disk);
		unlink(self->snap_a);
		unlink(self->snap_b);
		rmdir(self->dir);
	}
}

static int make_disk(const char *path)
{
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, DISK_BYTES))
		ret = -errno;
	close(fd);
	return ret;
}

/*
 * A run that ended by the watch or by the VMM's own timeout: a stall. A
 * guest kernel that panicked counts as one too: the test bed's second
 * delivery of an interrupt (Documentation/guests.rst, "Interrupts
 * delivered twice") lands wherever the L2 kernel is, IF clear or not.
 * On 6.12-rt an L2 kernel once died in a way that fits it, in a
 * user-mode run (no vmdev.ko on its path): a fault at the guard page of
 * a stack in its CPU entry area, "Fatal exception in interrupt". The
 * console stays in the log.
 */
static bool stalled(const struct vmm_run *r)
{
	return r->killed || r->status == 3 ||
	       strstr(r->out, "Kernel panic - not syncing");
}

static void log_run(struct __test_metadata *_metadata, int step,
		    const struct vmm_run *r)
{
	TH_LOG("step %d: exit %d after %.1f s; the VMM said:\n%s", step,
	       r->status, r->secs, r->err);
	if (r->status || stalled(r))
		TH_LOG("step %d: console:\n%s", step, r->out);
}

/* Step 1: boot in kernel mode with --snapshot to (the first snapshot). */
static bool boot_to_snapshot(struct __test_metadata *_metadata,
			     FIXTURE_DATA(snapshot) *self, const char *to)
{
	const char *args[] = {
		VMM, "-k", L2_KERNEL, "-i", L2_INITRD, "-m", "128M",
		"--mode", "kernel", "--timeout", RUN_SECS, "--disk",
		self->disk, "--rng", "--append", QUIET, "--snapshot", to,
		NULL,
	};

	if (make_disk(self->disk))
		return false;
	unlink(to);
	if (vmm_run_watch(self->run[0], args, NULL, true,
			  "vmdev-vmm: mark 1 at ", STALL_SECS))
		return false;
	log_run(_metadata, 1, self->run[0]);
	/*
	 * A boot that ended before /init is the boot test's to judge
	 * (vmm_boot.c); here, as on the test bed's 6.12-rt once (an L2
	 * reset at 6 s, nothing on its console), it is tried again.
	 */
	if (stalled(self->run[0]))
		return false;
	if (!strstr(self->run[0]->err, "vmdev-vmm: mark 1 at ")) {
		TH_LOG("step 1: the guest ended before /init");
		return false;
	}
	return true;
}

/* Steps 2 and 3: restore from in, in mode, saving to out (NULL: none). */
static bool restore(struct __test_metadata *_metadata, struct vmm_run *r,
		    int step, const char *in, const char *mode,
		    const char *out)
{
	const char *args[] = {
		VMM, "--restore", in, "--mode", mode, "--timeout", RUN_SECS,
		out ? "--snapshot" : NULL, out, NULL,
	};

	if (out)
		unlink(out);
	if (vmm_run_watch(r, args, NULL, true, STALL_SIGN, STALL_SECS))
		return false;
	log_run(_metadata, step, r);
	return !stalled(r);
}

static void expect_saved(struct __test_metadata *_metadata,
			 const struct vmm_run *r, const char *path)
{
	char line[128];
	struct stat st;

	snprintf(line, sizeof(line), "vmdev-vmm: snapshot saved to %s: ",
		 path);
	EXPECT_EQ(0, r->status);
	EXPECT_NE(NULL, strstr(r->err, "guest stopped (snapshot)"));
	EXPECT_NE(NULL, strstr(r->err, line));
	ASSERT_EQ(0, stat(path, &st));
	/* 128 MiB of RAM and the rest: the size of the file. */
	EXPECT_LT(128LL << 20, (long long)st.st_size);
}

/*
 * Ticks first to last - 1 on this console, none before first - 1 or
 * after last: the guest's last line before a pause may still be in its
 * UART driver's buffer, and come out after the restore.
 */
static void expect_ticks(struct __test_metadata *_metadata,
			 const struct vmm_run *r, int first, int last)
{
	char line[64];
	int i;

	for (i = 1; i <= TICKS; i++) {
		snprintf(line, sizeof(line), "vmdev-l2: snap tick %d\r\n", i);
		if (i >= first && i < last) {
			EXPECT_NE(NULL, strstr(r->out, line)) {
				TH_LOG("no tick %d:\n%s", i, r->out);
			}
		} else if (i < first - 1 || i > last) {
			EXPECT_EQ(NULL, strstr(r->out, line)) {
				TH_LOG("tick %d here:\n%s", i, r->out);
			}
		}
	}
}

/*
 * The three consoles end to end: the ticks once each, in order; every
 * line of the whole text unique (all of /init's lines are), so nothing
 * was said twice across a restore.
 */
static void check_console(struct __test_metadata *_metadata, const char *all)
{
	const char *at = all, *p, *q;
	char line[64];
	int i;

	for (i = 1; i <= TICKS; i++) {
		snprintf(line, sizeof(line), "vmdev-l2: snap tick %d\r\n", i);
		p = strstr(at, line);
		ASSERT_NE(NULL, p) {
			TH_LOG("tick %d missing or out of order:\n%s", i, all);
		}
		EXPECT_EQ(NULL, strstr(p + 1, line));
		at = p;
	}
	for (p = all; *p; p = q + 1) {
		q = strchr(p, '\n');
		if (!q)
			break;
		if (q - p < 4)
			continue;
		snprintf(line, sizeof(line), "%.*s", (int)(q - p + 1), p);
		EXPECT_EQ(NULL, strstr(q + 1, line)) {
			TH_LOG("\"%.*s\" twice", (int)(q - p - 1), p);
		}
	}
}

/* The rounds' blocks: each its own text, NUL-padded to 4 KiB. */
static void check_disk(struct __test_metadata *_metadata, const char *path)
{
	char buf[BLOCK], text[32];
	int fd = open(path, O_RDONLY), n, bad = 0;

	ASSERT_LE(0, fd);
	for (n = 0; n < ROUNDS; n++) {
		snprintf(text, sizeof(text), "vmdev-snap-round-%04d", n);
		if (pread(fd, buf, BLOCK, (off_t)(ROUND_BLOCK + n) * BLOCK) !=
		    BLOCK || memcmp(buf, text, strlen(text)))
			bad++;
	}
	close(fd);
	EXPECT_EQ(0, bad);
}

/* Copy the file at from to to: 0 or -errno. */
static int copy_file(const char *from, const char *to)
{
	static char buf[1 << 16];
	int in = open(from, O_RDONLY), out = -1, ret = 0;
	ssize_t n;

	if (in >= 0)
		out = open(to, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	if (in < 0 || out < 0)
		ret = -errno;
	while (!ret && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			ret = -EIO;
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return ret;
}

/*
 * A save that fails loses nothing: from snapshot A, in user mode, with
 * --snapshot into a directory that is not there, the save at line 20
 * fails, the VMM says so and the guest goes on to its end, its console
 * and disk whole. The image is put back as it was at A afterwards, for
 * the chain's next step.
 */
static bool failed_save(struct __test_metadata *_metadata,
			FIXTURE_DATA(snapshot) *self, const char *bad)
{
	char bak[80];
	bool ok;

	snprintf(bak, sizeof(bak), "%s.bak", self->disk);
	if (copy_file(self->disk, bak))
		return false;
	ok = restore(_metadata, self->run[1], 2, self->snap_a, "user", bad);
	if (copy_file(bak, self->disk))
		ok = false;
	unlink(bak);
	return ok;
}

/*
 * Up to TRIES runs of a step until one does not stall. The last words
 * are make check-linux's sign to boot the test VM again (tests/vm/vm.mk).
 */
#define STEP(n, call)							\
	do {								\
		int t_;							\
		bool ok_ = false;					\
		for (t_ = 1; t_ <= TRIES && !ok_; t_++) {		\
			ok_ = (call);					\
			if (!ok_)					\
				TH_LOG("step %d stalled, try %d of %d",	\
				       n, t_, TRIES);			\
		}							\
		ASSERT_TRUE(ok_) {					\
			TH_LOG("step %d: every one of %d tries "	\
			       "stalled", n, TRIES);			\
		}							\
	} while (0)

TEST_F_TIMEOUT(snapshot, kernel_user_kernel, TEST_SECS)
{
	char rounds[64], bad[80];
	struct vmm_run *r;
	int i;

	if (access("/dev/vmdev", R_OK | W_OK))
		SKIP(return, "/dev/vmdev: %s (vmdev.ko not loaded)",
		     strerror(errno));
	snprintf(rounds, sizeof(rounds),
		 "vmdev-l2: snap disk: %d of %d rounds verified\r\n", ROUNDS,
		 ROUNDS);
	STEP(1, boot_to_snapshot(_metadata, self, self->snap_a));
	expect_saved(_metadata, self->run[0], self->snap_a);
	EXPECT_NE(NULL, strstr(self->run[0]->err, "kernel mode"));
	expect_ticks(_metadata, self->run[0], 1, 10);

	snprintf(bad, sizeof(bad), "%s/none/x.snap", self->dir);
	STEP(2, failed_save(_metadata, self, bad));
	r = self->run[1];
	EXPECT_EQ(0, r->status);
	EXPECT_NE(NULL, strstr(r->err, "guest stopped (reset)"));
	EXPECT_EQ(1, vmm_count(r->err, "snapshot failed: the guest goes on"));
	EXPECT_EQ(1, vmm_count(r->err, "No such file or directory"));
	expect_ticks(_metadata, r, 11, TICKS + 1);
	EXPECT_NE(NULL, strstr(r->out, rounds)) {
		TH_LOG("console:\n%s", r->out);
	}
	EXPECT_NE(0, access(bad, F_OK));

	STEP(2, restore(_metadata, self->run[1], 2, self->snap_a, "user",
		     self->snap_b));
	expect_saved(_metadata, self->run[1], self->snap_b);
	EXPECT_NE(NULL, strstr(self->run[1]->err, "user mode"));
	expect_ticks(_metadata, self->run[1], 11, 20);

	STEP(3, restore(_metadata, self->run[2], 3, self->snap_b, "kernel",
		     NULL));
	EXPECT_EQ(0, self->run[2]->status);
	EXPECT_NE(NULL, strstr(self->run[2]->err, "kernel mode"));
	EXPECT_NE(NULL, strstr(self->run[2]->err, "guest stopped (reset)"));
	expect_ticks(_metadata, self->run[2], 21, 30);
	EXPECT_NE(NULL, strstr(self->run[2]->out, rounds)) {
		TH_LOG("console:\n%s", self->run[2]->out);
	}
	EXPECT_NE(NULL, strstr(self->run[2]->out, "vmdev-l2: resetting"));

	for (i = 0; i < 3; i++)
		strcat(self->console, self->run[i]->out);
	check_console(_metadata, self->console);
	check_disk(_metadata, self->disk);
}

TEST_HARNESS_MAIN
