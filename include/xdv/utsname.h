/* SPDX-License-Identifier: MIT */
/*
 * The system's names, in one place for uname(2) (process/sys_uname.c) and
 * /proc/sys/kernel (fs/procfs_system.c): sysname "Linux" and a Linux-like
 * release, as WSL and gVisor report, because programs check them against
 * Linux's (XDV's ABI is Linux's); the version string names XDV.
 * The host name is kept by kernel/utsname.c.
 */
#pragma once

#include <xdv/compiler.h>

#define UTS_SYSNAME      "Linux"
#define UTS_RELEASE      "6.1.0-xdv"
#define UTS_VERSION      "XDV Kernel v0.2 #1 SMP " __DATE__ " " __TIME__
#define UTS_MACHINE      "x86_64"
#define UTS_DOMAINNAME   "(none)"
#define UTS_HOSTNAME_MAX 64 /* Linux's __NEW_UTS_LEN */

/* Copy the host name, NUL-terminated, into buf (size >= UTS_HOSTNAME_MAX + 1).
 * Context: any. */
void utsname_get_hostname(char *buf, size_t size);

/* Set the host name to the first len bytes of name (at most
 * UTS_HOSTNAME_MAX are kept). Context: any. */
void utsname_set_hostname(const char *name, size_t len);
