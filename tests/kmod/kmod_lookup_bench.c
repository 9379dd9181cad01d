// SPDX-License-Identifier: GPL-2.0
/*
 * The module's lookup benchmark (kmod/lookup_bench.c, debugfs
 * vmdev/lookup_bench): one line per bus size, 1, 100, 1000 and 10,000
 * ranges, every lookup found its range, and the figures, printed for
 * Documentation/benchmarks.rst. Speed is not asserted: a loaded TCG
 * test VM says little about it; the ratio between sizes is the figure.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"
#include "kmod_util.h"

#define LOOKUP_BENCH	"/sys/kernel/debug/vmdev/lookup_bench"

TEST(lookup_bench)
{
	static const unsigned int sizes[] = { 1, 100, 1000, 10000 };
	unsigned long long rate, ns, frac, pct, wrong, ref;
	unsigned int i, n;
	char line[256];
	FILE *f;
	int fd;

	KMOD_OPEN_OR_SKIP(fd);
	close(fd);
	f = fopen(LOOKUP_BENCH, "re");
	ASSERT_NE(NULL, f) TH_LOG(LOOKUP_BENCH ": %s", strerror(errno));
	ASSERT_NE(NULL, fgets(line, sizeof(line), f));
	EXPECT_EQ(0, strncmp(line, "ranges ", 7));
	for (i = 0; i < KMOD_ARRAY_SIZE(sizes); i++) {
		ASSERT_NE(NULL, fgets(line, sizeof(line), f));
		ASSERT_EQ(7, sscanf(line, "%u %llu %llu.%llu %llu %llu %llu",
				    &n, &rate, &ns, &frac, &pct, &wrong, &ref))
			TH_LOG("line: %s", line);
		EXPECT_EQ(sizes[i], n);
		EXPECT_LT(0ULL, rate);
		EXPECT_EQ(0ULL, wrong) TH_LOG("%u ranges", n);
		EXPECT_LT(0ULL, ref);
		ksft_print_msg("lookup_bench: %u ranges: %llu lookups/s, %llu.%02llu ns, %llu%% of the 1-range rate; plain binary search %llu lookups/s\n",
			       n, rate, ns, frac, pct, ref);
	}
	/* The test runs in a child that leaves without flushing stdio. */
	fflush(stdout);
	EXPECT_EQ(NULL, fgets(line, sizeof(line), f));
	fclose(f);
}

TEST_HARNESS_MAIN
