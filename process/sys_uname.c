// SPDX-License-Identifier: MIT
/*
 * uname(2): fills Linux's struct new_utsname from include/xdv/utsname.h
 * (sysname "Linux", release UTS_RELEASE, version naming XDV with its
 * build date) and the host name (kernel/utsname.c), then copies it out
 * in one copy_to_user: -EFAULT if any of it cannot be written.
 *
 * Locks: none here.
 */
#include <xdv/errno.h>
#include <xdv/string.h>
#include <xdv/syscall.h>
#include <xdv/uaccess.h>
#include <xdv/utsname.h>
#include <uapi/xdv/utsname.h>

static_assert(UTS_HOSTNAME_MAX == NEW_UTS_LEN, "one host name limit");

long sys_uname(const struct pt_regs *regs)
{
	struct new_utsname u;

	memset(&u, 0, sizeof(u));
	strlcpy(u.sysname, UTS_SYSNAME, sizeof(u.sysname));
	utsname_get_hostname(u.nodename, sizeof(u.nodename));
	strlcpy(u.release, UTS_RELEASE, sizeof(u.release));
	strlcpy(u.version, UTS_VERSION, sizeof(u.version));
	strlcpy(u.machine, UTS_MACHINE, sizeof(u.machine));
	strlcpy(u.domainname, UTS_DOMAINNAME, sizeof(u.domainname));
	if (copy_to_user(uptr(SYSCALL_ARG0(regs)), &u, sizeof(u)))
		return -EFAULT;
	return 0;
}
