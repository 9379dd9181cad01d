// SPDX-License-Identifier: GPL-2.0
/*
 * The module's life: an open context pins it (rmmod fails), closing the
 * last file releases everything and lets it unload, and it loads again
 * cleanly, as often as wanted. Also the device node's permissions.
 *
 * Needs root, the module loaded, and VMDEV_KO (the test VM sets it) for
 * the path to insmod. Every test leaves the module loaded.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "kmod_util.h"

#define MODULE_DIR	"/sys/module/vmdev"

static bool loaded(void)
{
	return access(MODULE_DIR, F_OK) == 0;
}

/* Run a command; its exit status, or -1 if it could not run. */
static int run(const char *prog, const char *arg)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (!pid) {
		execlp(prog, prog, arg, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static int rmmod(void)
{
	return run("rmmod", "vmdev");
}

static int insmod(const char *ko)
{
	return run("insmod", ko);
}

static long refcnt(void)
{
	return kmod_module_refs("vmdev");
}

FIXTURE(mod) {
	const char *ko;
};

FIXTURE_SETUP(mod)
{
	self->ko = getenv("VMDEV_KO");
	if (!self->ko)
		SKIP(return, "VMDEV_KO (path of vmdev.ko) not set");
	if (geteuid())
		SKIP(return, "needs root to unload and load the module");
	if (!loaded())
		SKIP(return, "vmdev.ko not loaded");
}

FIXTURE_TEARDOWN(mod)
{
	if (!_metadata->skip && !loaded())
		EXPECT_EQ(0, insmod(self->ko));
}

/* Unload (which must work) and load again; then the node works. */
static void reload(struct __test_metadata *_metadata, const char *ko)
{
	struct stat st;
	int fd;

	ASSERT_EQ(0, rmmod());
	EXPECT_FALSE(loaded());
	EXPECT_EQ(-1, stat(KMOD_NODE, &st));
	EXPECT_EQ(ENOENT, errno);
	ASSERT_EQ(0, insmod(ko));
	ASSERT_TRUE(loaded());
	fd = kmod_open();
	ASSERT_LE(0, fd);
	EXPECT_EQ(VMDEV_API_VERSION,
		  kmod_ioctl(fd, VMDEV_GET_API_VERSION, NULL));
	close(fd);
}

TEST_F(mod, unload_refused_while_open)
{
	uint64_t v;
	int fd;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, refcnt());
	fd = kmod_open();
	ASSERT_LE(0, fd);
	EXPECT_EQ(1, refcnt());
	EXPECT_NE(0, rmmod());
	ASSERT_TRUE(loaded());
	/* The context still works after the refused unload. */
	ASSERT_EQ(0, kmod_create1(fd, PIO, 0x3f0, 16, NULL));
	ASSERT_EQ(DONE, kmod_read(fd, PIO, 0x3f4, 4, &v));
	EXPECT_EQ(KMOD_CONST, v);
	close(fd);
	EXPECT_EQ(0, refcnt());
	reload(_metadata, self->ko);
}

/* Closing a context with devices in it frees them all: unload works. */
TEST_F(mod, unload_after_busy_context)
{
	struct vmdev_range r[2] = {
		kmod_range(PIO, 0x3f8, VMDEV_UART_WINDOW),
		kmod_range(MMIO, 0xfe001000, VMDEV_UART_WINDOW),
	};
	int fd[3], i, j;

	KMOD_SKIP_IF_NO_MODULE();
	for (i = 0; i < 3; i++) {
		fd[i] = kmod_open();
		ASSERT_LE(0, fd[i]);
		ASSERT_EQ(0, kmod_create(fd[i], &vmdev_uart16550_map, r, 2,
					 NULL));
		for (j = 0; j < 64; j++)
			ASSERT_EQ(0, kmod_create1(fd[i], MMIO, 0x10000 + 16 * j,
						  16, NULL));
		/* Queued FIFO data is freed with the device. */
		ASSERT_EQ(DONE, kmod_write(fd[i], PIO, 0x3f8, 1, 'x'));
	}
	EXPECT_EQ(3, refcnt());
	for (i = 0; i < 3; i++)
		close(fd[i]);
	reload(_metadata, self->ko);
}

/* A context lives as long as any process holds its file. */
TEST_F(mod, child_holds_context)
{
	int fd, pipefd[2], st;
	char c = 0;
	pid_t pid;

	KMOD_SKIP_IF_NO_MODULE();
	fd = kmod_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, kmod_create1(fd, PIO, 0x3f0, 16, NULL));
	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		uint64_t v;

		close(pipefd[1]);
		/* Wait for the parent to let go, then use the context. */
		if (read(pipefd[0], &c, 1) != 1)
			_exit(2);
		_exit(kmod_read(fd, PIO, 0x3f4, 4, &v) == DONE &&
		      v == KMOD_CONST ? 0 : 1);
	}
	close(pipefd[0]);
	close(fd);
	EXPECT_NE(0, rmmod());
	ASSERT_TRUE(loaded());
	ASSERT_EQ(1, write(pipefd[1], &c, 1));
	close(pipefd[1]);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	reload(_metadata, self->ko);
}

TEST_F(mod, reload_cycles)
{
	int i, fd;

	KMOD_SKIP_IF_NO_MODULE();
	for (i = 0; i < 5; i++) {
		fd = kmod_open();
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, kmod_create1(fd, MMIO, 0x1000, 16, NULL));
		close(fd);
		reload(_metadata, self->ko);
	}
}

/* Root only, as the misc device was registered: 0600. */
TEST_F(mod, node_permissions)
{
	struct stat st;
	pid_t pid;
	int status;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, stat(KMOD_NODE, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600U, st.st_mode & 07777);
	EXPECT_EQ(0U, st.st_uid);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (setgid(65534) || setuid(65534))
			_exit(2);
		_exit(kmod_open() == -EACCES ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
