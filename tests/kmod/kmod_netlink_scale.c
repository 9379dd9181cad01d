// SPDX-License-Identifier: GPL-2.0
/*
 * A dump of 10,000 devices (40 contexts of 250) through the "vmdev"
 * family, resumed over many skbs: complete and without a duplicate,
 * both at rest and while four threads keep creating and destroying
 * devices in the same contexts. The dumps taken during the hotplug are
 * flagged NLM_F_DUMP_INTR; the one at rest is not.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "kmod_nl.h"
#include "kmod_util.h"

#define NR_CTX		40U
#define PER_CTX		250U	/* of VMDEV_MAX_DEVICES (256): room for hotplug */
#define DUMPS		10
#define HOTPLUGGERS	4U	/* threads, each on its share of the contexts */

struct scale {
	int fd[NR_CTX];
	uint32_t ctx[NR_CTX];
	atomic_int stop;
	atomic_ulong hotplugs;
};

struct hotplugger {
	struct scale *sc;
	unsigned int first;	/* its contexts: first, first + HOTPLUGGERS... */
};

/* What one dump saw: stable devices by (context index, id), the rest. */
struct tally {
	const struct scale *sc;
	unsigned char seen[NR_CTX][PER_CTX + 1];
	unsigned int stable, dup, other;
};

static void tally_cb(const struct nlmsghdr *h, void *arg)
{
	const struct nlattr *tb[VMDEV_A_MAX + 1];
	struct tally *t = arg;
	uint32_t ctx, id;
	unsigned int i;

	nl_parse_msg(h, tb, VMDEV_A_MAX);
	if (!tb[VMDEV_A_CTX_ID] || !tb[VMDEV_A_DEV_ID])
		return;
	ctx = nla_u32_(tb[VMDEV_A_CTX_ID]);
	id = nla_u32_(tb[VMDEV_A_DEV_ID]);
	for (i = 0; i < NR_CTX && t->sc->ctx[i] != ctx; i++)
		;
	if (i == NR_CTX || id > PER_CTX) {
		t->other++;
		return;
	}
	if (t->seen[i][id]++)
		t->dup++;
	else
		t->stable++;
}

static int dump_all(struct nl *nl, struct tally *t, struct nl_result *r)
{
	struct nl_msg m;

	nl_req(nl, &m, VMDEV_CMD_GET_DEV, 1, 0, 0);
	return nl_call(nl, &m, tally_cb, t, r);
}

/* Create and destroy one device after another, context after context. */
static void *hotplug(void *arg)
{
	struct hotplugger *h = arg;
	struct scale *sc = h->sc;
	unsigned int i = h->first;
	uint32_t id;

	while (!atomic_load(&sc->stop)) {
		if (!kmod_create(sc->fd[i], &kmod_map, NULL, 0, &id) &&
		    !kmod_destroy(sc->fd[i], id))
			atomic_fetch_add(&sc->hotplugs, 1);
		i = (i + HOTPLUGGERS) % NR_CTX;
	}
	return NULL;
}

TEST(ten_thousand_devices_under_hotplug)
{
	static struct scale sc;
	static struct tally t;
	unsigned int intr = 0, n, i, j;
	struct nl_result r;
	struct nl_msg m;
	struct hotplugger hp[HOTPLUGGERS];
	pthread_t th[HOTPLUGGERS];
	struct nl nl;
	uint32_t id;

	if (nl_open(&nl) == -ENOENT)
		SKIP(return, "no vmdev family: vmdev.ko not loaded");
	for (i = 0; i < NR_CTX; i++) {
		sc.fd[i] = kmod_open();
		ASSERT_LE(0, sc.fd[i]);
		for (j = 0; j < PER_CTX; j++)
			ASSERT_EQ(0, kmod_create(sc.fd[i], &kmod_map, NULL, 0,
						 &id));
		ASSERT_EQ(PER_CTX, id);
		nl_req(&nl, &m, VMDEV_CMD_GET_CTX, 1, 0, 0);
		ASSERT_EQ(0, nl_call(&nl, &m, nl_newest_own_ctx, &sc.ctx[i],
				     &r));
		ASSERT_NE(0U, sc.ctx[i]);
	}

	/* At rest: everything once, nothing flagged. */
	memset(&t, 0, sizeof(t));
	t.sc = &sc;
	ASSERT_EQ(0, dump_all(&nl, &t, &r));
	EXPECT_EQ(NR_CTX * PER_CTX, t.stable);
	EXPECT_EQ(0U, t.dup);
	EXPECT_EQ(0U, r.intr);

	for (i = 0; i < HOTPLUGGERS; i++) {
		hp[i] = (struct hotplugger){ .sc = &sc, .first = i };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, hotplug, &hp[i]));
	}
	for (n = 0; n < DUMPS; n++) {
		memset(&t, 0, sizeof(t));
		t.sc = &sc;
		ASSERT_EQ(0, dump_all(&nl, &t, &r));
		EXPECT_EQ(NR_CTX * PER_CTX, t.stable) TH_LOG("dump %u", n);
		EXPECT_EQ(0U, t.dup) TH_LOG("dump %u", n);
		intr += r.intr ? 1 : 0;
	}
	atomic_store(&sc.stop, 1);
	for (i = 0; i < HOTPLUGGERS; i++)
		pthread_join(th[i], NULL);
	TH_LOG("%u of %u dumps flagged NLM_F_DUMP_INTR, %lu hotplugs",
	       intr, DUMPS, atomic_load(&sc.hotplugs));
	EXPECT_LT((unsigned long)DUMPS, atomic_load(&sc.hotplugs));
	EXPECT_LT(0U, intr);

	for (i = 0; i < NR_CTX; i++)
		close(sc.fd[i]);
	nl_close(&nl);
}

TEST_HARNESS_MAIN
