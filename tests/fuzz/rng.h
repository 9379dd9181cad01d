/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fuzzer's random numbers: xoshiro256** per thread, seeded through
 * splitmix64 from the run's seed and the thread's place (process index,
 * thread index), so that a seed replays every thread's sequence of
 * choices. The interleaving of threads, signals and the guest is the
 * scheduler's, and is not replayed.
 */
#ifndef VMDEV_FUZZ_RNG_H
#define VMDEV_FUZZ_RNG_H

#include <stdbool.h>
#include <stdint.h>

struct fz_rng {
	uint64_t s[4];
};

static inline uint64_t fz_splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline void fz_rng_seed(struct fz_rng *r, uint64_t seed,
			       uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xd1342543de82ef95ULL);
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = fz_splitmix(&x);
}

static inline uint64_t fz_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t fz_u64(struct fz_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = fz_rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = fz_rotl(s[3], 45);
	return result;
}

static inline uint32_t fz_u32(struct fz_rng *r)
{
	return (uint32_t)(fz_u64(r) >> 32);
}

/* Uniform in [0, n); n > 0. The bias of a 64-bit product is nil here. */
static inline uint32_t fz_below(struct fz_rng *r, uint32_t n)
{
	return (uint32_t)(((fz_u64(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [lo, hi]. */
static inline uint64_t fz_range(struct fz_rng *r, uint64_t lo, uint64_t hi)
{
	if (hi - lo >= UINT32_MAX)
		return lo + fz_u64(r) % (hi - lo + 1);
	return lo + fz_below(r, (uint32_t)(hi - lo + 1));
}

/* True pct times out of 100. */
static inline bool fz_chance(struct fz_rng *r, unsigned int pct)
{
	return fz_below(r, 100) < pct;
}

/* Index of a weighted choice among n weights (their sum > 0). */
static inline unsigned int fz_weighted(struct fz_rng *r,
				       const unsigned int *w, unsigned int n)
{
	unsigned int sum = 0, i, x;

	for (i = 0; i < n; i++)
		sum += w[i];
	x = fz_below(r, sum);
	for (i = 0; i < n - 1; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

/*
 * An "interesting" 64-bit value: boundaries first (0, 1, all ones,
 * powers of two and their neighbours, sign bits), else random.
 */
static inline uint64_t fz_wild64(struct fz_rng *r)
{
	uint64_t v = 1ULL << fz_below(r, 64);

	switch (fz_below(r, 8)) {
	case 0:
		return 0;
	case 1:
		return ~0ULL;
	case 2:
		return v;
	case 3:
		return v - 1;
	case 4:
		return v + 1;
	case 5:
		return 0x80000000ULL;
	case 6:
		return fz_u64(r) & 0xffff;
	default:
		return fz_u64(r);
	}
}

static inline uint32_t fz_wild32(struct fz_rng *r)
{
	switch (fz_below(r, 6)) {
	case 0:
		return 0;
	case 1:
		return UINT32_MAX;
	case 2:
		return 0x7fffffff;
	case 3:
		return 0x80000000;
	case 4:
		return fz_below(r, 16);
	default:
		return (uint32_t)fz_u64(r);
	}
}

#endif /* VMDEV_FUZZ_RNG_H */
