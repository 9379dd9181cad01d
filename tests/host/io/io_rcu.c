// SPDX-License-Identifier: GPL-2.0
/*
 * RCU reader registration behind the VMM's back: a vCPU thread needs no
 * setup to dispatch and is unregistered when it exits; a thread the VMM
 * registered with urcu-memb itself is left alone (registering or
 * unregistering a thread twice aborts in liburcu); running out of
 * pthread keys fails cleanly and is not final.
 */
#define _LGPL_SOURCE
#include <urcu/urcu-memb.h>
#include <limits.h>
#include <pthread.h>
#include "kselftest_harness.h"
#include "io_common.h"

struct vcpu {
	struct vmdev_io_manager *mgr;
	bool vmm_registers;	/* the thread registers itself */
	int before, after;	/* registered, around the first access */
	int ret;
};

static int registered_at_exit = -1;
static pthread_key_t exit_probe;

/*
 * Thread exit: record whether the thread is still registered once the
 * library's hook has had its turn. Destructors run in an unspecified
 * order, so ask for one more round while it still is.
 */
static void probe_exit(void *arg)
{
	int *rounds = arg;

	registered_at_exit = URCU_TLS(urcu_memb_reader).registered;
	if (registered_at_exit && ++*rounds < 2)
		pthread_setspecific(exit_probe, rounds);
}

static void *vcpu_thread(void *arg)
{
	static int rounds;
	struct vcpu *v = arg;
	uint8_t b;

	if (v->vmm_registers)
		urcu_memb_register_thread();
	v->before = URCU_TLS(urcu_memb_reader).registered;
	v->ret = vmdev_io_read(v->mgr, VMDEV_PIO, 0x80, &b, 1);
	v->after = URCU_TLS(urcu_memb_reader).registered;
	if (v->vmm_registers)
		urcu_memb_unregister_thread();
	rounds = 0;
	pthread_setspecific(exit_probe, &rounds);
	return NULL;
}

static void run_vcpu(struct __test_metadata *_metadata, struct vcpu *v)
{
	struct vmdev_resources *res;
	struct vmdev_device *dev;
	struct rec rec = { 0 };
	pthread_t t;

	ASSERT_EQ(0, vmdev_io_manager_new(NULL, &v->mgr));
	ASSERT_EQ(0, pthread_key_create(&exit_probe, probe_exit));
	dev = rec_device(&rec, VMDEV_DEVICE_SERIALIZED);
	ASSERT_NE(NULL, dev);
	ASSERT_EQ(0, RES(&res, PIO(0x80, 1)));
	ASSERT_EQ(1, vmdev_io_register(v->mgr, dev, res));
	ASSERT_EQ(0, pthread_create(&t, NULL, vcpu_thread, v));
	ASSERT_EQ(0, pthread_join(t, NULL));
	/* A grace period with the thread gone. */
	EXPECT_EQ(1, vmdev_io_unregister(v->mgr, res));
	EXPECT_EQ(1, atomic_load(&rec.reads));
	vmdev_resources_free(res);
	vmdev_io_manager_free(v->mgr);
	vmdev_device_put(dev);
}

TEST(vcpu_needs_no_setup)
{
	struct vcpu v = { .ret = 1 };

	run_vcpu(_metadata, &v);
	EXPECT_EQ(0, v.ret);
	EXPECT_EQ(0, v.before);
	EXPECT_EQ(1, v.after);
	EXPECT_EQ(0, registered_at_exit);
}

TEST(vmm_registered_thread_left_alone)
{
	struct vcpu v = { .ret = 1, .vmm_registers = true };

	run_vcpu(_metadata, &v);
	EXPECT_EQ(0, v.ret);
	EXPECT_EQ(1, v.before);
	EXPECT_EQ(1, v.after);
	EXPECT_EQ(0, registered_at_exit);
}

/* With no pthread key left, managers cannot be made; then they can. */
TEST(out_of_keys)
{
	static pthread_key_t keys[PTHREAD_KEYS_MAX];
	struct vmdev_io_manager *mgr = NULL;
	int n = 0;

	while (n < PTHREAD_KEYS_MAX && !pthread_key_create(&keys[n], NULL))
		n++;
	ASSERT_LT(0, n);
	errno = 0;
	EXPECT_EQ(-EAGAIN, vmdev_io_manager_new(NULL, &mgr));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(NULL, mgr);
	pthread_key_delete(keys[--n]);
	ASSERT_EQ(0, vmdev_io_manager_new(NULL, &mgr));
	vmdev_io_manager_free(mgr);
	while (n)
		pthread_key_delete(keys[--n]);
}

TEST_HARNESS_MAIN
