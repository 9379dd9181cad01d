// SPDX-License-Identifier: GPL-2.0
/*
 * First contact with the loaded module: the misc device node is there,
 * only its owner may use it, it speaks the API version this tree was
 * built against, and every open is a context of its own.
 */
#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/vmdev.h>

#include "kselftest_harness.h"

#define VMDEV_NODE	"/dev/vmdev"
#define MISC_MAJOR	10U

TEST(node_is_a_restricted_misc_device)
{
	struct stat st;

	ASSERT_EQ(0, stat(VMDEV_NODE, &st)) {
		TH_LOG("%s: %s (is vmdev.ko loaded?)", VMDEV_NODE,
		       strerror(errno));
	}
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(MISC_MAJOR, major(st.st_rdev));
	/* One context is one VM: nobody but its owner may open it. */
	EXPECT_EQ(0U, st.st_mode & 0007) {
		TH_LOG("mode %o is open to others", st.st_mode & 07777);
	}
}

TEST(api_version)
{
	int fd = open(VMDEV_NODE, O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, fd) {
		TH_LOG("open %s: %s", VMDEV_NODE, strerror(errno));
	}
	EXPECT_EQ(VMDEV_API_VERSION, ioctl(fd, VMDEV_GET_API_VERSION));
	EXPECT_EQ(0, close(fd));
}

TEST(contexts_are_independent)
{
	int a = open(VMDEV_NODE, O_RDWR | O_CLOEXEC);
	int b = open(VMDEV_NODE, O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	/* Closing one context leaves the other usable. */
	EXPECT_EQ(0, close(a));
	EXPECT_EQ(VMDEV_API_VERSION, ioctl(b, VMDEV_GET_API_VERSION));
	EXPECT_EQ(0, close(b));
}

TEST_HARNESS_MAIN
