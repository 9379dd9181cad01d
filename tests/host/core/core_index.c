// SPDX-License-Identifier: GPL-2.0
/*
 * The bus index of the shared core (libvmdev/core/index.h), which both
 * vmdev.ko and libvmdev search: its floor must be the floor of a plain
 * scan for every address that matters (each base, one before, one
 * after, the ends of the space), whatever the spread of the bases:
 * none, one, side by side, at a stride, bunched in a few buckets, or
 * spanning the whole 64-bit space.
 */
#include <stdint.h>
#include <stdlib.h>
#include "kselftest_harness.h"
#include "index.h"

#define MAX_KEYS	4096

/* The reference: the last key <= addr by a plain scan, or -1. */
static long scan_floor(const uint64_t *keys, uint32_t n, uint64_t addr)
{
	long i = -1;
	uint32_t k;

	for (k = 0; k < n && keys[k] <= addr; k++)
		i = k;
	return i;
}

/* Index keys and compare with the scan around every key. */
static int check(struct __test_metadata *_metadata, const uint64_t *keys,
		 uint32_t n)
{
	static uint32_t mem[MAX_KEYS + 4];
	struct vmdev_index x;
	uint64_t probes[3];
	uint32_t k, p;

	ASSERT_LE(vmdev_index_mem(n), sizeof(mem));
	vmdev_index_build(&x, mem, keys, sizeof(keys[0]), n);
	EXPECT_GE(x.nb, n ? 1U : 0U);
	EXPECT_LE(x.nb, n);
	EXPECT_EQ(scan_floor(keys, n, 0), vmdev_index_floor(&x, 0));
	EXPECT_EQ(scan_floor(keys, n, UINT64_MAX),
		  vmdev_index_floor(&x, UINT64_MAX));
	for (k = 0; k < n; k++) {
		probes[0] = keys[k];
		probes[1] = keys[k] - 1;
		probes[2] = keys[k] + 1;
		for (p = 0; p < 3; p++) {
			uint64_t a = probes[p];

			EXPECT_EQ(scan_floor(keys, n, a),
				  vmdev_index_floor(&x, a))
				TH_LOG("n %u key %u probe %#llx", n, k,
				       (unsigned long long)a);
		}
	}
	return 0;
}

static uint64_t keys[MAX_KEYS];

TEST(empty_and_one)
{
	check(_metadata, keys, 0);
	keys[0] = 0;
	check(_metadata, keys, 1);
	keys[0] = 0x3f8;
	check(_metadata, keys, 1);
	keys[0] = UINT64_MAX;
	check(_metadata, keys, 1);
}

TEST(side_by_side_and_strided)
{
	uint32_t i, n;

	for (n = 2; n <= MAX_KEYS; n *= 4) {
		for (i = 0; i < n; i++)
			keys[i] = 0xd0000000ULL + i * 16;
		check(_metadata, keys, n);
		for (i = 0; i < n; i++)
			keys[i] = 0x100000000ULL + i * 0x2000;
		check(_metadata, keys, n);
	}
}

/* Most bases in one bucket: the search inside it carries the load. */
TEST(bunched)
{
	uint32_t i;

	for (i = 0; i < MAX_KEYS - 2; i++)
		keys[i] = 0x1000 + i;
	keys[MAX_KEYS - 2] = 0xfee00000ULL;
	keys[MAX_KEYS - 1] = 0xfffffffffffff000ULL;
	check(_metadata, keys, MAX_KEYS);
	keys[0] = 0;
	keys[MAX_KEYS - 1] = UINT64_MAX;
	check(_metadata, keys, MAX_KEYS);
}

TEST(random_spread)
{
	uint32_t i, round, n;

	srandom(7);
	for (round = 0; round < 20; round++) {
		n = 1 + (uint32_t)random() % MAX_KEYS;
		keys[0] = (uint64_t)random() << (round % 32);
		for (i = 1; i < n; i++)
			keys[i] = keys[i - 1] + 1 +
				  ((uint64_t)random() >> (random() % 31));
		check(_metadata, keys, n);
	}
}

TEST_HARNESS_MAIN
