// SPDX-License-Identifier: MIT
/*
 * TEMPORARY (fs-procfs branch only, as fs-core's vfs_weak.c): a weak
 * stand-in for devices_for_each, which the device registry (fs/devices.c)
 * defines, so /proc/devices links before that part is merged; it lists no
 * devices. The real definition wins once merged; delete this file then.
 *
 * Locks: none.
 */
#include <xdv/vfs.h>

__weak void devices_for_each(bool block, void (*fn)(unsigned major, const char *name, void *arg),
			     void *arg)
{
}
