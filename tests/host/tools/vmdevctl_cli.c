// SPDX-License-Identifier: GPL-2.0
/*
 * vmdevctl on this machine, where vmdev.ko is not loaded (this host's
 * kernel cannot load it): a clear message and exit 1 for every command
 * that needs the module, usage and exit 2 for bad arguments, before any
 * netlink. The rest of vmdevctl is tested in the VM (kmod_vmdevctl.c).
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#ifndef VMDEVCTL
#define VMDEVCTL	"build/vmdevctl"
#endif

static char out[8192];

static int run(const char *args)
{
	char cmd[512];
	size_t n;
	FILE *f;
	int st;

	snprintf(cmd, sizeof(cmd), "%s %s 2>&1", VMDEVCTL, args);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = 0;
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Is the family there (a host that has the module after all)? */
static bool module_loaded(void)
{
	return !access("/sys/module/vmdev", F_OK);
}

TEST(missing_module_is_exit_1)
{
	static const char *const cmds[] = {
		"list", "-j list", "show 1", "show 1 2", "stats", "stats -w 1",
		"monitor -c 1",
	};
	unsigned int i;

	ASSERT_EQ(0, access(VMDEVCTL, X_OK)) TH_LOG("%s not built", VMDEVCTL);
	if (module_loaded())
		SKIP(return, "vmdev.ko is loaded here");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		EXPECT_EQ(1, run(cmds[i])) TH_LOG("%s: %s", cmds[i], out);
		EXPECT_NE(NULL, strstr(out, "vmdev.ko is not loaded"))
			TH_LOG("%s: %s", cmds[i], out);
	}
}

TEST(bad_usage_is_exit_2)
{
	static const char *const cmds[] = {
		"", "nosuch", "list extra", "show", "show 0", "show x",
		"show 1 2 3", "show 4294967296", "stats -w 0", "stats -w x",
		"stats 1 2", "monitor -c 0", "monitor extra", "-x list",
		"list -w 1",
	};
	unsigned int i;

	ASSERT_EQ(0, access(VMDEVCTL, X_OK));
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		EXPECT_EQ(2, run(cmds[i])) TH_LOG("'%s': %s", cmds[i], out);
		EXPECT_NE(NULL, strstr(out, "usage: vmdevctl"))
			TH_LOG("'%s': %s", cmds[i], out);
	}
	EXPECT_EQ(0, run("-h"));
	EXPECT_NE(NULL, strstr(out, "vmdevctl [-j] monitor"));
}

TEST_HARNESS_MAIN
