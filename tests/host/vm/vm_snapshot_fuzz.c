// SPDX-License-Identifier: GPL-2.0
/*
 * The user-mode restore paths against random and mutated blobs for a few
 * seconds (VMDEV_SNAP_FUZZ_SECS, default 3; VMDEV_SNAP_FUZZ_SEED to
 * replay a run): vmdev_vm_restore() of a whole vm (tests/kmod/snap_vm.h:
 * register devices, a userspace device's callbacks, the layout, the
 * resource manager's allocations) and vmdev_regdev_restore(). Built with
 * ASan and UBSan like every host test. Whatever a blob holds, nothing
 * crashes; a refused blob leaves the save (allocations included) byte
 * for byte as it was; an accepted one that has no section the library
 * skips is what the vm saves next: a fixed point.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>

#include "kselftest_harness.h"
#include "../../guest/no_kvm.h"
#include "../../kmod/snap_vm.h"
#include "snapshot.h"

struct fuzz {
	unsigned int seed;
	double secs;
	unsigned long runs, refused, accepted;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fuzz_init(struct fuzz *f)
{
	const char *secs = getenv("VMDEV_SNAP_FUZZ_SECS");
	const char *seed = getenv("VMDEV_SNAP_FUZZ_SEED");

	f->secs = secs ? atof(secs) : 3.0;
	f->seed = seed ? (unsigned int)strtoul(seed, NULL, 0) :
			 (unsigned int)time(NULL);
	srand(f->seed);
}

static const uint64_t edge[] = { 0, 1, 7, 8, 16, 24, 0xff, 0xffff,
				 0xffffffffULL, ~0ULL, 0x80000000ULL };

/*
 * A blob made from the valid one (n bytes, room for twice that) in
 * out; its length. Resealed or not, so both the checksum and what is
 * behind it are tried.
 */
static size_t mutate(const uint8_t *valid, size_t n, uint8_t *out)
{
	size_t len = n, i, k;
	int how = rand() % 6;

	memcpy(out, valid, n);
	switch (how) {
	case 0:		/* noise, sometimes behind a valid header */
		len = rand() % (2 * n);
		for (i = 0; i < len; i++)
			out[i] = rand();
		if (len >= VMDEV_SNAP_HDR_SIZE && rand() % 2)
			memcpy(out, valid, VMDEV_SNAP_HDR_SIZE);
		break;
	case 1:
	case 2:		/* a few bits */
		for (k = 1 + rand() % 4; k; k--)
			out[rand() % n] ^= 1 << (rand() % 8);
		break;
	case 3:		/* truncated or extended, the size field to match */
		len = rand() % (2 * n);
		for (i = n; i < len; i++)
			out[i] = rand() % 4 ? 0 : rand();
		if (len >= 12)
			vmdev_snap_put(out + 8, 4, len);
		break;
	case 4:		/* a field at an 8-byte boundary set to an edge */
		i = (rand() % (n / 8)) * 8 + (rand() % 2) * 4;
		vmdev_snap_put(out + i, rand() % 2 ? 4 : 8 - (i + 8 > n) * 4,
			       edge[rand() % (sizeof(edge) / sizeof(edge[0]))]);
		break;
	default:	/* one byte anywhere to anything */
		out[rand() % n] = rand();
		break;
	}
	if (how != 2 && rand() % 8)
		vmdev_snap_seal(out, len);
	return len;
}

/* Does the blob hold a section the library skips (unknown, OPTIONAL)? */
static bool skips(const void *blob, size_t len)
{
	size_t pos = VMDEV_SNAP_HDR_SIZE;
	struct vmdev_snap_sec sec;

	while (vmdev_snap_sec_next(blob, len, &pos, &sec) > 0)
		if (sec.tag < VMDEV_SNAP_TAG_DEVICE ||
		    sec.tag > VMDEV_SNAP_TAG_RESOURCES)
			return true;
	return false;
}

FIXTURE(fuzz) {
	int kvm;
	struct sv_vm a, b;
	struct fuzz f;
};

FIXTURE_SETUP(fuzz)
{
	self->kvm = -1;
	if (test_no_kvm())
		SKIP(return, TEST_NO_KVM_WHY);
	self->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (self->kvm < 0)
		SKIP(return, "/dev/kvm: %s", strerror(errno));
	ASSERT_EQ(0, sv_new(&self->a, self->kvm, VMDEV_VM_USER));
	ASSERT_EQ(0, sv_new(&self->b, self->kvm, VMDEV_VM_USER));
	ASSERT_EQ(0, sv_dirty(&self->a, 1));
	fuzz_init(&self->f);
	TH_LOG("seed %u (VMDEV_SNAP_FUZZ_SEED), %.1f s", self->f.seed,
	       self->f.secs);
}

FIXTURE_TEARDOWN(fuzz)
{
	sv_free(&self->a);
	sv_free(&self->b);
	if (self->kvm >= 0)
		close(self->kvm);
}

TEST_F(fuzz, vm_restore)
{
	static uint8_t valid[SV_BLOB_MAX], blob[2 * SV_BLOB_MAX];
	static uint8_t ref[SV_BLOB_MAX], now[SV_BLOB_MAX];
	struct fuzz *f = &self->f;
	double end = now_s() + f->secs;
	int n, r, m, nref;
	size_t len;

	if (_metadata->skip)
		return;
	n = sv_save(&self->a, valid, sizeof(valid));
	ASSERT_LT(0, n);
	nref = sv_save(&self->b, ref, sizeof(ref));
	ASSERT_LT(0, nref);
	while (now_s() < end) {
		len = mutate(valid, n, blob);
		r = sv_restore(&self->b, blob, len);
		m = sv_save(&self->b, now, sizeof(now));
		ASSERT_LT(0, m);
		f->runs++;
		if (r) {
			ASSERT_GT(0, r);
			f->refused++;
			ASSERT_EQ(nref, m);
			ASSERT_EQ(0, memcmp(ref, now, m));
			continue;
		}
		f->accepted++;
		if (!skips(blob, len)) {
			ASSERT_EQ((int)len, m);
			ASSERT_EQ(0, memcmp(blob, now, m));
		}
		memcpy(ref, now, m);
		nref = m;
	}
	TH_LOG("%lu blobs: %lu refused, %lu accepted", f->runs, f->refused,
	       f->accepted);
	/* Most mutations break something; some must pass, or none tried. */
	EXPECT_LT(f->runs / 2, f->refused);
	EXPECT_LT(0UL, f->accepted);
}

TEST_F(fuzz, regdev_restore)
{
	static uint8_t valid[4096], blob[8192], ref[4096], now[4096];
	struct fuzz *f = &self->f;
	double end = now_s() + f->secs / 2;
	int n, r, m, nref;
	size_t len;

	if (_metadata->skip)
		return;
	n = vmdev_regdev_save(self->a.rd1, valid, sizeof(valid), NULL);
	ASSERT_LT(0, n);
	nref = vmdev_regdev_save(self->b.rd1, ref, sizeof(ref), NULL);
	ASSERT_LT(0, nref);
	while (now_s() < end) {
		len = mutate(valid, n, blob);
		r = vmdev_regdev_restore(self->b.rd1, blob, len, NULL);
		m = vmdev_regdev_save(self->b.rd1, now, sizeof(now), NULL);
		ASSERT_LT(0, m);
		f->runs++;
		if (r) {
			f->refused++;
			ASSERT_EQ(nref, m);
			ASSERT_EQ(0, memcmp(ref, now, m));
			continue;
		}
		f->accepted++;
		memcpy(ref, now, m);
		nref = m;
	}
	TH_LOG("%lu blobs: %lu refused, %lu accepted", f->runs, f->refused,
	       f->accepted);
	EXPECT_LT(f->runs / 2, f->refused);
	EXPECT_LT(0UL, f->accepted);
}

TEST_HARNESS_MAIN
