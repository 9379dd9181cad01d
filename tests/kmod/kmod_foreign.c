// SPDX-License-Identifier: GPL-2.0
/*
 * Objects that are not the caller's. Descriptors name objects in the
 * caller's own descriptor table only: the number of an eventfd another
 * process holds is, in the caller, no descriptor at all (EBADF), and the
 * only way to use another process's eventfd is to be given it
 * (SCM_RIGHTS), which makes it the caller's. /dev/vmdev itself is
 * root's alone under the default mode 0600 (EACCES for anyone else).
 * Each refusal changes nothing: no binding, no held eventfd, no context.
 * (Foreign vCPUs and kvm_run mappings: kmod_run_refuse.c.)
 */
#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "kmod_eventfd.h"

KEV_FIXTURE(foreign);

/* A descriptor number that is free in this process. */
#define FOREIGN_FD	900

/* What the module holds, to check that a refusal took nothing. */
struct held {
	long sinks, sources, contexts;
};

static struct held held_now(void)
{
	struct held h = {
		.sinks = kmod_objects("sinks"),
		.sources = kmod_objects("sources"),
		.contexts = kmod_objects("contexts"),
	};

	return h;
}

/*
 * A child that holds an eventfd at FOREIGN_FD until told to go: it
 * writes one byte to ready[1] once it does, and exits when go[1]
 * closes (it closes its own copy first).
 */
static pid_t foreign_eventfd(const int *ready, const int *go)
{
	pid_t pid = fork();
	char c = 0;
	int efd;

	if (pid)
		return pid;
	close(ready[0]);
	close(go[1]);
	efd = kev_new();
	if (efd < 0 || dup2(efd, FOREIGN_FD) != FOREIGN_FD)
		_exit(1);
	if (write(ready[1], &c, 1) != 1)
		_exit(1);
	if (read(go[0], &c, 1) < 0)
		_exit(1);
	_exit(0);
}

TEST_F(foreign, eventfd_of_another_process)
{
	int ready[2], go[2], status, mine = self->efd[0];
	struct held before;
	pid_t pid;
	char c;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(-1, fcntl(FOREIGN_FD, F_GETFD));
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));
	pid = foreign_eventfd(ready, go);
	ASSERT_LE(0, pid);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	before = held_now();
	ASSERT_LE(0, before.sinks);

	EXPECT_EQ(-EBADF, kev_irqfd(self->fd, self->id, KEV_EDGE, FOREIGN_FD,
				    -1, 0));
	EXPECT_EQ(-EBADF, kev_irqfd(self->fd, self->id, KEV_LEVEL, mine,
				    FOREIGN_FD, 0));
	EXPECT_EQ(-EBADF, kev_ioeventfd(self->fd, self->id, KEV_DB,
					FOREIGN_FD, 1, 0));
	EXPECT_EQ(-EBADF, kev_notifyfd(self->fd, self->id, KEV_DB, FOREIGN_FD,
				       0));
	EXPECT_EQ(before.sinks, kmod_objects("sinks"));
	EXPECT_EQ(before.sources, kmod_objects("sources"));
	/* Nothing was bound: every slot takes an eventfd of our own. */
	EXPECT_EQ(0, kev_irqfd(self->fd, self->id, KEV_EDGE, mine, -1, 0));
	EXPECT_EQ(0, kev_notifyfd(self->fd, self->id, KEV_DB, self->efd[1],
				  0));
	EXPECT_EQ(0, kev_ioeventfd(self->fd, self->id, KEV_DB, self->efd[2],
				   1, 0));

	close(go[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	close(ready[0]);
	close(ready[1]);
	close(go[0]);
}

/* Send fd over sock (SCM_RIGHTS): 0 or -errno. */
static int send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	char c = 0;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -errno;
}

/* The descriptor received on sock, or -errno. */
static int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	char c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -errno;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -EPROTO;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/*
 * Given an eventfd, the caller holds it like any of its own: a doorbell
 * rung here signals the other process's eventfd.
 */
TEST_F(foreign, eventfd_given_is_ours)
{
	uint64_t n = 0;
	int sv[2], efd, status;
	pid_t pid;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		efd = kev_new();
		if (efd < 0 || send_fd(sv[1], efd))
			_exit(1);
		/* The ring arrives here, in the process that made it. */
		_exit(kev_wait(efd) == 1 ? 0 : 2);
	}
	efd = recv_fd(sv[0]);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, kev_notifyfd(self->fd, self->id, KEV_DB, efd, 0));
	close(efd);
	ASSERT_EQ(DONE, kmod_write(self->fd, PIO, KEV_PIO +
				   kev_regs[KEV_DB].offset, 4, 7));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0, kmod_reg_read(self->fd, self->id, KEV_DB, &n));
	EXPECT_EQ(7U, n);
	close(sv[0]);
	close(sv[1]);
}

/*
 * /dev/vmdev is created root:root 0600; anyone else is refused at open
 * (EACCES) and no context comes to be.
 */
TEST(nonroot_open)
{
	struct stat st;
	long contexts;
	int status;
	pid_t pid;

	if (getuid())
		SKIP(return, "needs root, to become another user");
	if (stat(KMOD_NODE, &st))
		SKIP(return, KMOD_NODE " absent: vmdev.ko not loaded");
	EXPECT_EQ(0600U, st.st_mode & 07777);
	EXPECT_EQ(0U, st.st_uid);
	EXPECT_EQ(0U, st.st_gid);
	contexts = kmod_objects("contexts");
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd;

		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(3);
		fd = open(KMOD_NODE, O_RDWR | O_CLOEXEC);
		_exit(fd < 0 && errno == EACCES ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(contexts, kmod_objects("contexts"));
}

TEST_HARNESS_MAIN
