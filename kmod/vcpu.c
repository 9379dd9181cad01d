// SPDX-License-Identifier: GPL-2.0
/*
 * The run loop drives a KVM vCPU through nothing but what KVM offers any
 * process: the vCPU file's own KVM_RUN and its kvm_run page. So before
 * using a descriptor it makes sure of what it holds:
 *
 * - the file is a KVM vCPU. KVM creates vCPU files as anonymous inodes
 *   named "kvm-vcpu:<id>". Some versions (6.12 among them) name its
 *   vendor module (kvm_amd, kvm_intel) as their owner, others (6.1) no
 *   owner at all, which is also what a built-in KVM looks like. No
 *   symbol of KVM identifies its files to a module, so these are the
 *   checks: an anonymous inode, that name, an owner that is a KVM
 *   module if there is one, and file operations that can be run and
 *   mapped.
 * - kvm_run is where the caller mapped this very file at offset 0 (the
 *   kvm_run page, then KVM's PIO data page), shared and writable, at
 *   least one struct kvm_run long: the exit data the loop reads and
 *   writes is what KVM reads back when it resumes the guest.
 *
 * - the vCPU's VM belongs to the caller's address space: KVM refuses
 *   KVM_RUN to any other process (EIO), and a vCPU received from another
 *   process, or inherited across fork(), is refused here (EPERM) before
 *   the context binds to its VM.
 *
 * None of these checks is a security boundary: KVM_RUN is what the
 * caller could run on that file itself, and the mapping is the caller's
 * own memory. They turn a wrong descriptor or address into a clear
 * error instead of a loop that reads the wrong page. KVM's vCPU file
 * holds its struct kvm_vcpu in private_data (kvm_host.h, the headers of
 * the very kernel the module is built for), whose VM lives as long as
 * the file.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kvm.h>
#include <linux/kvm_host.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/security.h>
#include <linux/string.h>

#include "vcpu.h"

#define KVM_VCPU_NAME	"kvm-vcpu:"

/* No owner (6.1, or KVM built in), or KVM's core or a vendor module. */
bool vmdev_kvm_owner(const struct module *owner)
{
	return !owner || !strcmp(owner->name, "kvm") ||
	       str_has_prefix(owner->name, "kvm_");
}

static bool is_kvm_vcpu(struct file *file)
{
	const struct file_operations *fops = file->f_op;

	return file_inode(file)->i_sb->s_magic == ANON_INODE_FS_MAGIC &&
	       str_has_prefix(file_dentry(file)->d_name.name, KVM_VCPU_NAME) &&
	       fops->unlocked_ioctl && fops->mmap && vmdev_kvm_owner(fops->owner);
}

static bool is_run_mapping(const struct vm_area_struct *vma, u64 addr,
			   const struct file *file)
{
	const unsigned long need = VM_READ | VM_WRITE | VM_SHARED;

	return vma && vma->vm_start == addr && vma->vm_file == file &&
	       !vma->vm_pgoff && (vma->vm_flags & need) == need &&
	       vma->vm_end - vma->vm_start >= sizeof(struct kvm_run);
}

/* kvm_run must start this vCPU's mapping in the caller's memory. */
static int find_run_mapping(struct vmdev_vcpu *vcpu, u64 addr)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	int ret = -EINVAL;

	if (!mm || addr != (unsigned long)addr)
		return -EINVAL;
	if (mmap_read_lock_killable(mm))
		return -EINTR;
	vma = find_vma(mm, addr);
	if (is_run_mapping(vma, addr, vcpu->file)) {
		vcpu->run = u64_to_user_ptr(addr);
		vcpu->map_len = vma->vm_end - vma->vm_start;
		ret = 0;
	}
	mmap_read_unlock(mm);
	return ret;
}

/* Only for a file is_kvm_vcpu() accepted. */
static struct kvm *vcpu_vm(struct file *file)
{
	const struct kvm_vcpu *v = file->private_data;

	return v->kvm;
}

/*
 * Take the vCPU of descriptor fd with its kvm_run mapping at run_addr:
 * 0, -EBADF (no such open descriptor), -EINVAL (not a KVM vCPU, or not
 * its mapping), -EPERM (a vCPU of another process's VM), or the
 * security module's verdict on running it. The mapping may change after
 * this check: the loop treats the page as the caller's memory, which it
 * is.
 */
int vmdev_vcpu_get(struct vmdev_vcpu *vcpu, int fd, u64 run_addr)
{
	int ret;

	vcpu->file = fget(fd);
	if (!vcpu->file)
		return -EBADF;
	ret = is_kvm_vcpu(vcpu->file) ? 0 : -EINVAL;
	if (!ret) {
		vcpu->kvm = vcpu_vm(vcpu->file);
		if (vcpu->kvm->mm != current->mm)
			ret = -EPERM;
	}
	if (!ret)
		ret = find_run_mapping(vcpu, run_addr);
	/* Security modules see the loop's KVM_RUN like the caller's own. */
	if (!ret)
		ret = security_file_ioctl(vcpu->file, KVM_RUN, 0);
	if (ret) {
		fput(vcpu->file);
		vcpu->file = NULL;
		vcpu->kvm = NULL;
	}
	return ret;
}

void vmdev_vcpu_put(struct vmdev_vcpu *vcpu)
{
	fput(vcpu->file);
	vcpu->file = NULL;
	vcpu->kvm = NULL;
}

/*
 * One KVM_RUN, through the file's own ioctl, in the caller's task: KVM
 * checks the process, pending signals and immediate_exit as for any
 * caller, completes the exit the loop answered, and returns 0 with the
 * next exit in kvm_run, or an error.
 */
long vmdev_vcpu_enter(struct vmdev_vcpu *vcpu)
{
	return vcpu->file->f_op->unlocked_ioctl(vcpu->file, KVM_RUN, 0);
}
