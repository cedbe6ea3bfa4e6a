// SPDX-License-Identifier: MIT
/*
 * The host name (include/xdv/utsname.h): what uname(2) reports as
 * nodename and /proc/sys/kernel/hostname shows and sets. Linux's default
 * before anything sets it is "(none)".
 *
 * Locks: hostname_lock, a leaf spinlock taken with interrupts off.
 */
#include <xdv/spinlock.h>
#include <xdv/string.h>
#include <xdv/utsname.h>

static struct spinlock hostname_lock = SPINLOCK_INIT("hostname");
static char hostname[UTS_HOSTNAME_MAX + 1] = "(none)";

void utsname_get_hostname(char *buf, size_t size)
{
	uint64_t flags = spin_lock_irqsave(&hostname_lock);

	strlcpy(buf, hostname, size);
	spin_unlock_irqrestore(&hostname_lock, flags);
}

void utsname_set_hostname(const char *name, size_t len)
{
	if (len > UTS_HOSTNAME_MAX)
		len = UTS_HOSTNAME_MAX;

	uint64_t flags = spin_lock_irqsave(&hostname_lock);

	memcpy(hostname, name, len);
	hostname[len] = '\0';
	spin_unlock_irqrestore(&hostname_lock, flags);
}
