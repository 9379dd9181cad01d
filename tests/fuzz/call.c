// SPDX-License-Identifier: GPL-2.0
/*
 * Every vmdev ioctl of the fuzzer goes through fz_ioctl(): it counts the
 * call in the errno table and checks what Documentation/uapi.rst
 * promises whatever the arguments, so that the fuzzer finds wrong
 * answers and not only crashes:
 *
 * - the error is one the command documents (EFAULT and ENOMEM are
 *   allowed everywhere; VMDEV_RUN passes KVM_RUN's errors on, so any);
 * - VMDEV_GET_API_VERSION returns VMDEV_API_VERSION, whatever the
 *   direction and size bits of the command; an unknown command fails
 *   with ENOTTY; every other command returns 0 on success;
 * - the kernel writes nothing but the command's output fields, only on
 *   success (except VMDEV_RUN's exits and a batch's done), and never past
 *   min(size, known struct): the bytes after the argument (a canary) and
 *   a tail past the known struct stay as they were.
 *
 * A broken promise is a violation: counted, kept for the report, and
 * the run fails.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "fuzz.h"

#define FZ_CHECK_MAX	(4096 + 2 * FZ_CANARY)

static const char *const ioc_names[FZ_NR_IOC] = {
	[FZ_GET_API_VERSION] = "GET_API_VERSION",
	[FZ_CREATE_DEVICE] = "CREATE_DEVICE",
	[FZ_DESTROY_DEVICE] = "DESTROY_DEVICE",
	[FZ_RESET_DEVICE] = "RESET_DEVICE",
	[FZ_ACCESS] = "ACCESS",
	[FZ_ACCESS_BATCH] = "ACCESS_BATCH",
	[FZ_REG_READ] = "REG_READ",
	[FZ_REG_WRITE] = "REG_WRITE",
	[FZ_FIFO_IO] = "FIFO_IO",
	[FZ_GET_STATS] = "GET_STATS",
	[FZ_RUN] = "RUN",
	[FZ_IRQFD] = "IRQFD",
	[FZ_IOEVENTFD] = "IOEVENTFD",
	[FZ_NOTIFYFD] = "NOTIFYFD",
	[FZ_KVM_ATTACH] = "KVM_ATTACH",
	[FZ_GET_LEVEL] = "GET_LEVEL",
	[FZ_SAVE_DEVICE] = "SAVE_DEVICE",
	[FZ_RESTORE_DEVICE] = "RESTORE_DEVICE",
	[FZ_SAVE_CONTEXT] = "SAVE_CONTEXT",
	[FZ_RESTORE_CONTEXT] = "RESTORE_CONTEXT",
	[FZ_BATCH] = "BATCH",
	[FZ_UNKNOWN] = "(unknown)",
};

const char *fz_ioc_name(enum fz_ioc ioc)
{
	return ioc_names[ioc];
}

/* The errors each command documents, besides EFAULT and ENOMEM. */
static const int allowed[FZ_NR_IOC][8] = {
	[FZ_CREATE_DEVICE] = { EINVAL, E2BIG, EEXIST, ENOSPC },
	[FZ_DESTROY_DEVICE] = { ENOENT, EINVAL, E2BIG },
	[FZ_RESET_DEVICE] = { ENOENT, EINVAL, E2BIG },
	[FZ_ACCESS] = { EINVAL },
	[FZ_ACCESS_BATCH] = { EINVAL, E2BIG },
	[FZ_REG_READ] = { ENOENT, EINVAL, E2BIG },
	[FZ_REG_WRITE] = { ENOENT, EINVAL, E2BIG },
	[FZ_FIFO_IO] = { ENOENT, EINVAL, E2BIG },
	[FZ_GET_STATS] = { ENOENT, EINVAL, E2BIG },
	[FZ_IRQFD] = { EINVAL, EBADF, ENOENT, EEXIST, E2BIG },
	[FZ_IOEVENTFD] = { EINVAL, EBADF, ENOENT, EEXIST, ENOSPC, E2BIG },
	[FZ_NOTIFYFD] = { EINVAL, EBADF, ENOENT, EEXIST, E2BIG },
	[FZ_KVM_ATTACH] = { EOPNOTSUPP, EBADF, EINVAL, EPERM, EXDEV, E2BIG },
	[FZ_GET_LEVEL] = { EINVAL, E2BIG },
	[FZ_SAVE_DEVICE] = { EINVAL, E2BIG, ENOENT, ENOSPC },
	[FZ_RESTORE_DEVICE] = { EINVAL, E2BIG, ENOENT, EBADMSG,
				EPROTONOSUPPORT, EMEDIUMTYPE },
	[FZ_SAVE_CONTEXT] = { EINVAL, E2BIG, ENOSPC },
	[FZ_RESTORE_CONTEXT] = { EINVAL, E2BIG, EBADMSG, EPROTONOSUPPORT,
				 EMEDIUMTYPE },
	[FZ_BATCH] = { EINVAL, EBUSY, E2BIG },
};

static bool errno_documented(enum fz_ioc ioc, int err)
{
	unsigned int i;

	switch (ioc) {
	case FZ_RUN:
		return true;
	case FZ_GET_API_VERSION:
		return false;
	case FZ_UNKNOWN:
		return err == ENOTTY;
	default:
		break;
	}
	if (err == EFAULT || err == ENOMEM)
		return true;
	for (i = 0; i < 8 && allowed[ioc][i]; i++) {
		if (allowed[ioc][i] == err)
			return true;
	}
	return false;
}

/*
 * Count a broken promise and keep the first few for the report. The
 * parent prints them as they come (main.c): workers have no output of
 * their own, so that one stuck in the kernel holds no pipe open.
 */
void fz_violation(const char *fmt, ...)
{
	uint64_t n = __atomic_fetch_add(&fz_sh->violations, 1,
					__ATOMIC_RELAXED);
	va_list ap;

	if (n >= FZ_NR_MSGS)
		return;
	va_start(ap, fmt);
	vsnprintf(fz_sh->msgs[n], FZ_MSG_LEN, fmt, ap);
	va_end(ap);
	__atomic_store_n(&fz_sh->msg_ready[n], 1, __ATOMIC_RELEASE);
}

static void count(enum fz_ioc ioc, int err)
{
	struct fz_ioc_stats *s = &fz_sh->ioc[ioc];

	__atomic_fetch_add(&s->calls, 1, __ATOMIC_RELAXED);
	if (!err)
		__atomic_fetch_add(&s->ok, 1, __ATOMIC_RELAXED);
	else
		__atomic_fetch_add(&s->err[err < FZ_MAX_ERRNO ? err :
					   FZ_MAX_ERRNO - 1],
				   1, __ATOMIC_RELAXED);
}

/* The longest call of each command, for the table. */
static void slowest(enum fz_ioc ioc, uint64_t ns)
{
	uint64_t *max = &fz_sh->ioc[ioc].max_ns;
	uint64_t old = __atomic_load_n(max, __ATOMIC_RELAXED);

	while (ns > old && !__atomic_compare_exchange_n(max, &old, ns, false,
							  __ATOMIC_RELAXED,
							  __ATOMIC_RELAXED))
		;
}

/* May byte i of the argument have changed, after a call that ret'd? */
static bool may_write(const struct fz_call *c, size_t i, bool ok)
{
	unsigned int k;

	for (k = 0; k < c->nr_outs; k++) {
		const struct fz_out *o = &c->outs[k];

		if ((ok || o->on_error) && i >= o->off && i < o->off + o->len)
			return true;
	}
	return false;
}

static void check_writes(struct fz_thread *t, const struct fz_call *c,
			 const uint8_t *before, size_t n, bool ok, int err)
{
	const uint8_t *after = c->arg;
	size_t i;

	for (i = 0; i < n; i++) {
		if (before[i] == after[i] || may_write(c, i, ok))
			continue;
		fz_violation("%s (cmd %#lx) %s: byte %zu of the argument "
			     "changed from %#x to %#x (argument %zu bytes; "
			     "proc %u thread %u)", ioc_names[c->ioc], c->cmd,
			     ok ? "succeeded" : strerror(err), i, before[i],
			     after[i], c->len, t->proc->index, t->index);
		return;
	}
}

long fz_ioctl(struct fz_thread *t, int fd, struct fz_call *c)
{
	static _Thread_local uint8_t before[FZ_CHECK_MAX];
	uint64_t start;
	size_t n = 0;
	long ret;
	int err;

	if (c->checked) {
		n = c->len + FZ_CANARY;
		if (n > sizeof(before))
			n = sizeof(before);
		memcpy(before, c->arg, n);
	}
	start = fz_now_ns();
	ret = ioctl(fd, c->cmd, c->arg);
	err = ret < 0 ? errno : 0;
	count(c->ioc, err);
	slowest(c->ioc, fz_now_ns() - start);

	if (c->ioc == FZ_GET_API_VERSION) {
		if (ret != VMDEV_API_VERSION)
			fz_violation("GET_API_VERSION (cmd %#lx) returned %ld "
				     "(%s)", c->cmd, ret,
				     err ? strerror(err) : "no error");
	} else if (err && !errno_documented(c->ioc, err)) {
		fz_violation("%s (cmd %#lx) failed with %s (%d), which it "
			     "does not document", ioc_names[c->ioc], c->cmd,
			     strerror(err), err);
	} else if (!err && ret != 0) {
		fz_violation("%s (cmd %#lx) returned %ld", ioc_names[c->ioc],
			     c->cmd, ret);
	}
	if (n)
		check_writes(t, c, before, n, !err, err);
	errno = err;
	return ret < 0 ? -err : ret;
}

/*
 * The direction and size bits of a command are ignored (only type and
 * number select it): now and then, call it with other ones.
 */
unsigned long fz_cmd_bits(struct fz_thread *t, unsigned long cmd)
{
	if (!fz_chance(&t->rng, 10))
		return cmd;
	return _IOC(fz_below(&t->rng, 4), _IOC_TYPE(cmd), _IOC_NR(cmd),
		    fz_below(&t->rng, _IOC_SIZEMASK + 1));
}

/*
 * Call cmd with the extensible struct k of known bytes (its size field
 * first), as userspace of any version might: the size field fuzzed, and
 * with it the tail past the known struct (fz_pick_size(),
 * fz_fill_tail()); the struct placed where fz_pick_where() says, bad_pct
 * percent of the time somewhere odd. outs are the output fields; they
 * are clipped to what the size lets the kernel write. On return, k holds
 * what the kernel left in the known part, when it could be read; x, if
 * not NULL, says how the call was made.
 */
long fz_ioctl_ext(struct fz_thread *t, int fd, enum fz_ioc ioc,
		  unsigned long cmd, void *k, uint32_t known,
		  const struct fz_out *outs, unsigned int nr_outs,
		  unsigned int bad_pct, struct fz_ext *x)
{
	static _Thread_local uint8_t raw[4096 + FZ_CANARY];
	struct fz_out clipped[4];
	struct fz_call c = { .ioc = ioc, .cmd = fz_cmd_bits(t, cmd) };
	struct fz_ext ext;
	uint32_t limit, i, n = 0;
	size_t len, readable;
	long ret;

	ext.size = fz_pick_size(t, known);
	ext.where = fz_pick_where(t, bad_pct);
	memcpy(raw, k, known);
	memcpy(raw, &ext.size, sizeof(ext.size));
	ext.dirty = fz_fill_tail(t, raw, known, ext.size);
	len = ext.size > known && ext.size <= 4096 ? ext.size : known;
	c.arg = fz_place(t, raw, len, ext.where, &readable);
	c.len = readable;
	c.checked = ext.where == FZ_AT_BUF;
	limit = ext.size < known ? ext.size : known;
	for (i = 0; i < nr_outs && n < 4; i++) {
		if (outs[i].off >= limit)
			continue;
		clipped[n] = outs[i];
		if (clipped[n].off + clipped[n].len > limit)
			clipped[n].len = limit - clipped[n].off;
		n++;
	}
	c.outs = clipped;
	c.nr_outs = n;
	ret = fz_ioctl(t, fd, &c);
	if (readable >= known)
		memcpy(k, c.arg, known);
	ext.readable = readable >= known;
	if (x)
		*x = ext;
	return ret;
}

/* Did a call made like x get a well-formed argument? */
bool fz_ext_clean(const struct fz_ext *x, uint32_t known)
{
	return x->where == FZ_AT_BUF && x->size >= known && x->size <= 4096 &&
	       !x->dirty;
}
