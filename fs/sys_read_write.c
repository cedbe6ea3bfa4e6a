// SPDX-License-Identifier: MIT
/*
 * read(2) and write(2): thin handlers over vfs_read/vfs_write with the
 * user buffer as an ITER_UVEC iterator, so the data moves straight between
 * the file and user memory (copy_to_user/copy_from_user in fs/iov_iter.c).
 *
 * Checks in Linux's order: the descriptor (-EBADF), the file's mode
 * (-EBADF when not open for that direction), the buffer range (access_ok:
 * -EFAULT for a kernel address or a range past the user half); a fault
 * inside the range makes the transfer short, or -EFAULT if nothing moved.
 *
 * Locks: none here (vfs_read/vfs_write take the file's pos_lock).
 */
#include <xdv/errno.h>
#include <xdv/syscall.h>
#include <xdv/uaccess.h>
#include <xdv/vfs.h>

static long sys_rw(const struct pt_regs *regs, unsigned need)
{
	int fd = (int)SYSCALL_ARG0(regs);
	struct uvec vec = { uptr(SYSCALL_ARG1(regs)), SYSCALL_ARG2(regs) };
	struct fd_table *table = fd_table_current();
	struct file *file = table ? fd_get_file(table, fd) : NULL;
	struct iov_iter it;
	long ret;

	if (!file)
		return -EBADF;
	if ((file->mode & FMODE_PATH) || !(file->mode & need)) {
		ret = -EBADF;
		goto out_put;
	}
	if (!access_ok(vec.base, vec.len)) {
		ret = -EFAULT;
		goto out_put;
	}
	iov_iter_uvec(&it, &vec, 1);
	ret = need == FMODE_READ ? vfs_read(file, &it) : vfs_write(file, &it);
out_put:
	file_put(file);
	return ret;
}

long sys_read(const struct pt_regs *regs)
{
	return sys_rw(regs, FMODE_READ);
}

long sys_write(const struct pt_regs *regs)
{
	return sys_rw(regs, FMODE_WRITE);
}
