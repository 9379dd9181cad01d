// SPDX-License-Identifier: GPL-2.0
/*
 * vmdevctl (tools/vmdevctl, at /bin/vmdevctl in the test VM) against
 * state made through /dev/vmdev: list, show and stats as tables and as
 * JSON, monitor's events for a scripted sequence, usage errors (exit 2)
 * and missing objects (exit 1).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "kmod_util.h"

#define VMDEVCTL	"/bin/vmdevctl"
#define OUT_MAX		65536

/* Run vmdevctl with args (stderr too) into out; its exit status or -1. */
static int run(char *out, const char *fmt, ...)
{
	char cmd[512];
	size_t n = 0, k;
	va_list ap;
	FILE *f;
	int st;

	va_start(ap, fmt);
	k = (size_t)snprintf(cmd, sizeof(cmd), VMDEVCTL " ");
	vsnprintf(cmd + k, sizeof(cmd) - k - 8, fmt, ap);
	va_end(ap);
	strcat(cmd, " 2>&1");
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (n < OUT_MAX - 1 && (k = fread(out + n, 1, OUT_MAX - 1 - n, f)))
		n += k;
	out[n] = 0;
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The line of out whose first field is id, or NULL. */
static const char *row_of(const char *out, unsigned int id)
{
	const char *l = out;
	unsigned int v;

	for (; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		if (sscanf(l, "%u", &v) == 1 && v == id)
			return l;
	return NULL;
}

/* Every line of the table is as wide as its header (numbers at the end). */
static int aligned(const char *out)
{
	const char *l = out, *e;
	size_t w = strcspn(out, "\n");

	for (; *l; l = e + 1) {
		e = strchr(l, '\n');
		if (!e)
			return 0;
		if ((size_t)(e - l) != w)
			return 0;
	}
	return 1;
}

FIXTURE(ctl) {
	int fd;
	uint32_t ctx, uart, blk;
	char out[OUT_MAX];
};

static uint32_t newest_ctx(char *out)
{
	const char *l;
	unsigned int id, pid, best = 0;

	if (run(out, "list"))
		return 0;
	for (l = strchr(out, '\n'); l && l[1]; l = strchr(l + 1, '\n'))
		if (sscanf(l + 1, "%u %u", &id, &pid) == 2 &&
		    pid == (unsigned int)getpid() && id > best)
			best = id;
	return best;
}

FIXTURE_SETUP(ctl)
{
	struct vmdev_range r[2] = {
		kmod_range(PIO, 0x2f8, 8), kmod_range(MMIO, 0xd8000000, 16),
	};
	struct vmdev_create_device c;

	self->fd = -1;
	if (access(VMDEVCTL, X_OK))
		SKIP(return, VMDEVCTL " not in this image");
	KMOD_OPEN_OR_SKIP(self->fd);
	c = kmod_create_req(&kmod_map, r, 1);
	snprintf(c.name, sizeof(c.name), "uart0");
	ASSERT_EQ(0, kmod_ioctl(self->fd, VMDEV_CREATE_DEVICE, &c));
	self->uart = c.id;
	c = kmod_create_req(&kmod_map, r + 1, 1);
	snprintf(c.name, sizeof(c.name), "blk \"x\"");
	ASSERT_EQ(0, kmod_ioctl(self->fd, VMDEV_CREATE_DEVICE, &c));
	self->blk = c.id;
	self->ctx = newest_ctx(self->out);
	ASSERT_NE(0U, self->ctx) TH_LOG("%s", self->out);
}

FIXTURE_TEARDOWN(ctl)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(ctl, list_table_and_json)
{
	unsigned int id, pid, uid, devs, ranges;
	unsigned long long fast, slow, unclaimed;
	char level[16], vm[8], want[256];
	const char *l;
	uint64_t v;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(DONE, kmod_read(self->fd, PIO, 0x2f8, 4, &v));
	ASSERT_EQ(DONE, kmod_write(self->fd, MMIO, 0xd8000000, 4, 1));
	ASSERT_EQ(SLOW, kmod_write(self->fd, PIO, 0x80, 1, 1));
	ASSERT_EQ(0, run(self->out, "list"));
	TH_LOG("\n%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "CTX"));
	EXPECT_NE(NULL, strstr(self->out, "  UNCLAIMED\n"));
	EXPECT_TRUE(aligned(self->out));
	l = row_of(self->out, self->ctx);
	ASSERT_NE(NULL, l);
	ASSERT_EQ(10, sscanf(l, "%u %u %u %15s %7s %u %u %llu %llu %llu", &id,
			     &pid, &uid, level, vm, &devs, &ranges, &fast,
			     &slow, &unclaimed));
	EXPECT_EQ((unsigned int)getpid(), pid);
	EXPECT_EQ(0U, uid);
	EXPECT_STREQ("module", level);
	EXPECT_STREQ("-", vm);	/* no KVM VM bound */
	EXPECT_EQ(2U, devs);
	EXPECT_EQ(2U, ranges);
	EXPECT_EQ(2ULL, fast);
	EXPECT_EQ(0ULL, slow);
	EXPECT_EQ(1ULL, unclaimed);

	ASSERT_EQ(0, run(self->out, "-j list"));
	EXPECT_EQ('[', self->out[0]);
	snprintf(want, sizeof(want),
		 "{\"id\":%u,\"pid\":%u,\"uid\":0,\"level\":\"module\","
		 "\"vm_bound\":false,\"l3_windows\":0,\"devices\":2,"
		 "\"ranges\":2,\"generation\":2,\"unclaimed\":1,\"stats\":"
		 "{\"reads\":1,\"writes\":1,", self->ctx, getpid());
	EXPECT_NE(NULL, strstr(self->out, want)) TH_LOG("%s\nnot in\n%s",
							 want, self->out);
}

TEST_F(ctl, show_table_and_json)
{
	char want[256];
	const char *l;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, run(self->out, "show %u", self->ctx));
	TH_LOG("\n%s", self->out);
	l = strstr(self->out, "\n\n");
	ASSERT_NE(NULL, l);
	l = row_of(l + 2, self->uart);
	ASSERT_NE(NULL, l);
	snprintf(want, sizeof(want), "%u  uart0", self->uart);
	EXPECT_EQ(0, strncmp(l + strspn(l, " "), want, strlen(want)));
	EXPECT_NE(NULL, strstr(l, "pio:0x2f8+0x8\n"));
	EXPECT_NE(NULL, strstr(self->out, "mmio:0xd8000000+0x10\n"));

	ASSERT_EQ(0, run(self->out, "-j show %u %u", self->ctx, self->blk));
	snprintf(want, sizeof(want),
		 "{\"ctx\":%u,\"id\":%u,\"name\":\"blk \\\"x\\\"\",\"regs\":%u,"
		 "\"level\":\"module\",\"ranges\":[{\"space\":\"mmio\","
		 "\"base\":%llu,\"len\":16}],\"stats\":{\"reads\":0,",
		 self->ctx, self->blk, KMOD_NR_REGS, 0xd8000000ULL);
	EXPECT_NE(NULL, strstr(self->out, want)) TH_LOG("%s\nnot in\n%s",
							 want, self->out);
	ASSERT_EQ(0, run(self->out, "show %u %u", self->ctx, self->uart));
	EXPECT_NE(NULL, strstr(self->out, "name            uart0\n"))
		TH_LOG("\n%s", self->out);
}

TEST_F(ctl, stats_totals_and_rates)
{
	unsigned long long reads, writes, kvm_bus, slow;
	unsigned int ctx, dev;
	char want[128], name[32];
	const char *l;
	uint64_t v;
	int i;

	KMOD_SKIP_IF_NO_MODULE();
	for (i = 0; i < 5; i++)
		ASSERT_EQ(DONE, kmod_read(self->fd, PIO, 0x2f8, 4, &v));
	ASSERT_EQ(0, run(self->out, "stats %u", self->ctx));
	TH_LOG("\n%s", self->out);
	EXPECT_TRUE(aligned(self->out));
	l = row_of(self->out, self->ctx);
	ASSERT_NE(NULL, l);
	ASSERT_EQ(7, sscanf(l, "%u %u %31s %llu %llu %llu %llu", &ctx, &dev,
			    name, &reads, &writes, &kvm_bus, &slow));
	EXPECT_EQ(self->uart, dev);
	EXPECT_STREQ("uart0", name);
	EXPECT_EQ(5ULL, reads);
	EXPECT_EQ(0ULL, writes);
	EXPECT_EQ(0ULL, kvm_bus);
	EXPECT_EQ(0ULL, slow);

	/* A rate over one second: nothing moves, so all zero. */
	ASSERT_EQ(0, run(self->out, "-j stats -w 1 %u", self->ctx));
	snprintf(want, sizeof(want), "\"rates\":{\"reads\":0.0,");
	EXPECT_NE(NULL, strstr(self->out, want)) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "\"name\":\"uart0\""));
}

TEST_F(ctl, errors_and_usage)
{
	KMOD_SKIP_IF_NO_MODULE();
	EXPECT_EQ(2, run(self->out, ""));
	EXPECT_NE(NULL, strstr(self->out, "usage:"));
	EXPECT_EQ(2, run(self->out, "frobnicate"));
	EXPECT_EQ(2, run(self->out, "show"));
	EXPECT_EQ(2, run(self->out, "show 1 2 3"));
	EXPECT_EQ(2, run(self->out, "show abc"));
	EXPECT_EQ(2, run(self->out, "stats -w 0"));
	EXPECT_EQ(2, run(self->out, "list -x"));
	EXPECT_EQ(0, run(self->out, "-h"));
	EXPECT_EQ(1, run(self->out, "show 2147483000"));
	EXPECT_NE(NULL, strstr(self->out, "no such context")) TH_LOG("%s",
								    self->out);
	EXPECT_EQ(1, run(self->out, "show %u 9999", self->ctx));
	EXPECT_NE(NULL, strstr(self->out, "no such device"));
}

TEST(monitor_streams_events)
{
	char line[512], *l;
	const char *want[] = {
		"ctx-new", "dev-new", "range-new", "dev-reset", "range-del",
		"dev-del", "ctx-del",
	};
	uint32_t id;
	FILE *f;
	int fd, i;

	if (access(VMDEVCTL, X_OK))
		SKIP(return, VMDEVCTL " not in this image");
	f = popen(VMDEVCTL " monitor -c 7", "r");
	ASSERT_NE(NULL, f);
	usleep(300000);	/* until it has joined the group */
	fd = kmod_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, kmod_create1(fd, PIO, 0x3e8, 8, &id));
	ASSERT_EQ(0, kmod_reset(fd, id));
	ASSERT_EQ(0, kmod_destroy(fd, id));
	close(fd);
	for (i = 0; i < 7; i++) {
		l = fgets(line, sizeof(line), f);
		ASSERT_NE(NULL, l);
		TH_LOG("%s", line);
		EXPECT_EQ(0, strncmp(line, want[i], strlen(want[i])));
		if (i == 2)
			EXPECT_NE(NULL, strstr(line, "pio:0x3e8+0x8"));
	}
	EXPECT_EQ(0, pclose(f));
}

TEST_HARNESS_MAIN
